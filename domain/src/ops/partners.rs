//! Partners (organisations) and their stores, with the administrators' contacts
//! (seed checklist item 4). Partners' internal notes are the clinic's own: only the marketer
//! reads them. Store staff see their own partner and store only.

use crate::auth::Actor;
use crate::db::{self, Db};
use crate::error::{Check, DomainError, ErrorCode};
use crate::ids::{PartnerId, StoreId};
use crate::model::{Partner, PartnerInput, Store, StoreInput};
use crate::policy::{Op, StoreScope};
use crate::types::{Email, Phone, optional_text, required_text};

struct ValidPartner {
    name: String,
    contact_person: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    notes: Option<String>,
}

impl ValidPartner {
    fn fields(&self) -> db::partners::PartnerFields<'_> {
        db::partners::PartnerFields {
            name: &self.name,
            contact_person: self.contact_person.as_deref(),
            phone: self.phone.as_deref(),
            email: self.email.as_deref(),
            notes: self.notes.as_deref(),
        }
    }
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
    actor.may(Op::ManagePartners)?;
    let v = input.parse()?;
    let mut w = db.write(actor).await?;
    let at = w.at;
    let id = db::partners::insert_partner(&mut *w.tx, &v.fields(), at).await?;
    w.audit(
        "create",
        "partner",
        Some(id.get()),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    get_partner(db, actor, id).await
}

pub async fn update_partner(
    db: &Db,
    actor: &Actor,
    id: PartnerId,
    input: &PartnerInput,
) -> Result<Partner, DomainError> {
    actor.may(Op::ManagePartners)?;
    let v = input.parse()?;
    let mut w = db.write(actor).await?;
    if !db::partners::update_partner(&mut *w.tx, id, &v.fields()).await? {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    w.audit(
        "update",
        "partner",
        Some(id.get()),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    get_partner(db, actor, id).await
}

/// Partners the actor may see: the marketer all with their notes; reception and shoppers all
/// without notes; store staff their own store's partner without notes.
pub async fn list_partners(db: &Db, actor: &Actor) -> Result<Vec<Partner>, DomainError> {
    actor.may(Op::ViewPartners)?;
    let mut list = db::partners::partners(&db.pool, actor.scope().filter()).await?;
    if !actor.can(Op::ViewClinicFigures) {
        for p in &mut list {
            p.notes = None;
        }
    }
    Ok(list)
}

pub async fn get_partner(db: &Db, actor: &Actor, id: PartnerId) -> Result<Partner, DomainError> {
    list_partners(db, actor)
        .await?
        .into_iter()
        .find(|p| p.id == id.get())
        .ok_or(DomainError::Refused(ErrorCode::NotFound))
}

struct ValidStore {
    name: String,
    name_key: String,
    address: Option<String>,
    opening_hours: Option<String>,
    admin_name: Option<String>,
    admin_phone: Option<String>,
    admin_email: Option<String>,
}

impl StoreInput {
    fn parse(&self) -> Result<ValidStore, DomainError> {
        let mut c = Check::new();
        let name = c.take(required_text("store_name", &self.name, 200));
        let address = c.take(optional_text("address", &self.address, 300));
        let opening_hours = c.take(optional_text("opening_hours", &self.opening_hours, 200));
        let admin_name = c.take(optional_text("admin_name", &self.admin_name, 200));
        let admin_phone = c.take(Phone::parse_optional("admin_phone", &self.admin_phone));
        let admin_email = c.take(crate::types::Email::parse_optional(
            "admin_email",
            &self.admin_email,
        ));
        c.finish()?;
        match (
            name,
            address,
            opening_hours,
            admin_name,
            admin_phone,
            admin_email,
        ) {
            (
                Some(name),
                Some(address),
                Some(opening_hours),
                Some(admin_name),
                Some(admin_phone),
                Some(admin_email),
            ) => Ok(ValidStore {
                name_key: name_key(&name),
                name,
                address,
                opening_hours,
                admin_name,
                admin_phone: admin_phone.map(Phone::into_string),
                admin_email: admin_email.map(|e| e.as_str().to_owned()),
            }),
            _ => Err(DomainError::Internal),
        }
    }
}

impl ValidStore {
    fn fields(&self, partner_id: PartnerId) -> db::partners::StoreFields<'_> {
        db::partners::StoreFields {
            partner_id,
            name: &self.name,
            name_key: &self.name_key,
            address: self.address.as_deref(),
            opening_hours: self.opening_hours.as_deref(),
            admin_name: self.admin_name.as_deref(),
            admin_phone: self.admin_phone.as_deref(),
            admin_email: self.admin_email.as_deref(),
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

pub async fn create_store(
    db: &Db,
    actor: &Actor,
    input: &StoreInput,
) -> Result<Store, DomainError> {
    actor.may(Op::ManagePartners)?;
    let v = input.parse()?;
    let partner = PartnerId(input.partner_id);
    let mut w = db.write(actor).await?;
    if !db::partners::partner_exists(&mut *w.tx, partner).await? {
        return Err(DomainError::field("partner_id", ErrorCode::InvalidChoice));
    }
    let at = w.at;
    let id = db::partners::insert_store(&mut *w.tx, &v.fields(partner), at).await?;
    w.audit(
        "create",
        "store",
        Some(id.get()),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    get_store(db, actor, id).await
}

pub async fn update_store(
    db: &Db,
    actor: &Actor,
    id: StoreId,
    input: &StoreInput,
) -> Result<Store, DomainError> {
    actor.may(Op::ManagePartners)?;
    let v = input.parse()?;
    let mut w = db.write(actor).await?;
    if !db::partners::update_store(&mut *w.tx, id, &v.fields(PartnerId(input.partner_id))).await? {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    w.audit(
        "update",
        "store",
        Some(id.get()),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    get_store(db, actor, id).await
}

/// Stores, optionally of one partner. Store staff see only their own store.
pub async fn list_stores(
    db: &Db,
    actor: &Actor,
    partner_id: Option<PartnerId>,
) -> Result<Vec<Store>, DomainError> {
    actor.may(Op::ViewPartners)?;
    db::partners::stores(&db.pool, partner_id, actor.scope().filter()).await
}

pub async fn get_store(db: &Db, actor: &Actor, id: StoreId) -> Result<Store, DomainError> {
    actor.may_in_store(Op::ViewPartners, id)?;
    db::partners::store(&db.pool, id)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))
}

/// The store-scope rule applied to a campaign: store staff may read a campaign only when their
/// store's partner takes part in it.
pub async fn may_see_campaign(
    db: &Db,
    actor: &Actor,
    campaign: crate::ids::CampaignId,
) -> Result<(), DomainError> {
    match actor.scope() {
        StoreScope::AnyStore => Ok(()),
        StoreScope::Only(store)
            if db::partners::store_in_campaign(&db.pool, store, campaign).await? =>
        {
            Ok(())
        }
        _ => Err(DomainError::Refused(ErrorCode::Forbidden)),
    }
}

/// The mystery shopper's home: the running campaigns and the stores taking part in each, with
/// addresses and opening hours (the checks themselves arrive with the shopper-visits work).
pub async fn shopper_overview(
    db: &Db,
    actor: &Actor,
) -> Result<Vec<crate::model::ShopperCampaign>, DomainError> {
    actor.may(Op::ShopperHome)?;
    let mut conn = db.pool.acquire().await.map_err(db::internal)?;
    let campaigns = db::campaigns::list(&mut conn, None).await?;
    let stores = db::partners::stores(&mut *conn, None, None).await?;
    Ok(campaigns
        .into_iter()
        .map(|c| c.campaign)
        .filter(|c| c.status == crate::types::CampaignStatus::Active)
        .map(|c| crate::model::ShopperCampaign {
            stores: stores
                .iter()
                .filter(|s| c.partner_ids.contains(&s.partner_id))
                .map(|s| crate::model::ShopperStore {
                    partner_name: s.partner_name.clone(),
                    store_name: s.name.clone(),
                    address: s.address.clone(),
                    opening_hours: s.opening_hours.clone(),
                })
                .collect(),
            campaign_name: c.name,
            start_date: c.start_date,
            end_date: c.end_date,
        })
        .collect())
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
