//! Partners and their stores.

use domain::model::*;
use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
#[allow(unused_imports)]
use domain::ids::{CampaignId, PartnerId, StoreId, UserId};
#[cfg(feature = "ssr")]
use domain::ops;

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn list_partners() -> AppResult<Vec<Partner>> {
    with_actor!(|st, a| ops::partners::list_partners(&st.db, &a).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_partner(id: i64) -> AppResult<Partner> {
    with_actor!(|st, a| ops::partners::get_partner(&st.db, &a, PartnerId(id)).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn save_partner(
    id: Option<i64>,
    name: String,
    contact_person: String,
    phone: String,
    email: String,
    notes: String,
) -> AppResult<Partner> {
    let input = PartnerInput {
        name,
        contact_person,
        phone,
        email,
        notes,
    };
    let p = with_actor!(|st, a| match id {
        Some(id) => ops::partners::update_partner(&st.db, &a, PartnerId(id), &input).await,
        None => ops::partners::create_partner(&st.db, &a, &input).await,
    })?;
    if id.is_none() {
        leptos_axum::redirect(&format!("/partners/{}", p.id));
    }
    Ok(p)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn list_stores(partner_id: Option<i64>) -> AppResult<Vec<Store>> {
    with_actor!(|st, a| ops::partners::list_stores(&st.db, &a, partner_id.map(PartnerId)).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn save_store(
    id: Option<i64>,
    partner_id: i64,
    name: String,
    address: String,
    opening_hours: String,
    admin_name: String,
    admin_phone: String,
    #[server(default)] admin_email: String,
) -> AppResult<Store> {
    let input = StoreInput {
        partner_id,
        name,
        address,
        opening_hours,
        admin_name,
        admin_phone,
        admin_email,
    };
    with_actor!(|st, a| match id {
        Some(id) => ops::partners::update_store(&st.db, &a, StoreId(id), &input).await,
        None => ops::partners::create_store(&st.db, &a, &input).await,
    })
}
