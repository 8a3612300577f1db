//! The promotion checklist as the marketer works it: what needs attention today (the home
//! page), the tasks of every campaign, one task with its evidence, photos and comments, and
//! the clinic's checklist template.

use domain::checklist::{
    Attention, AutoCheck, ChecklistItem, Evidence, Proof, Schedule, Task, TaskDetail, TaskKind,
    TaskState,
};
use domain::types::Role;
use domain::{DomainError, Lang, Msg, format};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::{ErrorBox, Field, FormError, Layout, action_error, action_ok};
use crate::i18n::{t, use_lang};
use crate::server_fns::{
    AddTaskComment, RecordDoctorBriefing, SaveChecklistItem, SaveTask, checklist_template,
    doctor_briefings, get_task, list_tasks,
};

fn only_form_level(e: Signal<Option<DomainError>>) -> Signal<Option<DomainError>> {
    Signal::derive(move || e.get().filter(|e| e.fields().is_empty()))
}

/// "12 Пресня" — where a task applies: its store or partner.
fn place(task: &Task) -> Option<String> {
    task.store_name.clone().or(task.partner_name.clone())
}

fn title(task: &Task, lang: Lang) -> String {
    match task.kind {
        TaskKind::Request => format!(
            "{}: {}{}",
            Msg::RequestFor.text(lang),
            task.request_material
                .clone()
                .unwrap_or_else(|| Msg::Certificates.text(lang).to_owned()),
            task.request_count
                .map(|n| format!(" — {n}"))
                .unwrap_or_default()
        ),
        TaskKind::Checklist => task.title_in(lang).to_owned(),
    }
}

fn evidence_text(task: &Task, lang: Lang) -> Option<String> {
    match (&task.evidence, task.auto_check) {
        (Some(e), Some(check)) => Some(e.text(check, lang)),
        _ => None,
    }
}

/// One task in a list: number, title, where, due, state, what the check sees.
pub fn task_row(task: Task, lang: Lang) -> AnyView {
    let state_class = match (task.state, task.overdue) {
        (_, true) => "task-overdue",
        (TaskState::Open, _) => "task-open",
        _ => "task-closed",
    };
    let evidence = evidence_text(&task, lang);
    let passed = task.evidence.as_ref().is_some_and(|e| e.passed);
    view! {
        <li class=format!("task {state_class}") data-task=task.id data-code=task.code.clone()>
            <a href=format!("/tasks/{}", task.id) class="task-link">
                <span class="task-code">{task.code.clone()}</span>
                <span class="task-title">{title(&task, lang)}</span>
            </a>
            <span class="task-meta muted">
                {place(&task).map(|p| view! { <span>{p}</span>" · " })}
                <span>{Msg::Due.text(lang)}" "{format::date(task.due_on, lang)}</span>
                {(task.state != TaskState::Open).then(|| view! { " · "<span class="badge badge-used">{task.state.msg().text(lang)}</span> })}
                {task.assignee_name.clone().map(|a| view! { " · "<span>{a}</span> })}
                {(task.photos > 0).then(|| view! { " · "<span>"📷 "{task.photos}</span> })}
            </span>
            {evidence.map(|e| view! { <span class=if passed { "evidence evidence-ok" } else { "evidence" }>{e}</span> })}
        </li>
    }
    .into_any()
}

/// The marketer's home: what needs attention today.
#[component]
pub fn AttentionPanel(a: Attention) -> impl IntoView {
    let lang = use_lang();
    let nothing = a.overdue.is_empty()
        && a.this_week.is_empty()
        && a.requests.is_empty()
        && a.stock_alerts.is_empty()
        && a.conflicts.is_empty();
    let more = a.overdue_total - a.overdue.len() as i64;
    view! {
        <section class="stack attention" id="attention">
            <h2>{t(Msg::AttentionTitle)}" · "{format::date(a.today, lang)}</h2>
            {nothing.then(|| view! { <p class="notice">{t(Msg::AllClear)}</p> })}
            {(!a.overdue.is_empty()).then(|| view! {
                <div class="card stack" id="overdue">
                    <h3>{t(Msg::Overdue)}" ("{a.overdue_total}")"</h3>
                    <ul class="tasks">{a.overdue.into_iter().map(|t| task_row(t, lang)).collect_view()}</ul>
                    {(more > 0).then(|| view! { <a href="/tasks">{t(Msg::AndMore)}" "{more}</a> })}
                </div>
            }.into_any())}
            {(!a.requests.is_empty()).then(|| view! {
                <div class="card stack" id="requests">
                    <h3>{t(Msg::StoreRequests)}</h3>
                    <ul class="tasks">{a.requests.into_iter().map(|t| task_row(t, lang)).collect_view()}</ul>
                </div>
            }.into_any())}
            {(!a.stock_alerts.is_empty()).then(|| view! {
                <div class="card stack" id="stock-alerts">
                    <h3>{t(Msg::StockAlerts)}</h3>
                    <ul class="plain alerts">
                        {a.stock_alerts.into_iter().map(|s| {
                            let material = match (lang, s.material, s.material_en) {
                                (Lang::En, Some(_), Some(en)) if !en.is_empty() => en,
                                (_, Some(m), _) => m,
                                (_, None, _) => Msg::Certificates.text(lang).to_owned(),
                            };
                            let left = format!("{} {}", Msg::LeftShort.text(lang), s.on_hand);
                            let detail = match (s.days_of_cover_x10, s.minimum) {
                                (_, Some(min)) => format!("{left} ({} {min})", Msg::MinimumShort.text(lang)),
                                (Some(d), None) => format!("{left}, {} {},{} {}", Msg::EnoughFor.text(lang), d / 10, d % 10, Msg::DaysShort.text(lang)),
                                (None, None) => left,
                            };
                            let deliver = s.deliver.map(|d| format!("; {} {} {} {}", Msg::DeliverShort.text(lang), d.count, Msg::ByDate.text(lang), format::date(d.by, lang)));
                            view! {
                                <li>
                                    <a href=format!("/campaigns/{}/stores/{}", s.campaign_id, s.store_id)><strong>{s.store_name}</strong></a>
                                    ": "{material}", "{detail}{deliver}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            }.into_any())}
            {(!a.this_week.is_empty()).then(|| view! {
                <div class="card stack" id="this-week">
                    <h3>{t(Msg::DueThisWeek)}</h3>
                    <ul class="tasks">{a.this_week.into_iter().map(|t| task_row(t, lang)).collect_view()}</ul>
                </div>
            }.into_any())}
            {a.routines.into_iter().filter(|r| r.routine.total > 0).map(|r| view! {
                <div class="card stack routine">
                    <h3>{t(Msg::WeekRoutine)}": "{r.campaign_name.clone()}" — "{r.routine.done}" "{t(Msg::OfTotal)}" "{r.routine.total}</h3>
                    <progress max=r.routine.total value=r.routine.done></progress>
                    <ul class="plain">
                        {r.routine.points.into_iter().map(|p| {
                            let title = if lang == Lang::En && !p.title_en.is_empty() { p.title_en } else { p.title };
                            view! { <li><span class="task-code">{p.code}</span>" "{title}" — "<strong>{p.done}"/"{p.total}</strong></li> }
                        }).collect_view()}
                    </ul>
                    <a href=format!("/tasks?campaign={}", r.campaign_id)>{t(Msg::AllTasks)}</a>
                </div>
            }.into_any()).collect_view()}
            {(!a.conflicts.is_empty()).then(|| view! {
                <div class="card stack">
                    <h3>{t(Msg::ConflictsToResolve)}</h3>
                    <ul class="plain">
                        {a.conflicts.into_iter().map(|c| view! {
                            <li><a href=format!("/campaigns/{}#conflicts", c.campaign_id)>{c.campaign_name}</a>": "{c.count}</li>
                        }).collect_view()}
                    </ul>
                </div>
            }.into_any())}
        </section>
    }
}

/// All tasks (`?campaign=` one campaign's, `?state=open|done|all`).
#[component]
pub fn TasksPage() -> impl IntoView {
    let query = use_query_map();
    let campaign = move || {
        query
            .read()
            .get("campaign")
            .and_then(|c| c.parse::<i64>().ok())
    };
    let state = move || query.read().get("state").unwrap_or_else(|| "open".into());
    let tasks = Resource::new(
        move || (campaign(), state()),
        |(c, s)| list_tasks(c, s, None),
    );
    let lang = use_lang();
    view! {
        <Layout title=Msg::TasksTitle>
            <p class="actions">
                {move || {
                    let base = campaign().map(|c| format!("campaign={c}&")).unwrap_or_default();
                    let current = state();
                    [("open", Msg::FilterOpen), ("done", Msg::FilterDone), ("all", Msg::FilterAll)].into_iter().map(|(s, m)| view! {
                        <a class="btn btn-small" href=format!("/tasks?{base}state={s}") aria-current=(current == s).then_some("true")>{t(m)}</a>
                    }).collect_view()
                }}
                <a class="btn btn-small" href="/checklist">{t(Msg::EditTemplate)}</a>
            </p>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match tasks.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">{t(Msg::NoTasks)}</p> }.into_any(),
                        Ok(list) => {
                            // Grouped by campaign, soonest first within each.
                            let mut groups: Vec<(String, Vec<Task>)> = Vec::new();
                            for task in list {
                                match groups.iter_mut().find(|g| g.0 == task.campaign_name) {
                                    Some(g) => g.1.push(task),
                                    None => groups.push((task.campaign_name.clone(), vec![task])),
                                }
                            }
                            groups.into_iter().map(|(name, list)| view! {
                                <section class="card stack">
                                    <h2>{name}</h2>
                                    <ul class="tasks" id="tasks">{list.into_iter().map(|t| task_row(t, lang)).collect_view()}</ul>
                                </section>
                            }).collect_view().into_any()
                        }
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

fn photo_error(code: &str) -> Option<Msg> {
    Some(match code {
        "not_an_image" => Msg::ErrNotAnImage,
        "photo_too_large" | "body_too_large" => Msg::ErrPhotoTooLarge,
        "too_many" => Msg::ErrTooMany,
        "required" => Msg::ErrRequired,
        "" => return None,
        _ => Msg::ErrInternal,
    })
}

/// One task: what it is, its evidence, done / not applicable / open, assignee, note, link and
/// reach, photos (uploaded from a phone) and comments.
#[component]
pub fn TaskPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(-1)
    };
    let save = ServerAction::<SaveTask>::new();
    let comment = ServerAction::<AddTaskComment>::new();
    let brief = ServerAction::<RecordDoctorBriefing>::new();
    let detail = Resource::new(
        move || (id(), save.version().get(), comment.version().get()),
        |(id, _, _)| get_task(id),
    );
    let campaign_of = Resource::new(
        move || (id(), brief.version().get()),
        |(id, _)| async move {
            let d = get_task(id).await?;
            if d.task.auto_check == Some(AutoCheck::ClinicBriefed) {
                doctor_briefings(d.task.campaign_id).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let lang = use_lang();
    let upload_error = move || {
        query
            .read()
            .get("photo_error")
            .and_then(|c| photo_error(&c))
    };
    view! {
        <Layout title=Msg::Task>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match (detail.await, campaign_of.await) {
                        (Ok(d), Ok(doctors)) => view! {
                            <TaskView d=d lang=lang save=save comment=comment brief=brief doctors=doctors upload_error=upload_error()/>
                        }.into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

#[component]
fn TaskView(
    d: TaskDetail,
    lang: Lang,
    save: ServerAction<SaveTask>,
    comment: ServerAction<AddTaskComment>,
    brief: ServerAction<RecordDoctorBriefing>,
    doctors: Option<Vec<domain::checklist::DoctorBriefing>>,
    upload_error: Option<Msg>,
) -> impl IntoView {
    let task = d.task;
    let save_error = action_error(save);
    let saved = action_ok(save);
    let comment_error = action_error(comment);
    let brief_error = action_error(brief);
    let id = task.id;
    let evidence = evidence_text(&task, lang);
    let auto_done =
        task.state == TaskState::Done && task.done_by_name.as_deref() == Some("Sarafan");
    let proof_hint = match task.proof {
        Proof::None => None,
        Proof::LinkOrPhoto => Some(Msg::ProofLinkOrPhoto),
        Proof::Photo => Some(Msg::ProofPhoto),
    };
    let note = task.note.clone().unwrap_or_default();
    let link = task.link.clone().unwrap_or_default();
    let reach = task.reach.map(|r| r.to_string()).unwrap_or_default();
    let assignee = task.assignee_id;
    let state = task.state;
    view! {
        <p><a href=format!("/tasks?campaign={}", task.campaign_id)>{"← "}{task.campaign_name.clone()}</a></p>
        <section class="card stack" id="task">
            <h2><span class="task-code">{task.code.clone()}</span>" "{title(&task, lang)}</h2>
            <dl class="facts">
                {place(&task).map(|p| view! { <dt>{t(Msg::Store)}</dt><dd>{match task.store_id {
                    Some(s) => view! { <a href=format!("/campaigns/{}/stores/{s}", task.campaign_id)>{p}</a> }.into_any(),
                    None => view! { {p} }.into_any(),
                }}</dd> })}
                {task.schedule.map(|s: Schedule| view! { <dt>{t(Msg::Schedule)}</dt><dd>{s.msg().text(lang)}</dd> })}
                {task.week_start.map(|w| view! { <dt>{t(Msg::Week)}</dt><dd>{format::date(w, lang)}</dd> })}
                <dt>{t(Msg::Due)}</dt><dd class=task.overdue.then_some("overdue")>{format::date(task.due_on, lang)}</dd>
                <dt>{t(Msg::Status)}</dt><dd id="task-state">{task.state.msg().text(lang)}</dd>
                {task.done_by_name.clone().map(|n| view! {
                    <dt>{t(Msg::DoneBy)}</dt>
                    <dd>{if auto_done { Msg::AutoDone.text(lang).to_owned() } else { n }}" · "{task.done_at.clone().unwrap_or_default()}</dd>
                })}
                {proof_hint.map(|m| view! { <dt>{t(Msg::Proof)}</dt><dd>{t(m)}</dd> })}
            </dl>
            {evidence.map(|e| view! {
                <p class=if task.evidence.as_ref().is_some_and(|e: &Evidence| e.passed) { "evidence evidence-ok" } else { "evidence" } id="evidence">
                    <strong>{t(Msg::AutoCheck)}": "</strong>{e}
                </p>
            })}
            <ActionForm action=save attr:class="stack" attr:id="task-form">
                <FormError error=only_form_level(save_error)/>
                <input type="hidden" name="id" value=id/>
                <div class="field">
                    <label for="f-assignee">{t(Msg::Assignee)}</label>
                    <select id="f-assignee" name="assignee_id">
                        <option value="">{t(Msg::Nobody)}</option>
                        {d.assignees.into_iter().map(|(pid, name)| view! {
                            <option value=pid selected=assignee == Some(pid)>{name}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Field label=Msg::Note name="note" kind="textarea" value=note error=save_error/>
                {(task.proof != Proof::None).then(|| view! {
                    <div class="row">
                        <Field label=Msg::Link name="link" kind="url" value=link.clone() placeholder="https://" error=save_error/>
                        <Field label=Msg::Reach name="reach" kind="number" value=reach.clone() error=save_error/>
                    </div>
                })}
                {move || saved.get().then(|| view! { <p class="notice">{t(Msg::Saved)}</p> })}
                <div class="actions">
                    {if state == TaskState::Open {
                        view! {
                            <button type="submit" name="state" value="done" class="btn btn-primary">{t(Msg::MarkDone)}</button>
                            <button type="submit" name="state" value="na" class="btn">{t(Msg::MarkNa)}</button>
                            <button type="submit" name="state" value="open" class="btn">{t(Msg::Save)}</button>
                        }.into_any()
                    } else {
                        view! {
                            <button type="submit" name="state" value=state.as_str() class="btn btn-primary">{t(Msg::Save)}</button>
                            <button type="submit" name="state" value="open" class="btn">{t(Msg::Reopen)}</button>
                        }.into_any()
                    }}
                </div>
            </ActionForm>
        </section>
        {doctors.map(|list| view! {
            <section class="card stack" id="doctors">
                <h2>{t(Msg::DoctorBriefings)}</h2>
                <p class="muted">{t(Msg::DoctorBriefingsHint)}</p>
                <ul class="plain">
                    {list.into_iter().map(|b| view! {
                        <li>{b.doctor}" — "{format::date(b.briefed_on, lang)}{b.note.map(|n| format!(" · {n}"))}</li>
                    }).collect_view()}
                </ul>
                <ActionForm action=brief attr:class="stack">
                    <FormError error=only_form_level(brief_error)/>
                    <input type="hidden" name="campaign_id" value=task.campaign_id/>
                    <div class="row">
                        <Field label=Msg::Doctor name="doctor" required=true error=brief_error/>
                        <Field label=Msg::BriefedOn name="briefed_on" kind="date" error=brief_error/>
                    </div>
                    <Field label=Msg::Note name="note" error=brief_error/>
                    <button type="submit" class="btn">{t(Msg::Add)}</button>
                </ActionForm>
            </section>
        }.into_any())}
        <section class="card stack" id="photos">
            <h2>{t(Msg::Photos)}" ("{d.photos.len()}")"</h2>
            <div class="photos">
                {d.photos.into_iter().map(|p| view! {
                    <figure>
                        <a href=format!("/api/v1/task-photos/{}", p.id)>
                            <img src=format!("/api/v1/task-photos/{}", p.id) width=p.width height=p.height alt=format!("{} {}", p.uploader, p.taken_at) loading="lazy"/>
                        </a>
                        <figcaption class="muted">{p.uploader}" · "{p.taken_at}</figcaption>
                    </figure>
                }).collect_view()}
            </div>
            {upload_error.map(|m| view! { <p class="form-error" role="alert" id="photo-error">{t(Msg::Photo)}": "{t(m)}</p> })}
            <form method="post" enctype="multipart/form-data" action=format!("/api/v1/tasks/{id}/photos") class="stack" id="photo-form">
                <div class="field">
                    <label for="f-photo">{t(Msg::AddPhoto)}</label>
                    <input id="f-photo" type="file" name="photo" accept="image/jpeg,image/png,image/webp" capture="environment" required/>
                    <p class="muted">{t(Msg::PhotoHint)}</p>
                </div>
                <button type="submit" class="btn">{t(Msg::Upload)}</button>
            </form>
        </section>
        <section class="card stack" id="comments">
            <h2>{t(Msg::Comments)}</h2>
            <ul class="plain comments">
                {d.comments.into_iter().map(|c| view! {
                    <li><strong>{c.author}</strong>" · "<span class="muted">{c.created_at}</span><br/>{c.body}</li>
                }).collect_view()}
            </ul>
            <ActionForm action=comment attr:class="stack">
                <FormError error=only_form_level(comment_error)/>
                <input type="hidden" name="id" value=id/>
                <Field label=Msg::Comment name="body" error_key="comment" kind="textarea" required=true error=comment_error/>
                <button type="submit" class="btn">{t(Msg::AddComment)}</button>
            </ActionForm>
        </section>
    }
}

/// The clinic's checklist template: every point with its schedule, role and proof; edit,
/// switch off, add the clinic's own.
#[component]
pub fn ChecklistPage() -> impl IntoView {
    let save = ServerAction::<SaveChecklistItem>::new();
    let items = Resource::new(move || save.version().get(), |_| checklist_template());
    view! {
        <Layout title=Msg::ChecklistTitle>
            <p class="muted">{t(Msg::ChecklistHint)}</p>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match items.await {
                        Ok(list) => view! {
                            <ul class="plain template" id="template">
                                {list.into_iter().map(|i| view! { <li><ItemForm item=Some(i) action=save/></li> }).collect_view()}
                            </ul>
                            <details class="collapsible card">
                                <summary>{t(Msg::AddItem)}</summary>
                                <ItemForm item=None action=save/>
                            </details>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

#[component]
fn ItemForm(item: Option<ChecklistItem>, action: ServerAction<SaveChecklistItem>) -> impl IntoView {
    let lang = use_lang();
    let error = action_error(action);
    let i = item.clone();
    let v = move |f: fn(&ChecklistItem) -> String| i.as_ref().map(f).unwrap_or_default();
    let schedule = item
        .as_ref()
        .map(|i| i.schedule)
        .unwrap_or(Schedule::AtStart);
    let role = item.as_ref().map(|i| i.role).unwrap_or(Role::Marketer);
    let proof = item.as_ref().map(|i| i.proof).unwrap_or(Proof::None);
    let active = item.as_ref().is_none_or(|i| i.active);
    let auto = item.as_ref().and_then(|i| i.auto_check);
    let summary = item.as_ref().map(|i| {
        format!(
            "{} {} — {}",
            i.code,
            i.title_in(lang),
            i.schedule.msg().text(lang)
        )
    });
    let form = view! {
        <ActionForm action attr:class="stack item-form">
            <FormError error=only_form_level(error)/>
            {item.as_ref().map(|i| view! { <input type="hidden" name="id" value=i.id/> })}
            <div class="row">
                <Field label=Msg::Code name="code" value=v(|i| i.code.clone()) required=true error/>
                <Field label=Msg::Position name="position" kind="number" value=v(|i| i.position.to_string()) error/>
            </div>
            <Field label=Msg::Title name="title" value=v(|i| i.title.clone()) required=true error/>
            <Field label=Msg::TitleEn name="title_en" value=v(|i| i.title_en.clone()) error/>
            <div class="row">
                <div class="field">
                    <label>{t(Msg::Schedule)}</label>
                    <select name="schedule">
                        {Schedule::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == schedule>{s.msg().text(lang)}</option> }).collect_view()}
                    </select>
                </div>
                <Field label=Msg::OffsetDays name="offset_days" kind="number" value=v(|i| i.offset_days.to_string()) error/>
            </div>
            <div class="row">
                <div class="field">
                    <label>{t(Msg::Role)}</label>
                    <select name="role">
                        {[Role::Marketer, Role::Reception, Role::MysteryShopper, Role::StoreStaff].into_iter().map(|r| view! {
                            <option value=r.as_str() selected=r == role>{r.msg().text(lang)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label>{t(Msg::Proof)}</label>
                    <select name="proof">
                        {[(Proof::None, Msg::ProofNone), (Proof::LinkOrPhoto, Msg::ProofLinkOrPhoto), (Proof::Photo, Msg::ProofPhoto)].into_iter().map(|(p, m)| view! {
                            <option value=p.as_str() selected=p == proof>{t(m)}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <p class="muted">{t(Msg::AutoCheck)}": "{auto.map(|a| a.msg().text(lang)).unwrap_or(Msg::Manual.text(lang))}</p>
            <label class="consent"><input type="checkbox" name="active" value="on" checked=active/>" "{t(Msg::Active)}</label>
            <button type="submit" class="btn">{if item.is_some() { t(Msg::Save) } else { t(Msg::Create) }}</button>
        </ActionForm>
    };
    match summary {
        Some(s) => view! {
            <details class=if active { "collapsible card" } else { "collapsible card inactive" }>
                <summary>{s}</summary>
                {form}
            </details>
        }
        .into_any(),
        None => form.into_any(),
    }
}
