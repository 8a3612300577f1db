//! The marketer's results and motivation pages: the campaign's final report (the funnel, charts
//! drawn on the server, partners, stores and employees with profit, ROI and payback; XLSX and
//! CSV downloads) and the staff motivation (rules, weeks with standings, signals, reviews and
//! payouts).

use domain::charts;
use domain::exports::{self, ExportFormat, ExportKind};
use domain::motivation::{EmployeeWeek, Standings, WeekStanding};
use domain::results::{FinalReport, ReportLine};
use domain::{Lang, Msg, format};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::{ErrorBox, Field, FormError, Layout, action_error, action_ok};
use crate::i18n::{t, use_lang};
use crate::server_fns::{
    PayMotivationWeek, ReviewMotivation, SaveMotivationRules, get_final_report, get_motivation,
};

fn campaign_id() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(-1)
    }
}

fn money(k: i64, lang: Lang) -> String {
    format::money(domain::types::Money(k), lang)
}

fn report_table(
    id: &'static str,
    first: Msg,
    lines: Vec<ReportLine>,
    total: Option<ReportLine>,
    lang: Lang,
) -> AnyView {
    let row = move |l: &ReportLine, head: bool| {
        let f = &l.figures;
        let name = view! { <span>{l.name.clone()}</span>" "<span class="muted small">{(l.partner_name != l.name).then(|| l.partner_name.clone())}</span> };
        view! {
            <tr data-id=l.id.unwrap_or_default()>
                {if head { view! { <th>{name}</th> }.into_any() } else { view! { <td>{name}</td> }.into_any() }}
                <td class="num">{l.printed}</td>
                <td class="num">{f.handed_out}</td>
                <td class="num">{f.contacts}</td>
                <td class="num">{f.came}</td>
                <td class="num">{f.bought}</td>
                <td class="num">{money(f.revenue(), lang)}</td>
                <td class="num">{money(l.discount, lang)}</td>
                <td class="num">{money(l.costs, lang)}</td>
                <td class=if l.profit < 0 { "num negative profit" } else { "num profit" }>{money(l.profit, lang)}</td>
                <td class="num">{l.roi_percent.map(|r| format!("{r}%")).unwrap_or_else(|| "—".into())}</td>
            </tr>
        }
        .into_any()
    };
    view! {
        <div class="table-wrap"><table class="table report" id=id>
            <thead><tr>
                <th>{first.text(lang)}</th>
                <th class="num">{Msg::ColPrinted.text(lang)}</th>
                <th class="num">{Msg::ColHandedOut.text(lang)}</th>
                <th class="num">{Msg::ColContacts.text(lang)}</th>
                <th class="num">{Msg::ColCame.text(lang)}</th>
                <th class="num">{Msg::ColBought.text(lang)}</th>
                <th class="num">{Msg::ColRevenue.text(lang)}</th>
                <th class="num">{Msg::ColDiscount.text(lang)}</th>
                <th class="num">{Msg::ColCosts.text(lang)}</th>
                <th class="num">{Msg::ColProfit.text(lang)}</th>
                <th class="num">{Msg::ColRoi.text(lang)}</th>
            </tr></thead>
            <tbody>{lines.iter().map(|l| row(l, false)).collect_view()}</tbody>
            {total.map(|l| view! { <tfoot>{row(&l, true)}</tfoot> })}
        </table></div>
    }
    .into_any()
}

fn report_view(r: FinalReport, lang: Lang) -> AnyView {
    let cid = r.campaign_id;
    let charts = charts::report(&r, lang);
    let funnel = charts.funnel.to_svg();
    let weekly_total = charts.weekly.to_svg();
    let per_store: Vec<(String, String)> = charts
        .busiest_stores
        .iter()
        .map(|c| (c.title.clone(), c.to_svg()))
        .collect();
    let revenue_profit = charts.revenue_profit.to_svg();
    let cumulative = charts.cumulative.to_svg();
    let total = r.total.clone();
    view! {
        <p><a href=format!("/campaigns/{cid}")>{"← "}{r.campaign_name.clone()}</a></p>
        <p class="actions">
            <a class="btn" href=format!("/api/v1/campaigns/{cid}/report/xlsx") download id="report-xlsx">{t(Msg::DownloadXlsx)}</a>
            <a class="btn" href=format!("/api/v1/campaigns/{cid}/report/csv") download id="report-csv">"CSV"</a>
            <a class="btn" href=format!("/api/v1/campaigns/{cid}/report/pdf") download id="report-pdf">{t(Msg::ReportPdf)}</a>
            <a class="btn" href=format!("/api/v1/campaigns/{cid}/weekly-summary/xlsx") download>{t(Msg::WeeklySummaryXlsx)}</a>
            <a class="btn" href=format!("/campaigns/{cid}/motivation")>{t(Msg::MotivationTitle)}</a>
        </p>
        <section class="card stack" id="report-summary">
            <dl class="facts">
                <dt>{t(Msg::ColRevenue)}</dt><dd id="report-revenue">{money(total.figures.revenue(), lang)}</dd>
                <dt>{t(Msg::ColCosts)}</dt><dd>{money(total.costs, lang)}</dd>
                <dt>{t(Msg::ColProfit)}</dt><dd id="report-profit">{money(total.profit, lang)}</dd>
                <dt>{t(Msg::ColRoi)}</dt><dd>{total.roi_percent.map(|r| format!("{r}%")).unwrap_or_else(|| "—".into())}</dd>
                <dt>{t(Msg::PaybackOn)}</dt><dd id="report-payback">{r.payback_on.map(|d| format::date(d, lang)).unwrap_or_else(|| Msg::NotYetPaidBack.text(lang).into())}</dd>
                <dt>{t(Msg::MarginPercent)}</dt><dd>{r.margin_percent}"%"</dd>
                <dt>{t(Msg::AttributionDays)}</dt><dd>{r.attribution_days}</dd>
                <dt>{t(Msg::ColDiscount)}</dt><dd>{money(total.discount, lang)}</dd>
            </dl>
            <p class="muted small">{t(Msg::ReportDefinitions)}</p>
        </section>
        {view! { <section class="card stack">
            <h2>{t(Msg::ChartFunnel)}</h2>
            <div class="chart-box" id="chart-funnel" inner_html=funnel></div>
        </section>
        <section class="card stack">
            <h2>{t(Msg::ChartCumulative)}</h2>
            <div class="chart-box" id="chart-cumulative" inner_html=cumulative></div>
        </section> }.into_any()}
        <section class="card stack">
            <h2>{t(Msg::SheetPartners)}</h2>
            <p class="muted small">{t(Msg::PartnerComparisonHint)}</p>
            {report_table("report-partners", Msg::Partner, r.partners.clone(), Some(total.clone()), lang)}
        </section>
        <section class="card stack">
            <h2>{t(Msg::ChartRevenueProfit)}</h2>
            <div class="chart-box" id="chart-revenue-profit" inner_html=revenue_profit></div>
            {report_table("report-stores", Msg::Store, r.stores.clone(), None, lang)}
        </section>
        {view! { <section class="card stack">
            <h2>{t(Msg::ChartWeekly)}</h2>
            <div class="chart-box" id="chart-weekly" inner_html=weekly_total></div>
            <div class="chart-grid">
                {per_store.into_iter().map(|(name, svg)| view! {
                    <figure class="chart-box"><figcaption>{name}</figcaption><div inner_html=svg></div></figure>
                }).collect_view()}
            </div>
        </section>
        <section class="card stack">
            <h2>{t(Msg::SheetEmployees)}</h2>
            {report_table("report-employees", Msg::Employee, r.employees.clone(), None, lang)}
        </section> }.into_any()}
        {exports_card(cid)}
    }
    .into_any()
}

/// The campaign's data row by row (participants, hand-outs, redemptions, visits): a link per
/// export and format.
fn exports_card(cid: i64) -> AnyView {
    view! {
        <section class="card stack" id="exports">
            <h2>{t(Msg::ExportsTitle)}</h2>
            <p class="muted small">{t(Msg::ExportsHint)}</p>
            <ul class="plain">
                {ExportKind::ALL.into_iter().map(|kind| view! {
                    <li class="row">
                        <span class="export-name">{t(kind.title())}</span>
                        {ExportFormat::ALL.into_iter().map(|format| view! {
                            <a class="btn btn-small" download
                                id=format!("export-{}-{}", kind.slug(), format.slug())
                                href=exports::path(cid, kind, format)>
                                {format.slug().to_uppercase()}
                            </a>
                        }).collect_view()}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let id = campaign_id();
    let report = Resource::new(id, get_final_report);
    let lang = use_lang();
    view! {
        <Layout title=Msg::ReportTitle>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Ok(r) => report_view(r, lang).into_any(),
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

fn signals_text(e: &EmployeeWeek, lang: Lang) -> String {
    e.signals
        .iter()
        .map(|s| s.msg().text(lang))
        .collect::<Vec<_>>()
        .join("; ")
}

fn week_view(
    cid: i64,
    w: WeekStanding,
    pay: ServerAction<PayMotivationWeek>,
    review: ServerAction<ReviewMotivation>,
    lang: Lang,
) -> AnyView {
    let monday = w.monday;
    let sunday = domain::clock::Week { monday }.sunday();
    let status = match (&w.payout, w.finished) {
        (Some(p), _) => format!(
            "{} {} · {}",
            Msg::PaidOut.text(lang),
            money(p.total, lang),
            format::date_of(&p.paid_at, lang)
        ),
        (None, true) => format!("{}: {}", Msg::DueNow.text(lang), money(w.payable, lang)),
        (None, false) => Msg::WeekRunning.text(lang).to_owned(),
    };
    let can_pay = w.payout.is_none() && w.finished;
    let week_text = monday.to_string();
    view! {
        <section class="card stack motivation-week" data-week=monday.to_string()>
            <h2>{t(Msg::Week)}" "{format::date(monday, lang)}" – "{format::date(sunday, lang)}</h2>
            <p class="muted week-status">{status}
                {(w.to_review > 0).then(|| view! { " · " <strong class="warn">{t(Msg::ToReview)}": "{w.to_review}</strong> })}
            </p>
            <div class="table-wrap"><table class="table standings">
                <thead><tr>
                    <th class="num">{t(Msg::Rank)}</th>
                    <th>{t(Msg::Employee)}</th>
                    <th class="num">{t(Msg::ColHandedOut)}</th>
                    <th class="num">{t(Msg::ColCame)}</th>
                    <th class="num">{t(Msg::ColBought)}</th>
                    <th class="num">{t(Msg::Earned)}</th>
                    <th class="num">{t(Msg::Adjustment)}</th>
                    <th class="num">{t(Msg::DueNow)}</th>
                    <th class="num">{t(Msg::PaidOut)}</th>
                </tr></thead>
                <tbody>
                    {w.employees.iter().map(|e| {
                        let held = e.held != 0;
                        let reviewable = !e.signals.is_empty();
                        let eid = e.employee_id;
                        let wt = week_text.clone();
                        view! {
                            <tr data-employee-id=eid class:held=held>
                                <td class="num">{e.rank}</td>
                                <td>{e.employee_name.clone()}" "<span class="muted small">{e.store_name.clone()}</span>
                                    {reviewable.then(|| view! {
                                        <br/><span class="warn small signals">{signals_text(e, lang)}</span>
                                        {e.review.as_ref().map(|r| view! { <br/><span class="muted small">{r.decision.msg().text(lang)}" · "{r.by.clone()}" "{r.note.clone()}</span> })}
                                        <ActionForm action=review attr:class="inline-form">
                                            <input type="hidden" name="campaign_id" value=cid/>
                                            <input type="hidden" name="week" value=wt/>
                                            <input type="hidden" name="employee_id" value=eid/>
                                            <input name="note" maxlength="500" placeholder=Msg::Note.text(lang) aria-label=Msg::Note.text(lang)/>
                                            <button type="submit" name="decision" value="release" class="btn btn-small">{t(Msg::Release)}</button>
                                            <button type="submit" name="decision" value="withhold" class="btn btn-small">{t(Msg::Withhold)}</button>
                                        </ActionForm>
                                    }.into_any())}
                                </td>
                                <td class="num">{e.handouts}</td>
                                <td class="num">{e.redemptions}</td>
                                <td class="num">{e.buyers}</td>
                                <td class="num">{money(e.earned, lang)}{e.capped.then(|| view! { " " <span class="muted small">{t(Msg::Capped)}</span> })}
                                    {held.then(|| view! { <br/><span class="warn small">{t(Msg::Held)}</span> })}</td>
                                <td class="num">{(e.adjustment != 0).then(|| money(e.adjustment, lang))}</td>
                                <td class="num">{money(e.due, lang)}</td>
                                <td class="num">{e.paid.map(|p| money(p, lang))}</td>
                            </tr>
                        }
                        .into_any()
                    }).collect_view()}
                </tbody>
            </table></div>
            {can_pay.then(|| view! {
                <ActionForm action=pay attr:class="inline-form">
                    <input type="hidden" name="campaign_id" value=cid/>
                    <input type="hidden" name="week" value=week_text.clone()/>
                    <button type="submit" class="btn btn-primary pay-week">{t(Msg::PayWeek)}" — "{money(w.payable, lang)}</button>
                </ActionForm>
            }.into_any())}
        </section>
    }
    .into_any()
}

fn motivation_view(
    s: Standings,
    save: ServerAction<SaveMotivationRules>,
    pay: ServerAction<PayMotivationWeek>,
    review: ServerAction<ReviewMotivation>,
    lang: Lang,
) -> AnyView {
    let cid = s.campaign_id;
    let r = s.rules.clone();
    let error = action_error(save);
    let saved = action_ok(save);
    let input = |k: i64| {
        if k == 0 {
            String::new()
        } else {
            format::money_input(domain::types::Money(k))
        }
    };
    let rules = view! {
        <section class="card stack">
            <h2>{t(Msg::MotivationRules)}</h2>
            <p class="muted small">{t(Msg::MotivationHint)}</p>
            <ActionForm action=save attr:class="stack" attr:id="motivation-rules">
                <FormError error=error/>
                <input type="hidden" name="campaign_id" value=cid/>
                <div class="row">
                    <Field label=Msg::PerHandout name="per_handout" value=input(r.per_handout) placeholder="0" error/>
                    <Field label=Msg::PerRedemption name="per_redemption" value=input(r.per_redemption) placeholder="0" error/>
                </div>
                <div class="row">
                    <Field label=Msg::PerBuyer name="per_buyer" value=input(r.per_buyer) placeholder="0" error/>
                    <Field label=Msg::WeeklyCap name="weekly_cap" value=r.weekly_cap.map(|c| format::money_input(domain::types::Money(c))).unwrap_or_default() error/>
                </div>
                <label class="check"><input type="checkbox" name="handout_when_redeemed" value="on" checked=r.handout_when_redeemed/>" "{t(Msg::HandoutWhenRedeemed)}</label>
                {move || saved.get().then(|| view! { <p class="notice">{t(Msg::Saved)}</p> })}
                <button type="submit" class="btn btn-primary">{t(Msg::Save)}</button>
            </ActionForm>
            <p class="muted">{t(Msg::PaidTotal)}": "<strong id="motivation-paid-total">{money(s.paid_total, lang)}</strong></p>
        </section>
    }
    .into_any();
    view! {
        <p><a href=format!("/campaigns/{cid}")>{"← "}{s.campaign_name.clone()}</a>" · "<a href=format!("/campaigns/{cid}/report")>{t(Msg::ReportTitle)}</a></p>
        {rules}
        <FormError error=action_error(pay)/>
        <FormError error=action_error(review)/>
        {s.weeks.into_iter().map(|w| week_view(cid, w, pay, review, lang)).collect_view()}
    }
    .into_any()
}

#[component]
pub fn MotivationPage() -> impl IntoView {
    let id = campaign_id();
    let save = ServerAction::<SaveMotivationRules>::new();
    let pay = ServerAction::<PayMotivationWeek>::new();
    let review = ServerAction::<ReviewMotivation>::new();
    let standings = Resource::new(
        move || {
            (
                id(),
                save.version().get(),
                pay.version().get(),
                review.version().get(),
            )
        },
        |(id, _, _, _)| get_motivation(id),
    );
    let lang = use_lang();
    view! {
        <Layout title=Msg::MotivationTitle>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match standings.await {
                        Ok(s) => motivation_view(s, save, pay, review, lang).into_any(),
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}
