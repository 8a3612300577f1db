//! Staff motivation on the API: the campaign's rules, every employee's standing week by week
//! (signals, reviews, adjustments, payouts), paying a finished week (written once into the
//! campaign's costs), reviewing a held bonus; and a store employee's own standing.

use app::ssr::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use domain::error::ErrorCode;
use domain::ids::CampaignId;
use domain::motivation::{Payout, Review, Rules, RulesInput, StaffStanding, Standings};
use domain::{DomainError, ops};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, ApiResult, Caller, ErrorBody, body, created};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_standings))
        .routes(routes!(get_rules, put_rules))
        .routes(routes!(pay_week))
        .routes(routes!(review_week))
        .routes(routes!(my_standing))
}

fn week(c: &Caller, text: &str) -> ApiResult<NaiveDate> {
    text.parse::<NaiveDate>()
        .map_err(|_| ApiError(DomainError::field("week", ErrorCode::InvalidDate), c.lang))
}

#[utoipa::path(get, path = "/campaigns/{id}/motivation", tag = "motivation", params(("id" = i64, Path)),
    description = "Every clinic week of the campaign, newest first: each employee's counts, earned amount (after the weekly \
        cap), signals and the marketer's review, the amount held until a review, the adjustment carried from paid weeks, \
        what is due and what was paid, the rank among all employees and within the store; each store's sum and rank; \
        what paying the week would pay. Amounts in kopecks.",
    responses((status = 200, body = Standings), (status = 403, body = ErrorBody)))]
async fn get_standings(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<Standings>> {
    c.wrap(ops::motivation::standings(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(get, path = "/campaigns/{id}/motivation/rules", tag = "motivation", params(("id" = i64, Path)),
    description = "The campaign's motivation rules (kopecks; 0 = not paid for).",
    responses((status = 200, body = Rules), (status = 403, body = ErrorBody)))]
async fn get_rules(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<Rules>> {
    c.wrap(ops::motivation::rules(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(put, path = "/campaigns/{id}/motivation/rules", tag = "motivation", params(("id" = i64, Path)),
    request_body = RulesInput,
    description = "Sets the rules: roubles as typed per hand-out, per redemption, per participant who bought other services \
        (each optional, at most 100 000 ₽), whether a hand-out counts only once its certificate is redeemed, and a cap per \
        employee and week (empty: none).",
    responses((status = 200, body = Rules), (status = 422, body = ErrorBody)))]
async fn put_rules(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
    b: Result<Json<RulesInput>, JsonRejection>,
) -> ApiResult<Json<Rules>> {
    let input = body(c.lang, b)?;
    c.wrap(ops::motivation::save_rules(&st.db, &c.actor, id, &input).await)
        .map(Json)
}

#[utoipa::path(post, path = "/campaigns/{id}/motivation/weeks/{week}/payout", tag = "motivation",
    params(("id" = i64, Path), ("week" = String, Path, description = "The week's Monday, YYYY-MM-DD")),
    description = "Marks a finished week as paid: each employee's due amount (held bonuses excluded) is recorded, and the \
        total once as the campaign's `motivation` cost. 409 when the week is already paid or not over.",
    responses((status = 201, body = Payout), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn pay_week(
    State(st): State<AppState>,
    c: Caller,
    Path((id, w)): Path<(CampaignId, String)>,
) -> ApiResult<(StatusCode, Json<Payout>)> {
    let monday = week(&c, &w)?;
    c.wrap(ops::motivation::pay_week(&st.db, &c.actor, id, monday).await)
        .map(created)
}

#[derive(Deserialize, utoipa::ToSchema)]
struct ReviewInput {
    /// `release` (pay it) or `withhold` (not paid for this week).
    decision: String,
    #[serde(default)]
    note: String,
}

#[utoipa::path(put, path = "/campaigns/{id}/motivation/weeks/{week}/reviews/{employee}", tag = "motivation",
    params(("id" = i64, Path), ("week" = String, Path, description = "The week's Monday, YYYY-MM-DD"), ("employee" = i64, Path)),
    request_body = ReviewInput,
    description = "The marketer's decision on an employee's week held by a signal. Releasing a week that was already paid \
        carries the amount into the next unpaid week.",
    responses((status = 200, body = Review), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn review_week(
    State(st): State<AppState>,
    c: Caller,
    Path((id, w, employee)): Path<(CampaignId, String, i64)>,
    b: Result<Json<ReviewInput>, JsonRejection>,
) -> ApiResult<Json<Review>> {
    let monday = week(&c, &w)?;
    let input = body(c.lang, b)?;
    c.wrap(
        ops::motivation::review(
            &st.db,
            &c.actor,
            id,
            monday,
            employee,
            &input.decision,
            &input.note,
        )
        .await,
    )
    .map(Json)
}

#[utoipa::path(get, path = "/my-standing", tag = "motivation",
    description = "A store employee's week in their store's current campaign: their hand-outs, redemptions, earned amount, \
        whether it is held, their rank among the campaign's employees and their store's rank (no other store's figures); \
        last week's result. `null` without a running campaign.",
    responses((status = 200, body = Option<StaffStanding>), (status = 403, body = ErrorBody)))]
async fn my_standing(
    State(st): State<AppState>,
    c: Caller,
) -> ApiResult<Json<Option<StaffStanding>>> {
    c.wrap(ops::motivation::staff_standing(&st.db, &c.actor).await)
        .map(Json)
}
