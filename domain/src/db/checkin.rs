//! Reception: one certificate as check-in reads it, redemptions (one guarded INSERT), undo,
//! the clinic's services, visits, and the attribution figures per store and employee.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyExecutor;

use super::{date_str, internal, stored_date, ts};
use crate::checkin::{Service, Visit};
use crate::code::Code;
use crate::error::DomainError;
use crate::ids::{CampaignId, CertificateId, StoreId, UserId};
use crate::lifecycle::CampaignWindow;
use crate::types::{CampaignStatus, Money};

/// A certificate as check-in reads it: the certificate, its campaign, its hand-out and its
/// live redemption, in one round trip.
#[derive(sqlx::FromRow)]
pub struct CheckRow {
    pub id: CertificateId,
    pub serial: i64,
    pub code: String,
    pub state: String,
    pub void_reason: Option<String>,
    pub voided_at: Option<String>,
    pub store_id: Option<StoreId>,
    pub store_name: Option<String>,
    pub campaign_id: CampaignId,
    pub campaign_name: String,
    pub face_value_kopecks: i64,
    pub valid_until: String,
    pub start_date: String,
    pub status: String,
    pub handout_id: Option<i64>,
    /// 0 for a self-registration nobody has confirmed yet.
    pub handout_confirmed: Option<i64>,
    pub happened_at: Option<String>,
    pub handout_patient_id: Option<i64>,
    pub employee_id: Option<UserId>,
    pub employee_name: Option<String>,
    pub participant_name: Option<String>,
    pub participant_phone: Option<String>,
    pub redemption_id: Option<i64>,
    pub redeemed_at: Option<String>,
    pub redeemed_by_name: Option<String>,
    pub idempotency_key: Option<String>,
    /// When read for a redemption: what its idempotency key was used for before, if it was
    /// (the certificate's code, by whom, undone since?).
    pub key_code: Option<String>,
    pub key_by: Option<UserId>,
    pub key_by_name: Option<String>,
    pub key_undone_at: Option<String>,
}

impl CheckRow {
    pub fn window(&self) -> Result<CampaignWindow, DomainError> {
        Ok(CampaignWindow {
            status: CampaignStatus::parse("status", &self.status)
                .map_err(|_| DomainError::Internal)?,
            start_date: stored_date(&self.start_date)?,
            valid_until: stored_date(&self.valid_until)?,
        })
    }
}

const CHECK_SELECT: &str = "SELECT c.id, c.serial, c.code, c.state, c.void_reason, c.voided_at, c.store_id, s.name AS store_name,
        k.id AS campaign_id, k.name AS campaign_name, k.face_value_kopecks, k.valid_until, k.start_date, k.status,
        h.id AS handout_id, h.confirmed AS handout_confirmed, h.happened_at, h.patient_id AS handout_patient_id, h.employee_id, hu.name AS employee_name,
        COALESCE(h.participant_name, p.name) AS participant_name, p.phone AS participant_phone,
        r.id AS redemption_id, r.redeemed_at, r.redeemed_by_name, r.idempotency_key,
        kc.code AS key_code, kr.redeemed_by AS key_by, kr.redeemed_by_name AS key_by_name, kr.undone_at AS key_undone_at
    FROM certificates c JOIN campaigns k ON k.id = c.campaign_id
    LEFT JOIN stores s ON s.id = c.store_id
    LEFT JOIN handouts h ON h.certificate_id = c.id
    LEFT JOIN users hu ON hu.id = h.employee_id
    LEFT JOIN patients p ON p.id = h.patient_id
    LEFT JOIN redemptions r ON r.certificate_id = c.id AND r.undone_at IS NULL
    LEFT JOIN redemptions kr ON kr.idempotency_key = $2
    LEFT JOIN certificates kc ON kc.id = kr.certificate_id";

/// A certificate as check-in reads it, and (for a redemption) what `key` was used for before —
/// one round trip on the hot path. An empty key matches nothing.
pub async fn read<'c>(
    e: impl AnyExecutor<'c>,
    code: &Code,
    key: &str,
) -> Result<Option<CheckRow>, DomainError> {
    sqlx::query_as(&format!("{CHECK_SELECT} WHERE c.code = $1"))
        .bind(code.as_str())
        .bind(key)
        .fetch_optional(e)
        .await
        .map_err(internal)
}

/// What a redemption key was used for: the certificate, by whom, whether it had a hand-out,
/// and whether that redemption was undone since.
#[derive(sqlx::FromRow)]
pub struct KeyUse {
    pub code: String,
    pub handout_id: Option<i64>,
    pub redeemed_by: Option<UserId>,
    pub redeemed_by_name: String,
    pub undone_at: Option<String>,
}

pub async fn redemption_by_key<'c>(
    e: impl AnyExecutor<'c>,
    key: &str,
) -> Result<Option<KeyUse>, DomainError> {
    sqlx::query_as(
        "SELECT c.code, r.handout_id, r.redeemed_by, r.redeemed_by_name, r.undone_at
         FROM redemptions r JOIN certificates c ON c.id = r.certificate_id WHERE r.idempotency_key = $1",
    )
    .bind(key)
    .fetch_optional(e)
    .await
    .map_err(internal)
}

pub struct NewRedemption<'a> {
    pub certificate: CertificateId,
    pub campaign: CampaignId,
    pub store: Option<StoreId>,
    pub employee: Option<UserId>,
    pub handout: Option<i64>,
    pub patient: Option<i64>,
    pub at: DateTime<Utc>,
    pub by: Option<UserId>,
    pub by_name: &'a str,
    pub key: &'a str,
}

/// Redeems: one INSERT, guarded by the certificate's state and by the unique index of live
/// redemptions, so of any number of simultaneous requests exactly one row goes in (`None`
/// means someone else won). The trigger `redemptions_redeem` marks the certificate redeemed
/// and writes the audit log in the same statement. The raw error comes back so the caller can
/// tell a lost race (unique violation) from a fault.
pub async fn insert_redemption<'c>(
    e: impl AnyExecutor<'c>,
    r: &NewRedemption<'_>,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO redemptions (certificate_id, campaign_id, store_id, employee_id, handout_id, patient_id,
            redeemed_at, redeemed_by, redeemed_by_name, idempotency_key)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
         WHERE EXISTS (SELECT 1 FROM certificates WHERE id = $1 AND state IN ('printed', 'handed_out'))
         RETURNING id",
    )
    .bind(r.certificate)
    .bind(r.campaign)
    .bind(r.store)
    .bind(r.employee)
    .bind(r.handout)
    .bind(r.patient)
    .bind(ts(r.at))
    .bind(r.by)
    .bind(r.by_name)
    .bind(r.key)
    .fetch_optional(e)
    .await
}

pub async fn mark_undone<'c>(
    e: impl AnyExecutor<'c>,
    redemption: i64,
    by: Option<UserId>,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let n = sqlx::query(
        "UPDATE redemptions SET undone_at = $1, undone_by = $2, undo_reason = $3 WHERE id = $4 AND undone_at IS NULL",
    )
    .bind(ts(at))
    .bind(by)
    .bind(reason)
    .bind(redemption)
    .execute(e)
    .await
    .map_err(internal)?
    .rows_affected();
    Ok(n == 1)
}

// ---------- services ----------

#[derive(sqlx::FromRow)]
struct ServiceRow {
    id: i64,
    name: String,
    active: i64,
}

pub async fn services<'c>(e: impl AnyExecutor<'c>) -> Result<Vec<Service>, DomainError> {
    let rows: Vec<ServiceRow> =
        sqlx::query_as("SELECT id, name, active FROM services ORDER BY sort, name LIMIT 1000")
            .fetch_all(e)
            .await
            .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|r| Service {
            id: r.id,
            name: r.name,
            active: r.active != 0,
        })
        .collect())
}

/// Adds a service (or brings a hidden one back); returns its id.
pub async fn add_service(conn: &mut sqlx::AnyConnection, name: &str) -> Result<i64, DomainError> {
    sqlx::query(
        "INSERT INTO services (name, sort) VALUES ($1, (SELECT COALESCE(MAX(sort), 0) + 10 FROM services))
         ON CONFLICT (name) DO UPDATE SET active = 1",
    )
    .bind(name)
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    sqlx::query_scalar("SELECT id FROM services WHERE name = $1")
        .bind(name)
        .fetch_one(&mut *conn)
        .await
        .map_err(internal)
}

pub async fn hide_service<'c>(e: impl AnyExecutor<'c>, id: i64) -> Result<bool, DomainError> {
    let n = sqlx::query("UPDATE services SET active = 0 WHERE id = $1")
        .bind(id)
        .execute(e)
        .await
        .map_err(internal)?
        .rows_affected();
    Ok(n == 1)
}

// ---------- visits ----------

/// The live redemption a visit is credited to.
#[derive(sqlx::FromRow)]
pub struct LiveRedemption {
    pub id: i64,
    pub patient_id: Option<i64>,
    pub campaign_id: CampaignId,
    pub store_id: Option<StoreId>,
    pub employee_id: Option<UserId>,
}

pub async fn live_redemption_by_code<'c>(
    e: impl AnyExecutor<'c>,
    code: &Code,
) -> Result<Option<LiveRedemption>, DomainError> {
    sqlx::query_as(
        "SELECT r.id, r.patient_id, r.campaign_id, r.store_id, r.employee_id FROM redemptions r
         JOIN certificates c ON c.id = r.certificate_id WHERE c.code = $1 AND r.undone_at IS NULL",
    )
    .bind(code.as_str())
    .fetch_optional(e)
    .await
    .map_err(internal)
}

/// The participant's latest live redemption, found by phone.
pub async fn live_redemption_by_phone<'c>(
    e: impl AnyExecutor<'c>,
    phone: &str,
) -> Result<Option<LiveRedemption>, DomainError> {
    sqlx::query_as(
        "SELECT r.id, r.patient_id, r.campaign_id, r.store_id, r.employee_id FROM redemptions r
         JOIN patients p ON p.id = r.patient_id WHERE p.phone = $1 AND r.undone_at IS NULL
         ORDER BY r.redeemed_at DESC LIMIT 1",
    )
    .bind(phone)
    .fetch_optional(e)
    .await
    .map_err(internal)
}

pub struct NewVisit<'a> {
    pub redemption: &'a LiveRedemption,
    pub visited_on: NaiveDate,
    pub amount: Money,
    pub services: &'a [String],
    pub doctor: Option<&'a str>,
    pub note: Option<&'a str>,
    pub by: Option<UserId>,
    pub at: DateTime<Utc>,
    pub key: Option<&'a str>,
}

/// Inserts a visit; the raw error comes back so a retried key can be told from a fault.
pub async fn insert_visit<'c>(
    e: impl AnyExecutor<'c>,
    v: &NewVisit<'_>,
) -> Result<i64, sqlx::Error> {
    let r = v.redemption;
    sqlx::query_scalar(
        "INSERT INTO visits (redemption_id, patient_id, campaign_id, store_id, employee_id, visited_on, amount_kopecks,
            services, doctor, note, recorded_by, recorded_at, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(r.id)
    .bind(r.patient_id)
    .bind(r.campaign_id)
    .bind(r.store_id)
    .bind(r.employee_id)
    .bind(date_str(v.visited_on))
    .bind(v.amount.kopecks())
    .bind(v.services.join("\n"))
    .bind(v.doctor)
    .bind(v.note)
    .bind(v.by)
    .bind(ts(v.at))
    .bind(v.key)
    .fetch_one(e)
    .await
}

#[derive(sqlx::FromRow)]
struct VisitRow {
    id: i64,
    redemption_id: i64,
    code: String,
    campaign_id: i64,
    store_id: Option<i64>,
    store_name: Option<String>,
    employee_name: Option<String>,
    patient_name: Option<String>,
    visited_on: String,
    amount_kopecks: i64,
    services: String,
    doctor: Option<String>,
}

impl VisitRow {
    fn into_visit(self, replayed: bool) -> Result<Visit, DomainError> {
        Ok(Visit {
            id: self.id,
            redemption_id: self.redemption_id,
            code: Code::parse(&self.code)
                .map(|c| c.display())
                .unwrap_or(self.code),
            campaign_id: self.campaign_id,
            store_id: self.store_id,
            store_name: self.store_name,
            employee_name: self.employee_name,
            patient_name: self.patient_name,
            visited_on: stored_date(&self.visited_on)?,
            amount: Money(self.amount_kopecks),
            services: self
                .services
                .split('\n')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            doctor: self.doctor,
            replayed,
        })
    }
}

const VISIT_SELECT: &str = "SELECT v.id, v.redemption_id, c.code, v.campaign_id, v.store_id, s.name AS store_name,
        u.name AS employee_name, p.name AS patient_name, v.visited_on, v.amount_kopecks, v.services, v.doctor
    FROM visits v JOIN redemptions r ON r.id = v.redemption_id JOIN certificates c ON c.id = r.certificate_id
    LEFT JOIN stores s ON s.id = v.store_id LEFT JOIN users u ON u.id = v.employee_id
    LEFT JOIN patients p ON p.id = v.patient_id";

pub async fn visit<'c>(e: impl AnyExecutor<'c>, id: i64) -> Result<Option<Visit>, DomainError> {
    let r: Option<VisitRow> = sqlx::query_as(&format!("{VISIT_SELECT} WHERE v.id = $1"))
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(internal)?;
    r.map(|r| r.into_visit(false)).transpose()
}

pub async fn visit_by_key<'c>(
    e: impl AnyExecutor<'c>,
    key: &str,
) -> Result<Option<Visit>, DomainError> {
    let r: Option<VisitRow> =
        sqlx::query_as(&format!("{VISIT_SELECT} WHERE v.idempotency_key = $1"))
            .bind(key)
            .fetch_optional(e)
            .await
            .map_err(internal)?;
    r.map(|r| r.into_visit(true)).transpose()
}

/// The visits credited to a certificate's live redemption, oldest first.
pub async fn visits_of<'c>(
    e: impl AnyExecutor<'c>,
    code: &Code,
) -> Result<Vec<Visit>, DomainError> {
    let rows: Vec<VisitRow> = sqlx::query_as(&format!(
        "{VISIT_SELECT} WHERE c.code = $1 AND r.undone_at IS NULL ORDER BY v.visited_on, v.id LIMIT 1000"
    ))
    .bind(code.as_str())
    .fetch_all(e)
    .await
    .map_err(internal)?;
    rows.into_iter().map(|r| r.into_visit(false)).collect()
}

// ---------- attribution ----------

/// Raw counts per store and employee: hand-outs, live redemptions, and live redemptions of
/// certificates no one handed out.
#[derive(sqlx::FromRow)]
pub struct CountRow {
    pub store_id: Option<i64>,
    pub employee_id: Option<i64>,
    pub handed_out: i64,
    pub redeemed: i64,
    pub redeemed_without_handout: i64,
}

pub async fn counts<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<CountRow>, DomainError> {
    sqlx::query_as(
        "SELECT store_id, employee_id, CAST(SUM(h) AS BIGINT) AS handed_out,
                CAST(SUM(r) AS BIGINT) AS redeemed, CAST(SUM(w) AS BIGINT) AS redeemed_without_handout
         FROM (SELECT store_id, employee_id, 1 AS h, 0 AS r, 0 AS w FROM handouts WHERE campaign_id = $1
               UNION ALL
               SELECT store_id, employee_id, 0, 1, CASE WHEN handout_id IS NULL THEN 1 ELSE 0 END
               FROM redemptions WHERE campaign_id = $1 AND undone_at IS NULL) x
         GROUP BY store_id, employee_id LIMIT 100000",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

#[derive(sqlx::FromRow)]
pub struct AttributionEmployee {
    pub id: i64,
    pub name: String,
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
    pub regulations_read_at: Option<String>,
}

/// The store staff of the campaign's partners (and anyone who handed out for it), with when
/// they confirmed reading the regulations.
pub async fn attribution_employees<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<AttributionEmployee>, DomainError> {
    sqlx::query_as(
        "SELECT u.id, u.name, s.id AS store_id, s.name AS store_name,
                (SELECT read_at FROM regulation_reads WHERE campaign_id = $1 AND user_id = u.id) AS regulations_read_at
         FROM users u JOIN stores s ON s.id = u.store_id
         WHERE u.role = 'store_staff' AND (
             s.partner_id IN (SELECT partner_id FROM campaign_partners WHERE campaign_id = $1)
             OR u.id IN (SELECT employee_id FROM handouts WHERE campaign_id = $1 AND employee_id IS NOT NULL))
         ORDER BY s.name, u.name LIMIT 10000",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}
