//! Stock in the stores: the campaign's board (every store × certificates, paper forms and the
//! other materials, coloured by days of cover, the most urgent first or by store), the
//! materials ledger, one store at a glance, and the store employee's counts and requests.

use domain::forecast::Forecast;
use domain::ledger::{Level, MaterialKind, Movement, StoreStockRow};
use domain::{DomainError, Lang, Msg, format};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::{ErrorBox, Field, FormError, Layout, TelLink, action_error, action_ok};
use crate::i18n::{t, use_lang};
use crate::server_fns::{
    CountStock, RecordMovement, RequestStock, SaveMaterialKind, get_campaign, get_stock_board,
    my_stock, store_overview,
};

fn only_form_level(e: Signal<Option<DomainError>>) -> Signal<Option<DomainError>> {
    Signal::derive(move || e.get().filter(|e| e.fields().is_empty()))
}

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

#[component]
pub fn StockPage() -> impl IntoView {
    let id = param("id");
    let query = use_query_map();
    // `?sort=store` for store order; by default the most urgent first.
    let by_store = move || query.read().get("sort").as_deref() == Some("store");
    let record = ServerAction::<RecordMovement>::new();
    let kind = ServerAction::<SaveMaterialKind>::new();
    let campaign = Resource::new(id, get_campaign);
    let board = Resource::new(
        move || (id(), record.version().get(), kind.version().get()),
        |(id, _, _)| get_stock_board(id),
    );
    let lang = use_lang();
    view! {
        <Layout title=Msg::StockForecastTitle>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let (campaign, mut board) = match (campaign.await, board.await) {
                        (Ok(c), Ok(b)) => (c, b),
                        (Err(e), _) | (_, Err(e)) => return view! { <ErrorBox error=e.domain()/> }.into_any(),
                    };
                    if by_store() {
                        board.rows.sort_by(|a, b| (&a.partner_name, &a.store_name).cmp(&(&b.partner_name, &b.store_name)));
                    }
                    let cid = campaign.id;
                    let kinds = board.kinds.clone();
                    let stores: Vec<(i64, String)> = board.rows.iter().map(|r| (r.store_id, r.store_name.clone())).collect();
                    let mut all_kinds = kinds.clone();
                    all_kinds.insert(0, forms_kind(board.forms_kind_id, lang));
                    view! {
                        <p><a href=format!("/campaigns/{cid}")>{"← "}{campaign.name.clone()}</a></p>
                        <p class="muted">{t(Msg::StockForecastHint)}" "{t(Msg::MinDaysCover)}": "<strong>{board.min_days_cover}</strong></p>
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
                                    {kinds.iter().map(|k| view! { <th rowspan="2" class="num">{k.name_in(lang).to_owned()}</th> }).collect_view()}
                                </tr>
                                <tr>
                                    <th class="num">{t(Msg::OnHand)}</th><th class="num">{t(Msg::DaysOfCover)}</th><th>{t(Msg::DeliverBy)}</th>
                                    <th class="num">{t(Msg::OnHand)}</th><th class="num">{t(Msg::DaysOfCover)}</th><th>{t(Msg::DeliverBy)}</th>
                                </tr>
                            </thead>
                            <tbody>{board.rows.into_iter().map(|r| row(cid, r, lang)).collect_view()}</tbody>
                        </table></div>
                        <MovementForm campaign=cid stores=stores kinds=all_kinds action=record fixed_store=None/>
                        <KindForm action=kind/>
                    }.into_any()
                })}
            </Suspense>
        </Layout>
    }
}

/// Paper forms as a choice of the movement form (the board shows them beside certificates).
fn forms_kind(id: i64, lang: Lang) -> MaterialKind {
    MaterialKind {
        id,
        builtin: Some(domain::ledger::FORMS.into()),
        name: Msg::FormsShort.text(lang).into(),
        name_en: String::new(),
        per_store_min: 0,
        archived: false,
    }
}

fn row(campaign: i64, r: StoreStockRow, lang: Lang) -> impl IntoView {
    view! {
        <tr data-store=r.store_id>
            <td><a href=format!("/campaigns/{campaign}/stores/{}", r.store_id)>{r.store_name}</a><br/><span class="muted">{r.partner_name}</span></td>
            {cells(r.certificates, lang)}
            {cells(r.forms, lang)}
            {r.levels.into_iter().map(level_cell).collect_view()}
        </tr>
    }
}

fn level_cell(l: Level) -> impl IntoView {
    view! {
        <td class=if l.below_min { "num cover-bad" } else { "num" } title=l.counted_at.clone().unwrap_or_default()>{l.level}</td>
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

/// Record a delivery, a count, a return or a move.
#[component]
fn MovementForm(
    campaign: i64,
    stores: Vec<(i64, String)>,
    kinds: Vec<MaterialKind>,
    action: ServerAction<RecordMovement>,
    fixed_store: Option<i64>,
) -> impl IntoView {
    let lang = use_lang();
    let error = action_error(action);
    let saved = action_ok(action);
    let targets = stores.clone();
    view! {
        <details class="collapsible card" id="movement">
            <summary>{t(Msg::Ledger)}": "{t(Msg::RecordMovement)}</summary>
            <ActionForm action attr:class="stack">
                <FormError error=only_form_level(error)/>
                <input type="hidden" name="campaign_id" value=campaign/>
                <div class="row">
                    {match fixed_store {
                        Some(s) => view! { <input type="hidden" name="store_id" value=s/> }.into_any(),
                        None => view! {
                            <div class="field">
                                <label for="f-store">{t(Msg::Store)}</label>
                                <select id="f-store" name="store_id">
                                    {stores.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                                </select>
                            </div>
                        }.into_any(),
                    }}
                    <div class="field">
                        <label for="f-kind">{t(Msg::Material)}</label>
                        <select id="f-kind" name="kind_id">
                            {kinds.into_iter().map(|k| view! { <option value=k.id>{k.name_in(lang).to_owned()}</option> }).collect_view()}
                        </select>
                    </div>
                </div>
                <div class="row">
                    <div class="field">
                        <label for="f-movement">{t(Msg::Movement)}</label>
                        <select id="f-movement" name="movement">
                            {[Movement::Delivered, Movement::Counted, Movement::Returned, Movement::MovedOut].into_iter().map(|m| view! {
                                <option value=m.as_str()>{m.msg().text(lang)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <Field label=Msg::Quantity name="quantity" kind="number" required=true error/>
                    <div class="field">
                        <label for="f-to">{t(Msg::ToStore)}</label>
                        <select id="f-to" name="to_store_id">
                            <option value="">"—"</option>
                            {targets.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                        </select>
                    </div>
                </div>
                <Field label=Msg::Note name="note" error/>
                {move || saved.get().then(|| view! { <p class="notice">{t(Msg::Saved)}</p> })}
                <button type="submit" class="btn btn-primary">{t(Msg::RecordMovement)}</button>
            </ActionForm>
        </details>
    }
}

/// Add a kind of material (posters, stands, the clinic's leaflets…).
#[component]
fn KindForm(action: ServerAction<SaveMaterialKind>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <details class="collapsible card">
            <summary>{t(Msg::AddMaterial)}</summary>
            <ActionForm action attr:class="stack">
                <FormError error=only_form_level(error)/>
                <div class="row">
                    <Field label=Msg::Material name="name" error_key="material_name" required=true error/>
                    <Field label=Msg::MaterialNameEn name="name_en" error_key="material_name_en" error/>
                    <Field label=Msg::PerStoreMin name="per_store_min" kind="number" error/>
                </div>
                <button type="submit" class="btn">{t(Msg::Create)}</button>
            </ActionForm>
        </details>
    }
}

/// One store at a glance: its stock, its open tasks, its staff and the week's hand-outs, its
/// ledger.
#[component]
pub fn StoreViewPage() -> impl IntoView {
    let campaign = param("id");
    let store = param("store");
    let record = ServerAction::<RecordMovement>::new();
    let view_data = Resource::new(
        move || (campaign(), store(), record.version().get()),
        |(c, s, _)| store_overview(c, s),
    );
    let lang = use_lang();
    view! {
        <Layout title=Msg::StoreAtGlance>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let v = match view_data.await {
                        Ok(v) => v,
                        Err(e) => return view! { <ErrorBox error=e.domain()/> }.into_any(),
                    };
                    let open: Vec<_> = v.tasks.iter().filter(|t| t.state == domain::checklist::TaskState::Open).cloned().collect();
                    let mut kinds = v.kinds.clone();
                    kinds.insert(0, forms_kind(v.forms_kind_id, lang));
                    let stores: Vec<(i64, String)> = v.other_stores.clone();
                    view! {
                        <p><a href=format!("/campaigns/{}/stock", v.campaign_id)>{"← "}{v.campaign_name.clone()}</a></p>
                        <section class="card stack" id="store">
                            <h2>{v.store_name.clone()}<span class="muted">" · "{v.partner_name.clone()}</span></h2>
                            <dl class="facts">
                                {v.address.clone().map(|a| view! { <dt>{t(Msg::Address)}</dt><dd>{a}</dd> })}
                                <dt>{t(Msg::AdminName)}</dt>
                                <dd>{v.admin_name.clone().unwrap_or_else(|| "—".into())}{v.admin_phone.clone().map(|p| view! { " · "<TelLink phone=p/> })}</dd>
                                <dt>{t(Msg::StaffRead)}</dt>
                                <dd>{v.staff_read}" "{t(Msg::OfTotal)}" "{v.staff}{(!v.unread_staff.is_empty()).then(|| format!(" — {}", v.unread_staff.join(", ")))}</dd>
                                <dt>{t(Msg::HandoutsThisWeek)}</dt><dd>{v.handouts_this_week}</dd>
                            </dl>
                        </section>
                        {v.stock.clone().map(|s| view! {
                            <div class="table-wrap"><table class="table stock" id="store-stock">
                                <thead><tr>
                                    <th></th><th class="num">{t(Msg::OnHand)}</th><th class="num">{t(Msg::DaysOfCover)}</th><th>{t(Msg::DeliverBy)}</th>
                                </tr></thead>
                                <tbody>
                                    <tr><th>{t(Msg::Certificates)}</th>{cells(s.certificates, lang)}</tr>
                                    <tr><th>{t(Msg::FormsShort)}</th>{cells(s.forms, lang)}</tr>
                                    {v.kinds.iter().zip(s.levels).map(|(k, l)| view! {
                                        <tr><th>{k.name_in(lang).to_owned()}</th>{level_cell(l)}<td></td><td></td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        })}
                        {v.shopper.clone().map(|tr| crate::pages::shopper::store_trend_view(tr, lang))}
                        <section class="card stack">
                            <h2>{t(Msg::TasksTitle)}" ("{open.len()}")"</h2>
                            <ul class="tasks">{open.into_iter().map(|task| crate::pages::tasks::task_row(task, lang)).collect_view()}</ul>
                        </section>
                        <MovementForm campaign=v.campaign_id stores=stores kinds=kinds action=record fixed_store=Some(v.store_id)/>
                        <section class="card stack" id="ledger">
                            <h2>{t(Msg::Ledger)}</h2>
                            {if v.history.is_empty() {
                                view! { <p class="empty">{t(Msg::NoMovements)}</p> }.into_any()
                            } else {
                                view! {
                                    <div class="table-wrap"><table class="table">
                                        <thead><tr>
                                            <th>{t(Msg::Date)}</th><th>{t(Msg::Material)}</th><th>{t(Msg::Movement)}</th>
                                            <th class="num">{t(Msg::Quantity)}</th><th class="num">{t(Msg::Difference)}</th><th class="num">{t(Msg::Level)}</th>
                                            <th>{t(Msg::Who)}</th><th>{t(Msg::Note)}</th>
                                        </tr></thead>
                                        <tbody>
                                            {v.history.into_iter().map(|m| view! {
                                                <tr>
                                                    <td>{m.happened_at}</td>
                                                    <td>{if lang == Lang::En && !m.kind_name_en.is_empty() { m.kind_name_en } else { m.kind_name }}</td>
                                                    <td>{m.movement.msg().text(lang)}{m.other_store_name.map(|o| format!(" · {o}"))}</td>
                                                    <td class="num">{m.quantity}</td>
                                                    <td class="num">{if m.delta > 0 { format!("+{}", m.delta) } else { m.delta.to_string() }}</td>
                                                    <td class="num">{m.level_after}</td>
                                                    <td>{m.actor}</td>
                                                    <td>{m.note.unwrap_or_default()}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table></div>
                                }.into_any()
                            }}
                        </section>
                    }.into_any()
                })}
            </Suspense>
        </Layout>
    }
}

/// The store employee's phone: count what is in the store, ask for more, see the requests.
#[component]
pub fn StaffStockPage() -> impl IntoView {
    let count = ServerAction::<CountStock>::new();
    let request = ServerAction::<RequestStock>::new();
    let data = Resource::new(
        move || (count.version().get(), request.version().get()),
        |_| my_stock(),
    );
    let lang = use_lang();
    let count_error = action_error(count);
    let counted = action_ok(count);
    let request_error = action_error(request);
    let requested = action_ok(request);
    view! {
        <Layout title=Msg::StaffStockTitle>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let s = match data.await {
                        Ok(Some(s)) => s,
                        Ok(None) => return view! { <p class="empty">{t(Msg::NoActiveCampaign)}</p> }.into_any(),
                        Err(e) => return view! { <ErrorBox error=e.domain()/> }.into_any(),
                    };
                    let cid = s.campaign_id;
                    let kinds = s.kinds.clone();
                    view! {
                        <p class="muted">{s.store_name.clone()}" · "{s.campaign_name.clone()}</p>
                        <p>{t(Msg::StaffStockHint)}</p>
                        <section class="card stack" id="levels">
                            <p><strong>{t(Msg::Certificates)}": "{s.certificates_on_hand}</strong></p>
                            <ActionForm action=count attr:class="stack" attr:id="count-form">
                                <FormError error=only_form_level(count_error)/>
                                <input type="hidden" name="campaign_id" value=cid/>
                                <div class="field">
                                    <label for="f-count-kind">{t(Msg::Material)}</label>
                                    <select id="f-count-kind" name="kind_id">
                                        {s.kinds.iter().map(|k| {
                                            let level = s.levels.iter().find(|l| l.kind_id == k.id).map(|l| l.level).unwrap_or(0);
                                            view! { <option value=k.id>{format!("{} ({})", k.name_in(lang), level)}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <Field label=Msg::CountNow name="quantity" kind="number" required=true error=count_error/>
                                <Field label=Msg::Note name="note" error=count_error/>
                                {move || counted.get().then(|| view! { <p class="notice" role="status">{t(Msg::CountSaved)}</p> })}
                                <button type="submit" class="btn btn-primary btn-big">{t(Msg::SaveCount)}</button>
                            </ActionForm>
                        </section>
                        <section class="card stack" id="ask">
                            <h2>{t(Msg::AskForMore)}</h2>
                            <ActionForm action=request attr:class="stack" attr:id="request-form">
                                <FormError error=only_form_level(request_error)/>
                                <input type="hidden" name="campaign_id" value=cid/>
                                <div class="field">
                                    <label for="f-request-kind">{t(Msg::Material)}</label>
                                    <select id="f-request-kind" name="kind_id">
                                        <option value="">{t(Msg::Certificates)}</option>
                                        {kinds.into_iter().map(|k| view! { <option value=k.id>{k.name_in(lang).to_owned()}</option> }).collect_view()}
                                    </select>
                                </div>
                                <Field label=Msg::HowMany name="quantity" kind="number" error=request_error/>
                                <Field label=Msg::Note name="note" error=request_error/>
                                {move || requested.get().then(|| view! { <p class="notice" role="status">{t(Msg::RequestSent)}</p> })}
                                <button type="submit" class="btn btn-big">{t(Msg::AskForMore)}</button>
                            </ActionForm>
                        </section>
                        {(!s.requests.is_empty()).then(|| view! {
                            <section class="card stack" id="requests">
                                <h2>{t(Msg::YourRequests)}</h2>
                                <ul class="plain">
                                    {s.requests.into_iter().map(|r| view! {
                                        <li>
                                            {if r.material.is_empty() { Msg::Certificates.text(lang).to_owned() } else { r.material }}
                                            {r.count.map(|n| format!(" — {n}"))}
                                            " · "<span class="muted">{r.created_at}</span>" · "
                                            <span class=if r.done { "badge badge-used" } else { "badge badge-pending" }>{if r.done { t(Msg::Delivered) } else { t(Msg::Waiting) }}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        })}
                    }.into_any()
                })}
            </Suspense>
        </Layout>
    }
}
