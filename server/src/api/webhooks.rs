//! Webhooks for integrations on the API: the marketer adds an endpoint (its signing secret is
//! shown once), lists and removes them; deliveries show in the outbox (channel `webhook`).

use app::ssr::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::ops;
use domain::webhooks::{CreatedWebhook, Webhook, WebhookInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiResult, Caller, ErrorBody, body, created};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(delete_webhook))
}

#[utoipa::path(get, path = "/webhooks", tag = "messages",
    description = "The integrations' endpoints (at most 20) and the events each hears of (`handout`, `redemption`, \
        `visit`). Secrets are never listed.",
    responses((status = 200, body = Vec<Webhook>), (status = 403, body = ErrorBody)))]
async fn list_webhooks(State(st): State<AppState>, c: Caller) -> ApiResult<Json<Vec<Webhook>>> {
    c.wrap(ops::webhooks::list(&st.db, &c.actor).await)
        .map(Json)
}

#[utoipa::path(post, path = "/webhooks", tag = "messages", request_body = WebhookInput,
    description = "Adds an endpoint. Each hand-out, redemption and visit it hears of is POSTed to it as JSON \
        (`{\"event\", \"id\", \"occurred_at\", \"data\"}` — codes, ids, amounts, no personal data) through the outbox, \
        retried on a timeout, a 5xx or a 429; a 4xx fails the delivery. Headers: `X-Sarafan-Event`, \
        `X-Sarafan-Delivery` (the same for a retry), `X-Sarafan-Signature: sha256=<hex HMAC-SHA256 of the body with \
        the secret>`. The answer carries the secret — the only time it is shown.",
    responses((status = 201, body = CreatedWebhook), (status = 422, body = ErrorBody)))]
async fn create_webhook(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<WebhookInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<CreatedWebhook>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::webhooks::create(&st.db, &c.actor, &input).await)
        .map(created)
}

#[utoipa::path(delete, path = "/webhooks/{id}", tag = "messages", params(("id" = i64, Path)),
    description = "Removes an endpoint; its deliveries still queued fail (`webhook_deleted`).",
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_webhook(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    c.wrap(ops::webhooks::delete(&st.db, &c.actor, id).await)
        .map(|()| StatusCode::NO_CONTENT)
}
