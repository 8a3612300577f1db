//! Campaigns and their costs ledger.
// A campaign form has one argument per field (a form post is flat).
#![allow(clippy::too_many_arguments)]

use domain::model::*;
use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
#[allow(unused_imports)]
use domain::ids::{CampaignId, PartnerId, StoreId, UserId};
#[cfg(feature = "ssr")]
use domain::ops;

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn list_campaigns() -> AppResult<Vec<Campaign>> {
    with_actor!(|st, a| ops::campaigns::list(&st.db, &a).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_campaign(id: i64) -> AppResult<Campaign> {
    with_actor!(|st, a| ops::campaigns::get(&st.db, &a, CampaignId(id)).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn save_campaign(
    id: Option<i64>,
    name: String,
    start_date: String,
    end_date: String,
    face_value: String,
    valid_until: String,
    terms: String,
    status: String,
    partner_ids: Option<Vec<i64>>,
    min_days_cover: Option<String>,
    attribution_days: Option<String>,
    self_registration: Option<String>,
    send_e_certificates: Option<String>,
) -> AppResult<Campaign> {
    // The form always shows both boxes: one left out was unticked.
    let ticked = |v: Option<String>| Some(v.is_some_and(|v| !v.is_empty() && v != "false"));
    let input = CampaignInput {
        name,
        start_date,
        end_date,
        face_value,
        face_value_kopecks: None,
        valid_until,
        terms,
        status,
        partner_ids: partner_ids.unwrap_or_default(),
        min_days_cover: min_days_cover.unwrap_or_default(),
        attribution_days: attribution_days.unwrap_or_default(),
        self_registration: ticked(self_registration),
        send_e_certificates: ticked(send_e_certificates),
    };
    let created = with_actor!(|st, a| match id {
        Some(id) => ops::campaigns::update(&st.db, &a, CampaignId(id), &input).await,
        None => ops::campaigns::create(&st.db, &a, &input).await,
    })?;
    if id.is_none() {
        leptos_axum::redirect(&format!("/campaigns/{}", created.id));
    }
    Ok(created)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn list_costs(campaign_id: i64) -> AppResult<Vec<Cost>> {
    with_actor!(|st, a| ops::campaigns::costs(&st.db, &a, CampaignId(campaign_id)).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn add_cost(
    campaign_id: i64,
    category: String,
    amount: String,
    spent_on: String,
    note: String,
) -> AppResult<Cost> {
    let input = CostInput {
        category,
        amount,
        amount_kopecks: None,
        spent_on,
        note,
    };
    with_actor!(|st, a| ops::campaigns::add_cost(&st.db, &a, CampaignId(campaign_id), &input).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn delete_cost(id: i64) -> AppResult<()> {
    with_actor!(|st, a| ops::campaigns::delete_cost(&st.db, &a, id).await)
}
