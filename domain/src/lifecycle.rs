//! The life of a certificate and of its campaign, in one place.
//!
//! A certificate is **printed** (allocated to a store, or not yet), **handed out** to a
//! participant, **redeemed** at reception — or **voided** with a reason. A redemption can be
//! undone (the certificate goes back to handed out, or printed if it never was handed out).
//! Only a printed certificate moves between stores.
//!
//! Whether a certificate can be used today is decided by [`validity`] alone: reception's
//! check-in, the public page `/c/{code}` and the API all call it.
//!
//! A campaign is a **draft**, **active** or **finished**. Finishing stops hand-outs;
//! redemption goes on until the certificates' `valid_until`. Once its first certificates exist
//! ([`CampaignChange`]) the face value printed on them is locked, it cannot become a draft
//! again, and its dates may only widen.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Check, DomainError, ErrorCode};
use crate::types::{CampaignStatus, Money};

#[cfg(feature = "server")]
use utoipa::ToSchema;

/// Where a certificate is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CertState {
    Printed,
    HandedOut,
    Redeemed,
    Voided,
}

/// Why a transition is refused: the state it ran into.
fn refused_by(state: CertState) -> ErrorCode {
    match state {
        CertState::Printed => ErrorCode::NotRedeemed,
        CertState::HandedOut => ErrorCode::AlreadyHandedOut,
        CertState::Redeemed => ErrorCode::AlreadyRedeemed,
        CertState::Voided => ErrorCode::AlreadyVoided,
    }
}

impl CertState {
    pub const ALL: [CertState; 4] = [
        CertState::Printed,
        CertState::HandedOut,
        CertState::Redeemed,
        CertState::Voided,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            CertState::Printed => "printed",
            CertState::HandedOut => "handed_out",
            CertState::Redeemed => "redeemed",
            CertState::Voided => "voided",
        }
    }
    pub fn parse(s: &str) -> Option<CertState> {
        CertState::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Printed → handed out.
    pub fn hand_out(self) -> Result<CertState, ErrorCode> {
        match self {
            CertState::Printed => Ok(CertState::HandedOut),
            s => Err(refused_by(s)),
        }
    }
    /// Printed or handed out → redeemed.
    pub fn redeem(self) -> Result<CertState, ErrorCode> {
        match self {
            CertState::Printed | CertState::HandedOut => Ok(CertState::Redeemed),
            s => Err(refused_by(s)),
        }
    }
    /// Redeemed → back to handed out (or printed, when it never was handed out).
    pub fn undo_redemption(self, was_handed_out: bool) -> Result<CertState, ErrorCode> {
        match self {
            CertState::Redeemed if was_handed_out => Ok(CertState::HandedOut),
            CertState::Redeemed => Ok(CertState::Printed),
            _ => Err(ErrorCode::NotRedeemed),
        }
    }
    /// Printed or handed out → voided. A redeemed certificate stays redeemed.
    pub fn void(self) -> Result<CertState, ErrorCode> {
        match self {
            CertState::Printed | CertState::HandedOut => Ok(CertState::Voided),
            s => Err(refused_by(s)),
        }
    }
    /// Only certificates still in a store's pack move between stores.
    pub fn can_move(self) -> bool {
        self == CertState::Printed
    }
    /// The states from which a transition may leave, as SQL text (guards in `UPDATE … WHERE`).
    pub fn sql_list(states: &[CertState]) -> String {
        states
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What a campaign says about when its certificates work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CampaignWindow {
    pub status: CampaignStatus,
    pub start_date: NaiveDate,
    pub valid_until: NaiveDate,
}

/// Whether a certificate can be used on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Validity {
    Valid,
    /// The campaign is a draft or has not started yet.
    NotYetValid {
        from: NaiveDate,
    },
    Expired {
        on: NaiveDate,
    },
    Redeemed,
    Voided,
}

/// The one validity rule: a voided or redeemed certificate is that; otherwise it works from
/// the campaign's start (never while the campaign is a draft) to `valid_until` inclusive, at
/// the clinic's date. A finished campaign's certificates keep working until `valid_until`.
pub fn validity(state: CertState, campaign: &CampaignWindow, today: NaiveDate) -> Validity {
    match state {
        CertState::Voided => Validity::Voided,
        CertState::Redeemed => Validity::Redeemed,
        _ if today > campaign.valid_until => Validity::Expired {
            on: campaign.valid_until,
        },
        _ if campaign.status == CampaignStatus::Draft || today < campaign.start_date => {
            Validity::NotYetValid {
                from: campaign.start_date,
            }
        }
        _ => Validity::Valid,
    }
}

/// Hand-outs stop when a campaign is finished.
pub fn may_hand_out(status: CampaignStatus) -> Result<(), ErrorCode> {
    match status {
        CampaignStatus::Finished => Err(ErrorCode::CampaignFinished),
        _ => Ok(()),
    }
}

/// New certificates and forms are printed for drafts and running campaigns only.
pub fn may_print(status: CampaignStatus) -> Result<(), ErrorCode> {
    may_hand_out(status)
}

/// A campaign as it is stored, and as someone wants it to become.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CampaignTerms {
    pub status: CampaignStatus,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub valid_until: NaiveDate,
    pub face_value: Money,
}

/// A change of a campaign's terms, judged against whether certificates already exist.
pub struct CampaignChange {
    pub old: CampaignTerms,
    pub new: CampaignTerms,
    /// Certificates (printed or electronic) exist: people hold the old terms in their hands.
    pub certificates_issued: bool,
}

impl CampaignChange {
    /// Refuses what would make issued certificates lie: a new face value, a return to draft,
    /// a later start, an earlier end or expiry. Every problem is reported at once.
    pub fn check(&self) -> Result<(), DomainError> {
        if !self.certificates_issued {
            return Ok(());
        }
        let (o, n) = (&self.old, &self.new);
        let mut c = Check::new();
        if n.face_value != o.face_value {
            c.push("face_value", ErrorCode::FaceValueLocked);
        }
        if n.status == CampaignStatus::Draft && o.status != CampaignStatus::Draft {
            c.push("status", ErrorCode::NoReturnToDraft);
        }
        if n.start_date > o.start_date {
            c.push("start_date", ErrorCode::DatesOnlyWiden);
        }
        if n.end_date < o.end_date {
            c.push("end_date", ErrorCode::DatesOnlyWiden);
        }
        if n.valid_until < o.valid_until {
            c.push("valid_until", ErrorCode::DatesOnlyWiden);
        }
        c.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        let y = if m >= 6 { 2026 } else { 2027 };
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn window(status: CampaignStatus) -> CampaignWindow {
        CampaignWindow {
            status,
            start_date: d(11, 16),
            valid_until: d(2, 28),
        }
    }

    #[test]
    fn a_certificate_goes_printed_handed_out_redeemed_and_back_on_undo() {
        let s = CertState::Printed.hand_out().expect("hand out");
        assert_eq!(s, CertState::HandedOut);
        let s = s.redeem().expect("redeem");
        assert_eq!(s.undo_redemption(true), Ok(CertState::HandedOut));
        assert_eq!(s.undo_redemption(false), Ok(CertState::Printed));
        assert_eq!(CertState::Printed.redeem(), Ok(CertState::Redeemed));
    }

    #[test]
    fn transitions_from_the_wrong_state_name_the_state_they_hit() {
        assert_eq!(
            CertState::HandedOut.hand_out(),
            Err(ErrorCode::AlreadyHandedOut)
        );
        assert_eq!(
            CertState::Redeemed.redeem(),
            Err(ErrorCode::AlreadyRedeemed)
        );
        assert_eq!(CertState::Voided.redeem(), Err(ErrorCode::AlreadyVoided));
        assert_eq!(CertState::Redeemed.void(), Err(ErrorCode::AlreadyRedeemed));
        assert_eq!(CertState::Voided.void(), Err(ErrorCode::AlreadyVoided));
        assert_eq!(
            CertState::HandedOut.undo_redemption(true),
            Err(ErrorCode::NotRedeemed)
        );
        assert!(CertState::Printed.can_move());
        assert!(!CertState::HandedOut.can_move());
    }

    #[test]
    fn validity_is_decided_by_state_dates_and_a_draft_campaign() {
        use CampaignStatus::*;
        let active = window(Active);
        assert_eq!(
            validity(CertState::HandedOut, &active, d(11, 30)),
            Validity::Valid
        );
        assert_eq!(
            validity(CertState::Printed, &active, d(11, 15)),
            Validity::NotYetValid { from: d(11, 16) }
        );
        assert_eq!(
            validity(CertState::HandedOut, &window(Draft), d(11, 30)),
            Validity::NotYetValid { from: d(11, 16) },
            "a draft campaign's certificates do not work yet, whatever the date"
        );
        assert_eq!(
            validity(CertState::HandedOut, &window(Finished), d(2, 28)),
            Validity::Valid,
            "a finished campaign's certificates work until valid_until"
        );
        assert_eq!(
            validity(CertState::HandedOut, &active, d(3, 1)),
            Validity::Expired { on: d(2, 28) }
        );
        assert_eq!(
            validity(CertState::Redeemed, &active, d(3, 1)),
            Validity::Redeemed
        );
        assert_eq!(
            validity(CertState::Voided, &active, d(11, 30)),
            Validity::Voided
        );
    }

    fn terms() -> CampaignTerms {
        CampaignTerms {
            status: CampaignStatus::Active,
            start_date: d(11, 16),
            end_date: d(1, 31),
            valid_until: d(2, 28),
            face_value: Money(50_000),
        }
    }

    #[test]
    fn once_certificates_exist_the_face_value_is_locked_and_dates_only_widen() {
        let old = terms();
        let mut new = terms();
        new.face_value = Money(0);
        new.status = CampaignStatus::Draft;
        new.start_date = d(11, 20);
        new.end_date = d(1, 15);
        new.valid_until = d(2, 1);
        let e = CampaignChange {
            old,
            new,
            certificates_issued: true,
        }
        .check()
        .expect_err("refused");
        let fields: Vec<_> = e
            .fields()
            .iter()
            .map(|f| (f.field.as_str(), f.code))
            .collect();
        assert_eq!(
            fields,
            [
                ("face_value", ErrorCode::FaceValueLocked),
                ("status", ErrorCode::NoReturnToDraft),
                ("start_date", ErrorCode::DatesOnlyWiden),
                ("end_date", ErrorCode::DatesOnlyWiden),
                ("valid_until", ErrorCode::DatesOnlyWiden),
            ]
        );
        let mut wider = terms();
        wider.start_date = d(11, 1);
        wider.end_date = d(2, 15);
        wider.valid_until = d(3, 31);
        wider.status = CampaignStatus::Finished;
        assert!(
            CampaignChange {
                old,
                new: wider,
                certificates_issued: true
            }
            .check()
            .is_ok()
        );
        assert!(
            CampaignChange {
                old,
                new,
                certificates_issued: false
            }
            .check()
            .is_ok(),
            "before anything is printed everything may change"
        );
    }

    #[test]
    fn a_finished_campaign_stops_hand_outs_and_printing() {
        assert_eq!(
            may_hand_out(CampaignStatus::Finished),
            Err(ErrorCode::CampaignFinished)
        );
        assert!(may_hand_out(CampaignStatus::Active).is_ok());
        assert!(may_print(CampaignStatus::Draft).is_ok());
    }
}
