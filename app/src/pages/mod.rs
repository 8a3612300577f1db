//! One module per area of the app.

pub mod auth;
pub mod campaigns;
pub mod certificates;
pub mod checkin;
pub mod home;
pub mod imports;
pub mod messages;
pub mod participants;
pub mod partners;
pub mod people;
pub mod results;
pub mod settings;
pub mod shopper;
pub mod staff;
pub mod stock;
pub mod tasks;

use domain::Msg;
use leptos::prelude::*;

use crate::i18n::t;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="container center-card">
            <h1>{t(Msg::NotFoundPage)}</h1>
            <a href="/">{t(Msg::NavHome)}</a>
        </main>
    }
}
