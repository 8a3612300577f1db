//! Integrations' endpoints (`webhooks`); their deliveries are outbox rows (`messages`, channel
//! `webhook`).

use chrono::{DateTime, Utc};
use sqlx::any::AnyExecutor;

use super::{internal, ts};
use crate::error::DomainError;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct WebhookRow {
    pub id: i64,
    pub url: String,
    pub events: String,
    pub active: i64,
    pub created_at: String,
}

pub async fn list<'c>(e: impl AnyExecutor<'c>) -> Result<Vec<WebhookRow>, DomainError> {
    sqlx::query_as("SELECT id, url, events, active, created_at FROM webhooks ORDER BY id LIMIT 100")
        .fetch_all(e)
        .await
        .map_err(internal)
}

pub async fn count<'c>(e: impl AnyExecutor<'c>) -> Result<i64, DomainError> {
    sqlx::query_scalar("SELECT COUNT(*) FROM webhooks")
        .fetch_one(e)
        .await
        .map_err(internal)
}

pub async fn insert<'c>(
    e: impl AnyExecutor<'c>,
    url: &str,
    secret: &str,
    events: &str,
    at: DateTime<Utc>,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO webhooks (url, secret, events, active, created_at) VALUES ($1, $2, $3, 1, $4) RETURNING id",
    )
    .bind(url)
    .bind(secret)
    .bind(events)
    .bind(ts(at))
    .fetch_one(e)
    .await
    .map_err(internal)
}

/// Removes an endpoint; its queued deliveries fail (`webhook_deleted`). `false` if unknown.
pub async fn delete(
    tx: &mut sqlx::AnyConnection,
    id: i64,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    sqlx::query(
        "UPDATE messages SET status = 'failed', reason = 'webhook_deleted', updated_at = $1
         WHERE webhook_id = $2 AND status = 'queued'",
    )
    .bind(ts(at))
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    let r = sqlx::query("DELETE FROM webhooks WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

/// Active endpoints that hear of `event`: (id, url).
pub async fn listening<'c>(
    e: impl AnyExecutor<'c>,
    event: &str,
) -> Result<Vec<(i64, String)>, DomainError> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, url, events FROM webhooks WHERE active = 1 ORDER BY id LIMIT 100",
    )
    .fetch_all(e)
    .await
    .map_err(internal)?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, events)| events.split(',').any(|x| x == event))
        .map(|(id, url, _)| (id, url))
        .collect())
}

/// An endpoint's signing secret.
pub async fn secret<'c>(e: impl AnyExecutor<'c>, id: i64) -> Result<Option<String>, DomainError> {
    sqlx::query_scalar("SELECT secret FROM webhooks WHERE id = $1")
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(internal)
}
