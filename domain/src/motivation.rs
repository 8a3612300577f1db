//! Staff motivation (checklist items 5–6 and 17г): what a partner employee earns each clinic week
//! (Mon–Sun), their standing, the marketer's payouts, and the signals that hold a bonus until the
//! marketer has looked. Plain Rust: compiles for the browser too.
//!
//! **What counts** (each amount optional, set per campaign):
//! - a hand-out (it always carries the participant's contacts and consent) — in the week of the
//!   hand-out, or, when the marketer counts verified events only, in the week its certificate is
//!   redeemed at reception;
//! - a redemption at reception (undone redemptions do not count), in its week;
//! - a participant who bought other services (a paid visit), once per participant, in the week
//!   of their first paid visit;
//! - capped per employee and week when the campaign sets a cap.
//!
//! **Payouts**: the marketer marks a finished week as paid; each employee's due amount is written
//! once, and the week's total once into the campaign's costs (`motivation`). A later change to a
//! paid week (an undone redemption, a released hold) is never a silent change to the paid week:
//! the difference is carried as an *adjustment* into the next week that is not yet paid.
//!
//! **Signals** hold an employee's bonus for the week until the marketer reviews it (release or
//! withhold): a participant's phone equals an employee's; several hand-outs to phones differing
//! in one digit; a burst of hand-outs just before the week closes; hand-outs that are never
//! redeemed.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;

use crate::Msg;
use crate::clock::Week;
use crate::error::{ErrorCode, FieldError};
use crate::types::{Money, string_enum};

/// Hand-outs to phones one digit apart from another of the employee's: this many is a signal.
pub const NEAR_PHONES_MIN: usize = 3;
/// A burst: at least this many hand-outs in the week's last [`BURST_HOURS`] hours…
pub const BURST_MIN: usize = 5;
pub const BURST_HOURS: i64 = 6;
/// …making at least half of the employee's hand-outs that week.
pub const BURST_SHARE_PERCENT: usize = 50;
/// Never redeemed: at least this many hand-outs at least [`NEVER_REDEEMED_DAYS`] old, none
/// redeemed.
pub const NEVER_REDEEMED_MIN: usize = 10;
pub const NEVER_REDEEMED_DAYS: i64 = 14;
/// The largest amount per event or cap a campaign may set: 100 000 ₽.
pub const MAX_AMOUNT: i64 = 10_000_000;

/// A campaign's motivation rules; amounts in kopecks, 0 = not paid for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Rules {
    pub per_handout: i64,
    /// Count a hand-out only once its certificate is redeemed at reception (in that week).
    pub handout_when_redeemed: bool,
    pub per_redemption: i64,
    pub per_buyer: i64,
    /// Most an employee earns in one week; `None` = no cap.
    pub weekly_cap: Option<i64>,
}

impl Rules {
    pub fn is_empty(&self) -> bool {
        self.per_handout == 0 && self.per_redemption == 0 && self.per_buyer == 0
    }
}

/// The rules as typed: roubles ("150", "1 500,50"); an empty cap means none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct RulesInput {
    #[serde(default)]
    pub per_handout: String,
    #[serde(default)]
    pub handout_when_redeemed: bool,
    #[serde(default)]
    pub per_redemption: String,
    #[serde(default)]
    pub per_buyer: String,
    #[serde(default)]
    pub weekly_cap: String,
}

impl RulesInput {
    /// Checks every amount; errors name their field.
    pub fn parse(&self) -> Result<Rules, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut amount = |field: &'static str, text: &str| -> i64 {
            if text.trim().is_empty() {
                return 0;
            }
            match Money::parse(field, text) {
                Ok(m) if m.kopecks() <= MAX_AMOUNT => m.kopecks(),
                Ok(_) => {
                    errors.push(FieldError::new(field, ErrorCode::AmountTooLarge));
                    0
                }
                Err(e) => {
                    errors.push(e);
                    0
                }
            }
        };
        let per_handout = amount("per_handout", &self.per_handout);
        let per_redemption = amount("per_redemption", &self.per_redemption);
        let per_buyer = amount("per_buyer", &self.per_buyer);
        let cap = amount("weekly_cap", &self.weekly_cap);
        if errors.is_empty() {
            Ok(Rules {
                per_handout,
                handout_when_redeemed: self.handout_when_redeemed,
                per_redemption,
                per_buyer,
                weekly_cap: (!self.weekly_cap.trim().is_empty()).then_some(cap),
            })
        } else {
            Err(errors)
        }
    }
}

string_enum! {
    /// Why an employee's bonus is held for a week.
    Signal {
        /// A participant's phone is an employee's.
        OwnPhone => "own_phone",
        /// Several hand-outs to phones that differ in one digit.
        NearPhones => "near_phones",
        /// Most of the week's hand-outs in its last hours.
        Burst => "burst",
        /// Many old hand-outs, none redeemed.
        NeverRedeemed => "never_redeemed",
    }
}

impl Signal {
    pub fn msg(self) -> Msg {
        match self {
            Signal::OwnPhone => Msg::SignalOwnPhone,
            Signal::NearPhones => Msg::SignalNearPhones,
            Signal::Burst => Msg::SignalBurst,
            Signal::NeverRedeemed => Msg::SignalNeverRedeemed,
        }
    }
}

string_enum! {
    /// The marketer's decision on a held bonus.
    Decision {
        /// Nothing wrong: pay it.
        Release => "release",
        /// Not paid for this week.
        Withhold => "withhold",
    }
}

impl Decision {
    pub fn msg(self) -> Msg {
        match self {
            Decision::Release => Msg::DecisionRelease,
            Decision::Withhold => Msg::DecisionWithhold,
        }
    }
}

/// One hand-out, as motivation sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handout {
    pub employee: i64,
    /// The clinic's local time of the hand-out.
    pub at: NaiveDateTime,
    pub phone: String,
    /// The clinic day its certificate was redeemed (live redemptions only).
    pub redeemed_on: Option<NaiveDate>,
}

/// Everything the week-by-week computation reads.
#[derive(Clone, Debug, Default)]
pub struct Input {
    pub rules: Rules,
    /// Mondays of the campaign's weeks through the current one, in order.
    pub weeks: Vec<NaiveDate>,
    /// The clinic's today: a week is finished after its Sunday.
    pub today: NaiveDate,
    /// Employees: id, name, store id, store name.
    pub employees: Vec<(i64, String, Option<i64>, String)>,
    pub handouts: Vec<Handout>,
    /// Live redemptions credited to an employee: (employee, clinic day).
    pub redemptions: Vec<(i64, NaiveDate)>,
    /// Paid visits: (employee credited, participant, clinic day).
    pub paid_visits: Vec<(i64, i64, NaiveDate)>,
    /// Every staff member's phone (normalised) → their user id.
    pub staff_phones: HashMap<String, i64>,
    /// Payouts made: week's Monday → (paid at, paid by, per employee amount).
    pub payouts: BTreeMap<NaiveDate, Payout>,
    /// Reviews: (week's Monday, employee) → decision.
    pub reviews: HashMap<(NaiveDate, i64), Review>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Payout {
    pub paid_at: String,
    pub paid_by: String,
    pub total: i64,
    /// (employee id, amount paid).
    pub lines: Vec<(i64, i64)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Review {
    #[cfg_attr(feature = "server", schema(value_type = String, example = "release"))]
    pub decision: Decision,
    pub note: String,
    pub by: String,
    pub at: String,
}

/// An employee's week.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct EmployeeWeek {
    pub employee_id: i64,
    pub employee_name: String,
    pub store_id: Option<i64>,
    pub store_name: String,
    /// Hand-outs that earn this week (by the hand-out's week, or by redemption when only
    /// verified hand-outs count).
    pub handouts: i64,
    pub redemptions: i64,
    pub buyers: i64,
    /// Earned by the rules this week, after the cap, kopecks.
    pub earned: i64,
    /// The cap cut the amount.
    pub capped: bool,
    /// Signals this week; while unreviewed, `earned` is held.
    #[cfg_attr(feature = "server", schema(value_type = Vec<String>))]
    pub signals: Vec<Signal>,
    pub review: Option<Review>,
    /// Held until the marketer reviews the signals.
    pub held: i64,
    /// Carried from earlier, already paid weeks (negative after an undone redemption).
    pub adjustment: i64,
    /// What is owed for this week now: earned (unless held or withheld) + adjustment.
    pub due: i64,
    /// What the week's payout paid this employee.
    pub paid: Option<i64>,
    /// 1 = first among the campaign's employees this week.
    pub rank: i64,
    /// 1 = first among the employees of the same store this week.
    pub store_rank: i64,
}

/// A store's week: the sum of its employees.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct StoreWeek {
    pub store_id: i64,
    pub store_name: String,
    pub handouts: i64,
    pub redemptions: i64,
    pub buyers: i64,
    pub earned: i64,
    pub rank: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct WeekStanding {
    pub monday: NaiveDate,
    pub finished: bool,
    pub payout: Option<Payout>,
    /// What paying the week now would pay (held bonuses excluded).
    pub payable: i64,
    /// Employees with unreviewed signals.
    pub to_review: i64,
    pub employees: Vec<EmployeeWeek>,
    pub stores: Vec<StoreWeek>,
}

/// The campaign's motivation, newest week first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Standings {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub rules: Rules,
    pub weeks: Vec<WeekStanding>,
    /// Paid so far, kopecks (the campaign's `motivation` costs written by payouts).
    pub paid_total: i64,
}

/// What a store employee sees on their phone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct StaffStanding {
    pub monday: NaiveDate,
    pub handouts: i64,
    pub redemptions: i64,
    pub earned: i64,
    pub held: bool,
    pub rank: i64,
    /// Employees of the campaign this week.
    pub of: i64,
    pub store_rank: i64,
    pub stores: i64,
    /// Last week's result, once it is over.
    pub last_week_earned: Option<i64>,
    pub last_week_paid: Option<i64>,
}

fn week_index(weeks: &[NaiveDate], day: NaiveDate) -> Option<usize> {
    weeks.binary_search(&Week::of(day).monday).ok()
}

/// The signals of one employee for one week.
fn signals(
    input: &Input,
    employee: i64,
    week: NaiveDate,
    mine: &[&Handout],
    by_phone: &HashMap<&str, usize>,
) -> Vec<Signal> {
    let this_week: Vec<&&Handout> = mine
        .iter()
        .filter(|h| Week::of(h.at.date()).monday == week)
        .collect();
    let mut out = Vec::new();
    if this_week
        .iter()
        .any(|h| input.staff_phones.contains_key(&h.phone))
    {
        out.push(Signal::OwnPhone);
    }
    // Hand-outs this week whose phone is one digit from another of the employee's phones.
    let near = this_week
        .iter()
        .filter(|h| {
            let bytes = h.phone.as_bytes();
            (1..bytes.len()).any(|i| {
                let mut v = bytes.to_vec();
                (b'0'..=b'9').any(|d| {
                    if d == bytes[i] {
                        return false;
                    }
                    v[i] = d;
                    std::str::from_utf8(&v)
                        .ok()
                        .is_some_and(|s| by_phone.contains_key(s))
                })
            })
        })
        .count();
    if near >= NEAR_PHONES_MIN {
        out.push(Signal::NearPhones);
    }
    let closes = (week + Duration::days(7)).and_time(NaiveTime::MIN);
    let burst = this_week
        .iter()
        .filter(|h| h.at >= closes - Duration::hours(BURST_HOURS))
        .count();
    if burst >= BURST_MIN && burst * 100 >= this_week.len() * BURST_SHARE_PERCENT {
        out.push(Signal::Burst);
    }
    if !this_week.is_empty() {
        let old_before = week + Duration::days(7) - Duration::days(NEVER_REDEEMED_DAYS);
        let old: Vec<_> = mine.iter().filter(|h| h.at.date() < old_before).collect();
        if old.len() >= NEVER_REDEEMED_MIN && old.iter().all(|h| h.redeemed_on.is_none()) {
            out.push(Signal::NeverRedeemed);
        }
    }
    let _ = employee;
    out
}

/// Ranks by earned, then hand-outs, then redemptions (equal figures share a rank).
fn rank_by<T>(items: &mut [T], key: impl Fn(&T) -> (i64, i64, i64), set: impl Fn(&mut T, i64)) {
    let mut keys: Vec<(i64, i64, i64)> = items.iter().map(&key).collect();
    keys.sort_unstable_by(|a, b| b.cmp(a));
    for item in items.iter_mut() {
        let k = key(item);
        let rank = keys.iter().position(|x| *x == k).unwrap_or(0) as i64 + 1;
        set(item, rank);
    }
}

/// Computes every week's standing, oldest first.
pub fn compute(input: &Input) -> Vec<WeekStanding> {
    let n = input.weeks.len();
    let rules = &input.rules;
    // Per employee: counts per week.
    #[derive(Clone)]
    struct Counts {
        handouts: Vec<i64>,
        redemptions: Vec<i64>,
        buyers: Vec<i64>,
    }
    let mut counts: HashMap<i64, Counts> = HashMap::new();
    let blank = Counts {
        handouts: vec![0; n],
        redemptions: vec![0; n],
        buyers: vec![0; n],
    };
    let mut mine: HashMap<i64, Vec<&Handout>> = HashMap::new();
    for h in &input.handouts {
        mine.entry(h.employee).or_default().push(h);
        let day = if rules.handout_when_redeemed {
            h.redeemed_on
        } else {
            Some(h.at.date())
        };
        if let Some(i) = day.and_then(|d| week_index(&input.weeks, d)) {
            counts
                .entry(h.employee)
                .or_insert_with(|| blank.clone())
                .handouts[i] += 1;
        }
    }
    for &(e, day) in &input.redemptions {
        if let Some(i) = week_index(&input.weeks, day) {
            counts.entry(e).or_insert_with(|| blank.clone()).redemptions[i] += 1;
        }
    }
    let mut first_paid: HashMap<(i64, i64), NaiveDate> = HashMap::new();
    for &(e, patient, day) in &input.paid_visits {
        let d = first_paid.entry((e, patient)).or_insert(day);
        if day < *d {
            *d = day;
        }
    }
    for (&(e, _), &day) in &first_paid {
        if let Some(i) = week_index(&input.weeks, day) {
            counts.entry(e).or_insert_with(|| blank.clone()).buyers[i] += 1;
        }
    }
    let phones: HashMap<i64, HashMap<&str, usize>> = mine
        .iter()
        .map(|(e, hs)| {
            let mut m: HashMap<&str, usize> = HashMap::new();
            for h in hs {
                *m.entry(h.phone.as_str()).or_default() += 1;
            }
            (*e, m)
        })
        .collect();
    let mut employees = input.employees.clone();
    // Anyone credited who is no longer on a store's staff list still appears.
    let known: HashSet<i64> = employees.iter().map(|e| e.0).collect();
    let mut extra: Vec<i64> = counts
        .keys()
        .filter(|e| !known.contains(e))
        .copied()
        .collect();
    extra.sort_unstable();
    for e in extra {
        employees.push((e, format!("#{e}"), None, String::new()));
    }
    let mut out: Vec<WeekStanding> = input
        .weeks
        .iter()
        .map(|&monday| WeekStanding {
            monday,
            finished: Week { monday }.sunday() < input.today,
            payout: input.payouts.get(&monday).cloned(),
            ..WeekStanding::default()
        })
        .collect();
    let empty_phones = HashMap::new();
    for (id, name, store_id, store_name) in &employees {
        let c = counts.get(id).cloned().unwrap_or_else(|| blank.clone());
        let hs: &[&Handout] = mine.get(id).map(Vec::as_slice).unwrap_or(&[]);
        let by_phone = phones.get(id).unwrap_or(&empty_phones);
        let mut carry = 0i64;
        for (i, w) in out.iter_mut().enumerate() {
            let raw = c.handouts[i] * rules.per_handout
                + c.redemptions[i] * rules.per_redemption
                + c.buyers[i] * rules.per_buyer;
            let earned = rules.weekly_cap.map_or(raw, |cap| raw.min(cap));
            let sig = if c.handouts[i] > 0
                || hs.iter().any(|h| Week::of(h.at.date()).monday == w.monday)
            {
                signals(input, *id, w.monday, hs, by_phone)
            } else {
                Vec::new()
            };
            let review = input.reviews.get(&(w.monday, *id)).cloned();
            let base = match review.as_ref().map(|r| r.decision) {
                Some(Decision::Withhold) => 0,
                _ => earned,
            };
            let held = if !sig.is_empty() && review.is_none() {
                base
            } else {
                0
            };
            let due = base - held + carry;
            let paid = w
                .payout
                .as_ref()
                .map(|p| p.lines.iter().find(|l| l.0 == *id).map_or(0, |l| l.1));
            carry = match paid {
                Some(p) => due - p,
                None => 0,
            };
            let active = c.handouts[i] + c.redemptions[i] + c.buyers[i] != 0
                || due != 0
                || held != 0
                || paid.is_some_and(|p| p != 0)
                || store_id.is_some();
            if !active {
                continue;
            }
            w.employees.push(EmployeeWeek {
                employee_id: *id,
                employee_name: name.clone(),
                store_id: *store_id,
                store_name: store_name.clone(),
                handouts: c.handouts[i],
                redemptions: c.redemptions[i],
                buyers: c.buyers[i],
                earned,
                capped: earned < raw,
                signals: sig,
                review,
                held,
                adjustment: due - base + held,
                due,
                paid,
                rank: 0,
                store_rank: 0,
            });
        }
    }
    for w in &mut out {
        rank_by(
            &mut w.employees,
            |e| (e.earned, e.handouts, e.redemptions),
            |e, r| e.rank = r,
        );
        let mut stores: BTreeMap<i64, StoreWeek> = BTreeMap::new();
        for e in &w.employees {
            let Some(s) = e.store_id else { continue };
            let sw = stores.entry(s).or_insert_with(|| StoreWeek {
                store_id: s,
                store_name: e.store_name.clone(),
                ..StoreWeek::default()
            });
            sw.handouts += e.handouts;
            sw.redemptions += e.redemptions;
            sw.buyers += e.buyers;
            sw.earned += e.earned;
        }
        let ranks: Vec<(i64, (i64, i64, i64))> = w
            .employees
            .iter()
            .map(|e| {
                (
                    e.store_id.unwrap_or(0),
                    (e.earned, e.handouts, e.redemptions),
                )
            })
            .collect();
        for e in &mut w.employees {
            let k = (e.earned, e.handouts, e.redemptions);
            let s = e.store_id.unwrap_or(0);
            e.store_rank = ranks.iter().filter(|(st, x)| *st == s && *x > k).count() as i64 + 1;
        }
        let mut stores: Vec<StoreWeek> = stores.into_values().collect();
        rank_by(
            &mut stores,
            |s| (s.earned, s.handouts, s.redemptions),
            |s, r| s.rank = r,
        );
        w.stores = stores;
        w.employees.sort_by(|a, b| {
            a.rank
                .cmp(&b.rank)
                .then(a.employee_name.cmp(&b.employee_name))
        });
        w.stores
            .sort_by(|a, b| a.rank.cmp(&b.rank).then(a.store_name.cmp(&b.store_name)));
        w.payable = w.employees.iter().map(|e| e.due.max(0)).sum();
        w.to_review = w
            .employees
            .iter()
            .filter(|e| e.held != 0 || (!e.signals.is_empty() && e.review.is_none()))
            .count() as i64;
    }
    out
}

/// The lines a payout of `week` writes: each employee's positive due amount.
pub fn payout_lines(week: &WeekStanding) -> Vec<(i64, Option<i64>, i64)> {
    week.employees
        .iter()
        .filter(|e| e.due > 0)
        .map(|e| (e.employee_id, e.store_id, e.due))
        .collect()
}

/// One employee's view of the current week and the last one.
pub fn staff_standing(weeks: &[WeekStanding], employee: i64) -> Option<StaffStanding> {
    let current = weeks.last()?;
    let me = current
        .employees
        .iter()
        .find(|e| e.employee_id == employee)?;
    let store = current
        .stores
        .iter()
        .find(|s| Some(s.store_id) == me.store_id);
    let last = weeks.len().checked_sub(2).and_then(|i| weeks.get(i));
    let last_me = last.and_then(|w| w.employees.iter().find(|e| e.employee_id == employee));
    Some(StaffStanding {
        monday: current.monday,
        handouts: me.handouts,
        redemptions: me.redemptions,
        earned: me.earned,
        held: me.held != 0,
        rank: me.rank,
        of: current.employees.len() as i64,
        store_rank: store.map_or(0, |s| s.rank),
        stores: current.stores.len() as i64,
        last_week_earned: last_me.map(|e| e.earned),
        last_week_paid: last_me.and_then(|e| e.paid),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Phones one digit apart: the same length, one position different.
    fn one_digit_apart(a: &str, b: &str) -> bool {
        a.len() == b.len() && a.bytes().zip(b.bytes()).filter(|(x, y)| x != y).count() == 1
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }
    fn at(m: u32, day: u32, h: u32) -> NaiveDateTime {
        d(m, day).and_hms_opt(h, 0, 0).expect("time")
    }
    fn handout(e: i64, when: NaiveDateTime, phone: &str) -> Handout {
        Handout {
            employee: e,
            at: when,
            phone: phone.into(),
            redeemed_on: None,
        }
    }
    fn input() -> Input {
        Input {
            rules: Rules {
                per_handout: 5_000,
                handout_when_redeemed: false,
                per_redemption: 20_000,
                per_buyer: 30_000,
                weekly_cap: None,
            },
            weeks: vec![d(11, 2), d(11, 9), d(11, 16)],
            today: d(11, 18),
            employees: vec![
                (1, "Анна".into(), Some(10), "Атлет".into()),
                (2, "Борис".into(), Some(10), "Атлет".into()),
                (3, "Вера".into(), Some(20), "Лотос".into()),
            ],
            ..Input::default()
        }
    }

    #[test]
    fn an_employee_earns_by_the_rules_in_the_week_each_event_happened() {
        let mut i = input();
        i.handouts = vec![
            handout(1, at(11, 3, 12), "+79160000001"),
            handout(1, at(11, 4, 12), "+79160000102"),
            handout(2, at(11, 10, 12), "+79160000203"),
        ];
        i.redemptions = vec![(1, d(11, 10))];
        i.paid_visits = vec![(1, 100, d(11, 12)), (1, 100, d(11, 17))];
        let w = compute(&i);
        let anna = |k: usize| {
            w[k].employees
                .iter()
                .find(|e| e.employee_id == 1)
                .cloned()
                .expect("anna")
        };
        assert_eq!(anna(0).earned, 10_000, "two hand-outs in the first week");
        assert_eq!(
            anna(1).earned,
            20_000 + 30_000,
            "a redemption and a first paid visit"
        );
        assert_eq!(
            anna(2).earned,
            0,
            "the participant's second paid visit earns nothing"
        );
        assert!(w[0].finished && w[1].finished && !w[2].finished);
        assert_eq!(
            w[1].employees[0].employee_id, 1,
            "Анна leads the second week"
        );
        assert_eq!(w[1].stores[0].earned, 55_000);
        assert_eq!(w[1].stores[0].rank, 1);
    }

    #[test]
    fn verified_only_counts_a_handout_in_the_week_its_certificate_is_redeemed() {
        let mut i = input();
        i.rules.handout_when_redeemed = true;
        let mut h = handout(1, at(11, 3, 12), "+79160000001");
        h.redeemed_on = Some(d(11, 17));
        i.handouts = vec![h, handout(1, at(11, 3, 13), "+79160000002")];
        let w = compute(&i);
        assert_eq!(
            w[0].employees
                .iter()
                .find(|e| e.employee_id == 1)
                .map(|e| e.earned),
            Some(0)
        );
        assert_eq!(
            w[2].employees
                .iter()
                .find(|e| e.employee_id == 1)
                .map(|e| e.handouts),
            Some(1)
        );
    }

    #[test]
    fn a_cap_limits_the_week_and_says_so() {
        let mut i = input();
        i.rules.weekly_cap = Some(12_000);
        i.handouts = (0..4)
            .map(|k| handout(3, at(11, 3, 10 + k), &format!("+7916000{k}{k}{k}{k}")))
            .collect();
        let w = compute(&i);
        let v = w[0]
            .employees
            .iter()
            .find(|e| e.employee_id == 3)
            .expect("vera");
        assert_eq!((v.earned, v.capped), (12_000, true));
    }

    #[test]
    fn an_undo_after_a_payout_is_an_adjustment_to_the_next_unpaid_week() {
        let mut i = input();
        i.redemptions = vec![(2, d(11, 4)), (2, d(11, 5))];
        let before = compute(&i);
        assert_eq!(before[0].payable, 40_000);
        i.payouts.insert(
            d(11, 2),
            Payout {
                paid_at: "2026-11-09".into(),
                paid_by: "Марина".into(),
                total: 40_000,
                lines: payout_lines(&before[0])
                    .iter()
                    .map(|l| (l.0, l.2))
                    .collect(),
            },
        );
        // One of the two redemptions is undone after the payout.
        i.redemptions.pop();
        let after = compute(&i);
        let boris = |k: usize| {
            after[k]
                .employees
                .iter()
                .find(|e| e.employee_id == 2)
                .cloned()
                .expect("boris")
        };
        assert_eq!(
            boris(0).paid,
            Some(40_000),
            "the paid week keeps what was paid"
        );
        assert_eq!(boris(0).earned, 20_000);
        assert_eq!(
            boris(1).adjustment,
            -20_000,
            "the next week carries the difference"
        );
        assert_eq!(boris(1).due, -20_000);
        assert_eq!(after[1].payable, 0, "a negative amount is not paid out");
        assert_eq!(boris(2).adjustment, 0, "an unpaid week does not pass it on");
    }

    #[test]
    fn signals_hold_the_bonus_until_the_marketer_reviews_it() {
        let mut i = input();
        i.staff_phones.insert("+79161112233".into(), 2);
        i.handouts = vec![
            handout(1, at(11, 3, 12), "+79161112233"),
            handout(1, at(11, 3, 13), "+79165550001"),
        ];
        let w = compute(&i);
        let a = w[0]
            .employees
            .iter()
            .find(|e| e.employee_id == 1)
            .expect("anna");
        assert_eq!(a.signals, vec![Signal::OwnPhone]);
        assert_eq!((a.held, a.due), (10_000, 0));
        assert_eq!(w[0].to_review, 1);
        i.reviews.insert(
            (d(11, 2), 1),
            Review {
                decision: Decision::Release,
                note: String::new(),
                by: "M".into(),
                at: "t".into(),
            },
        );
        let a = compute(&i)[0]
            .employees
            .iter()
            .find(|e| e.employee_id == 1)
            .cloned()
            .expect("anna");
        assert_eq!((a.held, a.due), (0, 10_000));
        i.reviews.get_mut(&(d(11, 2), 1)).expect("review").decision = Decision::Withhold;
        let a = compute(&i)[0]
            .employees
            .iter()
            .find(|e| e.employee_id == 1)
            .cloned()
            .expect("anna");
        assert_eq!((a.held, a.due), (0, 0));
    }

    #[test]
    fn phones_one_digit_apart_and_a_burst_before_the_week_closes_are_signals() {
        let mut i = input();
        i.handouts = vec![
            handout(1, at(11, 3, 12), "+79161234501"),
            handout(1, at(11, 3, 12), "+79161234502"),
            handout(1, at(11, 3, 12), "+79161234503"),
            handout(1, at(11, 3, 12), "+79169999999"),
        ];
        i.handouts.extend((0..5).map(|k| {
            handout(
                2,
                at(11, 8, 19 + (k % 4)),
                &format!("+7903{k}{k}{k}0000{k}"),
            )
        }));
        i.handouts.push(handout(2, at(11, 4, 10), "+79050000000"));
        let w = compute(&i);
        let sig = |e: i64| {
            w[0].employees
                .iter()
                .find(|x| x.employee_id == e)
                .map(|x| x.signals.clone())
        };
        assert_eq!(sig(1), Some(vec![Signal::NearPhones]));
        assert_eq!(
            sig(2),
            Some(vec![Signal::Burst]),
            "5 of 6 in Sunday's last six hours"
        );
        assert_eq!(sig(3), Some(vec![]));
        assert!(one_digit_apart("+79161234501", "+79161234509"));
        assert!(!one_digit_apart("+79161234501", "+79161234510"));
    }

    #[test]
    fn many_old_handouts_never_redeemed_are_a_signal() {
        let mut i = input();
        i.weeks = vec![d(11, 2), d(11, 9), d(11, 16), d(11, 23)];
        i.today = d(11, 25);
        i.handouts = (0..10)
            .map(|k| handout(3, at(11, 3, 8 + k), &format!("+791600000{k:02}")))
            .collect();
        i.handouts.push(handout(3, at(11, 24, 10), "+79160000999"));
        let w = compute(&i);
        let v = w[3]
            .employees
            .iter()
            .find(|e| e.employee_id == 3)
            .expect("vera");
        assert_eq!(v.signals, vec![Signal::NeverRedeemed]);
        i.handouts[0].redeemed_on = Some(d(11, 20));
        let w = compute(&i);
        assert!(
            w[3].employees
                .iter()
                .find(|e| e.employee_id == 3)
                .expect("vera")
                .signals
                .is_empty()
        );
    }

    #[test]
    fn a_staff_member_sees_their_rank_and_their_stores() {
        let mut i = input();
        i.handouts = vec![
            handout(1, at(11, 17, 12), "+79160000001"),
            handout(3, at(11, 17, 12), "+79160000002"),
            handout(3, at(11, 17, 13), "+79160000003"),
        ];
        let w = compute(&i);
        let s = staff_standing(&w, 1).expect("standing");
        assert_eq!((s.handouts, s.earned, s.rank, s.of), (1, 5_000, 2, 3));
        assert_eq!((s.store_rank, s.stores), (2, 2));
        assert_eq!(s.last_week_earned, Some(0));
    }
}
