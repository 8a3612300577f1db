//! Pieces every page uses: the page frame with navigation, form fields that show their
//! error in the user's language, and the error box.

use domain::{DomainError, Msg, policy};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::error::AppError;
use crate::i18n::{t, use_lang};
use crate::server_fns::{Logout, get_me};

/// The error of the last submission of an action, if it failed.
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<DomainError>>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.domain())
    })
}

/// False until this page is interactive (always false on the server, true once hydrated).
///
/// A form whose answer is shown only once — a new API token's or webhook's secret, an invite
/// link, an outside shopper's link — keeps its button disabled until then: posted as a plain
/// form before the bundle has loaded, it would create the secret and lose its only showing.
pub fn interactive() -> Signal<bool> {
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    ready.into()
}

/// True once the last submission of an action succeeded.
pub fn action_ok<I, O>(action: ServerAction<I>) -> Signal<bool>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || matches!(action.value().get(), Some(Ok(_))))
}

/// Once `signed_in` turns true, opens the landing page by a full page load: it may be one the
/// bundle does not render (`crate::script_page`). Every role lands on `/`
/// (`domain::policy::landing`).
pub fn land_when(signed_in: Signal<bool>) {
    Effect::new(move |_| {
        if signed_in.get() {
            let _ = window().location().set_href("/");
        }
    });
}

/// On a page sent without the browser bundle, the few lines (`public/forms.js`) that keep what
/// was typed through a refused plain form post and stop a second tap from posting twice. Not on
/// a page the bundle rendered: there the forms are its own.
#[component]
pub fn PlainForms() -> impl IntoView {
    crate::light_page().then(|| view! { <script src="/forms.js" defer=true></script> })
}

/// On sign-out, tells the service worker to forget the pages it kept for offline use, so the
/// next person on a shared phone cannot read them (works with or without the WASM).
pub const CLEAR_CACHED_PAGES: &str = "navigator.serviceWorker&&navigator.serviceWorker.controller&&navigator.serviceWorker.controller.postMessage({type:'clear-pages'})";

/// The page frame: top bar with the navigation of the signed-in person's role, and the page
/// itself only if the access policy lets that role open it (`domain::policy::PAGES`).
#[component]
pub fn Layout(title: Msg, children: ChildrenFn) -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    let logout = ServerAction::<Logout>::new();
    let lang = use_lang();
    let location = use_location();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="muted container">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => {
                        // Who is signed in, for the page inside (the offline queue is bound to them).
                        provide_context(me.clone());
                        let path = location.pathname.get_untracked();
                        let allowed = policy::page_at(&path).is_none_or(|p| p.open_to(Some(me.role)));
                        let nav = policy::nav(me.role);
                        let back = path.clone();
                        // A page the bundle must not render opens by a full page load.
                        let role = me.role;
                        let external = move |href: &str| crate::script_page(href, role).then_some("external");
                        view! {
                            <header class="topbar">
                                <a class="brand" href="/" rel=external("/")>{t(Msg::AppName)}</a>
                                <nav class="nav">
                                    {nav.into_iter().map(|(href, m)| {
                                        let current = if href == "/" { path == "/" } else { path.starts_with(href) };
                                        view! { <a href=href rel=external(href) aria-current=current.then_some("page")>{m.text(lang)}</a> }
                                    }).collect_view()}
                                </nav>
                                <span class="muted">{me.name.clone()}" · "{me.role.msg().text(lang)}</span>
                                <a class="lang-switch" href=format!("/lang/{}?back={}", lang.other().code(), back) rel="nofollow">{t(Msg::SwitchLang)}</a>
                                <ActionForm action=logout attr:class="signout" attr:onsubmit=CLEAR_CACHED_PAGES>
                                    <button type="submit" class="btn btn-small">{t(Msg::SignOut)}</button>
                                </ActionForm>
                            </header>
                            <main class="container stack">
                                <h1 class="page-title">{title.text(lang)}</h1>
                                {if allowed {
                                    children.with_value(|c| c()).into_any()
                                } else {
                                    view! { <p class="form-error">{t(Msg::ErrForbidden)}</p> }.into_any()
                                }}
                            </main>
                        }.into_any()
                    }
                    Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(e) => view! { <main class="container"><ErrorBox error=e.domain()/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A whole-form error (e.g. "you do not have access to this"), in the user's language.
#[component]
pub fn ErrorBox(error: DomainError) -> impl IntoView {
    let lang = use_lang();
    view! { <p class="form-error" role="alert">{error.message(lang)}</p> }
}

/// Shows the form-level error of an action (errors not tied to one field, or all fields).
#[component]
pub fn FormError(error: Signal<Option<DomainError>>) -> impl IntoView {
    let lang = use_lang();
    move || {
        error
            .get()
            .map(|e| view! { <p class="form-error" role="alert">{e.message(lang)}</p> })
    }
}

/// A labelled input whose error (from the last submission) appears under it.
#[component]
pub fn Field(
    label: Msg,
    name: &'static str,
    /// The field name the domain reports errors under, when it differs from `name`.
    #[prop(optional)]
    error_key: Option<&'static str>,
    #[prop(optional, into)] value: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
    error: Signal<Option<DomainError>>,
) -> impl IntoView {
    let lang = use_lang();
    let key = error_key.unwrap_or(name);
    let id = format!("f-{name}");
    let msg = move || {
        error
            .get()
            .and_then(|e| e.for_field(key).map(|f| f.code.msg().text(lang)))
    };
    let invalid = move || msg().is_some().then_some("true");
    view! {
        <div class="field">
            <label for=id.clone()>{label.text(lang)}</label>
            {if kind == "textarea" {
                view! { <textarea id=id.clone() name=name rows="4" aria-invalid=invalid>{value.clone()}</textarea> }.into_any()
            } else {
                view! {
                    <input id=id.clone() name=name type=kind value=value.clone() required=required
                        autocomplete=autocomplete placeholder=placeholder aria-invalid=invalid/>
                }.into_any()
            }}
            {move || msg().map(|m| view! { <p class="field-error">{m}</p> })}
        </div>
    }
}

/// A `tel:` link a phone can call with one tap.
#[component]
pub fn TelLink(phone: String) -> impl IntoView {
    let shown = domain::format::phone(&phone);
    view! { <a class="link-tel" href=format!("tel:{phone}")>{shown}</a> }
}
