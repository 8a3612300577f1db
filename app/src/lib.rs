//! What people see: the Leptos pages, their components and the server functions they call.
//!
//! Built twice: with `ssr` into the server (rendering pages, running server functions) and with
//! `hydrate` into the browser bundle. Server functions are thin: they find the signed-in actor
//! and call an operation in `domain::ops`.

pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

use crate::i18n::{provide_lang, t};
use domain::Msg;

/// The participants' public pages, opened once on their own phones over mobile data: the
/// certificate `/c/{code}` and self-registration `/join/{campaign}/{store}`. They are sent as
/// plain HTML — no WebAssembly, no service worker, no web-app manifest — and their forms are
/// ordinary form posts (server functions redirect back, with the error in the address).
pub fn light_path(path: &str) -> bool {
    path.starts_with("/c/") || path.starts_with("/join/")
}

/// Put on a request by the server (once it knows who asks) for one of the app's own pages that
/// is sent without the browser bundle ([`script_page`]): the store employee's home, whose
/// hand-out form `public/handout.js` runs, and reception's check-in (`public/checkin.js`); their
/// other forms are plain form posts. Unlike a participant's page it keeps the web-app manifest
/// and registers the service worker (from `public/light.js`), so it stays installable and
/// opens offline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScriptPage;

/// The app's pages sent to `role` without the browser bundle (see [`ScriptPage`]): the store
/// employee's home with the hand-out form, opened on a phone behind a shop counter, often over
/// mobile data, and reception's check-in. Links to them are followed by a full page load
/// (`rel="external"`), never rendered by the bundle.
pub fn script_page(path: &str, role: domain::types::Role) -> bool {
    use domain::types::Role::*;
    match path {
        "/" => matches!(role, StoreStaff | Reception),
        "/handout" | "/checkin" => true,
        _ => false,
    }
}

/// Signing in — by e-mail and password, from an invite, or the first-start setup — is one form:
/// sent as plain HTML to everyone (the form is a plain form post), so a store employee's phone
/// never downloads the app's bundle to sign in either. The landing page loads what it needs.
pub fn sign_in_path(path: &str) -> bool {
    path == "/login" || path.starts_with("/invite/") || path.starts_with("/setup/")
}

/// True while rendering a page sent without the browser bundle (a [`light_path`], a
/// [`sign_in_path`] or a [`ScriptPage`]) on the server. The bundle never runs on such a page (it is not sent), so
/// there it is always false.
pub fn light_page() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().is_some_and(|parts| {
            let path = parts.uri.path();
            light_path(path) || sign_in_path(path) || parts.extensions.get::<ScriptPage>().is_some()
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// True while rendering a participant's page ([`light_path`]) on the server: no manifest, no
/// service worker, nothing of the app's.
pub fn participant_page() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().is_some_and(|parts| light_path(parts.uri.path()))
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// The HTML document around the app (rendered on the server only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = i18n::request_lang();
    let light = light_page();
    let participant = participant_page();
    if light && let Some(shared) = Owner::current_shared_context() {
        // Nothing will hydrate the page: its resources' data need not be sent again for that.
        shared.set_is_hydrating(false);
    }
    view! {
        <!DOCTYPE html>
        // `data-light`: sent without the browser bundle (nothing will hydrate it).
        <html lang=lang.code() data-light=light.then_some("true")>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content="#0f766e"/>
                {(!participant).then(|| view! { <link rel="manifest" href="/manifest.webmanifest"/> })}
                <link rel="icon" href="/favicon.ico" sizes="any"/>
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
                {(!light).then(|| view! { <HydrationScripts options/> })}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_lang();
    view! {
        <Stylesheet id="sarafan" href="/pkg/sarafan.css"/>
        <Title text=t(Msg::AppName)/>
        <Meta name="description" content=t(Msg::AppTagline)/>
        // The service worker's offline page, for the app's own pages only.
        {(!participant_page()).then(|| view! { <Link rel="prefetch" href="/offline.html"/> })}
        <Router>
            <Routes fallback=pages::NotFound>
                <Route path=StaticSegment("login") view=pages::auth::LoginPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("setup"), ParamSegment("token")) view=pages::auth::SetupPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("invite"), ParamSegment("token")) view=pages::auth::InvitePage ssr=SsrMode::Async/>
                <Route path=StaticSegment("") view=pages::home::HomePage ssr=SsrMode::Async/>
                <Route path=StaticSegment("campaigns") view=pages::campaigns::CampaignsPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("campaigns"), ParamSegment("id")) view=pages::campaigns::CampaignPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("campaigns"), ParamSegment("id"), StaticSegment("certificates")) view=pages::certificates::CertificatesPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("campaigns"), ParamSegment("id"), StaticSegment("stock")) view=pages::stock::StockPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("campaigns"), ParamSegment("id"), StaticSegment("import")) view=pages::imports::ImportPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("campaigns"), ParamSegment("id"), StaticSegment("stores"), ParamSegment("store")) view=pages::stock::StoreViewPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("stock") view=pages::stock::StaffStockPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("campaigns"), ParamSegment("id"), StaticSegment("report")) view=pages::results::ReportPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("campaigns"), ParamSegment("id"), StaticSegment("motivation")) view=pages::results::MotivationPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("shopper-visits") view=pages::shopper::ShopperVisitsPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("shopper-visits"), ParamSegment("id")) view=pages::shopper::ShopperVisitPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("campaigns"), ParamSegment("id"), StaticSegment("shopper-questions")) view=pages::shopper::ShopperQuestionsPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("v"), ParamSegment("secret")) view=pages::shopper::LinkVisitPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("tasks") view=pages::tasks::TasksPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("tasks"), ParamSegment("id")) view=pages::tasks::TaskPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("checklist") view=pages::tasks::ChecklistPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("c"), ParamSegment("code")) view=pages::certificates::PublicCertificatePage ssr=SsrMode::Async/>
                <Route path=StaticSegment("handout") view=pages::staff::HandoutPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("join"), ParamSegment("campaign"), ParamSegment("store")) view=pages::staff::JoinPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("checkin") view=pages::checkin::CheckinPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("partners") view=pages::partners::PartnersPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("partners"), ParamSegment("id")) view=pages::partners::PartnerPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("participants") view=pages::participants::ParticipantsPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("participants"), ParamSegment("id")) view=pages::participants::ParticipantPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("people") view=pages::people::PeoplePage ssr=SsrMode::Async/>
                <Route path=StaticSegment("settings") view=pages::settings::SettingsPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("messages") view=pages::messages::MessagesPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}

/// The browser entry point: hydrates the server-rendered page and registers the service worker.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    if let Some(window) = web_sys::window() {
        // A marker for people and tests: the page is interactive from here on.
        if let Some(root) = window.document().and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-hydrated", "true");
        }
        let _ = window.navigator().service_worker().register("/sw.js");
    }
}
