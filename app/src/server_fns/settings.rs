//! Clinic settings, API tokens and the clinic's list of services.

use domain::model::*;
use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
#[allow(unused_imports)]
use domain::ids::{CampaignId, PartnerId, StoreId, UserId};
#[cfg(feature = "ssr")]
use domain::ops;

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_settings() -> AppResult<ClinicSettings> {
    with_actor!(|st, a| {
        a.may(domain::policy::Op::ManageSettings)?;
        ops::settings::get(&st.db).await
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn save_settings(
    name: String,
    address: String,
    phone: String,
    public_url: String,
    time_zone: String,
    #[server(default)] weekly_check_day: String,
    #[server(default)] margin_percent: String,
) -> AppResult<ClinicSettings> {
    let input = ClinicSettings {
        name,
        address,
        phone,
        public_url,
        time_zone,
        currency: "RUB".into(),
        // An unreadable choice fails the range check, naming the field.
        weekly_check_day: weekly_check_day.trim().parse().unwrap_or(
            if weekly_check_day.trim().is_empty() {
                1
            } else {
                0
            },
        ),
        margin_percent: if margin_percent.trim().is_empty() {
            domain::results::DEFAULT_MARGIN_PERCENT
        } else {
            margin_percent.trim().parse().unwrap_or(-1)
        },
    };
    with_actor!(|st, a| ops::settings::update(&st.db, &a, &input).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn list_tokens() -> AppResult<Vec<ApiTokenInfo>> {
    with_actor!(|st, a| ops::people::list_tokens(&st.db, &a).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn create_token(name: String, role: String) -> AppResult<String> {
    with_actor!(|st, a| {
        let role = domain::types::Role::parse("role", &role)
            .map_err(|e| domain::DomainError::Invalid(vec![e]))?;
        ops::people::create_token(&st.db, &a, &name, role, None, None).await
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn revoke_token(id: i64) -> AppResult<()> {
    with_actor!(|st, a| ops::people::revoke_token(&st.db, &a, id).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn add_clinic_service(name: String) -> AppResult<domain::checkin::Service> {
    with_actor!(|st, a| ops::checkin::add_service(&st.db, &a, &name).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn hide_clinic_service(id: i64) -> AppResult<()> {
    with_actor!(|st, a| ops::checkin::hide_service(&st.db, &a, id).await)
}
