//! Participants (`patients`), hand-outs, refused offline uploads (`handout_conflicts`),
//! regulation reads, and the figures of a store employee's phone.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use sqlx::any::AnyExecutor;

use super::{internal, stored_date, ts};
use crate::error::DomainError;
use crate::ids::{CampaignId, CertificateId, StoreId, UserId};
use crate::types::{CampaignStatus, Email, Money, Phone};

// ---------- participants ----------

/// Finds or creates the participant with this phone. What was recorded before is kept: a later
/// hand-out (in any store or campaign) only fills in an e-mail or birthday that was missing;
/// the spelling typed this time is recorded on the hand-out itself.
pub async fn upsert_patient(
    conn: &mut AnyConnection,
    name: &str,
    phone: &Phone,
    email: Option<&Email>,
    birthday: Option<&str>,
    at: DateTime<Utc>,
) -> Result<i64, DomainError> {
    let at = ts(at);
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM patients WHERE phone = $1")
        .bind(phone.as_str())
        .fetch_optional(&mut *conn)
        .await
        .map_err(internal)?;
    if let Some(id) = existing {
        sqlx::query(
            "UPDATE patients SET email = COALESCE(email, $1), birthday = COALESCE(birthday, $2), updated_at = $3 WHERE id = $4",
        )
        .bind(email.map(Email::as_str))
        .bind(birthday)
        .bind(&at)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(internal)?;
        return Ok(id);
    }
    sqlx::query_scalar(
        "INSERT INTO patients (name, phone, email, birthday, created_at, updated_at, name_key) VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id",
    )
    .bind(name)
    .bind(phone.as_str())
    .bind(email.map(Email::as_str))
    .bind(birthday)
    .bind(&at)
    .bind(name.to_lowercase())
    .fetch_one(&mut *conn)
    .await
    .map_err(internal)
}

/// The participant's live hand-out in a campaign (its certificate not voided), if any: whether
/// its phone was confirmed, and its certificate.
#[derive(sqlx::FromRow)]
pub struct LiveHandout {
    pub id: i64,
    pub confirmed: i64,
    pub certificate_id: CertificateId,
    pub state: String,
}

pub async fn live_handout<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    patient: i64,
) -> Result<Option<LiveHandout>, DomainError> {
    sqlx::query_as(
        "SELECT h.id, h.confirmed, h.certificate_id, c.state FROM handouts h
         JOIN certificates c ON c.id = h.certificate_id
         WHERE h.campaign_id = $1 AND h.patient_id = $2 AND c.state <> 'voided'
         ORDER BY h.id LIMIT 1",
    )
    .bind(campaign)
    .bind(patient)
    .fetch_optional(e)
    .await
    .map_err(internal)
}

/// A self-registered phone turned out to be real (the participant came to the clinic).
pub async fn confirm<'c>(e: impl AnyExecutor<'c>, handout: i64) -> Result<(), DomainError> {
    sqlx::query("UPDATE handouts SET confirmed = 1 WHERE id = $1")
        .bind(handout)
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Fills the search key of participants who have none yet (rows from before it existed).
pub async fn fill_name_keys(pool: &sqlx::AnyPool) -> Result<(), DomainError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM patients WHERE name_key IS NULL LIMIT 100000")
            .fetch_all(pool)
            .await
            .map_err(internal)?;
    for (id, name) in rows {
        sqlx::query("UPDATE patients SET name_key = $1 WHERE id = $2")
            .bind(name.to_lowercase())
            .bind(id)
            .execute(pool)
            .await
            .map_err(internal)?;
    }
    Ok(())
}

// ---------- hand-outs ----------

/// Where a hand-out came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Staff,
    PaperForm,
    SelfRegistration,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Staff => "staff",
            Source::PaperForm => "paper_form",
            Source::SelfRegistration => "self",
        }
    }
}

pub struct NewHandout<'a> {
    pub certificate: CertificateId,
    pub campaign: CampaignId,
    pub store: StoreId,
    pub employee: Option<UserId>,
    pub patient: i64,
    /// The name and e-mail as typed at this hand-out.
    pub participant_name: &'a str,
    pub participant_email: Option<&'a str>,
    pub source: Source,
    pub form_serial: Option<i64>,
    pub heard_from: Option<&'a str>,
    pub consent_version: &'a str,
    pub happened_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub from_store: Option<StoreId>,
    pub idempotency_key: &'a str,
    /// False for a self-registration: nobody has checked the phone.
    pub confirmed: bool,
    /// The import of paper forms the hand-out was typed in from.
    pub import_id: Option<i64>,
}

/// Inserts a hand-out; the raw error is returned so the caller can tell a retried key from a
/// certificate handed out meanwhile (both unique constraints).
pub async fn insert<'c>(e: impl AnyExecutor<'c>, h: &NewHandout<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO handouts (certificate_id, campaign_id, store_id, employee_id, patient_id, source, form_serial,
            heard_from, consent_version, consent_at, happened_at, recorded_at, from_store_id, idempotency_key,
            participant_name, participant_email, confirmed, import_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
    )
    .bind(h.certificate)
    .bind(h.campaign)
    .bind(h.store)
    .bind(h.employee)
    .bind(h.patient)
    .bind(h.source.as_str())
    .bind(h.form_serial)
    .bind(h.heard_from)
    .bind(h.consent_version)
    .bind(ts(h.happened_at))
    .bind(ts(h.recorded_at))
    .bind(h.from_store)
    .bind(h.idempotency_key)
    .bind(h.participant_name)
    .bind(h.participant_email)
    .bind(i64::from(h.confirmed))
    .bind(h.import_id)
    .fetch_one(e)
    .await
}

/// A hand-out as listed (the phone is masked by the rules before anyone sees it).
#[derive(sqlx::FromRow)]
pub struct HandoutRow {
    pub id: i64,
    pub code: String,
    pub serial: i64,
    pub campaign_id: i64,
    pub store_id: StoreId,
    pub store_name: String,
    pub employee_id: Option<i64>,
    pub employee_name: Option<String>,
    pub participant_name: String,
    pub phone: String,
    pub happened_at: String,
    pub consent_version: String,
    pub from_store_id: Option<i64>,
}

const HANDOUT_SELECT: &str =
    "SELECT h.id, c.code, c.serial, h.campaign_id, h.store_id, s.name AS store_name,
        h.employee_id, u.name AS employee_name, COALESCE(h.participant_name, p.name) AS participant_name, p.phone,
        h.happened_at, h.consent_version, h.from_store_id
    FROM handouts h JOIN certificates c ON c.id = h.certificate_id
    JOIN stores s ON s.id = h.store_id JOIN patients p ON p.id = h.patient_id
    LEFT JOIN users u ON u.id = h.employee_id";

pub async fn by_id<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
) -> Result<Option<HandoutRow>, DomainError> {
    sqlx::query_as(&format!("{HANDOUT_SELECT} WHERE h.id = $1"))
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(internal)
}

pub async fn by_key<'c>(
    e: impl AnyExecutor<'c>,
    key: &str,
) -> Result<Option<HandoutRow>, DomainError> {
    sqlx::query_as(&format!("{HANDOUT_SELECT} WHERE h.idempotency_key = $1"))
        .bind(key)
        .fetch_optional(e)
        .await
        .map_err(internal)
}

/// Hand-outs, newest first (of one store, when given).
pub async fn list<'c>(
    e: impl AnyExecutor<'c>,
    store: Option<StoreId>,
    limit: i64,
) -> Result<Vec<HandoutRow>, DomainError> {
    sqlx::query_as(&format!(
        "{HANDOUT_SELECT} WHERE ($1 = -1 OR h.store_id = $1) ORDER BY h.happened_at DESC, h.id DESC LIMIT $2"
    ))
    .bind(store.map(StoreId::get).unwrap_or(-1))
    .bind(limit)
    .fetch_all(e)
    .await
    .map_err(internal)
}

// ---------- refused offline uploads ----------

pub struct NewConflict<'a> {
    pub campaign: Option<CampaignId>,
    pub store: Option<StoreId>,
    pub employee: Option<UserId>,
    pub code: &'a str,
    pub payload: &'a str,
    pub error_code: &'a str,
    pub happened_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub idempotency_key: &'a str,
}

/// Keeps a refused upload (once per idempotency key); the new row's id, `None` if kept before.
pub async fn insert_conflict<'c>(
    e: impl AnyExecutor<'c>,
    c: &NewConflict<'_>,
) -> Result<Option<i64>, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO handout_conflicts (campaign_id, store_id, employee_id, code, payload, error_code, happened_at, recorded_at, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(c.campaign)
    .bind(c.store)
    .bind(c.employee)
    .bind(c.code)
    .bind(c.payload)
    .bind(c.error_code)
    .bind(ts(c.happened_at))
    .bind(ts(c.recorded_at))
    .bind(c.idempotency_key)
    .fetch_optional(e)
    .await
    .map_err(internal)
}

/// Refused uploads of one employee (or of integrations, `None`) not resolved yet.
pub async fn open_conflicts_of<'c>(
    e: impl AnyExecutor<'c>,
    employee: Option<UserId>,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM handout_conflicts WHERE resolved_at IS NULL
         AND ((employee_id IS NULL AND $1 = -1) OR employee_id = $1)",
    )
    .bind(employee.map(UserId::get).unwrap_or(-1))
    .fetch_one(e)
    .await
    .map_err(internal)
}

#[derive(sqlx::FromRow)]
pub struct ConflictRow {
    pub id: i64,
    pub campaign_id: Option<i64>,
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
    pub employee_name: Option<String>,
    pub code: String,
    pub payload: String,
    pub error_code: String,
    pub happened_at: String,
    pub recorded_at: String,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
    pub holder_store_name: Option<String>,
    pub holder_employee_name: Option<String>,
}

/// Refused uploads, open ones first, at most 500.
pub async fn conflicts<'c>(
    e: impl AnyExecutor<'c>,
    campaign: Option<CampaignId>,
) -> Result<Vec<ConflictRow>, DomainError> {
    sqlx::query_as(
        "SELECT x.id, x.campaign_id, x.store_id, s.name AS store_name, u.name AS employee_name, x.code, x.payload,
                x.error_code, x.happened_at, x.recorded_at, x.resolved_at, x.resolution,
                hs.name AS holder_store_name, hu.name AS holder_employee_name
         FROM handout_conflicts x
         LEFT JOIN stores s ON s.id = x.store_id LEFT JOIN users u ON u.id = x.employee_id
         LEFT JOIN certificates c ON c.code = REPLACE(x.code, '-', '')
         LEFT JOIN handouts h ON h.certificate_id = c.id
         LEFT JOIN stores hs ON hs.id = h.store_id LEFT JOIN users hu ON hu.id = h.employee_id
         WHERE ($1 = -1 OR x.campaign_id = $1)
         ORDER BY CASE WHEN x.resolved_at IS NULL THEN 0 ELSE 1 END, x.id DESC LIMIT 500",
    )
    .bind(campaign.map(CampaignId::get).unwrap_or(-1))
    .fetch_all(e)
    .await
    .map_err(internal)
}

pub async fn resolve_conflict<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    by: Option<UserId>,
    note: &str,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let n = sqlx::query(
        "UPDATE handout_conflicts SET resolved_at = $1, resolved_by = $2, resolution = $3 WHERE id = $4 AND resolved_at IS NULL",
    )
    .bind(ts(at))
    .bind(by)
    .bind(note)
    .bind(id)
    .execute(e)
    .await
    .map_err(internal)?
    .rows_affected();
    Ok(n == 1)
}

// ---------- the staff phone ----------

/// The campaign a store works on now: the newest active one its partner takes part in.
pub async fn current_campaign<'c>(
    e: impl AnyExecutor<'c>,
    store: StoreId,
) -> Result<Option<(CampaignId, String)>, DomainError> {
    sqlx::query_as(
        "SELECT k.id, k.name FROM campaigns k JOIN campaign_partners cp ON cp.campaign_id = k.id
         JOIN stores s ON s.partner_id = cp.partner_id
         WHERE s.id = $1 AND k.status = 'active' ORDER BY k.start_date DESC, k.id DESC LIMIT 1",
    )
    .bind(store)
    .fetch_optional(e)
    .await
    .map_err(internal)
}

/// The counts on a store employee's phone.
#[derive(sqlx::FromRow)]
pub struct StaffCounts {
    pub today_own: i64,
    pub today_store: i64,
    pub week_own: i64,
    pub week_store: i64,
    pub certs_left: i64,
    pub read_at: Option<String>,
}

pub async fn staff_counts<'c>(
    e: impl AnyExecutor<'c>,
    store: StoreId,
    employee: Option<UserId>,
    campaign: Option<CampaignId>,
    day_start: DateTime<Utc>,
    week_start: DateTime<Utc>,
) -> Result<StaffCounts, DomainError> {
    sqlx::query_as(
        "SELECT
            (SELECT COUNT(*) FROM handouts WHERE store_id = $1 AND happened_at >= $2 AND employee_id = $4) AS today_own,
            (SELECT COUNT(*) FROM handouts WHERE store_id = $1 AND happened_at >= $2) AS today_store,
            (SELECT COUNT(*) FROM handouts WHERE store_id = $1 AND happened_at >= $3 AND employee_id = $4) AS week_own,
            (SELECT COUNT(*) FROM handouts WHERE store_id = $1 AND happened_at >= $3) AS week_store,
            (SELECT COUNT(*) FROM certificates WHERE store_id = $1 AND campaign_id = $5 AND state = 'printed') AS certs_left,
            (SELECT read_at FROM regulation_reads WHERE campaign_id = $5 AND user_id = $4) AS read_at",
    )
    .bind(store)
    .bind(ts(day_start))
    .bind(ts(week_start))
    .bind(employee.map(UserId::get).unwrap_or(-1))
    .bind(campaign.map(CampaignId::get).unwrap_or(-1))
    .fetch_one(e)
    .await
    .map_err(internal)
}

pub async fn store_name<'c>(
    e: impl AnyExecutor<'c>,
    store: StoreId,
) -> Result<Option<String>, DomainError> {
    sqlx::query_scalar("SELECT name FROM stores WHERE id = $1")
        .bind(store)
        .fetch_optional(e)
        .await
        .map_err(internal)
}

/// Records that a person read a campaign's regulations; false if they had already.
pub async fn confirm_regulations<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    user: UserId,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let n = sqlx::query(
        "INSERT INTO regulation_reads (campaign_id, user_id, read_at) VALUES ($1, $2, $3) ON CONFLICT (campaign_id, user_id) DO NOTHING",
    )
    .bind(campaign)
    .bind(user)
    .bind(ts(at))
    .execute(e)
    .await
    .map_err(internal)?
    .rows_affected();
    Ok(n == 1)
}

/// Has this person confirmed the campaign's regulations (staff) or briefing (reception)?
pub async fn regulations_read<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    user: UserId,
) -> Result<bool, DomainError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM regulation_reads WHERE campaign_id = $1 AND user_id = $2",
    )
    .bind(campaign)
    .bind(user)
    .fetch_one(e)
    .await
    .map_err(internal)?;
    Ok(n > 0)
}

// ---------- self-registration ----------

/// A store's QR page: the campaign and store, if the store takes part in it.
#[derive(sqlx::FromRow)]
pub struct JoinRow {
    pub campaign_name: String,
    pub face_value_kopecks: i64,
    pub valid_until: String,
    pub status: String,
    pub e_certificates: i64,
    pub consent_text: String,
    pub store_name: String,
}

impl JoinRow {
    pub fn status(&self) -> Result<CampaignStatus, DomainError> {
        CampaignStatus::parse("status", &self.status).map_err(|_| DomainError::Internal)
    }
    pub fn face_value(&self) -> Money {
        Money(self.face_value_kopecks)
    }
    pub fn valid_until(&self) -> Result<chrono::NaiveDate, DomainError> {
        stored_date(&self.valid_until)
    }
}

pub async fn join_row<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    store: StoreId,
) -> Result<Option<JoinRow>, DomainError> {
    sqlx::query_as(
        "SELECT k.name AS campaign_name, k.face_value_kopecks, k.valid_until, k.status, k.e_certificates, k.consent_text,
                s.name AS store_name
         FROM campaigns k JOIN campaign_partners cp ON cp.campaign_id = k.id
         JOIN stores s ON s.partner_id = cp.partner_id
         WHERE k.id = $1 AND s.id = $2",
    )
    .bind(campaign)
    .bind(store)
    .fetch_optional(e)
    .await
    .map_err(internal)
}
