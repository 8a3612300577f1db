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

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;

use crate::clock::Week;

/// Visits within this many days after the redemption count as revenue, unless the campaign
/// says otherwise.
pub const DEFAULT_ATTRIBUTION_DAYS: i64 = 90;
pub const MAX_ATTRIBUTION_DAYS: i64 = 730;
/// The clinic's margin until the marketer sets it.
pub const DEFAULT_MARGIN_PERCENT: i64 = 40;

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
        /// The participant's consent stands (not withdrawn): a contact.
        contact: bool,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineOf {
    All,
    Store(i64),
    Employee(i64),
    Partner(i64),
}

/// One line's running figures, week by week, with its distinct contacts and buyers.
#[derive(Default)]
struct Acc {
    per: Vec<Figures>,
    total: Figures,
    contacts: Vec<HashSet<i64>>,
    all_contacts: HashSet<i64>,
    buyers: Vec<HashSet<i64>>,
    all_buyers: HashSet<i64>,
}

impl Acc {
    fn new(weeks: usize) -> Acc {
        Acc {
            per: vec![Figures::default(); weeks],
            contacts: vec![HashSet::new(); weeks],
            buyers: vec![HashSet::new(); weeks],
            ..Acc::default()
        }
    }
}

/// Every line's figures, counted in one pass over the events.
pub struct Tally {
    weeks: Vec<NaiveDate>,
    lines: HashMap<LineOf, Acc>,
    /// The campaign's revenue by visit day (for the cumulative profit).
    pub revenue_by_day: HashMap<NaiveDate, i64>,
}

impl Tally {
    /// Counts `events` for the whole campaign, each store, employee and the store's partner.
    pub fn count(weeks: &[NaiveDate], events: &[Event], partner_of: &HashMap<i64, i64>) -> Tally {
        let mut t = Tally {
            weeks: weeks.to_vec(),
            lines: HashMap::new(),
            revenue_by_day: HashMap::new(),
        };
        let n = weeks.len();
        for e in events {
            let (day, store, employee) = match *e {
                Event::HandedOut {
                    day,
                    store,
                    employee,
                    ..
                }
                | Event::Came {
                    day,
                    store,
                    employee,
                }
                | Event::Visit {
                    day,
                    store,
                    employee,
                    ..
                } => (day, store, employee),
            };
            if let Event::Visit { amount, .. } = *e {
                *t.revenue_by_day.entry(day).or_default() += amount;
            }
            let week = weeks.binary_search(&Week::of(day).monday).ok();
            let keys = [
                Some(LineOf::All),
                store.map(LineOf::Store),
                employee.map(LineOf::Employee),
                store
                    .and_then(|s| partner_of.get(&s))
                    .map(|p| LineOf::Partner(*p)),
            ];
            for key in keys.into_iter().flatten() {
                let acc = t.lines.entry(key).or_insert_with(|| Acc::new(n));
                match *e {
                    Event::HandedOut {
                        patient, contact, ..
                    } => {
                        acc.total.handed_out += 1;
                        if contact {
                            acc.all_contacts.insert(patient);
                        }
                        if let Some(i) = week {
                            acc.per[i].handed_out += 1;
                            if contact {
                                acc.contacts[i].insert(patient);
                            }
                        }
                    }
                    Event::Came { .. } => {
                        acc.total.came += 1;
                        if let Some(i) = week {
                            acc.per[i].came += 1;
                        }
                    }
                    Event::Visit {
                        patient,
                        amount,
                        first,
                        ..
                    } => {
                        let add = |f: &mut Figures| {
                            f.visits += 1;
                            if first {
                                f.revenue_first += amount;
                            } else {
                                f.revenue_later += amount;
                            }
                        };
                        add(&mut acc.total);
                        let buyer = patient.filter(|_| amount > 0);
                        if let Some(p) = buyer {
                            acc.all_buyers.insert(p);
                        }
                        if let Some(i) = week {
                            add(&mut acc.per[i]);
                            if let Some(p) = buyer {
                                acc.buyers[i].insert(p);
                            }
                        }
                    }
                }
            }
        }
        for acc in t.lines.values_mut() {
            for (i, f) in acc.per.iter_mut().enumerate() {
                f.contacts = acc.contacts[i].len() as i64;
                f.bought = acc.buyers[i].len() as i64;
            }
            acc.total.contacts = acc.all_contacts.len() as i64;
            acc.total.bought = acc.all_buyers.len() as i64;
        }
        t
    }

    /// One line's weeks and total (zeros for a line nothing was credited to).
    pub fn line(&self, of: LineOf) -> (Vec<Figures>, Figures) {
        match self.lines.get(&of) {
            Some(acc) => (acc.per.clone(), acc.total.clone()),
            None => (
                vec![Figures::default(); self.weeks.len()],
                Figures::default(),
            ),
        }
    }
}

/// Counts the events of one line, week by week, and in total.
pub fn line_figures(weeks: &[NaiveDate], events: &[Event], of: LineOf) -> (Vec<Figures>, Figures) {
    Tally::count(weeks, events, &HashMap::new()).line(of)
}

/// One row of the final report: a store, a partner, an employee or the whole campaign.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ReportLine {
    pub id: Option<i64>,
    pub name: String,
    /// The partner of a store or an employee's store.
    pub partner_name: String,
    /// Certificates printed for the campaign (a store: allocated to it).
    pub printed: i64,
    pub figures: Figures,
    /// Face value × certificates redeemed (already out of the revenue; not a cost).
    pub discount: i64,
    /// Costs: motivation paid to the line's employees, plus its share of the campaign's other
    /// costs by certificates allocated (an employee: their motivation only).
    pub costs: i64,
    /// Revenue × the clinic's margin − costs.
    pub profit: i64,
    /// Profit ÷ costs, percent; none without costs.
    pub roi_percent: Option<i64>,
    /// A store's latest mystery-shopper score.
    pub shopper_score: Option<i64>,
}

/// Printed → handed out → redeemed → came back for other services.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Funnel {
    pub printed: i64,
    pub handed_out: i64,
    pub redeemed: i64,
    pub bought: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct CostLine {
    /// `printing`, `motivation`, `sms`, `other`.
    pub category: String,
    pub amount: i64,
}

/// Cumulative profit at the end of a day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ProfitPoint {
    pub day: NaiveDate,
    pub profit: i64,
}

/// The campaign's results (item 21): everything, per store, partner and employee.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct FinalReport {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// The clinic day the report was made.
    pub as_of: Option<NaiveDate>,
    pub face_value: i64,
    pub margin_percent: i64,
    pub attribution_days: i64,
    pub funnel: Funnel,
    pub total: ReportLine,
    /// Partners by profit, best first: whom to repeat the promotion with.
    pub partners: Vec<ReportLine>,
    pub stores: Vec<ReportLine>,
    pub employees: Vec<ReportLine>,
    pub costs: Vec<CostLine>,
    /// Day by day from the first cost or the campaign's start through today.
    pub cumulative: Vec<ProfitPoint>,
    /// The day cumulative profit crossed zero.
    pub payback_on: Option<NaiveDate>,
    /// The campaign's weeks and each store's hand-outs and redemptions in them (the chart).
    pub weeks: Vec<NaiveDate>,
    pub weekly: Vec<WeeklyLine>,
}

/// Whether a visit is the campaign's: on a clinic day at most `attribution_days` after the day
/// of its redemption (a later visit is the clinic's own, not the campaign's).
pub fn within_window(visited_on: NaiveDate, redeemed_on: NaiveDate, attribution_days: i64) -> bool {
    visited_on <= redeemed_on + chrono::Duration::days(attribution_days)
}

/// Revenue × margin % − costs, in kopecks (the margin's share rounded down).
pub fn profit(revenue: i64, margin_percent: i64, costs: i64) -> i64 {
    revenue * margin_percent / 100 - costs
}

/// Profit ÷ costs in whole percent; none without costs.
pub fn roi_percent(profit: i64, costs: i64) -> Option<i64> {
    (costs > 0).then(|| (profit as i128 * 100 / costs as i128) as i64)
}

/// Splits `total` in proportion to `weights` (largest remainders; the parts add up to `total`).
/// Without any weight, equally.
pub fn allocate(total: i64, weights: &[i64]) -> Vec<i64> {
    if weights.is_empty() {
        return Vec::new();
    }
    let sum: i64 = weights.iter().sum();
    let (weights, sum): (Vec<i64>, i64) = if sum > 0 {
        (weights.to_vec(), sum)
    } else {
        (vec![1; weights.len()], weights.len() as i64)
    };
    let exact: Vec<i128> = weights.iter().map(|w| total as i128 * *w as i128).collect();
    let mut parts: Vec<i64> = exact.iter().map(|e| (e / sum as i128) as i64).collect();
    let mut left = total - parts.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(exact[i] % sum as i128));
    for i in order {
        if left <= 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

/// Cumulative profit day by day from `from` through `to`, and the day it crossed zero (the first
/// day it is at or above zero after being below).
pub fn cumulative(
    revenue_by_day: &HashMap<NaiveDate, i64>,
    costs_by_day: &HashMap<NaiveDate, i64>,
    margin_percent: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> (Vec<ProfitPoint>, Option<NaiveDate>) {
    let mut out = Vec::new();
    let (mut revenue, mut costs) = (0i64, 0i64);
    let mut below = false;
    let mut payback = None;
    let mut day = from;
    while day <= to && out.len() < 2000 {
        revenue += revenue_by_day.get(&day).copied().unwrap_or(0);
        costs += costs_by_day.get(&day).copied().unwrap_or(0);
        let p = profit(revenue, margin_percent, costs);
        if p < 0 {
            below = true;
        } else if below && payback.is_none() {
            payback = Some(day);
        }
        out.push(ProfitPoint { day, profit: p });
        day = day.succ_opt().unwrap_or(day);
    }
    (out, payback)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    #[test]
    fn profit_roi_and_payback_follow_the_definitions() {
        assert_eq!(profit(1_000_000, 40, 300_000), 100_000);
        assert_eq!(roi_percent(100_000, 300_000), Some(33));
        assert_eq!(roi_percent(100_000, 0), None);
        assert_eq!(allocate(100, &[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(allocate(1000, &[300, 100, 0]), vec![750, 250, 0]);
        assert_eq!(allocate(10, &[0, 0]), vec![5, 5]);
        let costs = HashMap::from([(d(11, 2), 500_000)]);
        let revenue = HashMap::from([(d(11, 5), 800_000), (d(11, 9), 600_000)]);
        let (points, payback) = cumulative(&revenue, &costs, 40, d(11, 2), d(11, 10));
        assert_eq!(points.len(), 9);
        assert_eq!(points[3].profit, 320_000 - 500_000, "after the first visit");
        assert_eq!(points[7].profit, 560_000 - 500_000);
        assert_eq!(
            payback,
            Some(d(11, 9)),
            "the day the second visit's margin covers the costs"
        );
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
            contact: true,
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
