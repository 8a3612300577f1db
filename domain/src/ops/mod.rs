//! Operations: each checks who is asking, validates the input, writes in one transaction and
//! records the change in the audit log. Server functions, the JSON API and the CLI call these.

pub mod campaigns;
pub mod certificates;
pub mod checkin;
pub mod handouts;
pub mod partners;
pub mod people;
pub mod settings;

use serde_json::Value;

use crate::auth::Actor;
use crate::db::{Tx, internal, now};
use crate::error::DomainError;

/// Records who changed what. Every write calls this inside its transaction.
pub async fn audit(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    details: Value,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor, action, entity, entity_id, details) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now())
    .bind(actor.user_id)
    .bind(actor.label())
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(details.to_string())
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    Ok(())
}

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

pub async fn audit_log(
    db: &crate::db::Db,
    actor: &Actor,
    limit: i64,
) -> Result<Vec<AuditEntry>, DomainError> {
    actor.require_marketer()?;
    use sqlx::Row;
    let rows = sqlx::query("SELECT at, actor, action, entity, entity_id, details FROM audit_log ORDER BY id DESC LIMIT $1")
        .bind(limit)
        .fetch_all(&db.pool)
        .await
        .map_err(internal)?;
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                at: r.try_get("at").map_err(internal)?,
                actor: r.try_get("actor").map_err(internal)?,
                action: r.try_get("action").map_err(internal)?,
                entity: r.try_get("entity").map_err(internal)?,
                entity_id: r.try_get("entity_id").map_err(internal)?,
                details: r.try_get("details").map_err(internal)?,
            })
        })
        .collect()
}
