//! Campaigns and their costs ledger.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::Row;

use crate::auth::Actor;
use crate::db::{Db, Tx, date_str, internal, now, parse_date};
use crate::error::{Check, DomainError, ErrorCode};
use crate::model::{Campaign, CampaignInput, Cost, CostInput};
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
    pub partner_ids: Vec<i64>,
}

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
        c.finish()?;
        let mut partner_ids = self.partner_ids.clone();
        partner_ids.sort_unstable();
        partner_ids.dedup();
        match (name, start, end, face, valid_until, terms, status) {
            (
                Some(name),
                Some(start_date),
                Some(end_date),
                Some(face_value),
                Some(valid_until),
                Some(terms),
                Some(status),
            ) => Ok(ValidCampaign {
                name,
                start_date,
                end_date,
                face_value,
                valid_until,
                terms: terms.unwrap_or_default(),
                status,
                partner_ids,
            }),
            _ => Err(DomainError::Internal),
        }
    }
}

async fn check_partners_exist(tx: &mut Tx, ids: &[i64]) -> Result<(), DomainError> {
    for id in ids {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM partners WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await
            .map_err(internal)?;
        if n == 0 {
            return Err(DomainError::field("partner_ids", ErrorCode::InvalidChoice));
        }
    }
    Ok(())
}

async fn set_partners(tx: &mut Tx, campaign_id: i64, ids: &[i64]) -> Result<(), DomainError> {
    check_partners_exist(tx, ids).await?;
    sqlx::query("DELETE FROM campaign_partners WHERE campaign_id = $1")
        .bind(campaign_id)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    for id in ids {
        sqlx::query("INSERT INTO campaign_partners (campaign_id, partner_id) VALUES ($1, $2)")
            .bind(campaign_id)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(internal)?;
    }
    Ok(())
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    input: &CampaignInput,
) -> Result<Campaign, DomainError> {
    actor.require_marketer()?;
    let v = input.parse()?;
    let mut tx = db.begin().await?;
    let ts = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO campaigns (name, start_date, end_date, face_value_kopecks, valid_until, terms, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(&v.name)
    .bind(date_str(v.start_date))
    .bind(date_str(v.end_date))
    .bind(v.face_value.kopecks())
    .bind(date_str(v.valid_until))
    .bind(&v.terms)
    .bind(v.status.as_str())
    .bind(&ts)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    set_partners(&mut tx, id, &v.partner_ids).await?;
    super::audit(
        &mut tx,
        actor,
        "create",
        "campaign",
        Some(id),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    get(db, actor, id).await
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &CampaignInput,
) -> Result<Campaign, DomainError> {
    actor.require_marketer()?;
    let v = input.parse()?;
    let mut tx = db.begin().await?;
    let r = sqlx::query(
        "UPDATE campaigns SET name = $1, start_date = $2, end_date = $3, face_value_kopecks = $4, valid_until = $5,
         terms = $6, status = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(&v.name)
    .bind(date_str(v.start_date))
    .bind(date_str(v.end_date))
    .bind(v.face_value.kopecks())
    .bind(date_str(v.valid_until))
    .bind(&v.terms)
    .bind(v.status.as_str())
    .bind(now())
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    if r.rows_affected() == 0 {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    set_partners(&mut tx, id, &v.partner_ids).await?;
    super::audit(
        &mut tx,
        actor,
        "update",
        "campaign",
        Some(id),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    get(db, actor, id).await
}

const SELECT: &str = "SELECT c.id, c.name, c.start_date, c.end_date, c.face_value_kopecks, c.valid_until, c.terms, c.status,
    CAST(COALESCE((SELECT SUM(amount_kopecks) FROM campaign_costs k WHERE k.campaign_id = c.id), 0) AS BIGINT) AS cost_total
    FROM campaigns c";

fn from_row(r: &sqlx::any::AnyRow, partners: Vec<i64>) -> Result<Campaign, DomainError> {
    let status: String = r.try_get("status").map_err(internal)?;
    Ok(Campaign {
        id: r.try_get("id").map_err(internal)?,
        name: r.try_get("name").map_err(internal)?,
        start_date: parse_date(&r.try_get::<String, _>("start_date").map_err(internal)?),
        end_date: parse_date(&r.try_get::<String, _>("end_date").map_err(internal)?),
        face_value: Money(r.try_get("face_value_kopecks").map_err(internal)?),
        valid_until: parse_date(&r.try_get::<String, _>("valid_until").map_err(internal)?),
        terms: r.try_get("terms").map_err(internal)?,
        status: CampaignStatus::parse("status", &status).map_err(|_| DomainError::Internal)?,
        partner_ids: partners,
        cost_total: Money(r.try_get("cost_total").map_err(internal)?),
    })
}

/// Campaigns are visible to every signed-in role (staff need the terms and dates).
pub async fn list(db: &Db, _actor: &Actor) -> Result<Vec<Campaign>, DomainError> {
    let rows = sqlx::query(&format!("{SELECT} ORDER BY c.start_date DESC, c.id DESC"))
        .fetch_all(&db.pool)
        .await
        .map_err(internal)?;
    // One query for all partner links instead of one per campaign.
    let links =
        sqlx::query("SELECT campaign_id, partner_id FROM campaign_partners ORDER BY partner_id")
            .fetch_all(&db.pool)
            .await
            .map_err(internal)?;
    let mut by_campaign: HashMap<i64, Vec<i64>> = HashMap::new();
    for l in links {
        by_campaign
            .entry(l.try_get("campaign_id").map_err(internal)?)
            .or_default()
            .push(l.try_get("partner_id").map_err(internal)?);
    }
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id").map_err(internal)?;
            from_row(r, by_campaign.remove(&id).unwrap_or_default())
        })
        .collect()
}

pub async fn get(db: &Db, _actor: &Actor, id: i64) -> Result<Campaign, DomainError> {
    let row = sqlx::query(&format!("{SELECT} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
    let partners: Vec<i64> = sqlx::query_scalar(
        "SELECT partner_id FROM campaign_partners WHERE campaign_id = $1 ORDER BY partner_id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    from_row(&row, partners)
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
    campaign_id: i64,
    input: &CostInput,
) -> Result<Cost, DomainError> {
    actor.require_marketer()?;
    let (category, amount, spent_on, note) = input.parse()?;
    let mut tx = db.begin().await?;
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM campaigns WHERE id = $1")
        .bind(campaign_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
    if exists == 0 {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO campaign_costs (campaign_id, category, amount_kopecks, spent_on, note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(campaign_id)
    .bind(category.as_str())
    .bind(amount.kopecks())
    .bind(date_str(spent_on))
    .bind(&note)
    .bind(now())
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    super::audit(
        &mut tx,
        actor,
        "create",
        "campaign_cost",
        Some(id),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(Cost {
        id,
        campaign_id,
        category,
        amount,
        spent_on,
        note,
    })
}

pub async fn delete_cost(db: &Db, actor: &Actor, cost_id: i64) -> Result<(), DomainError> {
    actor.require_marketer()?;
    let mut tx = db.begin().await?;
    let r = sqlx::query("DELETE FROM campaign_costs WHERE id = $1")
        .bind(cost_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    if r.rows_affected() == 0 {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    super::audit(
        &mut tx,
        actor,
        "delete",
        "campaign_cost",
        Some(cost_id),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

pub async fn costs(db: &Db, actor: &Actor, campaign_id: i64) -> Result<Vec<Cost>, DomainError> {
    actor.require_marketer()?;
    let rows = sqlx::query(
        "SELECT id, campaign_id, category, amount_kopecks, spent_on, note FROM campaign_costs WHERE campaign_id = $1 ORDER BY spent_on, id",
    )
    .bind(campaign_id)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.iter()
        .map(|r| {
            let cat: String = r.try_get("category").map_err(internal)?;
            Ok(Cost {
                id: r.try_get("id").map_err(internal)?,
                campaign_id: r.try_get("campaign_id").map_err(internal)?,
                category: CostCategory::parse("category", &cat)
                    .map_err(|_| DomainError::Internal)?,
                amount: Money(r.try_get("amount_kopecks").map_err(internal)?),
                spent_on: parse_date(&r.try_get::<String, _>("spent_on").map_err(internal)?),
                note: r.try_get("note").map_err(internal)?,
            })
        })
        .collect()
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
