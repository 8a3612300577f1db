//! Messages to participants on the API: the outbox (states, masked phones, the provider's
//! reason), sending a failed or unknown message again, and how SMS go out (the gateway's
//! secret is written, never read back). The marketer's alone.

use app::ssr::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use domain::ids::CampaignId;
use domain::messages::{MessageSettings, MessageSettingsInput, MessageView, Outbox};
use domain::ops;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiResult, Caller, ErrorBody, body};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_messages))
        .routes(routes!(campaign_messages))
        .routes(routes!(resend_message))
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(test_sms))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TestSms {
    /// The phone to send a test SMS to (normalised to +7…).
    #[serde(default)]
    pub phone: String,
    /// Or the address to send a test e-mail to.
    #[serde(default)]
    pub email: String,
}

#[utoipa::path(post, path = "/message-settings/test", tag = "messages", request_body = TestSms,
    description = "Queues a test SMS (\"<clinic>: проверка SMS\") to `phone`, or a test e-mail to `email`, to try a \
        channel; the worker sends it within seconds (SMS inside the sending window), and the outbox shows the \
        provider's or the SMTP server's answer. Refused (422, field `sms_mode` or `email_mode`) while the channel is off.",
    responses((status = 201, body = MessageView), (status = 422, body = ErrorBody)))]
async fn test_sms(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<TestSms>, JsonRejection>,
) -> ApiResult<(axum::http::StatusCode, Json<MessageView>)> {
    let input = body(c.lang, b)?;
    let to = if input.email.trim().is_empty() {
        &input.phone
    } else {
        &input.email
    };
    c.wrap(ops::messages::send_test(&st.db, &c.actor, to).await)
        .map(super::created)
}

#[derive(Deserialize, utoipa::IntoParams)]
struct Filter {
    /// `queued`, `sending`, `sent`, `failed` or `unknown` (default: all).
    status: Option<String>,
    /// At most this many, newest first (1–500, default 200).
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/messages", tag = "messages", params(Filter),
    description = "The clinic's outbox: counts per state and the newest messages — channel, the phone masked, the text, \
        the state (`queued`, `sending`, `sent`, `failed`, `unknown`), attempts, the provider's answer or the reason. \
        `unknown`: nobody knows whether the provider got it (a timeout, or an instance that stopped mid-send); it is \
        never sent again by itself.",
    responses((status = 200, body = Outbox), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_messages(
    State(st): State<AppState>,
    c: Caller,
    Query(f): Query<Filter>,
) -> ApiResult<Json<Outbox>> {
    c.wrap(ops::messages::outbox(&st.db, &c.actor, None, f.status.as_deref(), f.limit).await)
        .map(Json)
}

#[utoipa::path(get, path = "/campaigns/{id}/messages", tag = "messages", params(("id" = i64, Path), Filter),
    description = "One campaign's outbox (as `/messages`).",
    responses((status = 200, body = Outbox), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn campaign_messages(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
    Query(f): Query<Filter>,
) -> ApiResult<Json<Outbox>> {
    c.wrap(ops::messages::outbox(&st.db, &c.actor, Some(id), f.status.as_deref(), f.limit).await)
        .map(Json)
}

#[utoipa::path(post, path = "/messages/{id}/resend", tag = "messages", params(("id" = i64, Path)),
    description = "Queues a `failed` or `unknown` message again (attempts start over). Refused (422, field `status`) for \
        any other state, and for a participant who withdrew consent or was erased.",
    responses((status = 200, body = MessageView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn resend_message(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<MessageView>> {
    c.wrap(ops::messages::resend(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(get, path = "/message-settings", tag = "messages",
    description = "How SMS go out: `off`, `log` (written to the server log and marked sent: trials, demos) or `http` \
        (a gateway: URL template, method, body, an optional header, the text of a successful answer, the timeout); the \
        sending window at the clinic (minutes after midnight), the per-minute limit, the expiry reminder's days and \
        text. E-mail: `email_mode` `off`, `log` or `smtp` (host, port, `smtp_security` `none`/`starttls`/`tls`, user, \
        sender, per-minute limit). `weekly_standings` (each partner employee's week by SMS on Monday, each store's \
        standings to its administrator's e-mail) and `weekly_digest` (the marketer's week by e-mail). No secret is \
        ever returned: `secret_set` and `smtp_password_set` say whether one is stored.",
    responses((status = 200, body = MessageSettings), (status = 403, body = ErrorBody)))]
async fn get_settings(State(st): State<AppState>, c: Caller) -> ApiResult<Json<MessageSettings>> {
    c.wrap(ops::messages::settings(&st.db, &c.actor).await)
        .map(Json)
}

#[utoipa::path(put, path = "/message-settings", tag = "messages", request_body = MessageSettingsInput,
    description = "Sets how SMS go out. Templates may use `{phone}` (+7…), `{phone_digits}` (7…), `{text}` and \
        `{secret}` (URL-encoded in the URL and a form body, JSON-escaped in a body starting with `{`); the reminder's \
        text `{clinic}`, `{value}`, `{date}`, `{phone}`, `{code}`. `send_from`/`send_to` as `HH:MM`. An empty \
        `secret` keeps the stored one; `clear_secret` removes it (the same for `smtp_password` and \
        `clear_smtp_password`). `email_from` as `Name <address>` or a bare address. Limits: URL 1 000 characters, \
        body 2 000, header 500, pattern 200, text 600, host and user 255, sender 300.",
    responses((status = 200, body = MessageSettings), (status = 422, body = ErrorBody)))]
async fn put_settings(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<MessageSettingsInput>, JsonRejection>,
) -> ApiResult<Json<MessageSettings>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::messages::save_settings(&st.db, &c.actor, &input).await)
        .map(Json)
}
