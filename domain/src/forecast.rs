//! The stock forecast of a store (checklist items 9, 11, 17б, 17в): how long its certificates
//! and participant forms last at the pace of the last week, when they run out, and what to
//! deliver by when so that the store holds at least a week ahead.
//!
//! Plain integer arithmetic over "use per week" (the count of the last [`USE_WINDOW_DAYS`]),
//! so the figures are exact and the same on every machine.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;

/// Days of use the pace is measured over (today and the six days before).
pub const USE_WINDOW_DAYS: i64 = 7;
/// A store should hold this many days of stock after a delivery (the weekly check).
pub const WEEK_AHEAD_DAYS: i64 = 7;
/// Below this many days of cover a store is an alert, unless the campaign says otherwise.
pub const DEFAULT_MIN_DAYS: i64 = 5;

/// What a store holds and used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    pub on_hand: i64,
    /// Used over the last [`USE_WINDOW_DAYS`] days.
    pub used: i64,
}

/// A delivery that keeps the store a week ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Delivery {
    pub count: i64,
    pub by: NaiveDate,
}

/// The forecast of one material in one store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Forecast {
    pub on_hand: i64,
    /// Used over the last seven days.
    pub used_last_week: i64,
    /// Average use a day, in hundredths (143 = 1.43 a day).
    pub daily_use_x100: i64,
    /// Days the stock lasts at that pace, in tenths; `None` when nothing was used.
    pub days_of_cover_x10: Option<i64>,
    /// The day the stock is gone at that pace.
    pub runs_out_on: Option<NaiveDate>,
    /// Fewer days of cover than the campaign's minimum.
    pub alert: bool,
    /// The stock lasts beyond the campaign's last day at this pace.
    pub lasts_to_end: bool,
    /// What to deliver, and by when, so that the store does not drop below the minimum and holds
    /// a week ahead (or what is left of the campaign); `None` when nothing is needed before the
    /// campaign ends.
    pub deliver: Option<Delivery>,
}

/// The campaign facts a forecast needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Horizon {
    pub today: NaiveDate,
    /// The campaign's last day of hand-outs.
    pub last_day: NaiveDate,
    pub min_days: i64,
}

fn ceil_div(a: i64, b: i64) -> i64 {
    (a + b - 1).div_euclid(b)
}

/// Both materials of one store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct StoreForecast {
    pub store_id: i64,
    pub store_name: String,
    pub partner_name: String,
    pub certificates: Forecast,
    /// Paper participant forms.
    pub forms: Forecast,
}

impl StoreForecast {
    /// Fewest days of cover of the two materials (for sorting: the most urgent first).
    pub fn urgency(&self) -> i64 {
        [self.certificates, self.forms]
            .iter()
            .filter_map(|f| f.days_of_cover_x10)
            .min()
            .unwrap_or(i64::MAX)
    }
}

/// The forecast of one material in one store.
pub fn forecast(u: Usage, h: Horizon) -> Forecast {
    let on_hand = u.on_hand.max(0);
    let per_week = u.used.max(0);
    let base = Forecast {
        on_hand,
        used_last_week: per_week,
        daily_use_x100: per_week * 100 / USE_WINDOW_DAYS,
        days_of_cover_x10: None,
        runs_out_on: None,
        alert: false,
        lasts_to_end: per_week == 0,
        deliver: None,
    };
    if per_week == 0 {
        return base;
    }
    // Days of cover = on_hand / (per_week / 7).
    let cover_days = on_hand * USE_WINDOW_DAYS / per_week;
    let alert = on_hand * USE_WINDOW_DAYS < h.min_days * per_week;
    // The delivery arrives before the stock falls below the minimum: after `by_days` days.
    let by_days = ((on_hand * USE_WINDOW_DAYS - h.min_days * per_week) / per_week).max(0);
    let by = h.today + Duration::days(by_days);
    let deliver = (by <= h.last_day).then(|| {
        // What is left then, and what the following week (or the rest of the campaign) needs.
        let left_then = on_hand * USE_WINDOW_DAYS - per_week * by_days; // in sevenths
        let days_needed = ((h.last_day - by).num_days() + 1).min(WEEK_AHEAD_DAYS);
        let needed = per_week * days_needed; // in sevenths
        Delivery {
            count: ceil_div(needed - left_then, USE_WINDOW_DAYS).max(0),
            by,
        }
    });
    let runs_out_on = h.today + Duration::days(cover_days);
    Forecast {
        days_of_cover_x10: Some(on_hand * USE_WINDOW_DAYS * 10 / per_week),
        runs_out_on: Some(runs_out_on),
        lasts_to_end: runs_out_on > h.last_day,
        alert,
        deliver: deliver.filter(|d| d.count > 0),
        ..base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(if m >= 6 { 2026 } else { 2027 }, m, day).expect("date")
    }

    fn horizon() -> Horizon {
        Horizon {
            today: d(11, 30),
            last_day: d(1, 31),
            min_days: 5,
        }
    }

    #[test]
    fn a_store_using_two_a_day_with_twenty_left_is_ten_days_covered() {
        // 14 used in the week = 2 a day; 20 on hand = 10 days, gone on 10 December.
        let f = forecast(
            Usage {
                on_hand: 20,
                used: 14,
            },
            horizon(),
        );
        assert_eq!(f.daily_use_x100, 200);
        assert_eq!(f.days_of_cover_x10, Some(100));
        assert_eq!(f.runs_out_on, Some(d(12, 10)));
        assert!(!f.alert);
        // It must not fall below 5 days (10 left): deliver by 5 December, when 10 are left, so
        // that it then holds a week (14): 4 more.
        assert_eq!(
            f.deliver,
            Some(Delivery {
                count: 4,
                by: d(12, 5)
            })
        );
    }

    #[test]
    fn a_store_below_five_days_is_an_alert_and_must_be_delivered_to_today() {
        // 21 a week = 3 a day; 9 on hand = 3 days (< 5): deliver today 21 − 9 = 12.
        let f = forecast(
            Usage {
                on_hand: 9,
                used: 21,
            },
            horizon(),
        );
        assert_eq!(f.days_of_cover_x10, Some(30));
        assert!(f.alert);
        assert_eq!(
            f.deliver,
            Some(Delivery {
                count: 12,
                by: d(11, 30)
            })
        );
        let empty = forecast(
            Usage {
                on_hand: 0,
                used: 7,
            },
            horizon(),
        );
        assert!(empty.alert);
        assert_eq!(empty.runs_out_on, Some(d(11, 30)), "it ran out today");
    }

    #[test]
    fn a_fractional_pace_rounds_deliveries_up() {
        // 10 a week = 1.43 a day; 12 on hand = 8.4 days; below 5 days after 3 days (7.7 left):
        // a week needs 10, so deliver 3 (2.3 rounded up) by 3 December.
        let f = forecast(
            Usage {
                on_hand: 12,
                used: 10,
            },
            horizon(),
        );
        assert_eq!(f.daily_use_x100, 142);
        assert_eq!(f.days_of_cover_x10, Some(84));
        assert_eq!(
            f.deliver,
            Some(Delivery {
                count: 3,
                by: d(12, 3)
            })
        );
    }

    #[test]
    fn near_the_end_only_the_days_left_are_delivered_for_and_nothing_after_it() {
        let h = Horizon {
            last_day: d(12, 2),
            ..horizon()
        };
        // 2 a day, 6 on hand (3 days): deliver today for today … 2 December (3 days = 6): none.
        assert_eq!(
            forecast(
                Usage {
                    on_hand: 6,
                    used: 14
                },
                h
            )
            .deliver,
            None
        );
        // 2 on hand: 4 more for the three days left.
        assert_eq!(
            forecast(
                Usage {
                    on_hand: 2,
                    used: 14
                },
                h
            )
            .deliver,
            Some(Delivery {
                count: 4,
                by: d(11, 30)
            })
        );
        // Plenty: the minimum is reached only after the campaign.
        assert_eq!(
            forecast(
                Usage {
                    on_hand: 100,
                    used: 14
                },
                h
            )
            .deliver,
            None
        );
    }

    #[test]
    fn a_store_that_used_nothing_has_no_forecast_and_no_alert() {
        let f = forecast(
            Usage {
                on_hand: 0,
                used: 0,
            },
            horizon(),
        );
        assert_eq!(
            (f.days_of_cover_x10, f.runs_out_on, f.alert, f.deliver),
            (None, None, false, None)
        );
        assert!(f.lasts_to_end);
        let plenty = Usage {
            on_hand: 200,
            used: 7,
        };
        assert!(forecast(plenty, horizon()).lasts_to_end);
        let short = Usage {
            on_hand: 20,
            used: 14,
        };
        assert!(!forecast(short, horizon()).lasts_to_end);
    }
}
