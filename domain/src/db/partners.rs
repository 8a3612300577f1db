//! Partners (organisations) and their stores.

use chrono::{DateTime, Utc};
use sqlx::any::AnyExecutor;

use super::{internal, ts, unique_violation};
use crate::error::{DomainError, ErrorCode};
use crate::ids::{CampaignId, PartnerId, StoreId};
use crate::model::{Partner, Store};

/// A partner's fields as stored (already checked by the rules).
pub struct PartnerFields<'a> {
    pub name: &'a str,
    pub contact_person: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub notes: Option<&'a str>,
}

pub async fn insert_partner<'c>(
    e: impl AnyExecutor<'c>,
    p: &PartnerFields<'_>,
    at: DateTime<Utc>,
) -> Result<PartnerId, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO partners (name, contact_person, phone, email, notes, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(p.name)
    .bind(p.contact_person)
    .bind(p.phone)
    .bind(p.email)
    .bind(p.notes)
    .bind(ts(at))
    .fetch_one(e)
    .await
    .map_err(internal)
}

pub async fn update_partner<'c>(
    e: impl AnyExecutor<'c>,
    id: PartnerId,
    p: &PartnerFields<'_>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE partners SET name = $1, contact_person = $2, phone = $3, email = $4, notes = $5 WHERE id = $6",
    )
    .bind(p.name)
    .bind(p.contact_person)
    .bind(p.phone)
    .bind(p.email)
    .bind(p.notes)
    .bind(id)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
struct PartnerRow {
    id: i64,
    name: String,
    contact_person: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    notes: Option<String>,
    store_count: i64,
}

impl From<PartnerRow> for Partner {
    fn from(r: PartnerRow) -> Partner {
        Partner {
            id: r.id,
            name: r.name,
            contact_person: r.contact_person,
            phone: r.phone,
            email: r.email,
            notes: r.notes,
            store_count: r.store_count,
        }
    }
}

const PARTNER_SELECT: &str = "SELECT p.id, p.name, p.contact_person, p.phone, p.email, p.notes,
    (SELECT COUNT(*) FROM stores s WHERE s.partner_id = p.id) AS store_count FROM partners p";

/// Partners in name order; only the partner of `store`, when given.
pub async fn partners<'c>(
    e: impl AnyExecutor<'c>,
    of_store: Option<StoreId>,
) -> Result<Vec<Partner>, DomainError> {
    let rows: Vec<PartnerRow> = sqlx::query_as(&format!(
        "{PARTNER_SELECT} WHERE ($1 = -1 OR p.id = (SELECT partner_id FROM stores WHERE id = $1)) ORDER BY p.name LIMIT 1000"
    ))
    .bind(of_store.map(StoreId::get).unwrap_or(-1))
    .fetch_all(e)
    .await
    .map_err(internal)?;
    Ok(rows.into_iter().map(Partner::from).collect())
}

pub async fn partner_exists<'c>(
    e: impl AnyExecutor<'c>,
    id: PartnerId,
) -> Result<bool, DomainError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM partners WHERE id = $1")
        .bind(id)
        .fetch_one(e)
        .await
        .map_err(internal)?;
    Ok(n > 0)
}

/// A store's fields as stored.
pub struct StoreFields<'a> {
    pub partner_id: PartnerId,
    pub name: &'a str,
    /// Lower-cased, single-spaced: store names are unique within a partner by this key.
    pub name_key: &'a str,
    pub address: Option<&'a str>,
    pub opening_hours: Option<&'a str>,
    pub admin_name: Option<&'a str>,
    pub admin_phone: Option<&'a str>,
    pub admin_email: Option<&'a str>,
}

fn store_conflict(e: sqlx::Error) -> DomainError {
    if unique_violation(&e).is_some() {
        DomainError::field("store_name", ErrorCode::DuplicateStoreName)
    } else {
        internal(e)
    }
}

pub async fn insert_store<'c>(
    e: impl AnyExecutor<'c>,
    s: &StoreFields<'_>,
    at: DateTime<Utc>,
) -> Result<StoreId, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO stores (partner_id, name, name_key, address, opening_hours, admin_name, admin_phone, created_at,
                             admin_email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(s.partner_id)
    .bind(s.name)
    .bind(s.name_key)
    .bind(s.address)
    .bind(s.opening_hours)
    .bind(s.admin_name)
    .bind(s.admin_phone)
    .bind(ts(at))
    .bind(s.admin_email)
    .fetch_one(e)
    .await
    .map_err(store_conflict)
}

/// Changes a store's details (its partner stays).
pub async fn update_store<'c>(
    e: impl AnyExecutor<'c>,
    id: StoreId,
    s: &StoreFields<'_>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE stores SET name = $1, name_key = $2, address = $3, opening_hours = $4, admin_name = $5, admin_phone = $6,
                admin_email = $8 WHERE id = $7",
    )
    .bind(s.name)
    .bind(s.name_key)
    .bind(s.address)
    .bind(s.opening_hours)
    .bind(s.admin_name)
    .bind(s.admin_phone)
    .bind(id)
    .bind(s.admin_email)
    .execute(e)
    .await
    .map_err(store_conflict)?;
    Ok(r.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
struct StoreRow {
    id: i64,
    partner_id: i64,
    partner_name: String,
    name: String,
    address: Option<String>,
    opening_hours: Option<String>,
    admin_name: Option<String>,
    admin_phone: Option<String>,
    admin_email: Option<String>,
}

impl From<StoreRow> for Store {
    fn from(r: StoreRow) -> Store {
        Store {
            id: r.id,
            partner_id: r.partner_id,
            partner_name: r.partner_name,
            name: r.name,
            address: r.address,
            opening_hours: r.opening_hours,
            admin_name: r.admin_name,
            admin_phone: r.admin_phone,
            admin_email: r.admin_email,
        }
    }
}

const STORE_SELECT: &str =
    "SELECT s.id, s.partner_id, p.name AS partner_name, s.name, s.address, s.opening_hours,
    s.admin_name, s.admin_phone, s.admin_email FROM stores s JOIN partners p ON p.id = s.partner_id";

/// Stores in partner and name order, optionally of one partner and/or only one store.
pub async fn stores<'c>(
    e: impl AnyExecutor<'c>,
    partner: Option<PartnerId>,
    only: Option<StoreId>,
) -> Result<Vec<Store>, DomainError> {
    let rows: Vec<StoreRow> = sqlx::query_as(&format!(
        "{STORE_SELECT} WHERE ($1 = -1 OR s.partner_id = $1) AND ($2 = -1 OR s.id = $2) ORDER BY p.name, s.name LIMIT 5000"
    ))
    .bind(partner.map(PartnerId::get).unwrap_or(-1))
    .bind(only.map(StoreId::get).unwrap_or(-1))
    .fetch_all(e)
    .await
    .map_err(internal)?;
    Ok(rows.into_iter().map(Store::from).collect())
}

pub async fn store<'c>(e: impl AnyExecutor<'c>, id: StoreId) -> Result<Option<Store>, DomainError> {
    let row: Option<StoreRow> = sqlx::query_as(&format!("{STORE_SELECT} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(internal)?;
    Ok(row.map(Store::from))
}

/// Is the store's partner taking part in the campaign?
pub async fn store_in_campaign<'c>(
    e: impl AnyExecutor<'c>,
    store: StoreId,
    campaign: CampaignId,
) -> Result<bool, DomainError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM stores s JOIN campaign_partners cp ON cp.partner_id = s.partner_id
         WHERE s.id = $1 AND cp.campaign_id = $2",
    )
    .bind(store)
    .bind(campaign)
    .fetch_one(e)
    .await
    .map_err(internal)?;
    Ok(n > 0)
}
