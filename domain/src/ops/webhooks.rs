//! Webhooks: the marketer's list of endpoints, the deliveries queued with each hand-out,
//! redemption and visit (in the same transaction), and how one is sent. See
//! [`crate::webhooks`].

use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};

use super::messages::Answer;
use crate::auth::Actor;
use crate::db::{self, Db};
use crate::error::{DomainError, ErrorCode};
use crate::messages::{Channel, Purpose};
use crate::policy::Op;
use crate::webhooks::{
    CreatedWebhook, MAX_WEBHOOKS, Webhook, WebhookEvent, WebhookInput, signature,
};

/// How long an endpoint may take to answer.
pub const TIMEOUT_SECONDS: u64 = 10;
/// Deliveries a minute, all endpoints together.
pub const PER_MINUTE: i64 = 600;

fn view(r: db::webhooks::WebhookRow) -> Webhook {
    Webhook {
        id: r.id,
        url: r.url,
        events: r
            .events
            .split(',')
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect(),
        active: r.active != 0,
        created_at: r.created_at,
    }
}

pub async fn list(db: &Db, actor: &Actor) -> Result<Vec<Webhook>, DomainError> {
    actor.may(Op::ManageSettings)?;
    Ok(db::webhooks::list(&db.pool)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// Adds an endpoint; its signing secret is returned this once.
pub async fn create(
    db: &Db,
    actor: &Actor,
    input: &WebhookInput,
) -> Result<CreatedWebhook, DomainError> {
    actor.may(Op::ManageSettings)?;
    let (url, events) = input.parse()?;
    let events: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
    let secret = crate::auth::new_secret();
    let mut w = db.write(actor).await?;
    if db::webhooks::count(&mut *w.tx).await? >= MAX_WEBHOOKS {
        return Err(DomainError::field("url", ErrorCode::TooMany));
    }
    let id = db::webhooks::insert(&mut *w.tx, &url, &secret, &events.join(","), w.at).await?;
    w.audit(
        "create",
        "webhook",
        Some(id),
        serde_json::json!({ "url": url, "events": events }),
    )
    .await?;
    let row = db::webhooks::list(&mut *w.tx)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(DomainError::Internal)?;
    w.commit().await?;
    Ok(CreatedWebhook {
        webhook: view(row),
        secret,
    })
}

/// Removes an endpoint; its deliveries still queued fail.
pub async fn delete(db: &Db, actor: &Actor, id: i64) -> Result<(), DomainError> {
    actor.may(Op::ManageSettings)?;
    let mut w = db.write(actor).await?;
    let at = w.at;
    if !db::webhooks::delete(&mut w.tx, id, at).await? {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    w.audit("delete", "webhook", Some(id), serde_json::json!({}))
        .await?;
    w.commit().await
}

/// Queues `event` about `entity` (a hand-out's, redemption's or visit's id) to every endpoint
/// that listens, in the caller's transaction. Returns how many deliveries were queued.
pub(crate) async fn queue_in(
    tx: &mut sqlx::AnyConnection,
    event: WebhookEvent,
    entity: i64,
    campaign: Option<i64>,
    data: serde_json::Value,
    at: DateTime<Utc>,
) -> Result<usize, DomainError> {
    let hooks = db::webhooks::listening(&mut *tx, event.as_str()).await?;
    if hooks.is_empty() {
        return Ok(0);
    }
    let body = serde_json::json!({
        "event": event.as_str(),
        "id": entity,
        "occurred_at": db::ts(at),
        "data": data,
    })
    .to_string();
    let mut n = 0;
    for (hook, url) in hooks {
        let key = format!(
            "{}:{hook}:{}:{entity}",
            Purpose::Webhook.as_str(),
            event.as_str()
        );
        let m = db::messages::NewMessage {
            campaign_id: campaign,
            patient_id: None,
            purpose: Purpose::Webhook.as_str(),
            dedup_key: &key,
            channel: Channel::Webhook.as_str(),
            recipient: &url,
            subject: Some(event.as_str()),
            body: &body,
        };
        if db::messages::enqueue_webhook(&mut *tx, &m, hook, at)
            .await?
            .is_some()
        {
            n += 1;
        }
    }
    Ok(n)
}

/// Whether any endpoint listens to `event` (the redemption's fast path stays one statement
/// when none does).
pub async fn anyone_listens(db: &Db, event: WebhookEvent) -> Result<bool, DomainError> {
    Ok(!db::webhooks::listening(&db.pool, event.as_str())
        .await?
        .is_empty())
}

/// Posts one delivery. A 2xx answer is accepted; anything else but a 4xx (which the endpoint
/// means) is tried again later, a timeout too — the endpoint tells a repeat by
/// `X-Sarafan-Delivery`.
pub async fn send(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    event: &str,
    delivery: i64,
    body: &str,
) -> Answer {
    let resp = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Sarafan-Event", event)
        .header("X-Sarafan-Delivery", delivery.to_string())
        .header("X-Sarafan-Signature", signature(secret, body))
        .timeout(StdDuration::from_secs(TIMEOUT_SECONDS))
        .body(body.to_owned())
        .send()
        .await;
    let resp = match resp {
        Ok(r) => r,
        Err(e) if e.is_builder() => return Answer::Refused(format!("request: {e}")),
        Err(e) if e.is_timeout() => return Answer::Retry("timeout".into()),
        Err(e) => return Answer::Retry(super::messages::excerpt(&e.to_string())),
    };
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    let said = format!(
        "HTTP {}: {}",
        status.as_u16(),
        super::messages::excerpt(&text)
    );
    if status.is_success() {
        Answer::Accepted(said)
    } else if status.is_client_error() && status.as_u16() != 429 && status.as_u16() != 408 {
        Answer::Refused(said)
    } else {
        Answer::Retry(said)
    }
}
