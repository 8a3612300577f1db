//! The records Sarafan shows and exchanges: shared by pages, server functions and the JSON API.
//! Plain serde types, so they cross into the browser unchanged.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::types::{CampaignStatus, CostCategory, Money, Role};

#[cfg(feature = "server")]
use utoipa::ToSchema;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ClinicSettings {
    pub name: String,
    pub address: String,
    pub phone: String,
    /// Base URL printed in QR codes, e.g. `https://promo.clinic.ru`.
    pub public_url: String,
    /// IANA time zone, e.g. `Europe/Moscow`.
    pub time_zone: String,
    pub currency: String,
    /// The weekday the weekly routine is due: 1 = Monday … 7 = Sunday (weeks run Monday–Sunday).
    #[serde(default = "monday")]
    pub weekly_check_day: i64,
    /// The clinic's margin on what participants pay, percent (profit = revenue × margin − costs).
    #[serde(default = "default_margin")]
    pub margin_percent: i64,
}

fn default_margin() -> i64 {
    crate::results::DEFAULT_MARGIN_PERCENT
}

fn monday() -> i64 {
    1
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// Certificate face value in kopecks.
    #[cfg_attr(feature = "server", schema(value_type = i64))]
    pub face_value: Money,
    pub valid_until: NaiveDate,
    pub terms: String,
    #[cfg_attr(feature = "server", schema(value_type = String, example = "active"))]
    pub status: CampaignStatus,
    pub partner_ids: Vec<i64>,
    /// A store with fewer days of certificates or forms than this is an alert (default 5).
    #[serde(default = "default_min_days")]
    pub min_days_cover: i64,
    /// Visits within this many days after the redemption count as the campaign's revenue
    /// (default 90).
    #[serde(default = "default_attribution_days")]
    pub attribution_days: i64,
    /// Participants may take an electronic certificate from a store's poster or form QR
    /// (`/join/{campaign}/{store}`) while the campaign is active.
    #[serde(default = "yes")]
    pub self_registration: bool,
    /// Each participant's certificate is sent to them by SMS (and by e-mail when they gave
    /// one): on self-registration, with the code that confirms their phone, and on a store's
    /// hand-out.
    #[serde(default)]
    pub send_e_certificates: bool,
    /// Sum of the costs ledger, kopecks: the clinic's own figure, present for the marketer only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schema(value_type = Option<i64>))]
    pub cost_total: Option<Money>,
}

/// A campaign as entered: checked by [`CampaignInput::parse`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct CampaignInput {
    pub name: String,
    /// `dd.mm.yyyy` or `yyyy-mm-dd`.
    pub start_date: String,
    pub end_date: String,
    /// Roubles as typed ("500", "1 500,50"); the API may send `face_value_kopecks` instead.
    #[serde(default)]
    pub face_value: String,
    #[serde(default)]
    pub face_value_kopecks: Option<i64>,
    pub valid_until: String,
    #[serde(default)]
    pub terms: String,
    #[serde(default = "default_status")]
    pub status: String,
    #[serde(default)]
    pub partner_ids: Vec<i64>,
    /// Days of stock below which a store is an alert: 1–60, empty for the default 5.
    #[serde(default, deserialize_with = "text_or_number")]
    #[cfg_attr(feature = "server", schema(value_type = Option<i64>, example = 5))]
    pub min_days_cover: String,
    /// Days after a redemption whose visits count as revenue: 1–730, empty for the default 90.
    #[serde(default, deserialize_with = "text_or_number")]
    #[cfg_attr(feature = "server", schema(value_type = Option<i64>, example = 90))]
    pub attribution_days: String,
    /// Self-registration open (left out: on for a new campaign, unchanged for an old one).
    #[serde(default)]
    pub self_registration: Option<bool>,
    /// Send e-certificates by SMS / e-mail (left out: off for a new campaign, unchanged).
    #[serde(default)]
    pub send_e_certificates: Option<bool>,
}

fn yes() -> bool {
    true
}

fn default_status() -> String {
    "draft".into()
}

fn default_attribution_days() -> i64 {
    crate::results::DEFAULT_ATTRIBUTION_DAYS
}

fn default_min_days() -> i64 {
    crate::forecast::DEFAULT_MIN_DAYS
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Cost {
    pub id: i64,
    pub campaign_id: i64,
    #[cfg_attr(feature = "server", schema(value_type = String, example = "printing"))]
    pub category: CostCategory,
    #[cfg_attr(feature = "server", schema(value_type = i64))]
    pub amount: Money,
    pub spent_on: NaiveDate,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct CostInput {
    pub category: String,
    /// Roubles as typed; or `amount_kopecks` from the API.
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub amount_kopecks: Option<i64>,
    pub spent_on: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Partner {
    pub id: i64,
    pub name: String,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
    pub store_count: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct PartnerInput {
    pub name: String,
    #[serde(default)]
    pub contact_person: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Store {
    pub id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub name: String,
    pub address: Option<String>,
    pub opening_hours: Option<String>,
    pub admin_name: Option<String>,
    /// `+7XXXXXXXXXX`
    pub admin_phone: Option<String>,
    /// Where the administrator gets the store's weekly standings.
    pub admin_email: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct StoreInput {
    pub partner_id: i64,
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub opening_hours: String,
    #[serde(default)]
    pub admin_name: String,
    #[serde(default)]
    pub admin_phone: String,
    #[serde(default)]
    pub admin_email: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    #[cfg_attr(feature = "server", schema(value_type = String, example = "store_staff"))]
    pub role: Role,
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
    pub active: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct PersonInput {
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    /// `marketer`, `reception`, `store_staff` or `mystery_shopper`.
    pub role: String,
    #[serde(default)]
    pub store_id: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InviteState {
    Pending,
    Used,
    Expired,
    Revoked,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InviteInfo {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub role: Role,
    pub store_name: Option<String>,
    pub expires_at: String,
    pub state: InviteState,
}

/// A freshly created invite: the only time its link is known.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewInvite {
    pub invite: InviteInfo,
    pub url: String,
    /// The link as an SVG QR code.
    pub qr_svg: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: i64,
    pub person_name: String,
    pub role: Role,
    pub user_agent: Option<String>,
    pub created_at: String,
    pub current: bool,
}

/// Who is signed in, as the pages need it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub revoked: bool,
}

// ---------- certificates and printed materials ----------

/// The texts a campaign prints; an empty text means Sarafan's default wording
/// ([`crate::texts`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct CampaignTexts {
    /// Certificate title, e.g. «Подарочный сертификат».
    #[serde(default)]
    pub cert_title: String,
    /// Short terms printed on each certificate.
    #[serde(default)]
    pub cert_text: String,
    /// Regulations for partner staff (paragraphs; lines starting with "- " are list items).
    #[serde(default)]
    pub regulations: String,
    /// Consent to the processing of personal data, printed on participant forms.
    #[serde(default)]
    pub consent_text: String,
    #[serde(default)]
    pub poster_headline: String,
    #[serde(default)]
    pub poster_text: String,
}

/// A new batch of certificates: `count` split evenly across `store_ids` (none: unallocated).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct BatchInput {
    /// 1–100 000 (as typed in the form, or a number in JSON).
    #[serde(deserialize_with = "text_or_number")]
    #[cfg_attr(feature = "server", schema(value_type = i64, example = 1200))]
    pub count: String,
    #[serde(default)]
    pub store_ids: Vec<i64>,
}

/// A run of consecutive serial numbers in one place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct SerialRange {
    pub first: i64,
    pub last: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Batch {
    pub id: i64,
    pub campaign_id: i64,
    pub first_serial: i64,
    pub last_serial: i64,
    pub count: i64,
    pub created_at: String,
}

/// Where a campaign's certificates are: per store (or unallocated) and per state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct StoreStock {
    /// `None`: printed but not yet allocated to a store.
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
    pub partner_name: Option<String>,
    pub printed: i64,
    pub handed_out: i64,
    pub redeemed: i64,
    pub voided: i64,
    /// Serial ranges allocated here, in order.
    pub ranges: Vec<SerialRange>,
}

pub use crate::lifecycle::CertState;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Certificate {
    pub id: i64,
    pub campaign_id: i64,
    pub serial: i64,
    /// Printed form, e.g. `K7QD-M2XF-R9A`.
    pub code: String,
    pub url: String,
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
    pub state: CertState,
    pub void_reason: Option<String>,
}

/// Moves the printed (not yet handed out) certificates of a serial range to a store.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct MoveInput {
    #[serde(deserialize_with = "text_or_number")]
    #[cfg_attr(feature = "server", schema(value_type = i64))]
    pub first_serial: String,
    #[serde(deserialize_with = "text_or_number")]
    #[cfg_attr(feature = "server", schema(value_type = i64))]
    pub last_serial: String,
    /// Empty: back to unallocated.
    #[serde(default)]
    pub store_id: Option<i64>,
    #[serde(default)]
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct MoveResult {
    pub moved: i64,
    /// Certificates of the range that were already handed out, redeemed or voided: not moved.
    pub skipped: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct VoidInput {
    pub code: String,
    pub reason: String,
}

/// Paper participant forms to print for a store.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct FormBatchInput {
    pub store_id: Option<i64>,
    #[serde(deserialize_with = "text_or_number")]
    #[cfg_attr(feature = "server", schema(value_type = i64, example = 100))]
    pub count: String,
}

/// Paper participant forms printed for a store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct FormBatch {
    pub id: i64,
    pub campaign_id: i64,
    pub store_id: i64,
    pub store_name: String,
    pub first_serial: i64,
    pub last_serial: i64,
    pub created_at: String,
}

/// What anyone holding the certificate may see: no personal data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct PublicCertificate {
    pub code: String,
    pub serial: i64,
    pub campaign_name: String,
    pub title: String,
    pub terms: String,
    #[cfg_attr(feature = "server", schema(value_type = i64))]
    pub face_value: Money,
    pub valid_until: NaiveDate,
    pub status: PublicStatus,
    pub clinic_name: String,
    pub clinic_address: String,
    /// `+7XXXXXXXXXX` (empty if the clinic has not set it).
    pub clinic_phone: String,
    /// The certificate's own address (what its QR code holds).
    #[serde(default)]
    pub url: String,
    /// That QR code as inline SVG, to show at reception.
    #[serde(default)]
    pub qr_svg: String,
    /// The holder's phone waits for the code its SMS carried (a self-registration): the page
    /// asks for it.
    #[serde(default)]
    pub awaits_sms_code: bool,
}

/// The certificate's status as its holder sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PublicStatus {
    /// Can be used: book a visit.
    Valid,
    /// The campaign has not started yet.
    NotYetValid,
    Expired,
    Redeemed,
    Voided,
}

/// Accepts `"1 200"` from a form or `1200` from JSON.
pub(crate) fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum TextOrNumber {
        Text(String),
        Number(i64),
    }
    Ok(match TextOrNumber::deserialize(d)? {
        TextOrNumber::Text(s) => s,
        TextOrNumber::Number(n) => n.to_string(),
    })
}

/// A store as a mystery shopper needs it: where and when to go (no contacts, no figures).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShopperStore {
    pub partner_name: String,
    pub store_name: String,
    pub address: Option<String>,
    pub opening_hours: Option<String>,
}

/// A running campaign and the stores taking part, for the mystery shopper's home.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShopperCampaign {
    pub campaign_name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub stores: Vec<ShopperStore>,
}

// ---------- participants and their personal data (152-FZ) ----------

/// A participant found by the marketer's search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ParticipantSummary {
    pub id: i64,
    pub name: String,
    /// `+7XXXXXXXXXX` (empty once anonymised).
    pub phone: String,
    pub email: Option<String>,
    pub handouts: i64,
    pub visits: i64,
    pub consent_withdrawn_at: Option<String>,
    pub anonymised_at: Option<String>,
}

/// One certificate a participant received, with the consent given for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ParticipantHandout {
    pub campaign_name: String,
    pub store_name: String,
    pub employee_name: Option<String>,
    pub code: String,
    pub certificate_state: CertState,
    /// `staff`, `paper_form` or `self`.
    pub source: String,
    pub happened_at: String,
    /// The name and e-mail as typed for this hand-out.
    pub typed_name: Option<String>,
    pub typed_email: Option<String>,
    pub heard_from: Option<String>,
    /// The version (hash) of the consent text agreed to, and when.
    pub consent_version: String,
    pub consent_at: String,
    /// False for a self-registration nobody has confirmed.
    pub phone_confirmed: bool,
}

/// A visit credited to a participant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ParticipantVisit {
    pub visited_on: NaiveDate,
    #[cfg_attr(feature = "server", schema(value_type = i64))]
    pub amount: Money,
    pub services: Vec<String>,
    pub doctor: Option<String>,
    pub store_name: Option<String>,
}

/// Everything Sarafan keeps about one participant: what the marketer shows or hands over when
/// the person asks (152-FZ art. 14).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ParticipantRecord {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub birthday: Option<String>,
    pub created_at: String,
    pub consent_withdrawn_at: Option<String>,
    pub anonymised_at: Option<String>,
    pub handouts: Vec<ParticipantHandout>,
    pub visits: Vec<ParticipantVisit>,
    /// Paper forms typed in without a certificate: the contact and its consent.
    #[serde(default)]
    pub form_contacts: Vec<ParticipantContact>,
}

/// A paper form without a certificate, typed in from an import: where it was filled in and
/// the consent given on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ParticipantContact {
    pub campaign_name: String,
    pub store_name: String,
    pub form_serial: Option<i64>,
    /// The name and e-mail as typed on the form.
    pub typed_name: Option<String>,
    pub typed_email: Option<String>,
    pub heard_from: Option<String>,
    pub consent_version: String,
    /// The day on the form (or the import's moment when the form has none).
    pub consent_at: String,
    /// Who typed it in (the import's confirmer) and when.
    pub recorded_by: String,
    pub recorded_at: String,
    pub import_id: Option<i64>,
}
