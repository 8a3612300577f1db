//! Reception: scan or type a certificate code, get an unmistakable answer, redeem it once,
//! record the visit and its revenue. Also the marketer's figures per store and employee.

use domain::checkin::{Attribution, AttributionRow, CheckinAnswer, Verdict, Visit};
use domain::{Lang, Msg, format};
use leptos::prelude::*;

use crate::components::{ErrorBox, Field, FormError, Layout, action_error};
use crate::i18n::{t, use_lang};
use crate::server_fns::{
    CheckinRedeem, CheckinUndo, CheckinVisit, ConfirmBriefing, checkin_check, checkin_visits,
    clinic_services, reception_briefings,
};

#[component]
pub fn CheckinPage() -> impl IntoView {
    let briefings = BriefingData::new();
    view! {
        <Layout title=Msg::CheckinTitle>
            <BriefingBanner data=briefings/>
            <CheckinPanel/>
        </Layout>
    }
}

/// The briefing's resources, created by the page itself (outside the layout's suspense) so
/// that hydration finds them where the server rendered them.
#[derive(Clone, Copy)]
pub struct BriefingData {
    confirm: ServerAction<ConfirmBriefing>,
    list: Resource<Result<Vec<domain::checklist::ReceptionBriefing>, crate::error::AppError>>,
}

impl BriefingData {
    pub fn new() -> Self {
        let confirm = ServerAction::<ConfirmBriefing>::new();
        let list = Resource::new(move || confirm.version().get(), |_| reception_briefings());
        BriefingData { confirm, list }
    }
}

impl Default for BriefingData {
    fn default() -> Self {
        Self::new()
    }
}

/// Reception's briefing on each running campaign it has not confirmed yet (checklist items
/// 7–8): what a participant brings, what to do, and to offer treatment; one tap confirms.
#[component]
pub fn BriefingBanner(data: BriefingData) -> impl IntoView {
    let BriefingData { confirm, list } = data;
    let lang = use_lang();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = list.await.unwrap_or_default();
                list.into_iter().filter(|b| !b.confirmed).map(|b| view! {
                    <section class="card stack briefing" id=format!("briefing-{}", b.campaign_id)>
                        <h2>{t(Msg::BriefingTitle)}": "{b.campaign_name.clone()}</h2>
                        <p>
                            <strong>{format::money(domain::types::Money(b.face_value), lang)}</strong>
                            " · "{format::date(b.start_date, lang)}" — "{format::date(b.end_date, lang)}
                            " · "{t(Msg::ValidUntilShort)}" "{format::date(b.valid_until, lang)}
                        </p>
                        {(!b.terms.is_empty()).then(|| view! { <p class="muted">{b.terms.clone()}</p> })}
                        <ol>
                            <li>{t(Msg::BriefingPoint1)}</li>
                            <li>{t(Msg::BriefingPoint2)}</li>
                            <li>{t(Msg::BriefingPoint3)}</li>
                        </ol>
                        <ActionForm action=confirm>
                            <input type="hidden" name="campaign_id" value=b.campaign_id/>
                            <button type="submit" class="btn btn-primary">{t(Msg::ConfirmBriefing)}</button>
                        </ActionForm>
                    </section>
                }).collect_view()
            })}
        </Suspense>
    }
}

/// The longest text taken from the address as a typed code (a pasted URL included).
const MAX_TYPED: usize = 200;

/// Reception's check-in. It comes without the browser bundle (see `crate::ScriptPage`): the
/// code goes in the address (`?code=…`, a plain GET form that a keyboard-like scanner submits
/// with its Enter) and the server answers with the whole page — the verdict, the redeem form,
/// the visits. Redeeming, undoing and recording a visit are plain form posts that come back
/// here (`crate::server_fns::checkin_back`), with the refusal in the address when refused.
/// public/checkin.js selects the code for the next scan, checks the check symbol as it is
/// typed and keeps a second tap from sending a form twice.
#[component]
pub fn CheckinPanel() -> impl IntoView {
    let lang = use_lang();
    let query = leptos_router::hooks::use_query_map();
    let param = move |name: &str| query.with_untracked(|q| q.get(name));
    let typed: String = param("code")
        .unwrap_or_default()
        .chars()
        .take(MAX_TYPED)
        .collect();
    // Back from a redemption (`?redeemed=1`): the answer is "redeemed", not "already used".
    let just_redeemed = param("redeemed").is_some_and(|v| v == "1");
    let visit_saved = param("visit").is_some_and(|v| v == "saved");
    let redeem = ServerAction::<CheckinRedeem>::new();
    let undo = ServerAction::<CheckinUndo>::new();
    let visit = ServerAction::<CheckinVisit>::new();
    let code = typed.clone();
    let answer = Resource::new(
        || (),
        move |_| {
            let code = code.clone();
            async move {
                if code.trim().is_empty() {
                    Ok(None)
                } else {
                    checkin_check(code).await.map(Some)
                }
            }
        },
    );
    let top = view! {
        <section class="card stack checkin">
            <p class="muted">{t(Msg::CheckinHint)}</p>
            <form method="get" class="scan-form" id="scan-form">
                <label class="sr-only" for="scan-code">{t(Msg::CertCode)}</label>
                <input id="scan-code" name="code" class="scan-input" autofocus=true autocomplete="off"
                    autocapitalize="characters" spellcheck="false" enterkeyhint="go" placeholder="XXXX-XXXX-XXX"
                    maxlength=MAX_TYPED value=typed
                    data-hint-mistyped=Msg::ReasonMistyped.text(lang) data-hint-invalid=Msg::ReasonInvalid.text(lang)/>
                <button type="submit" class="btn btn-primary">{t(Msg::CheckButton)}</button>
                <button type="button" class="btn" data-scan="scan-code" data-scan-submit="">{t(Msg::ScanCamera)}</button>
            </form>
            <p class="field-error" id="scan-hint" aria-live="polite"></p>
            <FormError error=whole_form(redeem)/>
            <FormError error=whole_form(undo)/>
        </section>
    }
    .into_any();
    view! {
        {top}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match answer.await {
                    Ok(None) => ().into_any(),
                    Ok(Some(mut a)) => {
                        if just_redeemed && a.verdict == Verdict::AlreadyRedeemed {
                            a.verdict = Verdict::Redeemed;
                        }
                        view! {
                            <AnswerCard answer=a.clone()/>
                            {(a.verdict == Verdict::Valid).then(|| view! { <RedeemForm answer=a.clone() redeem=redeem/> })}
                            {matches!(a.verdict, Verdict::Redeemed | Verdict::AlreadyRedeemed).then(|| view! {
                                <VisitSection code=a.code.clone() visit=visit undo=undo saved=visit_saved/>
                            })}
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                }
            })}
        </Suspense>
        <script src="/light.js" defer=true></script>
        <script src="/scan.js" defer=true></script>
        <script src="/checkin.js" defer=true></script>
    }
}

/// An action's refusal that names no field (those show at their fields).
fn whole_form<I, O>(action: ServerAction<I>) -> Signal<Option<domain::DomainError>>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = crate::error::AppError>
        + Clone
        + Send
        + Sync
        + 'static,
    O: Clone + Send + Sync + 'static,
{
    let error = action_error(action);
    Signal::derive(move || error.get().filter(|e| e.fields().is_empty()))
}

/// A fresh key for a form that must be saved once however often it is sent.
fn fresh_key() -> String {
    #[cfg(feature = "ssr")]
    {
        domain::auth::new_secret()[..32].to_owned()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

#[component]
fn VisitSection(
    code: String,
    visit: ServerAction<CheckinVisit>,
    undo: ServerAction<CheckinUndo>,
    /// Back from saving a visit: say so.
    saved: bool,
) -> impl IntoView {
    let lang = use_lang();
    let undo_error = action_error(undo);
    let visit_error = action_error(visit);
    let visit_form_error =
        Signal::derive(move || visit_error.get().filter(|e| e.fields().is_empty()));
    let services = Resource::new(|| (), |_| clinic_services());
    let for_visits = code.clone();
    let visits = Resource::new(|| (), move |_| checkin_visits(for_visits.clone()));
    let code2 = code.clone();
    let form = view! {
                    <section class="card stack" id="visit">
                        <h2>{t(Msg::RecordVisit)}</h2>
                        <FormError error=visit_form_error/>
                        <ActionForm action=visit attr:class="stack">
                            <input type="hidden" name="code" value=code.clone()/>
                            <input type="hidden" name="idempotency_key" value=fresh_key()/>
                            <fieldset class="checks">
                                <legend>{t(Msg::Services)}</legend>
                                <Suspense fallback=|| ()>
                                    {move || Suspend::new(async move {
                                        services.await.unwrap_or_default().into_iter().filter(|s| s.active).enumerate().map(|(i, s)| view! {
                                            <label class="check">
                                                <input type="checkbox" name=format!("services[{i}]") value=s.name.clone()/>
                                                {s.name.clone()}
                                            </label>
                                        }).collect_view()
                                    })}
                                </Suspense>
                                {move || visit_error.get().and_then(|e| e.for_field("services").map(|f| f.code.msg().text(lang))).map(|m| view! { <p class="field-error">{m}</p> })}
                            </fieldset>
                            <div class="grid two">
                                <Field label=Msg::AmountPaid name="amount" required=true placeholder="5 000" error=visit_error/>
                                <Field label=Msg::Doctor name="doctor" error=visit_error/>
                                <Field label=Msg::VisitDate name="visited_on" kind="date" error=visit_error/>
                            </div>
                            <button type="submit" class="btn btn-primary">{t(Msg::RecordVisit)}</button>
                        </ActionForm>
                        <h3>{t(Msg::VisitsTitle)}</h3>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                match visits.await {
                                    Ok(v) if v.is_empty() => view! { <p class="empty">{t(Msg::NoVisits)}</p> }.into_any(),
                                    Ok(v) => {
                                        let newest = saved.then(|| v.iter().max_by_key(|v| v.id).map(|v| v.amount)).flatten();
                                        view! {
                                            {newest.map(|amount| view! {
                                                <p class="notice" role="status">{t(Msg::Saved)}": "{format::money(amount, lang)}</p>
                                            })}
                                            {visits_table(v, lang)}
                                        }.into_any()
                                    }
                                    Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                                }
                            })}
                        </Suspense>
                    </section>
    }
    .into_any();
    let undo_form = view! {
                    <details class="card" open=undo_error.get_untracked().is_some()>
                        <summary>{t(Msg::UndoButton)}</summary>
                        <ActionForm action=undo attr:class="stack">
                            <input type="hidden" name="code" value=code2/>
                            <Field label=Msg::UndoReason name="reason" required=true error=undo_error/>
                            <button type="submit" class="btn btn-danger">{t(Msg::UndoButton)}</button>
                        </ActionForm>
                    </details>
    }
    .into_any();
    view! { {form} {undo_form} }
}

fn visits_table(v: Vec<Visit>, lang: Lang) -> impl IntoView {
    view! {
        <div class="table-wrap"><table class="table visits">
            <thead><tr><th>{Msg::VisitDate.text(lang)}</th><th>{Msg::Services.text(lang)}</th><th>{Msg::Doctor.text(lang)}</th><th class="num">{Msg::Revenue.text(lang)}</th></tr></thead>
            <tbody>
                {v.into_iter().map(|v| view! {
                    <tr>
                        <td>{format::date(v.visited_on, lang)}</td>
                        <td>{v.services.join(", ")}</td>
                        <td>{v.doctor.unwrap_or_default()}</td>
                        <td class="num">{format::money(v.amount, lang)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

#[component]
fn AnswerCard(answer: CheckinAnswer) -> impl IntoView {
    let lang = use_lang();
    let v = answer.verdict;
    let reason: Option<String> = match (v, &answer.certificate) {
        (Verdict::MistypedCode, _) => Some(Msg::ReasonMistyped.text(lang).into()),
        (Verdict::UnknownCode, _) => Some(Msg::ReasonUnknown.text(lang).into()),
        (Verdict::InvalidCode, _) => Some(Msg::ReasonInvalid.text(lang).into()),
        (Verdict::NotYetValid, Some(c)) => Some(format!(
            "{} {}",
            Msg::ReasonNotYetValid.text(lang),
            format::date(c.start_date, lang)
        )),
        (Verdict::Expired, Some(c)) => Some(format!(
            "{} {}",
            Msg::ReasonExpired.text(lang),
            format::date(c.valid_until, lang)
        )),
        (Verdict::AlreadyRedeemed | Verdict::Redeemed, Some(c)) => {
            c.redeemed_at_local.as_deref().map(|at| {
                format!(
                    "{} {}, {} {}",
                    Msg::ReasonRedeemedAt.text(lang),
                    at,
                    Msg::By.text(lang),
                    c.redeemed_by.clone().unwrap_or_default()
                )
            })
        }
        (Verdict::Voided, Some(c)) => Some(format!(
            "{}: {}",
            Msg::ReasonVoided.text(lang),
            c.void_reason.clone().unwrap_or_default()
        )),
        _ => None,
    };
    view! {
        <section class=format!("card verdict verdict-{}", v.tone()) id="verdict" role="status" data-verdict=format!("{v:?}")>
            <p class="verdict-title">{v.msg().text(lang)}</p>
            {reason.map(|r| view! { <p class="verdict-reason">{r}</p> })}
            <p class="verdict-code">{answer.code.clone()}</p>
            {answer.certificate.map(|c| view! {
                <dl class="facts">
                    <dt>{t(Msg::FaceValueShort)}</dt><dd class="big">{format::money(c.face_value, lang)}</dd>
                    <dt>{t(Msg::ValidUntilShort)}</dt><dd>{format::date(c.valid_until, lang)}</dd>
                    <dt>{t(Msg::CertNumber)}</dt><dd>{c.serial}" · "{c.campaign_name.clone()}</dd>
                    <dt>{t(Msg::Store)}</dt><dd>{c.store_name.clone().unwrap_or_default()}</dd>
                    {c.employee_name.clone().map(|e| view! { <dt>{t(Msg::HandedOutBy)}</dt><dd>{e}</dd> })}
                    {c.participant_name.clone().map(|p| view! {
                        <dt>{t(Msg::Participant)}</dt><dd>{p}" "<span class="muted">{c.participant_phone.clone().unwrap_or_default()}</span></dd>
                    })}
                </dl>
                {(!c.handed_out && matches!(v, Verdict::Valid | Verdict::Redeemed)).then(|| view! { <p class="muted">{t(Msg::NotHandedOut)}</p> })}
            })}
        </section>
    }
}

#[component]
fn RedeemForm(answer: CheckinAnswer, redeem: ServerAction<CheckinRedeem>) -> impl IntoView {
    let error = action_error(redeem);
    let known = answer
        .certificate
        .as_ref()
        .and_then(|c| c.participant_name.clone());
    view! {
        <section class="card stack" id="redeem">
            <ActionForm action=redeem attr:class="stack">
                <input type="hidden" name="code" value=answer.code.clone()/>
                <input type="hidden" name="idempotency_key" value=answer.idempotency_key.clone().unwrap_or_default()/>
                {known.is_none().then(|| view! {
                    <div class="grid two">
                        <Field label=Msg::PatientName name="patient_name" error=error/>
                        <Field label=Msg::PatientPhone name="patient_phone" kind="tel" error=error/>
                    </div>
                })}
                <button type="submit" class="btn btn-primary btn-big">{t(Msg::RedeemButton)}</button>
            </ActionForm>
        </section>
    }
}

fn figures_cells(r: &AttributionRow, lang: Lang) -> impl IntoView + use<> {
    view! {
        <td class="num">{r.handed_out}</td>
        <td class="num">{r.contacts}</td>
        <td class="num">{r.redeemed}</td>
        <td class="num">{r.bought}</td>
        <td class="num">{r.visits}</td>
        <td class="num">{format::money(r.revenue, lang)}</td>
    }
}

fn figures_head(first: Msg, extra: Option<Msg>, lang: Lang) -> impl IntoView {
    view! {
        <tr>
            <th>{first.text(lang)}</th>
            {extra.map(|m| view! { <th class="num">{m.text(lang)}</th> })}
            <th class="num">{Msg::HandedOutCount.text(lang)}</th>
            <th class="num">{Msg::ColContacts.text(lang)}</th>
            <th class="num">{Msg::RedeemedCount.text(lang)}</th>
            <th class="num">{Msg::BoughtCount.text(lang)}</th>
            <th class="num">{Msg::VisitsCount.text(lang)}</th>
            <th class="num">{Msg::Revenue.text(lang)}</th>
        </tr>
    }
}

/// The marketer's figures: per store and per employee, what they handed out and brought in.
pub fn attribution_tables(a: Attribution, lang: Lang) -> impl IntoView {
    let total = a.total.clone();
    view! {
        <div class="table-wrap"><table class="table" id="attribution-stores">
            <thead>{figures_head(Msg::Store, Some(Msg::ShopperLastScore), lang)}</thead>
            <tbody>
                {a.stores.iter().map(|r| view! {
                    <tr data-store-id=r.store_id.unwrap_or_default()>
                        <td>{r.store_name.clone().unwrap_or_default()}</td>
                        <td class="num shopper-score">{r.shopper_score.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</td>
                        {figures_cells(r, lang)}
                    </tr>
                }).collect_view()}
            </tbody>
            <tfoot><tr><th>{Msg::Total.text(lang)}</th><td></td>{figures_cells(&total, lang)}</tr></tfoot>
        </table></div>
        <div class="table-wrap"><table class="table" id="attribution-employees">
            <thead>{figures_head(Msg::Employee, None, lang)}</thead>
            <tbody>
                {a.employees.iter().map(|r| view! {
                    <tr data-employee-id=r.employee_id.unwrap_or_default()>
                        <td>{r.employee_name.clone().unwrap_or_else(|| Msg::NoEmployee.text(lang).into())}" "<span class="muted">{r.store_name.clone().unwrap_or_default()}</span>
                            <br/><span class="muted small">{Msg::RegulationsRead.text(lang)}": "{r.regulations_read_at.as_deref().map(|d| format::date_of(d, lang)).unwrap_or_else(|| "—".into())}</span></td>
                        {figures_cells(r, lang)}
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
}
