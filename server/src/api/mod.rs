//! The JSON API under `/api/v1` for integrations (bearer API tokens) and scripts (session
//! cookie), one module per area, each with its own router. Handlers are thin: authenticate,
//! call the same `domain::ops` the pages use (which asks the access policy), map refusals to
//! 4xx with a JSON body naming the field.
//!
//! The routes are registered with `utoipa-axum`: the OpenAPI document (`/api/v1/openapi.json`)
//! is built from the same router that serves the requests, so no route can miss it.

use app::ssr::{AppState, actor_from_headers, lang_from_headers};
use axum::extract::FromRequestParts;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::auth::Actor;
use domain::{DomainError, ErrorCode, Lang};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub mod campaigns;
pub mod certificates;
pub mod checkin;
pub mod exports;
pub mod handouts;
pub mod imports;
pub mod ledger;
pub mod materials;
pub mod messages;
pub mod motivation;
pub mod participants;
pub mod partners;
pub mod people;
pub mod results;
pub mod shopper;
pub mod stock;
pub mod tasks;
pub mod webhooks;

/// The JSON error body: `{"error": {"code", "message", "fields": [{"field", "code", "message"}]}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    code: String,
    message: String,
    fields: Vec<FieldDetail>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldDetail {
    field: String,
    code: String,
    message: String,
}

pub fn code_str(c: ErrorCode) -> String {
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

/// The caller's address, for rate limits (see `app::ssr::client_addr`).
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(app::ssr::client_addr(parts, state)))
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

/// The JSON API and its OpenAPI document, both from one router: `(router, document)`.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let areas = OpenApiRouter::new()
        .merge(campaigns::router())
        .merge(partners::router())
        .merge(participants::router())
        .merge(imports::router())
        .merge(people::router())
        .merge(certificates::router())
        .merge(materials::router())
        .merge(stock::router())
        .merge(ledger::router())
        .merge(tasks::router())
        .merge(shopper::router())
        .merge(results::router())
        .merge(exports::router())
        .merge(motivation::router())
        .merge(messages::router())
        .merge(webhooks::router())
        .merge(handouts::router())
        .merge(checkin::router())
        .fallback(|headers: HeaderMap| async move {
            ApiError(
                DomainError::Refused(ErrorCode::NotFound),
                lang_from_headers(&headers),
            )
        });
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", areas)
        .split_for_parts()
}

/// The JSON API with `/api/v1/openapi.json` serving its own description.
pub fn router() -> Router<AppState> {
    let (router, doc) = api();
    let doc = std::sync::Arc::new(doc);
    router.route(
        "/api/v1/openapi.json",
        get(move || {
            let doc = doc.clone();
            async move { Json((*doc).clone()) }
        }),
    )
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Sarafan API", version = "1", description = "Joint promotions of a clinic with partner stores. \
        Authenticate with `Authorization: Bearer <token>` (create one with `sarafan token create --role marketer`). \
        What each role may do is Sarafan's one access policy; store staff see their own store only. \
        Errors: 4xx with `{\"error\": {\"code\", \"message\", \"fields\": [...]}}`; `Accept-Language: en` for English messages."),
    components(schemas(ErrorBody)),
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

/// A file to save, named in ASCII (what every client understands).
pub fn download(content_type: &'static str, name: String, bytes: Vec<u8>) -> Response {
    attachment(content_type, &name, None, bytes)
}

/// A file to save: `name` in ASCII for every client and, when given, `local_name` in the
/// reader's language (RFC 6266 `filename*`, which browsers prefer), so a Russian name survives
/// the header's ASCII.
pub fn attachment(
    content_type: &'static str,
    name: &str,
    local_name: Option<&str>,
    bytes: Vec<u8>,
) -> Response {
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let mut disposition = format!("attachment; filename=\"{name}\"");
    if let Some(local) = local_name {
        disposition.push_str("; filename*=UTF-8''");
        disposition.push_str(&domain::messages::url_encoded(local));
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    (h, bytes).into_response()
}

/// A `201 Created` with the new record.
pub fn created<T: Serialize>(v: T) -> (StatusCode, Json<T>) {
    (StatusCode::CREATED, Json(v))
}

/// `201` for a new record, `200` for a retry that found the first one.
pub fn created_or_replayed<T: Serialize>(v: T, replayed: bool) -> (StatusCode, Json<T>) {
    let status = if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    (status, Json(v))
}
