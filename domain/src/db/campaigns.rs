//! Campaigns, the partners taking part, the costs ledger and the texts each campaign prints.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;
use sqlx::any::AnyExecutor;

use super::{date_str, internal, stored_date, ts};
use crate::error::DomainError;
use crate::ids::{CampaignId, PartnerId, StoreId};
use crate::lifecycle::{CampaignTerms, CampaignWindow};
use crate::model::{Campaign, CampaignTexts, Cost};
use crate::types::{CampaignStatus, CostCategory, Money};

/// A campaign's own fields as stored (already checked by the rules).
pub struct CampaignFields<'a> {
    pub name: &'a str,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub face_value: Money,
    pub valid_until: NaiveDate,
    pub terms: &'a str,
    pub status: CampaignStatus,
    pub min_days_cover: i64,
    pub attribution_days: i64,
    /// `None`: on for a new campaign, unchanged on an update.
    pub self_registration: Option<bool>,
    /// `None`: off for a new campaign, unchanged on an update.
    pub send_e_certificates: Option<bool>,
}

pub async fn insert<'c>(
    e: impl AnyExecutor<'c>,
    c: &CampaignFields<'_>,
    at: DateTime<Utc>,
) -> Result<CampaignId, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO campaigns (name, start_date, end_date, face_value_kopecks, valid_until, terms, status, created_at, updated_at,
                               min_days_cover, attribution_days, e_certificates, send_e_certificates)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(c.name)
    .bind(date_str(c.start_date))
    .bind(date_str(c.end_date))
    .bind(c.face_value.kopecks())
    .bind(date_str(c.valid_until))
    .bind(c.terms)
    .bind(c.status.as_str())
    .bind(ts(at))
    .bind(c.min_days_cover)
    .bind(c.attribution_days)
    .bind(i64::from(c.self_registration.unwrap_or(true)))
    .bind(i64::from(c.send_e_certificates.unwrap_or(false)))
    .fetch_one(e)
    .await
    .map_err(internal)
}

pub async fn update<'c>(
    e: impl AnyExecutor<'c>,
    id: CampaignId,
    c: &CampaignFields<'_>,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE campaigns SET name = $1, start_date = $2, end_date = $3, face_value_kopecks = $4, valid_until = $5,
         terms = $6, status = $7, updated_at = $8, min_days_cover = $10, attribution_days = $11,
         e_certificates = COALESCE($12, e_certificates), send_e_certificates = COALESCE($13, send_e_certificates)
         WHERE id = $9",
    )
    .bind(c.name)
    .bind(date_str(c.start_date))
    .bind(date_str(c.end_date))
    .bind(c.face_value.kopecks())
    .bind(date_str(c.valid_until))
    .bind(c.terms)
    .bind(c.status.as_str())
    .bind(ts(at))
    .bind(id)
    .bind(c.min_days_cover)
    .bind(c.attribution_days)
    .bind(c.self_registration.map(i64::from))
    .bind(c.send_e_certificates.map(i64::from))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

/// Replaces the partners taking part in a campaign.
pub async fn set_partners(
    conn: &mut AnyConnection,
    id: CampaignId,
    partners: &[PartnerId],
) -> Result<(), DomainError> {
    sqlx::query("DELETE FROM campaign_partners WHERE campaign_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(internal)?;
    for p in partners {
        sqlx::query("INSERT INTO campaign_partners (campaign_id, partner_id) VALUES ($1, $2)")
            .bind(id)
            .bind(p)
            .execute(&mut *conn)
            .await
            .map_err(internal)?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct CampaignRow {
    id: i64,
    name: String,
    start_date: String,
    end_date: String,
    face_value_kopecks: i64,
    valid_until: String,
    terms: String,
    status: String,
    cost_total: i64,
    next_serial: i64,
    min_days_cover: i64,
    attribution_days: i64,
    e_certificates: i64,
    send_e_certificates: i64,
}

/// A campaign as stored, with what the rules need beyond the public record.
pub struct StoredCampaign {
    pub campaign: Campaign,
    /// The clinic's spending on it (the public record leaves it out for partner staff).
    pub cost_total: Money,
    /// Certificates (printed or electronic) exist for it.
    pub certificates_issued: bool,
}

impl StoredCampaign {
    pub fn terms(&self) -> CampaignTerms {
        let c = &self.campaign;
        CampaignTerms {
            status: c.status,
            start_date: c.start_date,
            end_date: c.end_date,
            valid_until: c.valid_until,
            face_value: c.face_value,
        }
    }
    pub fn window(&self) -> CampaignWindow {
        let c = &self.campaign;
        CampaignWindow {
            status: c.status,
            start_date: c.start_date,
            valid_until: c.valid_until,
        }
    }
}

fn status(s: &str) -> Result<CampaignStatus, DomainError> {
    CampaignStatus::parse("status", s).map_err(|_| DomainError::Internal)
}

impl CampaignRow {
    fn into_stored(self, partners: Vec<i64>) -> Result<StoredCampaign, DomainError> {
        Ok(StoredCampaign {
            cost_total: Money(self.cost_total),
            certificates_issued: self.next_serial > 1,
            campaign: Campaign {
                id: self.id,
                name: self.name,
                start_date: stored_date(&self.start_date)?,
                end_date: stored_date(&self.end_date)?,
                face_value: Money(self.face_value_kopecks),
                valid_until: stored_date(&self.valid_until)?,
                terms: self.terms,
                status: status(&self.status)?,
                partner_ids: partners,
                min_days_cover: self.min_days_cover,
                attribution_days: self.attribution_days,
                self_registration: self.e_certificates != 0,
                send_e_certificates: self.send_e_certificates != 0,
                cost_total: None,
            },
        })
    }
}

const SELECT: &str = "SELECT c.id, c.name, c.start_date, c.end_date, c.face_value_kopecks, c.valid_until, c.terms, c.status,
    CAST(COALESCE((SELECT SUM(amount_kopecks) FROM campaign_costs k WHERE k.campaign_id = c.id), 0) AS BIGINT) AS cost_total,
    c.next_serial, c.min_days_cover, c.attribution_days, c.e_certificates, c.send_e_certificates
    FROM campaigns c";

/// Campaigns, newest start first; only those a store's partner takes part in, when given.
pub async fn list(
    conn: &mut AnyConnection,
    of_store: Option<StoreId>,
) -> Result<Vec<StoredCampaign>, DomainError> {
    let rows: Vec<CampaignRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE ($1 = -1 OR c.id IN (SELECT cp.campaign_id FROM campaign_partners cp
             JOIN stores s ON s.partner_id = cp.partner_id WHERE s.id = $1))
         ORDER BY c.start_date DESC, c.id DESC LIMIT 1000"
    ))
    .bind(of_store.map(StoreId::get).unwrap_or(-1))
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    // One query for all partner links instead of one per campaign.
    let links: Vec<(i64, i64)> =
        sqlx::query_as("SELECT campaign_id, partner_id FROM campaign_partners ORDER BY partner_id")
            .fetch_all(&mut *conn)
            .await
            .map_err(internal)?;
    let mut by_campaign: HashMap<i64, Vec<i64>> = HashMap::new();
    for (c, p) in links {
        by_campaign.entry(c).or_default().push(p);
    }
    rows.into_iter()
        .map(|r| {
            let partners = by_campaign.remove(&r.id).unwrap_or_default();
            r.into_stored(partners)
        })
        .collect()
}

pub async fn get(
    conn: &mut AnyConnection,
    id: CampaignId,
) -> Result<Option<StoredCampaign>, DomainError> {
    let row: Option<CampaignRow> = sqlx::query_as(&format!("{SELECT} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(internal)?;
    let Some(row) = row else { return Ok(None) };
    let partners: Vec<i64> = sqlx::query_scalar(
        "SELECT partner_id FROM campaign_partners WHERE campaign_id = $1 ORDER BY partner_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    row.into_stored(partners).map(Some)
}

/// A campaign's status, if it exists.
pub async fn status_of<'c>(
    e: impl AnyExecutor<'c>,
    id: CampaignId,
) -> Result<Option<CampaignStatus>, DomainError> {
    let s: Option<String> = sqlx::query_scalar("SELECT status FROM campaigns WHERE id = $1")
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(internal)?;
    s.as_deref().map(status).transpose()
}

/// Takes `n` consecutive serial numbers of a counter column atomically; returns the first.
pub async fn take_serials<'c>(
    e: impl AnyExecutor<'c>,
    id: CampaignId,
    counter: SerialCounter,
    n: i64,
) -> Result<i64, DomainError> {
    let column = match counter {
        SerialCounter::Certificates => "next_serial",
        SerialCounter::Forms => "next_form_serial",
    };
    let next: i64 = sqlx::query_scalar(&format!(
        "UPDATE campaigns SET {column} = {column} + $1 WHERE id = $2 RETURNING {column}"
    ))
    .bind(n)
    .bind(id)
    .fetch_one(e)
    .await
    .map_err(internal)?;
    Ok(next - n)
}

/// The two serial-number counters of a campaign.
#[derive(Clone, Copy, Debug)]
pub enum SerialCounter {
    Certificates,
    Forms,
}

// ---------- costs ----------

pub async fn insert_cost<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    category: CostCategory,
    amount: Money,
    spent_on: NaiveDate,
    note: Option<&str>,
    at: DateTime<Utc>,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO campaign_costs (campaign_id, category, amount_kopecks, spent_on, note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(campaign)
    .bind(category.as_str())
    .bind(amount.kopecks())
    .bind(date_str(spent_on))
    .bind(note)
    .bind(ts(at))
    .fetch_one(e)
    .await
    .map_err(internal)
}

pub async fn delete_cost<'c>(e: impl AnyExecutor<'c>, id: i64) -> Result<bool, DomainError> {
    let r = sqlx::query("DELETE FROM campaign_costs WHERE id = $1")
        .bind(id)
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
struct CostRow {
    id: i64,
    campaign_id: i64,
    category: String,
    amount_kopecks: i64,
    spent_on: String,
    note: Option<String>,
}

pub async fn costs<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<Cost>, DomainError> {
    let rows: Vec<CostRow> = sqlx::query_as(
        "SELECT id, campaign_id, category, amount_kopecks, spent_on, note FROM campaign_costs
         WHERE campaign_id = $1 ORDER BY spent_on, id LIMIT 5000",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)?;
    rows.into_iter()
        .map(|r| {
            Ok(Cost {
                id: r.id,
                campaign_id: r.campaign_id,
                category: CostCategory::parse("category", &r.category)
                    .map_err(|_| DomainError::Internal)?,
                amount: Money(r.amount_kopecks),
                spent_on: stored_date(&r.spent_on)?,
                note: r.note,
            })
        })
        .collect()
}

// ---------- printed texts ----------

#[derive(sqlx::FromRow)]
struct TextsRow {
    cert_title: String,
    cert_text: String,
    regulations: String,
    consent_text: String,
    poster_headline: String,
    poster_text: String,
}

pub async fn texts<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Option<CampaignTexts>, DomainError> {
    let r: Option<TextsRow> = sqlx::query_as(
        "SELECT cert_title, cert_text, regulations, consent_text, poster_headline, poster_text FROM campaigns WHERE id = $1",
    )
    .bind(campaign)
    .fetch_optional(e)
    .await
    .map_err(internal)?;
    Ok(r.map(|r| CampaignTexts {
        cert_title: r.cert_title,
        cert_text: r.cert_text,
        regulations: r.regulations,
        consent_text: r.consent_text,
        poster_headline: r.poster_headline,
        poster_text: r.poster_text,
    }))
}

pub async fn save_texts<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    t: &CampaignTexts,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let n = sqlx::query(
        "UPDATE campaigns SET cert_title = $1, cert_text = $2, regulations = $3, consent_text = $4,
         poster_headline = $5, poster_text = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(&t.cert_title)
    .bind(&t.cert_text)
    .bind(&t.regulations)
    .bind(&t.consent_text)
    .bind(&t.poster_headline)
    .bind(&t.poster_text)
    .bind(ts(at))
    .bind(campaign)
    .execute(e)
    .await
    .map_err(internal)?
    .rows_affected();
    Ok(n == 1)
}
