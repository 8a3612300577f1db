//! Motivation rules, payouts and reviews, and what motivation counts: hand-outs with the
//! participant's phone and the certificate's redemption, live redemptions, paid visits.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyExecutor;

use super::{date_str, flag, internal, stored_date, ts};
use crate::error::DomainError;
use crate::ids::CampaignId;
use crate::motivation::{Decision, Payout, Review, Rules};

/// The most rows one motivation computation reads of each kind.
pub const MAX_ROWS: i64 = 1_000_000;

#[derive(sqlx::FromRow)]
struct RulesRow {
    per_handout_kopecks: i64,
    handout_when_redeemed: i64,
    per_redemption_kopecks: i64,
    per_buyer_kopecks: i64,
    weekly_cap_kopecks: Option<i64>,
}

pub async fn rules<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Rules, DomainError> {
    let row: Option<RulesRow> = sqlx::query_as(
        "SELECT per_handout_kopecks, handout_when_redeemed, per_redemption_kopecks, per_buyer_kopecks,
                weekly_cap_kopecks
         FROM motivation_rules WHERE campaign_id = $1",
    )
    .bind(campaign)
    .fetch_optional(e)
    .await
    .map_err(internal)?;
    Ok(row
        .map(|r| Rules {
            per_handout: r.per_handout_kopecks,
            handout_when_redeemed: flag(r.handout_when_redeemed),
            per_redemption: r.per_redemption_kopecks,
            per_buyer: r.per_buyer_kopecks,
            weekly_cap: r.weekly_cap_kopecks,
        })
        .unwrap_or_default())
}

pub async fn save_rules<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    r: &Rules,
    by: &str,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO motivation_rules (campaign_id, per_handout_kopecks, handout_when_redeemed,
             per_redemption_kopecks, per_buyer_kopecks, weekly_cap_kopecks, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (campaign_id) DO UPDATE SET per_handout_kopecks = $2, handout_when_redeemed = $3,
             per_redemption_kopecks = $4, per_buyer_kopecks = $5, weekly_cap_kopecks = $6,
             updated_by = $7, updated_at = $8",
    )
    .bind(campaign)
    .bind(r.per_handout)
    .bind(i64::from(r.handout_when_redeemed))
    .bind(r.per_redemption)
    .bind(r.per_buyer)
    .bind(r.weekly_cap)
    .bind(by)
    .bind(ts(at))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct HandoutRow {
    pub employee_id: i64,
    pub happened_at: String,
    pub phone: String,
    pub redeemed_at: Option<String>,
}

/// The campaign's hand-outs by an employee, with the live redemption of each certificate.
pub async fn handouts<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<HandoutRow>, DomainError> {
    sqlx::query_as(&format!(
        "SELECT h.employee_id, h.happened_at, p.phone, r.redeemed_at
         FROM handouts h JOIN patients p ON p.id = h.patient_id
         LEFT JOIN redemptions r ON r.certificate_id = h.certificate_id AND r.undone_at IS NULL
         WHERE h.campaign_id = $1 AND h.employee_id IS NOT NULL LIMIT {MAX_ROWS}"
    ))
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Live redemptions credited to an employee: (employee, redeemed at).
pub async fn redemptions<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<(i64, String)>, DomainError> {
    sqlx::query_as(&format!(
        "SELECT employee_id, redeemed_at FROM redemptions
         WHERE campaign_id = $1 AND undone_at IS NULL AND employee_id IS NOT NULL LIMIT {MAX_ROWS}"
    ))
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Paid visits of live redemptions credited to an employee:
/// (employee, participant, visited on, redeemed at).
pub async fn paid_visits<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<(i64, i64, String, String)>, DomainError> {
    sqlx::query_as(&format!(
        "SELECT v.employee_id, v.patient_id, v.visited_on, r.redeemed_at
         FROM visits v JOIN redemptions r ON r.id = v.redemption_id
         WHERE v.campaign_id = $1 AND r.undone_at IS NULL AND v.amount_kopecks > 0
           AND v.employee_id IS NOT NULL AND v.patient_id IS NOT NULL LIMIT {MAX_ROWS}"
    ))
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Every person's phone (as stored, normalised) → their id.
pub async fn staff_phones<'c>(
    e: impl AnyExecutor<'c>,
) -> Result<HashMap<String, i64>, DomainError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, phone FROM users WHERE phone IS NOT NULL AND phone <> '' LIMIT 100000",
    )
    .fetch_all(e)
    .await
    .map_err(internal)?;
    Ok(rows.into_iter().map(|(id, p)| (p, id)).collect())
}

#[derive(sqlx::FromRow)]
struct PayoutRow {
    id: i64,
    week_start: String,
    total_kopecks: i64,
    paid_at: String,
    paid_by: String,
}

/// The campaign's payouts by week, with what each employee was paid.
pub async fn payouts(
    conn: &mut sqlx::AnyConnection,
    campaign: CampaignId,
) -> Result<BTreeMap<NaiveDate, Payout>, DomainError> {
    let rows: Vec<PayoutRow> = sqlx::query_as(
        "SELECT id, week_start, total_kopecks, paid_at, paid_by FROM motivation_payouts
         WHERE campaign_id = $1 ORDER BY week_start LIMIT 1000",
    )
    .bind(campaign)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let lines: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT l.payout_id, l.employee_id, l.amount_kopecks FROM motivation_payout_lines l
         JOIN motivation_payouts p ON p.id = l.payout_id WHERE p.campaign_id = $1 LIMIT 1000000",
    )
    .bind(campaign)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let mut out = BTreeMap::new();
    for r in rows {
        out.insert(
            stored_date(&r.week_start)?,
            Payout {
                paid_at: r.paid_at,
                paid_by: r.paid_by,
                total: r.total_kopecks,
                lines: lines
                    .iter()
                    .filter(|l| l.0 == r.id)
                    .map(|l| (l.1, l.2))
                    .collect(),
            },
        );
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    week_start: String,
    employee_id: i64,
    decision: String,
    note: String,
    reviewed_by: String,
    reviewed_at: String,
}

pub async fn reviews<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<HashMap<(NaiveDate, i64), Review>, DomainError> {
    let rows: Vec<ReviewRow> = sqlx::query_as(
        "SELECT week_start, employee_id, decision, note, reviewed_by, reviewed_at
         FROM motivation_reviews WHERE campaign_id = $1 LIMIT 100000",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)?;
    let mut out = HashMap::new();
    for r in rows {
        let decision =
            Decision::parse("decision", &r.decision).map_err(|_| DomainError::Internal)?;
        out.insert(
            (stored_date(&r.week_start)?, r.employee_id),
            Review {
                decision,
                note: r.note,
                by: r.reviewed_by,
                at: r.reviewed_at,
            },
        );
    }
    Ok(out)
}

pub async fn save_review<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    week: NaiveDate,
    employee: i64,
    review: &Review,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO motivation_reviews (campaign_id, week_start, employee_id, decision, note, reviewed_by, reviewed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (campaign_id, week_start, employee_id)
         DO UPDATE SET decision = $4, note = $5, reviewed_by = $6, reviewed_at = $7",
    )
    .bind(campaign)
    .bind(date_str(week))
    .bind(employee)
    .bind(review.decision.as_str())
    .bind(&review.note)
    .bind(&review.by)
    .bind(&review.at)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

/// Records a payout; `None` when the week is already paid (the unique key holds it).
pub async fn insert_payout<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    week: NaiveDate,
    total: i64,
    cost_id: Option<i64>,
    by: &str,
    at: DateTime<Utc>,
) -> Result<Option<i64>, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO motivation_payouts (campaign_id, week_start, total_kopecks, cost_id, paid_at, paid_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (campaign_id, week_start) DO NOTHING RETURNING id",
    )
    .bind(campaign)
    .bind(date_str(week))
    .bind(total)
    .bind(cost_id)
    .bind(ts(at))
    .bind(by)
    .fetch_optional(e)
    .await
    .map_err(internal)
}

pub async fn insert_payout_line<'c>(
    e: impl AnyExecutor<'c>,
    payout: i64,
    employee: i64,
    store: Option<i64>,
    amount: i64,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO motivation_payout_lines (payout_id, employee_id, store_id, amount_kopecks)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(payout)
    .bind(employee)
    .bind(store)
    .bind(amount)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

/// Whether a cost row was written by a motivation payout.
pub async fn is_payout_cost<'c>(e: impl AnyExecutor<'c>, cost: i64) -> Result<bool, DomainError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM motivation_payouts WHERE cost_id = $1")
        .bind(cost)
        .fetch_one(e)
        .await
        .map_err(internal)?;
    Ok(n > 0)
}

/// Motivation paid per store so far (payout lines): store id → kopecks.
pub async fn paid_by_store<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<(Option<i64>, i64, i64)>, DomainError> {
    sqlx::query_as(
        "SELECT l.store_id, l.employee_id, CAST(SUM(l.amount_kopecks) AS BIGINT) FROM motivation_payout_lines l
         JOIN motivation_payouts p ON p.id = l.payout_id WHERE p.campaign_id = $1
         GROUP BY l.store_id, l.employee_id LIMIT 100000",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}
