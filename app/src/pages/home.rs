//! The home page, where everyone lands after signing in (`domain::policy::landing`): the
//! marketer's campaign overview, the store employee's hand-out form, reception's check-in, the
//! mystery shopper's list of stores to visit.

use domain::format;
use domain::types::Role;
use domain::{Lang, Msg};
use leptos::prelude::*;

use crate::components::{ErrorBox, Layout};
use crate::i18n::{t, use_lang};
use crate::server_fns::{get_attention, get_me, my_shopper_visits, overview, shopper_home};

#[component]
pub fn HomePage() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    let staff = crate::pages::staff::StaffData::new();
    // Created here, outside the Suspense, so hydration finds it where the server rendered it.
    let shopper = Resource::new(|| (), |_| shopper_home());
    let visits = Resource::new(|| (), |_| my_shopper_visits());
    let briefings = crate::pages::checkin::BriefingData::new();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(m)) if m.role == Role::Marketer => view! { <MarketerHome/> }.into_any(),
                    Ok(Some(m)) if m.role == Role::StoreStaff => view! {
                        <Layout title=Msg::StaffHomeTitle>
                            <crate::pages::staff::StaffHome data=staff/>
                        </Layout>
                    }.into_any(),
                    Ok(Some(m)) if m.role == Role::Reception => view! {
                        <Layout title=Msg::CheckinTitle>
                            <crate::pages::checkin::BriefingBanner data=briefings/>
                            <crate::pages::checkin::CheckinPanel/>
                        </Layout>
                    }.into_any(),
                    Ok(Some(m)) if m.role == Role::MysteryShopper => view! {
                        <Layout title=Msg::ShopperHomeTitle>
                            <ShopperHome data=shopper visits/>
                        </Layout>
                    }.into_any(),
                    Ok(Some(_)) => view! {
                        <Layout title=Msg::HomeTitle><p class="muted">{t(Msg::ComingSoon)}</p></Layout>
                    }.into_any(),
                    _ => view! { <Layout title=Msg::HomeTitle><p class="muted">{t(Msg::ComingSoon)}</p></Layout> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MarketerHome() -> impl IntoView {
    let data = Resource::new(|| (), |_| overview());
    let attention = Resource::new(|| (), |_| get_attention());
    let lang = use_lang();
    view! {
        <Layout title=Msg::HomeTitle>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match attention.await {
                        Ok(Some(a)) => view! { <crate::pages::tasks::AttentionPanel a=a/> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(o) => view! {
                            <div class="grid kpis">
                                <Kpi value=o.campaigns.len().to_string() label=Msg::Campaigns href="/campaigns"/>
                                <Kpi value=o.partners.to_string() label=Msg::Partners href="/partners"/>
                                <Kpi value=o.stores.to_string() label=Msg::Stores href="/partners"/>
                                <Kpi value=o.people.to_string() label=Msg::People href="/people"/>
                            </div>
                            {if o.campaigns.is_empty() {
                                view! { <p class="empty">{t(Msg::HomeNoCampaigns)}" "<a href="/campaigns">{t(Msg::NewCampaign)}</a></p> }.into_any()
                            } else {
                                view! {
                                    <div class="grid">
                                        {o.campaigns.into_iter().map(|c| campaign_card(c, lang)).collect_view()}
                                    </div>
                                }.into_any()
                            }}
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

fn campaign_card(c: domain::model::Campaign, lang: Lang) -> impl IntoView {
    view! {
        <a class="card stack card-link" href=format!("/campaigns/{}", c.id)>
            <div class="row">
                <strong>{c.name.clone()}</strong>
                <span class=format!("badge badge-{}", c.status)>{c.status.msg().text(lang)}</span>
            </div>
            <p class="muted">{format::date(c.start_date, lang)}" — "{format::date(c.end_date, lang)}</p>
            <p>{Msg::FaceValueShort.text(lang)}": "<strong>{format::money(c.face_value, lang)}</strong></p>
            <p>{Msg::CostTotal.text(lang)}": "{c.cost_total.map(|m| format::money(m, lang)).unwrap_or_default()}</p>
        </a>
    }
}

#[component]
fn Kpi(value: String, label: Msg, href: &'static str) -> impl IntoView {
    view! {
        <a class="card kpi" href=href>
            <span class="kpi-value">{value}</span>
            <span class="kpi-label">{t(label)}</span>
        </a>
    }
}

/// The mystery shopper's home: what the job is, their visits (each opening its form), and the
/// stores of each running campaign with their addresses and hours.
#[component]
fn ShopperHome(
    data: Resource<Result<Option<Vec<domain::model::ShopperCampaign>>, crate::error::AppError>>,
    visits: Resource<Result<Option<Vec<domain::shopper::ShopperVisit>>, crate::error::AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <p>{t(Msg::ShopperIntro)}</p>
        <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match visits.await {
                    Ok(Some(list)) => crate::pages::shopper::my_visits_view(list, lang).into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(None) => ().into_any(),
                    Ok(Some(list)) if list.is_empty() => view! { <p class="empty">{t(Msg::ShopperNoCampaigns)}</p> }.into_any(),
                    Ok(Some(list)) => list.into_iter().map(|c| view! {
                        <section class="card stack">
                            <h2>{c.campaign_name.clone()}</h2>
                            <p class="muted">{format::date(c.start_date, lang)}" — "{format::date(c.end_date, lang)}</p>
                            <ul class="plain shopper-stores">
                                {c.stores.into_iter().map(|s| view! {
                                    <li>
                                        <strong>{s.store_name}</strong>" · "<span class="muted">{s.partner_name}</span>
                                        {s.address.map(|a| view! { <br/>{a} })}
                                        {s.opening_hours.map(|h| view! { <br/><span class="muted">{h}</span> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    }).collect_view().into_any(),
                    Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
