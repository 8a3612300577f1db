//! Results: the week's summary (item 17д) per store and employee, week over week, with the
//! definitions of `crate::results`; as JSON and as spreadsheets (`crate::export`).

use crate::auth::Actor;
use crate::db::{self, Db};
use crate::error::{DomainError, ErrorCode};
use crate::ids::CampaignId;
use crate::policy::Op;
use crate::results::{Event, LineOf, WeeklyLine, WeeklySummary, line_figures, weeks};

/// Week over week, per store and per employee: the clinic's own figures (the marketer's).
pub async fn weekly_summary(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
) -> Result<WeeklySummary, DomainError> {
    actor.may(Op::ViewClinicFigures)?;
    let c = {
        let mut conn = db.pool.acquire().await.map_err(db::internal)?;
        db::campaigns::get(&mut conn, campaign)
            .await?
            .ok_or(DomainError::Refused(ErrorCode::NotFound))?
            .campaign
    };
    let today = db.clock.today();
    let through = today.min(c.valid_until).max(c.start_date);
    let weeks = weeks(c.start_date, through);
    let day = |ts: &str| db::parse_ts(ts).map(|t| db.clock.date_of(t));
    let mut events = Vec::new();
    for h in db::results::handouts(&db.pool, campaign).await? {
        if let Some(day) = day(&h.happened_at) {
            events.push(Event::HandedOut {
                day,
                store: h.store_id,
                employee: h.employee_id,
                patient: h.patient_id,
            });
        }
    }
    for r in db::results::redemptions(&db.pool, campaign).await? {
        if let Some(day) = day(&r.redeemed_at) {
            events.push(Event::Came {
                day,
                store: r.store_id,
                employee: r.employee_id,
            });
        }
    }
    for v in db::results::visits(&db.pool, campaign).await? {
        if let Ok(day) = db::stored_date(&v.visited_on) {
            events.push(Event::Visit {
                day,
                store: v.store_id,
                employee: v.employee_id,
                patient: v.patient_id,
                amount: v.amount_kopecks,
                first: v.first != 0,
            });
        }
    }
    let stores = db::shopper::campaign_stores(&db.pool, campaign).await?;
    let store_name = |id: Option<i64>| {
        stores
            .iter()
            .find(|s| Some(s.0) == id)
            .map(|s| s.1.clone())
            .unwrap_or_default()
    };
    let line = |of: LineOf, store: Option<i64>, employee: Option<(i64, String)>| {
        let (per, total) = line_figures(&weeks, &events, of);
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
    let employee_lines = db::results::employees(&db.pool, campaign)
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
