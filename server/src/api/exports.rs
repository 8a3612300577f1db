//! A campaign's data as spreadsheets (issue #14): participants, hand-outs, redemptions and
//! visits, row by row, as XLSX or CSV. The marketer's alone; every download is logged.

use app::ssr::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::exports::{ExportFormat, ExportKind};
use domain::ids::CampaignId;
use domain::{DomainError, ErrorCode, ops};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, Caller, ErrorBody, attachment};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(campaign_export))
}

#[utoipa::path(get, path = "/campaigns/{id}/exports/{kind}/{format}", tag = "results",
    params(("id" = i64, Path),
        ("kind" = inline(ExportKind), Path, description = "participants | handouts | redemptions | visits"),
        ("format" = inline(ExportFormat), Path, description = "xlsx | csv")),
    description = "A campaign's data, one row per participant (full phones: the marketer's contact list; erased \
        participants without personal data), hand-out (phones masked), redemption (undone ones too) or visit of a live \
        redemption (within the attribution window or not, first or later). XLSX: typed cells — numbers, dates, times on \
        the clinic's clock, roubles —, the header frozen, filters on. CSV: UTF-8 with a BOM, `;` between fields, \
        dd.mm.yyyy dates, roubles with a decimal comma. At most 200 000 rows, oldest first; a longer export ends with a \
        note saying it was cut. Each download is recorded in the audit log.",
    responses(
        (status = 200, description = "The file, with a Russian (or English) name in `filename*`", content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"))),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn campaign_export(
    State(st): State<AppState>,
    c: Caller,
    Path((id, kind, format)): Path<(CampaignId, String, String)>,
) -> Response {
    let (Some(kind), Some(format)) = (
        ExportKind::from_slug(&kind),
        ExportFormat::from_slug(&format),
    ) else {
        return ApiError(DomainError::Refused(ErrorCode::NotFound), c.lang).into_response();
    };
    match ops::exports::download(&st.db, &c.actor, id, kind, format, c.lang).await {
        Ok(d) => attachment(d.content_type, &d.file_name, Some(&d.local_name), d.bytes),
        Err(e) => ApiError(e, c.lang).into_response(),
    }
}
