//! `/api/v1` routes for reception: check-in, redemption, undo, visits, the services list, and
//! attribution. A practice-management system reports redemptions and visits here.

use app::ssr::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Lang;
use domain::checkin::*;
use domain::ops;
use serde::Deserialize;
use utoipa::ToSchema;

use domain::ids::CampaignId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiResult, Caller, ErrorBody, body, created, created_or_replayed};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(check))
        .routes(routes!(redeem))
        .routes(routes!(undo))
        .routes(routes!(record_visit))
        .routes(routes!(visits_of))
        .routes(routes!(services, add_service))
        .routes(routes!(hide_service))
        .routes(routes!(attribution))
}

fn said(mut a: CheckinAnswer, lang: Lang) -> CheckinAnswer {
    a.message = a.verdict.msg().text(lang).to_owned();
    a
}

#[utoipa::path(get, path = "/checkin/{code}", params(("code" = String, Path, description = "the code, grouped or not, or the QR's URL (URL-encoded)")),
    description = "What reception sees after a scan: a typed `verdict` (valid, unknown_code, mistyped_code, invalid_code, not_yet_valid, expired, already_redeemed, voided) \
        with the certificate's details. A valid answer carries a fresh `idempotency_key` to redeem with.",
    responses((status = 200, body = CheckinAnswer)))]
async fn check(
    State(st): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
) -> ApiResult<Json<CheckinAnswer>> {
    c.wrap(ops::checkin::check(&st.db, &c.actor, &code).await)
        .map(|a| Json(said(a, c.lang)))
}

#[utoipa::path(post, path = "/redemptions", request_body = RedeemInput,
    description = "Redeems a certificate exactly once. 200 with `verdict: redeemed` for the one request that wins; \
        a retry with the same `idempotency_key` returns that same answer (`replayed: true`). \
        Otherwise the typed verdict: 409 already_redeemed / expired / not_yet_valid / voided, 404 unknown_code, 422 mistyped_code / invalid_code.",
    responses((status = 200, body = CheckinAnswer), (status = 409, body = CheckinAnswer), (status = 404, body = CheckinAnswer),
        (status = 422, body = CheckinAnswer)))]
async fn redeem(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<RedeemInput>, JsonRejection>,
) -> ApiResult<Response> {
    let input = body(c.lang, b)?;
    let a = c.wrap(ops::checkin::redeem(&st.db, &c.actor, &input).await)?;
    let status = StatusCode::from_u16(a.verdict.http_status()).unwrap_or(StatusCode::OK);
    Ok((status, Json(said(a, c.lang))).into_response())
}

#[utoipa::path(post, path = "/redemptions/undo", request_body = UndoInput,
    description = "Undoes a redemption with a reason: reception on the same day, the marketer any time. Answers with the certificate's new check-in verdict.",
    responses((status = 200, body = CheckinAnswer), (status = 403, body = ErrorBody, description = "reception, an earlier day"),
        (status = 409, body = ErrorBody, description = "not redeemed")))]
async fn undo(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<UndoInput>, JsonRejection>,
) -> ApiResult<Json<CheckinAnswer>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::checkin::undo(&st.db, &c.actor, &input).await)
        .map(|a| Json(said(a, c.lang)))
}

#[utoipa::path(post, path = "/visits", request_body = VisitInput,
    description = "Records a participant's visit (services, amount paid, doctor), found by the redeemed certificate's `code` or by `patient_phone`; \
        credited to the redemption's campaign, store and employee. Optional `idempotency_key` makes retries safe.",
    responses((status = 201, body = Visit), (status = 200, body = Visit, description = "a retry: the first record"),
        (status = 422, body = ErrorBody), (status = 409, body = ErrorBody, description = "the certificate is not redeemed"),
        (status = 404, body = ErrorBody, description = "no participant with this phone")))]
async fn record_visit(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<VisitInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Visit>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::checkin::record_visit(&st.db, &c.actor, &input).await)
        .map(|v| {
            let replayed = v.replayed;
            created_or_replayed(v, replayed)
        })
}

#[utoipa::path(get, path = "/certificates/{code}/visits", params(("code" = String, Path)),
    responses((status = 200, body = [Visit])))]
async fn visits_of(
    State(st): State<AppState>,
    c: Caller,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<Visit>>> {
    c.wrap(ops::checkin::visits_of(&st.db, &c.actor, &code).await)
        .map(Json)
}

#[utoipa::path(get, path = "/services", responses((status = 200, body = [Service])))]
async fn services(State(st): State<AppState>, c: Caller) -> ApiResult<Json<Vec<Service>>> {
    c.wrap(ops::checkin::services(&st.db, &c.actor).await)
        .map(Json)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ServiceInput {
    pub name: String,
}

#[utoipa::path(post, path = "/services", request_body = ServiceInput,
    responses((status = 201, body = Service), (status = 422, body = ErrorBody)))]
async fn add_service(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<ServiceInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Service>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::checkin::add_service(&st.db, &c.actor, &input.name).await)
        .map(created)
}

#[utoipa::path(delete, path = "/services/{id}", params(("id" = i64, Path)),
    description = "Hides a service from the list; visits keep its name.",
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn hide_service(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    c.wrap(ops::checkin::hide_service(&st.db, &c.actor, id).await)
        .map(|_| StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/campaigns/{id}/attribution", params(("id" = i64, Path)),
    description = "Hand-outs, participants who came, who bought services, visits and revenue per store and per employee.",
    responses((status = 200, body = Attribution)))]
async fn attribution(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<Attribution>> {
    c.wrap(ops::checkin::attribution(&st.db, &c.actor, id).await)
        .map(Json)
}
