//! Clinic settings, open sessions and API tokens.

use domain::types::Role;
use domain::{DomainError, Msg, format};
use leptos::prelude::*;

use crate::components::{ErrorBox, Field, FormError, Layout, action_error, action_ok, interactive};
use crate::i18n::{t, use_lang};
use crate::pages::messages::{MessageSettingsSection, WebhooksSection};
use crate::server_fns::{
    AddClinicService, CreateToken, EndSession, HideClinicService, RevokeToken, SaveSettings,
    clinic_services, get_settings, list_sessions, list_tokens,
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveSettings>::new();
    let end = ServerAction::<EndSession>::new();
    let create_token = ServerAction::<CreateToken>::new();
    let revoke_token = ServerAction::<RevokeToken>::new();
    let settings = Resource::new(move || save.version().get(), |_| get_settings());
    let add_service = ServerAction::<AddClinicService>::new();
    let hide_service = ServerAction::<HideClinicService>::new();
    let services = Resource::new(
        move || (add_service.version().get(), hide_service.version().get()),
        |_| clinic_services(),
    );
    let service_error = action_error(add_service);
    let sessions = Resource::new(move || end.version().get(), |_| list_sessions());
    let tokens = Resource::new(
        move || (create_token.version().get(), revoke_token.version().get()),
        |_| list_tokens(),
    );
    let error = action_error(save);
    let saved = action_ok(save);
    let token_error = action_error(create_token);
    let lang = use_lang();
    let ready = interactive();
    let form_error =
        Signal::derive(move || error.get().filter(|e: &DomainError| e.fields().is_empty()));
    view! {
        <Layout title=Msg::Settings>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match (settings.await, sessions.await, tokens.await) {
                        (Ok(s), Ok(sessions), Ok(tokens)) => view! {
                            <section class="card stack">
                                <ActionForm action=save attr:class="stack">
                                    <FormError error=form_error/>
                                    <Field label=Msg::ClinicName name="name" error_key="clinic_name" value=s.name.clone() required=true error/>
                                    <Field label=Msg::Address name="address" value=s.address.clone() error/>
                                    <Field label=Msg::Phone name="phone" kind="tel" value=s.phone.clone() error/>
                                    <Field label=Msg::PublicUrl name="public_url" kind="url" value=s.public_url.clone() placeholder="https://promo.clinic.ru" error/>
                                    <Field label=Msg::TimeZone name="time_zone" value=s.time_zone.clone() error/>
                                    <div class="field">
                                        <label for="f-weekly">{t(Msg::WeeklyCheckDay)}</label>
                                        <select id="f-weekly" name="weekly_check_day">
                                            {[Msg::Monday, Msg::Tuesday, Msg::Wednesday, Msg::Thursday, Msg::Friday, Msg::Saturday, Msg::Sunday]
                                                .into_iter().enumerate().map(|(i, m)| {
                                                    let day = i as i64 + 1;
                                                    view! { <option value=day selected=s.weekly_check_day == day>{t(m)}</option> }
                                                }).collect_view()}
                                        </select>
                                    </div>
                                    <Field label=Msg::MarginPercent name="margin_percent" kind="number" value=s.margin_percent.to_string() placeholder="40" error/>
                                    <p class="muted">{t(Msg::Currency)}": "{s.currency.clone()}</p>
                                    {move || saved.get().then(|| view! { <p class="notice">{t(Msg::Saved)}</p> })}
                                    <button type="submit" class="btn btn-primary">{t(Msg::Save)}</button>
                                </ActionForm>
                            </section>
                            <section class="card stack">
                                <h2>{t(Msg::Sessions)}</h2>
                                <div class="table-wrap"><table class="table">
                                    <tbody>
                                        {sessions.into_iter().map(|s| view! {
                                            <tr>
                                                <td>{s.person_name}<br/><span class="muted">{s.role.msg().text(lang)}</span></td>
                                                <td class="muted">{s.user_agent.unwrap_or_default().chars().take(60).collect::<String>()}</td>
                                                <td>{format::date_of(&s.created_at, lang)}</td>
                                                <td>{(!s.current).then(|| view! {
                                                    <ActionForm action=end>
                                                        <input type="hidden" name="id" value=s.id/>
                                                        <button type="submit" class="btn btn-small btn-danger">{t(Msg::EndSession)}</button>
                                                    </ActionForm>
                                                })}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                            </section>
                            <section class="card stack">
                                <h2>{t(Msg::ApiTokens)}</h2>
                                {move || create_token.value().get().and_then(|r| r.ok()).map(|secret| view! {
                                    <div class="notice stack"><p>{t(Msg::TokenShownOnce)}</p><code class="token">{secret}</code></div>
                                })}
                                <FormError error=token_error/>
                                <ActionForm action=create_token attr:class="row">
                                    <Field label=Msg::PersonName name="name" required=true error=token_error/>
                                    <div class="field">
                                        <label for="f-token-role">{t(Msg::Role)}</label>
                                        <select id="f-token-role" name="role">
                                            {[Role::Marketer, Role::Reception].into_iter().map(|r| view! { <option value=r.as_str()>{r.msg().text(lang)}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    <button type="submit" class="btn" disabled=move || !ready.get()>{t(Msg::NewToken)}</button>
                                </ActionForm>
                                <ul>
                                    {tokens.into_iter().map(|k| view! {
                                        <li class="row">
                                            <span>{k.name}" · "{k.role.msg().text(lang)}" · "{format::date_of(&k.created_at, lang)}</span>
                                            {if k.revoked {
                                                view! { <span class="badge badge-revoked">{t(Msg::Revoked)}</span> }.into_any()
                                            } else {
                                                view! {
                                                    <ActionForm action=revoke_token>
                                                        <input type="hidden" name="id" value=k.id/>
                                                        <button type="submit" class="btn btn-small btn-danger">{t(Msg::Revoke)}</button>
                                                    </ActionForm>
                                                }.into_any()
                                            }}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        }.into_any(),
                        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
            <MessageSettingsSection/>
            <WebhooksSection/>
            <section class="card stack" id="services">
                <h2>{t(Msg::Services)}</h2>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match services.await {
                            Ok(list) => view! {
                                <ul class="plain">
                                    {list.into_iter().filter(|s| s.active).map(|s| view! {
                                        <li class="row">
                                            <span>{s.name.clone()}</span>
                                            <ActionForm action=hide_service>
                                                <input type="hidden" name="id" value=s.id/>
                                                <button type="submit" class="btn btn-small" aria-label=format!("{} {}", Msg::Delete.text(lang), s.name)>{Msg::Delete.text(lang)}</button>
                                            </ActionForm>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                        }
                    })}
                </Suspense>
                <ActionForm action=add_service attr:class="row">
                    <Field label=Msg::Services name="name" required=true error=service_error/>
                    <button type="submit" class="btn">{t(Msg::Add)}</button>
                </ActionForm>
            </section>
        </Layout>
    }
}
