//! Typing in paper forms (checklist items 18–19): the marketer uploads the spreadsheet the
//! stores' paper forms were typed into, checks the columns Sarafan guessed, sees what every row
//! will do (or why it is refused), and confirms; the campaign's uploads are listed below.

use domain::imports::{ImportField, ImportPreview, ImportRow, RowAction, RowPerson};
use domain::{ErrorCode, Lang, Msg, format};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::{ErrorBox, FormError, Layout, action_error};
use crate::i18n::{t, use_lang};
use crate::server_fns::{
    ConfirmFormImport, SetFormImportMapping, form_import_history, get_form_import,
};

/// The message of an upload refused by the API (`?error=code` on the way back).
fn upload_error(code: &str) -> Option<Msg> {
    let code: ErrorCode = serde_json::from_value(serde_json::Value::String(code.into())).ok()?;
    Some(code.msg())
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(-1)
    };
    let upload = move || {
        query
            .read()
            .get("upload")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let mapping = ServerAction::<SetFormImportMapping>::new();
    let confirm = ServerAction::<ConfirmFormImport>::new();
    let preview = Resource::new(
        move || (upload(), mapping.version().get(), confirm.version().get()),
        |(u, ..)| async move {
            if u > 0 {
                Some(get_form_import(u).await)
            } else {
                None
            }
        },
    );
    let history = Resource::new(
        move || (id(), confirm.version().get()),
        |(id, _)| form_import_history(id),
    );
    let mapping_error = action_error(mapping);
    let confirm_error = action_error(confirm);
    let lang = use_lang();
    let refused_upload = move || query.read().get("error").and_then(|c| upload_error(&c));
    view! {
        <Layout title=Msg::ImportTitle>
            <p><a href=move || format!("/campaigns/{}", id())>{"← "}{t(Msg::Campaigns)}</a></p>
            <section class="card stack" id="import-upload">
                <p class="muted">{t(Msg::ImportHint)}</p>
                {move || refused_upload().map(|m| view! {
                    <p class="form-error" role="alert" id="upload-error">{t(Msg::ImportFile)}": "{t(m)}</p>
                })}
                <form method="post" enctype="multipart/form-data" class="stack" id="upload-form"
                    action=move || format!("/api/v1/campaigns/{}/imports", id())>
                    <div class="field">
                        <label for="f-file">{t(Msg::ImportFile)}</label>
                        <input id="f-file" type="file" name="file" required
                            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"/>
                    </div>
                    <button type="submit" class="btn btn-primary">{t(Msg::ImportUpload)}</button>
                </form>
            </section>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match preview.await {
                        None => ().into_any(),
                        Some(Err(e)) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                        Some(Ok(p)) => view! {
                            <FormError error=mapping_error/>
                            <FormError error=confirm_error/>
                            <PreviewView p mapping confirm lang/>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <section class="stack" id="import-history">
                <h2>{t(Msg::ImportHistory)}</h2>
                <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                    {move || Suspend::new(async move {
                        match history.await {
                            Ok(list) if list.is_empty() => view! { <p class="empty">{t(Msg::ImportNoHistory)}</p> }.into_any(),
                            Ok(list) => view! {
                                <div class="table-wrap"><table class="table">
                                    <thead><tr>
                                        <th>{t(Msg::ImportFile)}</th><th>{t(Msg::ImportUploadedBy)}</th><th>{t(Msg::Status)}</th>
                                        <th class="num">{t(Msg::ImportRowsTotal)}</th><th class="num">{t(Msg::ImportSavedRows)}</th>
                                        <th class="num">{t(Msg::ImportRefusedRows)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|h| {
                                            let cid = id();
                                            view! {
                                                <tr>
                                                    <td><a href=format!("/campaigns/{cid}/import?upload={}", h.id)>{h.file_name}</a></td>
                                                    <td>{h.uploaded_by}<br/><span class="muted">{format::date_of(&h.uploaded_at, lang)}</span></td>
                                                    <td>{if h.confirmed {
                                                        view! { <span class="badge">{t(Msg::ImportConfirmed)}</span>
                                                            " "<span class="muted">{h.confirmed_at.map(|at| format::date_of(&at, lang)).unwrap_or_default()}</span> }.into_any()
                                                    } else {
                                                        view! { <span class="muted">{t(Msg::ImportWaiting)}</span> }.into_any()
                                                    }}</td>
                                                    <td class="num">{h.total_rows}</td>
                                                    <td class="num">{h.saved_rows}</td>
                                                    <td class="num">{h.refused_rows}</td>
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
        </Layout>
    }
}

#[component]
fn PreviewView(
    p: ImportPreview,
    mapping: ServerAction<SetFormImportMapping>,
    confirm: ServerAction<ConfirmFormImport>,
    lang: Lang,
) -> impl IntoView {
    let id = p.id;
    let done = p.confirmed;
    let title = if done {
        Msg::ImportResultTitle
    } else {
        Msg::ImportPreviewTitle
    };
    let stores = p.stores.clone();
    let default_store = p.default_store_id;
    let head = view! {
        <section class="card stack" id="import-preview">
            <h2>{t(title)}": "{p.file_name.clone()}</h2>
            {p.same_file_confirmed_at.clone().map(|at| view! {
                <p class="import-note" id="same-file">{t(Msg::ImportSameFile)}": "{format::date_of(&at, lang)}</p>
            })}
            {p.confirmed_at.clone().map(|at| view! {
                <p class="import-ok" id="import-confirmed">{t(Msg::ImportConfirmed)}": "{format::date_of(&at, lang)}
                    {p.confirmed_by.clone().map(|b| format!(" · {b}"))}</p>
            })}
            <dl class="facts" id="import-counts">
                <dt>{t(Msg::ImportRowsTotal)}</dt><dd>{p.total_rows}</dd>
                <dt>{t(Msg::ImportRowsGood)}</dt><dd id="good-rows">{p.good_rows}</dd>
                <dt>{t(Msg::ImportRowsRefused)}</dt><dd id="refused-rows">{p.refused_rows}</dd>
                <dt>{t(Msg::ImportNewPeople)}</dt><dd>{p.new_people}</dd>
                <dt>{t(Msg::ImportMergedPeople)}</dt><dd>{p.merged_people}</dd>
                <dt>{t(Msg::ImportHandouts)}</dt><dd>{p.handouts}</dd>
                <dt>{t(Msg::ImportContacts)}</dt><dd>{p.contacts}</dd>
            </dl>
            {(!done).then(|| view! {
                <p class="muted">{t(Msg::ImportConfirmHint)}</p>
                <ActionForm action=confirm attr:id="confirm-form">
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="btn btn-primary" disabled=p.good_rows == 0>{t(Msg::ImportConfirm)}</button>
                </ActionForm>
            })}
        </section>
    }
    .into_any();
    let columns = (!done).then(|| view! {
            <section class="card stack" id="import-mapping">
                <h2>{t(Msg::ImportMappingTitle)}</h2>
                <p class="muted">{t(Msg::ImportMappingHint)}</p>
                <ActionForm action=mapping attr:class="stack">
                    <input type="hidden" name="id" value=id/>
                    <div class="table-wrap"><table class="table">
                        <thead><tr><th>{t(Msg::ImportColumn)}</th><th>{t(Msg::ImportReadAs)}</th></tr></thead>
                        <tbody>
                            {p.columns.clone().into_iter().map(|c| {
                                let select_id = format!("col-{}", c.index);
                                view! {
                                    <tr>
                                        <td><label for=select_id.clone()><strong>{c.header.clone()}</strong></label>
                                            {(!c.sample.is_empty()).then(|| view! { <br/><span class="muted">{t(Msg::ImportSample)}": "{c.sample.clone()}</span> })}</td>
                                        <td>
                                            <select id=select_id name=format!("columns[{}]", c.index)>
                                                <option value="" selected=c.field.is_none()>{t(Msg::ImportIgnore)}</option>
                                                {ImportField::ALL.into_iter().map(|f| view! {
                                                    <option value=f.as_str() selected=c.field == Some(f)>{f.msg().text(lang)}</option>
                                                }).collect_view()}
                                            </select>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                    <div class="field">
                        <label for="f-default-store">{t(Msg::ImportDefaultStore)}</label>
                        <select id="f-default-store" name="default_store_id">
                            <option value="" selected=default_store.is_none()>{t(Msg::ImportNoStore)}</option>
                            {stores.into_iter().map(|s| view! {
                                <option value=s.id selected=default_store == Some(s.id)>{s.name}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="btn">{t(Msg::ImportRecalculate)}</button>
                </ActionForm>
            </section>
        }
        .into_any());
    let rows = view! {
        <section class="stack">
            {p.rows_cut.then(|| view! { <p class="muted">{t(Msg::ImportRowsCut)}</p> })}
            <div class="table-wrap"><table class="table" id="import-rows">
                <thead><tr>
                    <th class="num">{t(Msg::ImportLine)}</th>
                    <th>{t(Msg::PersonName)}</th>
                    <th>{t(Msg::Store)}</th>
                    <th>{t(if done { Msg::ImportOutcomeDone } else { Msg::ImportOutcome })}</th>
                </tr></thead>
                <tbody>{p.rows.into_iter().map(|r| row(r, lang)).collect_view()}</tbody>
            </table></div>
        </section>
    }
    .into_any();
    view! { {head} {columns} {rows} }
}

fn row(r: ImportRow, lang: Lang) -> AnyView {
    let good = r.is_good();
    let outcome = if good {
        let person = match r.person {
            Some(RowPerson::Merged) => t(Msg::RowMerged),
            _ => t(Msg::RowNewPerson),
        };
        let action = match r.action {
            Some(RowAction::HandOut) => format!(
                "{} {}",
                Msg::RowHandOut.text(lang),
                r.certificate.clone().unwrap_or_default()
            ),
            _ => Msg::RowContact.text(lang).to_owned(),
        };
        view! { <span class="import-ok">{action}</span><br/><span class="muted">{person}</span> }
            .into_any()
    } else {
        view! {
            <span class="import-bad">{t(Msg::RowRefused)}</span>
            <ul class="row-errors">
                {r.errors.iter().map(|e| view! { <li>{e.message(lang)}</li> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <tr class=if good { "row-good" } else { "row-refused" } data-line=r.line>
            <td class="num">{r.line}</td>
            <td>{r.name.clone()}
                {(!r.phone.is_empty()).then(|| view! { <br/><span class="muted">{format::phone(&r.phone)}</span> })}
                {r.form_serial.map(|n| view! { <br/><span class="muted">{t(Msg::FormSerial)}" "{format!("{n:06}")}</span> })}</td>
            <td>{r.store_name.clone().unwrap_or_default()}</td>
            <td>{outcome}</td>
        </tr>
    }
    .into_any()
}
