//! The stock page of a campaign: every store × certificates and paper forms, coloured by days
//! of cover, the most urgent first (or sorted by store), with what to deliver by when.

use domain::forecast::{Forecast, StoreForecast};
use domain::{Lang, Msg, format};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::{ErrorBox, Layout};
use crate::i18n::{t, use_lang};
use crate::server_fns::{get_campaign, stock_forecast};

#[component]
pub fn StockPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(-1)
    };
    let query = use_query_map();
    // `?sort=store` for store order; by default the most urgent first.
    let by_store = move || query.read().get("sort").as_deref() == Some("store");
    let campaign = Resource::new(id, get_campaign);
    let forecast = Resource::new(id, stock_forecast);
    let lang = use_lang();
    view! {
        <Layout title=Msg::StockForecastTitle>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let (campaign, mut rows) = match (campaign.await, forecast.await) {
                        (Ok(c), Ok(f)) => (c, f),
                        (Err(e), _) | (_, Err(e)) => return view! { <ErrorBox error=e.domain()/> }.into_any(),
                    };
                    if by_store() {
                        rows.sort_by(|a, b| (&a.partner_name, &a.store_name).cmp(&(&b.partner_name, &b.store_name)));
                    }
                    let cid = campaign.id;
                    view! {
                        <p><a href=format!("/campaigns/{cid}")>{"← "}{campaign.name.clone()}</a></p>
                        <p class="muted">{t(Msg::StockForecastHint)}" "{t(Msg::MinDaysCover)}": "<strong>{campaign.min_days_cover}</strong></p>
                        <p class="actions">
                            <a class="btn btn-small" href=format!("/campaigns/{cid}/stock") aria-current=(!by_store()).then_some("true")>{t(Msg::SortUrgent)}</a>
                            <a class="btn btn-small" href=format!("/campaigns/{cid}/stock?sort=store") aria-current=by_store().then_some("true")>{t(Msg::SortByStore)}</a>
                        </p>
                        <div class="table-wrap"><table class="table stock" id="stock-forecast">
                            <thead>
                                <tr>
                                    <th rowspan="2">{t(Msg::Store)}</th>
                                    <th colspan="3">{t(Msg::Certificates)}</th>
                                    <th colspan="3">{t(Msg::FormsShort)}</th>
                                </tr>
                                <tr>
                                    <th class="num">{t(Msg::OnHand)}</th><th class="num">{t(Msg::DaysOfCover)}</th><th>{t(Msg::DeliverBy)}</th>
                                    <th class="num">{t(Msg::OnHand)}</th><th class="num">{t(Msg::DaysOfCover)}</th><th>{t(Msg::DeliverBy)}</th>
                                </tr>
                            </thead>
                            <tbody>{rows.into_iter().map(|r| row(r, lang)).collect_view()}</tbody>
                        </table></div>
                    }.into_any()
                })}
            </Suspense>
        </Layout>
    }
}

fn row(r: StoreForecast, lang: Lang) -> impl IntoView {
    view! {
        <tr data-store=r.store_id>
            <td>{r.store_name}<br/><span class="muted">{r.partner_name}</span></td>
            {cells(r.certificates, lang)}
            {cells(r.forms, lang)}
        </tr>
    }
}

/// How a number of days looks: red below the minimum, amber within a week, green beyond.
fn tone(f: &Forecast) -> &'static str {
    match f.days_of_cover_x10 {
        _ if f.alert => "cover-bad",
        Some(d) if d < 70 => "cover-warn",
        Some(_) => "cover-ok",
        None => "cover-none",
    }
}

fn cells(f: Forecast, lang: Lang) -> impl IntoView {
    let days = match f.days_of_cover_x10 {
        Some(d) => format!("{},{}", d / 10, d % 10),
        None => Msg::NotUsedYet.text(lang).to_owned(),
    };
    let per_day = format!("{},{:02}", f.daily_use_x100 / 100, f.daily_use_x100 % 100);
    let deliver = f
        .deliver
        .map(|d| format!("{} · {}", d.count, format::date(d.by, lang)));
    view! {
        <td class="num">{f.on_hand}</td>
        <td class=format!("num {}", tone(&f)) title=format!("{}: {per_day}", Msg::PerDay.text(lang))>
            {days}
            <br/><span class="muted">{if f.lasts_to_end {
                Msg::LastsToEnd.text(lang).to_owned()
            } else {
                f.runs_out_on.map(|d| format::date(d, lang)).unwrap_or_default()
            }}</span>
        </td>
        <td>{deliver}</td>
    }
}
