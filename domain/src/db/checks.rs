//! The facts the checklist's automatic checks read: who read the regulations, which stores
//! have an administrator, hand-outs this week, downloads of the regulations PDF, the clinic's
//! briefings.

use chrono::{DateTime, Utc};
use sqlx::any::AnyExecutor;

use super::{internal, ts};
use crate::error::DomainError;
use crate::ids::{CampaignId, StoreId};

/// A store of the campaign with the facts checked per store.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct StoreFacts {
    pub store_id: i64,
    pub store_name: String,
    pub has_admin: i64,
    pub staff: i64,
    pub staff_read: i64,
    pub handouts_since: i64,
    pub downloaded: i64,
}

/// Every store of the campaign's partners with: an administrator with a phone, active staff
/// and how many of them confirmed the regulations, hand-outs since `since`, whether its staff
/// opened the regulations PDF.
pub async fn stores<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    since: DateTime<Utc>,
) -> Result<Vec<StoreFacts>, DomainError> {
    sqlx::query_as(
        "SELECT s.id AS store_id, s.name AS store_name,
            CASE WHEN COALESCE(s.admin_name, '') <> '' AND COALESCE(s.admin_phone, '') <> '' THEN 1 ELSE 0 END AS has_admin,
            (SELECT COUNT(*) FROM users u WHERE u.store_id = s.id AND u.role = 'store_staff' AND u.active = 1) AS staff,
            (SELECT COUNT(*) FROM users u JOIN regulation_reads r ON r.user_id = u.id AND r.campaign_id = $1
               WHERE u.store_id = s.id AND u.role = 'store_staff' AND u.active = 1) AS staff_read,
            (SELECT COUNT(*) FROM handouts h WHERE h.campaign_id = $1 AND h.store_id = s.id AND h.happened_at >= $2) AS handouts_since,
            (SELECT COUNT(*) FROM regulation_downloads d WHERE d.campaign_id = $1 AND d.store_id = s.id) AS downloaded
         FROM stores s JOIN campaign_partners cp ON cp.partner_id = s.partner_id AND cp.campaign_id = $1
         ORDER BY s.name LIMIT 5000",
    )
    .bind(campaign)
    .bind(ts(since))
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// The names of a store's active staff who have not confirmed the regulations.
pub async fn unread_staff<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<(i64, String)>, DomainError> {
    sqlx::query_as(
        "SELECT u.store_id, u.name FROM users u
         JOIN stores s ON s.id = u.store_id
         JOIN campaign_partners cp ON cp.partner_id = s.partner_id AND cp.campaign_id = $1
         WHERE u.role = 'store_staff' AND u.active = 1
           AND NOT EXISTS (SELECT 1 FROM regulation_reads r WHERE r.user_id = u.id AND r.campaign_id = $1)
         ORDER BY u.name LIMIT 2000",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// The clinic's reception accounts and whether each confirmed the campaign's briefing.
pub async fn reception<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<(String, i64)>, DomainError> {
    sqlx::query_as(
        "SELECT u.name, (SELECT COUNT(*) FROM regulation_reads r WHERE r.user_id = u.id AND r.campaign_id = $1) AS confirmed
         FROM users u WHERE u.role = 'reception' AND u.active = 1 ORDER BY u.name LIMIT 500",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

pub async fn doctor_briefings<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<i64, DomainError> {
    sqlx::query_scalar("SELECT COUNT(*) FROM doctor_briefings WHERE campaign_id = $1")
        .bind(campaign)
        .fetch_one(e)
        .await
        .map_err(internal)
}

/// Records that a store's staff opened the regulations PDF (the first time is kept).
pub async fn record_download<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    store: StoreId,
    user: Option<i64>,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "INSERT INTO regulation_downloads (campaign_id, store_id, user_id, downloaded_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (campaign_id, store_id) DO NOTHING",
    )
    .bind(campaign)
    .bind(store)
    .bind(user)
    .bind(ts(at))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}
