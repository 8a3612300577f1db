//! `/api/v1` routes for hand-outs (store staff's phones and integrations) and the refused
//! offline uploads kept for the marketer.

use app::ssr::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::checkin::*;
use domain::ids::{CampaignId, StoreId};
use domain::ops;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiResult, Caller, ErrorBody, body, created_or_replayed};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_handouts, hand_out))
        .routes(routes!(list_conflicts))
        .routes(routes!(resolve_conflict))
}

#[utoipa::path(post, path = "/handouts", request_body = HandoutInput,
    description = "Records that a store employee gave a certificate to a participant (name, phone, consent). \
        Store staff record for their own store; a certificate allocated to another store of the campaign is moved to theirs. \
        Send a unique `idempotency_key` (a UUID): a retried upload returns the first record (200, `replayed: true`).",
    responses((status = 201, body = Handout), (status = 200, body = Handout, description = "a retry: the first record"),
        (status = 422, body = ErrorBody), (status = 409, body = ErrorBody, description = "already handed out / redeemed / voided, or this phone already has one")))]
async fn hand_out(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<HandoutInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Handout>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::handouts::hand_out(&st.db, &c.actor, &input, &st.public_url).await)
        .map(|h| {
            let replayed = h.replayed;
            created_or_replayed(h, replayed)
        })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct HandoutQuery {
    pub store_id: Option<i64>,
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/handouts", params(HandoutQuery),
    description = "Hand-outs, newest first; store staff see their own store's only, phones masked.",
    responses((status = 200, body = [Handout])))]
async fn list_handouts(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<HandoutQuery>,
) -> ApiResult<Json<Vec<Handout>>> {
    c.wrap(
        ops::handouts::list(
            &st.db,
            &c.actor,
            q.store_id.map(StoreId),
            q.limit.unwrap_or(100),
        )
        .await,
    )
    .map(Json)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ConflictQuery {
    pub campaign_id: Option<i64>,
}

#[utoipa::path(get, path = "/handout-conflicts", params(ConflictQuery),
    description = "Hand-outs uploaded from a phone's offline queue that were refused (e.g. the certificate was handed out on another phone meanwhile), open ones first. Marketer only.",
    responses((status = 200, body = [HandoutConflict])))]
async fn list_conflicts(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<ConflictQuery>,
) -> ApiResult<Json<Vec<HandoutConflict>>> {
    c.wrap(ops::handouts::conflicts(&st.db, &c.actor, q.campaign_id.map(CampaignId)).await)
        .map(Json)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResolutionInput {
    pub resolution: String,
}

#[utoipa::path(post, path = "/handout-conflicts/{id}/resolve", params(("id" = i64, Path)), request_body = ResolutionInput,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn resolve_conflict(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<ResolutionInput>, JsonRejection>,
) -> ApiResult<StatusCode> {
    let input = body(c.lang, b)?;
    c.wrap(ops::handouts::resolve_conflict(&st.db, &c.actor, id, &input.resolution).await)
        .map(|_| StatusCode::NO_CONTENT)
}
