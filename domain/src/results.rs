//! The week's results (checklist item 17д), with the definitions every report uses:
//!
//! - **handed out**: certificates given to participants (staff, paper forms, self-registration),
//!   by the day they were handed out;
//! - **contacts**: distinct participants among those hand-outs (a hand-out always carries the
//!   participant's consent);
//! - **came**: certificates redeemed at the clinic (undone redemptions do not count), by the day
//!   of the redemption;
//! - **bought other services**: distinct participants with a paid visit (amount > 0);
//! - **revenue**: what participants paid at their visits (net of the certificate's discount),
//!   split into the redemption visit (the first visit of a redemption) and later visits.
//!
//! Everything is counted in the clinic's Mon–Sun weeks and credited to the store and employee of
//! the hand-out (redemptions and visits keep the credit fixed at redemption). Plain Rust.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;

use crate::clock::Week;

/// One row's figures for one week (or the whole campaign).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Figures {
    pub handed_out: i64,
    pub contacts: i64,
    pub came: i64,
    pub bought: i64,
    pub visits: i64,
    /// Kopecks paid at redemption visits (the first visit of each redemption).
    pub revenue_first: i64,
    /// Kopecks paid at later visits.
    pub revenue_later: i64,
}

impl Figures {
    pub fn revenue(&self) -> i64 {
        self.revenue_first + self.revenue_later
    }
}

/// A store's or an employee's weeks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct WeeklyLine {
    pub store_id: Option<i64>,
    pub store_name: String,
    pub employee_id: Option<i64>,
    pub employee_name: Option<String>,
    /// One entry per week of [`WeeklySummary::weeks`].
    pub weeks: Vec<Figures>,
    pub total: Figures,
}

/// Week over week, per store and per employee (item 17д).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct WeeklySummary {
    pub campaign_id: i64,
    pub campaign_name: String,
    /// Mondays of the campaign's clinic weeks up to this one.
    pub weeks: Vec<NaiveDate>,
    pub stores: Vec<WeeklyLine>,
    pub employees: Vec<WeeklyLine>,
    /// The whole campaign, week by week.
    pub total: WeeklyLine,
}

/// The events the summary counts, each already placed on its clinic day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    HandedOut {
        day: NaiveDate,
        store: Option<i64>,
        employee: Option<i64>,
        patient: i64,
    },
    Came {
        day: NaiveDate,
        store: Option<i64>,
        employee: Option<i64>,
    },
    Visit {
        day: NaiveDate,
        store: Option<i64>,
        employee: Option<i64>,
        patient: Option<i64>,
        amount: i64,
        first: bool,
    },
}

/// The weeks from `start` through the week of `through` (at most 110: two years).
pub fn weeks(start: NaiveDate, through: NaiveDate) -> Vec<NaiveDate> {
    let mut w = Week::of(start);
    let last = Week::of(through);
    let mut out = Vec::new();
    while w.monday <= last.monday && out.len() < 110 {
        out.push(w.monday);
        w = w.next();
    }
    out
}

/// Who a figure is credited to, for one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineOf {
    All,
    Store(i64),
    Employee(i64),
}

/// Counts the events of one line, week by week, and in total.
pub fn line_figures(weeks: &[NaiveDate], events: &[Event], of: LineOf) -> (Vec<Figures>, Figures) {
    use std::collections::HashSet;
    let index = |day: NaiveDate| {
        let monday = Week::of(day).monday;
        weeks.binary_search(&monday).ok()
    };
    let mine = |store: Option<i64>, employee: Option<i64>| match of {
        LineOf::All => true,
        LineOf::Store(s) => store == Some(s),
        LineOf::Employee(e) => employee == Some(e),
    };
    let mut per: Vec<Figures> = vec![Figures::default(); weeks.len()];
    let mut total = Figures::default();
    let mut contacts: Vec<HashSet<i64>> = vec![HashSet::new(); weeks.len()];
    let mut all_contacts = HashSet::new();
    let mut buyers: Vec<HashSet<i64>> = vec![HashSet::new(); weeks.len()];
    let mut all_buyers = HashSet::new();
    for e in events {
        match *e {
            Event::HandedOut {
                day,
                store,
                employee,
                patient,
            } if mine(store, employee) => {
                total.handed_out += 1;
                all_contacts.insert(patient);
                if let Some(i) = index(day) {
                    per[i].handed_out += 1;
                    contacts[i].insert(patient);
                }
            }
            Event::Came {
                day,
                store,
                employee,
            } if mine(store, employee) => {
                total.came += 1;
                if let Some(i) = index(day) {
                    per[i].came += 1;
                }
            }
            Event::Visit {
                day,
                store,
                employee,
                patient,
                amount,
                first,
            } if mine(store, employee) => {
                let add = |f: &mut Figures| {
                    f.visits += 1;
                    if first {
                        f.revenue_first += amount;
                    } else {
                        f.revenue_later += amount;
                    }
                };
                add(&mut total);
                if amount > 0
                    && let Some(p) = patient
                {
                    all_buyers.insert(p);
                }
                if let Some(i) = index(day) {
                    add(&mut per[i]);
                    if amount > 0
                        && let Some(p) = patient
                    {
                        buyers[i].insert(p);
                    }
                }
            }
            _ => {}
        }
    }
    for (i, f) in per.iter_mut().enumerate() {
        f.contacts = contacts[i].len() as i64;
        f.bought = buyers[i].len() as i64;
    }
    total.contacts = all_contacts.len() as i64;
    total.bought = all_buyers.len() as i64;
    (per, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    #[test]
    fn figures_fall_into_their_clinic_week_and_contacts_are_distinct() {
        let weeks = weeks(d(11, 18), d(11, 30));
        assert_eq!(weeks, vec![d(11, 16), d(11, 23), d(11, 30)]);
        let h = |day, store, patient| Event::HandedOut {
            day,
            store: Some(store),
            employee: Some(store * 10),
            patient,
        };
        let events = vec![
            h(d(11, 22), 1, 100),
            h(d(11, 23), 1, 101),
            h(d(11, 23), 1, 101),
            h(d(11, 24), 2, 102),
            Event::Came {
                day: d(11, 25),
                store: Some(1),
                employee: Some(10),
            },
            Event::Visit {
                day: d(11, 25),
                store: Some(1),
                employee: Some(10),
                patient: Some(100),
                amount: 0,
                first: true,
            },
            Event::Visit {
                day: d(12, 1),
                store: Some(1),
                employee: Some(10),
                patient: Some(100),
                amount: 350_000,
                first: false,
            },
        ];
        let (per, total) = line_figures(&weeks, &events, LineOf::Store(1));
        assert_eq!(
            per.iter().map(|f| f.handed_out).collect::<Vec<_>>(),
            [1, 2, 0]
        );
        assert_eq!(per[1].contacts, 1, "the same participant twice");
        assert_eq!((per[1].came, per[1].bought, per[2].bought), (1, 0, 1));
        assert_eq!(
            (total.handed_out, total.contacts, total.revenue()),
            (3, 2, 350_000)
        );
        let (all, _) = line_figures(&weeks, &events, LineOf::All);
        assert_eq!(all[1].handed_out, 3);
        let (emp, _) = line_figures(&weeks, &events, LineOf::Employee(20));
        assert_eq!(emp[1].handed_out, 1);
    }
}
