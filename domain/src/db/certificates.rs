//! Certificates: batches, codes, allocation to stores and the move log, voiding, paper-form
//! batches.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use sqlx::any::AnyExecutor;

use super::{internal, stored_date, ts};
use crate::code::Code;
use crate::error::DomainError;
use crate::ids::{CampaignId, CertificateId, StoreId, UserId};
use crate::lifecycle::{CampaignWindow, CertState};
use crate::model::{Batch, FormBatch};
use crate::types::{CampaignStatus, Money};

/// Rows per INSERT statement (4 values each: well under SQLite's and PostgreSQL's limits).
const CHUNK: usize = 500;

pub fn state(s: &str) -> Result<CertState, DomainError> {
    CertState::parse(s).ok_or(DomainError::Internal)
}

pub async fn insert_batch<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    first: i64,
    last: i64,
    by: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO certificate_batches (campaign_id, first_serial, last_serial, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(campaign)
    .bind(first)
    .bind(last)
    .bind(by)
    .bind(ts(at))
    .fetch_one(e)
    .await
    .map_err(internal)
}

/// Inserts certificates `from..=to` with fresh random codes; a code already taken (a 2⁻⁵⁰
/// event per pair, but possible) is drawn again.
pub async fn insert_certificates(
    conn: &mut AnyConnection,
    campaign: CampaignId,
    batch_id: i64,
    store: Option<StoreId>,
    from: i64,
    to: i64,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    let at = ts(at);
    let serials: Vec<i64> = (from..=to).collect();
    for chunk in serials.chunks(CHUNK) {
        let mut missing: Vec<i64> = chunk.to_vec();
        for _attempt in 0..5 {
            if missing.is_empty() {
                break;
            }
            // `$n` placeholders work on both engines (QueryBuilder<Any> would emit `?`).
            let mut sql = String::from(
                "INSERT INTO certificates (campaign_id, batch_id, serial, code, store_id, created_at) VALUES ",
            );
            for i in 0..missing.len() {
                let b = i * 4;
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "($1, $2, ${}, ${}, ${}, ${})",
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6
                ));
            }
            sql.push_str(" ON CONFLICT (code) DO NOTHING");
            let mut q = sqlx::query(&sql).bind(campaign).bind(batch_id);
            for serial in &missing {
                q = q
                    .bind(*serial)
                    .bind(Code::random().as_str().to_owned())
                    .bind(store)
                    .bind(at.clone());
            }
            let done = q
                .execute(&mut *conn)
                .await
                .map_err(internal)?
                .rows_affected();
            if done as usize == missing.len() {
                missing.clear();
                break;
            }
            // Find which serials did not get a row and draw new codes for them.
            let (lo, hi) = (missing[0], missing[missing.len() - 1]);
            let present: Vec<i64> = sqlx::query_scalar(
                "SELECT serial FROM certificates WHERE campaign_id = $1 AND serial BETWEEN $2 AND $3",
            )
            .bind(campaign)
            .bind(lo)
            .bind(hi)
            .fetch_all(&mut *conn)
            .await
            .map_err(internal)?;
            missing.retain(|s| !present.contains(s));
        }
        if !missing.is_empty() {
            tracing::error!("could not find free certificate codes after 5 attempts");
            return Err(DomainError::Internal);
        }
    }
    Ok(())
}

/// One electronic certificate, handed out at once (self-registration).
pub async fn insert_handed_out<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    batch_id: i64,
    serial: i64,
    code: &Code,
    store: StoreId,
    at: DateTime<Utc>,
) -> Result<CertificateId, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO certificates (campaign_id, batch_id, serial, code, store_id, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(campaign)
    .bind(batch_id)
    .bind(serial)
    .bind(code.as_str())
    .bind(store)
    .bind(CertState::HandedOut.as_str())
    .bind(ts(at))
    .fetch_one(e)
    .await
    .map_err(internal)
}

/// One entry of the move log: a serial range allocated or moved to a store.
pub struct Move<'a> {
    pub campaign: CampaignId,
    pub first: i64,
    pub last: i64,
    pub to_store: Option<StoreId>,
    pub moved: i64,
    pub reason: &'a str,
    pub by: Option<UserId>,
    pub at: DateTime<Utc>,
}

pub async fn record_move<'c>(e: impl AnyExecutor<'c>, m: &Move<'_>) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO certificate_moves (campaign_id, first_serial, last_serial, to_store_id, moved, reason, moved_by, moved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(m.campaign)
    .bind(m.first)
    .bind(m.last)
    .bind(m.to_store)
    .bind(m.moved)
    .bind(m.reason)
    .bind(m.by)
    .bind(ts(m.at))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct BatchRow {
    id: i64,
    campaign_id: i64,
    first_serial: i64,
    last_serial: i64,
    created_at: String,
}

pub async fn batches<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<Batch>, DomainError> {
    let rows: Vec<BatchRow> = sqlx::query_as(
        "SELECT id, campaign_id, first_serial, last_serial, created_at FROM certificate_batches
         WHERE campaign_id = $1 ORDER BY id LIMIT 10000",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|r| Batch {
            id: r.id,
            campaign_id: r.campaign_id,
            first_serial: r.first_serial,
            last_serial: r.last_serial,
            count: r.last_serial - r.first_serial + 1,
            created_at: r.created_at,
        })
        .collect())
}

/// One certificate's place and state, for the stock table.
#[derive(sqlx::FromRow)]
pub struct StockRow {
    pub store_id: Option<StoreId>,
    pub serial: i64,
    pub state: String,
    pub store_name: Option<String>,
    pub partner_name: Option<String>,
}

/// Every certificate of a campaign (of one store, when given), in store and serial order.
pub async fn stock_rows<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    store: Option<StoreId>,
) -> Result<Vec<StockRow>, DomainError> {
    sqlx::query_as(
        "SELECT c.store_id, c.serial, c.state, s.name AS store_name, p.name AS partner_name
         FROM certificates c LEFT JOIN stores s ON s.id = c.store_id LEFT JOIN partners p ON p.id = s.partner_id
         WHERE c.campaign_id = $1 AND ($2 = -1 OR c.store_id = $2)
         ORDER BY p.name, s.name, c.store_id, c.serial",
    )
    .bind(campaign)
    .bind(store.map(StoreId::get).unwrap_or(-1))
    .fetch_all(e)
    .await
    .map_err(internal)
}

pub async fn count_in_range<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    first: i64,
    last: i64,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM certificates WHERE campaign_id = $1 AND serial BETWEEN $2 AND $3",
    )
    .bind(campaign)
    .bind(first)
    .bind(last)
    .fetch_one(e)
    .await
    .map_err(internal)
}

/// Moves the certificates of a range that may move ([`CertState::can_move`]); returns how many.
pub async fn move_range<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    first: i64,
    last: i64,
    to: Option<StoreId>,
) -> Result<i64, DomainError> {
    let movable: Vec<CertState> = CertState::ALL
        .into_iter()
        .filter(|s| s.can_move())
        .collect();
    let r = sqlx::query(&format!(
        "UPDATE certificates SET store_id = $1
         WHERE campaign_id = $2 AND serial BETWEEN $3 AND $4 AND state IN ({})",
        CertState::sql_list(&movable)
    ))
    .bind(to)
    .bind(campaign)
    .bind(first)
    .bind(last)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() as i64)
}

/// A certificate with its campaign's terms: what every rule about one certificate needs.
#[derive(sqlx::FromRow)]
pub struct CertRow {
    pub id: CertificateId,
    pub campaign_id: CampaignId,
    pub serial: i64,
    pub code: String,
    pub store_id: Option<StoreId>,
    pub store_name: Option<String>,
    pub state: String,
    pub void_reason: Option<String>,
    pub status: String,
    pub start_date: String,
    pub valid_until: String,
    pub face_value_kopecks: i64,
    pub campaign_name: String,
    pub consent_text: String,
    pub cert_title: String,
    pub cert_text: String,
}

impl CertRow {
    pub fn state(&self) -> Result<CertState, DomainError> {
        state(&self.state)
    }
    pub fn status(&self) -> Result<CampaignStatus, DomainError> {
        CampaignStatus::parse("status", &self.status).map_err(|_| DomainError::Internal)
    }
    pub fn window(&self) -> Result<CampaignWindow, DomainError> {
        Ok(CampaignWindow {
            status: self.status()?,
            start_date: stored_date(&self.start_date)?,
            valid_until: stored_date(&self.valid_until)?,
        })
    }
    pub fn face_value(&self) -> Money {
        Money(self.face_value_kopecks)
    }
}

const CERT_SELECT: &str = "SELECT c.id, c.campaign_id, c.serial, c.code, c.store_id, s.name AS store_name, c.state, c.void_reason,
        k.status, k.start_date, k.valid_until, k.face_value_kopecks, k.name AS campaign_name, k.consent_text,
        k.cert_title, k.cert_text
    FROM certificates c JOIN campaigns k ON k.id = c.campaign_id LEFT JOIN stores s ON s.id = c.store_id";

pub async fn by_code<'c>(
    e: impl AnyExecutor<'c>,
    code: &Code,
) -> Result<Option<CertRow>, DomainError> {
    sqlx::query_as(&format!("{CERT_SELECT} WHERE c.code = $1"))
        .bind(code.as_str())
        .fetch_optional(e)
        .await
        .map_err(internal)
}

pub async fn by_id<'c>(
    e: impl AnyExecutor<'c>,
    id: CertificateId,
) -> Result<Option<CertRow>, DomainError> {
    sqlx::query_as(&format!("{CERT_SELECT} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(internal)
}

/// Which certificates to list or print.
#[derive(Clone, Debug, Default)]
pub struct CertFilter {
    pub store_id: Option<StoreId>,
    pub batch_id: Option<i64>,
    pub first_serial: Option<i64>,
    pub last_serial: Option<i64>,
    pub state: Option<CertState>,
    pub limit: Option<i64>,
}

/// Certificates of a campaign in serial order.
pub async fn list<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    f: &CertFilter,
    max: i64,
) -> Result<Vec<CertRow>, DomainError> {
    sqlx::query_as(&format!(
        "{CERT_SELECT} WHERE c.campaign_id = $1
         AND ($2 = -1 OR c.store_id = $2) AND ($3 = -1 OR c.batch_id = $3)
         AND c.serial BETWEEN $4 AND $5 AND ($6 = '' OR c.state = $6)
         ORDER BY c.serial LIMIT $7"
    ))
    .bind(campaign)
    .bind(f.store_id.map(StoreId::get).unwrap_or(-1))
    .bind(f.batch_id.unwrap_or(-1))
    .bind(f.first_serial.unwrap_or(1))
    .bind(f.last_serial.unwrap_or(i64::MAX))
    .bind(f.state.map(CertState::as_str).unwrap_or(""))
    .bind(f.limit.unwrap_or(max).clamp(1, max))
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Moves a certificate from `from` to `to` if it is still in `from` (a guarded UPDATE: of
/// simultaneous transitions exactly one wins). Also sets its store, when given.
pub async fn transition<'c>(
    e: impl AnyExecutor<'c>,
    id: CertificateId,
    from: &[CertState],
    to: CertState,
    store: Option<StoreId>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(&format!(
        "UPDATE certificates SET state = $1, store_id = COALESCE($2, store_id) WHERE id = $3 AND state IN ({})",
        CertState::sql_list(from)
    ))
    .bind(to.as_str())
    .bind(store)
    .bind(id)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

pub async fn mark_voided<'c>(
    e: impl AnyExecutor<'c>,
    id: CertificateId,
    from: CertState,
    reason: &str,
    by: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE certificates SET state = $1, void_reason = $2, voided_at = $3, voided_by = $4 WHERE id = $5 AND state = $6",
    )
    .bind(CertState::Voided.as_str())
    .bind(reason)
    .bind(ts(at))
    .bind(by)
    .bind(id)
    .bind(from.as_str())
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

// ---------- paper forms ----------

pub async fn insert_form_batch<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    store: StoreId,
    first: i64,
    last: i64,
    by: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO form_batches (campaign_id, store_id, first_serial, last_serial, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(campaign)
    .bind(store)
    .bind(first)
    .bind(last)
    .bind(by)
    .bind(ts(at))
    .fetch_one(e)
    .await
    .map_err(internal)
}

#[derive(sqlx::FromRow)]
struct FormBatchRow {
    id: i64,
    campaign_id: i64,
    store_id: i64,
    store_name: String,
    first_serial: i64,
    last_serial: i64,
    created_at: String,
}

impl From<FormBatchRow> for FormBatch {
    fn from(r: FormBatchRow) -> FormBatch {
        FormBatch {
            id: r.id,
            campaign_id: r.campaign_id,
            store_id: r.store_id,
            store_name: r.store_name,
            first_serial: r.first_serial,
            last_serial: r.last_serial,
            created_at: r.created_at,
        }
    }
}

const FORM_BATCH_SELECT: &str = "SELECT f.id, f.campaign_id, f.store_id, s.name AS store_name, f.first_serial, f.last_serial, f.created_at
    FROM form_batches f JOIN stores s ON s.id = f.store_id";

pub async fn form_batch<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
) -> Result<Option<FormBatch>, DomainError> {
    let r: Option<FormBatchRow> = sqlx::query_as(&format!("{FORM_BATCH_SELECT} WHERE f.id = $1"))
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(internal)?;
    Ok(r.map(FormBatch::from))
}

pub async fn form_batches<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<FormBatch>, DomainError> {
    let rows: Vec<FormBatchRow> = sqlx::query_as(&format!(
        "{FORM_BATCH_SELECT} WHERE f.campaign_id = $1 ORDER BY f.id LIMIT 10000"
    ))
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)?;
    Ok(rows.into_iter().map(FormBatch::from).collect())
}
