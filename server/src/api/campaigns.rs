//! `/api/v1/campaigns` and their costs ledger.

use app::ssr::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::ids::CampaignId;
use domain::model::{Campaign, CampaignInput, Cost, CostInput};
use domain::ops;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiResult, Caller, ErrorBody, body, created};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(costs, add_cost))
}

#[utoipa::path(get, path = "/campaigns", tag = "campaigns",
    description = "Campaigns the caller may see (store staff: those their partner takes part in). `cost_total` only for the marketer.",
    responses((status = 200, body = [Campaign]), (status = 401, body = ErrorBody)))]
async fn list(State(st): State<AppState>, c: Caller) -> ApiResult<Json<Vec<Campaign>>> {
    c.wrap(ops::campaigns::list(&st.db, &c.actor).await)
        .map(Json)
}

#[utoipa::path(post, path = "/campaigns", tag = "campaigns", request_body = CampaignInput,
    responses((status = 201, body = Campaign), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<CampaignInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Campaign>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::campaigns::create(&st.db, &c.actor, &input).await)
        .map(created)
}

#[utoipa::path(get, path = "/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = Campaign), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn get_one(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<Campaign>> {
    c.wrap(ops::campaigns::get(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(put, path = "/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path)), request_body = CampaignInput,
    description = "Changes a campaign. Once certificates exist its face value is locked, it cannot return to draft and its dates may only widen (422 naming the field).",
    responses((status = 200, body = Campaign), (status = 422, body = ErrorBody)))]
async fn update(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
    b: Result<Json<CampaignInput>, JsonRejection>,
) -> ApiResult<Json<Campaign>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::campaigns::update(&st.db, &c.actor, id, &input).await)
        .map(Json)
}

#[utoipa::path(get, path = "/campaigns/{id}/costs", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = [Cost]), (status = 403, body = ErrorBody)))]
async fn costs(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<Vec<Cost>>> {
    c.wrap(ops::campaigns::costs(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(post, path = "/campaigns/{id}/costs", tag = "campaigns", params(("id" = i64, Path)), request_body = CostInput,
    responses((status = 201, body = Cost), (status = 422, body = ErrorBody)))]
async fn add_cost(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
    b: Result<Json<CostInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Cost>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::campaigns::add_cost(&st.db, &c.actor, id, &input).await)
        .map(created)
}
