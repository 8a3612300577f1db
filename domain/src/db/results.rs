//! What the results count: a campaign's hand-outs, live redemptions and visits, with the store
//! and employee each is credited to. Placed into clinic weeks by `ops::results`.

use sqlx::any::AnyExecutor;

use super::{Db, Engine, internal};
use crate::error::DomainError;
use crate::ids::CampaignId;

/// The most rows one report reads of each kind.
pub const MAX_ROWS: i64 = 1_000_000;

pub struct HandoutRow {
    pub happened_at: String,
    pub store_id: Option<i64>,
    pub employee_id: Option<i64>,
    pub patient_id: i64,
    /// 1 while the participant's consent stands.
    pub contact: i64,
}

pub struct CameRow {
    pub id: i64,
    pub redeemed_at: String,
    pub store_id: Option<i64>,
    pub employee_id: Option<i64>,
}

pub struct VisitRow {
    pub id: i64,
    pub redemption_id: i64,
    pub visited_on: String,
    pub store_id: Option<i64>,
    pub employee_id: Option<i64>,
    pub patient_id: Option<i64>,
    pub amount_kopecks: i64,
}

/// One store and employee's events of a kind, packed into one text: `item;item;…`, each item
/// its fields joined by `,` (timestamps, dates and numbers — none holds either separator).
/// A big report reads 100 000 events; read one row each through sqlx they cost about 3 µs
/// apiece, most of the report's time, while a few hundred packed rows cost next to nothing.
#[derive(sqlx::FromRow)]
struct Packed {
    store_id: Option<i64>,
    employee_id: Option<i64>,
    items: Option<String>,
}

/// The SQL that packs `fields` (text expressions) of a group's rows into one text.
fn packed(engine: Engine, fields: &[&str]) -> String {
    let item = fields.join(" || ',' || ");
    match engine {
        Engine::Sqlite => format!("group_concat({item}, ';')"),
        Engine::Postgres => format!("string_agg({item}, ';')"),
    }
}

/// Reads packed groups and unpacks each item with `row` (store, employee, the item's fields);
/// at most [`MAX_ROWS`] items, a malformed item skipped.
async fn unpack<T>(
    db: &Db,
    sql: String,
    campaign: CampaignId,
    fields: usize,
    row: impl Fn(Option<i64>, Option<i64>, &[&str]) -> Option<T>,
) -> Result<Vec<T>, DomainError> {
    let groups: Vec<Packed> = sqlx::query_as(&sql)
        .bind(campaign)
        .fetch_all(&db.pool)
        .await
        .map_err(internal)?;
    let mut rows = Vec::new();
    let mut parts: Vec<&str> = Vec::with_capacity(fields);
    for g in &groups {
        for item in g.items.as_deref().unwrap_or_default().split(';') {
            parts.clear();
            parts.extend(item.split(','));
            if parts.len() != fields {
                continue;
            }
            if let Some(r) = row(g.store_id, g.employee_id, &parts) {
                if rows.len() as i64 == MAX_ROWS {
                    return Ok(rows);
                }
                rows.push(r);
            }
        }
    }
    Ok(rows)
}

fn int(s: &str) -> Option<i64> {
    s.parse().ok()
}

/// The campaign's hand-outs, with whether the participant's consent stands.
pub async fn handouts(db: &Db, campaign: CampaignId) -> Result<Vec<HandoutRow>, DomainError> {
    let items = packed(
        db.engine,
        &[
            "h.happened_at",
            "CAST(h.patient_id AS TEXT)",
            "CASE WHEN p.consent_withdrawn_at IS NULL THEN '1' ELSE '0' END",
        ],
    );
    let sql = format!(
        "SELECT h.store_id, h.employee_id, {items} AS items
         FROM handouts h JOIN patients p ON p.id = h.patient_id
         WHERE h.campaign_id = $1 GROUP BY h.store_id, h.employee_id"
    );
    unpack(db, sql, campaign, 3, |store_id, employee_id, f| {
        Some(HandoutRow {
            happened_at: f[0].to_owned(),
            store_id,
            employee_id,
            patient_id: int(f[1])?,
            contact: int(f[2])?,
        })
    })
    .await
}

/// The campaign's live (not undone) redemptions.
pub async fn redemptions(db: &Db, campaign: CampaignId) -> Result<Vec<CameRow>, DomainError> {
    let items = packed(db.engine, &["CAST(id AS TEXT)", "redeemed_at"]);
    let sql = format!(
        "SELECT store_id, employee_id, {items} AS items FROM redemptions
         WHERE campaign_id = $1 AND undone_at IS NULL GROUP BY store_id, employee_id"
    );
    unpack(db, sql, campaign, 2, |store_id, employee_id, f| {
        Some(CameRow {
            id: int(f[0])?,
            redeemed_at: f[1].to_owned(),
            store_id,
            employee_id,
        })
    })
    .await
}

/// The campaign's visits of live redemptions (placed by their redemption's day from
/// [`redemptions`]). The first visit of a redemption (the lowest id)
/// is found by the caller ([`first_visits`]): a correlated `MIN` per row is quadratic when the
/// planner has no statistics yet.
pub async fn visits(db: &Db, campaign: CampaignId) -> Result<Vec<VisitRow>, DomainError> {
    let items = packed(
        db.engine,
        &[
            "CAST(v.id AS TEXT)",
            "CAST(v.redemption_id AS TEXT)",
            "v.visited_on",
            "COALESCE(CAST(v.patient_id AS TEXT), '')",
            "CAST(v.amount_kopecks AS TEXT)",
        ],
    );
    let sql = format!(
        "SELECT v.store_id, v.employee_id, {items} AS items
         FROM visits v JOIN redemptions r ON r.id = v.redemption_id
         WHERE v.campaign_id = $1 AND r.undone_at IS NULL GROUP BY v.store_id, v.employee_id"
    );
    unpack(db, sql, campaign, 5, |store_id, employee_id, f| {
        Some(VisitRow {
            id: int(f[0])?,
            redemption_id: int(f[1])?,
            visited_on: f[2].to_owned(),
            store_id,
            employee_id,
            patient_id: if f[3].is_empty() {
                None
            } else {
                Some(int(f[3])?)
            },
            amount_kopecks: int(f[4])?,
        })
    })
    .await
}

/// The ids of the first visit of each redemption among `visits`.
pub fn first_visits(visits: &[VisitRow]) -> std::collections::HashSet<i64> {
    let mut first: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    for v in visits {
        let f = first.entry(v.redemption_id).or_insert(v.id);
        if v.id < *f {
            *f = v.id;
        }
    }
    first.into_values().collect()
}

/// The campaign's store staff and anyone who handed out for it: (id, name, store id).
pub async fn employees<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<(i64, String, Option<i64>)>, DomainError> {
    sqlx::query_as(
        "SELECT u.id, u.name, u.store_id FROM users u
         WHERE (u.role = 'store_staff' AND u.store_id IN
                  (SELECT s.id FROM stores s JOIN campaign_partners cp ON cp.partner_id = s.partner_id
                    WHERE cp.campaign_id = $1))
            OR u.id IN (SELECT employee_id FROM handouts WHERE campaign_id = $1 AND employee_id IS NOT NULL)
         ORDER BY u.name, u.id LIMIT 10000",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Certificates printed for the campaign, by the store they are allocated to (`None`: the
/// clinic's stock).
pub async fn printed<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<(Option<i64>, i64)>, DomainError> {
    sqlx::query_as(
        "SELECT store_id, CAST(COUNT(*) AS BIGINT) FROM certificates WHERE campaign_id = $1
         GROUP BY store_id LIMIT 100000",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// The campaign's stores: (id, name, partner id, partner name).
pub async fn stores<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<(i64, String, i64, String)>, DomainError> {
    sqlx::query_as(
        "SELECT s.id, s.name, p.id, p.name FROM stores s JOIN partners p ON p.id = s.partner_id
         JOIN campaign_partners cp ON cp.partner_id = s.partner_id AND cp.campaign_id = $1
         ORDER BY p.name, s.name, s.id LIMIT 5000",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}
