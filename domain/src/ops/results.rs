//! Results: the week's summary (item 17д) per store and employee, week over week, and the final
//! report (item 21) with profit, ROI and payback per store, partner and employee, with the
//! definitions of `crate::results`; as JSON, as spreadsheets (`crate::export`) and as a
//! printable PDF (`crate::report_pdf`).

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::auth::Actor;
use crate::db::{self, Db};
use crate::error::DomainError;
use crate::i18n::Lang;
use crate::ids::CampaignId;
use crate::model::Campaign;
use crate::policy::Op;
use crate::results::{
    CostLine, Event, FinalReport, Funnel, LineOf, ReportLine, Tally, WeeklyLine, WeeklySummary,
    allocate, cumulative, profit, roi_percent, weeks, within_window,
};
use crate::types::CostCategory;

/// Clinic days of stored UTC timestamps. When the clinic's zone is a whole number of hours from
/// UTC (every zone of Russia), the day changes only on a UTC hour, so the day is worked out once
/// per hour of the timestamps instead of once per row.
struct Days<'a> {
    db: &'a Db,
    by_hour: Option<HashMap<[u8; 13], Option<NaiveDate>>>,
}

impl<'a> Days<'a> {
    fn new(db: &'a Db, c: &Campaign) -> Days<'a> {
        use chrono::{Offset, TimeZone};
        let zone = db.clock.zone();
        let whole_hours = [db.clock.day_start(c.start_date), db.clock.now()]
            .iter()
            .all(|t| {
                zone.offset_from_utc_datetime(&t.naive_utc())
                    .fix()
                    .local_minus_utc()
                    % 3600
                    == 0
            });
        Days {
            db,
            by_hour: whole_hours.then(HashMap::new),
        }
    }

    fn of(&mut self, ts: &str) -> Option<NaiveDate> {
        let db = self.db;
        let parse = || db::parse_ts(ts).map(|t| db.clock.date_of(t));
        match (&mut self.by_hour, ts.as_bytes()) {
            (Some(memo), b) if b.len() >= 20 && b[10] == b'T' && b.ends_with(b"Z") => {
                let mut key = [0u8; 13];
                key.copy_from_slice(&b[..13]);
                *memo.entry(key).or_insert_with(parse)
            }
            _ => parse(),
        }
    }
}

/// The campaign's events on their clinic days; visits only within the attribution window.
/// The three reads run at once (on SQLite each connection reads on its own thread).
async fn events(db: &Db, c: &Campaign) -> Result<Vec<Event>, DomainError> {
    let id = CampaignId(c.id);
    let (handouts, redemptions, visits) = tokio::try_join!(
        db::results::handouts(db, id),
        db::results::redemptions(db, id),
        db::results::visits(db, id),
    )?;
    let mut days = Days::new(db, c);
    let mut events = Vec::with_capacity(handouts.len() + redemptions.len() + visits.len());
    for h in handouts {
        if let Some(day) = days.of(&h.happened_at) {
            events.push(Event::HandedOut {
                day,
                store: h.store_id,
                employee: h.employee_id,
                patient: h.patient_id,
                contact: h.contact != 0,
            });
        }
    }
    let mut redeemed_on: HashMap<i64, NaiveDate> = HashMap::with_capacity(redemptions.len());
    for r in redemptions {
        if let Some(day) = days.of(&r.redeemed_at) {
            redeemed_on.insert(r.id, day);
            events.push(Event::Came {
                day,
                store: r.store_id,
                employee: r.employee_id,
            });
        }
    }
    let first = db::results::first_visits(&visits);
    for v in visits {
        let (Ok(on), Some(redeemed)) = (
            db::stored_date(&v.visited_on),
            redeemed_on.get(&v.redemption_id),
        ) else {
            continue;
        };
        if !within_window(on, *redeemed, c.attribution_days) {
            continue;
        }
        events.push(Event::Visit {
            day: on,
            store: v.store_id,
            employee: v.employee_id,
            patient: v.patient_id,
            amount: v.amount_kopecks,
            first: first.contains(&v.id),
        });
    }
    Ok(events)
}

/// The campaign's weeks and every line's figures (campaign, stores, employees; partners when
/// `partner_of` names them), with the definitions of `crate::results`.
pub(crate) async fn tally(
    db: &Db,
    c: &Campaign,
    partner_of: &HashMap<i64, i64>,
) -> Result<(Vec<NaiveDate>, Tally), DomainError> {
    let weeks = campaign_weeks(db, c);
    let events = events(db, c).await?;
    let tally = Tally::count(&weeks, &events, partner_of);
    Ok((weeks, tally))
}

fn campaign_weeks(db: &Db, c: &Campaign) -> Vec<NaiveDate> {
    let today = db.clock.today();
    weeks(c.start_date, today.min(c.valid_until).max(c.start_date))
}

/// Week over week, per store and per employee: the clinic's own figures (the marketer's).
pub async fn weekly_summary(
    db: &Db,
    actor: &Actor,
    campaign_id: CampaignId,
) -> Result<WeeklySummary, DomainError> {
    actor.may(Op::ViewClinicFigures)?;
    let c = super::campaign(db, campaign_id).await?;
    let (weeks, tally) = tally(db, &c, &HashMap::new()).await?;
    let stores = db::results::stores(&db.pool, campaign_id).await?;
    let store_name = |id: Option<i64>| {
        stores
            .iter()
            .find(|s| Some(s.0) == id)
            .map(|s| s.1.clone())
            .unwrap_or_default()
    };
    let line = |of: LineOf, store: Option<i64>, employee: Option<(i64, String)>| {
        let (per, total) = tally.line(of);
        WeeklyLine {
            store_id: store,
            store_name: store_name(store),
            employee_id: employee.as_ref().map(|e| e.0),
            employee_name: employee.map(|e| e.1),
            weeks: per,
            total,
        }
    };
    let store_lines = stores
        .iter()
        .map(|s| line(LineOf::Store(s.0), Some(s.0), None))
        .collect();
    let employee_lines = db::results::employees(&db.pool, campaign_id)
        .await?
        .into_iter()
        .map(|(id, name, store)| line(LineOf::Employee(id), store, Some((id, name))))
        .collect();
    Ok(WeeklySummary {
        campaign_id: c.id,
        campaign_name: c.name.clone(),
        total: line(LineOf::All, None, None),
        weeks,
        stores: store_lines,
        employees: employee_lines,
    })
}

/// The campaign's results (item 21): the funnel, revenue, discount, costs, profit, ROI and
/// payback for the campaign, each partner, store and employee; the cumulative profit.
pub async fn final_report(
    db: &Db,
    actor: &Actor,
    campaign_id: CampaignId,
) -> Result<FinalReport, DomainError> {
    actor.may(Op::ViewResults)?;
    let c = super::campaign(db, campaign_id).await?;
    let settings = super::settings::get(db).await?;
    let margin = settings.margin_percent;
    let today = db.clock.today();
    let stores = db::results::stores(&db.pool, campaign_id).await?;
    let partner_of: HashMap<i64, i64> = stores.iter().map(|s| (s.0, s.2)).collect();
    let (weeks, tally) = tally(db, &c, &partner_of).await?;
    let printed = db::results::printed(&db.pool, campaign_id).await?;
    let printed_total: i64 = printed.iter().map(|p| p.1).sum();
    let printed_of = |s: i64| printed.iter().find(|p| p.0 == Some(s)).map_or(0, |p| p.1);
    let costs = db::campaigns::costs(&db.pool, campaign_id).await?;
    let cost_total: i64 = costs.iter().map(|k| k.amount.kopecks()).sum();
    let paid = db::motivation::paid_by_store(&db.pool, campaign_id).await?;
    let paid_total: i64 = paid.iter().map(|p| p.2).sum();
    let paid_of_store =
        |s: i64| -> i64 { paid.iter().filter(|p| p.0 == Some(s)).map(|p| p.2).sum() };
    // Costs other than the payouts, shared by certificates allocated (else by hand-outs).
    let shared = (cost_total - paid_total).max(0);
    let by_printed: Vec<i64> = stores.iter().map(|s| printed_of(s.0)).collect();
    let weights = if by_printed.iter().any(|w| *w > 0) {
        by_printed
    } else {
        stores
            .iter()
            .map(|s| tally.line(LineOf::Store(s.0)).1.handed_out)
            .collect()
    };
    let shares = allocate(shared, &weights);
    let scores = super::shopper::latest_scores(db, Some(c.id)).await?;
    let face = c.face_value.kopecks();
    let make =
        |of: LineOf, id: Option<i64>, name: String, partner: String, printed: i64, costs: i64| {
            let (_, f) = tally.line(of);
            let p = profit(f.revenue(), margin, costs);
            ReportLine {
                id,
                name,
                partner_name: partner,
                printed,
                discount: face * f.came,
                costs,
                profit: p,
                roi_percent: roi_percent(p, costs),
                shopper_score: None,
                figures: f,
            }
        };
    let mut store_lines: Vec<ReportLine> = stores
        .iter()
        .zip(&shares)
        .map(|(s, share)| {
            let mut l = make(
                LineOf::Store(s.0),
                Some(s.0),
                s.1.clone(),
                s.3.clone(),
                printed_of(s.0),
                paid_of_store(s.0) + share,
            );
            l.shopper_score = scores.get(&s.0).copied();
            l
        })
        .collect();
    let mut partners: Vec<(i64, String)> = stores.iter().map(|s| (s.2, s.3.clone())).collect();
    partners.dedup();
    let mut partner_lines: Vec<ReportLine> = partners
        .iter()
        .map(|(pid, pname)| {
            let mine: Vec<&ReportLine> = stores
                .iter()
                .zip(&store_lines)
                .filter(|(s, _)| s.2 == *pid)
                .map(|(_, l)| l)
                .collect();
            make(
                LineOf::Partner(*pid),
                Some(*pid),
                pname.clone(),
                pname.clone(),
                mine.iter().map(|l| l.printed).sum(),
                mine.iter().map(|l| l.costs).sum(),
            )
        })
        .collect();
    let store_name = |id: Option<i64>| {
        stores
            .iter()
            .find(|s| Some(s.0) == id)
            .map(|s| (s.1.clone(), s.3.clone()))
            .unwrap_or_default()
    };
    let mut employee_lines: Vec<ReportLine> = db::results::employees(&db.pool, campaign_id)
        .await?
        .into_iter()
        .map(|(id, name, store)| {
            let (sname, _) = store_name(store);
            let motivation: i64 = paid.iter().filter(|p| p.1 == id).map(|p| p.2).sum();
            make(LineOf::Employee(id), Some(id), name, sname, 0, motivation)
        })
        .collect();
    let total = make(
        LineOf::All,
        None,
        c.name.clone(),
        String::new(),
        printed_total,
        cost_total,
    );
    for lines in [&mut store_lines, &mut partner_lines, &mut employee_lines] {
        lines.sort_by(|a, b| b.profit.cmp(&a.profit).then(a.name.cmp(&b.name)));
    }
    // Cumulative profit: revenue on its visit day, costs on the day they were spent.
    let revenue_by_day = &tally.revenue_by_day;
    let mut costs_by_day: HashMap<NaiveDate, i64> = HashMap::new();
    for k in &costs {
        *costs_by_day.entry(k.spent_on).or_default() += k.amount.kopecks();
    }
    let from = costs
        .iter()
        .map(|k| k.spent_on)
        .chain(std::iter::once(c.start_date))
        .min()
        .unwrap_or(c.start_date);
    let to = today.max(from);
    let (points, payback_on) = cumulative(revenue_by_day, &costs_by_day, margin, from, to);
    let cost_lines = CostCategory::ALL
        .iter()
        .map(|cat| CostLine {
            category: cat.as_str().to_owned(),
            amount: costs
                .iter()
                .filter(|k| k.category == *cat)
                .map(|k| k.amount.kopecks())
                .sum(),
        })
        .collect();
    let weekly = stores
        .iter()
        .map(|s| {
            let (per, total) = tally.line(LineOf::Store(s.0));
            WeeklyLine {
                store_id: Some(s.0),
                store_name: s.1.clone(),
                employee_id: None,
                employee_name: None,
                weeks: per,
                total,
            }
        })
        .collect();
    Ok(FinalReport {
        campaign_id: c.id,
        campaign_name: c.name.clone(),
        start_date: Some(c.start_date),
        end_date: Some(c.end_date),
        as_of: Some(today),
        face_value: face,
        margin_percent: margin,
        attribution_days: c.attribution_days,
        funnel: Funnel {
            printed: printed_total,
            handed_out: total.figures.handed_out,
            redeemed: total.figures.came,
            bought: total.figures.bought,
        },
        total,
        partners: partner_lines,
        stores: store_lines,
        employees: employee_lines,
        costs: cost_lines,
        cumulative: points,
        payback_on,
        weeks,
        weekly,
    })
}

/// The final report as a printable PDF (A4, the charts as vectors), rendered off the async
/// runtime like every printed document (`ops::materials`).
pub async fn final_report_pdf(
    db: &Db,
    actor: &Actor,
    campaign_id: CampaignId,
    lang: Lang,
) -> Result<super::materials::Pdf, DomainError> {
    let report = final_report(db, actor, campaign_id).await?;
    let settings = super::settings::get(db).await?;
    let generated = db.clock.local_text(db.clock.now());
    let doc = crate::report_pdf::document(&report, &settings.name, &generated, lang);
    let bytes = super::materials::render(move || print::report(&doc)).await?;
    Ok(super::materials::Pdf {
        bytes,
        file_name: format!("report-{}.pdf", report.campaign_id),
    })
}
