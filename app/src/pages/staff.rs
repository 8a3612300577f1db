//! Store staff on their phones: the store's figures, the regulations, and the hand-out form
//! that keeps working without a connection (public/handout.js queues records on the phone).
//! And the public page a poster's or paper form's QR code opens: self-registration.

use domain::checkin::{HandoutConflict, StaffSummary};
use domain::{Lang, Msg, format};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::{ErrorBox, Field, FormError, Layout, action_error};
use crate::i18n::{t, use_lang};
use crate::server_fns::{
    JoinCampaign, ReadRegulations, ResolveHandoutConflict, get_join_info, handout_conflicts,
    staff_home, store_shopper_visits,
};

/// The resources of the staff home, created by the page component itself (outside any
/// Suspense) so hydration finds them in the order the server rendered them.
#[derive(Clone, Copy)]
pub struct StaffData {
    read: ServerAction<ReadRegulations>,
    summary: Resource<Result<Option<StaffSummary>, crate::error::AppError>>,
    /// The store's mystery-shopper visits its staff may see.
    visits: Resource<Result<Option<Vec<domain::shopper::ShopperVisit>>, crate::error::AppError>>,
}

impl StaffData {
    pub fn new() -> Self {
        let read = ServerAction::<ReadRegulations>::new();
        let summary = Resource::new(move || read.version().get(), |_| staff_home());
        let visits = Resource::new(|| (), |_| store_shopper_visits());
        StaffData {
            read,
            summary,
            visits,
        }
    }
}

impl Default for StaffData {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn HandoutPage() -> impl IntoView {
    let data = StaffData::new();
    view! {
        <Layout title=Msg::StaffHomeTitle>
            <StaffHome data/>
        </Layout>
    }
}

#[component]
pub fn StaffHome(data: StaffData) -> impl IntoView {
    let lang = use_lang();
    let StaffData {
        read,
        summary,
        visits,
    } = data;
    // The form first: behind a shop counter every scroll costs a participant.
    let figures = view! {
        <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(Some(s)) => staff_view(s, read, lang).into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match visits.await {
                    Ok(Some(list)) => crate::pages::shopper::store_visits_view(list, lang).into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
    .into_any();
    view! {
        <div class="staff-home stack">
            <HandoutForm/>
            <div>{figures}</div>
            <script src="/light.js" defer=true></script>
            <script src="/scan.js" defer=true></script>
            <script src="/handout.js" defer=true></script>
        </div>
    }
}

fn staff_view(s: StaffSummary, read: ServerAction<ReadRegulations>, lang: Lang) -> impl IntoView {
    let kpi = |id: &'static str, value: i64, label: Msg| {
        view! {
            <div class="card kpi">
                <span class="kpi-value" id=id>{value}</span>
                <span class="kpi-label">{label.text(lang)}</span>
            </div>
        }
    };
    let regulations = s.campaign_id.map(|cid| {
        view! {
            <section class="card stack" id="regulations">
                <a rel="external" download="" href=format!("/api/v1/campaigns/{cid}/regulations/pdf")>{Msg::OpenRegulations.text(lang)}</a>
                {match s.regulations_read_at.clone() {
                    Some(at) => view! { <p class="notice">{Msg::RegulationsReadOn.text(lang)}" "{format::date_of(&at, lang)}</p> }.into_any(),
                    None => view! {
                        <ActionForm action=read>
                            <input type="hidden" name="campaign_id" value=cid/>
                            <button type="submit" class="btn">{Msg::ReadRegulations.text(lang)}</button>
                        </ActionForm>
                    }.into_any(),
                }}
            </section>
        }
    });
    view! {
        <section class="stack" id="staff-summary">
            <p class="kpi-value">{s.store_name.clone()}</p>
            <p class="muted">{s.campaign_name.clone().unwrap_or_else(|| Msg::NoActiveCampaign.text(lang).into())}</p>
            <div class="grid kpis">
                {kpi("today-own", s.today_own, Msg::TodayOwn)}
                {kpi("today-store", s.today_store, Msg::TodayStore)}
                {kpi("week-own", s.week_own, Msg::WeekOwn)}
                {kpi("week-store", s.week_store, Msg::WeekStore)}
                {kpi("certs-left", s.certificates_left, Msg::CertsLeft)}
                {kpi("forms-left", s.forms_left, Msg::FormsLeft)}
            </div>
            {s.standing.map(|st| view! {
                <section class="card stack" id="my-standing">
                    <h2>{Msg::MyWeek.text(lang)}</h2>
                    <dl class="facts">
                        <dt>{Msg::Earned.text(lang)}</dt>
                        <dd id="standing-earned">{format::money(domain::types::Money(st.earned), lang)}{st.held.then(|| view! { " " <span class="warn small">{Msg::Held.text(lang)}</span> })}</dd>
                        <dt>{Msg::YourRank.text(lang)}</dt>
                        <dd id="standing-rank">{st.rank}" "{Msg::OutOf.text(lang)}" "{st.of}</dd>
                        <dt>{Msg::StoreRank.text(lang)}</dt>
                        <dd id="standing-store-rank">{st.store_rank}" "{Msg::OutOf.text(lang)}" "{st.stores}</dd>
                        {st.last_week_earned.map(|e| view! {
                            <dt>{Msg::LastWeek.text(lang)}</dt>
                            <dd>{format::money(domain::types::Money(e), lang)}{st.last_week_paid.map(|p| view! { " · " {Msg::PaidOut.text(lang)}" "{format::money(domain::types::Money(p), lang)} })}</dd>
                        })}
                    </dl>
                </section>
            })}
            {regulations}
            <details class="card" id="recent">
                <summary>{Msg::RecentHandouts.text(lang)}" ("{s.recent.len()}")"</summary>
                <ul class="plain">
                    {s.recent.into_iter().map(|h| view! {
                        <li>{format::date_of(&h.happened_at, lang)}" · "<code>{h.code}</code>" · "{h.participant_name}" "<span class="muted">{h.phone_masked}</span></li>
                    }).collect_view()}
                </ul>
            </details>
        </section>
    }
}

/// The hand-out form. Submitted by public/handout.js as JSON to `/api/v1/handouts` (or queued on
/// the phone when there is no connection); public/light.js checks the code's check character as
/// it is typed (the same rule as `domain::code`), with the hints given here in the page's language.
/// It works the same whether the page came without the browser bundle (the staff home) or was
/// rendered by it.
#[component]
fn HandoutForm() -> impl IntoView {
    let lang = use_lang();
    let err = |field: &'static str| view! { <p class="field-error" data-error-for=field></p> };
    // Records queued offline belong to this person: nobody else uploads them under their name.
    let user = use_context::<domain::model::Me>().map(|m| m.id.to_string());
    view! {
        <section class="card stack" id="handout">
            <h2>{t(Msg::HandoutTitle)}</h2>
            <p class="muted">{t(Msg::HandoutHint)}</p>
            <p class="notice" id="handout-status" role="status" aria-live="polite" hidden=true></p>
            <p class="queue" id="queue-count" aria-live="polite" hidden=true></p>
            <p class="queue" id="queue-refused" aria-live="polite" hidden=true></p>
            <form id="handout-form" class="stack" novalidate=true data-lang=lang.code() data-user=user>
                <div class="field">
                    <label for="h-code">{t(Msg::CertCode)}</label>
                    <div class="scan-form">
                        <input id="h-code" name="code" class="scan-input" autocomplete="off" autocapitalize="characters"
                            spellcheck="false" placeholder="XXXX-XXXX-XXX" required=true
                            data-hint-mistyped=Msg::ReasonMistyped.text(lang) data-hint-invalid=Msg::ReasonInvalid.text(lang)/>
                        <button type="button" class="btn" data-scan="h-code" data-scan-next="h-name">{t(Msg::ScanCamera)}</button>
                    </div>
                    <p class="field-error" id="h-code-hint" data-error-for="code" aria-live="polite"></p>
                </div>
                <div class="field">
                    <label for="h-name">{t(Msg::ParticipantName)}</label>
                    <input id="h-name" name="name" autocomplete="off" required=true/>
                    {err("name")}
                </div>
                <div class="field">
                    <label for="h-phone">{t(Msg::Phone)}</label>
                    <input id="h-phone" name="phone" type="tel" inputmode="tel" autocomplete="off" placeholder="+7 9__ ___-__-__" required=true/>
                    {err("phone")}
                </div>
                <details>
                    <summary>{t(Msg::Email)}", "{t(Msg::Birthday)}", "{t(Msg::HeardFrom)}", "{t(Msg::PaperForm)}</summary>
                    <div class="stack">
                        <div class="field"><label for="h-email">{t(Msg::Email)}</label><input id="h-email" name="email" type="email" autocomplete="off"/>{err("email")}</div>
                        <div class="field"><label for="h-birthday">{t(Msg::Birthday)}</label><input id="h-birthday" name="birthday" type="date"/>{err("birthday")}</div>
                        <div class="field"><label for="h-heard">{t(Msg::HeardFrom)}</label><input id="h-heard" name="heard_from"/>{err("heard_from")}</div>
                        <div class="field"><label for="h-form">{t(Msg::FormSerial)}</label><input id="h-form" name="form_serial" inputmode="numeric"/>{err("form_serial")}</div>
                    </div>
                </details>
                <label class="check consent">
                    <input type="checkbox" name="consent" id="h-consent"/>
                    {t(Msg::ConsentTick)}
                </label>
                {err("consent")}
                <button type="submit" class="btn btn-primary btn-big">{t(Msg::SaveButton)}</button>
            </form>
        </section>
    }
}

/// The resources of the conflicts list, created by the campaign page itself (outside its
/// Suspense) so hydration finds them in the order the server rendered them.
#[derive(Clone, Copy)]
pub struct ConflictsData {
    resolve: ServerAction<ResolveHandoutConflict>,
    list: Resource<Result<Vec<HandoutConflict>, crate::error::AppError>>,
}

impl ConflictsData {
    pub fn new(campaign_id: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        let resolve = ServerAction::<ResolveHandoutConflict>::new();
        let list = Resource::new(
            move || (campaign_id(), resolve.version().get()),
            |(id, _)| handout_conflicts(id),
        );
        ConflictsData { resolve, list }
    }
}

/// The marketer's list of refused offline uploads, each resolved by a person.
#[component]
pub fn ConflictsSection(data: ConflictsData) -> impl IntoView {
    let ConflictsData { resolve, list } = data;
    let lang = use_lang();
    let error = action_error(resolve);
    view! {
        <section class="card stack" id="conflicts">
            <h2>{t(Msg::ConflictsTitle)}</h2>
            <FormError error=error/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">{t(Msg::NoConflicts)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="plain stack">
                                {list.into_iter().map(|c| conflict_item(c, resolve, lang)).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn conflict_item(
    c: HandoutConflict,
    resolve: ServerAction<ResolveHandoutConflict>,
    lang: Lang,
) -> impl IntoView {
    let reason = serde_json::from_value::<domain::ErrorCode>(serde_json::Value::String(
        c.error_code.clone(),
    ))
    .map(|e| e.msg().text(lang).to_owned())
    .unwrap_or(c.error_code.clone());
    view! {
        <li class="card stack conflict">
            <p><code>{c.code.clone()}</code>" — "<strong>{reason}</strong></p>
            <p>{c.participant_name.clone()}" "<span class="muted">{c.participant_phone.clone()}</span>
               " · "{c.store_name.clone().unwrap_or_default()}" · "{c.employee_name.clone().unwrap_or_default()}
               " · "{format::date_of(&c.happened_at, lang)}</p>
            {c.holder_store_name.clone().map(|s| view! {
                <p class="muted">{Msg::HandedOutBy.text(lang)}": "{s}" · "{c.holder_employee_name.clone().unwrap_or_default()}</p>
            })}
            {match c.resolved_at.clone() {
                Some(_) => view! { <p class="notice">{Msg::ResolveButton.text(lang)}": "{c.resolution.clone().unwrap_or_default()}</p> }.into_any(),
                None => view! {
                    <ActionForm action=resolve attr:class="row">
                        <input type="hidden" name="id" value=c.id/>
                        <input name="resolution" aria-label=Msg::Resolution.text(lang) placeholder=Msg::Resolution.text(lang) required=true/>
                        <button type="submit" class="btn">{Msg::ResolveButton.text(lang)}</button>
                    </ActionForm>
                }.into_any(),
            }}
        </li>
    }
}

/// `/join/{campaign}/{store}`: a participant takes an electronic certificate themself.
#[component]
pub fn JoinPage() -> impl IntoView {
    let params = use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let form_number = move || query.read().get("form").unwrap_or_default();
    let ids = move || {
        let p = params.read();
        let n = |k: &str| p.get(k).and_then(|s| s.parse::<i64>().ok()).unwrap_or(-1);
        (n("campaign"), n("store"))
    };
    let info = Resource::new(ids, |(c, s)| get_join_info(c, s));
    let join = ServerAction::<JoinCampaign>::new();
    let error = action_error(join);
    let form_error = Signal::derive(move || error.get().filter(|e| e.fields().is_empty()));
    let lang = use_lang();
    view! {
        <main class="container center-card stack public-cert join">
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let (cid, sid) = ids();
                    match info.await {
                        Ok(i) => {
                            let open = i.open;
                            let consent = i.consent_text.clone();
                            view! {
                            <p class="muted">{i.clinic_name.clone()}" · "{i.store_name.clone()}</p>
                            <h1 class="page-title">{t(Msg::JoinTitle)}</h1>
                            <p class="face-value">{format::money(i.face_value, lang)}</p>
                            <p>{t(Msg::ValidUntilShort)}" "<strong>{format::date(i.valid_until, lang)}</strong></p>
                            {move || match join.value().get() {
                                Some(Ok(e)) => view! {
                                    <section class="card stack" id="e-certificate">
                                        <h2>{t(Msg::JoinDone)}</h2>
                                        <div class="qr" inner_html=e.qr_svg.clone()></div>
                                        <p class="verdict-code big-code">{e.code.clone()}</p>
                                        <p>{t(Msg::JoinShow)}</p>
                                        <p><a href=e.url.clone()>{e.url.clone()}</a></p>
                                        {e.confirm_by_sms.then(|| view! {
                                            <p class="notice" id="confirm-hint">{t(Msg::ConfirmPhoneHint)}" "
                                                <a href=e.url.clone()>{t(Msg::ConfirmPhone)}" →"</a></p>
                                        })}
                                    </section>
                                }.into_any(),
                                _ if !open => view! { <p class="form-error">{t(Msg::JoinClosed)}</p> }.into_any(),
                                _ => { let consent = consent.clone(); view! {
                                    <FormError error=form_error/>
                                    <ActionForm action=join attr:class="stack card" attr:id="join-form">
                                        <input type="hidden" name="campaign_id" value=cid/>
                                        <input type="hidden" name="store_id" value=sid/>
                                        // The paper form's number from its QR (`?form=N`): counted as a form used.
                                        <input type="hidden" name="form" value=form_number()/>
                                        <Field label=Msg::PersonName name="name" required=true autocomplete="name" error=error/>
                                        <Field label=Msg::Phone name="phone" kind="tel" required=true autocomplete="tel" error=error/>
                                        <Field label=Msg::Email name="email" kind="email" autocomplete="email" error=error/>
                                        <div class="hp" aria-hidden="true">
                                            <label for="f-website">"Website"</label>
                                            <input id="f-website" name="website" tabindex="-1" autocomplete="off"/>
                                        </div>
                                        <details><summary>{t(Msg::ConsentReadText)}</summary><p class="muted">{consent.clone()}</p></details>
                                        <label class="check consent">
                                            <input type="checkbox" name="consent" value="on"/>
                                            {t(Msg::ConsentSelf)}
                                        </label>
                                        {move || error.get().and_then(|e| e.for_field("consent").map(|f| f.code.msg().text(lang))).map(|m| view! { <p class="field-error">{m}</p> })}
                                        <button type="submit" class="btn btn-primary btn-big">{t(Msg::JoinButton)}</button>
                                    </ActionForm>
                                    <crate::components::PlainForms/>
                                }.into_any() }
                            }}
                        }.into_any()
                        }
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
