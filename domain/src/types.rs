//! Parse, don't validate: values are checked once at the edge and trusted inside.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, FieldError};

/// A trimmed, non-empty text of at most `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, ErrorCode::Required));
    }
    optional_text(field, v, max).map(|o| o.unwrap_or_default())
}

/// A trimmed text of at most `max` characters; empty becomes `None`.
pub fn optional_text(field: &str, value: &str, max: usize) -> Result<Option<String>, FieldError> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(FieldError::new(field, ErrorCode::TooLong));
    }
    Ok(if v.is_empty() {
        None
    } else {
        Some(v.to_owned())
    })
}

/// A Russian mobile or landline number, stored as `+7XXXXXXXXXX`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// Accepts the ways people write numbers: `8 (900) 123-45-67`, `+7 900 1234567`, `9001234567`.
    pub fn parse(field: &str, input: &str) -> Result<Phone, FieldError> {
        let bad = || FieldError::new(field, ErrorCode::InvalidPhone);
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(FieldError::new(field, ErrorCode::Required));
        }
        if trimmed
            .chars()
            .any(|c| !(c.is_ascii_digit() || " +-()\u{a0}.".contains(c)))
        {
            return Err(bad());
        }
        if trimmed.matches('+').count() > 1 || (trimmed.contains('+') && !trimmed.starts_with('+'))
        {
            return Err(bad());
        }
        let digits: String = trimmed.chars().filter(|c| c.is_ascii_digit()).collect();
        let national = match digits.len() {
            10 => digits.as_str(),
            11 if digits.starts_with('7') => &digits[1..],
            11 if digits.starts_with('8') && !trimmed.starts_with('+') => &digits[1..],
            _ => return Err(bad()),
        };
        // Russian numbers start with 3, 4, 8 (landlines, toll-free) or 9 (mobiles).
        if !matches!(national.as_bytes().first(), Some(b'3' | b'4' | b'8' | b'9')) {
            return Err(bad());
        }
        Ok(Phone(format!("+7{national}")))
    }
    pub fn parse_optional(field: &str, input: &str) -> Result<Option<Phone>, FieldError> {
        if input.trim().is_empty() {
            Ok(None)
        } else {
            Phone::parse(field, input).map(Some)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// An e-mail address, lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, input: &str) -> Result<Email, FieldError> {
        let v = input.trim().to_lowercase();
        if v.is_empty() {
            return Err(FieldError::new(field, ErrorCode::Required));
        }
        if v.chars().count() > 254 {
            return Err(FieldError::new(field, ErrorCode::TooLong));
        }
        let bad = || FieldError::new(field, ErrorCode::InvalidEmail);
        let (local, domain) = v.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.len() < 3
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
            || v.chars()
                .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
            || domain.contains('@')
        {
            return Err(bad());
        }
        Ok(Email(v))
    }
    pub fn parse_optional(field: &str, input: &str) -> Result<Option<Email>, FieldError> {
        if input.trim().is_empty() {
            Ok(None)
        } else {
            Email::parse(field, input).map(Some)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Money in integer kopecks. Never a float.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    pub const MAX_KOPECKS: i64 = 100_000_000_000; // a billion roubles: more is a typo

    pub fn kopecks(self) -> i64 {
        self.0
    }
    pub fn from_rubles(rubles: i64) -> Money {
        Money(rubles * 100)
    }
    /// Parses an amount in roubles as people type it: `1 500`, `1500,50`, `1500.5 ₽`.
    /// Negative amounts are refused.
    pub fn parse(field: &str, input: &str) -> Result<Money, FieldError> {
        let bad = || FieldError::new(field, ErrorCode::InvalidMoney);
        let cleaned: String = input
            .trim()
            .trim_end_matches('₽')
            .trim_end_matches("руб.")
            .trim_end_matches("руб")
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '\u{a0}')
            .collect();
        if cleaned.is_empty() {
            return Err(FieldError::new(field, ErrorCode::Required));
        }
        if cleaned.starts_with('-') {
            return Err(FieldError::new(field, ErrorCode::NegativeMoney));
        }
        let cleaned = cleaned.replace(',', ".");
        let (whole, frac) = match cleaned.split_once('.') {
            Some((w, f)) => (w, f),
            None => (cleaned.as_str(), ""),
        };
        if whole.is_empty() && frac.is_empty() {
            return Err(bad());
        }
        if !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
            || frac.len() > 2
        {
            return Err(bad());
        }
        if whole.len() > 12 {
            return Err(bad());
        }
        let rubles: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let kop: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac.parse().map_err(|_| bad())?,
        };
        let total = rubles
            .checked_mul(100)
            .and_then(|r| r.checked_add(kop))
            .ok_or_else(bad)?;
        if total > Self::MAX_KOPECKS {
            return Err(bad());
        }
        Ok(Money(total))
    }
    /// Checks an amount given directly in kopecks (the JSON API).
    pub fn from_kopecks(field: &str, kopecks: i64) -> Result<Money, FieldError> {
        if kopecks < 0 {
            return Err(FieldError::new(field, ErrorCode::NegativeMoney));
        }
        if kopecks > Self::MAX_KOPECKS {
            return Err(FieldError::new(field, ErrorCode::InvalidMoney));
        }
        Ok(Money(kopecks))
    }
}

/// Parses a date as `dd.mm.yyyy` (what people type) or `yyyy-mm-dd` (an `<input type=date>`).
pub fn parse_date(field: &str, input: &str) -> Result<NaiveDate, FieldError> {
    let v = input.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, ErrorCode::Required));
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(v, "%d.%m.%Y"))
        .map_err(|_| FieldError::new(field, ErrorCode::InvalidDate))
}

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $variant),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),* }
            }
            pub fn parse(field: &str, s: &str) -> Result<$name, $crate::error::FieldError> {
                match s.trim() {
                    $($s => Ok($name::$variant),)*
                    _ => Err($crate::error::FieldError::new(field, $crate::error::ErrorCode::InvalidChoice)),
                }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use string_enum;

string_enum! {
    /// What a person may do in Sarafan.
    Role {
        Marketer => "marketer",
        Reception => "reception",
        StoreStaff => "store_staff",
        MysteryShopper => "mystery_shopper",
    }
}

string_enum! {
    CampaignStatus { Draft => "draft", Active => "active", Finished => "finished" }
}

string_enum! {
    CostCategory { Printing => "printing", Motivation => "motivation", Sms => "sms", Other => "other" }
}

impl Role {
    pub fn msg(self) -> crate::Msg {
        use crate::Msg;
        match self {
            Role::Marketer => Msg::RoleMarketer,
            Role::Reception => Msg::RoleReception,
            Role::StoreStaff => Msg::RoleStoreStaff,
            Role::MysteryShopper => Msg::RoleMysteryShopper,
        }
    }
}

impl CampaignStatus {
    pub fn msg(self) -> crate::Msg {
        use crate::Msg;
        match self {
            CampaignStatus::Draft => Msg::StatusDraft,
            CampaignStatus::Active => Msg::StatusActive,
            CampaignStatus::Finished => Msg::StatusFinished,
        }
    }
}

impl CostCategory {
    pub fn msg(self) -> crate::Msg {
        use crate::Msg;
        match self {
            CostCategory::Printing => Msg::CostPrinting,
            CostCategory::Motivation => Msg::CostMotivation,
            CostCategory::Sms => Msg::CostSms,
            CostCategory::Other => Msg::CostOther,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(s: &str) -> Result<String, ErrorCode> {
        Phone::parse("phone", s)
            .map(|p| p.into_string())
            .map_err(|e| e.code)
    }

    #[test]
    fn phones_are_normalised_to_plus_seven() {
        assert_eq!(phone("8 (900) 123-45-67"), Ok("+79001234567".into()));
        assert_eq!(phone("+7 900 123 45 67"), Ok("+79001234567".into()));
        assert_eq!(phone("9001234567"), Ok("+79001234567".into()));
        assert_eq!(phone("7-900-123-45-67"), Ok("+79001234567".into()));
        assert_eq!(phone("+7 (495) 123-45-67"), Ok("+74951234567".into()));
    }

    #[test]
    fn malformed_phones_are_refused() {
        assert_eq!(phone(""), Err(ErrorCode::Required));
        assert_eq!(phone("12345"), Err(ErrorCode::InvalidPhone));
        assert_eq!(phone("+1 202 555 0100"), Err(ErrorCode::InvalidPhone));
        assert_eq!(phone("+8 900 123 45 67"), Err(ErrorCode::InvalidPhone));
        assert_eq!(phone("900-CALL-NOW"), Err(ErrorCode::InvalidPhone));
        assert_eq!(phone("0001234567"), Err(ErrorCode::InvalidPhone));
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            Email::parse("email", " Anna@Clinic.RU ").map(|e| e.into_string()),
            Ok("anna@clinic.ru".into())
        );
        for bad in [
            "anna",
            "anna@",
            "@clinic.ru",
            "anna@clinic",
            "an na@clinic.ru",
            "a@b@c.ru",
            "a@.ru",
        ] {
            assert_eq!(
                Email::parse("email", bad).map_err(|e| e.code),
                Err(ErrorCode::InvalidEmail),
                "{bad}"
            );
        }
    }

    #[test]
    fn money_is_parsed_into_kopecks() {
        let m = |s: &str| Money::parse("amount", s).map(|m| m.0).map_err(|e| e.code);
        assert_eq!(m("500"), Ok(50_000));
        assert_eq!(m("1 500"), Ok(150_000));
        assert_eq!(m("1500,5"), Ok(150_050));
        assert_eq!(m("1500.05 ₽"), Ok(150_005));
        assert_eq!(m("-1"), Err(ErrorCode::NegativeMoney));
        assert_eq!(m("1.234"), Err(ErrorCode::InvalidMoney));
        assert_eq!(m("abc"), Err(ErrorCode::InvalidMoney));
        assert_eq!(m(""), Err(ErrorCode::Required));
        assert_eq!(m("99999999999999"), Err(ErrorCode::InvalidMoney));
    }

    #[test]
    fn dates_are_read_in_russian_and_iso_forms() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 31);
        assert_eq!(parse_date("d", "31.12.2026").ok(), d);
        assert_eq!(parse_date("d", "2026-12-31").ok(), d);
        assert!(parse_date("d", "31/12/2026").is_err());
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(required_text("name", "  Аня ", 10), Ok("Аня".into()));
        assert_eq!(
            required_text("name", "   ", 10).map_err(|e| e.code),
            Err(ErrorCode::Required)
        );
        assert_eq!(
            required_text("name", &"я".repeat(11), 10).map_err(|e| e.code),
            Err(ErrorCode::TooLong)
        );
    }
}
