//! Participants and their personal data (152-FZ), for the marketer: find a person by name,
//! phone or certificate code; see everything kept about them; hand it over (JSON) when they ask;
//! record a withdrawal of consent; erase them on request.

use domain::model::ParticipantSummary;
use domain::{Msg, format};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::{ErrorBox, Layout, TelLink, action_error};
use crate::i18n::{t, use_lang};
use crate::pages::certificates::state_msg;
use crate::server_fns::{
    AnonymiseParticipant, WithdrawParticipantConsent, get_participant, search_participants,
};

#[component]
pub fn ParticipantsPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let found = Resource::new(q, search_participants);
    let lang = use_lang();
    view! {
        <Layout title=Msg::ParticipantsTitle>
            <p class="muted">{t(Msg::ParticipantsHint)}</p>
            // A plain GET form: the search is in the address, so it works before the WASM loads
            // and survives a reload.
            <form method="get" action="/participants" class="scan-form" role="search">
                <label class="sr-only" for="participant-q">{t(Msg::SearchParticipants)}</label>
                <input id="participant-q" name="q" type="search" value=q maxlength="200"
                    placeholder=t(Msg::SearchParticipants) class="grow"/>
                <button type="submit" class="btn btn-primary">{t(Msg::Search)}</button>
            </form>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match found.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">{t(Msg::NoParticipants)}</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap"><table class="table" id="participants">
                                <thead><tr>
                                    <th>{t(Msg::PersonName)}</th><th>{t(Msg::Phone)}</th>
                                    <th class="num">{t(Msg::HandoutsCount)}</th><th class="num">{t(Msg::VisitsCount)}</th><th></th>
                                </tr></thead>
                                <tbody>{list.into_iter().map(|p| row(p, lang)).collect_view()}</tbody>
                            </table></div>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

fn row(p: ParticipantSummary, lang: domain::Lang) -> impl IntoView {
    let note = if p.anonymised_at.is_some() {
        Some(Msg::Anonymised)
    } else if p.consent_withdrawn_at.is_some() {
        Some(Msg::ConsentWithdrawn)
    } else {
        None
    };
    view! {
        <tr>
            <td><a href=format!("/participants/{}", p.id)>{p.name}</a></td>
            <td>{format::phone(&p.phone)}</td>
            <td class="num">{p.handouts}</td>
            <td class="num">{p.visits}</td>
            <td>{note.map(|m| view! { <span class="badge">{m.text(lang)}</span> })}</td>
        </tr>
    }
}

#[component]
pub fn ParticipantPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(-1)
    };
    let withdraw = ServerAction::<WithdrawParticipantConsent>::new();
    let erase = ServerAction::<AnonymiseParticipant>::new();
    let record = Resource::new(
        move || (id(), withdraw.version().get(), erase.version().get()),
        |(id, ..)| get_participant(id),
    );
    let withdraw_error = action_error(withdraw);
    let erase_error = action_error(erase);
    let lang = use_lang();
    view! {
        <Layout title=Msg::ParticipantCard>
            <p><a href="/participants">{"← "}{t(Msg::ParticipantsTitle)}</a></p>
            {move || withdraw_error.get().or_else(|| erase_error.get()).map(|e| view! { <ErrorBox error=e/> })}
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let r = match record.await {
                        Ok(r) => r,
                        Err(e) => return view! { <ErrorBox error=e.domain()/> }.into_any(),
                    };
                    let pid = r.id;
                    let erased = r.anonymised_at.is_some();
                    view! {
                        <section class="card stack" id="participant">
                            <h2>{r.name.clone()}</h2>
                            {(!r.phone.is_empty()).then(|| view! { <TelLink phone=r.phone.clone()/> })}
                            {r.email.clone().map(|e| view! { <p>{e}</p> })}
                            {r.birthday.clone().map(|b| view! { <p>{t(Msg::Birthday)}": "{b}</p> })}
                            {r.consent_withdrawn_at.clone().map(|at| view! {
                                <p class="status status-warn">{t(Msg::ConsentWithdrawn)}": "{format::date_of(&at, lang)}</p>
                            })}
                            {r.anonymised_at.clone().map(|at| view! {
                                <p class="status status-bad">{t(Msg::Anonymised)}": "{format::date_of(&at, lang)}</p>
                            })}
                            <p class="actions">
                                <a rel="external" download="" class="btn btn-small" href=format!("/api/v1/participants/{pid}/export")>{t(Msg::ExportJson)}</a>
                            </p>
                        </section>
                        <section class="stack">
                            <h2>{t(Msg::Certificates)}</h2>
                            <div class="table-wrap"><table class="table" id="participant-handouts">
                                <thead><tr>
                                    <th>{t(Msg::Date)}</th><th>{t(Msg::Store)}</th><th>{t(Msg::CertCode)}</th>
                                    <th>{t(Msg::Status)}</th><th>{t(Msg::ConsentGiven)}</th>
                                </tr></thead>
                                <tbody>
                                    {r.handouts.into_iter().map(|h| view! {
                                        <tr>
                                            <td>{format::date_of(&h.happened_at, lang)}</td>
                                            <td>{h.store_name}<br/><span class="muted">{h.campaign_name}</span>
                                                {h.employee_name.map(|e| view! { <br/><span class="muted">{e}</span> })}</td>
                                            <td><code>{h.code}</code>
                                                {h.typed_name.map(|n| view! { <br/><span class="muted">{n}</span> })}</td>
                                            <td>{t(state_msg(h.certificate_state))}
                                                {(!h.phone_confirmed).then(|| view! { <br/><span class="muted">{t(Msg::PhoneUnconfirmed)}</span> })}</td>
                                            <td>{format::date_of(&h.consent_at, lang)}<br/><span class="muted">{h.consent_version}</span></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        </section>
                        {(!r.form_contacts.is_empty()).then(|| view! {
                            <section class="stack">
                                <h2>{t(Msg::FormContacts)}</h2>
                                <div class="table-wrap"><table class="table" id="participant-contacts">
                                    <thead><tr>
                                        <th>{t(Msg::Date)}</th><th>{t(Msg::Store)}</th><th>{t(Msg::FormSerial)}</th>
                                        <th>{t(Msg::ConsentGiven)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {r.form_contacts.clone().into_iter().map(|f| view! {
                                            <tr>
                                                <td>{format::date_of(&f.consent_at, lang)}</td>
                                                <td>{f.store_name}<br/><span class="muted">{f.campaign_name}</span></td>
                                                <td>{f.form_serial.map(|n| format!("{n:06}")).unwrap_or_default()}
                                                    {f.typed_name.map(|n| view! { <br/><span class="muted">{n}</span> })}</td>
                                                <td>{format::date_of(&f.consent_at, lang)}<br/><span class="muted">{f.consent_version}</span>
                                                    <br/><span class="muted">{t(Msg::FromPaperForm)}" · "{f.recorded_by}</span></td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                            </section>
                        })}
                        <section class="stack">
                            <h2>{t(Msg::VisitsCount)}</h2>
                            <div class="table-wrap"><table class="table" id="participant-visits">
                                <thead><tr><th>{t(Msg::VisitDate)}</th><th>{t(Msg::Services)}</th><th class="num">{t(Msg::Revenue)}</th></tr></thead>
                                <tbody>
                                    {r.visits.into_iter().map(|v| view! {
                                        <tr>
                                            <td>{format::date(v.visited_on, lang)}</td>
                                            <td>{v.services.join(", ")}</td>
                                            <td class="num">{format::money(v.amount, lang)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        </section>
                        {(!erased).then(|| view! {
                            <section class="card stack">
                                {r.consent_withdrawn_at.is_none().then(|| view! {
                                    <ActionForm action=withdraw>
                                        <input type="hidden" name="id" value=pid/>
                                        <button type="submit" class="btn">{t(Msg::WithdrawConsent)}</button>
                                    </ActionForm>
                                })}
                                <p class="muted">{t(Msg::AnonymiseHint)}</p>
                                <ActionForm action=erase>
                                    <input type="hidden" name="id" value=pid/>
                                    <button type="submit" class="btn btn-danger">{t(Msg::AnonymiseButton)}</button>
                                </ActionForm>
                            </section>
                        })}
                    }.into_any()
                })}
            </Suspense>
        </Layout>
    }
}
