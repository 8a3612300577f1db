//! Mystery-shopper visits: the marketer's board (this week's visits and why the rotation chose
//! each store, the overrides, outside shoppers' links, the stores' trends, every visit), the
//! question list editor, one visit for each role (the marketer's result and correction, the
//! shopper's form, the store's result), and the public form of an outside shopper's link.
//!
//! The shopper's form is plain server-rendered markup driven by `public/shopper.js`: it keeps
//! the answers and photos on the phone (IndexedDB) until the server has them. No reactive
//! handler lives inside it, so the script and hydration never fight over it; what the script
//! writes goes into elements that are empty when rendered.

use domain::checklist::TaskState;
use domain::model::Me;
use domain::shopper::{
    AnsweredQuestion, ChoiceOption, Question, QuestionKind, ShopperVisit, StoreTrend, TrendPoint,
    VisitDetail, VisitState,
};
use domain::types::Role;
use domain::{DomainError, Lang, Msg, format};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::{ErrorBox, Field, FormError, Layout, action_error, action_ok, interactive};
use crate::i18n::{t, use_lang};
use crate::server_fns::{
    BoardPage, CorrectShopperVisit, MakeShopperLink, QuestionsPage, SaveShopperQuestions,
    UpdateShopperVisit, VisitPage, choices_text, get_shopper_board, get_shopper_questions,
    get_shopper_visit, link_shopper_visit,
};

fn param(name: &'static str) -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get(name)
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(-1)
    }
}

// ---------- small pieces ----------

/// "0,9 в день" / "0.9 a day": hand-outs per day from tenths.
pub fn rate_text(x10: i64, lang: Lang) -> String {
    let sep = if lang == Lang::Ru { ',' } else { '.' };
    format!(
        "{}{sep}{} {}",
        x10 / 10,
        x10 % 10,
        Msg::PerDayShort.text(lang)
    )
}

/// "62 из 100 · не пройдена (провален критичный вопрос)".
pub fn score_text(score: Option<i64>, passed: Option<bool>, critical: bool, lang: Lang) -> String {
    let Some(s) = score else {
        return "—".into();
    };
    let mut out = format!("{s} {}", Msg::OutOf100.text(lang));
    if let Some(p) = passed {
        out.push_str(" · ");
        out.push_str(
            if p {
                Msg::VisitPassed
            } else {
                Msg::VisitFailed
            }
            .text(lang),
        );
    }
    if critical {
        out.push_str(&format!(" ({})", Msg::CriticalFailed.text(lang)));
    }
    out
}

fn state_badge(state: VisitState, lang: Lang) -> impl IntoView {
    let class = match state {
        VisitState::Planned => "badge badge-pending",
        VisitState::SignedOff => "badge badge-used",
        VisitState::Cancelled => "badge badge-expired",
    };
    view! { <span class=class>{state.msg().text(lang)}</span> }
}

fn window_text(v: &ShopperVisit, lang: Lang) -> String {
    format!(
        "{} — {}",
        format::date(v.window_from, lang),
        format::date(v.window_to, lang)
    )
}

/// Why the rotation chose the store: "не проверялся, 0,9 в день".
fn reason_text(v: &ShopperVisit, lang: Lang) -> String {
    if v.chosen_by == "marketer" {
        return Msg::ChosenByMarketer.text(lang).into();
    }
    match &v.reason {
        Some(r) => {
            let last = match r.last_checked {
                Some(d) => format!("{} {}", Msg::CheckedOn.text(lang), format::date(d, lang)),
                None => Msg::NeverChecked.text(lang).into(),
            };
            format!("{last}, {}", rate_text(r.rate_x10, lang))
        }
        None => "—".into(),
    }
}

/// A tiny inline chart of a store's scores, oldest first (0–100 upwards).
pub fn sparkline(points: &[TrendPoint]) -> AnyView {
    let scores: Vec<i64> = points.iter().filter_map(|p| p.score).collect();
    let (w, h) = (100.0_f64, 24.0_f64);
    let n = scores.len();
    let xy: Vec<(f64, f64)> = scores
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let x = if n > 1 {
                2.0 + (w - 4.0) * i as f64 / (n - 1) as f64
            } else {
                w / 2.0
            };
            let y = h - 2.0 - (h - 4.0) * (*s).clamp(0, 100) as f64 / 100.0;
            (x, y)
        })
        .collect();
    let line = xy
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let last = xy.last().copied();
    let label = scores
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(" · ");
    if n == 0 {
        return ().into_any();
    }
    {
        view! {
            <svg class="sparkline" viewBox="0 0 100 24" width="100" height="24" role="img" aria-label=label.clone()>
                <line x1="0" y1="12" x2="100" y2="12" class="spark-mid"></line>
                <polyline points=line fill="none"></polyline>
                {last.map(|(x, y)| view! { <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="2.5"></circle> })}
            </svg>
        }
    }
    .into_any()
}

/// The latest score with its change since the one before: "75 ▲13".
pub fn latest_text(tr: &StoreTrend) -> String {
    match (tr.latest, tr.change) {
        (Some(s), Some(c)) if c > 0 => format!("{s} ▲{c}"),
        (Some(s), Some(c)) if c < 0 => format!("{s} ▼{}", -c),
        (Some(s), _) => s.to_string(),
        (None, _) => "—".into(),
    }
}

fn answer_text(q: &AnsweredQuestion, lang: Lang) -> String {
    let Some(v) = q.value.as_deref().filter(|v| !v.is_empty()) else {
        return if q.question.kind == QuestionKind::Photo && !q.photos.is_empty() {
            String::new()
        } else {
            Msg::NoAnswer.text(lang).into()
        };
    };
    match q.question.kind {
        QuestionKind::YesNo => if v == "yes" { Msg::Yes } else { Msg::No }
            .text(lang)
            .into(),
        QuestionKind::Score5 => format!("{v} / 5"),
        QuestionKind::Score10 => format!("{v} / 10"),
        QuestionKind::Choice => v
            .parse::<usize>()
            .ok()
            .and_then(|i| q.question.choices.get(i))
            .map(|c| c.label.clone())
            .unwrap_or_else(|| v.to_owned()),
        QuestionKind::Text | QuestionKind::Photo => v.to_owned(),
    }
}

/// The answer controls of one question: radios for yes/no, scores and choices, a text area
/// for text. `name` is the form field (`q3` in the shopper's form, `answers[q3]` in the
/// marketer's correction). Photos are handled by the caller.
fn answer_inputs(q: &AnsweredQuestion, name: String, lang: Lang) -> AnyView {
    let value = q.value.clone().unwrap_or_default();
    let radio = |v: String, label: String, class: &'static str| {
        let checked = v == value;
        view! {
            <label class=class>
                <input type="radio" name=name.clone() value=v checked=checked/>
                <span>{label}</span>
            </label>
        }
    };
    match q.question.kind {
        QuestionKind::YesNo => view! {
            <div class="choices">
                {radio("yes".into(), Msg::Yes.text(lang).into(), "choice")}
                {radio("no".into(), Msg::No.text(lang).into(), "choice")}
            </div>
        }
        .into_any(),
        QuestionKind::Score5 | QuestionKind::Score10 => {
            let top = if q.question.kind == QuestionKind::Score5 {
                5
            } else {
                10
            };
            let class = if top == 5 {
                "choices scale scale-5"
            } else {
                "choices scale"
            };
            view! {
                <div class=class>
                    {(1..=top).map(|n| radio(n.to_string(), n.to_string(), "choice scale-step")).collect_view()}
                </div>
            }
            .into_any()
        }
        QuestionKind::Choice => view! {
            <div class="choices options">
                {q.question.choices.iter().enumerate().map(|(i, c): (usize, &ChoiceOption)| radio(i.to_string(), c.label.clone(), "choice")).collect_view()}
            </div>
        }
        .into_any(),
        QuestionKind::Text | QuestionKind::Photo => view! {
            <textarea name=name.clone() rows="3" maxlength="2000">{value.clone()}</textarea>
        }
        .into_any(),
    }
}

fn question_legend(q: &AnsweredQuestion, lang: Lang) -> impl IntoView + use<> {
    view! {
        <legend>
            <span class="q-no">{q.no}". "</span>{q.question.text_in(lang).to_owned()}
            {q.question.critical.then(|| view! { " "<span class="badge badge-revoked" title=Msg::Critical.text(lang)>"!"</span> })}
        </legend>
    }
}

fn photo_figures(ids: &[i64], base: &str) -> impl IntoView + use<> {
    let base = base.to_owned();
    (!ids.is_empty()).then(|| {
        view! {
            <div class="photos">
                {ids.iter().map(|id| {
                    let src = format!("{base}/{id}");
                    view! { <figure><a href=src.clone()><img src=src.clone() alt="" loading="lazy"/></a></figure> }
                }).collect_view()}
            </div>
        }
    })
}

/// The visit's place and time: store, partner, address, hours, window.
fn visit_facts(v: &ShopperVisit, show_shopper: bool, extra: AnyView, lang: Lang) -> AnyView {
    view! {
        <dl class="facts visit-facts">
            <dt>{Msg::Store.text(lang)}</dt>
            <dd><strong>{v.store_name.clone()}</strong>" · "<span class="muted">{v.partner_name.clone()}</span></dd>
            {v.store_address.clone().map(|a| view! { <dt>{Msg::Address.text(lang)}</dt><dd>{a}</dd> })}
            {v.opening_hours.clone().map(|h| view! { <dt>{Msg::OpeningHours.text(lang)}</dt><dd>{h}</dd> })}
            <dt>{Msg::VisitWindow.text(lang)}</dt><dd>{window_text(v, lang)}</dd>
            <dt>{Msg::Status.text(lang)}</dt><dd id="visit-state">{state_badge(v.state, lang)}</dd>
            {(show_shopper).then(|| view! {
                <dt>{Msg::RoleMysteryShopper.text(lang)}</dt>
                <dd>{v.shopper_name.clone().unwrap_or_else(|| Msg::Nobody.text(lang).into())}</dd>
            })}
            {v.visited_on.map(|d| view! { <dt>{Msg::VisitDay.text(lang)}</dt><dd>{format::date(d, lang)}</dd> })}
            {extra}
        </dl>
    }
    .into_any()
}

// ---------- the marketer's board ----------

/// `/shopper-visits` (`?campaign=` another campaign): this week's visits, the stores' trends,
/// every visit.
#[component]
pub fn ShopperVisitsPage() -> impl IntoView {
    let query = use_query_map();
    let campaign = move || {
        query
            .read()
            .get("campaign")
            .and_then(|c| c.parse::<i64>().ok())
    };
    let update = ServerAction::<UpdateShopperVisit>::new();
    let link = ServerAction::<MakeShopperLink>::new();
    let ready = interactive();
    let data = Resource::new(
        move || (campaign(), update.version().get(), link.version().get()),
        |(c, _, _)| get_shopper_board(c),
    );
    let lang = use_lang();
    view! {
        <Layout title=Msg::ShopperVisitsTitle>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => board_view(page, update, link, ready, lang).into_any(),
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

fn board_view(
    page: BoardPage,
    update: ServerAction<UpdateShopperVisit>,
    link: ServerAction<MakeShopperLink>,
    ready: Signal<bool>,
    lang: Lang,
) -> impl IntoView {
    let Some(b) = page.board else {
        return view! { <p class="empty">{Msg::HomeNoCampaigns.text(lang)}</p> }.into_any();
    };
    let cid = b.campaign_id;
    let picker = (page.campaigns.len() > 1).then(|| {
        view! {
            <p class="actions row" id="campaign-picker">
                {page.campaigns.iter().map(|(id, name, _)| view! {
                    <a class="btn btn-small" href=format!("/shopper-visits?campaign={id}") aria-current=(*id == cid).then_some("true")>{name.clone()}</a>
                }).collect_view()}
            </p>
        }
    });
    let update_error = action_error(update);
    let link_error = action_error(link);
    let stores = b.stores.clone();
    let shoppers = b.shoppers.clone();
    let this_week = view! {
        <section class="stack" id="this-week">
            <h2>{Msg::ThisWeekVisits.text(lang)}</h2>
            <FormError error=update_error/>
            <FormError error=link_error/>
            {if b.this_week.is_empty() {
                view! { <p class="empty">{Msg::NoShopperVisits.text(lang)}</p> }.into_any()
            } else {
                b.this_week.into_iter().map(|v| visit_card(v, &stores, &shoppers, update, link, ready, lang)).collect_view().into_any()
            }}
        </section>
    }
    .into_any();
    let trends = view! {
        <section class="card stack" id="trends">
            <h2>{Msg::StoreTrends.text(lang)}</h2>
            <div class="table-wrap"><table class="table">
                <thead><tr>
                    <th>{Msg::Store.text(lang)}</th>
                    <th>{Msg::Trend.text(lang)}</th>
                    <th class="num">{Msg::Latest.text(lang)}</th>
                    <th>{Msg::LastChecked.text(lang)}</th>
                    <th class="num">{Msg::HandedOutCount.text(lang)}</th>
                    <th class="num">{Msg::RedemptionPct.text(lang)}</th>
                    <th class="num">{Msg::HandoutsPerDay.text(lang)}</th>
                </tr></thead>
                <tbody>
                    {b.trends.into_iter().map(|tr| trend_row(tr, cid, lang)).collect_view()}
                </tbody>
            </table></div>
        </section>
    }
    .into_any();
    let all = view! {
        <section class="card stack" id="all-visits">
            <h2>{Msg::AllVisits.text(lang)}</h2>
            {if b.visits.is_empty() {
                view! { <p class="empty">{Msg::NoShopperVisits.text(lang)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table">
                        <thead><tr>
                            <th>{Msg::Week.text(lang)}</th>
                            <th>{Msg::Store.text(lang)}</th>
                            <th>{Msg::RoleMysteryShopper.text(lang)}</th>
                            <th>{Msg::Status.text(lang)}</th>
                            <th class="num">{Msg::Score.text(lang)}</th>
                        </tr></thead>
                        <tbody>
                            {b.visits.into_iter().map(|v| view! {
                                <tr data-visit=v.id>
                                    <td>{format::date(v.week_start, lang)}</td>
                                    <td><a href=format!("/shopper-visits/{}", v.id)>{v.store_name.clone()}</a></td>
                                    <td>{v.shopper_name.clone().unwrap_or_else(|| "—".into())}</td>
                                    <td>{state_badge(v.state, lang)}</td>
                                    <td class="num">{v.score.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
    }
    .into_any();
    view! {
        {picker}
        <h2>{b.campaign_name.clone()}</h2>
        <p class="row">
            <a class="btn btn-small" href=format!("/campaigns/{cid}/shopper-questions") id="edit-questions">{Msg::EditQuestions.text(lang)}</a>
            <span class="muted">
                {Msg::QuestionsVersion.text(lang)}" "{b.questionnaire.version}" · "
                {Msg::VisitsPerWeek.text(lang)}": "{b.visits_per_week}" · "
                {Msg::PassMark.text(lang)}": "{b.questionnaire.pass_mark}
            </span>
        </p>
        {this_week}
        {trends}
        {all}
    }
    .into_any()
}

fn trend_row(tr: StoreTrend, campaign: i64, lang: Lang) -> AnyView {
    let numbers = tr
        .scores
        .iter()
        .filter_map(|p| p.score)
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(" · ");
    let latest_class = match tr.latest_passed {
        Some(true) => "num score-ok",
        Some(false) => "num score-bad",
        None => "num",
    };
    view! {
        <tr data-store=tr.store_id>
            <td><a href=format!("/campaigns/{campaign}/stores/{}", tr.store_id)>{tr.store_name.clone()}</a><br/><span class="muted">{tr.partner_name.clone()}</span></td>
            <td>{sparkline(&tr.scores)}<br/><span class="muted small">{numbers}</span></td>
            <td class=latest_class>{latest_text(&tr)}</td>
            <td>{tr.last_checked.map(|d| format::date(d, lang)).unwrap_or_else(|| Msg::NeverChecked.text(lang).into())}</td>
            <td class="num">{tr.handouts}</td>
            <td class="num">{tr.redemption_pct.map(|p| format!("{p} %")).unwrap_or_else(|| "—".into())}</td>
            <td class="num">{rate_text(tr.rate_x10, lang)}</td>
        </tr>
    }
    .into_any()
}

fn visit_card(
    v: ShopperVisit,
    stores: &[(i64, String)],
    shoppers: &[(i64, String)],
    update: ServerAction<UpdateShopperVisit>,
    link: ServerAction<MakeShopperLink>,
    ready: Signal<bool>,
    lang: Lang,
) -> AnyView {
    let id = v.id;
    let planned = v.state == VisitState::Planned;
    let editable = v.state != VisitState::SignedOff;
    let made = move || {
        link.value()
            .get()
            .and_then(|r| r.ok())
            .filter(|m| m.visit_id == id)
            .map(|m| {
                view! {
                    <div class="notice stack link-made">
                        <p>{Msg::LinkShownOnce.text(lang)}</p>
                        <input class="invite-url" readonly=true value=m.link.url.clone() aria-label=Msg::OutsideShopperLink.text(lang)/>
                        <p class="muted">{Msg::LinkWorksUntil.text(lang)}" "{m.link.expires_at.clone()}</p>
                    </div>
                }
            })
    };
    let store_options = stores
        .iter()
        .map(|(sid, name)| view! { <option value=*sid selected=*sid == v.store_id>{name.clone()}</option> })
        .collect_view();
    let shopper_options = shoppers
        .iter()
        .map(|(sid, name)| view! { <option value=*sid selected=Some(*sid) == v.shopper_id>{name.clone()}</option> })
        .collect_view();
    view! {
        <article class="card stack visit-card" data-visit=id>
            <div class="row">
                <a href=format!("/shopper-visits/{id}")><strong>{v.store_name.clone()}</strong></a>
                <span class="muted">{v.partner_name.clone()}</span>
                {state_badge(v.state, lang)}
            </div>
            <dl class="facts">
                <dt>{Msg::WhyChosen.text(lang)}</dt><dd class="reason">{reason_text(&v, lang)}</dd>
                <dt>{Msg::RoleMysteryShopper.text(lang)}</dt>
                <dd class="shopper">
                    {v.shopper_name.clone().unwrap_or_else(|| Msg::Nobody.text(lang).into())}
                    {v.link_expires.clone().map(|e| view! { <br/><span class="muted">{Msg::LinkWorksUntil.text(lang)}" "{e}</span> })}
                </dd>
                <dt>{Msg::VisitWindow.text(lang)}</dt><dd>{window_text(&v, lang)}</dd>
                <dt>{Msg::AnnouncedToStore.text(lang)}</dt><dd>{if v.announced { Msg::Yes.text(lang) } else { Msg::Unannounced.text(lang) }}</dd>
                {v.score.map(|_| view! {
                    <dt>{Msg::Score.text(lang)}</dt><dd>{score_text(v.score, v.passed, v.critical_failed, lang)}</dd>
                })}
            </dl>
            {made}
            {editable.then(|| view! {
                <details class="collapsible">
                    <summary>{Msg::Edit.text(lang)}</summary>
                    <ActionForm action=update attr:class="stack visit-form">
                        <input type="hidden" name="id" value=id/>
                        <div class="field">
                            <label for=format!("v{id}-store")>{Msg::Store.text(lang)}</label>
                            <select id=format!("v{id}-store") name="store_id">{store_options}</select>
                        </div>
                        <div class="field">
                            <label for=format!("v{id}-shopper")>{Msg::ShopperAccount.text(lang)}</label>
                            <select id=format!("v{id}-shopper") name="shopper_id">
                                <option value="0" selected=v.shopper_id.is_none()>{Msg::Nobody.text(lang)}</option>
                                {shopper_options}
                            </select>
                        </div>
                        <div class="row">
                            <div class="field">
                                <label for=format!("v{id}-from")>{Msg::WindowFrom.text(lang)}</label>
                                <input id=format!("v{id}-from") type="date" name="window_from" value=v.window_from.to_string()/>
                            </div>
                            <div class="field">
                                <label for=format!("v{id}-to")>{Msg::WindowTo.text(lang)}</label>
                                <input id=format!("v{id}-to") type="date" name="window_to" value=v.window_to.to_string()/>
                            </div>
                        </div>
                        <label class="check consent"><input type="checkbox" name="announced" value="on" checked=v.announced/>" "{Msg::AnnouncedToStore.text(lang)}</label>
                        <div class="actions row">
                            <button type="submit" name="state" value="planned" class="btn btn-primary">{if planned { Msg::Save.text(lang) } else { Msg::RestoreVisit.text(lang) }}</button>
                            {planned.then(|| view! { <button type="submit" name="state" value="cancelled" class="btn btn-danger">{Msg::CancelVisit.text(lang)}</button> })}
                        </div>
                    </ActionForm>
                </details>
            })}
            {planned.then(|| view! {
                <details class="collapsible">
                    <summary>{Msg::OutsideShopperLink.text(lang)}</summary>
                    <ActionForm action=link attr:class="stack link-form">
                        <input type="hidden" name="id" value=id/>
                        <div class="field">
                            <label for=format!("v{id}-name")>{Msg::OutsideShopperName.text(lang)}</label>
                            <input id=format!("v{id}-name") name="shopper_name" autocomplete="off"/>
                        </div>
                        <button type="submit" class="btn" disabled=move || !ready.get()>{Msg::MakeLink.text(lang)}</button>
                    </ActionForm>
                </details>
            })}
        </article>
    }
    .into_any()
}

// ---------- the question list ----------

/// `/campaigns/:id/shopper-questions`: the list editor; saving makes a new version.
#[component]
pub fn ShopperQuestionsPage() -> impl IntoView {
    let id = param("id");
    let save = ServerAction::<SaveShopperQuestions>::new();
    let data = Resource::new(
        move || (id(), save.version().get()),
        |(id, _)| get_shopper_questions(id),
    );
    view! {
        <Layout title=Msg::ShopperQuestionsTitle>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(p) => view! { <QuestionsEditor page=p save/> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

#[component]
fn QuestionsEditor(page: QuestionsPage, save: ServerAction<SaveShopperQuestions>) -> impl IntoView {
    let lang = use_lang();
    let error = action_error(save);
    let saved = action_ok(save);
    let q = page.questionnaire;
    let cid = page.campaign_id;
    // Rows keep a number of their own (the form's `questions[n]`), in the order shown.
    let next = StoredValue::new(q.questions.len());
    let rows: RwSignal<Vec<(usize, Question)>> =
        RwSignal::new(q.questions.into_iter().enumerate().collect());
    let add = move |_| {
        let n = next.get_value();
        next.set_value(n + 1);
        rows.update(|r| {
            r.push((
                n,
                Question {
                    text: String::new(),
                    text_en: String::new(),
                    kind: QuestionKind::YesNo,
                    weight: 1,
                    critical: false,
                    choices: Vec::new(),
                },
            ))
        });
    };
    let form_error = Signal::derive(move || {
        error
            .get()
            .filter(|e: &DomainError| e.fields().iter().all(|f| !f.field.starts_with('q')))
    });
    view! {
        <p><a href=format!("/shopper-visits?campaign={cid}")>{"← "}{page.campaign_name.clone()}</a></p>
        <p class="muted" id="questions-version">
            {Msg::QuestionsVersion.text(lang)}" "<strong>{q.version}</strong>" · "{q.created_by.clone()}" · "{page.saved_at.clone()}
        </p>
        <p class="muted">{Msg::QuestionsHint.text(lang)}</p>
        <ActionForm action=save attr:class="stack" attr:id="questions-form">
            <FormError error=form_error/>
            <input type="hidden" name="campaign_id" value=cid/>
            <div class="row">
                <Field label=Msg::PassMark name="pass_mark" kind="number" value=q.pass_mark.to_string() error/>
                <Field label=Msg::VisitsPerWeek name="visits_per_week" kind="number" value=page.visits_per_week.to_string() error/>
            </div>
            <ul class="plain question-rows">
                <For
                    each=move || rows.get()
                    key=|(n, _)| *n
                    children=move |(n, question)| view! { <QuestionRowEditor n question rows error/> }
                />
            </ul>
            <p><button type="button" class="btn" id="add-question" on:click=add>{Msg::AddQuestion.text(lang)}</button></p>
            {move || saved.get().then(|| view! { <p class="notice" role="status">{Msg::Saved.text(lang)}</p> })}
            <button type="submit" class="btn btn-primary">{Msg::SaveNewVersion.text(lang)}</button>
        </ActionForm>
    }
}

#[component]
fn QuestionRowEditor(
    n: usize,
    question: Question,
    rows: RwSignal<Vec<(usize, Question)>>,
    error: Signal<Option<DomainError>>,
) -> impl IntoView {
    let lang = use_lang();
    let kind = RwSignal::new(question.kind);
    let position = move || rows.with(|r| r.iter().position(|(x, _)| *x == n).unwrap_or(0) + 1);
    let problems = move || {
        let prefix = format!("q{}.", position());
        error.get().map(|e| {
            e.fields()
                .iter()
                .filter(|f| f.field.starts_with(&prefix))
                .map(|f| f.code.msg().text(lang))
                .collect::<Vec<_>>()
                .join("; ")
        })
    };
    let field = |name: &str| format!("questions[{n}][{name}]");
    let id = |name: &str| format!("qe{n}-{name}");
    let remove = move |_| rows.update(|r| r.retain(|(x, _)| *x != n));
    view! {
        <li class="card stack question-row" data-row=n>
            <div class="row">
                <strong>{Msg::Question.text(lang)}" "{position}</strong>
                <button type="button" class="btn btn-small" on:click=remove>{Msg::RemoveQuestion.text(lang)}</button>
            </div>
            <div class="field">
                <label for=id("text")>{Msg::QuestionText.text(lang)}</label>
                <textarea id=id("text") name=field("text") rows="2" required=true>{question.text.clone()}</textarea>
            </div>
            <div class="field">
                <label for=id("text_en")>{Msg::QuestionTextEn.text(lang)}</label>
                <input id=id("text_en") name=field("text_en") value=question.text_en.clone()/>
            </div>
            <div class="row">
                <div class="field">
                    <label for=id("kind")>{Msg::AnswerKind.text(lang)}</label>
                    <select id=id("kind") name=field("kind") on:change=move |ev| {
                        if let Ok(k) = QuestionKind::parse("kind", &event_target_value(&ev)) {
                            kind.set(k);
                        }
                    }>
                        {QuestionKind::ALL.iter().map(|k| view! {
                            <option value=k.as_str() selected=*k == question.kind>{k.msg().text(lang)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=id("weight")>{Msg::Weight.text(lang)}</label>
                    <input id=id("weight") name=field("weight") type="number" min="1" max="10" value=question.weight.to_string()/>
                </div>
            </div>
            <label class="check consent" hidden=move || !kind.get().scored()>
                <input type="checkbox" name=field("critical") value="on" checked=question.critical/>
                " "{Msg::Critical.text(lang)}
            </label>
            <div class="field" hidden=move || kind.get() != QuestionKind::Choice>
                <label for=id("choices")>{Msg::ChoicesHint.text(lang)}</label>
                <textarea id=id("choices") name=field("choices") rows="4">{choices_text(&question.choices)}</textarea>
            </div>
            {move || problems().filter(|p| !p.is_empty()).map(|p| view! { <p class="field-error">{p}</p> })}
        </li>
    }
}

// ---------- one visit ----------

/// `/shopper-visits/:id`: the marketer sees the result and may correct it; the assigned
/// shopper fills the form in while it is planned; store staff see the result.
#[component]
pub fn ShopperVisitPage() -> impl IntoView {
    let id = param("id");
    let correct = ServerAction::<CorrectShopperVisit>::new();
    let data = Resource::new(
        move || (id(), correct.version().get()),
        |(id, _)| get_shopper_visit(id),
    );
    let lang = use_lang();
    view! {
        <Layout title=Msg::ShopperVisitTitle>
            {move || {
                let role = use_context::<Me>().map(|m| m.role);
                view! {
                    <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                        {move || Suspend::new(async move {
                            match data.await {
                                Ok(p) => visit_view(p, role, correct, lang),
                                Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                            }
                        })}
                    </Suspense>
                }
            }}
        </Layout>
    }
}

fn visit_view(
    p: VisitPage,
    role: Option<Role>,
    correct: ServerAction<CorrectShopperVisit>,
    lang: Lang,
) -> AnyView {
    let d = p.detail;
    let v = d.visit.clone();
    match role {
        Some(Role::MysteryShopper) if d.editable => {
            let api = format!("/api/v1/shopper-visits/{}", v.id);
            view! {
                {visit_facts(&v, false, ().into_any(), lang)}
                {shopper_form(&d, api, "/api/v1/shopper-photos".into(), &p.today, lang)}
            }
            .into_any()
        }
        Some(Role::Marketer) => {
            let signed = v.state == VisitState::SignedOff;
            view! {
                <p><a href=format!("/shopper-visits?campaign={}", v.campaign_id)>{"← "}{v.campaign_name.clone()}</a></p>
                <section class="card stack">
                    <h2>{v.store_name.clone()}</h2>
                    {visit_facts(&v, true, marketer_facts(&v, lang), lang)}
                </section>
                {result_view(&d, "/api/v1/shopper-photos", lang)}
                {(!d.tasks.is_empty()).then(|| view! {
                    <section class="card stack" id="corrective-tasks">
                        <h2>{Msg::CorrectiveTasks.text(lang)}</h2>
                        <ul class="plain">
                            {d.tasks.iter().map(|task| view! {
                                <li>
                                    <a href=format!("/tasks/{}", task.id)>{task.title.clone()}</a>" · "
                                    <span class="muted">{TaskState::parse("state", &task.state).map(|s| s.msg().text(lang)).unwrap_or_default()}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })}
                {signed.then(|| correction_form(&d, correct, lang))}
            }
            .into_any()
        }
        _ => view! {
            <section class="card stack">
                <h2>{v.store_name.clone()}</h2>
                {(v.state == VisitState::Planned).then(|| view! {
                    <p class="notice" id="visit-coming">
                        {Msg::ShopperWillCome.text(lang)}" "{Msg::DateFrom.text(lang)}" "{format::date(v.window_from, lang)}" "
                        {Msg::DateTo.text(lang)}" "{format::date(v.window_to, lang)}
                    </p>
                })}
                {visit_facts(&v, false, ().into_any(), lang)}
            </section>
            {(v.state == VisitState::SignedOff).then(|| result_view(&d, "/api/v1/shopper-photos", lang))}
        }
        .into_any(),
    }
}

/// What only the marketer sees of a visit: why the store, told or not, who signed and corrected.
fn marketer_facts(v: &ShopperVisit, lang: Lang) -> AnyView {
    let planned = v.state == VisitState::Planned;
    view! {
        <dt>{Msg::WhyChosen.text(lang)}</dt><dd>{reason_text(v, lang)}</dd>
        <dt>{Msg::AnnouncedToStore.text(lang)}</dt><dd>{if v.announced { Msg::Yes.text(lang) } else { Msg::Unannounced.text(lang) }}</dd>
        {v.signed_off_by.clone().map(|by| view! {
            <dt>{Msg::SignedOffBy.text(lang)}</dt><dd id="signed-off">{by}" · "{v.signed_off_at.clone().unwrap_or_default()}</dd>
        })}
        {v.corrected_by.clone().map(|by| view! {
            <dt>{Msg::CorrectedBy.text(lang)}</dt><dd id="corrected">{by}" · "{v.corrected_at.clone().unwrap_or_default()}</dd>
        })}
        {v.link_expires.clone().filter(|_| planned).map(|e| view! { <dt>{Msg::LinkWorksUntil.text(lang)}</dt><dd>{e}</dd> })}
    }
    .into_any()
}

/// The answers with their points, failed ones marked, the photos, the score.
fn result_view(d: &VisitDetail, photo_base: &str, lang: Lang) -> AnyView {
    let v = &d.visit;
    let (score, passed, critical) = if v.state == VisitState::SignedOff {
        (v.score, v.passed, v.critical_failed)
    } else {
        (
            d.preview.score,
            Some(d.preview.passed),
            d.preview.critical_failed,
        )
    };
    let class = match passed {
        Some(true) => "card stack visit-result result-ok",
        Some(false) => "card stack visit-result result-bad",
        None => "card stack visit-result",
    };
    view! {
        <section class=class id="visit-result">
            <h2>{Msg::Score.text(lang)}": "<span id="visit-score">{score_text(score, passed, critical, lang)}</span></h2>
            <p class="muted">{Msg::PassMark.text(lang)}": "{d.pass_mark}" · "{Msg::QuestionsVersion.text(lang)}" "{d.questionnaire_version}</p>
            <ul class="plain answers">
                {d.questions.iter().map(|q| {
                    let text = answer_text(q, lang);
                    view! {
                        <li class=if q.failed { "answer answer-failed" } else { "answer" } data-question=q.no>
                            <p>
                                <span class="q-no">{q.no}". "</span>{q.question.text_in(lang).to_owned()}
                                {q.question.critical.then(|| view! { " "<span class="badge badge-revoked" title=Msg::Critical.text(lang)>"!"</span> })}
                            </p>
                            <p>
                                <strong>{text}</strong>
                                {q.points.map(|p| view! { " · "<span class="muted">{Msg::Points.text(lang)}": "{p}</span> })}
                                {q.failed.then(|| view! { " "<span class="badge badge-revoked">{Msg::AnswerFailed.text(lang)}</span> })}
                            </p>
                            {photo_figures(&q.photos, photo_base)}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

/// The marketer's correction of a signed-off visit: the same questions, sent as a server
/// function (`answers[q3]`), recorded with the answers before and after.
fn correction_form(
    d: &VisitDetail,
    correct: ServerAction<CorrectShopperVisit>,
    lang: Lang,
) -> AnyView {
    let error = action_error(correct);
    let done = action_ok(correct);
    let visited = d
        .visit
        .visited_on
        .map(|d| d.to_string())
        .unwrap_or_default();
    let vid = d.visit.id;
    let fields = d
        .questions
        .iter()
        .filter(|q| q.question.kind != QuestionKind::Photo)
        .map(|q| {
            view! {
                <fieldset class="question" data-question=q.no>
                    {question_legend(q, lang)}
                    {answer_inputs(q, format!("answers[q{}]", q.no), lang)}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <details class="collapsible card" id="correction">
            <summary>{Msg::CorrectAnswers.text(lang)}</summary>
            <ActionForm action=correct attr:class="stack" attr:id="correction-form">
                <p class="muted">{Msg::CorrectionHint.text(lang)}</p>
                <FormError error=error/>
                <input type="hidden" name="id" value=vid/>
                <div class="field">
                    <label for="c-visited-on">{Msg::VisitDay.text(lang)}</label>
                    <input id="c-visited-on" type="date" name="visited_on" value=visited/>
                </div>
                {fields}
                {move || done.get().then(|| view! { <p class="notice" role="status">{Msg::Saved.text(lang)}</p> })}
                <button type="submit" class="btn btn-primary">{Msg::SaveCorrection.text(lang)}</button>
            </ActionForm>
        </details>
    }
    .into_any()
}

/// The texts public/shopper.js shows, in the page's language (JSON in `data-texts`).
fn script_texts(lang: Lang) -> String {
    let pairs = [
        ("offline", Msg::ShopperOffline),
        ("sending", Msg::ShopperSending),
        ("synced", Msg::ShopperSynced),
        ("signed", Msg::ShopperSignedOff),
        ("fix", Msg::ShopperFixErrors),
        ("waiting", Msg::PhotoWaiting),
        ("sent", Msg::PhotoUploaded),
        ("score", Msg::Score),
        ("of", Msg::OutOf100),
        ("passed", Msg::VisitPassed),
        ("failed", Msg::VisitFailed),
        ("critical", Msg::CriticalFailed),
        ("expired", Msg::ErrLinkExpired),
        ("locked", Msg::ErrVisitLocked),
        ("required", Msg::ErrRequired),
        ("internal", Msg::ErrInternal),
        ("question", Msg::Question),
        ("signed-state", Msg::VisitSignedOff),
    ];
    let map: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, m)| ((*k).to_owned(), serde_json::Value::from(m.text(lang))))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// THE FORM: plain markup for public/shopper.js, which keeps every answer and photo on the
/// phone until the server has them (`api`: the visit's or the link's API path).
fn shopper_form(
    d: &VisitDetail,
    api: String,
    photo_base: String,
    today: &str,
    lang: Lang,
) -> AnyView {
    let visited = d
        .visit
        .visited_on
        .map(|d| d.to_string())
        .unwrap_or_else(|| today.to_owned());
    let preview = d.preview.clone();
    view! {
        <section class="card stack shopper-form-card">
            <p class="muted">{Msg::ShopperFormHint.text(lang)}</p>
            <p class="notice" id="shopper-status" role="status" aria-live="polite" hidden=true></p>
            <form id="shopper-form" class="stack" novalidate=true
                data-api=api data-photos=photo_base.clone() data-visit=d.visit.id data-lang=lang.code()
                data-texts=script_texts(lang)
                data-score=preview.score.map(|s| s.to_string()).unwrap_or_default()
                data-passed=if preview.passed { "true" } else { "false" }
                data-critical=if preview.critical_failed { "true" } else { "false" }>
                <div class="field">
                    <label for="s-visited-on">{Msg::VisitDay.text(lang)}</label>
                    <input id="s-visited-on" name="visited_on" type="date" value=visited max=today.to_owned()/>
                    <p class="field-error" data-error-for="visited_on"></p>
                </div>
                {d.questions.iter().map(|q| {
                    let no = q.no;
                    let photo = q.question.kind == QuestionKind::Photo;
                    view! {
                        <fieldset class="question card" id=format!("q{no}") data-question=no data-kind=q.question.kind.as_str()
                            data-photo-count=q.photos.len()>
                            {question_legend(q, lang)}
                            {if photo {
                                view! {
                                    {photo_figures(&q.photos, &photo_base)}
                                    <ul class="plain photo-queue" data-queue-for=no></ul>
                                    <label class="btn photo-button" for=format!("p{no}")>{Msg::TakePhoto.text(lang)}</label>
                                    <input id=format!("p{no}") class="sr-only photo-input" type="file" accept="image/*" capture="environment" data-photo-for=no/>
                                }.into_any()
                            } else {
                                answer_inputs(q, format!("q{no}"), lang)
                            }}
                            <p class="field-error" data-error-for=format!("q{no}")></p>
                        </fieldset>
                    }
                }).collect_view()}
                <p class="score-now">{Msg::ScoreSoFar.text(lang)}": "<output id="shopper-preview"></output></p>
                <div class="actions row">
                    <button type="button" class="btn" data-action="save">{Msg::Save.text(lang)}</button>
                    <button type="button" class="btn btn-primary btn-big" data-action="signoff">{Msg::SignOffVisit.text(lang)}</button>
                </div>
            </form>
            <script src="/shopper.js" defer=true></script>
        </section>
    }
    .into_any()
}

// ---------- an outside shopper's link ----------

/// `/v/:secret`: an outside shopper's visit, without an account; once it is signed off or the
/// link has expired, the page says so.
#[component]
pub fn LinkVisitPage() -> impl IntoView {
    let params = use_params_map();
    let secret = move || params.read().get("secret").unwrap_or_default();
    let data = Resource::new(secret, link_shopper_visit);
    let lang = use_lang();
    view! {
        <main class="container stack shopper-public">
            <p class="muted">{t(Msg::AppName)}</p>
            <h1 class="page-title">{t(Msg::ShopperVisitTitle)}</h1>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let s = secret();
                    match data.await {
                        Ok(p) => {
                            let api = format!("/api/v1/shopper-links/{s}");
                            let photos = format!("{api}/photos");
                            view! {
                                {visit_facts(&p.detail.visit, false, ().into_any(), lang)}
                                {shopper_form(&p.detail, api, photos, &p.today, lang)}
                            }.into_any()
                        }
                        Err(e) => view! {
                            <p class="form-error" role="alert" id="link-error">{e.message(lang)}</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

// ---------- on the home pages ----------

/// The mystery shopper's visits, each linking to its form (a full page load, so the form's
/// script always starts with the page).
pub fn my_visits_view(list: Vec<ShopperVisit>, lang: Lang) -> AnyView {
    view! {
        <section class="card stack" id="my-visits">
            <h2>{Msg::MyVisits.text(lang)}</h2>
            {if list.is_empty() {
                view! { <p class="empty">{Msg::NoShopperVisits.text(lang)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain visit-list">
                        {list.into_iter().map(|v| view! {
                            <li class="visit-item" data-visit=v.id>
                                <a rel="external" href=format!("/shopper-visits/{}", v.id)><strong>{v.store_name.clone()}</strong></a>
                                " · "<span class="muted">{v.partner_name.clone()}</span>" "{state_badge(v.state, lang)}
                                {v.store_address.clone().map(|a| view! { <br/>{a} })}
                                {v.opening_hours.clone().map(|h| view! { <br/><span class="muted">{h}</span> })}
                                <br/>{Msg::VisitWindow.text(lang)}": "{window_text(&v, lang)}
                                {v.score.map(|_| view! { <br/>{Msg::Score.text(lang)}": "{score_text(v.score, v.passed, v.critical_failed, lang)} })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

/// The store's visible visits on the staff home: an announced visit ahead, the results.
pub fn store_visits_view(list: Vec<ShopperVisit>, lang: Lang) -> impl IntoView {
    (!list.is_empty()).then(|| {
        view! {
            <section class="card stack" id="store-visits">
                <h2>{Msg::ShopperLastScore.text(lang)}</h2>
                <ul class="plain">
                    {list.into_iter().take(5).map(|v| {
                        let text = if v.state == VisitState::SignedOff {
                            format!("{}: {} {}", format::date(v.visited_on.unwrap_or(v.week_start), lang), Msg::Score.text(lang), score_text(v.score, v.passed, v.critical_failed, lang))
                        } else {
                            format!("{} {} {} {} {}", Msg::ShopperWillCome.text(lang), Msg::DateFrom.text(lang), format::date(v.window_from, lang), Msg::DateTo.text(lang), format::date(v.window_to, lang))
                        };
                        view! { <li data-visit=v.id><a href=format!("/shopper-visits/{}", v.id)>{text}</a></li> }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// The store's mystery-shopper results on its page at a glance.
pub fn store_trend_view(tr: StoreTrend, lang: Lang) -> AnyView {
    view! {
        <section class="card stack" id="store-shopper">
            <h2>{Msg::ShopperLastScore.text(lang)}</h2>
            <dl class="facts">
                <dt>{Msg::Latest.text(lang)}</dt>
                <dd class="big">{latest_text(&tr)}{tr.latest.map(|_| format!(" {}", Msg::OutOf100.text(lang)))}</dd>
                <dt>{Msg::LastChecked.text(lang)}</dt>
                <dd>{tr.last_checked.map(|d| format::date(d, lang)).unwrap_or_else(|| Msg::NeverChecked.text(lang).into())}</dd>
                <dt>{Msg::HandoutsPerDay.text(lang)}</dt><dd>{rate_text(tr.rate_x10, lang)}</dd>
                <dt>{Msg::RedemptionPct.text(lang)}</dt><dd>{tr.redemption_pct.map(|p| format!("{p} %")).unwrap_or_else(|| "—".into())}</dd>
            </dl>
            {sparkline(&tr.scores)}
            {(!tr.scores.is_empty()).then(|| view! {
                <ul class="plain">
                    {tr.scores.iter().map(|p| view! {
                        <li><a href=format!("/shopper-visits/{}", p.visit_id)>{format::date(p.week_start, lang)}</a>": "
                            {p.score.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}" · "
                            {if p.passed { Msg::VisitPassed.text(lang) } else { Msg::VisitFailed.text(lang) }}</li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
    .into_any()
}
