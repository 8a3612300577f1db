//! Sign-in by e-mail and password, the first-start setup link, and invite links.

use domain::{DomainError, Msg};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::{
    ErrorBox, Field, FormError, PlainForms, action_error, action_ok, land_when,
};
use crate::i18n::{t, use_lang};
use crate::server_fns::{AcceptInvite, CompleteSetup, Login, invite_preview, setup_link_valid};

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    land_when(action_ok(login));
    let error = action_error(login);
    let form_error = Signal::derive(move || error.get().filter(|e| e.fields().is_empty()));
    view! {
        <main class="container center-card stack">
            <h1 class="page-title">{t(Msg::AppName)}</h1>
            <p class="muted">{t(Msg::AppTagline)}</p>
            <h2>{t(Msg::SignIn)}</h2>
            <FormError error=form_error/>
            <ActionForm action=login attr:class="stack">
                <Field label=Msg::Email name="email" kind="email" required=true autocomplete="username" error/>
                <Field label=Msg::Password name="password" kind="password" required=true autocomplete="current-password" error/>
                <button type="submit" class="btn btn-primary">{t(Msg::SignInButton)}</button>
            </ActionForm>
            <PlainForms/>
        </main>
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let valid = Resource::new(token, setup_link_valid);
    let setup = ServerAction::<CompleteSetup>::new();
    let error = action_error(setup);
    let form_error = Signal::derive(move || error.get().filter(|e| e.fields().is_empty()));
    view! {
        <main class="container center-card stack">
            <h1 class="page-title">{t(Msg::SetupTitle)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match valid.await {
                        Ok(true) => view! {
                            <p>{t(Msg::SetupIntro)}</p>
                            <FormError error=form_error/>
                            <ActionForm action=setup attr:class="stack">
                                <input type="hidden" name="token" value=token()/>
                                <Field label=Msg::PersonName name="name" required=true autocomplete="name" error/>
                                <Field label=Msg::Email name="email" kind="email" required=true autocomplete="username" error/>
                                <Field label=Msg::Password name="password" kind="password" required=true autocomplete="new-password" error/>
                                <button type="submit" class="btn btn-primary">{t(Msg::SetupButton)}</button>
                            </ActionForm>
                            <PlainForms/>
                        }.into_any(),
                        Ok(false) => view! {
                            <ErrorBox error=DomainError::Refused(domain::ErrorCode::SetupDone)/>
                            <a href="/login">{t(Msg::SignIn)}</a>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let info = Resource::new(token, invite_preview);
    let accept = ServerAction::<AcceptInvite>::new();
    land_when(action_ok(accept));
    let error = action_error(accept);
    let lang = use_lang();
    view! {
        <main class="container center-card stack">
            <h1 class="page-title">{t(Msg::InviteTitle)}</h1>
            <FormError error/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(i) => view! {
                            <p>{t(Msg::InviteIntro)}" "<strong>{i.role.msg().text(lang)}</strong></p>
                            <p class="kpi-value">{i.person_name.clone()}</p>
                            {i.store_name.clone().map(|s| view! { <p>{t(Msg::InviteFor)}": "<strong>{s}</strong></p> })}
                            <ActionForm action=accept attr:class="stack">
                                <input type="hidden" name="token" value=token()/>
                                <button type="submit" class="btn btn-primary">{t(Msg::InviteAccept)}</button>
                            </ActionForm>
                            <PlainForms/>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
