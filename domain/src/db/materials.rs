//! Materials without codes: their kinds, the movements ledger per store, and each store's
//! level kept beside it (`material_levels`, changed in the same transaction as the ledger).
//!
//! A level is "the last count, plus the ledger since". Paper forms also follow the campaign's
//! own records: a form batch printed for the store adds its forms, a form typed in (a hand-out
//! with a form serial, or a self-registration from a form's QR code) takes one away — both
//! counted only after the last count, which already saw them.

use chrono::{DateTime, Utc};
use sqlx::any::AnyExecutor;

use super::{internal, stored_ts, ts};
use crate::error::DomainError;
use crate::ids::{CampaignId, StoreId};
use crate::ledger::{BUILTIN_KINDS, MaterialKind, Movement};

#[derive(sqlx::FromRow)]
struct KindRow {
    id: i64,
    builtin: Option<String>,
    name: String,
    name_en: String,
    per_store_min: i64,
    archived: i64,
}

impl From<KindRow> for MaterialKind {
    fn from(r: KindRow) -> MaterialKind {
        MaterialKind {
            id: r.id,
            builtin: r.builtin,
            name: r.name,
            name_en: r.name_en,
            per_store_min: r.per_store_min,
            archived: r.archived != 0,
        }
    }
}

/// Adds the built-in kinds that are missing (safe from several instances at once).
pub async fn ensure_builtin_kinds(
    pool: &sqlx::AnyPool,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    for (key, name, name_en, min) in BUILTIN_KINDS {
        sqlx::query(
            "INSERT INTO material_kinds (builtin, name, name_en, per_store_min, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (builtin) DO NOTHING",
        )
        .bind(*key)
        .bind(*name)
        .bind(*name_en)
        .bind(*min)
        .bind(ts(at))
        .execute(pool)
        .await
        .map_err(internal)?;
    }
    Ok(())
}

/// Every kind, built-in first, then by name (at most 200).
pub async fn kinds<'c>(e: impl AnyExecutor<'c>) -> Result<Vec<MaterialKind>, DomainError> {
    let rows: Vec<KindRow> = sqlx::query_as(
        "SELECT id, builtin, name, name_en, per_store_min, archived FROM material_kinds
         ORDER BY CASE WHEN builtin IS NULL THEN 1 ELSE 0 END, id LIMIT 200",
    )
    .fetch_all(e)
    .await
    .map_err(internal)?;
    Ok(rows.into_iter().map(MaterialKind::from).collect())
}

pub async fn count_kinds<'c>(e: impl AnyExecutor<'c>) -> Result<i64, DomainError> {
    sqlx::query_scalar("SELECT COUNT(*) FROM material_kinds")
        .fetch_one(e)
        .await
        .map_err(internal)
}

pub async fn insert_kind<'c>(
    e: impl AnyExecutor<'c>,
    name: &str,
    name_en: &str,
    per_store_min: i64,
    at: DateTime<Utc>,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO material_kinds (name, name_en, per_store_min, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(name_en)
    .bind(per_store_min)
    .bind(ts(at))
    .fetch_one(e)
    .await
    .map_err(internal)
}

pub async fn update_kind<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    name: &str,
    name_en: &str,
    per_store_min: i64,
    archived: bool,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE material_kinds SET name = $1, name_en = $2, per_store_min = $3, archived = $4 WHERE id = $5",
    )
    .bind(name)
    .bind(name_en)
    .bind(per_store_min)
    .bind(i64::from(archived))
    .bind(id)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

/// A store's level of one material (stored part and, for forms, the records since the count).
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct LevelRow {
    pub store_id: i64,
    pub kind_id: i64,
    pub level: i64,
    pub counted_at: Option<String>,
}

const FORMS_SINCE_COUNT: &str = "
    + CASE WHEN k.builtin = 'forms' THEN
        (SELECT CAST(COALESCE(SUM(f.last_serial - f.first_serial + 1), 0) AS BIGINT) FROM form_batches f
           WHERE f.campaign_id = $1 AND f.store_id = s.id AND f.created_at > COALESCE(ml.counted_at, ''))
      - (SELECT COUNT(*) FROM handouts h
           WHERE h.campaign_id = $1 AND h.store_id = s.id AND h.form_serial IS NOT NULL
             AND h.happened_at > COALESCE(ml.counted_at, ''))
      - (SELECT COUNT(*) FROM form_contacts fc
           WHERE fc.campaign_id = $1 AND fc.store_id = s.id AND fc.form_serial IS NOT NULL
             AND fc.consent_at > COALESCE(ml.counted_at, ''))
      ELSE 0 END";

/// The level of every material (not archived) in every store of the campaign's partners, or
/// of one store or one kind. Forms count their batches and hand-outs since the last count.
pub async fn levels<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    store: Option<StoreId>,
    kind: Option<i64>,
) -> Result<Vec<LevelRow>, DomainError> {
    sqlx::query_as(&format!(
        "SELECT s.id AS store_id, k.id AS kind_id,
            COALESCE(ml.counted_level, 0) + COALESCE(ml.moved, 0) {FORMS_SINCE_COUNT} AS level,
            ml.counted_at AS counted_at
         FROM stores s
         JOIN campaign_partners cp ON cp.partner_id = s.partner_id AND cp.campaign_id = $1
         CROSS JOIN material_kinds k
         LEFT JOIN material_levels ml ON ml.campaign_id = $1 AND ml.store_id = s.id AND ml.kind_id = k.id
         WHERE k.archived = 0 AND ($2 = -1 OR s.id = $2) AND ($3 = -1 OR k.id = $3)
         ORDER BY s.id, k.id LIMIT 20000"
    ))
    .bind(campaign)
    .bind(store.map(StoreId::get).unwrap_or(-1))
    .bind(kind.unwrap_or(-1))
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// A movement to write, with the level it leaves.
pub struct NewMovement<'a> {
    pub campaign: CampaignId,
    pub store: StoreId,
    pub kind: i64,
    pub movement: Movement,
    pub quantity: i64,
    pub delta: i64,
    pub level_after: i64,
    pub other_store: Option<StoreId>,
    pub note: Option<&'a str>,
    pub actor_id: Option<i64>,
    pub actor: &'a str,
    pub at: DateTime<Utc>,
}

/// Writes the ledger line and moves the store's level with it (a count resets it).
pub async fn record(tx: &mut super::Tx, m: &NewMovement<'_>) -> Result<i64, DomainError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO material_movements (campaign_id, store_id, kind_id, movement, quantity, delta, level_after, other_store_id, note, actor_id, actor, happened_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(m.campaign)
    .bind(m.store)
    .bind(m.kind)
    .bind(m.movement.as_str())
    .bind(m.quantity)
    .bind(m.delta)
    .bind(m.level_after)
    .bind(m.other_store.map(StoreId::get))
    .bind(m.note)
    .bind(m.actor_id)
    .bind(m.actor)
    .bind(ts(m.at))
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    let at = ts(m.at);
    if m.movement == Movement::Counted {
        sqlx::query(
            "INSERT INTO material_levels (campaign_id, store_id, kind_id, counted_level, counted_at, moved, updated_at)
             VALUES ($1, $2, $3, $4, $5, 0, $5)
             ON CONFLICT (campaign_id, store_id, kind_id) DO UPDATE SET counted_level = $4, counted_at = $5, moved = 0, updated_at = $5",
        )
        .bind(m.campaign)
        .bind(m.store)
        .bind(m.kind)
        .bind(m.quantity)
        .bind(&at)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    } else {
        sqlx::query(
            "INSERT INTO material_levels (campaign_id, store_id, kind_id, counted_level, counted_at, moved, updated_at)
             VALUES ($1, $2, $3, 0, NULL, $4, $5)
             ON CONFLICT (campaign_id, store_id, kind_id) DO UPDATE SET moved = material_levels.moved + $4, updated_at = $5",
        )
        .bind(m.campaign)
        .bind(m.store)
        .bind(m.kind)
        .bind(m.delta)
        .bind(&at)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    }
    Ok(id)
}

#[derive(sqlx::FromRow)]
pub struct MovementRow {
    pub id: i64,
    pub store_id: i64,
    pub kind_id: i64,
    pub kind_name: String,
    pub kind_name_en: String,
    pub movement: String,
    pub quantity: i64,
    pub delta: i64,
    pub level_after: i64,
    pub other_store_name: Option<String>,
    pub note: Option<String>,
    pub actor: String,
    pub happened_at: String,
}

impl MovementRow {
    pub fn at(&self) -> Result<DateTime<Utc>, DomainError> {
        stored_ts(&self.happened_at)
    }
}

/// A store's ledger (or the whole campaign's), newest first.
pub async fn history<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    store: Option<StoreId>,
    limit: i64,
) -> Result<Vec<MovementRow>, DomainError> {
    sqlx::query_as(
        "SELECT m.id, m.store_id, m.kind_id, k.name AS kind_name, k.name_en AS kind_name_en, m.movement, m.quantity,
                m.delta, m.level_after, o.name AS other_store_name, m.note, m.actor, m.happened_at
         FROM material_movements m
         JOIN material_kinds k ON k.id = m.kind_id
         LEFT JOIN stores o ON o.id = m.other_store_id
         WHERE m.campaign_id = $1 AND ($2 = -1 OR m.store_id = $2)
         ORDER BY m.happened_at DESC, m.id DESC LIMIT $3",
    )
    .bind(campaign)
    .bind(store.map(StoreId::get).unwrap_or(-1))
    .bind(limit)
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Per store, after the campaign (items 18–19): whether its paper forms were collected
/// (returned or counted after `after`), the difference its latest forms count found (negative:
/// forms gone from the shelf that the ledger did not expect), and how many forms filled in
/// before that count were typed in only after it (they explain that difference).
#[derive(sqlx::FromRow)]
pub struct FormsAfterEnd {
    pub store_id: i64,
    pub collected: i64,
    pub last_count_delta: Option<i64>,
    pub entered_after_count: i64,
}

pub async fn forms_after<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    forms_kind: i64,
    after: DateTime<Utc>,
) -> Result<Vec<FormsAfterEnd>, DomainError> {
    sqlx::query_as(
        "SELECT s.id AS store_id,
            (SELECT COUNT(*) FROM material_movements m WHERE m.campaign_id = $1 AND m.store_id = s.id AND m.kind_id = $2
               AND m.movement IN ('returned', 'counted') AND m.happened_at >= $3) AS collected,
            lc.delta AS last_count_delta,
            (SELECT COUNT(*) FROM handouts h WHERE h.campaign_id = $1 AND h.store_id = s.id AND h.form_serial IS NOT NULL
               AND h.happened_at <= lc.happened_at AND h.recorded_at > lc.happened_at)
            + (SELECT COUNT(*) FROM form_contacts fc WHERE fc.campaign_id = $1 AND fc.store_id = s.id
               AND fc.form_serial IS NOT NULL AND fc.consent_at <= lc.happened_at AND fc.recorded_at > lc.happened_at)
              AS entered_after_count
         FROM stores s JOIN campaign_partners cp ON cp.partner_id = s.partner_id AND cp.campaign_id = $1
         LEFT JOIN material_movements lc ON lc.id = (
            SELECT m.id FROM material_movements m WHERE m.campaign_id = $1 AND m.store_id = s.id AND m.kind_id = $2
              AND m.movement = 'counted' ORDER BY m.happened_at DESC, m.id DESC LIMIT 1)
         LIMIT 5000",
    )
    .bind(campaign)
    .bind(forms_kind)
    .bind(ts(after))
    .fetch_all(e)
    .await
    .map_err(internal)
}
