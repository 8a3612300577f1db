//! `/api/v1/people`.

use app::ssr::AppState;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use domain::model::{Person, PersonInput};
use domain::ops;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiResult, Caller, ErrorBody, body, created};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(set_active))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
struct ActiveInput {
    active: bool,
}

#[utoipa::path(put, path = "/people/{id}/active", tag = "people", params(("id" = i64, Path)), request_body = ActiveInput,
    description = "Deactivates a person who left (`active: false`: their sessions end at once, open invite links are revoked) or brings them back.",
    responses((status = 200, body = Person), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn set_active(
    State(st): State<AppState>,
    c: Caller,
    axum::extract::Path(id): axum::extract::Path<domain::ids::UserId>,
    b: Result<Json<ActiveInput>, JsonRejection>,
) -> ApiResult<Json<Person>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::people::set_active(&st.db, &c.actor, id, input.active).await)
        .map(Json)
}

#[utoipa::path(get, path = "/people", tag = "people",
    responses((status = 200, body = [Person]), (status = 403, body = ErrorBody)))]
async fn list(State(st): State<AppState>, c: Caller) -> ApiResult<Json<Vec<Person>>> {
    c.wrap(ops::people::list_people(&st.db, &c.actor).await)
        .map(Json)
}

#[utoipa::path(post, path = "/people", tag = "people", request_body = PersonInput,
    responses((status = 201, body = Person), (status = 422, body = ErrorBody)))]
async fn create(
    State(st): State<AppState>,
    c: Caller,
    b: Result<Json<PersonInput>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<Person>)> {
    let input = body(c.lang, b)?;
    c.wrap(ops::people::create_person(&st.db, &c.actor, &input).await)
        .map(created)
}
