//! `/api/v1/partners` and `/api/v1/stores`.

use app::ssr::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::ids::{PartnerId, StoreId};
use domain::model::{Partner, PartnerInput, Store, StoreInput};
use domain::ops;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiResult, Caller, ErrorBody, body, created};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_partners, create_partner))
        .routes(routes!(get_partner, update_partner))
        .routes(routes!(list_stores, create_store))
        .routes(routes!(get_store, update_store))
}

#[utoipa::path(get, path = "/partners", tag = "partners",
    description = "Partners; internal `notes` only for the marketer; store staff see their own partner.",
    responses((status = 200, body = [Partner])))]
async fn list_partners(State(st): State<AppState>, c: Caller) -> ApiResult<Json<Vec<Partner>>> {
    c.wrap(ops::partners::list_partners(&st.db, &c.actor).await)
        .map(Json)
}

#[utoipa::path(post, path = "/partners", tag = "partners", request_body = PartnerInput,
    responses((status = 201, body = Partner), (status = 422, body = ErrorBody)))]
async fn create_partner(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<PartnerInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Partner>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::partners::create_partner(&st.db, &c.actor, &input).await)
        .map(created)
}

#[utoipa::path(get, path = "/partners/{id}", tag = "partners", params(("id" = i64, Path)),
    responses((status = 200, body = Partner), (status = 404, body = ErrorBody)))]
async fn get_partner(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<PartnerId>,
) -> ApiResult<Json<Partner>> {
    c.wrap(ops::partners::get_partner(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(put, path = "/partners/{id}", tag = "partners", params(("id" = i64, Path)), request_body = PartnerInput,
    responses((status = 200, body = Partner), (status = 422, body = ErrorBody)))]
async fn update_partner(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<PartnerId>,
    b: Result<Json<PartnerInput>, JsonRejection>,
) -> ApiResult<Json<Partner>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::partners::update_partner(&st.db, &c.actor, id, &input).await)
        .map(Json)
}

#[derive(Deserialize, utoipa::IntoParams)]
struct StoreFilter {
    partner_id: Option<i64>,
}

#[utoipa::path(get, path = "/stores", tag = "partners", params(StoreFilter),
    responses((status = 200, body = [Store])))]
async fn list_stores(
    State(st): State<AppState>,
    c: Caller,
    Query(f): Query<StoreFilter>,
) -> ApiResult<Json<Vec<Store>>> {
    c.wrap(ops::partners::list_stores(&st.db, &c.actor, f.partner_id.map(PartnerId)).await)
        .map(Json)
}

#[utoipa::path(post, path = "/stores", tag = "partners", request_body = StoreInput,
    responses((status = 201, body = Store), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_store(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<StoreInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Store>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::partners::create_store(&st.db, &c.actor, &input).await)
        .map(created)
}

#[utoipa::path(get, path = "/stores/{id}", tag = "partners", params(("id" = i64, Path)),
    responses((status = 200, body = Store), (status = 403, body = ErrorBody)))]
async fn get_store(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<StoreId>,
) -> ApiResult<Json<Store>> {
    c.wrap(ops::partners::get_store(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(put, path = "/stores/{id}", tag = "partners", params(("id" = i64, Path)), request_body = StoreInput,
    responses((status = 200, body = Store), (status = 422, body = ErrorBody)))]
async fn update_store(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<StoreId>,
    b: Result<Json<StoreInput>, JsonRejection>,
) -> ApiResult<Json<Store>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::partners::update_store(&st.db, &c.actor, id, &input).await)
        .map(Json)
}
