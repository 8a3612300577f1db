//! Mystery-shopper visits on the API (`/api/v1/visits` already means patients' visits): the
//! campaign's question list and board, the stores' trends, visits (the marketer: all; a
//! shopper: their own; store staff: their store's, done or announced), the shopper's answers,
//! photos and sign-off, the marketer's overrides, links and corrections. An outside shopper
//! uses the same calls under `/shopper-links/{secret}`, without an account.

use app::ssr::{AppState, lang_from_headers};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::ids::CampaignId;
use domain::ops::shopper::{self as ops_shopper, VisitFilter, Who};
use domain::shopper::{
    AnswersInput, Questionnaire, QuestionnaireInput, ShopperBoard, ShopperVisit, StoreTrend,
    VisitDetail, VisitLink, VisitPhoto, VisitUpdate,
};
use domain::{DomainError, Lang, ops};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, ApiResult, Caller, ErrorBody, body, created};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_questions, put_questions))
        .routes(routes!(get_board))
        .routes(routes!(get_trends))
        .routes(routes!(list_visits))
        .routes(routes!(get_visit, update_visit))
        .routes(routes!(put_answers))
        .routes(routes!(add_photo))
        .routes(routes!(sign_off))
        .routes(routes!(correct))
        .routes(routes!(make_link))
        .routes(routes!(get_photo))
        .routes(routes!(link_visit))
        .routes(routes!(link_answers))
        .routes(routes!(link_photo))
        .routes(routes!(link_sign_off))
        .routes(routes!(link_photo_file))
}

#[utoipa::path(get, path = "/campaigns/{id}/shopper-questions", tag = "shopper-visits", params(("id" = i64, Path)),
    description = "The campaign's current question list (the default one, written from the seed, until the marketer edits it).",
    responses((status = 200, body = Questionnaire), (status = 403, body = ErrorBody)))]
async fn get_questions(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<Questionnaire>> {
    c.wrap(ops_shopper::questionnaire(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(put, path = "/campaigns/{id}/shopper-questions", tag = "shopper-visits", params(("id" = i64, Path)),
    request_body = QuestionnaireInput,
    description = "Saves a new version of the list (visits already answered keep theirs) and, optionally, how many stores \
        are checked each week.",
    responses((status = 200, body = Questionnaire), (status = 422, body = ErrorBody)))]
async fn put_questions(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
    b: Result<Json<QuestionnaireInput>, JsonRejection>,
) -> ApiResult<Json<Questionnaire>> {
    let input = body(c.lang, b)?;
    c.wrap(ops_shopper::save_questionnaire(&st.db, &c.actor, id, &input).await)
        .map(Json)
}

#[utoipa::path(get, path = "/campaigns/{id}/shopper-board", tag = "shopper-visits", params(("id" = i64, Path)),
    description = "The marketer's page of a campaign: the list, this week's visits (made by the rotation on first look), \
        every visit, the stores' trends, the shoppers and stores to choose from.",
    responses((status = 200, body = ShopperBoard), (status = 403, body = ErrorBody)))]
async fn get_board(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<ShopperBoard>> {
    c.wrap(ops_shopper::board(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(get, path = "/campaigns/{id}/shopper-trends", tag = "shopper-visits", params(("id" = i64, Path)),
    description = "Each store's signed-off scores over the campaign, the latest and its change, beside its hand-outs, \
        redemptions and hand-out rate.",
    responses((status = 200, body = [StoreTrend]), (status = 403, body = ErrorBody)))]
async fn get_trends(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<Vec<StoreTrend>>> {
    c.wrap(ops_shopper::trends(&st.db, &c.actor, id).await)
        .map(Json)
}

#[derive(Deserialize, utoipa::IntoParams)]
struct ListQuery {
    campaign_id: Option<i64>,
    store_id: Option<i64>,
    /// `planned`, `signed_off` or `cancelled`; all when absent.
    state: Option<String>,
}

#[utoipa::path(get, path = "/shopper-visits", tag = "shopper-visits", params(ListQuery),
    description = "Visits the caller may see, newest week first (at most 500): the marketer all, a shopper the ones \
        assigned to them, store staff their store's once signed off (announced ones before).",
    responses((status = 200, body = [ShopperVisit]), (status = 403, body = ErrorBody)))]
async fn list_visits(
    State(st): State<AppState>,
    c: Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<ShopperVisit>>> {
    let f = VisitFilter {
        campaign_id: q.campaign_id,
        store_id: q.store_id,
        state: q.state.unwrap_or_default(),
    };
    c.wrap(ops_shopper::visits(&st.db, &c.actor, &f).await)
        .map(Json)
}

#[utoipa::path(get, path = "/shopper-visits/{id}", tag = "shopper-visits", params(("id" = i64, Path)),
    responses((status = 200, body = VisitDetail), (status = 404, body = ErrorBody)))]
async fn get_visit(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<VisitDetail>> {
    c.wrap(ops_shopper::visit(&st.db, Who::Person(&c.actor), id).await)
        .map(Json)
}

#[utoipa::path(put, path = "/shopper-visits/{id}", tag = "shopper-visits", params(("id" = i64, Path)),
    request_body = VisitUpdate,
    description = "The marketer puts another store in (an override), assigns a shopper, sets the window, announces the \
        visit to the store or cancels it. A signed-off visit is locked (409).",
    responses((status = 200, body = VisitDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_visit(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<VisitUpdate>, JsonRejection>,
) -> ApiResult<Json<VisitDetail>> {
    let input = body(c.lang, b)?;
    c.wrap(ops_shopper::update_visit(&st.db, &c.actor, id, &input).await)
        .map(Json)
}

#[utoipa::path(put, path = "/shopper-visits/{id}/answers", tag = "shopper-visits", params(("id" = i64, Path)),
    request_body = AnswersInput,
    description = "The assigned shopper saves answers (some or all; the same answers sent again land the same). Each \
        refused answer is named by its question (`q3`).",
    responses((status = 200, body = VisitDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_answers(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<AnswersInput>, JsonRejection>,
) -> ApiResult<Json<VisitDetail>> {
    let input = body(c.lang, b)?;
    c.wrap(ops_shopper::save_answers(&st.db, Who::Person(&c.actor), id, &input).await)
        .map(Json)
}

#[derive(Deserialize, utoipa::IntoParams)]
struct PhotoQuery {
    /// The question (1-based) the photo answers; none for a photo of the visit as a whole.
    question: Option<i64>,
    /// The phone's key for this photo: a repeated upload with the same key lands once.
    key: String,
}

async fn photo_upload(
    st: &AppState,
    who: Who<'_>,
    id: i64,
    q: PhotoQuery,
    req: Request,
) -> Result<VisitPhoto, DomainError> {
    let (bytes, _) = super::tasks::upload_bytes(req).await?;
    ops_shopper::add_photo(&st.db, who, id, q.question, &q.key, bytes).await
}

#[utoipa::path(post, path = "/shopper-visits/{id}/photos", tag = "shopper-visits", params(("id" = i64, Path), PhotoQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "A JPEG, PNG or WebP of at most 10 MB, \
        recognised by its content, turned upright and shrunk to about 300 KB."),
    responses((status = 201, body = VisitPhoto), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
async fn add_photo(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    Query(q): Query<PhotoQuery>,
    req: Request,
) -> Response {
    match photo_upload(&st, Who::Person(&c.actor), id, q, req).await {
        Ok(p) => created(p).into_response(),
        Err(e) => ApiError(e, c.lang).into_response(),
    }
}

#[utoipa::path(post, path = "/shopper-visits/{id}/sign-off", tag = "shopper-visits", params(("id" = i64, Path)),
    request_body = Option<AnswersInput>,
    description = "Signs the visit off (with last answers, if sent): every scored question answered and every photo \
        question with a photo; scores it, locks it, opens a corrective task per failed question and completes the \
        week's checklist item 17а. Sent again, it answers with the signed-off visit.",
    responses((status = 200, body = VisitDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn sign_off(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Option<Json<AnswersInput>>,
) -> ApiResult<Json<VisitDetail>> {
    let input = b.map(|Json(v)| v);
    c.wrap(ops_shopper::sign_off(&st.db, Who::Person(&c.actor), id, input.as_ref()).await)
        .map(Json)
}

#[utoipa::path(put, path = "/shopper-visits/{id}/correction", tag = "shopper-visits", params(("id" = i64, Path)),
    request_body = AnswersInput,
    description = "The marketer corrects a signed-off visit's answers: rescored, recorded in the change log with the \
        answers before and after.",
    responses((status = 200, body = VisitDetail), (status = 422, body = ErrorBody)))]
async fn correct(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<AnswersInput>, JsonRejection>,
) -> ApiResult<Json<VisitDetail>> {
    let input = body(c.lang, b)?;
    c.wrap(ops_shopper::correct(&st.db, &c.actor, id, &input).await)
        .map(Json)
}

#[derive(Deserialize, utoipa::ToSchema)]
struct LinkInput {
    /// The outside shopper's name.
    #[serde(default)]
    shopper_name: String,
}

#[utoipa::path(post, path = "/shopper-visits/{id}/link", tag = "shopper-visits", params(("id" = i64, Path)),
    request_body = LinkInput,
    description = "A link for an outside shopper (shown once; a new one replaces the old). It works until the visit is \
        signed off or two days after its window.",
    responses((status = 201, body = VisitLink), (status = 409, body = ErrorBody)))]
async fn make_link(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<LinkInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<VisitLink>)> {
    let input = body(c.lang, b)?;
    let base = c.wrap(ops::settings::qr_base_url(&st.db, &st.public_url).await)?;
    c.wrap(ops_shopper::make_link(&st.db, &c.actor, id, &input.shopper_name, &base).await)
        .map(created)
}

fn image(content_type: String, data: Vec<u8>) -> Response {
    let mut headers = HeaderMap::new();
    if let Ok(v) = content_type.parse() {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, max-age=86400, immutable"),
    );
    (headers, data).into_response()
}

#[utoipa::path(get, path = "/shopper-photos/{id}", tag = "shopper-visits", params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
async fn get_photo(State(st): State<AppState>, c: Caller, Path(id): Path<i64>) -> Response {
    match ops_shopper::photo(&st.db, Who::Person(&c.actor), id).await {
        Ok((t, data)) => image(t, data),
        Err(e) => ApiError(e, c.lang).into_response(),
    }
}

// ---------- an outside shopper's link ----------

async fn grant(st: &AppState, secret: &str, lang: Lang) -> ApiResult<ops_shopper::LinkGrant> {
    ops_shopper::by_link(&st.db, secret)
        .await
        .map_err(|e| ApiError(e, lang))
}

#[utoipa::path(get, path = "/shopper-links/{secret}", tag = "shopper-visits", params(("secret" = String, Path)),
    description = "The visit an outside shopper's link opens (no account). 410 once it is signed off or expired.",
    responses((status = 200, body = VisitDetail), (status = 410, body = ErrorBody)))]
async fn link_visit(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(secret): Path<String>,
) -> ApiResult<Json<VisitDetail>> {
    let lang = lang_from_headers(&headers);
    let g = grant(&st, &secret, lang).await?;
    ops_shopper::visit(&st.db, Who::Link(&g), g.visit_id())
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}

#[utoipa::path(put, path = "/shopper-links/{secret}/answers", tag = "shopper-visits", params(("secret" = String, Path)),
    request_body = AnswersInput,
    responses((status = 200, body = VisitDetail), (status = 410, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn link_answers(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(secret): Path<String>,
    b: Result<Json<AnswersInput>, JsonRejection>,
) -> ApiResult<Json<VisitDetail>> {
    let lang = lang_from_headers(&headers);
    let input = body(lang, b)?;
    let g = grant(&st, &secret, lang).await?;
    ops_shopper::save_answers(&st.db, Who::Link(&g), g.visit_id(), &input)
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}

#[utoipa::path(post, path = "/shopper-links/{secret}/photos", tag = "shopper-visits", params(("secret" = String, Path), PhotoQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = VisitPhoto), (status = 410, body = ErrorBody), (status = 415, body = ErrorBody)))]
async fn link_photo(
    State(st): State<AppState>,
    Path(secret): Path<String>,
    Query(q): Query<PhotoQuery>,
    req: Request,
) -> Response {
    let lang = lang_from_headers(req.headers());
    let g = match grant(&st, &secret, lang).await {
        Ok(g) => g,
        Err(e) => return e.into_response(),
    };
    match photo_upload(&st, Who::Link(&g), g.visit_id(), q, req).await {
        Ok(p) => created(p).into_response(),
        Err(e) => ApiError(e, lang).into_response(),
    }
}

#[utoipa::path(post, path = "/shopper-links/{secret}/sign-off", tag = "shopper-visits", params(("secret" = String, Path)),
    request_body = Option<AnswersInput>,
    description = "Signs the visit off; the link stops working.",
    responses((status = 200, body = VisitDetail), (status = 410, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn link_sign_off(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(secret): Path<String>,
    b: Option<Json<AnswersInput>>,
) -> ApiResult<Json<VisitDetail>> {
    let lang = lang_from_headers(&headers);
    let g = grant(&st, &secret, lang).await?;
    let input = b.map(|Json(v)| v);
    ops_shopper::sign_off(&st.db, Who::Link(&g), g.visit_id(), input.as_ref())
        .await
        .map(Json)
        .map_err(|e| ApiError(e, lang))
}

#[utoipa::path(get, path = "/shopper-links/{secret}/photos/{id}", tag = "shopper-visits",
    params(("secret" = String, Path), ("id" = i64, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 410, body = ErrorBody)))]
async fn link_photo_file(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((secret, id)): Path<(String, i64)>,
) -> Response {
    let lang = lang_from_headers(&headers);
    let g = match grant(&st, &secret, lang).await {
        Ok(g) => g,
        Err(e) => return e.into_response(),
    };
    match ops_shopper::photo(&st.db, Who::Link(&g), id).await {
        Ok((t, data)) => image(t, data),
        Err(e) => ApiError(e, lang).into_response(),
    }
}
