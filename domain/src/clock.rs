//! The clinic clock: what time it is, and what day and week it is *at the clinic*.
//!
//! Every operation reads time from one [`Clock`] held by the application state (inside
//! [`crate::db::Db`]), never from `Utc::now()` directly, so tests set the clock instead of
//! editing rows, and the demo can be started on any date. The clinic's time zone is parsed once
//! (when the settings are read or saved) and kept here. Weeks run Monday to Sunday.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// A clinic week, Monday to Sunday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Week {
    pub monday: NaiveDate,
}

impl Week {
    /// The week a date falls in.
    pub fn of(day: NaiveDate) -> Week {
        Week {
            monday: day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
        }
    }
    pub fn sunday(self) -> NaiveDate {
        self.monday + Duration::days(6)
    }
    pub fn contains(self, day: NaiveDate) -> bool {
        (self.monday..=self.sunday()).contains(&day)
    }
    pub fn next(self) -> Week {
        Week {
            monday: self.monday + Duration::days(7),
        }
    }
    pub fn previous(self) -> Week {
        Week {
            monday: self.monday - Duration::days(7),
        }
    }
}

#[cfg(feature = "server")]
pub use server_clock::Clock;

#[cfg(feature = "server")]
mod server_clock {
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::{Arc, RwLock};

    use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
    use chrono_tz::Tz;

    use super::Week;

    /// The clinic clock (cheap to clone: clones share the time and the zone).
    #[derive(Clone, Debug)]
    pub struct Clock(Arc<Inner>);

    #[derive(Debug)]
    struct Inner {
        /// How far this clock runs ahead of the system clock (negative: behind), microseconds.
        offset_us: AtomicI64,
        zone: RwLock<Tz>,
    }

    /// The zone the clinic is in until its settings say otherwise.
    pub const DEFAULT_ZONE: Tz = chrono_tz::Europe::Moscow;

    impl Default for Clock {
        fn default() -> Self {
            Clock::system()
        }
    }

    impl Clock {
        /// The machine's clock, in the default zone until the settings are read.
        pub fn system() -> Clock {
            Clock(Arc::new(Inner {
                offset_us: AtomicI64::new(0),
                zone: RwLock::new(DEFAULT_ZONE),
            }))
        }

        /// A clock that reads `t` now and runs on from there (tests, demos).
        pub fn starting_at(t: DateTime<Utc>) -> Clock {
            let c = Clock::system();
            c.set(t);
            c
        }

        /// The current instant.
        pub fn now(&self) -> DateTime<Utc> {
            Utc::now() + Duration::microseconds(self.0.offset_us.load(Ordering::Relaxed))
        }

        /// Moves the clock so that it reads `t` now; it keeps running from there.
        pub fn set(&self, t: DateTime<Utc>) {
            let offset = (t - Utc::now()).num_microseconds().unwrap_or(0);
            self.0.offset_us.store(offset, Ordering::Relaxed);
        }

        /// Moves the clock forward (or back, with a negative duration).
        pub fn advance(&self, by: Duration) {
            self.0
                .offset_us
                .fetch_add(by.num_microseconds().unwrap_or(0), Ordering::Relaxed);
        }

        /// The clinic's time zone.
        pub fn zone(&self) -> Tz {
            self.0.zone.read().map(|z| *z).unwrap_or(DEFAULT_ZONE)
        }

        pub fn set_zone(&self, zone: Tz) {
            if let Ok(mut z) = self.0.zone.write() {
                *z = zone;
            }
        }

        /// Sets the zone from its IANA name (as stored in the settings); an unknown name keeps
        /// the default zone.
        pub fn set_zone_name(&self, name: &str) {
            self.set_zone(name.parse().unwrap_or(DEFAULT_ZONE));
        }

        /// An instant as the clinic's wall clock shows it.
        pub fn local(&self, t: DateTime<Utc>) -> DateTime<Tz> {
            t.with_timezone(&self.zone())
        }

        /// The clinic's date at an instant.
        pub fn date_of(&self, t: DateTime<Utc>) -> NaiveDate {
            self.local(t).date_naive()
        }

        /// Today at the clinic.
        pub fn today(&self) -> NaiveDate {
            self.date_of(self.now())
        }

        /// This week (Monday to Sunday) at the clinic.
        pub fn this_week(&self) -> Week {
            Week::of(self.today())
        }

        /// The instant a clinic day begins (local midnight; the first valid instant on a day
        /// whose midnight a clock change skips).
        pub fn day_start(&self, day: NaiveDate) -> DateTime<Utc> {
            let zone = self.zone();
            let mut local = day.and_hms_opt(0, 0, 0).unwrap_or_default();
            for _ in 0..4 {
                if let Some(t) = zone.from_local_datetime(&local).earliest() {
                    return t.with_timezone(&Utc);
                }
                local += Duration::minutes(30);
            }
            Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        }

        /// `dd.mm.yyyy HH:MM` at the clinic, as reception reads it.
        pub fn local_text(&self, t: DateTime<Utc>) -> String {
            self.local(t).format("%d.%m.%Y %H:%M").to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn a_week_runs_from_monday_to_sunday() {
        let w = Week::of(d(2026, 11, 30)); // a Monday
        assert_eq!(w.monday, d(2026, 11, 30));
        assert_eq!(Week::of(d(2026, 12, 6)), w); // Sunday
        assert_eq!(Week::of(d(2026, 12, 7)), w.next());
        assert_eq!(w.sunday(), d(2026, 12, 6));
        assert!(w.contains(d(2026, 12, 3)));
        assert!(!w.contains(d(2026, 11, 29)));
        assert_eq!(w.previous().monday, d(2026, 11, 23));
    }

    #[cfg(feature = "server")]
    #[test]
    fn the_clinic_day_changes_at_local_midnight_not_utc() {
        use chrono::{TimeZone, Utc};
        // 21:30 UTC on Sunday is 00:30 on Monday in Moscow (UTC+3).
        let c = Clock::starting_at(Utc.with_ymd_and_hms(2026, 11, 29, 21, 30, 0).unwrap());
        assert_eq!(c.today(), d(2026, 11, 30));
        assert_eq!(c.this_week().monday, d(2026, 11, 30));
        assert_eq!(
            c.day_start(d(2026, 11, 30)),
            Utc.with_ymd_and_hms(2026, 11, 29, 21, 0, 0).unwrap()
        );
        c.set_zone_name("Asia/Vladivostok"); // UTC+10: already Monday morning
        assert_eq!(c.today(), d(2026, 11, 30));
        c.set_zone_name("America/New_York"); // still Sunday afternoon
        assert_eq!(c.today(), d(2026, 11, 29));
        assert_eq!(c.this_week().monday, d(2026, 11, 23));
    }

    #[cfg(feature = "server")]
    #[test]
    fn a_set_clock_keeps_running_and_can_be_moved_on() {
        use chrono::{Duration, TimeZone, Utc};
        let t = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap();
        let c = Clock::starting_at(t);
        let now = c.now();
        assert!(now >= t && now - t < Duration::seconds(5));
        c.advance(Duration::days(7));
        assert!(c.now() - t >= Duration::days(7));
        let shared = c.clone();
        shared.set(t);
        assert!(c.now() - t < Duration::seconds(5), "clones share the time");
    }
}
