//! What each store of a campaign holds and used: certificates on hand (counted from the index
//! `certificates_campaign_state_store`), paper forms on hand, and last week's use.

use chrono::{DateTime, Utc};
use sqlx::any::AnyExecutor;

use super::{internal, ts};
use crate::error::DomainError;
use crate::ids::{CampaignId, StoreId};

#[derive(sqlx::FromRow)]
pub struct StoreUse {
    pub store_id: i64,
    pub store_name: String,
    pub partner_name: String,
    pub certs_on_hand: i64,
    pub certs_used: i64,
    /// Paper forms on hand: the last count, the ledger since, forms printed for the store and
    /// typed in since (see `db::materials`).
    pub forms_on_hand: i64,
    pub forms_used: i64,
}

/// Every store of the campaign's partners (or only `store`), with its counts; `since` starts the
/// week of use.
pub async fn usage<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    since: DateTime<Utc>,
    store: Option<StoreId>,
) -> Result<Vec<StoreUse>, DomainError> {
    sqlx::query_as(
        "SELECT s.id AS store_id, s.name AS store_name, p.name AS partner_name,
            (SELECT COUNT(*) FROM certificates c
               WHERE c.campaign_id = $1 AND c.state = 'printed' AND c.store_id = s.id) AS certs_on_hand,
            (SELECT COUNT(*) FROM handouts h
               WHERE h.campaign_id = $1 AND h.store_id = s.id AND h.happened_at >= $2 AND h.source <> 'self') AS certs_used,
            COALESCE(ml.counted_level, 0) + COALESCE(ml.moved, 0)
            + (SELECT CAST(COALESCE(SUM(f.last_serial - f.first_serial + 1), 0) AS BIGINT) FROM form_batches f
               WHERE f.campaign_id = $1 AND f.store_id = s.id AND f.created_at > COALESCE(ml.counted_at, ''))
            - (SELECT COUNT(*) FROM handouts h
               WHERE h.campaign_id = $1 AND h.store_id = s.id AND h.form_serial IS NOT NULL
                 AND h.happened_at > COALESCE(ml.counted_at, ''))
            - (SELECT COUNT(*) FROM form_contacts fc
               WHERE fc.campaign_id = $1 AND fc.store_id = s.id AND fc.form_serial IS NOT NULL
                 AND fc.consent_at > COALESCE(ml.counted_at, '')) AS forms_on_hand,
            (SELECT COUNT(*) FROM handouts h
               WHERE h.campaign_id = $1 AND h.store_id = s.id AND h.form_serial IS NOT NULL AND h.happened_at >= $2)
            + (SELECT COUNT(*) FROM form_contacts fc
               WHERE fc.campaign_id = $1 AND fc.store_id = s.id AND fc.form_serial IS NOT NULL AND fc.consent_at >= $2) AS forms_used
         FROM stores s JOIN partners p ON p.id = s.partner_id
         JOIN campaign_partners cp ON cp.partner_id = s.partner_id
         LEFT JOIN material_levels ml ON ml.campaign_id = $1 AND ml.store_id = s.id
            AND ml.kind_id = (SELECT k.id FROM material_kinds k WHERE k.builtin = 'forms')
         WHERE cp.campaign_id = $1 AND ($3 = -1 OR s.id = $3)
         ORDER BY p.name, s.name LIMIT 5000",
    )
    .bind(campaign)
    .bind(ts(since))
    .bind(store.map(StoreId::get).unwrap_or(-1))
    .fetch_all(e)
    .await
    .map_err(internal)
}
