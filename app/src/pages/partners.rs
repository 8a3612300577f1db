//! Partners and their stores, with the administrators' contacts one tap away.

use domain::model::{Partner, Store};
use domain::{DomainError, Msg};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::{ErrorBox, Field, FormError, Layout, TelLink, action_error, action_ok};
use crate::i18n::t;
use crate::server_fns::{SavePartner, SaveStore, get_partner, list_partners, list_stores};

fn only_form_level(e: Signal<Option<DomainError>>) -> Signal<Option<DomainError>> {
    Signal::derive(move || e.get().filter(|e| e.fields().is_empty()))
}

#[component]
pub fn PartnersPage() -> impl IntoView {
    let save = ServerAction::<SavePartner>::new();
    let partners = Resource::new(move || save.version().get(), |_| list_partners());
    let stores = Resource::new(|| (), |_| list_stores(None));
    view! {
        <Layout title=Msg::NavPartners>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match (partners.await, stores.await) {
                        (Ok(partners), Ok(stores)) => view! {
                            <details class="collapsible card" open=partners.is_empty()>
                                <summary>{t(Msg::NewPartner)}</summary>
                                <PartnerForm partner=None action=save/>
                            </details>
                            <div class="grid">
                                {partners.into_iter().map(|p| {
                                    let own: Vec<Store> = stores.iter().filter(|s| s.partner_id == p.id).cloned().collect();
                                    view! {
                                        <div class="card stack">
                                            <a href=format!("/partners/{}", p.id)><strong>{p.name.clone()}</strong></a>
                                            {p.contact_person.clone().map(|c| view! { <p class="muted">{c}</p> })}
                                            {p.phone.clone().map(|ph| view! { <TelLink phone=ph/> })}
                                            <ul class="stores">
                                                {own.into_iter().map(|s| view! { <li>{s.name}</li> }).collect_view()}
                                            </ul>
                                            <a class="btn btn-small" href=format!("/partners/{}", p.id)>{t(Msg::Stores)}" ("{p.store_count}")"</a>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        }.into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

#[component]
fn PartnerForm(partner: Option<Partner>, action: ServerAction<SavePartner>) -> impl IntoView {
    let error = action_error(action);
    let saved = action_ok(action);
    let id = partner.as_ref().map(|p| p.id);
    let p = partner.clone();
    let v = move |f: fn(&Partner) -> Option<String>| p.as_ref().and_then(f).unwrap_or_default();
    view! {
        <ActionForm action attr:class="stack">
            <FormError error=only_form_level(error)/>
            {id.map(|id| view! { <input type="hidden" name="id" value=id/> })}
            <Field label=Msg::PartnerName name="name" error_key="partner_name" value=v(|p| Some(p.name.clone())) required=true error/>
            <Field label=Msg::ContactPerson name="contact_person" value=v(|p| p.contact_person.clone()) error/>
            <div class="row">
                <Field label=Msg::Phone name="phone" kind="tel" value=v(|p| p.phone.clone()) placeholder="+7 900 123-45-67" error/>
                <Field label=Msg::Email name="email" kind="email" value=v(|p| p.email.clone()) error/>
            </div>
            <Field label=Msg::Notes name="notes" kind="textarea" value=v(|p| p.notes.clone()) error/>
            {move || (saved.get() && id.is_some()).then(|| view! { <p class="notice">{t(Msg::Saved)}</p> })}
            <button type="submit" class="btn btn-primary">{if id.is_some() { t(Msg::Save) } else { t(Msg::Create) }}</button>
        </ActionForm>
    }
}

#[component]
pub fn PartnerPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(-1)
    };
    let save = ServerAction::<SavePartner>::new();
    let add_store = ServerAction::<SaveStore>::new();
    let partner = Resource::new(
        move || (id(), save.version().get()),
        |(id, _)| get_partner(id),
    );
    let stores = Resource::new(
        move || (id(), add_store.version().get()),
        |(id, _)| list_stores(Some(id)),
    );
    let store_error = action_error(add_store);
    view! {
        <Layout title=Msg::NavPartners>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match (partner.await, stores.await) {
                        (Ok(p), Ok(stores)) => view! {
                            <h2>{p.name.clone()}</h2>
                            <details class="collapsible card">
                                <summary>{t(Msg::Edit)}</summary>
                                <PartnerForm partner=Some(p.clone()) action=save/>
                            </details>
                            <section class="stack">
                                <h2>{t(Msg::Stores)}</h2>
                                <div class="table-wrap"><table class="table" id="stores">
                                    <thead><tr>
                                        <th>{t(Msg::StoreName)}</th><th>{t(Msg::Address)}</th><th>{t(Msg::OpeningHours)}</th>
                                        <th>{t(Msg::AdminName)}</th><th>{t(Msg::AdminPhone)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {stores.into_iter().map(|s| view! {
                                            <tr>
                                                <td>{s.name}</td>
                                                <td>{s.address.unwrap_or_default()}</td>
                                                <td>{s.opening_hours.unwrap_or_default()}</td>
                                                <td>{s.admin_name.unwrap_or_default()}</td>
                                                <td>{s.admin_phone.map(|ph| view! { <TelLink phone=ph/> })}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                                <div class="card stack">
                                    <h3>{t(Msg::NewStore)}</h3>
                                    <ActionForm action=add_store attr:class="stack">
                                        <FormError error=only_form_level(store_error)/>
                                        <input type="hidden" name="partner_id" value=p.id/>
                                        <Field label=Msg::StoreName name="name" error_key="store_name" required=true error=store_error/>
                                        <Field label=Msg::Address name="address" error=store_error/>
                                        <Field label=Msg::OpeningHours name="opening_hours" placeholder="10:00–22:00" error=store_error/>
                                        <div class="row">
                                            <Field label=Msg::AdminName name="admin_name" error=store_error/>
                                            <Field label=Msg::AdminPhone name="admin_phone" kind="tel" placeholder="+7 900 123-45-67" error=store_error/>
                                        </div>
                                        <Field label=Msg::AdminEmail name="admin_email" kind="email" placeholder="admin@store.ru" error=store_error/>
                                        <button type="submit" class="btn btn-primary">{t(Msg::Create)}</button>
                                    </ActionForm>
                                </div>
                            </section>
                        }.into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}
