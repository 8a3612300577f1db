//! Certificates and printed materials: batches, stock, moves, voiding, texts, paper forms, the public certificate page.

use domain::model::*;
use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
use crate::ssr;
#[cfg(feature = "ssr")]
#[allow(unused_imports)]
use domain::ids::{CampaignId, PartnerId, StoreId, UserId};
#[cfg(feature = "ssr")]
use domain::ops;

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn list_batches(campaign_id: i64) -> AppResult<Vec<Batch>> {
    with_actor!(|st, a| ops::certificates::list_batches(&st.db, &a, CampaignId(campaign_id)).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn certificate_stock(campaign_id: i64) -> AppResult<Vec<StoreStock>> {
    with_actor!(|st, a| ops::certificates::stock(&st.db, &a, CampaignId(campaign_id)).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn create_batch(
    campaign_id: i64,
    count: String,
    store_ids: Option<Vec<i64>>,
) -> AppResult<Batch> {
    let input = BatchInput {
        count,
        store_ids: store_ids.unwrap_or_default(),
    };
    with_actor!(|st, a| ops::certificates::create_batch(
        &st.db,
        &a,
        CampaignId(campaign_id),
        &input
    )
    .await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn move_certificates(
    campaign_id: i64,
    first_serial: String,
    last_serial: String,
    store_id: String,
    reason: String,
) -> AppResult<MoveResult> {
    with_actor!(|st, a| {
        let input = MoveInput {
            first_serial,
            last_serial,
            store_id: super::opt_id("store_id", &store_id)?,
            reason,
        };
        ops::certificates::move_range(&st.db, &a, CampaignId(campaign_id), &input).await
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn void_certificate(code: String, reason: String) -> AppResult<Certificate> {
    let input = VoidInput { code, reason };
    with_actor!(|st, a| ops::certificates::void(&st.db, &a, &input).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_campaign_texts(campaign_id: i64) -> AppResult<CampaignTexts> {
    with_actor!(|st, a| ops::certificates::texts(&st.db, &a, CampaignId(campaign_id)).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn save_campaign_texts(
    campaign_id: i64,
    cert_title: String,
    cert_text: String,
    regulations: String,
    consent_text: String,
    poster_headline: String,
    poster_text: String,
) -> AppResult<CampaignTexts> {
    let input = CampaignTexts {
        cert_title,
        cert_text,
        regulations,
        consent_text,
        poster_headline,
        poster_text,
    };
    with_actor!(
        |st, a| ops::certificates::save_texts(&st.db, &a, CampaignId(campaign_id), &input).await
    )
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn create_form_batch(
    campaign_id: i64,
    store_id: String,
    count: String,
) -> AppResult<FormBatch> {
    with_actor!(|st, a| {
        let store = super::opt_id("store_id", &store_id)?;
        ops::certificates::create_form_batch(
            &st.db,
            &a,
            CampaignId(campaign_id),
            store.map(StoreId),
            &count,
        )
        .await
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn list_form_batches(campaign_id: i64) -> AppResult<Vec<FormBatch>> {
    with_actor!(
        |st, a| ops::certificates::list_form_batches(&st.db, &a, CampaignId(campaign_id)).await
    )
}

/// Public: the certificate's page for whoever holds it (no sign-in, no personal data).
#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_public_certificate(code: String) -> AppResult<PublicCertificate> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    let client = ssr::client_addr(&parts, &st);
    Ok(ops::certificates::public_view(&st.db, &code, &client, &st.public_url).await?)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn stock_forecast(campaign_id: i64) -> AppResult<Vec<domain::forecast::StoreForecast>> {
    with_actor!(|st, a| ops::stock::forecast(&st.db, &a, CampaignId(campaign_id)).await)
}
