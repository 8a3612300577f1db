//! Messages to participants: the marketer's outbox (`/messages`) and the SMS settings' section
//! of the settings page.

use domain::messages::{
    HttpMethod, MessageSettings, MessageStatus, MessageView, OutboxCounts, SmsMode, hhmm,
    sms_segments,
};
use domain::{DomainError, Lang, Msg};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::{ErrorBox, Field, FormError, Layout, action_error, action_ok};
use crate::i18n::{t, use_lang};
use crate::server_fns::{
    ResendMessage, SaveMessageSettings, SendTestSms, get_message_settings, get_outbox,
};

fn badge(s: MessageStatus) -> &'static str {
    match s {
        MessageStatus::Queued | MessageStatus::Sending => "badge badge-pending",
        MessageStatus::Sent => "badge badge-used",
        MessageStatus::Failed => "badge badge-revoked",
        MessageStatus::Unknown => "badge badge-draft",
    }
}

fn purpose_text(p: &str, lang: Lang) -> String {
    match p {
        "expiry_reminder" => Msg::PurposeExpiryReminder.text(lang).to_owned(),
        "test" => Msg::PurposeTest.text(lang).to_owned(),
        other => other.to_owned(),
    }
}

#[component]
pub fn MessagesPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status").unwrap_or_default();
    let resend = ServerAction::<ResendMessage>::new();
    let outbox = Resource::new(
        move || (status(), resend.version().get()),
        |(s, _)| get_outbox(s),
    );
    let resend_error = action_error(resend);
    let lang = use_lang();
    view! {
        <Layout title=Msg::MessagesTitle>
            <FormError error=resend_error/>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match outbox.await {
                        Ok(o) => {
                            let notice = o.sms_off.then(|| view! { <p class="notice">{t(Msg::SmsOffNotice)}</p> });
                            let list = if o.messages.is_empty() {
                                view! { <p class="empty">{t(Msg::NoMessages)}</p> }.into_any()
                            } else {
                                table(o.messages, resend, lang)
                            };
                            view! {
                                {notice}
                                {counts(o.counts, lang)}
                                {list}
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

fn counts(c: OutboxCounts, lang: Lang) -> AnyView {
    let items = [
        (MessageStatus::Queued, c.queued + c.sending),
        (MessageStatus::Sent, c.sent),
        (MessageStatus::Failed, c.failed),
        (MessageStatus::Unknown, c.unknown),
    ];
    view! {
        <nav class="row" aria-label=Msg::Status.text(lang)>
            <a class="btn btn-small" href="/messages">{Msg::AllMessages.text(lang)}</a>
            {items.into_iter().map(|(s, n)| view! {
                <a class="btn btn-small" href=format!("/messages?status={}", s.as_str())>
                    {s.msg().text(lang)}": "{n}
                </a>
            }).collect_view()}
        </nav>
    }
    .into_any()
}

fn table(list: Vec<MessageView>, resend: ServerAction<ResendMessage>, lang: Lang) -> AnyView {
    view! {
        <div class="table-wrap"><table class="table" id="messages">
            <thead><tr>
                <th>{t(Msg::QueuedAt)}</th><th>{t(Msg::Recipient)}</th><th>{t(Msg::MessageText)}</th>
                <th>{t(Msg::Status)}</th><th class="num">{t(Msg::Attempts)}</th><th>{t(Msg::Reason)}</th><th></th>
            </tr></thead>
            <tbody>{list.into_iter().map(|m| row(m, resend, lang)).collect_view()}</tbody>
        </table></div>
    }
    .into_any()
}

fn row(m: MessageView, resend: ServerAction<ResendMessage>, lang: Lang) -> AnyView {
    let sent = m
        .sent_local
        .clone()
        .map(|s| view! { <br/><span class="muted">{Msg::SentAt.text(lang)}": "{s}</span> });
    let about = match &m.campaign_name {
        Some(c) => format!("{c} · {}", purpose_text(&m.purpose, lang)),
        None => purpose_text(&m.purpose, lang),
    };
    let reason = m
        .reason
        .clone()
        .or(m.provider_id.clone())
        .unwrap_or_default();
    let again = m.status.resendable().then(|| {
        view! {
            <ActionForm action=resend>
                <input type="hidden" name="id" value=m.id/>
                <button type="submit" class="btn btn-small">{t(Msg::Resend)}</button>
            </ActionForm>
        }
    });
    view! {
        <tr data-status=m.status.as_str()>
            <td>{m.created_local.clone()}{sent}</td>
            <td class="phone">{m.recipient.clone()}</td>
            <td><span class="muted">{about}</span><br/>{m.text.clone()}</td>
            <td><span class=badge(m.status)>{m.status.msg().text(lang)}</span></td>
            <td class="num">{m.attempts}</td>
            <td class="muted reason">{reason}</td>
            <td>{again}</td>
        </tr>
    }
    .into_any()
}

/// The settings page's section: how SMS go out, the window, the limit, the reminder's text.
#[component]
pub fn MessageSettingsSection() -> impl IntoView {
    let save = ServerAction::<SaveMessageSettings>::new();
    let settings = Resource::new(move || save.version().get(), |_| get_message_settings());
    let test = ServerAction::<SendTestSms>::new();
    let test_error = action_error(test);
    let test_sent = action_ok(test);
    let error = action_error(save);
    let saved = action_ok(save);
    let form_error =
        Signal::derive(move || error.get().filter(|e: &DomainError| e.fields().is_empty()));
    view! {
        <section class="card stack" id="sms">
            <h2>{t(Msg::MessageSettingsTitle)}</h2>
            <p><a href="/messages">{t(Msg::MessagesTitle)}" →"</a></p>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(s) => settings_form(s, save, error, form_error, saved),
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
            <FormError error=test_error/>
            <ActionForm action=test attr:class="row">
                <Field label=Msg::Phone name="to" error_key="phone" kind="tel" required=true error=test_error/>
                <button type="submit" class="btn">{t(Msg::SendTestSms)}</button>
            </ActionForm>
            {move || test_sent.get().then(|| view! { <p class="notice"><a href="/messages">{t(Msg::MsgQueued)}" →"</a></p> })}
        </section>
    }
}

fn settings_form(
    s: MessageSettings,
    save: ServerAction<SaveMessageSettings>,
    error: Signal<Option<DomainError>>,
    form_error: Signal<Option<DomainError>>,
    saved: Signal<bool>,
) -> AnyView {
    let lang = use_lang();
    let text = RwSignal::new(s.reminder_text.clone());
    let length = move || {
        let (chars, parts) = sms_segments(&text.get());
        format!(
            "{chars} {} · {parts} {}",
            Msg::SmsChars.text(lang),
            Msg::SmsParts.text(lang)
        )
    };
    let modes = [
        (SmsMode::Off, Msg::SmsModeOff),
        (SmsMode::Log, Msg::SmsModeLog),
        (SmsMode::Http, Msg::SmsModeHttp),
    ];
    let secret_note = s
        .secret_set
        .then(|| view! { <p class="muted">{t(Msg::SecretIsSet)}</p> });
    view! {
        <ActionForm action=save attr:class="stack">
            <FormError error=form_error/>
            <div class="field">
                <label for="f-sms_mode">{t(Msg::SmsMode)}</label>
                <select id="f-sms_mode" name="sms_mode">
                    {modes.into_iter().map(|(m, label)| view! {
                        <option value=m.as_str() selected=s.sms_mode == m>{label.text(lang)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-http_method">{t(Msg::HttpMethodLabel)}</label>
                <select id="f-http_method" name="http_method">
                    {[HttpMethod::Get, HttpMethod::Post].into_iter().map(|m| view! {
                        <option value=m.as_str() selected=s.http_method == m>{m.as_str()}</option>
                    }).collect_view()}
                </select>
            </div>
            <Field label=Msg::UrlTemplate name="url_template" value=s.url_template.clone()
                placeholder="https://sms.example/send?to={phone_digits}&text={text}&key={secret}" error/>
            <Field label=Msg::BodyTemplate name="body_template" kind="textarea" value=s.body_template.clone() error/>
            <Field label=Msg::AuthHeader name="auth_header" value=s.auth_header.clone()
                placeholder="Authorization: Bearer {secret}" error/>
            <Field label=Msg::GatewaySecret name="secret" kind="password" autocomplete="new-password" error/>
            {secret_note}
            <label class="row"><input type="checkbox" name="clear_secret" value="1"/>{t(Msg::ClearSecret)}</label>
            <Field label=Msg::SuccessPattern name="success_pattern" value=s.success_pattern.clone() placeholder="OK" error/>
            <Field label=Msg::TimeoutMs name="timeout_ms" kind="number" value=s.timeout_ms.to_string() error/>
            <div class="row">
                <Field label=Msg::SendFrom name="send_from" kind="time" value=hhmm(s.window_from_minute) error/>
                <Field label=Msg::SendTo name="send_to" kind="time" value=hhmm(s.window_to_minute) error/>
            </div>
            <Field label=Msg::SmsPerMinute name="sms_per_minute" kind="number" value=s.sms_per_minute.to_string() error/>
            <Field label=Msg::ReminderDays name="reminder_days" kind="number" value=s.reminder_days.to_string() error/>
            <div class="field">
                <label for="f-reminder_text">{t(Msg::ReminderText)}</label>
                <textarea id="f-reminder_text" name="reminder_text" rows="4" maxlength="600"
                    on:input=move |ev| text.set(event_target_value(&ev))>{s.reminder_text.clone()}</textarea>
                <p class="muted" id="sms-length">{length}</p>
            </div>
            <p class="muted">{t(Msg::GatewayPlaceholders)}</p>
            {move || saved.get().then(|| view! { <p class="notice">{t(Msg::Saved)}</p> })}
            <button type="submit" class="btn btn-primary">{t(Msg::Save)}</button>
        </ActionForm>
    }
    .into_any()
}
