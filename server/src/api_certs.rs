//! `/api/v1` routes for certificates and printed materials (part of the same OpenAPI document).

use app::ssr::{AppState, lang_from_headers};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::model::*;
use domain::ops;
use domain::ops::certificates::CertFilter;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::{ApiError, ApiResult, Caller, ErrorBody, body};
use crate::materials::{self, Pdf};

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/batches", params(("id" = i64, Path)), request_body = BatchInput,
    description = "Creates `count` certificates (1–100 000) with unguessable codes and the next serial numbers, split evenly across `store_ids` (stores of the campaign's partners).",
    responses((status = 201, body = Batch), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody, description = "the campaign has finished")))]
pub async fn create_batch(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<BatchInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Batch>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::certificates::create_batch(&st.db, &c.actor, id, &input).await)
        .map(|v| (StatusCode::CREATED, Json(v)))
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/batches", params(("id" = i64, Path)), responses((status = 200, body = [Batch])))]
pub async fn list_batches(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<Batch>>> {
    c.wrap(ops::certificates::list_batches(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/stock", params(("id" = i64, Path)),
    description = "Certificates per store (and unallocated) and per state, with serial ranges.",
    responses((status = 200, body = [StoreStock])))]
pub async fn stock(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
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
    fn filter(&self) -> CertFilter {
        CertFilter {
            store_id: self.store_id,
            batch_id: self.batch_id,
            first_serial: self.from,
            last_serial: self.to,
            state: self.state.as_deref().and_then(CertState::parse),
            limit: self.limit,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/certificates", params(("id" = i64, Path), CertQuery),
    responses((status = 200, body = [Certificate])))]
pub async fn list_certificates(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Query(q): Query<CertQuery>,
) -> ApiResult<Json<Vec<Certificate>>> {
    let url = c.wrap(materials::public_url(&st.db, &st.public_url).await)?;
    c.wrap(ops::certificates::list(&st.db, &c.actor, id, &q.filter(), &url).await)
        .map(Json)
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/certificate-moves", params(("id" = i64, Path)), request_body = MoveInput,
    description = "Moves the still-printed certificates of a serial range to another store (or back to unallocated); recorded with the reason.",
    responses((status = 200, body = MoveResult), (status = 422, body = ErrorBody)))]
pub async fn move_range(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<MoveInput>, JsonRejection>,
) -> ApiResult<Json<MoveResult>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::certificates::move_range(&st.db, &c.actor, id, &input).await)
        .map(Json)
}

#[utoipa::path(post, path = "/api/v1/certificates/void", request_body = VoidInput,
    responses((status = 200, body = Certificate), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn void(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<VoidInput>, JsonRejection>,
) -> ApiResult<Json<Certificate>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::certificates::void(&st.db, &c.actor, &input).await)
        .map(Json)
}

#[utoipa::path(get, path = "/api/v1/certificates/{code}", params(("code" = String, Path, description = "the code, with or without dashes, or the QR URL's last segment")),
    security(()),
    description = "Public: what the certificate's holder may know (value, validity, status, how to book). No personal data.",
    responses((status = 200, body = PublicCertificate), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody, description = "mistyped code (check character)")))]
pub async fn public_certificate(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> ApiResult<Json<PublicCertificate>> {
    let lang = lang_from_headers(&headers);
    ops::certificates::public_view(&st.db, &code)
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/texts", params(("id" = i64, Path)), responses((status = 200, body = CampaignTexts)))]
pub async fn get_texts(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<CampaignTexts>> {
    c.wrap(ops::certificates::texts(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(put, path = "/api/v1/campaigns/{id}/texts", params(("id" = i64, Path)), request_body = CampaignTexts,
    description = "Texts printed on certificates, forms, posters and regulations; empty means the default wording. Placeholders: {value}, {until}, {clinic}, {phone}, {address}, {campaign}.",
    responses((status = 200, body = CampaignTexts), (status = 422, body = ErrorBody)))]
pub async fn put_texts(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<CampaignTexts>, JsonRejection>,
) -> ApiResult<Json<CampaignTexts>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::certificates::save_texts(&st.db, &c.actor, id, &input).await)
        .map(Json)
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/form-batches", params(("id" = i64, Path)), request_body = FormBatchInput,
    description = "Reserves serial numbers for `count` paper participant forms (1–10 000) for a store; download them from /api/v1/form-batches/{id}/pdf.",
    responses((status = 201, body = FormBatch), (status = 422, body = ErrorBody)))]
pub async fn create_form_batch(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<FormBatchInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<FormBatch>)> {
    let input = body(c.lang, b)?;
    c.wrap(
        ops::certificates::create_form_batch(&st.db, &c.actor, id, input.store_id, &input.count)
            .await,
    )
    .map(|v| (StatusCode::CREATED, Json(v)))
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/form-batches", params(("id" = i64, Path)), responses((status = 200, body = [FormBatch])))]
pub async fn list_form_batches(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<FormBatch>>> {
    c.wrap(ops::certificates::list_form_batches(&st.db, &c.actor, id).await)
        .map(Json)
}

fn pdf_response(pdf: Pdf) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", pdf.file_name))
        .unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        pdf.bytes,
    )
        .into_response()
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/certificates/pdf", params(("id" = i64, Path), CertQuery),
    description = "Print-ready certificates (A4, 8 per page with cut marks, or `layout=single`), at most 20 000 per file: choose a store, batch or serial range.",
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn certificates_pdf(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Query(q): Query<CertQuery>,
) -> ApiResult<Response> {
    let single = q.layout.as_deref() == Some("single");
    c.wrap(
        materials::certificates(
            &st.db,
            &c.actor,
            id,
            &q.filter(),
            single,
            &st.public_url,
            c.lang,
        )
        .await,
    )
    .map(pdf_response)
}

#[utoipa::path(get, path = "/api/v1/form-batches/{id}/pdf", params(("id" = i64, Path)),
    description = "The paper participant forms of a form batch, one A4 page each.",
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn forms_pdf(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    c.wrap(materials::forms(&st.db, &c.actor, id, &st.public_url, c.lang).await)
        .map(pdf_response)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct PosterQuery {
    /// `a4` (default) or `a3`.
    pub size: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/stores/{store_id}/poster/pdf", params(("id" = i64, Path), ("store_id" = i64, Path), PosterQuery),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 422, body = ErrorBody)))]
pub async fn poster_pdf(
    State(st): State<AppState>,
    c: Caller,
    Path((id, store_id)): Path<(i64, i64)>,
    Query(q): Query<PosterQuery>,
) -> ApiResult<Response> {
    let a3 = q
        .size
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("a3"));
    c.wrap(materials::poster(&st.db, &c.actor, id, store_id, a3, &st.public_url, c.lang).await)
        .map(pdf_response)
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/regulations/pdf", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>)))]
pub async fn regulations_pdf(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    c.wrap(materials::regulations(&st.db, &c.actor, id, c.lang).await)
        .map(pdf_response)
}
