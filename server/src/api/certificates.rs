//! `/api/v1` routes for certificates: batches, stock, lists, moves, voiding, printed texts,
//! paper-form batches, and the public look-up of one code.

use app::ssr::{AppState, lang_from_headers};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use domain::ids::{CampaignId, StoreId};
use domain::model::*;
use domain::ops;
use domain::ops::certificates::CertFilter;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, ApiResult, Caller, ClientAddr, ErrorBody, body, created};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_batches, create_batch))
        .routes(routes!(stock))
        .routes(routes!(list_certificates))
        .routes(routes!(move_range))
        .routes(routes!(get_texts, put_texts))
        .routes(routes!(list_form_batches, create_form_batch))
        .routes(routes!(void))
        .routes(routes!(public_certificate))
}

#[utoipa::path(post, path = "/campaigns/{id}/batches", params(("id" = i64, Path)), request_body = BatchInput,
    description = "Creates `count` certificates (1–100 000) with unguessable codes and the next serial numbers, split evenly across `store_ids` (stores of the campaign's partners).",
    responses((status = 201, body = Batch), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody, description = "the campaign has finished")))]
async fn create_batch(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
    b: Result<Json<BatchInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Batch>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::certificates::create_batch(&st.db, &c.actor, id, &input).await)
        .map(created)
}

#[utoipa::path(get, path = "/campaigns/{id}/batches", params(("id" = i64, Path)), responses((status = 200, body = [Batch])))]
async fn list_batches(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<Vec<Batch>>> {
    c.wrap(ops::certificates::list_batches(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(get, path = "/campaigns/{id}/stock", params(("id" = i64, Path)),
    description = "Certificates per store (and unallocated) and per state, with serial ranges.",
    responses((status = 200, body = [StoreStock])))]
async fn stock(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<Vec<StoreStock>>> {
    c.wrap(ops::certificates::stock(&st.db, &c.actor, id).await)
        .map(Json)
}

/// Which certificates: a store's, a batch's, a serial range, a state.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct CertQuery {
    pub store_id: Option<i64>,
    pub batch_id: Option<i64>,
    /// First serial number (inclusive).
    pub from: Option<i64>,
    /// Last serial number (inclusive).
    pub to: Option<i64>,
    /// printed, handed_out, redeemed or voided.
    pub state: Option<String>,
    pub limit: Option<i64>,
    /// PDF only: `single` for one certificate per page (default: 8 per A4 page).
    pub layout: Option<String>,
}

impl CertQuery {
    pub fn filter(&self) -> CertFilter {
        CertFilter {
            store_id: self.store_id.map(StoreId),
            batch_id: self.batch_id,
            first_serial: self.from,
            last_serial: self.to,
            state: self.state.as_deref().and_then(CertState::parse),
            limit: self.limit,
        }
    }
}

#[utoipa::path(get, path = "/campaigns/{id}/certificates", params(("id" = i64, Path), CertQuery),
    responses((status = 200, body = [Certificate])))]
async fn list_certificates(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
    Query(q): Query<CertQuery>,
) -> ApiResult<Json<Vec<Certificate>>> {
    let url = c.wrap(ops::settings::qr_base_url(&st.db, &st.public_url).await)?;
    c.wrap(ops::certificates::list(&st.db, &c.actor, id, &q.filter(), &url).await)
        .map(Json)
}

#[utoipa::path(post, path = "/campaigns/{id}/certificate-moves", params(("id" = i64, Path)), request_body = MoveInput,
    description = "Moves the still-printed certificates of a serial range to another store (or back to unallocated); recorded with the reason.",
    responses((status = 200, body = MoveResult), (status = 422, body = ErrorBody)))]
async fn move_range(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
    b: Result<Json<MoveInput>, JsonRejection>,
) -> ApiResult<Json<MoveResult>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::certificates::move_range(&st.db, &c.actor, id, &input).await)
        .map(Json)
}

#[utoipa::path(post, path = "/certificates/void", request_body = VoidInput,
    responses((status = 200, body = Certificate), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn void(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<VoidInput>, JsonRejection>,
) -> ApiResult<Json<Certificate>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::certificates::void(&st.db, &c.actor, &input).await)
        .map(Json)
}

#[utoipa::path(get, path = "/certificates/{code}", params(("code" = String, Path, description = "the code, with or without dashes, or the QR URL's last segment")),
    security(()),
    description = "Public: what the certificate's holder may know (value, validity, status, how to book). No personal data. At most 60 look-ups a minute per client address (429).",
    responses((status = 200, body = PublicCertificate), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody, description = "mistyped code (check character)")))]
async fn public_certificate(
    State(st): State<AppState>,
    headers: HeaderMap,
    ClientAddr(client): ClientAddr,
    Path(code): Path<String>,
) -> ApiResult<Json<PublicCertificate>> {
    let lang = lang_from_headers(&headers);
    ops::certificates::public_view(&st.db, &code, &client, &st.public_url)
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}

#[utoipa::path(get, path = "/campaigns/{id}/texts", params(("id" = i64, Path)), responses((status = 200, body = CampaignTexts)))]
async fn get_texts(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<CampaignTexts>> {
    c.wrap(ops::certificates::texts(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(put, path = "/campaigns/{id}/texts", params(("id" = i64, Path)), request_body = CampaignTexts,
    description = "Texts printed on certificates, forms, posters and regulations; empty means the default wording. Placeholders: {value}, {until}, {clinic}, {phone}, {address}, {campaign}.",
    responses((status = 200, body = CampaignTexts), (status = 422, body = ErrorBody)))]
async fn put_texts(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
    b: Result<Json<CampaignTexts>, JsonRejection>,
) -> ApiResult<Json<CampaignTexts>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::certificates::save_texts(&st.db, &c.actor, id, &input).await)
        .map(Json)
}

#[utoipa::path(post, path = "/campaigns/{id}/form-batches", params(("id" = i64, Path)), request_body = FormBatchInput,
    description = "Reserves serial numbers for `count` paper participant forms (1–10 000) for a store; download them from /api/v1/form-batches/{id}/pdf.",
    responses((status = 201, body = FormBatch), (status = 422, body = ErrorBody)))]
async fn create_form_batch(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
    b: Result<Json<FormBatchInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<FormBatch>)> {
    let input = body(c.lang, b)?;
    c.wrap(
        ops::certificates::create_form_batch(
            &st.db,
            &c.actor,
            id,
            input.store_id.map(StoreId),
            &input.count,
        )
        .await,
    )
    .map(created)
}

#[utoipa::path(get, path = "/campaigns/{id}/form-batches", params(("id" = i64, Path)), responses((status = 200, body = [FormBatch])))]
async fn list_form_batches(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<Vec<FormBatch>>> {
    c.wrap(ops::certificates::list_form_batches(&st.db, &c.actor, id).await)
        .map(Json)
}
