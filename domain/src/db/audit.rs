//! The change log (`audit_log`): one row per write, who and what.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::any::AnyExecutor;

use super::{internal, ts};
use crate::error::DomainError;
use crate::ids::UserId;

pub struct NewEntry<'a> {
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    pub actor: String,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub details: Value,
}

pub async fn insert<'c>(e: impl AnyExecutor<'c>, entry: &NewEntry<'_>) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor, action, entity, entity_id, details) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(ts(entry.at))
    .bind(entry.actor_id)
    .bind(&entry.actor)
    .bind(entry.action)
    .bind(entry.entity)
    .bind(entry.entity_id)
    .bind(entry.details.to_string())
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct EntryRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub details: String,
}

pub async fn latest<'c>(e: impl AnyExecutor<'c>, limit: i64) -> Result<Vec<EntryRow>, DomainError> {
    sqlx::query_as(
        "SELECT at, actor, action, entity, entity_id, details FROM audit_log ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(e)
    .await
    .map_err(internal)
}
