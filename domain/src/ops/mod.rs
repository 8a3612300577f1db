//! Operations: the rules of each area, written once and used by the server functions, the
//! JSON API and the CLI. Each asks the access policy first ([`crate::auth::Actor::may`]),
//! validates the input, and changes data through [`crate::db::Db::write`] (one transaction
//! with its audit-log row). SQL lives in [`crate::db`], never here.

pub mod campaigns;
pub mod certificates;
pub mod checkin;
pub mod checklist;
pub mod e_certificates;
pub mod exports;
pub mod handouts;
pub mod imports;
pub mod ledger;
pub mod materials;
pub mod messages;
pub mod motivation;
pub mod participants;
pub mod partners;
pub mod people;
pub mod results;
pub mod settings;
pub mod shopper;
pub mod stock;
pub mod webhooks;
pub mod weekly;

use crate::auth::Actor;
use crate::db::{self, Db};
use crate::error::DomainError;
use crate::policy::Op;

/// One entry of the audit log, newest first in listings.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub details: String,
}

/// The latest changes, who made them and what they were (at most 1 000).
pub async fn audit_log(db: &Db, actor: &Actor, limit: i64) -> Result<Vec<AuditEntry>, DomainError> {
    actor.may(Op::ViewAuditLog)?;
    let rows = db::audit::latest(&db.pool, limit.clamp(1, 1000)).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            at: r.at,
            actor: r.actor,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            details: r.details,
        })
        .collect())
}

/// A campaign by id, or "not found" (no policy check: callers check first).
pub(crate) async fn campaign(
    db: &crate::db::Db,
    id: crate::ids::CampaignId,
) -> Result<crate::model::Campaign, crate::error::DomainError> {
    let mut conn = db.pool.acquire().await.map_err(crate::db::internal)?;
    Ok(crate::db::campaigns::get(&mut conn, id)
        .await?
        .ok_or(crate::error::DomainError::Refused(
            crate::error::ErrorCode::NotFound,
        ))?
        .campaign)
}
