//! Imports of digitised paper forms (checklist items 18–19), marketer only: upload a
//! spreadsheet → a preview with an id; change the columns → a new preview; confirm → every good
//! row saved in one transaction (confirming again returns the same result).

use app::ssr::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::CampaignId;
use domain::imports::{ImportMapping, ImportPreview, ImportSummary};
use domain::{DomainError, ErrorCode, ops};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, ApiResult, Caller, ErrorBody, body, code_str};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(history, upload))
        .routes(routes!(get_import))
        .routes(routes!(set_mapping))
        .routes(routes!(confirm))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
struct UploadQuery {
    /// The file's name, when the body is the file itself (`.xlsx` or `.csv`).
    file_name: Option<String>,
}

/// The uploaded file: the body itself, or the `file` field of a `multipart/form-data` form (the
/// import page's form, which then goes back to the page). Returns (name, bytes, from a form).
async fn upload_file(
    req: Request,
    query_name: Option<String>,
) -> Result<(String, Vec<u8>, bool), DomainError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let refused = |e: &dyn std::fmt::Display| {
        let text = e.to_string();
        if text.contains("length limit") || text.contains("too large") {
            DomainError::field("file", ErrorCode::BodyTooLarge)
        } else {
            DomainError::field("file", ErrorCode::UnreadableFile)
        }
    };
    if multipart {
        let mut form = Multipart::from_request(req, &())
            .await
            .map_err(|_| DomainError::field("file", ErrorCode::UnreadableFile))?;
        while let Some(field) = form.next_field().await.map_err(|e| refused(&e))? {
            if field.name() == Some("file") {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|e| refused(&e))?;
                return Ok((name, bytes.to_vec(), true));
            }
        }
        Err(DomainError::field("file", ErrorCode::Required))
    } else {
        let bytes = Bytes::from_request(req, &())
            .await
            .map_err(|e| refused(&e))?;
        Ok((query_name.unwrap_or_default(), bytes.to_vec(), false))
    }
}

#[utoipa::path(post, path = "/campaigns/{id}/imports", tag = "imports",
    params(("id" = i64, Path), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        description = "The spreadsheet of typed-in paper forms: an XLSX (first sheet) or a CSV (UTF-8 with or without a BOM, \
        `;` or `,` separated), at most 5 MB and 5 000 rows, the headers in the first row; the body itself (with \
        `?file_name=`) or the `file` field of a `multipart/form-data` form. Nothing is saved but the upload: the answer \
        is its preview, with the columns guessed from the headers."),
    responses((status = 201, body = ImportPreview), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn upload(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Query(q): Query<UploadQuery>,
    req: Request,
) -> Response {
    let wants_page = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let result = match upload_file(req, q.file_name).await {
        Ok((name, bytes, form)) => {
            ops::imports::upload(&st.db, &c.actor, CampaignId(id), &name, &bytes)
                .await
                .map(|p| (p, form))
        }
        Err(e) => Err(e),
    };
    match result {
        // A form post from the import page goes back to it: the preview, or the error named.
        Ok((p, true)) if wants_page => {
            Redirect::to(&format!("/campaigns/{id}/import?upload={}", p.id)).into_response()
        }
        Err(e) if wants_page && e.code() != ErrorCode::Forbidden => Redirect::to(&format!(
            "/campaigns/{id}/import?error={}",
            code_str(e.code())
        ))
        .into_response(),
        Ok((p, _)) => (StatusCode::CREATED, Json(p)).into_response(),
        Err(e) => ApiError(e, c.lang).into_response(),
    }
}

#[utoipa::path(get, path = "/campaigns/{id}/imports", tag = "imports", params(("id" = i64, Path)),
    description = "The campaign's imports, newest first: who uploaded and confirmed them, when, the file, rows saved and refused.",
    responses((status = 200, body = [ImportSummary]), (status = 404, body = ErrorBody)))]
async fn history(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<ImportSummary>>> {
    c.wrap(ops::imports::history(&st.db, &c.actor, CampaignId(id)).await)
        .map(Json)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
struct RowsQuery {
    /// List at most this many rows (refused rows first); all by default.
    rows: Option<usize>,
}

#[utoipa::path(get, path = "/imports/{id}", tag = "imports", params(("id" = i64, Path), RowsQuery),
    description = "An import: its columns and mapping, the counts, and every row with what it does or why it is refused \
        (`errors`: `{field, code}`). Once confirmed: what was saved (names and phones are no longer kept here).",
    responses((status = 200, body = ImportPreview), (status = 404, body = ErrorBody)))]
async fn get_import(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Query(q): Query<RowsQuery>,
) -> ApiResult<Json<ImportPreview>> {
    c.wrap(ops::imports::get(&st.db, &c.actor, id, q.rows).await)
        .map(Json)
}

#[utoipa::path(put, path = "/imports/{id}/mapping", tag = "imports", params(("id" = i64, Path)),
    request_body = ImportMapping,
    description = "Which field each column holds (`name`, `phone`, `email`, `birthday`, `certificate`, `form_serial`, \
        `store`, `heard_from`, `consent`, `form_date`, or `\"\"` to ignore it), and the store of rows that name none. \
        Answers the new preview; nothing is saved.",
    responses((status = 200, body = ImportPreview), (status = 422, body = ErrorBody)))]
async fn set_mapping(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<ImportMapping>, JsonRejection>,
) -> ApiResult<Json<ImportPreview>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::imports::set_mapping(&st.db, &c.actor, id, &input).await)
        .map(Json)
}

#[utoipa::path(post, path = "/imports/{id}/confirm", tag = "imports", params(("id" = i64, Path), RowsQuery),
    description = "Saves every good row in one transaction: hand-outs (`source = paper_form`, with the form's number) and \
        contacts without a certificate (with their consent). Confirming again changes nothing and answers the same result.",
    responses((status = 200, body = ImportPreview), (status = 404, body = ErrorBody)))]
async fn confirm(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Query(q): Query<RowsQuery>,
) -> ApiResult<Json<ImportPreview>> {
    c.wrap(ops::imports::confirm(&st.db, &c.actor, id, q.rows).await)
        .map(Json)
}
