//! Campaigns: list, create, edit, and the costs ledger.

use domain::format;
use domain::model::{Campaign, Partner};
use domain::types::{CampaignStatus, CostCategory};
use domain::{DomainError, Msg};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::{ErrorBox, Field, FormError, Layout, action_error, action_ok};
use crate::i18n::{t, use_lang};
use crate::server_fns::{
    AddCost, DeleteCost, SaveCampaign, get_campaign, list_campaigns, list_costs, list_partners,
};

#[component]
pub fn CampaignsPage() -> impl IntoView {
    let save = ServerAction::<SaveCampaign>::new();
    let campaigns = Resource::new(move || save.version().get(), |_| list_campaigns());
    let partners = Resource::new(|| (), |_| list_partners());
    let lang = use_lang();
    view! {
        <Layout title=Msg::Campaigns>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let (list, partners) = (campaigns.await, partners.await);
                    match (list, partners) {
                        (Ok(list), Ok(partners)) => view! {
                            <details class="collapsible card" open=list.is_empty()>
                                <summary>{t(Msg::NewCampaign)}</summary>
                                <CampaignForm campaign=None partners action=save/>
                            </details>
                            {if list.is_empty() {
                                view! { <p class="empty">{t(Msg::HomeNoCampaigns)}</p> }.into_any()
                            } else {
                                view! {
                                    <div class="table-wrap"><table class="table">
                                        <thead><tr>
                                            <th>{t(Msg::CampaignName)}</th><th>{t(Msg::Status)}</th>
                                            <th>{t(Msg::StartDate)}</th><th>{t(Msg::EndDate)}</th>
                                            <th>{t(Msg::FaceValueShort)}</th><th>{t(Msg::CostTotal)}</th>
                                        </tr></thead>
                                        <tbody>
                                            {list.into_iter().map(|c| view! {
                                                <tr>
                                                    <td><a href=format!("/campaigns/{}", c.id)>{c.name.clone()}</a></td>
                                                    <td><span class=format!("badge badge-{}", c.status)>{c.status.msg().text(lang)}</span></td>
                                                    <td>{format::date(c.start_date, lang)}</td>
                                                    <td>{format::date(c.end_date, lang)}</td>
                                                    <td>{format::money(c.face_value, lang)}</td>
                                                    <td>{c.cost_total.map(|m| format::money(m, lang)).unwrap_or_default()}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table></div>
                                }.into_any()
                            }}
                        }.into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

/// The campaign form, for a new campaign or an existing one.
#[component]
fn CampaignForm(
    campaign: Option<Campaign>,
    partners: Vec<Partner>,
    action: ServerAction<SaveCampaign>,
) -> impl IntoView {
    let lang = use_lang();
    let error = action_error(action);
    let saved = action_ok(action);
    let c = campaign.clone();
    let v = move |f: fn(&Campaign) -> String| c.as_ref().map(f).unwrap_or_default();
    let status = campaign
        .as_ref()
        .map(|c| c.status)
        .unwrap_or(CampaignStatus::Draft);
    let selected: Vec<i64> = campaign
        .as_ref()
        .map(|c| c.partner_ids.clone())
        .unwrap_or_default();
    let id = campaign.as_ref().map(|c| c.id);
    let form_error = Signal::derive(move || {
        error.get().filter(|e: &DomainError| {
            e.fields().is_empty() || e.fields().iter().any(|f| f.field == "partner_ids")
        })
    });
    view! {
        <ActionForm action attr:class="stack">
            <FormError error=form_error/>
            {id.map(|id| view! { <input type="hidden" name="id" value=id/> })}
            <Field label=Msg::CampaignName name="name" error_key="campaign_name" value=v(|c| c.name.clone()) required=true error/>
            <div class="row">
                <Field label=Msg::StartDate name="start_date" kind="date" value=v(|c| c.start_date.to_string()) required=true error/>
                <Field label=Msg::EndDate name="end_date" kind="date" value=v(|c| c.end_date.to_string()) required=true error/>
            </div>
            <div class="row">
                <Field label=Msg::FaceValue name="face_value" value=v(|c| format::money_input(c.face_value)) required=true placeholder="500" error/>
                <Field label=Msg::ValidUntil name="valid_until" kind="date" value=v(|c| c.valid_until.to_string()) required=true error/>
                <Field label=Msg::MinDaysCover name="min_days_cover" kind="number" value=v(|c| c.min_days_cover.to_string()) placeholder="5" error/>
                <Field label=Msg::AttributionDays name="attribution_days" kind="number" value=v(|c| c.attribution_days.to_string()) placeholder="90" error/>
            </div>
            <label class="row"><input type="checkbox" name="self_registration" value="1"
                checked=v(|c| c.self_registration.to_string()) != "false"/>{t(Msg::SelfRegistrationOpen)}</label>
            <label class="row"><input type="checkbox" name="send_e_certificates" value="1"
                checked=v(|c| c.send_e_certificates.to_string()) == "true"/>{t(Msg::SendECertificates)}</label>
            <div class="field">
                <label for="f-status">{t(Msg::Status)}</label>
                <select id="f-status" name="status">
                    {CampaignStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=*s == status>{s.msg().text(lang)}</option>
                    }).collect_view()}
                </select>
            </div>
            <fieldset class="field">
                <legend>{t(Msg::PartnersOfCampaign)}</legend>
                {partners.into_iter().enumerate().map(|(i, p)| view! {
                    <label class="row">
                        <input type="checkbox" name=format!("partner_ids[{i}]") value=p.id checked=selected.contains(&p.id)/>
                        {p.name}
                    </label>
                }).collect_view()}
            </fieldset>
            <Field label=Msg::Terms name="terms" kind="textarea" value=v(|c| c.terms.clone()) error/>
            {move || (saved.get() && id.is_some()).then(|| view! { <p class="notice">{t(Msg::Saved)}</p> })}
            <button type="submit" class="btn btn-primary">{if id.is_some() { t(Msg::Save) } else { t(Msg::Create) }}</button>
        </ActionForm>
    }
}

#[component]
pub fn CampaignPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(-1)
    };
    let save = ServerAction::<SaveCampaign>::new();
    let add = ServerAction::<AddCost>::new();
    let del = ServerAction::<DeleteCost>::new();
    let campaign = Resource::new(
        move || {
            (
                id(),
                save.version().get(),
                add.version().get(),
                del.version().get(),
            )
        },
        |(id, ..)| get_campaign(id),
    );
    let partners = Resource::new(|| (), |_| list_partners());
    // Created with the page's other resources (not inside a Suspend), so the browser hydrates
    // them in the same order the server rendered them.
    let attribution = Resource::new(id, crate::server_fns::campaign_attribution);
    let conflicts = crate::pages::staff::ConflictsData::new(id);
    let costs = Resource::new(
        move || (id(), add.version().get(), del.version().get()),
        |(id, ..)| list_costs(id),
    );
    let lang = use_lang();
    let cost_error = action_error(add);
    let cost_form_error =
        Signal::derive(move || cost_error.get().filter(|e| e.fields().is_empty()));
    view! {
        <Layout title=Msg::Campaigns>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match (campaign.await, partners.await) {
                        (Ok(c), Ok(partners)) => view! {
                            <h2>{c.name.clone()}</h2>
                            <p class="actions">
                                <a class="btn btn-primary" href=format!("/campaigns/{}/certificates", c.id)>{t(Msg::CertificatesTitle)}</a>
                                <a class="btn" href=format!("/campaigns/{}/stock", c.id)>{t(Msg::StockForecastTitle)}</a>
                                <a class="btn" href=format!("/tasks?campaign={}&state=all", c.id)>{t(Msg::Checklist)}</a>
                                <a class="btn" href=format!("/shopper-visits?campaign={}", c.id)>{t(Msg::NavShopperVisits)}</a>
                                <a class="btn" href=format!("/campaigns/{}/report", c.id) id="link-report">{t(Msg::ReportTitle)}</a>
                                <a class="btn" href=format!("/campaigns/{}/motivation", c.id) id="link-motivation">{t(Msg::MotivationTitle)}</a>
                                <a class="btn" href=format!("/campaigns/{}/import", c.id)>{t(Msg::ImportButton)}</a>
                            </p>
                            <section class="card stack" id="attribution">
                                <h2>{t(Msg::ResultsAttribution)}</h2>
                                {match attribution.await {
                                    Ok(a) => crate::pages::checkin::attribution_tables(a, lang).into_any(),
                                    Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                                }}
                            </section>
                            <crate::pages::staff::ConflictsSection data=conflicts/>
                            <div class="card"><CampaignForm campaign=Some(c.clone()) partners action=save/></div>
                            <section class="card stack">
                                <h2>{t(Msg::Costs)}</h2>
                                <p>{t(Msg::CostTotal)}": "<strong>{c.cost_total.map(|m| format::money(m, lang)).unwrap_or_default()}</strong></p>
                                {match costs.await {
                                    Ok(list) => view! {
                                        <div class="table-wrap"><table class="table">
                                            <thead><tr><th>{t(Msg::Date)}</th><th>{t(Msg::CostCategory)}</th><th>{t(Msg::Amount)}</th><th>{t(Msg::Note)}</th><th></th></tr></thead>
                                            <tbody>
                                                {list.into_iter().map(|k| view! {
                                                    <tr>
                                                        <td>{format::date(k.spent_on, lang)}</td>
                                                        <td>{k.category.msg().text(lang)}</td>
                                                        <td>{format::money(k.amount, lang)}</td>
                                                        <td>{k.note.clone().unwrap_or_default()}</td>
                                                        <td>
                                                            <ActionForm action=del>
                                                                <input type="hidden" name="id" value=k.id/>
                                                                <button type="submit" class="btn btn-small btn-danger">{t(Msg::Delete)}</button>
                                                            </ActionForm>
                                                        </td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table></div>
                                    }.into_any(),
                                    Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                                }}
                                <h3>{t(Msg::AddCost)}</h3>
                                <FormError error=cost_form_error/>
                                <ActionForm action=add attr:class="stack">
                                    <input type="hidden" name="campaign_id" value=c.id/>
                                    <div class="field">
                                        <label for="f-category">{t(Msg::CostCategory)}</label>
                                        <select id="f-category" name="category">
                                            {CostCategory::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.msg().text(lang)}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="row">
                                        <Field label=Msg::Amount name="amount" required=true placeholder="1 500" error=cost_error/>
                                        <Field label=Msg::Date name="spent_on" kind="date" required=true error=cost_error/>
                                    </div>
                                    <Field label=Msg::Note name="note" error=cost_error/>
                                    <button type="submit" class="btn btn-primary">{t(Msg::AddCost)}</button>
                                </ActionForm>
                            </section>
                        }.into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}
