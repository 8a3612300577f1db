//! Campaigns and their costs ledger. A campaign's terms follow its lifecycle
//! ([`crate::lifecycle`]): once certificates exist, the face value is locked and the dates
//! only widen. The costs are the clinic's own figures: only the marketer sees them.

use chrono::NaiveDate;

use crate::auth::Actor;
use crate::db::{self, Db, campaigns::CampaignFields};
use crate::error::{Check, DomainError, ErrorCode};
use crate::ids::{CampaignId, PartnerId};
use crate::lifecycle::CampaignChange;
use crate::model::{Campaign, CampaignInput, Cost, CostInput};
use crate::policy::Op;
use crate::types::{
    CampaignStatus, CostCategory, Money, optional_text, parse_date as parse_input_date,
    required_text,
};

/// A campaign that passed every check.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidCampaign {
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub face_value: Money,
    pub valid_until: NaiveDate,
    pub terms: String,
    pub status: CampaignStatus,
    pub partner_ids: Vec<PartnerId>,
    pub min_days_cover: i64,
    pub attribution_days: i64,
    pub self_registration: Option<bool>,
    pub send_e_certificates: Option<bool>,
}

impl ValidCampaign {
    fn fields(&self) -> CampaignFields<'_> {
        CampaignFields {
            name: &self.name,
            start_date: self.start_date,
            end_date: self.end_date,
            face_value: self.face_value,
            valid_until: self.valid_until,
            terms: &self.terms,
            status: self.status,
            min_days_cover: self.min_days_cover,
            attribution_days: self.attribution_days,
            self_registration: self.self_registration,
            send_e_certificates: self.send_e_certificates,
        }
    }
    fn terms(&self) -> crate::lifecycle::CampaignTerms {
        crate::lifecycle::CampaignTerms {
            status: self.status,
            start_date: self.start_date,
            end_date: self.end_date,
            valid_until: self.valid_until,
            face_value: self.face_value,
        }
    }
}

/// The most partners one campaign may list.
pub const MAX_PARTNERS: usize = 200;

impl CampaignInput {
    /// Checks every field and reports all problems at once.
    pub fn parse(&self) -> Result<ValidCampaign, DomainError> {
        let mut c = Check::new();
        let name = c.take(required_text("campaign_name", &self.name, 200));
        let start = c.take(parse_input_date("start_date", &self.start_date));
        let end = c.take(parse_input_date("end_date", &self.end_date));
        let face = match self.face_value_kopecks {
            Some(k) => c.take(Money::from_kopecks("face_value", k)),
            None => c.take(Money::parse("face_value", &self.face_value)),
        };
        let valid_until = c.take(parse_input_date("valid_until", &self.valid_until));
        let terms = c.take(optional_text("terms", &self.terms, 5000));
        let status = c.take(CampaignStatus::parse("status", &self.status));
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                c.push("end_date", ErrorCode::EndBeforeStart);
            } else if let Some(v) = valid_until
                && v < e
            {
                c.push("valid_until", ErrorCode::ValidUntilBeforeEnd);
            }
        }
        if self.partner_ids.len() > MAX_PARTNERS {
            c.push("partner_ids", ErrorCode::CountOutOfRange);
        }
        let min_days = if self.min_days_cover.trim().is_empty() {
            Some(crate::forecast::DEFAULT_MIN_DAYS)
        } else {
            match self.min_days_cover.trim().parse::<i64>() {
                Ok(n) if (1..=60).contains(&n) => Some(n),
                _ => {
                    c.push("min_days_cover", ErrorCode::CountOutOfRange);
                    None
                }
            }
        };
        let attribution = if self.attribution_days.trim().is_empty() {
            Some(crate::results::DEFAULT_ATTRIBUTION_DAYS)
        } else {
            match self.attribution_days.trim().parse::<i64>() {
                Ok(n) if (1..=crate::results::MAX_ATTRIBUTION_DAYS).contains(&n) => Some(n),
                _ => {
                    c.push("attribution_days", ErrorCode::CountOutOfRange);
                    None
                }
            }
        };
        c.finish()?;
        let mut partner_ids: Vec<PartnerId> =
            self.partner_ids.iter().copied().map(PartnerId).collect();
        partner_ids.sort_unstable();
        partner_ids.dedup();
        match (
            name,
            start,
            end,
            face,
            valid_until,
            terms,
            status,
            min_days,
            attribution,
        ) {
            (
                Some(name),
                Some(start_date),
                Some(end_date),
                Some(face_value),
                Some(valid_until),
                Some(terms),
                Some(status),
                Some(min_days_cover),
                Some(attribution_days),
            ) => Ok(ValidCampaign {
                name,
                start_date,
                end_date,
                face_value,
                valid_until,
                terms: terms.unwrap_or_default(),
                status,
                partner_ids,
                min_days_cover,
                attribution_days,
                self_registration: self.self_registration,
                send_e_certificates: self.send_e_certificates,
            }),
            _ => Err(DomainError::Internal),
        }
    }
}

async fn set_partners(
    w: &mut db::Write<'_>,
    campaign: CampaignId,
    ids: &[PartnerId],
) -> Result<(), DomainError> {
    for id in ids {
        if !db::partners::partner_exists(&mut *w.tx, *id).await? {
            return Err(DomainError::field("partner_ids", ErrorCode::InvalidChoice));
        }
    }
    db::campaigns::set_partners(&mut w.tx, campaign, ids).await
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    input: &CampaignInput,
) -> Result<Campaign, DomainError> {
    actor.may(Op::ManageCampaigns)?;
    let v = input.parse()?;
    let mut w = db.write(actor).await?;
    let at = w.at;
    let id = db::campaigns::insert(&mut *w.tx, &v.fields(), at).await?;
    set_partners(&mut w, id, &v.partner_ids).await?;
    w.audit(
        "create",
        "campaign",
        Some(id.get()),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    // Its checklist tasks exist from the start (due dates from its dates).
    super::checklist::ensure_tasks(db, id).await?;
    get(db, actor, id).await
}

/// Changes a campaign within its lifecycle rules.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: CampaignId,
    input: &CampaignInput,
) -> Result<Campaign, DomainError> {
    actor.may(Op::ManageCampaigns)?;
    let v = input.parse()?;
    let mut w = db.write(actor).await?;
    let old = db::campaigns::get(&mut w.tx, id)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
    CampaignChange {
        old: old.terms(),
        new: v.terms(),
        certificates_issued: old.certificates_issued,
    }
    .check()?;
    let at = w.at;
    db::campaigns::update(&mut *w.tx, id, &v.fields(), at).await?;
    set_partners(&mut w, id, &v.partner_ids).await?;
    w.audit(
        "update",
        "campaign",
        Some(id.get()),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    super::checklist::ensure_tasks(db, id).await?;
    get(db, actor, id).await
}

/// The public record of a campaign; the cost total only for whoever may see clinic figures.
fn shown(actor: &Actor, c: db::campaigns::StoredCampaign) -> Campaign {
    let mut campaign = c.campaign;
    if actor.can(Op::ViewClinicFigures) {
        campaign.cost_total = Some(c.cost_total);
    }
    campaign
}

/// Campaigns the actor may see: all for the clinic's people, those of their partner for
/// store staff.
pub async fn list(db: &Db, actor: &Actor) -> Result<Vec<Campaign>, DomainError> {
    actor.may(Op::ViewCampaigns)?;
    let mut conn = db.pool.acquire().await.map_err(db::internal)?;
    let list = db::campaigns::list(&mut conn, actor.scope().filter()).await?;
    Ok(list.into_iter().map(|c| shown(actor, c)).collect())
}

pub async fn get(db: &Db, actor: &Actor, id: CampaignId) -> Result<Campaign, DomainError> {
    get_stored(db, actor, id).await.map(|c| shown(actor, c))
}

/// A campaign as stored, after the policy and the store scope are checked.
pub(crate) async fn get_stored(
    db: &Db,
    actor: &Actor,
    id: CampaignId,
) -> Result<db::campaigns::StoredCampaign, DomainError> {
    actor.may(Op::ViewCampaigns)?;
    super::partners::may_see_campaign(db, actor, id).await?;
    let mut conn = db.pool.acquire().await.map_err(db::internal)?;
    db::campaigns::get(&mut conn, id)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))
}

impl CostInput {
    pub fn parse(&self) -> Result<(CostCategory, Money, NaiveDate, Option<String>), DomainError> {
        let mut c = Check::new();
        let cat = c.take(CostCategory::parse("category", &self.category));
        let amount = match self.amount_kopecks {
            Some(k) => c.take(Money::from_kopecks("amount", k)),
            None => c.take(Money::parse("amount", &self.amount)),
        };
        let date = c.take(parse_input_date("spent_on", &self.spent_on));
        let note = c.take(optional_text("note", &self.note, 500));
        c.finish()?;
        match (cat, amount, date, note) {
            (Some(a), Some(b), Some(d), Some(n)) => Ok((a, b, d, n)),
            _ => Err(DomainError::Internal),
        }
    }
}

pub async fn add_cost(
    db: &Db,
    actor: &Actor,
    campaign_id: CampaignId,
    input: &CostInput,
) -> Result<Cost, DomainError> {
    actor.may(Op::ManageCosts)?;
    let (category, amount, spent_on, note) = input.parse()?;
    let mut w = db.write(actor).await?;
    if db::campaigns::status_of(&mut *w.tx, campaign_id)
        .await?
        .is_none()
    {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    let at = w.at;
    let id = db::campaigns::insert_cost(
        &mut *w.tx,
        campaign_id,
        category,
        amount,
        spent_on,
        note.as_deref(),
        at,
    )
    .await?;
    w.audit(
        "create",
        "campaign_cost",
        Some(id),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    Ok(Cost {
        id,
        campaign_id: campaign_id.get(),
        category,
        amount,
        spent_on,
        note,
    })
}

pub async fn delete_cost(db: &Db, actor: &Actor, cost_id: i64) -> Result<(), DomainError> {
    actor.may(Op::ManageCosts)?;
    let mut w = db.write(actor).await?;
    if db::motivation::is_payout_cost(&mut *w.tx, cost_id).await? {
        return Err(DomainError::Refused(ErrorCode::CostOfPayout));
    }
    if !db::campaigns::delete_cost(&mut *w.tx, cost_id).await? {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    w.audit(
        "delete",
        "campaign_cost",
        Some(cost_id),
        serde_json::json!({}),
    )
    .await?;
    w.commit().await
}

pub async fn costs(
    db: &Db,
    actor: &Actor,
    campaign_id: CampaignId,
) -> Result<Vec<Cost>, DomainError> {
    actor.may(Op::ViewClinicFigures)?;
    db::campaigns::costs(&db.pool, campaign_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CampaignInput {
        CampaignInput {
            name: "Улыбка с фитнесом".into(),
            start_date: "01.12.2026".into(),
            end_date: "31.01.2027".into(),
            face_value: "500".into(),
            valid_until: "28.02.2027".into(),
            status: "active".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_campaign_with_good_fields_parses_with_money_in_kopecks() {
        let v = input().parse().expect("valid");
        assert_eq!(v.face_value, Money(50_000));
        assert_eq!(v.status, CampaignStatus::Active);
    }

    #[test]
    fn an_end_before_the_start_is_refused_on_the_end_field() {
        let mut i = input();
        i.end_date = "30.11.2026".into();
        let e = i.parse().expect_err("refused");
        assert_eq!(
            e.for_field("end_date").map(|f| f.code),
            Some(ErrorCode::EndBeforeStart)
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let i = CampaignInput {
            name: " ".into(),
            face_value: "-5".into(),
            status: "draft".into(),
            ..Default::default()
        };
        let e = i.parse().expect_err("refused");
        let fields: Vec<_> = e.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "campaign_name",
                "start_date",
                "end_date",
                "face_value",
                "valid_until"
            ]
        );
        assert_eq!(
            e.for_field("face_value").map(|f| f.code),
            Some(ErrorCode::NegativeMoney)
        );
    }
}
