//! Reception: check-in, redemption, undo, visits; attribution for the marketer.

use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
#[allow(unused_imports)]
use domain::ids::{CampaignId, PartnerId, StoreId, UserId};
#[cfg(feature = "ssr")]
use domain::ops;

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn checkin_check(code: String) -> AppResult<domain::checkin::CheckinAnswer> {
    with_actor!(|st, a| ops::checkin::check(&st.db, &a, &code).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn checkin_redeem(
    code: String,
    idempotency_key: String,
    patient_name: Option<String>,
    patient_phone: Option<String>,
) -> AppResult<domain::checkin::CheckinAnswer> {
    let input = domain::checkin::RedeemInput {
        code,
        idempotency_key,
        patient_name: patient_name.unwrap_or_default(),
        patient_phone: patient_phone.unwrap_or_default(),
    };
    let answer = with_actor!(|st, a| ops::checkin::redeem(&st.db, &a, &input).await)?;
    let redeemed = answer.verdict == domain::checkin::Verdict::Redeemed;
    checkin_back(&answer.code, Some(redeemed), "");
    Ok(answer)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn checkin_undo(
    code: String,
    reason: String,
) -> AppResult<domain::checkin::CheckinAnswer> {
    let input = domain::checkin::UndoInput { code, reason };
    let answer = with_actor!(|st, a| ops::checkin::undo(&st.db, &a, &input).await)?;
    checkin_back(&answer.code, Some(false), "");
    Ok(answer)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn checkin_visit(
    code: String,
    services: Option<Vec<String>>,
    amount: String,
    doctor: Option<String>,
    visited_on: Option<String>,
    idempotency_key: Option<String>,
) -> AppResult<domain::checkin::Visit> {
    let input = domain::checkin::VisitInput {
        code,
        services: services.unwrap_or_default(),
        amount,
        doctor: doctor.unwrap_or_default(),
        visited_on: visited_on.unwrap_or_default(),
        idempotency_key: idempotency_key.unwrap_or_default(),
        ..Default::default()
    };
    let visit = with_actor!(|st, a| ops::checkin::record_visit(&st.db, &a, &input).await)?;
    checkin_back(&input.code, None, "&visit=saved");
    Ok(visit)
}

/// A plain form post from reception's check-in page (which comes without the browser bundle)
/// goes back to that page — reception's home or `/checkin`, whichever sent it — showing the
/// certificate `code` again, with `extra` in the address. `redeemed`: whether the answer shows
/// "just redeemed" rather than "already used" (`None`: as the page that sent the form did, so
/// the visits recorded right after a redemption keep it). Posts from scripts get their answer
/// as usual.
#[cfg(feature = "ssr")]
fn checkin_back(code: &str, redeemed: Option<bool>, extra: &str) {
    let Ok(parts) = crate::ssr::parts() else {
        return;
    };
    if !crate::ssr::is_plain_form_post(&parts) {
        return;
    }
    let referer = parts
        .headers
        .get(http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let after_host = referer
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("/checkin");
    let (path, query) = after_host.split_once('?').unwrap_or((after_host, ""));
    let path = if path == "/" { "/" } else { "/checkin" };
    let redeemed = redeemed.unwrap_or_else(|| query.split('&').any(|kv| kv == "redeemed=1"));
    let mark = if redeemed { "&redeemed=1" } else { "" };
    let code: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(64)
        .collect();
    leptos_axum::redirect(&format!("{path}?code={code}{mark}{extra}"));
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn checkin_visits(code: String) -> AppResult<Vec<domain::checkin::Visit>> {
    with_actor!(|st, a| ops::checkin::visits_of(&st.db, &a, &code).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn clinic_services() -> AppResult<Vec<domain::checkin::Service>> {
    with_actor!(|st, a| ops::checkin::services(&st.db, &a).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn campaign_attribution(campaign_id: i64) -> AppResult<domain::checkin::Attribution> {
    with_actor!(|st, a| ops::checkin::attribution(&st.db, &a, CampaignId(campaign_id)).await)
}
