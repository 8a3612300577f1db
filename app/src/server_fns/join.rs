//! The public self-registration page of a store's poster or paper form.

use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
use crate::ssr;
#[cfg(feature = "ssr")]
use domain::ids::{CampaignId, StoreId};
#[cfg(feature = "ssr")]
use domain::ops;

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_join_info(
    campaign_id: i64,
    store_id: i64,
) -> AppResult<domain::checkin::JoinInfo> {
    let st = ssr::state()?;
    Ok(ops::handouts::join_info(&st.db, CampaignId(campaign_id), StoreId(store_id)).await?)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn join_campaign(
    campaign_id: i64,
    store_id: i64,
    name: String,
    phone: String,
    email: Option<String>,
    consent: Option<String>,
    website: Option<String>,
    form: Option<String>,
) -> AppResult<domain::checkin::ECertificate> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    let client = ssr::client_addr(&parts, &st);
    let input = domain::checkin::SelfRegistration {
        name,
        phone,
        email: email.unwrap_or_default(),
        consent: consent.is_some_and(|c| !c.is_empty() && c != "false"),
        website: website.unwrap_or_default(),
        form: form.unwrap_or_default(),
    };
    let cert = ops::handouts::self_register(
        &st.db,
        CampaignId(campaign_id),
        StoreId(store_id),
        &input,
        &client,
        &st.public_url,
    )
    .await?;
    // Sent before the page's script ran (a plain HTML form): show the certificate on its own
    // page, where a reload shows it again instead of registering twice.
    if ssr::is_plain_form_post(&parts) {
        leptos_axum::redirect(&format!("/c/{}?new=1", cert.code.replace('-', "")));
    }
    Ok(cert)
}

/// Public: confirms a self-registered phone with the code from its SMS (typed on the
/// certificate's page).
#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn confirm_phone(code: String, sms_code: String) -> AppResult<bool> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    let client = ssr::client_addr(&parts, &st);
    ops::e_certificates::confirm_phone(&st.db, &code, &sms_code, &client).await?;
    // A plain HTML form (no WebAssembly yet): back to the certificate, which now says so.
    if ssr::is_plain_form_post(&parts) {
        leptos_axum::redirect(&format!("/c/{}?confirmed=1", code.replace('-', "")));
    }
    Ok(true)
}
