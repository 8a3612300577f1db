//! `/api/v1` routes for hand-outs, reception check-in, visits and attribution (part of the same
//! OpenAPI document). A practice-management system reports redemptions and visits here.

use app::ssr::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Lang;
use domain::checkin::*;
use domain::ops;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::{ApiResult, Caller, ErrorBody, body};

fn said(mut a: CheckinAnswer, lang: Lang) -> CheckinAnswer {
    a.message = a.verdict.msg().text(lang).to_owned();
    a
}

#[utoipa::path(post, path = "/api/v1/handouts", request_body = HandoutInput,
    description = "Records that a store employee gave a certificate to a participant (name, phone, consent). \
        Store staff record for their own store; a certificate allocated to another store of the campaign is moved to theirs. \
        Send a unique `idempotency_key` (a UUID): a retried upload returns the first record (200, `replayed: true`).",
    responses((status = 201, body = Handout), (status = 200, body = Handout, description = "a retry: the first record"),
        (status = 422, body = ErrorBody), (status = 409, body = ErrorBody, description = "already handed out / redeemed / voided, or this phone already has one")))]
pub async fn hand_out(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<HandoutInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Handout>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::handouts::hand_out(&st.db, &c.actor, &input).await)
        .map(|h| {
            let status = if h.replayed {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            (status, Json(h))
        })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct HandoutQuery {
    pub store_id: Option<i64>,
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/handouts", params(HandoutQuery),
    description = "Hand-outs, newest first; store staff see their own store's only, phones masked.",
    responses((status = 200, body = [Handout])))]
pub async fn list_handouts(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<HandoutQuery>,
) -> ApiResult<Json<Vec<Handout>>> {
    c.wrap(ops::handouts::list(&st.db, &c.actor, q.store_id, q.limit.unwrap_or(100)).await)
        .map(Json)
}

#[utoipa::path(get, path = "/api/v1/checkin/{code}", params(("code" = String, Path, description = "the code, grouped or not, or the QR's URL (URL-encoded)")),
    description = "What reception sees after a scan: a typed `verdict` (valid, unknown_code, mistyped_code, invalid_code, not_yet_valid, expired, already_redeemed, voided) \
        with the certificate's details. A valid answer carries a fresh `idempotency_key` to redeem with.",
    responses((status = 200, body = CheckinAnswer)))]
pub async fn check(
    State(st): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
) -> ApiResult<Json<CheckinAnswer>> {
    c.wrap(ops::checkin::check(&st.db, &c.actor, &code).await)
        .map(|a| Json(said(a, c.lang)))
}

#[utoipa::path(post, path = "/api/v1/redemptions", request_body = RedeemInput,
    description = "Redeems a certificate exactly once. 200 with `verdict: redeemed` for the one request that wins; \
        a retry with the same `idempotency_key` returns that same answer (`replayed: true`). \
        Otherwise the typed verdict: 409 already_redeemed / expired / not_yet_valid / voided, 404 unknown_code, 422 mistyped_code / invalid_code.",
    responses((status = 200, body = CheckinAnswer), (status = 409, body = CheckinAnswer), (status = 404, body = CheckinAnswer),
        (status = 422, body = CheckinAnswer)))]
pub async fn redeem(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<RedeemInput>, JsonRejection>,
) -> ApiResult<Response> {
    let input = body(c.lang, b)?;
    let a = c.wrap(ops::checkin::redeem(&st.db, &c.actor, &input).await)?;
    let status = StatusCode::from_u16(a.verdict.http_status()).unwrap_or(StatusCode::OK);
    Ok((status, Json(said(a, c.lang))).into_response())
}

#[utoipa::path(post, path = "/api/v1/redemptions/undo", request_body = UndoInput,
    description = "Undoes a redemption with a reason: reception on the same day, the marketer any time. Answers with the certificate's new check-in verdict.",
    responses((status = 200, body = CheckinAnswer), (status = 403, body = ErrorBody, description = "reception, an earlier day"),
        (status = 409, body = ErrorBody, description = "not redeemed")))]
pub async fn undo(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<UndoInput>, JsonRejection>,
) -> ApiResult<Json<CheckinAnswer>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::checkin::undo(&st.db, &c.actor, &input).await)
        .map(|a| Json(said(a, c.lang)))
}

#[utoipa::path(post, path = "/api/v1/visits", request_body = VisitInput,
    description = "Records a participant's visit (services, amount paid, doctor), found by the redeemed certificate's `code` or by `patient_phone`; \
        credited to the redemption's campaign, store and employee. Optional `idempotency_key` makes retries safe.",
    responses((status = 201, body = Visit), (status = 200, body = Visit, description = "a retry: the first record"),
        (status = 422, body = ErrorBody), (status = 409, body = ErrorBody, description = "the certificate is not redeemed"),
        (status = 404, body = ErrorBody, description = "no participant with this phone")))]
pub async fn record_visit(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<VisitInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Visit>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::checkin::record_visit(&st.db, &c.actor, &input).await)
        .map(|v| {
            let status = if v.replayed {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            (status, Json(v))
        })
}

#[utoipa::path(get, path = "/api/v1/certificates/{code}/visits", params(("code" = String, Path)),
    responses((status = 200, body = [Visit])))]
pub async fn visits_of(
    State(st): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<Visit>>> {
    c.wrap(ops::checkin::visits_of(&st.db, &c.actor, &code).await)
        .map(Json)
}

#[utoipa::path(get, path = "/api/v1/services", responses((status = 200, body = [Service])))]
pub async fn services(State(st): State<AppState>, c: Caller) -> ApiResult<Json<Vec<Service>>> {
    c.wrap(ops::checkin::services(&st.db, &c.actor).await)
        .map(Json)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ServiceInput {
    pub name: String,
}

#[utoipa::path(post, path = "/api/v1/services", request_body = ServiceInput,
    responses((status = 201, body = Service), (status = 422, body = ErrorBody)))]
pub async fn add_service(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<ServiceInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Service>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::checkin::add_service(&st.db, &c.actor, &input.name).await)
        .map(|s| (StatusCode::CREATED, Json(s)))
}

#[utoipa::path(delete, path = "/api/v1/services/{id}", params(("id" = i64, Path)),
    description = "Hides a service from the list; visits keep its name.",
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn hide_service(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    c.wrap(ops::checkin::hide_service(&st.db, &c.actor, id).await)
        .map(|_| StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/attribution", params(("id" = i64, Path)),
    description = "Hand-outs, participants who came, who bought services, visits and revenue per store and per employee.",
    responses((status = 200, body = Attribution)))]
pub async fn attribution(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Attribution>> {
    c.wrap(ops::checkin::attribution(&st.db, &c.actor, id).await)
        .map(Json)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ConflictQuery {
    pub campaign_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/handout-conflicts", params(ConflictQuery),
    description = "Hand-outs uploaded from a phone's offline queue that were refused (e.g. the certificate was handed out on another phone meanwhile), open ones first. Marketer only.",
    responses((status = 200, body = [HandoutConflict])))]
pub async fn list_conflicts(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<ConflictQuery>,
) -> ApiResult<Json<Vec<HandoutConflict>>> {
    c.wrap(ops::handouts::conflicts(&st.db, &c.actor, q.campaign_id).await)
        .map(Json)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResolutionInput {
    pub resolution: String,
}

#[utoipa::path(post, path = "/api/v1/handout-conflicts/{id}/resolve", params(("id" = i64, Path)), request_body = ResolutionInput,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resolve_conflict(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<ResolutionInput>, JsonRejection>,
) -> ApiResult<StatusCode> {
    let input = body(c.lang, b)?;
    c.wrap(ops::handouts::resolve_conflict(&st.db, &c.actor, id, &input.resolution).await)
        .map(|_| StatusCode::NO_CONTENT)
}
