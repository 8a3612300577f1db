//! Staff motivation: the campaign's rules, the weekly standings with signals and reviews, the
//! marketer's payouts (written once into the costs), and a store employee's own standing.

use chrono::NaiveDate;

use crate::auth::Actor;
use crate::clock::Week;
use crate::db::{self, Db};
use crate::error::{DomainError, ErrorCode, FieldError};
use crate::ids::CampaignId;
use crate::model::Campaign;
use crate::motivation::{
    self, Decision, Handout, Input, Payout, Review, Rules, RulesInput, StaffStanding, Standings,
};
use crate::policy::Op;
use crate::types::{CostCategory, Money};

/// The longest note on a review.
pub const MAX_NOTE: usize = 500;

/// Reads everything the computation needs (no policy check: callers check).
pub(crate) async fn load(db: &Db, c: &Campaign) -> Result<Input, DomainError> {
    let id = CampaignId(c.id);
    let today = db.clock.today();
    let through = today.min(c.valid_until).max(c.start_date);
    let weeks = crate::results::weeks(c.start_date, through);
    let local = |s: &str| db::parse_ts(s).map(|t| db.clock.local(t).naive_local());
    let day = |s: &str| db::parse_ts(s).map(|t| db.clock.date_of(t));
    let handouts = db::motivation::handouts(&db.pool, id)
        .await?
        .into_iter()
        .filter_map(|h| {
            Some(Handout {
                employee: h.employee_id,
                at: local(&h.happened_at)?,
                phone: h.phone,
                redeemed_on: h.redeemed_at.as_deref().and_then(day),
            })
        })
        .collect();
    let redemptions = db::motivation::redemptions(&db.pool, id)
        .await?
        .into_iter()
        .filter_map(|(e, at)| Some((e, day(&at)?)))
        .collect();
    let paid_visits = db::motivation::paid_visits(&db.pool, id)
        .await?
        .into_iter()
        .filter_map(|(e, patient, on, redeemed)| {
            let on = db::stored_date(&on).ok()?;
            // Only visits within the campaign's attribution window count.
            crate::results::within_window(on, day(&redeemed)?, c.attribution_days)
                .then_some((e, patient, on))
        })
        .collect();
    let stores = db::shopper::campaign_stores(&db.pool, id).await?;
    let employees = db::results::employees(&db.pool, id)
        .await?
        .into_iter()
        .map(|(e, name, store)| {
            let store_name = stores
                .iter()
                .find(|s| Some(s.0) == store)
                .map(|s| s.1.clone())
                .unwrap_or_default();
            (e, name, store, store_name)
        })
        .collect();
    let mut conn = db.pool.acquire().await.map_err(db::internal)?;
    Ok(Input {
        rules: db::motivation::rules(&mut *conn, id).await?,
        weeks,
        today,
        employees,
        handouts,
        redemptions,
        paid_visits,
        staff_phones: db::motivation::staff_phones(&mut *conn).await?,
        payouts: db::motivation::payouts(&mut conn, id).await?,
        reviews: db::motivation::reviews(&mut *conn, id).await?,
    })
}

/// The campaign's standings week by week (newest first), for the marketer.
pub async fn standings(
    db: &Db,
    actor: &Actor,
    campaign_id: CampaignId,
) -> Result<Standings, DomainError> {
    actor.may(Op::ManageMotivation)?;
    let c = super::campaign(db, campaign_id).await?;
    let input = load(db, &c).await?;
    let mut weeks = motivation::compute(&input);
    weeks.reverse();
    Ok(Standings {
        campaign_id: c.id,
        campaign_name: c.name,
        paid_total: input.payouts.values().map(|p| p.total).sum(),
        rules: input.rules,
        weeks,
    })
}

pub async fn rules(db: &Db, actor: &Actor, campaign_id: CampaignId) -> Result<Rules, DomainError> {
    actor.may(Op::ManageMotivation)?;
    super::campaign(db, campaign_id).await?;
    db::motivation::rules(&db.pool, campaign_id).await
}

pub async fn save_rules(
    db: &Db,
    actor: &Actor,
    campaign_id: CampaignId,
    input: &RulesInput,
) -> Result<Rules, DomainError> {
    actor.may(Op::ManageMotivation)?;
    let rules = input.parse().map_err(DomainError::Invalid)?;
    super::campaign(db, campaign_id).await?;
    let mut w = db.write(actor).await?;
    db::motivation::save_rules(&mut *w.tx, campaign_id, &rules, &actor.label(), w.at).await?;
    w.audit(
        "update",
        "motivation_rules",
        Some(campaign_id.get()),
        serde_json::to_value(&rules).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    Ok(rules)
}

/// Marks a finished week as paid: each employee's due amount is recorded, and the total once
/// as the campaign's `motivation` cost. Held bonuses are not paid (they follow their review).
pub async fn pay_week(
    db: &Db,
    actor: &Actor,
    campaign_id: CampaignId,
    monday: NaiveDate,
) -> Result<Payout, DomainError> {
    actor.may(Op::ManageMotivation)?;
    let c = super::campaign(db, campaign_id).await?;
    let input = load(db, &c).await?;
    let monday = Week::of(monday).monday;
    let weeks = motivation::compute(&input);
    let week = weeks
        .iter()
        .find(|w| w.monday == monday)
        .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
    if input.payouts.contains_key(&monday) {
        return Err(DomainError::Refused(ErrorCode::WeekAlreadyPaid));
    }
    if !week.finished {
        return Err(DomainError::Refused(ErrorCode::WeekNotFinished));
    }
    let lines = motivation::payout_lines(week);
    let total: i64 = lines.iter().map(|l| l.2).sum();
    let mut w = db.write(actor).await?;
    let note = format!(
        "Мотивация персонала: неделя {}–{}",
        monday.format("%d.%m"),
        Week { monday }.sunday().format("%d.%m.%Y")
    );
    let cost_id = if total > 0 {
        Some(
            db::campaigns::insert_cost(
                &mut *w.tx,
                campaign_id,
                CostCategory::Motivation,
                Money(total),
                db.clock.today(),
                Some(&note),
                w.at,
            )
            .await?,
        )
    } else {
        None
    };
    let by = actor.name.clone();
    let Some(payout_id) =
        db::motivation::insert_payout(&mut *w.tx, campaign_id, monday, total, cost_id, &by, w.at)
            .await?
    else {
        // Another marketer paid it a moment ago: nothing of this one is kept.
        return Err(DomainError::Refused(ErrorCode::WeekAlreadyPaid));
    };
    for (employee, store, amount) in &lines {
        db::motivation::insert_payout_line(&mut *w.tx, payout_id, *employee, *store, *amount)
            .await?;
    }
    w.audit(
        "pay",
        "motivation_week",
        Some(payout_id),
        serde_json::json!({ "campaign_id": c.id, "week": monday, "total_kopecks": total, "employees": lines.len() }),
    )
    .await?;
    let paid_at = w.at_text();
    w.commit().await?;
    Ok(Payout {
        paid_at,
        paid_by: by,
        total,
        lines: lines.iter().map(|l| (l.0, l.2)).collect(),
    })
}

/// The marketer's decision on an employee's held week.
pub async fn review(
    db: &Db,
    actor: &Actor,
    campaign_id: CampaignId,
    monday: NaiveDate,
    employee: i64,
    decision: &str,
    note: &str,
) -> Result<Review, DomainError> {
    actor.may(Op::ManageMotivation)?;
    let decision =
        Decision::parse("decision", decision).map_err(|e| DomainError::Invalid(vec![e]))?;
    if note.chars().count() > MAX_NOTE {
        return Err(DomainError::Invalid(vec![FieldError::new(
            "note",
            ErrorCode::TooLong,
        )]));
    }
    let c = super::campaign(db, campaign_id).await?;
    let monday = Week::of(monday).monday;
    if monday < Week::of(c.start_date).monday || monday > db.clock.this_week().monday {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    let known = db::results::employees(&db.pool, campaign_id).await?;
    if !known.iter().any(|e| e.0 == employee) {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    let mut w = db.write(actor).await?;
    let review = Review {
        decision,
        note: note.trim().to_owned(),
        by: actor.name.clone(),
        at: w.at_text(),
    };
    db::motivation::save_review(&mut *w.tx, campaign_id, monday, employee, &review).await?;
    w.audit(
        "review",
        "motivation_week",
        Some(employee),
        serde_json::json!({ "campaign_id": c.id, "week": monday, "decision": decision.as_str() }),
    )
    .await?;
    w.commit().await?;
    Ok(review)
}

/// A store employee's standing this week in their store's current campaign.
pub async fn staff_standing(db: &Db, actor: &Actor) -> Result<Option<StaffStanding>, DomainError> {
    actor.may(Op::ViewOwnStanding)?;
    let (Some(store), Some(me)) = (actor.store_id, actor.user_id) else {
        return Ok(None);
    };
    let Some((campaign_id, _)) = db::handouts::current_campaign(&db.pool, store).await? else {
        return Ok(None);
    };
    let c = super::campaign(db, campaign_id).await?;
    let input = load(db, &c).await?;
    let weeks = motivation::compute(&input);
    Ok(motivation::staff_standing(&weeks, me.get()))
}
