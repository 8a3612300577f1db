//! Partners (organisations) and their stores, with the administrators' contacts
//! (seed checklist item 4).

use sqlx::Row;

use crate::auth::Actor;
use crate::db::{Db, internal, now, unique_violation};
use crate::error::{Check, DomainError, ErrorCode};
use crate::model::{Partner, PartnerInput, Store, StoreInput};
use crate::types::{Email, Phone, Role, optional_text, required_text};

struct ValidPartner {
    name: String,
    contact_person: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    notes: Option<String>,
}

impl PartnerInput {
    fn parse(&self) -> Result<ValidPartner, DomainError> {
        let mut c = Check::new();
        let name = c.take(required_text("partner_name", &self.name, 200));
        let contact_person = c.take(optional_text("contact_person", &self.contact_person, 200));
        let phone = c.take(Phone::parse_optional("phone", &self.phone));
        let email = c.take(Email::parse_optional("email", &self.email));
        let notes = c.take(optional_text("notes", &self.notes, 2000));
        c.finish()?;
        match (name, contact_person, phone, email, notes) {
            (Some(name), Some(contact_person), Some(phone), Some(email), Some(notes)) => {
                Ok(ValidPartner {
                    name,
                    contact_person,
                    phone: phone.map(Phone::into_string),
                    email: email.map(Email::into_string),
                    notes,
                })
            }
            _ => Err(DomainError::Internal),
        }
    }
}

pub async fn create_partner(
    db: &Db,
    actor: &Actor,
    input: &PartnerInput,
) -> Result<Partner, DomainError> {
    actor.require_marketer()?;
    let v = input.parse()?;
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO partners (name, contact_person, phone, email, notes, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&v.name)
    .bind(&v.contact_person)
    .bind(&v.phone)
    .bind(&v.email)
    .bind(&v.notes)
    .bind(now())
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    super::audit(
        &mut tx,
        actor,
        "create",
        "partner",
        Some(id),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    get_partner(db, actor, id).await
}

pub async fn update_partner(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &PartnerInput,
) -> Result<Partner, DomainError> {
    actor.require_marketer()?;
    let v = input.parse()?;
    let mut tx = db.begin().await?;
    let r = sqlx::query("UPDATE partners SET name = $1, contact_person = $2, phone = $3, email = $4, notes = $5 WHERE id = $6")
        .bind(&v.name)
        .bind(&v.contact_person)
        .bind(&v.phone)
        .bind(&v.email)
        .bind(&v.notes)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    if r.rows_affected() == 0 {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    super::audit(
        &mut tx,
        actor,
        "update",
        "partner",
        Some(id),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    get_partner(db, actor, id).await
}

const PARTNER_SELECT: &str = "SELECT p.id, p.name, p.contact_person, p.phone, p.email, p.notes,
    (SELECT COUNT(*) FROM stores s WHERE s.partner_id = p.id) AS store_count FROM partners p";

fn partner_from_row(r: &sqlx::any::AnyRow) -> Result<Partner, DomainError> {
    Ok(Partner {
        id: r.try_get("id").map_err(internal)?,
        name: r.try_get("name").map_err(internal)?,
        contact_person: r.try_get("contact_person").map_err(internal)?,
        phone: r.try_get("phone").map_err(internal)?,
        email: r.try_get("email").map_err(internal)?,
        notes: r.try_get("notes").map_err(internal)?,
        store_count: r.try_get("store_count").map_err(internal)?,
    })
}

/// Partners: the marketer and reception see all; store staff see only their own store's partner.
pub async fn list_partners(db: &Db, actor: &Actor) -> Result<Vec<Partner>, DomainError> {
    actor.require(&[Role::Marketer, Role::Reception, Role::StoreStaff])?;
    let rows = if actor.role == Role::StoreStaff {
        sqlx::query(&format!(
            "{PARTNER_SELECT} WHERE p.id = (SELECT partner_id FROM stores WHERE id = $1)"
        ))
        .bind(actor.store_id.unwrap_or(-1))
        .fetch_all(&db.pool)
        .await
    } else {
        sqlx::query(&format!("{PARTNER_SELECT} ORDER BY p.name"))
            .fetch_all(&db.pool)
            .await
    }
    .map_err(internal)?;
    rows.iter().map(partner_from_row).collect()
}

pub async fn get_partner(db: &Db, actor: &Actor, id: i64) -> Result<Partner, DomainError> {
    list_partners(db, actor)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(DomainError::Refused(ErrorCode::NotFound))
}

struct ValidStore {
    name: String,
    address: Option<String>,
    opening_hours: Option<String>,
    admin_name: Option<String>,
    admin_phone: Option<String>,
}

impl StoreInput {
    fn parse(&self) -> Result<ValidStore, DomainError> {
        let mut c = Check::new();
        let name = c.take(required_text("store_name", &self.name, 200));
        let address = c.take(optional_text("address", &self.address, 300));
        let opening_hours = c.take(optional_text("opening_hours", &self.opening_hours, 200));
        let admin_name = c.take(optional_text("admin_name", &self.admin_name, 200));
        let admin_phone = c.take(Phone::parse_optional("admin_phone", &self.admin_phone));
        c.finish()?;
        match (name, address, opening_hours, admin_name, admin_phone) {
            (
                Some(name),
                Some(address),
                Some(opening_hours),
                Some(admin_name),
                Some(admin_phone),
            ) => Ok(ValidStore {
                name,
                address,
                opening_hours,
                admin_name,
                admin_phone: admin_phone.map(Phone::into_string),
            }),
            _ => Err(DomainError::Internal),
        }
    }
}

/// Store names are unique within a partner, whatever the letter case and spacing.
fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn store_conflict(e: sqlx::Error) -> DomainError {
    if unique_violation(&e).is_some() {
        DomainError::field("store_name", ErrorCode::DuplicateStoreName)
    } else {
        internal(e)
    }
}

pub async fn create_store(
    db: &Db,
    actor: &Actor,
    input: &StoreInput,
) -> Result<Store, DomainError> {
    actor.require_marketer()?;
    let v = input.parse()?;
    let mut tx = db.begin().await?;
    let partner: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM partners WHERE id = $1")
        .bind(input.partner_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
    if partner == 0 {
        return Err(DomainError::field("partner_id", ErrorCode::InvalidChoice));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO stores (partner_id, name, name_key, address, opening_hours, admin_name, admin_phone, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(input.partner_id)
    .bind(&v.name)
    .bind(name_key(&v.name))
    .bind(&v.address)
    .bind(&v.opening_hours)
    .bind(&v.admin_name)
    .bind(&v.admin_phone)
    .bind(now())
    .fetch_one(&mut *tx)
    .await
    .map_err(store_conflict)?;
    super::audit(
        &mut tx,
        actor,
        "create",
        "store",
        Some(id),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    get_store(db, actor, id).await
}

pub async fn update_store(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &StoreInput,
) -> Result<Store, DomainError> {
    actor.require_marketer()?;
    let v = input.parse()?;
    let mut tx = db.begin().await?;
    let r = sqlx::query(
        "UPDATE stores SET name = $1, name_key = $2, address = $3, opening_hours = $4, admin_name = $5, admin_phone = $6 WHERE id = $7",
    )
    .bind(&v.name)
    .bind(name_key(&v.name))
    .bind(&v.address)
    .bind(&v.opening_hours)
    .bind(&v.admin_name)
    .bind(&v.admin_phone)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(store_conflict)?;
    if r.rows_affected() == 0 {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    super::audit(
        &mut tx,
        actor,
        "update",
        "store",
        Some(id),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    get_store(db, actor, id).await
}

const STORE_SELECT: &str =
    "SELECT s.id, s.partner_id, p.name AS partner_name, s.name, s.address, s.opening_hours,
    s.admin_name, s.admin_phone FROM stores s JOIN partners p ON p.id = s.partner_id";

fn store_from_row(r: &sqlx::any::AnyRow) -> Result<Store, DomainError> {
    Ok(Store {
        id: r.try_get("id").map_err(internal)?,
        partner_id: r.try_get("partner_id").map_err(internal)?,
        partner_name: r.try_get("partner_name").map_err(internal)?,
        name: r.try_get("name").map_err(internal)?,
        address: r.try_get("address").map_err(internal)?,
        opening_hours: r.try_get("opening_hours").map_err(internal)?,
        admin_name: r.try_get("admin_name").map_err(internal)?,
        admin_phone: r.try_get("admin_phone").map_err(internal)?,
    })
}

/// Stores, optionally of one partner. Store staff see only their own store.
pub async fn list_stores(
    db: &Db,
    actor: &Actor,
    partner_id: Option<i64>,
) -> Result<Vec<Store>, DomainError> {
    actor.require(&[Role::Marketer, Role::Reception, Role::StoreStaff])?;
    let own_store = if actor.role == Role::StoreStaff {
        Some(actor.store_id.unwrap_or(-1))
    } else {
        None
    };
    let rows = sqlx::query(&format!(
        "{STORE_SELECT} WHERE ($1 = -1 OR s.partner_id = $1) AND ($2 = -1 OR s.id = $2) ORDER BY p.name, s.name"
    ))
    .bind(partner_id.unwrap_or(-1))
    .bind(own_store.unwrap_or(-1))
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.iter().map(store_from_row).collect()
}

pub async fn get_store(db: &Db, actor: &Actor, id: i64) -> Result<Store, DomainError> {
    actor.require_store(id)?;
    let row = sqlx::query(&format!("{STORE_SELECT} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
    store_from_row(&row)
}

#[cfg(test)]
mod tests {
    #[test]
    fn store_names_compare_without_case_and_extra_spaces() {
        assert_eq!(
            super::name_key("  Фитнес   Парк "),
            super::name_key("фитнес парк")
        );
    }
}
