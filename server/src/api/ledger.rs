//! Materials without codes: kinds, the movements ledger per store, the stock board, and store
//! staff's counts and requests from their phone.

use app::ssr::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::ids::{CampaignId, StoreId};
use domain::ledger::{
    CountInput, KindInput, MaterialKind, MovementInput, MovementRecord, StaffStock, StockBoard,
    StockRequestInput,
};
use domain::ops;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiResult, Caller, ErrorBody, body, created};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(kinds, create_kind))
        .routes(routes!(update_kind))
        .routes(routes!(board))
        .routes(routes!(movements, record_movement))
        .routes(routes!(my_stock))
        .routes(routes!(count))
        .routes(routes!(request_more))
}

#[utoipa::path(get, path = "/materials", tag = "materials",
    description = "Kinds of materials without codes: paper forms, posters, regulations copies (built in) and the clinic's own.",
    responses((status = 200, body = [MaterialKind])))]
async fn kinds(State(st): State<AppState>, c: Caller) -> ApiResult<Json<Vec<MaterialKind>>> {
    c.wrap(ops::ledger::kinds(&st.db, &c.actor).await).map(Json)
}

#[utoipa::path(post, path = "/materials", tag = "materials", request_body = KindInput,
    responses((status = 201, body = MaterialKind), (status = 422, body = ErrorBody)))]
async fn create_kind(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<KindInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<MaterialKind>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::ledger::create_kind(&st.db, &c.actor, &input).await)
        .map(created)
}

#[utoipa::path(put, path = "/materials/{id}", tag = "materials", params(("id" = i64, Path)), request_body = KindInput,
    responses((status = 200, body = MaterialKind), (status = 422, body = ErrorBody)))]
async fn update_kind(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<KindInput>, JsonRejection>,
) -> ApiResult<Json<MaterialKind>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::ledger::update_kind(&st.db, &c.actor, id, &input).await)
        .map(Json)
}

#[utoipa::path(get, path = "/campaigns/{id}/stock-board", tag = "materials", params(("id" = i64, Path)),
    description = "Every store × material: certificates and paper forms with their forecast, and every other material's \
        level (below its per-store minimum is an alert), the most urgent store first.",
    responses((status = 200, body = StockBoard), (status = 403, body = ErrorBody)))]
async fn board(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<StockBoard>> {
    c.wrap(ops::ledger::board(&st.db, &c.actor, id).await)
        .map(Json)
}

#[derive(Deserialize, utoipa::IntoParams)]
struct MovementFilter {
    store_id: Option<i64>,
    /// At most 500 (default 100).
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/campaigns/{id}/movements", tag = "materials", params(("id" = i64, Path), MovementFilter),
    description = "The materials ledger, newest first (store staff: their own store).",
    responses((status = 200, body = [MovementRecord]), (status = 403, body = ErrorBody)))]
async fn movements(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
    Query(f): Query<MovementFilter>,
) -> ApiResult<Json<Vec<MovementRecord>>> {
    c.wrap(
        ops::ledger::history(
            &st.db,
            &c.actor,
            id,
            f.store_id.map(StoreId),
            f.limit.unwrap_or(100),
        )
        .await,
    )
    .map(Json)
}

#[utoipa::path(post, path = "/campaigns/{id}/movements", tag = "materials", params(("id" = i64, Path)),
    request_body = MovementInput,
    description = "Delivered, counted on site (sets the level; the difference is recorded), returned, or moved to another \
        store (`moved_out` with `to_store_id`; the receiving store's line is written with it). A lost certificate is \
        voided, not counted.",
    responses((status = 201, body = MovementRecord), (status = 422, body = ErrorBody)))]
async fn record_movement(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
    b: Result<Json<MovementInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<MovementRecord>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::ledger::record_movement(&st.db, &c.actor, id, &input).await)
        .map(created)
}

#[utoipa::path(get, path = "/my-store/stock", tag = "materials",
    description = "Store staff: the levels in their store for its current campaign and the store's requests; `null` \
        when the store takes part in no running campaign.",
    responses((status = 200, body = Option<StaffStock>), (status = 403, body = ErrorBody)))]
async fn my_stock(State(st): State<AppState>, c: Caller) -> ApiResult<Json<Option<StaffStock>>> {
    c.wrap(ops::ledger::staff_stock(&st.db, &c.actor).await)
        .map(Json)
}

#[utoipa::path(post, path = "/my-store/counts", tag = "materials", request_body = CountInput,
    description = "Store staff count a material in their store (sets its level).",
    responses((status = 201, body = MovementRecord), (status = 422, body = ErrorBody)))]
async fn count(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<CountInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<MovementRecord>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::ledger::staff_count(&st.db, &c.actor, &input).await)
        .map(created)
}

#[derive(Serialize, utoipa::ToSchema)]
struct RequestCreated {
    task_id: i64,
}

#[utoipa::path(post, path = "/my-store/requests", tag = "materials", request_body = StockRequestInput,
    description = "Store staff ask for more certificates (no `kind_id`) or a material: a task for the marketer, due today.",
    responses((status = 201, body = RequestCreated), (status = 422, body = ErrorBody)))]
async fn request_more(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<StockRequestInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<RequestCreated>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::ledger::request_more(&st.db, &c.actor, &input).await)
        .map(|task_id| created(RequestCreated { task_id }))
}
