//! `/api/v1` PDF downloads: certificate sheets, paper forms, store posters, regulations.
//! What may be printed, for whom, and how much per file is decided in
//! `domain::ops::materials`; this module only turns a document into a download.

use app::ssr::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use domain::ids::{CampaignId, StoreId};
use domain::ops;
use domain::ops::materials::Pdf;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::certificates::CertQuery;
use super::{ApiResult, Caller, ErrorBody};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(certificates_pdf))
        .routes(routes!(forms_pdf))
        .routes(routes!(poster_pdf))
        .routes(routes!(regulations_pdf))
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

#[utoipa::path(get, path = "/campaigns/{id}/certificates/pdf", params(("id" = i64, Path), CertQuery),
    description = "Print-ready certificates (A4, 8 per page with cut marks, or `layout=single`), at most 20 000 per file: choose a store, batch or serial range.",
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn certificates_pdf(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
    Query(q): Query<CertQuery>,
) -> ApiResult<Response> {
    let single = q.layout.as_deref() == Some("single");
    c.wrap(
        ops::materials::certificates(
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

#[utoipa::path(get, path = "/form-batches/{id}/pdf", params(("id" = i64, Path)),
    description = "The paper participant forms of a form batch, one A4 page each.",
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn forms_pdf(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    c.wrap(ops::materials::forms(&st.db, &c.actor, id, &st.public_url, c.lang).await)
        .map(pdf_response)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct PosterQuery {
    /// `a4` (default) or `a3`.
    pub size: Option<String>,
}

#[utoipa::path(get, path = "/campaigns/{id}/stores/{store_id}/poster/pdf", params(("id" = i64, Path), ("store_id" = i64, Path), PosterQuery),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 422, body = ErrorBody)))]
async fn poster_pdf(
    State(st): State<AppState>,
    c: Caller,
    Path((id, store_id)): Path<(CampaignId, StoreId)>,
    Query(q): Query<PosterQuery>,
) -> ApiResult<Response> {
    let a3 = q
        .size
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("a3"));
    c.wrap(ops::materials::poster(&st.db, &c.actor, id, store_id, a3, &st.public_url, c.lang).await)
        .map(pdf_response)
}

#[utoipa::path(get, path = "/campaigns/{id}/regulations/pdf", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>)))]
async fn regulations_pdf(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Response> {
    c.wrap(ops::materials::regulations(&st.db, &c.actor, id, c.lang).await)
        .map(pdf_response)
}
