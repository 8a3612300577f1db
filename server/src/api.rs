//! The JSON API under `/api/v1` for integrations (bearer API tokens) and scripts (session
//! cookie). Handlers are thin: authenticate, call the same `domain::ops` the pages use, map
//! refusals to 4xx with a JSON body naming the field. Described by `/api/v1/openapi.json`.

use app::ssr::{AppState, actor_from_headers, lang_from_headers};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};

use crate::api_certs as certs;
use crate::api_checkin as checkin;
use axum::{Json, Router};
use domain::auth::Actor;
use domain::model::*;
use domain::ops;
use domain::{DomainError, ErrorCode, Lang};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

/// The JSON error body: `{"error": {"code", "message", "fields": [{"field", "code", "message"}]}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
struct ErrorDetail {
    code: String,
    message: String,
    fields: Vec<FieldDetail>,
}

#[derive(Serialize, ToSchema)]
struct FieldDetail {
    field: String,
    code: String,
    message: String,
}

fn code_str(c: ErrorCode) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub fn error_response(e: &DomainError, lang: Lang) -> Response {
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = ErrorBody {
        error: ErrorDetail {
            code: code_str(e.code()),
            message: e.message(lang),
            fields: e
                .fields()
                .iter()
                .map(|f| FieldDetail {
                    field: f.field.clone(),
                    code: code_str(f.code),
                    message: f.code.msg().text(lang).to_owned(),
                })
                .collect(),
        },
    };
    (status, Json(body)).into_response()
}

/// A refusal, rendered in the caller's language.
pub struct ApiError(pub DomainError, pub Lang);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error_response(&self.0, self.1)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The authenticated caller of an API route.
pub struct Caller {
    pub actor: Actor,
    pub lang: Lang,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = lang_from_headers(&parts.headers);
        match actor_from_headers(&state.db, &parts.headers).await {
            Ok(Some(actor)) => Ok(Caller { actor, lang }),
            Ok(None) => Err(ApiError(
                DomainError::Refused(ErrorCode::Unauthorized),
                lang,
            )),
            Err(e) => Err(ApiError(e, lang)),
        }
    }
}

impl Caller {
    pub fn wrap<T>(&self, r: Result<T, DomainError>) -> ApiResult<T> {
        r.map_err(|e| ApiError(e, self.lang))
    }
}

/// Unreadable JSON is a 400 with the same error shape.
pub fn body<T>(lang: Lang, b: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
    b.map(|Json(v)| v).map_err(|e| {
        tracing::debug!(error = %e, "bad JSON body");
        ApiError(DomainError::field("body", ErrorCode::InvalidChoice), lang)
    })
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/campaigns", get(list_campaigns).post(create_campaign))
        .route("/campaigns/{id}", get(get_campaign).put(update_campaign))
        .route("/campaigns/{id}/costs", get(list_costs).post(add_cost))
        .route("/partners", get(list_partners).post(create_partner))
        .route("/partners/{id}", get(get_partner).put(update_partner))
        .route("/stores", get(list_stores).post(create_store))
        .route("/stores/{id}", get(get_store).put(update_store))
        .route("/people", get(list_people).post(create_person))
        .route(
            "/campaigns/{id}/batches",
            get(certs::list_batches).post(certs::create_batch),
        )
        .route("/campaigns/{id}/stock", get(certs::stock))
        .route(
            "/campaigns/{id}/certificates",
            get(certs::list_certificates),
        )
        .route(
            "/campaigns/{id}/certificates/pdf",
            get(certs::certificates_pdf),
        )
        .route("/campaigns/{id}/certificate-moves", post(certs::move_range))
        .route(
            "/campaigns/{id}/texts",
            get(certs::get_texts).put(certs::put_texts),
        )
        .route(
            "/campaigns/{id}/form-batches",
            get(certs::list_form_batches).post(certs::create_form_batch),
        )
        .route(
            "/campaigns/{id}/stores/{store_id}/poster/pdf",
            get(certs::poster_pdf),
        )
        .route(
            "/campaigns/{id}/regulations/pdf",
            get(certs::regulations_pdf),
        )
        .route("/form-batches/{id}/pdf", get(certs::forms_pdf))
        .route("/certificates/void", post(certs::void))
        .route("/certificates/{code}", get(certs::public_certificate))
        .route(
            "/handouts",
            get(checkin::list_handouts).post(checkin::hand_out),
        )
        .route("/checkin/{code}", get(checkin::check))
        .route("/redemptions", post(checkin::redeem))
        .route("/redemptions/undo", post(checkin::undo))
        .route("/visits", post(checkin::record_visit))
        .route("/certificates/{code}/visits", get(checkin::visits_of))
        .route(
            "/services",
            get(checkin::services).post(checkin::add_service),
        )
        .route("/services/{id}", delete(checkin::hide_service))
        .route("/campaigns/{id}/attribution", get(checkin::attribution))
        .route("/handout-conflicts", get(checkin::list_conflicts))
        .route(
            "/handout-conflicts/{id}/resolve",
            post(checkin::resolve_conflict),
        )
        .fallback(|headers: HeaderMap| async move {
            ApiError(
                DomainError::Refused(ErrorCode::NotFound),
                lang_from_headers(&headers),
            )
        })
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Sarafan API", version = "1", description = "Joint promotions of a clinic with partner stores. \
        Authenticate with `Authorization: Bearer <token>` (create one with `sarafan token create --role marketer`). \
        Errors: 4xx with `{\"error\": {\"code\", \"message\", \"fields\": [...]}}`; `Accept-Language: en` for English messages."),
    paths(list_campaigns, create_campaign, get_campaign, update_campaign, list_costs, add_cost,
          list_partners, create_partner, get_partner, update_partner,
          list_stores, create_store, get_store, update_store, list_people, create_person,
          certs::create_batch, certs::list_batches, certs::stock, certs::list_certificates, certs::certificates_pdf,
          certs::move_range, certs::get_texts, certs::put_texts, certs::create_form_batch, certs::list_form_batches,
          certs::poster_pdf, certs::regulations_pdf, certs::forms_pdf, certs::void, certs::public_certificate,
          checkin::hand_out, checkin::list_handouts, checkin::check, checkin::redeem, checkin::undo, checkin::record_visit,
          checkin::visits_of, checkin::services, checkin::add_service, checkin::hide_service, checkin::attribution,
          checkin::list_conflicts, checkin::resolve_conflict),
    components(schemas(ErrorBody, Campaign, CampaignInput, Cost, CostInput, Partner, PartnerInput, Store, StoreInput, Person, PersonInput,
        Batch, BatchInput, StoreStock, SerialRange, Certificate, CertState, MoveInput, MoveResult, VoidInput,
        CampaignTexts, FormBatch, FormBatchInput, PublicCertificate, PublicStatus,
        domain::checkin::HandoutInput, domain::checkin::Handout, domain::checkin::CheckinAnswer, domain::checkin::CheckedCertificate,
        domain::checkin::Verdict, domain::checkin::RedeemInput, domain::checkin::UndoInput, domain::checkin::VisitInput,
        domain::checkin::Visit, domain::checkin::Service, checkin::ServiceInput, domain::checkin::Attribution, domain::checkin::AttributionRow,
        domain::checkin::HandoutConflict, checkin::ResolutionInput)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;
impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[utoipa::path(get, path = "/api/v1/campaigns", responses((status = 200, body = [Campaign]), (status = 401, body = ErrorBody)))]
async fn list_campaigns(State(st): State<AppState>, c: Caller) -> ApiResult<Json<Vec<Campaign>>> {
    c.wrap(ops::campaigns::list(&st.db, &c.actor).await)
        .map(Json)
}

#[utoipa::path(post, path = "/api/v1/campaigns", request_body = CampaignInput,
    responses((status = 201, body = Campaign), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_campaign(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<CampaignInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Campaign>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::campaigns::create(&st.db, &c.actor, &input).await)
        .map(|v| (StatusCode::CREATED, Json(v)))
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}", params(("id" = i64, Path)), responses((status = 200, body = Campaign), (status = 404, body = ErrorBody)))]
async fn get_campaign(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Campaign>> {
    c.wrap(ops::campaigns::get(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(put, path = "/api/v1/campaigns/{id}", params(("id" = i64, Path)), request_body = CampaignInput,
    responses((status = 200, body = Campaign), (status = 422, body = ErrorBody)))]
async fn update_campaign(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<CampaignInput>, JsonRejection>,
) -> ApiResult<Json<Campaign>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::campaigns::update(&st.db, &c.actor, id, &input).await)
        .map(Json)
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/costs", params(("id" = i64, Path)), responses((status = 200, body = [Cost])))]
async fn list_costs(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<Cost>>> {
    c.wrap(ops::campaigns::costs(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/costs", params(("id" = i64, Path)), request_body = CostInput,
    responses((status = 201, body = Cost), (status = 422, body = ErrorBody)))]
async fn add_cost(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<CostInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Cost>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::campaigns::add_cost(&st.db, &c.actor, id, &input).await)
        .map(|v| (StatusCode::CREATED, Json(v)))
}

#[utoipa::path(get, path = "/api/v1/partners", responses((status = 200, body = [Partner])))]
async fn list_partners(State(st): State<AppState>, c: Caller) -> ApiResult<Json<Vec<Partner>>> {
    c.wrap(ops::partners::list_partners(&st.db, &c.actor).await)
        .map(Json)
}

#[utoipa::path(post, path = "/api/v1/partners", request_body = PartnerInput, responses((status = 201, body = Partner), (status = 422, body = ErrorBody)))]
async fn create_partner(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<PartnerInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Partner>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::partners::create_partner(&st.db, &c.actor, &input).await)
        .map(|v| (StatusCode::CREATED, Json(v)))
}

#[utoipa::path(get, path = "/api/v1/partners/{id}", params(("id" = i64, Path)), responses((status = 200, body = Partner), (status = 404, body = ErrorBody)))]
async fn get_partner(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Partner>> {
    c.wrap(ops::partners::get_partner(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(put, path = "/api/v1/partners/{id}", params(("id" = i64, Path)), request_body = PartnerInput, responses((status = 200, body = Partner), (status = 422, body = ErrorBody)))]
async fn update_partner(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
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

#[utoipa::path(get, path = "/api/v1/stores", params(StoreFilter), responses((status = 200, body = [Store])))]
async fn list_stores(
    State(st): State<AppState>,
    c: Caller,
    Query(f): Query<StoreFilter>,
) -> ApiResult<Json<Vec<Store>>> {
    c.wrap(ops::partners::list_stores(&st.db, &c.actor, f.partner_id).await)
        .map(Json)
}

#[utoipa::path(post, path = "/api/v1/stores", request_body = StoreInput, responses((status = 201, body = Store), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_store(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<StoreInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Store>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::partners::create_store(&st.db, &c.actor, &input).await)
        .map(|v| (StatusCode::CREATED, Json(v)))
}

#[utoipa::path(get, path = "/api/v1/stores/{id}", params(("id" = i64, Path)), responses((status = 200, body = Store), (status = 403, body = ErrorBody)))]
async fn get_store(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Store>> {
    c.wrap(ops::partners::get_store(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(put, path = "/api/v1/stores/{id}", params(("id" = i64, Path)), request_body = StoreInput, responses((status = 200, body = Store), (status = 422, body = ErrorBody)))]
async fn update_store(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<i64>,
    b: Result<Json<StoreInput>, JsonRejection>,
) -> ApiResult<Json<Store>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::partners::update_store(&st.db, &c.actor, id, &input).await)
        .map(Json)
}

#[utoipa::path(get, path = "/api/v1/people", responses((status = 200, body = [Person]), (status = 403, body = ErrorBody)))]
async fn list_people(State(st): State<AppState>, c: Caller) -> ApiResult<Json<Vec<Person>>> {
    c.wrap(ops::people::list_people(&st.db, &c.actor).await)
        .map(Json)
}

#[utoipa::path(post, path = "/api/v1/people", request_body = PersonInput, responses((status = 201, body = Person), (status = 422, body = ErrorBody)))]
async fn create_person(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<PersonInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Person>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::people::create_person(&st.db, &c.actor, &input).await)
        .map(|v| (StatusCode::CREATED, Json(v)))
}
