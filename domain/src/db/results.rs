//! What the results count: a campaign's hand-outs, live redemptions and visits, with the store
//! and employee each is credited to. Placed into clinic weeks by `ops::results`.

use sqlx::any::AnyExecutor;

use super::internal;
use crate::error::DomainError;
use crate::ids::CampaignId;

/// The most rows one report reads of each kind.
pub const MAX_ROWS: i64 = 1_000_000;

#[derive(sqlx::FromRow)]
pub struct HandoutRow {
    pub happened_at: String,
    pub store_id: Option<i64>,
    pub employee_id: Option<i64>,
    pub patient_id: i64,
    /// 1 while the participant's consent stands.
    pub contact: i64,
}

pub async fn handouts<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<HandoutRow>, DomainError> {
    sqlx::query_as(&format!(
        "SELECT h.happened_at, h.store_id, h.employee_id, h.patient_id,
                CASE WHEN p.consent_withdrawn_at IS NULL THEN 1 ELSE 0 END AS contact
         FROM handouts h JOIN patients p ON p.id = h.patient_id
         WHERE h.campaign_id = $1 LIMIT {MAX_ROWS}"
    ))
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

#[derive(sqlx::FromRow)]
pub struct CameRow {
    pub id: i64,
    pub redeemed_at: String,
    pub store_id: Option<i64>,
    pub employee_id: Option<i64>,
}

pub async fn redemptions<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<CameRow>, DomainError> {
    sqlx::query_as(&format!(
        "SELECT id, redeemed_at, store_id, employee_id FROM redemptions
         WHERE campaign_id = $1 AND undone_at IS NULL LIMIT {MAX_ROWS}"
    ))
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

#[derive(sqlx::FromRow)]
pub struct VisitRow {
    pub id: i64,
    pub redemption_id: i64,
    pub visited_on: String,
    pub store_id: Option<i64>,
    pub employee_id: Option<i64>,
    pub patient_id: Option<i64>,
    pub amount_kopecks: i64,
}

/// The campaign's visits of live redemptions (placed by their redemption's day from
/// [`redemptions`]). The first visit of a redemption (the lowest id)
/// is found by the caller ([`first_visits`]): a correlated `MIN` per row is quadratic when the
/// planner has no statistics yet.
pub async fn visits<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<VisitRow>, DomainError> {
    sqlx::query_as(&format!(
        "SELECT v.id, v.redemption_id, v.visited_on, v.store_id, v.employee_id, v.patient_id,
                v.amount_kopecks
         FROM visits v JOIN redemptions r ON r.id = v.redemption_id
         WHERE v.campaign_id = $1 AND r.undone_at IS NULL LIMIT {MAX_ROWS}"
    ))
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
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
