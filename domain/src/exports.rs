//! A campaign's data for Excel (issue #14): which exports there are — participants, hand-outs,
//! redemptions, visits —, their names in URLs and on the page, their columns, and the most rows
//! one file holds. Wasm-safe: the report page links them; `ops::exports` fills their rows and
//! `export` writes them as XLSX or CSV.

use serde::{Deserialize, Serialize};

use crate::Msg;

/// The most rows one exported file holds. A campaign with more gets its first rows (oldest
/// first) and a note under the table saying the file is cut ([`Msg::ExportRowsCut`]).
pub const MAX_ROWS: usize = 200_000;

/// What is exported: participants, hand-outs, redemptions or visits, a row each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ExportKind {
    /// A row per participant of the campaign (a hand-out, a paper form without a certificate,
    /// or a redemption reception typed a patient for), full phones: the marketer's contacts.
    Participants,
    /// A row per certificate handed out, phones masked.
    Handouts,
    /// A row per redemption at the clinic, undone ones too.
    Redemptions,
    /// A row per visit of a live redemption.
    Visits,
}

impl ExportKind {
    pub const ALL: [ExportKind; 4] = [
        ExportKind::Participants,
        ExportKind::Handouts,
        ExportKind::Redemptions,
        ExportKind::Visits,
    ];

    /// Its name in URLs and file names.
    pub fn slug(self) -> &'static str {
        match self {
            ExportKind::Participants => "participants",
            ExportKind::Handouts => "handouts",
            ExportKind::Redemptions => "redemptions",
            ExportKind::Visits => "visits",
        }
    }

    pub fn from_slug(s: &str) -> Option<ExportKind> {
        ExportKind::ALL.into_iter().find(|k| k.slug() == s)
    }

    /// Its title on the page, as the sheet's name and in the file's name.
    pub fn title(self) -> Msg {
        match self {
            ExportKind::Participants => Msg::ExportParticipants,
            ExportKind::Handouts => Msg::ExportHandouts,
            ExportKind::Redemptions => Msg::ExportRedemptions,
            ExportKind::Visits => Msg::ExportVisits,
        }
    }

    /// The header row, in the order of every row's cells.
    pub fn columns(self) -> &'static [Msg] {
        match self {
            ExportKind::Participants => &PARTICIPANT_COLUMNS,
            ExportKind::Handouts => &HANDOUT_COLUMNS,
            ExportKind::Redemptions => &REDEMPTION_COLUMNS,
            ExportKind::Visits => &VISIT_COLUMNS,
        }
    }
}

const PARTICIPANT_COLUMNS: [Msg; 13] = [
    Msg::ColParticipant,
    Msg::Phone,
    Msg::ColSource,
    Msg::ColConsentOn,
    Msg::ColConsentVersion,
    Msg::ConsentWithdrawn,
    Msg::ColFirstStore,
    Msg::Partner,
    Msg::ColFirstEmployee,
    Msg::ColCertificates,
    Msg::ColRedeemed,
    Msg::ColVisits,
    Msg::ColRevenueInWindow,
];

const HANDOUT_COLUMNS: [Msg; 11] = [
    Msg::ColSerial,
    Msg::CertCode,
    Msg::ColHandedOutAt,
    Msg::Store,
    Msg::Partner,
    Msg::Employee,
    Msg::ColSource,
    Msg::ColParticipant,
    Msg::ColPhoneMasked,
    Msg::ConsentGiven,
    Msg::Status,
];

const REDEMPTION_COLUMNS: [Msg; 9] = [
    Msg::ColSerial,
    Msg::CertCode,
    Msg::ColRedeemedAt,
    Msg::Store,
    Msg::Employee,
    Msg::ColFaceValueGiven,
    Msg::ColReceptionist,
    Msg::ColUndoneAt,
    Msg::UndoReason,
];

const VISIT_COLUMNS: [Msg; 11] = [
    Msg::VisitDate,
    Msg::ColSerial,
    Msg::CertCode,
    Msg::Store,
    Msg::Employee,
    Msg::AmountPaid,
    Msg::Services,
    Msg::Doctor,
    Msg::ColInWindow,
    Msg::ColVisitOrder,
    Msg::ColDaysAfterRedemption,
];

/// The file format of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// An Excel workbook: typed cells, the header frozen, filters on.
    Xlsx,
    /// UTF-8 with a BOM, `;` between fields: Excel with Russian settings opens it as it is.
    Csv,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 2] = [ExportFormat::Xlsx, ExportFormat::Csv];

    /// Its name in URLs and the file's extension.
    pub fn slug(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
        }
    }

    pub fn from_slug(s: &str) -> Option<ExportFormat> {
        ExportFormat::ALL.into_iter().find(|f| f.slug() == s)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ExportFormat::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// Where an export is downloaded (the JSON API).
pub fn path(campaign: i64, kind: ExportKind, format: ExportFormat) -> String {
    format!(
        "/api/v1/campaigns/{campaign}/exports/{}/{}",
        kind.slug(),
        format.slug()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    #[test]
    fn kinds_and_formats_are_found_by_their_names_in_urls() {
        for k in ExportKind::ALL {
            assert_eq!(ExportKind::from_slug(k.slug()), Some(k));
            assert_eq!(
                serde_json::to_value(k).ok(),
                Some(serde_json::Value::from(k.slug()))
            );
        }
        for f in ExportFormat::ALL {
            assert_eq!(ExportFormat::from_slug(f.slug()), Some(f));
        }
        assert_eq!(ExportKind::from_slug("patients"), None);
        assert_eq!(
            path(7, ExportKind::Visits, ExportFormat::Csv),
            "/api/v1/campaigns/7/exports/visits/csv"
        );
    }

    #[test]
    fn the_note_of_a_cut_file_names_the_row_cap() {
        let cap = MAX_ROWS.to_string();
        let (thousands, rest) = cap.split_at(cap.len() - 3);
        for lang in [Lang::Ru, Lang::En] {
            let text = Msg::ExportRowsCut.text(lang);
            assert!(text.contains(thousands) && text.contains(rest), "{text}");
        }
    }
}
