//! How values are shown to people: "1 500 ₽", "31.12.2026", "+7 *** ***-45-67".

use chrono::NaiveDate;

use crate::i18n::Lang;
use crate::types::Money;

/// Groups thousands with a narrow no-break space, as Russian typography does.
fn group(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// "1 500 ₽", "1 500,50 ₽" (Russian) or "₽1,500.50" (English).
pub fn money(m: Money, lang: Lang) -> String {
    let rub = m.0 / 100;
    let kop = (m.0 % 100).abs();
    match lang {
        Lang::Ru if kop == 0 => format!("{}\u{a0}₽", group(rub)),
        Lang::Ru => format!("{},{kop:02}\u{a0}₽", group(rub)),
        Lang::En => {
            let g = group(rub).replace('\u{202f}', ",");
            if kop == 0 {
                format!("₽{g}")
            } else {
                format!("₽{g}.{kop:02}")
            }
        }
    }
}

/// An amount for a column or figure already headed "…, ₽": "1 500", "1 500,50" (Russian) or
/// "1,500.50" (English).
pub fn amount(m: Money, lang: Lang) -> String {
    let rub = m.0 / 100;
    let kop = (m.0 % 100).abs();
    // -0,50: the roubles alone would lose the sign.
    let sign = if m.0 < 0 && rub == 0 { "-" } else { "" };
    let (g, sep) = match lang {
        Lang::Ru => (group(rub), ','),
        Lang::En => (group(rub).replace('\u{202f}', ","), '.'),
    };
    if kop == 0 {
        format!("{sign}{g}")
    } else {
        format!("{sign}{g}{sep}{kop:02}")
    }
}

/// An amount for an input field: "1500" or "1500,50".
pub fn money_input(m: Money) -> String {
    if m.0 % 100 == 0 {
        (m.0 / 100).to_string()
    } else {
        format!("{},{:02}", m.0 / 100, m.0 % 100)
    }
}

/// "31.12.2026" in Russian, "31 Dec 2026" in English.
pub fn date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ru => d.format("%d.%m.%Y").to_string(),
        Lang::En => d.format("%-d %b %Y").to_string(),
    }
}

/// A `YYYY-MM-DD` date formatted as [`date`]; empty if unparsable.
pub fn date_text(day: &str, lang: Lang) -> String {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|d| date(d, lang))
        .unwrap_or_default()
}

/// The date part of a stored RFC 3339 time stamp, formatted as [`date`]; empty if unparsable.
pub fn date_of(stamp: &str, lang: Lang) -> String {
    chrono::DateTime::parse_from_rfc3339(stamp)
        .map(|d| date(d.date_naive(), lang))
        .unwrap_or_default()
}

/// Shows only the last four digits: "+7 *** ***-45-67".
pub fn masked_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() < 4 {
        return "***".into();
    }
    let n = digits.len();
    format!(
        "+7 *** ***-{}{}-{}{}",
        digits[n - 4],
        digits[n - 3],
        digits[n - 2],
        digits[n - 1]
    )
}

/// "+7 900 123-45-67" for a stored "+79001234567".
pub fn phone(phone: &str) -> String {
    let d: Vec<char> = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    if d.len() != 11 {
        return phone.to_owned();
    }
    let s: String = d.iter().collect();
    format!("+7 {} {}-{}-{}", &s[1..4], &s[4..7], &s[7..9], &s[9..11])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_as_russians_write_it() {
        assert_eq!(money(Money(150_000), Lang::Ru), "1\u{202f}500\u{a0}₽");
        assert_eq!(money(Money(50_000), Lang::Ru), "500\u{a0}₽");
        assert_eq!(money(Money(150_050), Lang::Ru), "1\u{202f}500,50\u{a0}₽");
        assert_eq!(money(Money(123_456_700), Lang::En), "₽1,234,567");
    }

    #[test]
    fn an_amount_under_a_rouble_heading_has_no_sign_but_keeps_its_minus() {
        assert_eq!(amount(Money(150_000), Lang::Ru), "1\u{202f}500");
        assert_eq!(amount(Money(-150_050), Lang::Ru), "-1\u{202f}500,50");
        assert_eq!(amount(Money(-50), Lang::Ru), "-0,50");
        assert_eq!(amount(Money(123_456_700), Lang::En), "1,234,567");
    }

    #[test]
    fn phones_are_masked_but_for_the_last_four_digits() {
        assert_eq!(masked_phone("+79001234567"), "+7 *** ***-45-67");
        assert_eq!(phone("+79001234567"), "+7 900 123-45-67");
    }

    #[test]
    fn dates_are_day_month_year_in_russian() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 8).expect("valid date");
        assert_eq!(date(d, Lang::Ru), "08.03.2026");
    }
}
