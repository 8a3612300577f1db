//! Results on the API: the week's summary (item 17д) per store and employee, week over week,
//! as JSON and as a spreadsheet (XLSX or CSV), and the final report (item 21) as JSON, XLSX,
//! CSV and a printable PDF. The clinic's own figures: the marketer's.

use app::ssr::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::ids::CampaignId;
use domain::results::{FinalReport, WeeklySummary};
use domain::{export, ops};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, ApiResult, Caller, ErrorBody, download};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(weekly_summary))
        .routes(routes!(weekly_summary_xlsx))
        .routes(routes!(weekly_summary_csv))
        .routes(routes!(final_report))
        .routes(routes!(final_report_xlsx))
        .routes(routes!(final_report_csv))
        .routes(routes!(final_report_pdf))
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

#[utoipa::path(get, path = "/campaigns/{id}/report", tag = "results", params(("id" = i64, Path)),
    description = "The campaign's results (checklist item 21) as the README defines them: the funnel printed → handed out → \
        redeemed → bought other services; per partner (best profit first), store and employee: contacts, came, visits, \
        revenue within the attribution window (the certificate visit and later visits), discount given, costs (motivation \
        paid to the line's staff plus its share of the other costs by certificates allocated), profit = revenue × the \
        clinic's margin − costs, ROI; costs by category; cumulative profit day by day and the payback day; each store's \
        weeks. Kopecks.",
    responses((status = 200, body = FinalReport), (status = 403, body = ErrorBody)))]
async fn final_report(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> ApiResult<Json<FinalReport>> {
    c.wrap(ops::results::final_report(&st.db, &c.actor, id).await)
        .map(Json)
}

#[utoipa::path(get, path = "/campaigns/{id}/report/xlsx", tag = "results", params(("id" = i64, Path)),
    description = "The final report as an Excel workbook: by partner with the campaign's total, by store, by employee, \
        costs by category, and the cumulative profit by day.",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, body = ErrorBody)))]
async fn final_report_xlsx(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> Response {
    let r = match ops::results::final_report(&st.db, &c.actor, id).await {
        Ok(r) => r,
        Err(e) => return ApiError(e, c.lang).into_response(),
    };
    match export::final_report_xlsx(&r, c.lang) {
        Ok(bytes) => download(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("report-{}.xlsx", r.campaign_id),
            bytes,
        ),
        Err(e) => ApiError(e, c.lang).into_response(),
    }
}

#[utoipa::path(get, path = "/campaigns/{id}/report/csv", tag = "results", params(("id" = i64, Path)),
    description = "The final report by store as CSV (UTF-8 with a BOM, `;`, roubles with a decimal comma), the campaign's \
        total last.",
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody)))]
async fn final_report_csv(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> Response {
    match ops::results::final_report(&st.db, &c.actor, id).await {
        Ok(r) => download(
            "text/csv; charset=utf-8",
            format!("report-{}.csv", r.campaign_id),
            export::final_report_csv(&r, c.lang),
        ),
        Err(e) => ApiError(e, c.lang).into_response(),
    }
}

#[utoipa::path(get, path = "/campaigns/{id}/report/pdf", tag = "results", params(("id" = i64, Path)),
    description = "The final report as a printable PDF (A4 portrait): the clinic, campaign, dates and when it was made; the \
        key figures; the funnel, hand-outs and redemptions by week, revenue and profit by store and the cumulative profit \
        with the payback day, drawn as vectors; the tables by partner (best profit first) with the total, by store and \
        by employee, flowing onto as many pages as they need; costs by category. Pages are numbered.",
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 403, body = ErrorBody)))]
async fn final_report_pdf(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<CampaignId>,
) -> Response {
    match ops::results::final_report_pdf(&st.db, &c.actor, id, c.lang).await {
        Ok(pdf) => download("application/pdf", pdf.file_name, pdf.bytes),
        Err(e) => ApiError(e, c.lang).into_response(),
    }
}
