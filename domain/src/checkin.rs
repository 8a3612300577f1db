//! The records of hand-outs, check-in (redemption) and visits: shared by pages, server
//! functions and the JSON API.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::i18n::Msg;
use crate::types::Money;

#[cfg(feature = "server")]
use utoipa::ToSchema;

/// A certificate given to a participant, as store staff (or an integration) record it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct HandoutInput {
    /// The certificate code as typed or scanned (a full QR URL works too).
    pub code: String,
    pub name: String,
    /// Any usual way of writing a Russian number; stored as `+7XXXXXXXXXX`.
    pub phone: String,
    #[serde(default)]
    pub email: String,
    /// `YYYY-MM-DD` or `DD.MM.YYYY`, optional.
    #[serde(default)]
    pub birthday: String,
    #[serde(default)]
    pub heard_from: String,
    /// The participant agreed to the processing of their personal data. Required.
    #[serde(default)]
    pub consent: bool,
    /// A client-chosen unique key (a UUID): a retried upload returns the first record.
    #[serde(default)]
    pub idempotency_key: String,
    /// When it happened on the device (RFC 3339); empty means now.
    #[serde(default)]
    pub happened_at: String,
    /// The paper form's serial when typing in a filled-in form.
    #[serde(default)]
    pub form_serial: String,
    /// Uploaded from the phone's offline queue: if refused, the record is kept as a conflict
    /// for the marketer instead of being lost.
    #[serde(default)]
    pub offline: bool,
}

/// A recorded hand-out. Staff see the phone masked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Handout {
    pub id: i64,
    pub code: String,
    pub serial: i64,
    pub campaign_id: i64,
    pub store_id: i64,
    pub store_name: String,
    pub employee_id: Option<i64>,
    pub employee_name: Option<String>,
    pub participant_name: String,
    /// `+7 *** ***-45-67`.
    pub phone_masked: String,
    pub happened_at: String,
    pub consent_version: String,
    /// Set when the certificate was allocated to another store and moved on hand-out.
    pub transferred_from_store_id: Option<i64>,
    /// True when this answers a retry of an earlier upload (nothing new was written).
    pub replayed: bool,
}

/// The answer to a scanned code: one of these, always with a reason a person can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Can be redeemed now.
    Valid,
    /// Redeemed by this request (or by the first request with the same idempotency key).
    Redeemed,
    UnknownCode,
    /// The check character does not match: a typo.
    MistypedCode,
    /// Not a certificate code at all (wrong length or characters).
    InvalidCode,
    /// The campaign has not started (or is still a draft).
    NotYetValid,
    Expired,
    AlreadyRedeemed,
    Voided,
}

impl Verdict {
    pub fn msg(self) -> Msg {
        match self {
            Verdict::Valid => Msg::VerdictValid,
            Verdict::Redeemed => Msg::VerdictRedeemed,
            Verdict::UnknownCode => Msg::VerdictUnknown,
            Verdict::MistypedCode => Msg::VerdictMistyped,
            Verdict::InvalidCode => Msg::VerdictInvalid,
            Verdict::NotYetValid => Msg::VerdictNotYetValid,
            Verdict::Expired => Msg::VerdictExpired,
            Verdict::AlreadyRedeemed => Msg::VerdictAlreadyRedeemed,
            Verdict::Voided => Msg::VerdictVoided,
        }
    }
    /// Green, red or amber on the check-in screen.
    pub fn tone(self) -> &'static str {
        match self {
            Verdict::Valid | Verdict::Redeemed => "ok",
            Verdict::MistypedCode | Verdict::InvalidCode | Verdict::NotYetValid => "warn",
            _ => "bad",
        }
    }
    /// The HTTP status of a redemption that ended so.
    pub fn http_status(self) -> u16 {
        match self {
            Verdict::Valid | Verdict::Redeemed => 200,
            Verdict::UnknownCode => 404,
            Verdict::MistypedCode | Verdict::InvalidCode => 422,
            _ => 409,
        }
    }
}

/// What reception learns about a certificate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct CheckedCertificate {
    pub code: String,
    pub serial: i64,
    pub campaign_id: i64,
    pub campaign_name: String,
    #[cfg_attr(feature = "server", schema(value_type = i64))]
    pub face_value: Money,
    pub start_date: NaiveDate,
    pub valid_until: NaiveDate,
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
    pub handed_out: bool,
    pub handed_out_at: Option<String>,
    pub employee_name: Option<String>,
    pub participant_name: Option<String>,
    /// Masked: `+7 *** ***-45-67`.
    pub participant_phone: Option<String>,
    pub redemption_id: Option<i64>,
    pub redeemed_at: Option<String>,
    /// `25.11.2026 18:23` in the clinic's time zone.
    #[serde(default)]
    pub redeemed_at_local: Option<String>,
    pub redeemed_by: Option<String>,
    pub voided_at: Option<String>,
    pub void_reason: Option<String>,
}

/// The typed answer of a check or a redemption.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct CheckinAnswer {
    pub verdict: Verdict,
    /// The verdict in the caller's language ("Уже использован").
    #[serde(default)]
    pub message: String,
    /// The code as understood (grouped), or as typed when it could not be read.
    pub code: String,
    pub certificate: Option<CheckedCertificate>,
    /// True when the redeemed certificate had no recorded hand-out.
    pub without_handout: bool,
    /// True when this answers a retry with an idempotency key already used.
    pub replayed: bool,
    /// A fresh key for the "redeem" button of a check (so a double click redeems once).
    pub idempotency_key: Option<String>,
}

/// Redeem a certificate: `code` + `idempotency_key`, optionally the patient.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct RedeemInput {
    pub code: String,
    pub idempotency_key: String,
    /// Leave empty to keep the participant recorded at hand-out.
    #[serde(default)]
    pub patient_name: String,
    #[serde(default)]
    pub patient_phone: String,
}

/// Undo a redemption (a mistaken scan): the certificate becomes usable again.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct UndoInput {
    pub code: String,
    pub reason: String,
}

/// A participant's visit: found by the certificate code or by the patient's phone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct VisitInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub patient_phone: String,
    /// Names from the clinic's service list.
    #[serde(default)]
    pub services: Vec<String>,
    /// Roubles as typed ("12 500,50") or a number.
    #[serde(deserialize_with = "crate::model::text_or_number")]
    #[cfg_attr(feature = "server", schema(value_type = String, example = "12500"))]
    pub amount: String,
    #[serde(default)]
    pub doctor: String,
    /// `YYYY-MM-DD`; empty means today.
    #[serde(default)]
    pub visited_on: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub idempotency_key: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Visit {
    pub id: i64,
    pub redemption_id: i64,
    pub code: String,
    pub campaign_id: i64,
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
    pub employee_name: Option<String>,
    pub patient_name: Option<String>,
    pub visited_on: NaiveDate,
    #[cfg_attr(feature = "server", schema(value_type = i64))]
    pub amount: Money,
    pub services: Vec<String>,
    pub doctor: Option<String>,
    pub replayed: bool,
}

/// One of the clinic's services.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Service {
    pub id: i64,
    pub name: String,
    pub active: bool,
}

/// Figures credited to one store, one employee, or the whole campaign.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct AttributionRow {
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
    pub employee_id: Option<i64>,
    pub employee_name: Option<String>,
    pub handed_out: i64,
    /// Distinct participants among the hand-outs whose consent stands.
    #[serde(default)]
    pub contacts: i64,
    /// Participants who came (live redemptions).
    pub redeemed: i64,
    pub redeemed_without_handout: i64,
    /// Participants with at least one paid visit within the attribution window.
    pub bought: i64,
    /// Visits within the campaign's attribution window.
    pub visits: i64,
    #[cfg_attr(feature = "server", schema(value_type = i64))]
    pub revenue: Money,
    /// Employees: when they confirmed reading the regulations.
    #[serde(default)]
    pub regulations_read_at: Option<String>,
    /// Stores: the latest mystery-shopper score (0–100).
    #[serde(default)]
    pub shopper_score: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Attribution {
    pub stores: Vec<AttributionRow>,
    pub employees: Vec<AttributionRow>,
    pub total: AttributionRow,
}

/// A refused upload from a phone's offline queue, kept for the marketer to resolve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct HandoutConflict {
    pub id: i64,
    pub campaign_id: Option<i64>,
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
    pub employee_name: Option<String>,
    pub code: String,
    pub participant_name: String,
    /// Masked: `+7 *** ***-45-67`.
    pub participant_phone: String,
    /// Why it was refused (`already_handed_out`, `invalid_phone`…).
    pub error_code: String,
    pub happened_at: String,
    pub recorded_at: String,
    /// Who holds the certificate now, when it was handed out by someone else.
    pub holder_store_name: Option<String>,
    pub holder_employee_name: Option<String>,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
}

/// What a store employee sees on their phone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StaffSummary {
    pub store_id: i64,
    pub store_name: String,
    pub campaign_id: Option<i64>,
    pub campaign_name: Option<String>,
    pub today_own: i64,
    pub today_store: i64,
    pub week_own: i64,
    pub week_store: i64,
    /// Certificates in the store not yet handed out.
    pub certificates_left: i64,
    /// Paper forms printed for the store minus the forms typed in.
    pub forms_left: i64,
    pub regulations_read_at: Option<String>,
    /// The latest hand-outs of this store (phones masked).
    pub recent: Vec<Handout>,
    /// This week's motivation standing in the store's current campaign.
    #[serde(default)]
    pub standing: Option<crate::motivation::StaffStanding>,
}

/// A participant registering themself from a poster or a paper form's QR code.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct SelfRegistration {
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub consent: bool,
    /// A field people never see: bots fill it in.
    #[serde(default)]
    pub website: String,
    /// The paper form's number, when the participant scanned the QR of a printed form.
    #[serde(default)]
    pub form: String,
}

/// The electronic certificate a participant receives on screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ECertificate {
    pub code: String,
    pub url: String,
    /// The QR code of `url` as inline SVG.
    pub qr_svg: String,
    #[cfg_attr(feature = "server", schema(value_type = i64))]
    pub face_value: Money,
    pub valid_until: NaiveDate,
    pub store_name: String,
    pub clinic_name: String,
    pub clinic_phone: String,
    /// An SMS with the certificate and a code that confirms the phone is on its way: the page
    /// asks for the code.
    #[serde(default)]
    pub confirm_by_sms: bool,
}

/// The public page of a store's QR code: what the participant is offered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct JoinInfo {
    pub campaign_name: String,
    pub store_name: String,
    #[cfg_attr(feature = "server", schema(value_type = i64))]
    pub face_value: Money,
    pub valid_until: NaiveDate,
    pub clinic_name: String,
    pub consent_text: String,
    /// False when the campaign gives out paper certificates only (or is over).
    pub open: bool,
}
