//! Certificates and printing for one campaign: batches split across stores, where the
//! certificates are, PDFs to download, paper forms, moving a range, voiding, printed texts.
//! And the public page a participant's phone opens from the QR code.

use domain::model::{CertState, PublicStatus, Store};
use domain::{Msg, format};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::{ErrorBox, Field, FormError, Layout, TelLink, action_error};
use crate::i18n::{t, use_lang};
use crate::server_fns::{
    ConfirmPhone, CreateBatch, CreateFormBatch, MoveCertificates, SaveCampaignTexts,
    VoidCertificate, certificate_stock, get_campaign, get_campaign_texts, get_public_certificate,
    list_form_batches, list_stores,
};

fn campaign_id() -> impl Fn() -> i64 + Copy {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(-1)
    }
}

#[component]
pub fn CertificatesPage() -> impl IntoView {
    let id = campaign_id();
    let batch = ServerAction::<CreateBatch>::new();
    let forms = ServerAction::<CreateFormBatch>::new();
    let mover = ServerAction::<MoveCertificates>::new();
    let voider = ServerAction::<VoidCertificate>::new();
    let texts_save = ServerAction::<SaveCampaignTexts>::new();
    let campaign = Resource::new(id, get_campaign);
    let stores = Resource::new(|| (), |_| list_stores(None));
    let stock = Resource::new(
        move || {
            (
                id(),
                batch.version().get(),
                mover.version().get(),
                voider.version().get(),
            )
        },
        |(id, ..)| certificate_stock(id),
    );
    let form_batches = Resource::new(
        move || (id(), forms.version().get()),
        |(id, _)| list_form_batches(id),
    );
    let texts = Resource::new(
        move || (id(), texts_save.version().get()),
        |(id, _)| get_campaign_texts(id),
    );
    let lang = use_lang();
    let batch_error = action_error(batch);
    let batch_form_error =
        Signal::derive(move || batch_error.get().filter(|e| e.fields().is_empty()));
    let forms_error = action_error(forms);
    let forms_form_error =
        Signal::derive(move || forms_error.get().filter(|e| e.fields().is_empty()));
    let move_error = action_error(mover);
    let move_form_error =
        Signal::derive(move || move_error.get().filter(|e| e.fields().is_empty()));
    let void_error = action_error(voider);
    let void_form_error =
        Signal::derive(move || void_error.get().filter(|e| e.fields().is_empty()));
    let texts_error = action_error(texts_save);
    view! {
        <Layout title=Msg::CertificatesTitle>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let (campaign, stores) = match (campaign.await, stores.await) {
                        (Ok(c), Ok(s)) => (c, s),
                        (Err(e), _) | (_, Err(e)) => return view! { <ErrorBox error=e.domain()/> }.into_any(),
                    };
                    let cid = campaign.id;
                    let ours: Vec<Store> = stores.into_iter().filter(|s| campaign.partner_ids.contains(&s.partner_id)).collect();
                    let store_options = ours.clone();
                    let form_store_options = ours.clone();
                    view! {
                        <p><a href=format!("/campaigns/{cid}")>{"← "}{campaign.name.clone()}</a></p>
                        <section class="card stack" id="new-batch">
                            <h2>{t(Msg::NewBatch)}</h2>
                            <p class="muted">{t(Msg::BatchHint)}</p>
                            <FormError error=batch_form_error/>
                            {move || batch.value().get().and_then(|r| r.ok()).map(|b| view! {
                                <p class="notice">{t(Msg::BatchCreated)}": № "{b.first_serial}"–"{b.last_serial}" ("{b.count}")"</p>
                            })}
                            <ActionForm action=batch attr:class="stack">
                                <input type="hidden" name="campaign_id" value=cid/>
                                <Field label=Msg::Count name="count" required=true placeholder="1200" error=batch_error/>
                                <fieldset class="checks">
                                    <legend>{t(Msg::Stores)}</legend>
                                    {ours.iter().enumerate().map(|(i, s)| view! {
                                        <label class="check">
                                            <input type="checkbox" name=format!("store_ids[{i}]") value=s.id checked=true/>
                                            {format!("{} — {}", s.partner_name, s.name)}
                                        </label>
                                    }).collect_view()}
                                    {move || batch_error.get().and_then(|e| e.for_field("store_ids").map(|f| f.code.msg().text(lang))).map(|m| view! { <p class="field-error">{m}</p> })}
                                </fieldset>
                                <button type="submit" class="btn btn-primary">{t(Msg::CreateBatch)}</button>
                            </ActionForm>
                        </section>

                        <section class="stack" id="stock">
                            <h2>{t(Msg::StockTitle)}</h2>
                            <p><a rel="external" download="" class="btn" href=format!("/api/v1/campaigns/{cid}/regulations/pdf")>{t(Msg::Regulations)}</a></p>
                            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                            {move || Suspend::new(async move {
                                match stock.await {
                                    Ok(rows) if rows.is_empty() => view! { <p class="empty">{t(Msg::NoCertificates)}</p> }.into_any(),
                                    Ok(rows) => view! {
                                        <div class="table-wrap"><table class="table">
                                            <thead><tr>
                                                <th>{t(Msg::Store)}</th><th>{t(Msg::Serials)}</th>
                                                <th>{t(Msg::StatePrinted)}</th><th>{t(Msg::StateHandedOut)}</th><th>{t(Msg::StateRedeemed)}</th><th>{t(Msg::StateVoided)}</th>
                                                <th></th>
                                            </tr></thead>
                                            <tbody>
                                                {rows.into_iter().map(|r| {
                                                    let query = r.store_id.map(|s| format!("store_id={s}")).unwrap_or_else(|| {
                                                        r.ranges.first().map(|g| format!("from={}&to={}", g.first, r.ranges.last().map(|l| l.last).unwrap_or(g.last))).unwrap_or_default()
                                                    });
                                                    let ranges = r.ranges.iter().map(|g| if g.first == g.last { g.first.to_string() } else { format!("{}–{}", g.first, g.last) }).collect::<Vec<_>>().join(", ");
                                                    view! {
                                                        <tr>
                                                            <td>{match (&r.partner_name, &r.store_name) {
                                                                (Some(p), Some(s)) => format!("{p} — {s}"),
                                                                _ => t(Msg::Unallocated).to_owned(),
                                                            }}</td>
                                                            <td>{ranges}</td>
                                                            <td>{r.printed}</td><td>{r.handed_out}</td><td>{r.redeemed}</td><td>{r.voided}</td>
                                                            <td class="actions">
                                                                <a rel="external" download="" class="btn btn-small" href=format!("/api/v1/campaigns/{cid}/certificates/pdf?{query}")>{t(Msg::DownloadSheets)}</a>
                                                                <a rel="external" download="" class="btn btn-small" href=format!("/api/v1/campaigns/{cid}/certificates/pdf?{query}&layout=single")>{t(Msg::DownloadSingles)}</a>
                                                                {r.store_id.map(|s| view! {
                                                                    <a rel="external" download="" class="btn btn-small" href=format!("/api/v1/campaigns/{cid}/stores/{s}/poster/pdf?size=a4")>{t(Msg::PosterA4)}</a>
                                                                    <a rel="external" download="" class="btn btn-small" href=format!("/api/v1/campaigns/{cid}/stores/{s}/poster/pdf?size=a3")>{t(Msg::PosterA3)}</a>
                                                                })}
                                                            </td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table></div>
                                    }.into_any(),
                                    Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                                }
                            })}
                            </Suspense>
                        </section>

                        <section class="card stack" id="forms">
                            <h2>{t(Msg::FormsTitle)}</h2>
                            <p class="muted">{t(Msg::FormsHint)}</p>
                            <FormError error=forms_form_error/>
                            <ActionForm action=forms attr:class="stack">
                                <input type="hidden" name="campaign_id" value=cid/>
                                <div class="row">
                                    <div class="field">
                                        <label for="f-form-store">{t(Msg::Store)}</label>
                                        <select id="f-form-store" name="store_id">
                                            {form_store_options.iter().map(|s| view! { <option value=s.id>{format!("{} — {}", s.partner_name, s.name)}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    <Field label=Msg::Count name="count" required=true placeholder="100" error=forms_error/>
                                </div>
                                <button type="submit" class="btn btn-primary">{t(Msg::CreateForms)}</button>
                            </ActionForm>
                            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                            {move || Suspend::new(async move {
                                match form_batches.await {
                                    Ok(list) => view! {
                                        <ul class="plain">
                                            {list.into_iter().rev().map(|f| view! {
                                                <li>
                                                    {format!("{} · № {}–{} ", f.store_name, f.first_serial, f.last_serial)}
                                                    <a rel="external" download="" class="btn btn-small" href=format!("/api/v1/form-batches/{}/pdf", f.id)>{t(Msg::Download)}</a>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    }.into_any(),
                                    Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                                }
                            })}
                            </Suspense>
                        </section>

                        <details class="collapsible card">
                            <summary>{t(Msg::MoveTitle)}</summary>
                            <p class="muted">{t(Msg::MoveHint)}</p>
                            <FormError error=move_form_error/>
                            {move || mover.value().get().and_then(|r| r.ok()).map(|m| view! {
                                <p class="notice">{t(Msg::Moved)}": "{m.moved}{(m.skipped > 0).then(|| format!("; {} {}", m.skipped, t(Msg::Skipped)))}</p>
                            })}
                            <ActionForm action=mover attr:class="stack">
                                <input type="hidden" name="campaign_id" value=cid/>
                                <div class="row">
                                    <Field label=Msg::FirstSerial name="first_serial" required=true error=move_error/>
                                    <Field label=Msg::LastSerial name="last_serial" required=true error=move_error/>
                                </div>
                                <div class="field">
                                    <label for="f-move-store">{t(Msg::Store)}</label>
                                    <select id="f-move-store" name="store_id">
                                        {store_options.iter().map(|s| view! { <option value=s.id>{format!("{} — {}", s.partner_name, s.name)}</option> }).collect_view()}
                                        <option value="">{t(Msg::Unallocated)}</option>
                                    </select>
                                </div>
                                <Field label=Msg::Reason name="reason" error=move_error/>
                                <button type="submit" class="btn">{t(Msg::MoveButton)}</button>
                            </ActionForm>
                        </details>

                        <details class="collapsible card">
                            <summary>{t(Msg::VoidTitle)}</summary>
                            <FormError error=void_form_error/>
                            {move || voider.value().get().and_then(|r| r.ok()).map(|c| view! {
                                <p class="notice">{t(Msg::Voided)}": "{c.code}" (№ "{c.serial}")"</p>
                            })}
                            <ActionForm action=voider attr:class="stack">
                                <Field label=Msg::CertCode name="code" required=true placeholder="K7QD-M2XF-R9A" error=void_error/>
                                <Field label=Msg::Reason name="reason" required=true error=void_error/>
                                <button type="submit" class="btn btn-danger">{t(Msg::VoidButton)}</button>
                            </ActionForm>
                        </details>

                        <details class="collapsible card">
                            <summary>{t(Msg::TextsTitle)}</summary>
                            <p class="muted">{t(Msg::TextsHint)}</p>
                            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                            {move || Suspend::new(async move {
                                match texts.await {
                                    Ok(x) => view! {
                                        <ActionForm action=texts_save attr:class="stack">
                                            <input type="hidden" name="campaign_id" value=cid/>
                                            <Field label=Msg::CertTitle name="cert_title" value=x.cert_title placeholder="Подарочный сертификат" error=texts_error/>
                                            <Field label=Msg::CertText name="cert_text" kind="textarea" value=x.cert_text error=texts_error/>
                                            <Field label=Msg::PosterHeadline name="poster_headline" value=x.poster_headline error=texts_error/>
                                            <Field label=Msg::PosterText name="poster_text" kind="textarea" value=x.poster_text error=texts_error/>
                                            <Field label=Msg::ConsentText name="consent_text" kind="textarea" value=x.consent_text error=texts_error/>
                                            <Field label=Msg::RegulationsText name="regulations" kind="textarea" value=x.regulations error=texts_error/>
                                            <button type="submit" class="btn btn-primary">{t(Msg::Save)}</button>
                                        </ActionForm>
                                    }.into_any(),
                                    Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                                }
                            })}
                            </Suspense>
                        </details>
                    }.into_any()
                })}
            </Suspense>
        </Layout>
    }
}

/// `/c/{code}`: what a participant's phone shows after scanning the certificate.
#[component]
pub fn PublicCertificatePage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let cert = Resource::new(code, get_public_certificate);
    let query = leptos_router::hooks::use_query_map();
    // Just taken from a poster or form (`?new=1`): say so, and how to keep it.
    let fresh = move || query.read().get("new").is_some();
    let confirmed = move || query.read().get("confirmed").is_some();
    let confirm = ServerAction::<ConfirmPhone>::new();
    let confirm_error = action_error(confirm);
    let lang = use_lang();
    view! {
        <main class="container center-card stack public-cert">
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match cert.await {
                        Ok(c) => {
                            let (class, msg) = match c.status {
                                PublicStatus::Valid => ("ok", Msg::PublicValid),
                                PublicStatus::NotYetValid => ("warn", Msg::PublicNotYet),
                                PublicStatus::Expired => ("bad", Msg::PublicExpired),
                                PublicStatus::Redeemed => ("bad", Msg::PublicRedeemed),
                                PublicStatus::Voided => ("bad", Msg::PublicVoided),
                            };
                            let phone = c.clinic_phone.clone();
                            let usable = matches!(c.status, PublicStatus::Valid | PublicStatus::NotYetValid);
                            view! {
                                {fresh().then(|| view! {
                                    <p class="notice" id="fresh-certificate">{t(Msg::YourCertificate)}</p>
                                })}
                                {confirm_form(c.awaits_sms_code && usable, c.code.clone(), confirm, confirm_error, confirmed())}
                                <p class="muted">{c.clinic_name.clone()}</p>
                                <h1 class="page-title">{c.title.clone()}</h1>
                                <p class="face-value">{format::money(c.face_value, lang)}</p>
                                <p class=format!("status status-{class}") role="status">{t(msg)}</p>
                                <p>{t(Msg::ValidUntilShort)}" "<strong>{format::date(c.valid_until, lang)}</strong></p>
                                <p>{c.terms.clone()}</p>
                                {(c.status == PublicStatus::Valid || c.status == PublicStatus::NotYetValid).then(|| view! {
                                    <div class="card stack">
                                        <p><strong>{t(Msg::PublicBook)}</strong></p>
                                        {(!phone.is_empty()).then(|| view! { <TelLink phone=phone/> })}
                                        <p>{c.clinic_address.clone()}</p>
                                    </div>
                                })}
                                {usable.then(|| view! {
                                    <div class="qr" inner_html=c.qr_svg.clone()></div>
                                    <p class="muted">{t(Msg::ShowAtReception)}</p>
                                })}
                                <p class="muted">{t(Msg::CertCode)}": "<code class="big-code">{c.code.clone()}</code>" · "{t(Msg::CertNumber)}" "{format!("{:06}", c.serial)}</p>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The label of a certificate state.
pub fn state_msg(s: CertState) -> Msg {
    match s {
        CertState::Printed => Msg::StatePrinted,
        CertState::HandedOut => Msg::StateHandedOut,
        CertState::Redeemed => Msg::StateRedeemed,
        CertState::Voided => Msg::StateVoided,
    }
}

/// The holder types the code from the SMS that brought the certificate (a self-registration):
/// a plain form, so it works before (or without) the page's WebAssembly.
fn confirm_form(
    awaits: bool,
    code: String,
    confirm: ServerAction<ConfirmPhone>,
    error: Signal<Option<domain::DomainError>>,
    confirmed: bool,
) -> AnyView {
    let done = move || confirmed || matches!(confirm.value().get(), Some(Ok(_)));
    if !awaits && !confirmed {
        return ().into_any();
    }
    let form = move || {
        if done() {
            return view! { <p class="notice" id="phone-confirmed">{t(Msg::PhoneConfirmed)}</p> }
                .into_any();
        }
        let code = code.clone();
        view! {
            <section class="card stack" id="confirm-phone">
                <p>{t(Msg::ConfirmPhoneHint)}</p>
                <FormError error=Signal::derive(move || error.get().filter(|e| e.fields().is_empty()))/>
                <ActionForm action=confirm attr:class="row">
                    <input type="hidden" name="code" value=code/>
                    <Field label=Msg::SmsCode name="sms_code" kind="text" required=true autocomplete="one-time-code" error=error/>
                    <button type="submit" class="btn btn-primary">{t(Msg::ConfirmPhone)}</button>
                </ActionForm>
            </section>
        }
        .into_any()
    };
    form.into_any()
}
