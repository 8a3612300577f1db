//! The promotion checklist on the API: the template, campaigns' tasks with their automatic
//! checks, photo evidence and comments, the marketer's "attention today", one store at a
//! glance, and the clinic's briefings (items 7–8).

use app::ssr::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::checklist::{
    Attention, BriefingInput, ChecklistItem, DoctorBriefing, ItemInput, ReceptionBriefing,
    StoreView, Task, TaskComment, TaskDetail, TaskFilter, TaskPhoto, TaskUpdate,
};
use domain::ids::{CampaignId, StoreId};
use domain::{DomainError, ErrorCode, ops};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, ApiResult, Caller, ErrorBody, body, created};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(attention))
        .routes(routes!(all_tasks))
        .routes(routes!(campaign_tasks))
        .routes(routes!(get_task, update_task))
        .routes(routes!(add_comment))
        .routes(routes!(add_photo))
        .routes(routes!(get_photo))
        .routes(routes!(template, create_item))
        .routes(routes!(update_item))
        .routes(routes!(store_view))
        .routes(routes!(doctor_briefings, record_briefing))
        .routes(routes!(reception_briefings))
        .routes(routes!(confirm_briefing))
}

#[utoipa::path(get, path = "/attention", tag = "checklist",
    description = "The marketer's home: overdue and this week's open tasks, stores' requests for more, stock alerts, \
        each running campaign's weekly routine with its progress, refused uploads to resolve. Creates the week's tasks \
        and runs the automatic checks first.",
    responses((status = 200, body = Attention), (status = 403, body = ErrorBody)))]
async fn attention(State(st): State<AppState>, c: Caller) -> ApiResult<Json<Attention>> {
    c.wrap(ops::checklist::attention(&st.db, &c.actor).await)
        .map(Json)
}

#[derive(Deserialize, utoipa::IntoParams)]
struct Filter {
    /// `open` (default), `done`, `na` or `all`.
    state: Option<String>,
    store_id: Option<i64>,
    /// Only tasks due on or before this day (`YYYY-MM-DD`).
    due_by: Option<chrono::NaiveDate>,
}

impl Filter {
    fn into_filter(self) -> TaskFilter {
        TaskFilter {
            state: self.state.unwrap_or_default(),
            store_id: self.store_id,
            due_by: self.due_by,
        }
    }
}

#[utoipa::path(get, path = "/tasks", tag = "checklist", params(Filter),
    description = "Tasks of every campaign not finished, soonest first (at most 1 000).",
    responses((status = 200, body = [Task]), (status = 403, body = ErrorBody)))]
async fn all_tasks(
    State(st): State<AppState>,
    c: Caller,
    Query(f): Query<Filter>,
) -> ApiResult<Json<Vec<Task>>> {
    c.wrap(ops::checklist::all_tasks(&st.db, &c.actor, &f.into_filter()).await)
        .map(Json)
}

#[utoipa::path(get, path = "/campaigns/{id}/tasks", tag = "checklist", params(("id" = i64, Path), Filter),
    description = "A campaign's checklist tasks (and stores' requests), soonest first. An open task with an automatic \
        check carries what the check sees now in `evidence`; one the check closed keeps what it saw.",
    responses((status = 200, body = [Task]), (status = 403, body = ErrorBody)))]
async fn campaign_tasks(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
    Query(f): Query<Filter>,
) -> ApiResult<Json<Vec<Task>>> {
    c.wrap(ops::checklist::campaign_tasks(&st.db, &c.actor, id, &f.into_filter()).await)
        .map(Json)
}

#[utoipa::path(get, path = "/tasks/{id}", tag = "checklist", params(("id" = i64, Path)),
    responses((status = 200, body = TaskDetail), (status = 404, body = ErrorBody)))]
async fn get_task(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<TaskDetail>> {
    c.wrap(ops::checklist::task(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(put, path = "/tasks/{id}", tag = "checklist", params(("id" = i64, Path)), request_body = TaskUpdate,
    description = "Done, not applicable or open again; assignee, note, link and reach. Points 13–16 are done only with \
        a link or a photo (`ProofRequired`). Reopening a task closed by its automatic check keeps it open.",
    responses((status = 200, body = Task), (status = 422, body = ErrorBody)))]
async fn update_task(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<TaskUpdate>, JsonRejection>,
) -> ApiResult<Json<Task>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::checklist::update_task(&st.db, &c.actor, id, &input).await)
        .map(Json)
}

#[derive(Deserialize, utoipa::ToSchema)]
struct CommentInput {
    body: String,
}

#[utoipa::path(post, path = "/tasks/{id}/comments", tag = "checklist", params(("id" = i64, Path)),
    request_body = CommentInput,
    responses((status = 201, body = TaskComment), (status = 422, body = ErrorBody)))]
async fn add_comment(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<CommentInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<TaskComment>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::checklist::add_comment(&st.db, &c.actor, id, &input.body).await)
        .map(created)
}

/// The bytes of an upload: the request body itself (`image/jpeg` …), or the `photo` field of
/// a `multipart/form-data` form (the task page's form, which then goes back to the page).
pub(super) async fn upload_bytes(req: Request) -> Result<(Vec<u8>, bool), DomainError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let too_large = |e: &dyn std::fmt::Display| {
        let text = e.to_string();
        if text.contains("length limit") || text.contains("too large") {
            DomainError::field("photo", ErrorCode::PhotoTooLarge)
        } else {
            DomainError::field("photo", ErrorCode::NotAnImage)
        }
    };
    if multipart {
        let mut form = Multipart::from_request(req, &())
            .await
            .map_err(|_| DomainError::field("photo", ErrorCode::NotAnImage))?;
        while let Some(field) = form.next_field().await.map_err(|e| too_large(&e))? {
            if field.name() == Some("photo") {
                let bytes = field.bytes().await.map_err(|e| too_large(&e))?;
                if bytes.is_empty() {
                    return Err(DomainError::field("photo", ErrorCode::Required));
                }
                return Ok((bytes.to_vec(), true));
            }
        }
        Err(DomainError::field("photo", ErrorCode::Required))
    } else {
        let bytes = Bytes::from_request(req, &())
            .await
            .map_err(|e| too_large(&e))?;
        Ok((bytes.to_vec(), false))
    }
}

#[utoipa::path(post, path = "/tasks/{id}/photos", tag = "checklist", params(("id" = i64, Path)),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "A JPEG, PNG or WebP of at most 10 MB \
        (or a `multipart/form-data` form with a `photo` field). It is recognised by its content, turned upright, shrunk \
        to about 300 KB and stamped with the server's time."),
    responses((status = 201, body = TaskPhoto), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
async fn add_photo(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    req: Request,
) -> Response {
    let wants_page = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let result = match upload_bytes(req).await {
        Ok((bytes, form)) => ops::checklist::add_photo(&st.db, &c.actor, id, bytes)
            .await
            .map(|p| (p, form)),
        Err(e) => Err(e),
    };
    match result {
        // A form post from the task page goes back to it, with the error named if any.
        Ok((_, true)) if wants_page => Redirect::to(&format!("/tasks/{id}#photos")).into_response(),
        Err(e) if wants_page && e.code() != ErrorCode::Forbidden => Redirect::to(&format!(
            "/tasks/{id}?photo_error={}#photos",
            super::code_str(e.code())
        ))
        .into_response(),
        Ok((p, _)) => created(p).into_response(),
        Err(e) => ApiError(e, c.lang).into_response(),
    }
}

#[utoipa::path(get, path = "/task-photos/{id}", tag = "checklist", params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn get_photo(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> Response {
    match ops::checklist::photo(&st.db, &c.actor, id).await {
        Ok((content_type, data)) => {
            let mut headers = HeaderMap::new();
            if let Ok(v) = content_type.parse() {
                headers.insert(header::CONTENT_TYPE, v);
            }
            // A stored photo never changes.
            headers.insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("private, max-age=86400, immutable"),
            );
            (headers, data).into_response()
        }
        Err(e) => ApiError(e, c.lang).into_response(),
    }
}

#[utoipa::path(get, path = "/checklist", tag = "checklist",
    description = "The clinic's checklist template: the seed's 21 points (and item 17's routine) and the clinic's own.",
    responses((status = 200, body = [ChecklistItem])))]
async fn template(State(st): State<AppState>, c: Caller) -> ApiResult<Json<Vec<ChecklistItem>>> {
    c.wrap(ops::checklist::template(&st.db, &c.actor).await)
        .map(Json)
}

#[utoipa::path(post, path = "/checklist", tag = "checklist", request_body = ItemInput,
    responses((status = 201, body = ChecklistItem), (status = 422, body = ErrorBody)))]
async fn create_item(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<ItemInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<ChecklistItem>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::checklist::save_item(&st.db, &c.actor, None, &input).await)
        .map(created)
}

#[utoipa::path(put, path = "/checklist/{id}", tag = "checklist", params(("id" = i64, Path)), request_body = ItemInput,
    description = "Changes a point. A new schedule replaces the point's open tasks nobody has touched.",
    responses((status = 200, body = ChecklistItem), (status = 422, body = ErrorBody)))]
async fn update_item(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<ItemInput>, JsonRejection>,
) -> ApiResult<Json<ChecklistItem>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::checklist::save_item(&st.db, &c.actor, Some(id), &input).await)
        .map(Json)
}

#[utoipa::path(get, path = "/campaigns/{id}/stores/{store}/overview", tag = "checklist",
    params(("id" = i64, Path), ("store" = i64, Path)),
    description = "One store at a glance: stock and forecast, its tasks, staff who read the regulations, this week's \
        hand-outs, its materials ledger.",
    responses((status = 200, body = StoreView), (status = 404, body = ErrorBody)))]
async fn store_view(
    State(st): State<AppState>,
    c: Caller,
    Path((id, store)): Path<(CampaignId, StoreId)>,
) -> ApiResult<Json<StoreView>> {
    c.wrap(ops::checklist::store_view(&st.db, &c.actor, id, store).await)
        .map(Json)
}

#[utoipa::path(get, path = "/campaigns/{id}/doctor-briefings", tag = "checklist", params(("id" = i64, Path)),
    responses((status = 200, body = [DoctorBriefing])))]
async fn doctor_briefings(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<Vec<DoctorBriefing>>> {
    c.wrap(ops::checklist::briefings(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(post, path = "/campaigns/{id}/doctor-briefings", tag = "checklist", params(("id" = i64, Path)),
    request_body = BriefingInput,
    responses((status = 201, body = DoctorBriefing), (status = 422, body = ErrorBody)))]
async fn record_briefing(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
    b: Result<Json<BriefingInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<DoctorBriefing>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::checklist::record_briefing(&st.db, &c.actor, id, &input).await)
        .map(created)
}

#[utoipa::path(get, path = "/briefings", tag = "checklist",
    description = "Reception: the campaign briefings and whether this account confirmed each.",
    responses((status = 200, body = [ReceptionBriefing]), (status = 403, body = ErrorBody)))]
async fn reception_briefings(
    State(st): State<AppState>,
    c: Caller,
) -> ApiResult<Json<Vec<ReceptionBriefing>>> {
    c.wrap(ops::checklist::reception_briefings(&st.db, &c.actor).await)
        .map(Json)
}

#[utoipa::path(post, path = "/campaigns/{id}/briefing", tag = "checklist", params(("id" = i64, Path)),
    description = "Reception confirms it has read the campaign's briefing (checklist items 7–8).",
    responses((status = 204), (status = 403, body = ErrorBody)))]
async fn confirm_briefing(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<StatusCode> {
    c.wrap(ops::checklist::confirm_briefing(&st.db, &c.actor, id).await)
        .map(|()| StatusCode::NO_CONTENT)
}
