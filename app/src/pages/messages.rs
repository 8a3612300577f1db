//! Messages: the marketer's outbox (`/messages`) and the messages' section of the settings
//! page (SMS and e-mail).

use domain::messages::{
    Channel, EmailMode, HttpMethod, MessageSettings, MessageStatus, MessageView, OutboxCounts,
    PRESETS, ReminderPlan, SmsMode, SmtpSecurity, hhmm, sms_segments,
};
use domain::{DomainError, Lang, Msg};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::{ErrorBox, Field, FormError, Layout, action_error, action_ok, interactive};
use crate::i18n::{t, use_lang};
use crate::server_fns::{
    AddWebhook, DeleteWebhook, ResendMessage, SaveMessageSettings, SendTestSms,
    get_message_settings, get_outbox, list_campaigns, list_webhooks,
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
        "weekly_standings" => Msg::PurposeWeeklyStandings.text(lang).to_owned(),
        "store_standings" => Msg::PurposeStoreStandings.text(lang).to_owned(),
        "weekly_digest" => Msg::PurposeWeeklyDigest.text(lang).to_owned(),
        "e_certificate" => Msg::PurposeECertificate.text(lang).to_owned(),
        "webhook" => Msg::PurposeWebhook.text(lang).to_owned(),
        other => other.to_owned(),
    }
}

#[component]
pub fn MessagesPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status").unwrap_or_default();
    let campaign = move || {
        query
            .read()
            .get("campaign")
            .and_then(|c| c.parse::<i64>().ok())
    };
    let resend = ServerAction::<ResendMessage>::new();
    let outbox = Resource::new(
        move || (status(), campaign(), resend.version().get()),
        |(s, c, _)| get_outbox(s, c),
    );
    let campaigns = Resource::new(|| (), |_| list_campaigns());
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
                            let email_notice = o.email_off.then(|| view! { <p class="notice">{t(Msg::EmailOffNotice)}</p> });
                            let window_notice = o.sms_window_closed.clone().map(|w| view! { <p class="notice" id="sms-window">{t(Msg::SmsWindowClosed)}": "{w}</p> });
                            let filter = campaign_filter(campaigns.await.unwrap_or_default(), campaign(), status(), lang);
                            let list = if o.messages.is_empty() {
                                view! { <p class="empty">{t(Msg::NoMessages)}</p> }.into_any()
                            } else {
                                table(o.messages, resend, lang)
                            };
                            view! {
                                {notice}
                                {email_notice}
                                {window_notice}
                                {filter}
                                {counts(o.counts, campaign(), lang)}
                                {reminder_plan(o.reminders, lang)}
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

/// One campaign's messages or the clinic's: a plain GET form (works before hydration too).
fn campaign_filter(
    list: Vec<domain::model::Campaign>,
    current: Option<i64>,
    status: String,
    lang: Lang,
) -> AnyView {
    let status =
        (!status.is_empty()).then(|| view! { <input type="hidden" name="status" value=status/> });
    view! {
        <form method="get" action="/messages" class="row" id="campaign-filter">
            {status}
            <div class="field">
                <label for="f-campaign">{Msg::CampaignCol.text(lang)}</label>
                <select id="f-campaign" name="campaign">
                    <option value="" selected=current.is_none()>{Msg::AllMessages.text(lang)}</option>
                    {list.into_iter().map(|c| view! {
                        <option value=c.id.to_string() selected=current == Some(c.id)>{c.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="btn btn-small">{Msg::StateFilter.text(lang)}</button>
        </form>
    }
    .into_any()
}

/// The expiry reminders ahead: when each campaign's go out and to how many, or how many went.
fn reminder_plan(plan: Vec<ReminderPlan>, lang: Lang) -> Option<AnyView> {
    let date = |d: &str| domain::format::date_text(d, lang);
    (!plan.is_empty()).then(|| {
        view! {
            <section class="card stack" id="reminder-plan">
                <h2>{Msg::ReminderPlanTitle.text(lang)}</h2>
                <p class="muted">{Msg::ReminderPlanHint.text(lang)}</p>
                <ul class="plain">
                    {plan.into_iter().map(|p| {
                        let state = if p.queued > 0 {
                            format!("{}: {}", Msg::RemindersInOutbox.text(lang), p.queued)
                        } else {
                            format!("{} {} · {}: {}", Msg::ReminderGoesOn.text(lang), date(&p.send_on), Msg::ReminderReachNow.text(lang), p.participants)
                        };
                        view! {
                            <li>
                                <strong>{p.campaign_name}</strong>": "{Msg::CertificatesValidUntil.text(lang)}" "{date(&p.valid_until)}
                                <br/><span>{state}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
        .into_any()
    })
}

fn counts(c: OutboxCounts, campaign: Option<i64>, lang: Lang) -> AnyView {
    let items = [
        (MessageStatus::Queued, c.queued + c.sending),
        (MessageStatus::Sent, c.sent),
        (MessageStatus::Failed, c.failed),
        (MessageStatus::Unknown, c.unknown),
    ];
    let of = campaign
        .map(|c| format!("campaign={c}"))
        .unwrap_or_default();
    let all = if of.is_empty() {
        "/messages".to_owned()
    } else {
        format!("/messages?{of}")
    };
    view! {
        <nav class="row" aria-label=Msg::Status.text(lang)>
            <a class="btn btn-small" href=all>{Msg::AllMessages.text(lang)}</a>
            {items.into_iter().map(|(s, n)| {
                let amp = if of.is_empty() { String::new() } else { format!("&{of}") };
                view! {
                    <a class="btn btn-small" href=format!("/messages?status={}{amp}", s.as_str())>
                        {s.msg().text(lang)}": "{n}
                    </a>
                }
            }).collect_view()}
        </nav>
    }
    .into_any()
}

fn table(list: Vec<MessageView>, resend: ServerAction<ResendMessage>, lang: Lang) -> AnyView {
    view! {
        <div class="table-wrap"><table class="table table-cards" id="messages">
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
    let subject = m
        .subject
        .clone()
        .map(|s| view! { <strong>{s}</strong><br/> });
    // Long texts (e-mails) fold under their first line.
    let text = if m.text.chars().count() > 200 {
        let head: String = m.text.chars().take(140).collect();
        view! { <details><summary>{head}"…"</summary><div class="pre-line">{m.text.clone()}</div></details> }
            .into_any()
    } else {
        view! { <span class="pre-line">{m.text.clone()}</span> }.into_any()
    };
    let channel = match m.channel {
        Channel::Sms => "SMS",
        Channel::Email => "e-mail",
        Channel::Webhook => "webhook",
    };
    view! {
        <tr data-status=m.status.as_str() data-channel=m.channel.as_str()>
            <td data-label=Msg::QueuedAt.text(lang)>{m.created_local.clone()}{sent}</td>
            <td class="phone" data-label=Msg::Recipient.text(lang)>{m.recipient.clone()}<br/><span class="muted">{channel}</span></td>
            <td data-label=Msg::MessageText.text(lang)><span class="muted">{about}</span><br/>{subject}{text}</td>
            <td data-label=Msg::Status.text(lang)><span class=badge(m.status)>{m.status.msg().text(lang)}</span></td>
            <td class="num" data-label=Msg::Attempts.text(lang)>{m.attempts}</td>
            <td class="muted reason" data-label=Msg::Reason.text(lang)>{reason}</td>
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
            <ActionForm action=test attr:class="row" attr:id="test-email">
                <Field label=Msg::Email name="to" error_key="email" kind="email" required=true error=test_error/>
                <button type="submit" class="btn">{t(Msg::SendTestEmail)}</button>
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
    let example = s.clone();
    let length = move || {
        let (chars, parts) = sms_segments(&example.reminder_example(&text.get()));
        format!(
            "{chars} {} · {parts} {} ({})",
            Msg::SmsChars.text(lang),
            Msg::SmsParts.text(lang),
            Msg::SmsLengthFilled.text(lang)
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
                <label for="f-preset">{t(Msg::SmsPreset)}</label>
                <select id="f-preset" name="preset">
                    <option value="" selected=true>{t(Msg::SmsPresetNone)}</option>
                    {PRESETS.iter().map(|p| view! { <option value=p.id>{p.name}</option> }).collect_view()}
                </select>
                <ul class="muted small">
                    {PRESETS.iter().map(|p| {
                        let note = if lang == Lang::Ru { p.note_ru } else { p.note_en };
                        view! { <li>{p.name}": "{note}</li> }
                    }).collect_view()}
                </ul>
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
            {email_fields(&s, error, lang)}
            {move || saved.get().then(|| view! { <p class="notice">{t(Msg::Saved)}</p> })}
            <button type="submit" class="btn btn-primary">{t(Msg::Save)}</button>
        </ActionForm>
    }
    .into_any()
}

/// The e-mail part of the settings form: the channel, the SMTP server, the weekly messages.
fn email_fields(s: &MessageSettings, error: Signal<Option<DomainError>>, lang: Lang) -> AnyView {
    let modes = [
        (EmailMode::Off, Msg::EmailModeOff),
        (EmailMode::Log, Msg::EmailModeLog),
        (EmailMode::Smtp, Msg::EmailModeSmtp),
    ];
    let security = [
        (SmtpSecurity::StartTls, Msg::SmtpSecurityStartTls),
        (SmtpSecurity::Tls, Msg::SmtpSecurityTls),
        (SmtpSecurity::None, Msg::SmtpSecurityNone),
    ];
    let password_note = s
        .smtp_password_set
        .then(|| view! { <p class="muted">{t(Msg::SmtpPasswordIsSet)}</p> });
    let (mode, sec) = (s.email_mode, s.smtp_security);
    view! {
        <h3 id="email">{t(Msg::EmailSettingsTitle)}</h3>
        <div class="field">
            <label for="f-email_mode">{t(Msg::EmailMode)}</label>
            <select id="f-email_mode" name="email_mode">
                {modes.into_iter().map(|(m, label)| view! {
                    <option value=m.as_str() selected=mode == m>{label.text(lang)}</option>
                }).collect_view()}
            </select>
        </div>
        <Field label=Msg::EmailFrom name="email_from" value=s.email_from.clone()
            placeholder="Клиника «Улыбка» <promo@ulybka.ru>" error/>
        <div class="row">
            <Field label=Msg::SmtpHost name="smtp_host" value=s.smtp_host.clone() placeholder="smtp.yandex.ru" error/>
            <Field label=Msg::SmtpPort name="smtp_port" kind="number" value=s.smtp_port.to_string() error/>
        </div>
        <div class="field">
            <label for="f-smtp_security">{t(Msg::SmtpSecurity)}</label>
            <select id="f-smtp_security" name="smtp_security">
                {security.into_iter().map(|(m, label)| view! {
                    <option value=m.as_str() selected=sec == m>{label.text(lang)}</option>
                }).collect_view()}
            </select>
        </div>
        <div class="row">
            <Field label=Msg::SmtpUser name="smtp_user" value=s.smtp_user.clone() autocomplete="off" error/>
            <Field label=Msg::SmtpPassword name="smtp_password" kind="password" autocomplete="new-password" error/>
        </div>
        {password_note}
        <label class="row"><input type="checkbox" name="clear_smtp_password" value="1"/>{t(Msg::ClearSmtpPassword)}</label>
        <Field label=Msg::EmailsPerMinute name="emails_per_minute" kind="number" value=s.emails_per_minute.to_string() error/>
        <label class="row"><input type="checkbox" name="weekly_standings" value="1" checked=s.weekly_standings/>{t(Msg::WeeklyStandings)}</label>
        <label class="row"><input type="checkbox" name="weekly_digest" value="1" checked=s.weekly_digest/>{t(Msg::WeeklyDigest)}</label>
    }
    .into_any()
}

fn event_text(e: &str, lang: Lang) -> &'static str {
    match e {
        "handout" => Msg::EventHandout.text(lang),
        "redemption" => Msg::EventRedemption.text(lang),
        _ => Msg::EventVisit.text(lang),
    }
}

/// The settings page's webhooks: the integrations' endpoints, a form to add one (its signing
/// secret shown once) and a button to remove each.
#[component]
pub fn WebhooksSection() -> impl IntoView {
    let add = ServerAction::<AddWebhook>::new();
    let remove = ServerAction::<DeleteWebhook>::new();
    let hooks = Resource::new(
        move || (add.version().get(), remove.version().get()),
        |_| list_webhooks(),
    );
    let error = action_error(add);
    let remove_error = action_error(remove);
    let ready = interactive();
    let form_error =
        Signal::derive(move || error.get().filter(|e: &DomainError| e.fields().is_empty()));
    let lang = use_lang();
    view! {
        <section class="card stack" id="webhooks">
            <h2>{t(Msg::WebhooksTitle)}</h2>
            <p class="muted">{t(Msg::WebhooksHint)}</p>
            {move || add.value().get().and_then(|r| r.ok()).map(|created| view! {
                <div class="notice stack">
                    <p>{t(Msg::WebhookSecretShownOnce)}</p>
                    <code class="token">{created.secret}</code>
                </div>
            })}
            <FormError error=remove_error/>
            <Suspense fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match hooks.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::NoWebhooks)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="plain">
                                {list.into_iter().map(|w| {
                                    let events = w.events.iter().map(|e| event_text(e, lang)).collect::<Vec<_>>().join(", ");
                                    view! {
                                        <li class="row">
                                            <span><code>{w.url.clone()}</code><br/><span class="muted">{events}</span></span>
                                            <ActionForm action=remove>
                                                <input type="hidden" name="id" value=w.id/>
                                                <button type="submit" class="btn btn-small btn-danger" aria-label=format!("{} {}", Msg::Delete.text(lang), w.url)>{Msg::Delete.text(lang)}</button>
                                            </ActionForm>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e.domain()/> }.into_any(),
                    }
                })}
            </Suspense>
            <FormError error=form_error/>
            <ActionForm action=add attr:class="stack">
                <Field label=Msg::WebhookUrl name="url" kind="url" placeholder="https://crm.clinic.ru/sarafan" required=true error/>
                <fieldset class="checks">
                    <legend>{t(Msg::WebhookEvents)}</legend>
                    <label class="check"><input type="checkbox" name="handout" value="1" checked=true/>{t(Msg::EventHandout)}</label>
                    <label class="check"><input type="checkbox" name="redemption" value="1" checked=true/>{t(Msg::EventRedemption)}</label>
                    <label class="check"><input type="checkbox" name="visit" value="1" checked=true/>{t(Msg::EventVisit)}</label>
                </fieldset>
                <button type="submit" class="btn" disabled=move || !ready.get()>{t(Msg::AddWebhook)}</button>
            </ActionForm>
        </section>
    }
}
