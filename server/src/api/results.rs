//! Results on the API: the week's summary (item 17д) per store and employee, week over week,
//! as JSON and as a spreadsheet (XLSX or CSV). The clinic's own figures: the marketer's.

use app::ssr::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use domain::ids::CampaignId;
use domain::results::WeeklySummary;
use domain::{export, ops};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, ApiResult, Caller, ErrorBody};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(weekly_summary))
        .routes(routes!(weekly_summary_xlsx))
        .routes(routes!(weekly_summary_csv))
}

#[utoipa::path(get, path = "/campaigns/{id}/weekly-summary", tag = "results", params(("id" = i64, Path)),
    description = "Week over week (clinic weeks, Monday to Sunday), per store and per employee: handed out, contacts \
        (distinct participants), came (redeemed), bought other services (participants with a paid visit), visits, and \
        revenue split into the certificate visit and later visits, in kopecks.",
    responses((status = 200, body = WeeklySummary), (status = 403, body = ErrorBody)))]
async fn weekly_summary(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<WeeklySummary>> {
    c.wrap(ops::results::weekly_summary(&st.db, &c.actor, id).await)
        .map(Json)
}

fn download(content_type: &'static str, name: String, bytes: Vec<u8>) -> Response {
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    (h, bytes).into_response()
}

#[utoipa::path(get, path = "/campaigns/{id}/weekly-summary/xlsx", tag = "results", params(("id" = i64, Path)),
    description = "The week's summary as an Excel workbook: by store, by employee, the campaign total; one row per week, \
        dates and roubles typed, the header frozen, filters on.",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = ErrorBody)))]
async fn weekly_summary_xlsx(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> Response {
    let r = match ops::results::weekly_summary(&st.db, &c.actor, id).await {
        Ok(s) => export::weekly_summary_xlsx(&s, c.lang),
        Err(e) => Err(e),
    };
    match r {
        Ok(bytes) => download(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("weekly-summary-{}.xlsx", id.get()),
            bytes,
        ),
        Err(e) => ApiError(e, c.lang).into_response(),
    }
}

#[utoipa::path(get, path = "/campaigns/{id}/weekly-summary/csv", tag = "results", params(("id" = i64, Path)),
    description = "The week's summary by store as CSV (UTF-8 with a BOM, `;` between fields, roubles with a decimal comma).",
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody)))]
async fn weekly_summary_csv(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> Response {
    match ops::results::weekly_summary(&st.db, &c.actor, id).await {
        Ok(s) => download(
            "text/csv; charset=utf-8",
            format!("weekly-summary-{}.csv", id.get()),
            export::weekly_summary_csv(&s, c.lang),
        ),
        Err(e) => ApiError(e, c.lang).into_response(),
    }
}
