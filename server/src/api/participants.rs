//! `/api/v1/participants`: a participant's personal data (152-FZ) — find, show, export,
//! consent withdrawal, erasure. Marketer only.

use app::ssr::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use domain::model::{ParticipantRecord, ParticipantSummary};
use domain::ops;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiResult, Caller, ErrorBody};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(record))
        .routes(routes!(export))
        .routes(routes!(withdraw_consent))
        .routes(routes!(anonymise))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
struct SearchQuery {
    /// A phone (any usual way of writing it), a certificate code, or a part of the name.
    q: Option<String>,
}

#[utoipa::path(get, path = "/participants", tag = "participants", params(SearchQuery),
    description = "Participants by phone, certificate code or a part of the name (at most 50); without `q` the latest.",
    responses((status = 200, body = [ParticipantSummary]), (status = 403, body = ErrorBody)))]
async fn search(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<SearchQuery>,
) -> ApiResult<Json<Vec<ParticipantSummary>>> {
    c.wrap(ops::participants::search(&st.db, &c.actor, q.q.as_deref().unwrap_or("")).await)
        .map(Json)
}

#[utoipa::path(get, path = "/participants/{id}", tag = "participants", params(("id" = i64, Path)),
    responses((status = 200, body = ParticipantRecord), (status = 404, body = ErrorBody)))]
async fn record(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<ParticipantRecord>> {
    c.wrap(ops::participants::record(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(get, path = "/participants/{id}/export", tag = "participants", params(("id" = i64, Path)),
    description = "Everything kept about the participant, as a JSON file to hand over on request (logged).",
    responses((status = 200, body = ParticipantRecord), (status = 404, body = ErrorBody)))]
async fn export(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> ApiResult<Response> {
    let r = c.wrap(ops::participants::export(&st.db, &c.actor, id).await)?;
    let name = HeaderValue::from_str(&format!("attachment; filename=\"participant-{id}.json\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    Ok(([(header::CONTENT_DISPOSITION, name)], Json(r)).into_response())
}

#[utoipa::path(post, path = "/participants/{id}/withdraw-consent", tag = "participants", params(("id" = i64, Path)),
    description = "Records that the participant withdrew consent (its date); no message is sent to them after it.",
    responses((status = 200, body = ParticipantRecord), (status = 404, body = ErrorBody)))]
async fn withdraw_consent(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<ParticipantRecord>> {
    c.wrap(ops::participants::withdraw_consent(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(post, path = "/participants/{id}/anonymise", tag = "participants", params(("id" = i64, Path)),
    description = "Erases the participant's personal data for good; certificates, visits and revenue stay in the reports without the person.",
    responses((status = 200, body = ParticipantRecord), (status = 404, body = ErrorBody)))]
async fn anonymise(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<ParticipantRecord>> {
    c.wrap(ops::participants::anonymise(&st.db, &c.actor, id).await)
        .map(Json)
}
