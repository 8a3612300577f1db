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
    with_actor!(|st, a| ops::checkin::redeem(&st.db, &a, &input).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn checkin_undo(
    code: String,
    reason: String,
) -> AppResult<domain::checkin::CheckinAnswer> {
    let input = domain::checkin::UndoInput { code, reason };
    with_actor!(|st, a| ops::checkin::undo(&st.db, &a, &input).await)
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
    with_actor!(|st, a| ops::checkin::record_visit(&st.db, &a, &input).await)
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
