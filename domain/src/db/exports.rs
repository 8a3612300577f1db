//! What a campaign's exports read: its hand-outs, paper-form contacts, redemptions and visits,
//! each with the names a person reads (store, partner, employee, participant), oldest first.
//! `ops::exports` turns them into spreadsheet rows.

use sqlx::any::{AnyExecutor, AnyRow};

use super::internal;
use crate::error::DomainError;
use crate::ids::CampaignId;

/// Rows of one campaign (`$1`), at most `limit` (`$2`).
async fn read<'c, T>(
    e: impl AnyExecutor<'c>,
    sql: &str,
    campaign: CampaignId,
    limit: i64,
) -> Result<Vec<T>, DomainError>
where
    T: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin,
{
    sqlx::query_as(sql)
        .bind(campaign)
        .bind(limit)
        .fetch_all(e)
        .await
        .map_err(internal)
}

/// The participant a row is about, as kept now (erased ones carry no personal data).
#[derive(sqlx::FromRow)]
pub struct Person {
    pub patient_id: Option<i64>,
    pub patient_name: Option<String>,
    /// Normalised, `+7…`.
    pub phone: Option<String>,
    pub consent_withdrawn_at: Option<String>,
    pub anonymised_at: Option<String>,
}

const PERSON: &str = "p.id AS patient_id, p.name AS patient_name, p.phone, p.consent_withdrawn_at,
    p.anonymised_at";

#[derive(sqlx::FromRow)]
pub struct HandoutRow {
    pub happened_at: String,
    pub serial: i64,
    pub code: String,
    /// The certificate's state now: `handed_out`, `redeemed`, `voided`…
    pub state: String,
    pub store_name: String,
    pub partner_name: String,
    pub employee_name: Option<String>,
    /// `staff`, `paper_form` or `self`.
    pub source: String,
    pub consent_version: String,
    pub consent_at: String,
    /// Redemptions of the certificate that were undone.
    pub undone: i64,
    #[sqlx(flatten)]
    pub person: Person,
}

/// The campaign's hand-outs in the order they happened.
pub async fn handouts<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    limit: i64,
) -> Result<Vec<HandoutRow>, DomainError> {
    // Undone redemptions are counted once per certificate in a grouped join: a correlated
    // subquery per row has no index to use (only live redemptions are indexed by certificate).
    read(
        e,
        &format!(
            "SELECT h.happened_at, c.serial, c.code, c.state, s.name AS store_name,
                    pa.name AS partner_name, u.name AS employee_name, h.source, h.consent_version,
                    h.consent_at, COALESCE(ur.n, 0) AS undone, {PERSON}
             FROM handouts h
             JOIN certificates c ON c.id = h.certificate_id
             JOIN stores s ON s.id = h.store_id
             JOIN partners pa ON pa.id = s.partner_id
             LEFT JOIN users u ON u.id = h.employee_id
             JOIN patients p ON p.id = h.patient_id
             LEFT JOIN (SELECT certificate_id, COUNT(*) AS n FROM redemptions
                        WHERE campaign_id = $1 AND undone_at IS NOT NULL GROUP BY certificate_id) ur
                    ON ur.certificate_id = h.certificate_id
             WHERE h.campaign_id = $1
             ORDER BY h.happened_at, h.id LIMIT $2"
        ),
        campaign,
        limit,
    )
    .await
}

#[derive(sqlx::FromRow)]
pub struct ContactRow {
    pub consent_at: String,
    pub consent_version: String,
    pub store_name: String,
    pub partner_name: String,
    #[sqlx(flatten)]
    pub person: Person,
}

/// The campaign's contacts from paper forms without a certificate, by the day of consent.
pub async fn contacts<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    limit: i64,
) -> Result<Vec<ContactRow>, DomainError> {
    read(
        e,
        &format!(
            "SELECT f.consent_at, f.consent_version, s.name AS store_name, pa.name AS partner_name,
                    {PERSON}
             FROM form_contacts f
             JOIN stores s ON s.id = f.store_id
             JOIN partners pa ON pa.id = s.partner_id
             JOIN patients p ON p.id = f.patient_id
             WHERE f.campaign_id = $1
             ORDER BY f.consent_at, f.id LIMIT $2"
        ),
        campaign,
        limit,
    )
    .await
}

#[derive(sqlx::FromRow)]
pub struct RedemptionRow {
    pub redeemed_at: String,
    pub serial: i64,
    pub code: String,
    pub store_name: Option<String>,
    pub partner_name: Option<String>,
    pub employee_name: Option<String>,
    /// The receptionist (or the marketer) who redeemed it.
    pub redeemed_by_name: String,
    pub undone_at: Option<String>,
    pub undo_reason: Option<String>,
    #[sqlx(flatten)]
    pub person: Person,
}

/// The campaign's redemptions, undone ones too, in the order they were made.
pub async fn redemptions<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    limit: i64,
) -> Result<Vec<RedemptionRow>, DomainError> {
    read(
        e,
        &format!(
            "SELECT r.redeemed_at, c.serial, c.code, s.name AS store_name, pa.name AS partner_name,
                    u.name AS employee_name, r.redeemed_by_name, r.undone_at, r.undo_reason, {PERSON}
             FROM redemptions r
             JOIN certificates c ON c.id = r.certificate_id
             LEFT JOIN stores s ON s.id = r.store_id
             LEFT JOIN partners pa ON pa.id = s.partner_id
             LEFT JOIN users u ON u.id = r.employee_id
             LEFT JOIN patients p ON p.id = r.patient_id
             WHERE r.campaign_id = $1
             ORDER BY r.redeemed_at, r.id LIMIT $2"
        ),
        campaign,
        limit,
    )
    .await
}

#[derive(sqlx::FromRow)]
pub struct VisitRow {
    pub visited_on: String,
    pub serial: i64,
    pub code: String,
    pub store_name: Option<String>,
    pub employee_name: Option<String>,
    pub amount_kopecks: i64,
    /// The services' names, one a line.
    pub services: String,
    pub doctor: Option<String>,
    pub redeemed_at: String,
    pub patient_id: Option<i64>,
    /// 1 for the first visit recorded for its redemption (the certificate visit).
    pub is_first: i64,
}

/// The visits of the campaign's live redemptions, by day. The first visit of each redemption
/// (the lowest id, as the results count it) comes from a grouped join, not a correlated `MIN`.
pub async fn visits<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    limit: i64,
) -> Result<Vec<VisitRow>, DomainError> {
    read(
        e,
        "SELECT v.visited_on, c.serial, c.code, s.name AS store_name, u.name AS employee_name,
                v.amount_kopecks, v.services, v.doctor, r.redeemed_at, v.patient_id,
                CASE WHEN v.id = fv.first_id THEN 1 ELSE 0 END AS is_first
         FROM visits v
         JOIN redemptions r ON r.id = v.redemption_id
         JOIN certificates c ON c.id = r.certificate_id
         JOIN (SELECT redemption_id, MIN(id) AS first_id FROM visits WHERE campaign_id = $1
               GROUP BY redemption_id) fv ON fv.redemption_id = v.redemption_id
         LEFT JOIN stores s ON s.id = v.store_id
         LEFT JOIN users u ON u.id = v.employee_id
         WHERE v.campaign_id = $1 AND r.undone_at IS NULL
         ORDER BY v.visited_on, v.id LIMIT $2",
        campaign,
        limit,
    )
    .await
}
