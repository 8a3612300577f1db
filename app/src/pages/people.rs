//! People and invites: the marketer invites staff with a one-time link shown as a QR code.

use domain::format;
use domain::model::{InviteState, NewInvite};
use domain::types::Role;
use domain::{DomainError, Msg};
use leptos::prelude::*;

use crate::components::{ErrorBox, Field, FormError, Layout, action_error, interactive};
use crate::i18n::{t, use_lang};
use crate::server_fns::{
    InvitePerson, Reinvite, RevokeInvite, SetPersonActive, list_invites, list_people, list_stores,
};

#[component]
pub fn PeoplePage() -> impl IntoView {
    let invite = ServerAction::<InvitePerson>::new();
    let reinvite = ServerAction::<Reinvite>::new();
    let revoke = ServerAction::<RevokeInvite>::new();
    let activate = ServerAction::<SetPersonActive>::new();
    let ready = interactive();
    let people = Resource::new(
        move || (invite.version().get(), activate.version().get()),
        |_| list_people(),
    );
    let invites = Resource::new(
        move || {
            (
                invite.version().get(),
                reinvite.version().get(),
                revoke.version().get(),
                activate.version().get(),
            )
        },
        |_| list_invites(),
    );
    let stores = Resource::new(|| (), |_| list_stores(None));
    let error = action_error(invite);
    let form_error =
        Signal::derive(move || error.get().filter(|e: &DomainError| e.fields().is_empty()));
    let lang = use_lang();
    let fresh = Signal::derive(move || {
        let a = invite.value().get().and_then(|r| r.ok());
        let b = reinvite.value().get().and_then(|r| r.ok());
        // Show the newest of the two.
        match (invite.version().get() >= reinvite.version().get(), a, b) {
            (true, Some(a), _) => Some(a),
            (_, _, Some(b)) => Some(b),
            (_, a, None) => a,
        }
    });
    view! {
        <Layout title=Msg::NavPeople>
            {move || fresh.get().map(|n| view! { <InviteCard invite=n/> })}
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match (people.await, invites.await, stores.await) {
                        (Ok(people), Ok(invites), Ok(stores)) => view! {
                            <details class="collapsible card" open=true>
                                <summary>{t(Msg::Invite)}</summary>
                                <ActionForm action=invite attr:class="stack">
                                    <FormError error=form_error/>
                                    <Field label=Msg::PersonName name="name" required=true error/>
                                    <div class="row">
                                        <Field label=Msg::Phone name="phone" kind="tel" placeholder="+7 900 123-45-67" error/>
                                        <Field label=Msg::Email name="email" kind="email" error/>
                                    </div>
                                    <div class="row">
                                        <div class="field">
                                            <label for="f-role">{t(Msg::Role)}</label>
                                            <select id="f-role" name="role">
                                                {[Role::StoreStaff, Role::Reception, Role::MysteryShopper, Role::Marketer].into_iter().map(|r| view! {
                                                    <option value=r.as_str()>{r.msg().text(lang)}</option>
                                                }).collect_view()}
                                            </select>
                                        </div>
                                        <div class="field">
                                            <label for="f-store">{t(Msg::Store)}</label>
                                            <select id="f-store" name="store_id" aria-invalid=move || error.get().and_then(|e| e.for_field("store_id").cloned()).map(|_| "true")>
                                                <option value="">{t(Msg::NoStore)}</option>
                                                {stores.into_iter().map(|s| view! {
                                                    <option value=s.id>{format!("{} — {}", s.partner_name, s.name)}</option>
                                                }).collect_view()}
                                            </select>
                                            {move || error.get().and_then(|e| e.for_field("store_id").map(|f| f.code.msg().text(lang))).map(|m| view! { <p class="field-error">{m}</p> })}
                                        </div>
                                    </div>
                                    <button type="submit" class="btn btn-primary" disabled=move || !ready.get()>{t(Msg::Invite)}</button>
                                </ActionForm>
                            </details>
                            <section class="stack">
                                <h2>{t(Msg::People)}</h2>
                                <div class="table-wrap"><table class="table" id="people">
                                    <thead><tr><th>{t(Msg::PersonName)}</th><th>{t(Msg::Role)}</th><th>{t(Msg::Store)}</th><th>{t(Msg::Phone)}</th><th></th></tr></thead>
                                    <tbody>
                                        {people.into_iter().map(|p| view! {
                                            <tr class:inactive=!p.active>
                                                <td>{p.name}{(!p.active).then(|| view! { " "<span class="badge">{t(Msg::Inactive)}</span> })}</td>
                                                <td>{p.role.msg().text(lang)}</td>
                                                <td>{p.store_name.unwrap_or_default()}</td>
                                                <td>{p.phone.map(|ph| format::phone(&ph)).unwrap_or_default()}</td>
                                                <td class="actions">
                                                    {p.active.then(|| view! {
                                                        <ActionForm action=reinvite>
                                                            <input type="hidden" name="person_id" value=p.id/>
                                                            <button type="submit" class="btn btn-small" disabled=move || !ready.get()>{t(Msg::InviteLink)}</button>
                                                        </ActionForm>
                                                    })}
                                                    <ActionForm action=activate>
                                                        <input type="hidden" name="person_id" value=p.id/>
                                                        <input type="hidden" name="active" value=(!p.active).to_string()/>
                                                        <button type="submit" class="btn btn-small">
                                                            {if p.active { t(Msg::Deactivate) } else { t(Msg::Reactivate) }}
                                                        </button>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                            </section>
                            <section class="stack">
                                <h2>{t(Msg::Invites)}</h2>
                                <div class="table-wrap"><table class="table" id="invites">
                                    <thead><tr><th>{t(Msg::PersonName)}</th><th>{t(Msg::Role)}</th><th>{t(Msg::InviteExpires)}</th><th>{t(Msg::Status)}</th><th></th></tr></thead>
                                    <tbody>
                                        {invites.into_iter().map(|i| {
                                            let (badge, label) = match i.state {
                                                InviteState::Pending => ("pending", Msg::Pending),
                                                InviteState::Used => ("used", Msg::Used),
                                                InviteState::Expired => ("expired", Msg::Expired),
                                                InviteState::Revoked => ("revoked", Msg::Revoked),
                                            };
                                            view! {
                                                <tr>
                                                    <td>{i.person_name}</td>
                                                    <td>{i.role.msg().text(lang)}</td>
                                                    <td>{format::date_of(&i.expires_at, lang)}</td>
                                                    <td><span class=format!("badge badge-{badge}")>{label.text(lang)}</span></td>
                                                    <td>{(i.state == InviteState::Pending).then(|| view! {
                                                        <ActionForm action=revoke>
                                                            <input type="hidden" name="id" value=i.id/>
                                                            <button type="submit" class="btn btn-small btn-danger">{t(Msg::Revoke)}</button>
                                                        </ActionForm>
                                                    })}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                            </section>
                        }.into_any(),
                        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

/// The one moment an invite link is visible: as text to send and as a QR code to scan.
#[component]
fn InviteCard(invite: NewInvite) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="card stack notice" id="new-invite">
            <h2>{t(Msg::InviteLink)}": "{invite.invite.person_name.clone()}" · "{invite.invite.role.msg().text(lang)}</h2>
            <p>{t(Msg::InviteSendHint)}</p>
            <div class="qr" inner_html=invite.qr_svg.clone()></div>
            <input class="invite-url" type="text" readonly value=invite.url.clone() aria-label=t(Msg::InviteLink)/>
            <a class="btn" href=format!("sms:?body={}", invite.url)>{"SMS"}</a>
        </div>
    }
}
