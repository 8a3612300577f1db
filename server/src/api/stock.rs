//! `/api/v1/campaigns/{id}/stock-forecast`: certificates and forms per store, days of cover,
//! what to deliver by when. (`/campaigns/{id}/stock` keeps its meaning: where the certificates
//! are, by state and serial range.)

use app::ssr::AppState;
use axum::Json;
use axum::extract::{Path, State};
use domain::forecast::StoreForecast;
use domain::ids::CampaignId;
use domain::ops;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiResult, Caller, ErrorBody};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(forecast))
}

#[utoipa::path(get, path = "/campaigns/{id}/stock-forecast", tag = "stock", params(("id" = i64, Path)),
    description = "Per store (store staff: their own), the most urgent first: certificates and paper forms on hand, \
        last week's use, days of cover (tenths), the day they run out, an alert below the campaign's `min_days_cover`, \
        and what to deliver by when so that the store holds a week ahead.",
    responses((status = 200, body = [StoreForecast]), (status = 403, body = ErrorBody)))]
async fn forecast(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<Vec<StoreForecast>>> {
    c.wrap(ops::stock::forecast(&st.db, &c.actor, id).await)
        .map(Json)
}
