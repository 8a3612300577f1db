//! Materials without codes — paper forms, posters, copies of the regulations, and kinds the
//! marketer adds — and their movements ledger per store (checklist items 2, 10, 11, 18).
//! Certificates are tracked one by one elsewhere: a lost certificate is voided, not counted.
//! Plain Rust: compiles for the browser too.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;

use crate::Msg;
use crate::forecast::Forecast;
use crate::types::string_enum;

string_enum! {
    /// What happened to a material in a store.
    Movement {
        /// Brought to the store (adds).
        Delivered => "delivered",
        /// Counted on site: sets the level, the difference is recorded.
        Counted => "counted",
        /// Taken back from the store (subtracts).
        Returned => "returned",
        /// Moved from this store to another (subtracts here, adds there).
        MovedOut => "moved_out",
        /// Received from another store.
        MovedIn => "moved_in",
    }
}

impl Movement {
    pub fn msg(self) -> Msg {
        match self {
            Movement::Delivered => Msg::MoveDelivered,
            Movement::Counted => Msg::MoveCounted,
            Movement::Returned => Msg::MoveReturned,
            Movement::MovedOut => Msg::MoveMovedOut,
            Movement::MovedIn => Msg::MoveMovedIn,
        }
    }
    /// The change of the level for `quantity`, before a count (which sets the level).
    pub fn delta(self, quantity: i64) -> i64 {
        match self {
            Movement::Delivered | Movement::MovedIn => quantity,
            Movement::Returned | Movement::MovedOut => -quantity,
            Movement::Counted => 0,
        }
    }
}

/// Built-in material kinds (their `builtin` key).
pub const FORMS: &str = "forms";
pub const POSTERS: &str = "posters";
pub const REGULATIONS: &str = "regulations";

/// The built-in kinds: key, Russian name, English name, minimum per store.
pub const BUILTIN_KINDS: &[(&str, &str, &str, i64)] = &[
    (FORMS, "Анкеты участников", "Participant forms", 0),
    (POSTERS, "Афишки", "Posters", 1),
    (
        REGULATIONS,
        "Регламент (бумажный экземпляр)",
        "Regulations (printed copy)",
        1,
    ),
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct MaterialKind {
    pub id: i64,
    pub builtin: Option<String>,
    pub name: String,
    pub name_en: String,
    /// A store holding fewer is an alert.
    pub per_store_min: i64,
    pub archived: bool,
}

impl MaterialKind {
    pub fn name_in(&self, lang: crate::Lang) -> &str {
        if lang == crate::Lang::En && !self.name_en.is_empty() {
            &self.name_en
        } else {
            &self.name
        }
    }
    pub fn is_forms(&self) -> bool {
        self.builtin.as_deref() == Some(FORMS)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct KindInput {
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub per_store_min: String,
    #[serde(default)]
    pub archived: bool,
}

/// A movement as typed: the store and material, what happened, how many, a note.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct MovementInput {
    pub store_id: i64,
    pub kind_id: i64,
    /// `delivered`, `counted`, `returned` or `moved_out` (with `to_store_id`).
    pub movement: String,
    pub quantity: String,
    #[serde(default)]
    pub to_store_id: Option<i64>,
    #[serde(default)]
    pub note: String,
}

/// One line of a store's ledger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct MovementRecord {
    pub id: i64,
    pub store_id: i64,
    pub kind_id: i64,
    pub kind_name: String,
    pub kind_name_en: String,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub movement: Movement,
    pub quantity: i64,
    /// The change of the level (for a count: counted minus expected).
    pub delta: i64,
    pub level_after: i64,
    pub other_store_name: Option<String>,
    pub note: Option<String>,
    pub actor: String,
    /// In the clinic's time (`dd.mm.yyyy hh:mm`).
    pub happened_at: String,
    pub happened_on: NaiveDate,
}

/// A material's level in a store (and, for paper forms, its forecast).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Level {
    pub kind_id: i64,
    pub level: i64,
    /// The last count on site, in the clinic's time.
    pub counted_at: Option<String>,
    /// Below the kind's minimum per store.
    pub below_min: bool,
}

/// A store's row of the stock page: certificates and forms with their forecast, and the
/// level of every other material.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct StoreStockRow {
    pub store_id: i64,
    pub store_name: String,
    pub partner_name: String,
    pub certificates: Forecast,
    pub forms: Forecast,
    /// Other materials, in the order of [`StockBoard::kinds`].
    pub levels: Vec<Level>,
}

impl StoreStockRow {
    /// Fewest days of cover of the two forecast materials (for sorting: the most urgent first).
    pub fn urgency(&self) -> i64 {
        [self.certificates, self.forms]
            .iter()
            .filter_map(|f| f.days_of_cover_x10)
            .min()
            .unwrap_or(i64::MAX)
    }
    pub fn alert(&self) -> bool {
        self.certificates.alert || self.forms.alert || self.levels.iter().any(|l| l.below_min)
    }
}

/// The stock page: stores × materials.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct StockBoard {
    pub campaign_id: i64,
    pub min_days_cover: i64,
    /// The materials besides certificates and forms (posters, regulations, the clinic's own).
    pub kinds: Vec<MaterialKind>,
    /// The forms kind (its ledger is the forms' counts and deliveries).
    pub forms_kind_id: i64,
    pub rows: Vec<StoreStockRow>,
}

/// A store employee's count from their phone: material and how many are there now.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct CountInput {
    pub campaign_id: i64,
    pub kind_id: i64,
    pub quantity: String,
    #[serde(default)]
    pub note: String,
}

/// A store's request for more: certificates (`kind_id` empty) or a material, how many
/// (optional), a note.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct StockRequestInput {
    pub campaign_id: i64,
    #[serde(default)]
    pub kind_id: Option<i64>,
    #[serde(default)]
    pub quantity: String,
    #[serde(default)]
    pub note: String,
}

/// What a store employee sees on their stock page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct StaffStock {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub store_name: String,
    pub certificates_on_hand: i64,
    pub kinds: Vec<MaterialKind>,
    pub levels: Vec<Level>,
    /// Their store's requests, newest first: material, count, state, when.
    pub requests: Vec<StaffRequest>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct StaffRequest {
    pub id: i64,
    pub material: String,
    pub count: Option<i64>,
    pub note: Option<String>,
    pub done: bool,
    pub created_at: String,
}
