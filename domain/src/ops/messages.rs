//! Messages to participants: the settings of the SMS channel, the outbox the marketer sees, the
//! expiry reminder (checklist item 20) and the worker that delivers.
//!
//! **At least once, never twice by surprise.** A message is a row written in the same
//! transaction as its cause, with a unique key per purpose and recipient. A [`Worker`] leases
//! due messages (one statement, safe with several instances on one database), sends each, and
//! records the answer. A refusal the provider may not repeat (a connection that never opened,
//! HTTP 429 or 5xx) is retried with a growing pause, up to [`MAX_ATTEMPTS`]; a timeout, or a
//! lease that runs out with no answer recorded (the instance died mid-send), leaves the message
//! `unknown` — the provider may have sent it, so Sarafan does not send it again by itself; the
//! marketer sees it and may press "send again".
//!
//! Every moment comes from the clinic clock (`db.clock`): the sending window (no SMS at night)
//! is in the clinic's time zone, the reminder's day is the clinic's date.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDate, Timelike};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::auth::Actor;
use crate::db::{self, Db};
use crate::error::{DomainError, ErrorCode};
use crate::format;
use crate::ids::CampaignId;
use crate::messages::{
    Channel, EmailMode, HttpMethod, MAX_ATTEMPTS, MAX_LIST, MessageSettings, MessageSettingsInput,
    MessageStatus, MessageView, Outbox, OutboxCounts, Purpose, ReminderFacts, ReminderPlan,
    SmsMode, SmtpSecurity, address_of, fill_gateway, hhmm, in_window, json_escaped, masked_email,
    render, url_encoded,
};
use crate::policy::Op;
use crate::types::Phone;

/// The name the worker's changes carry in the audit log and on the tasks it closes.
pub const WORKER_ACTOR: &str = "Sarafan";
/// Messages one worker leases at a time.
pub const BATCH: i64 = 50;
/// How long a lease outlives the gateway's timeout before the message turns `unknown`.
pub const LEASE_MARGIN_SECONDS: i64 = 30;

// ---------- settings ----------

/// How messages go out (the secret is never returned).
pub async fn settings(db: &Db, actor: &Actor) -> Result<MessageSettings, DomainError> {
    actor.may(Op::ManageSettings)?;
    let s = db::messages::settings(&db.pool).await?.0;
    with_clinic(db, s).await
}

/// Adds the clinic's name and phone (a reminder's `{clinic}` and `{phone}`).
async fn with_clinic(db: &Db, mut s: MessageSettings) -> Result<MessageSettings, DomainError> {
    let clinic = db::settings::get(&db.pool).await?;
    s.clinic_name = clinic.name;
    s.clinic_phone = format::phone(&clinic.phone);
    Ok(s)
}

pub async fn save_settings(
    db: &Db,
    actor: &Actor,
    input: &MessageSettingsInput,
) -> Result<MessageSettings, DomainError> {
    actor.may(Op::ManageSettings)?;
    let v = input.parse()?;
    let mut w = db.write(actor).await?;
    db::messages::save_settings(
        &mut *w.tx,
        &v.settings,
        v.secret.as_deref(),
        v.smtp_password.as_deref(),
        w.at,
    )
    .await?;
    // The audit log records what changed, never the secrets themselves.
    let mut details = serde_json::to_value(&v.settings).unwrap_or_default();
    details["secret_changed"] = serde_json::Value::Bool(v.secret.is_some());
    details["smtp_password_changed"] = serde_json::Value::Bool(v.smtp_password.is_some());
    w.audit("update", "message_settings", Some(1), details)
        .await?;
    let (saved, _) = db::messages::settings(&mut *w.tx).await?;
    w.commit().await?;
    with_clinic(db, saved).await
}

// ---------- the outbox ----------

/// A recipient as lists show it: the phone or the address mostly hidden.
fn masked(channel: Channel, recipient: &str) -> String {
    match channel {
        _ if recipient.is_empty() => "—".into(),
        Channel::Sms => format::masked_phone(recipient),
        Channel::Email => masked_email(recipient),
        // An integration's address is the clinic's own, not personal data.
        Channel::Webhook => recipient.to_owned(),
    }
}

/// A provider's answer may echo the phone or the address: the list shows it masked there too.
fn scrub(text: Option<String>, channel: Channel, recipient: &str) -> Option<String> {
    let shown = match channel {
        Channel::Sms => recipient.trim_start_matches('+'),
        Channel::Email | Channel::Webhook => recipient,
    };
    match text {
        Some(t) if shown.len() >= 4 => Some(t.replace(shown, &masked(channel, recipient))),
        other => other,
    }
}

/// A phone's confirmation code is the participant's alone: lists show it hidden.
fn without_sms_code(text: String) -> String {
    const MARK: &str = "Код подтверждения: ";
    match text.find(MARK) {
        Some(i) => {
            let start = i + MARK.len();
            let digits = text[start..]
                .chars()
                .take_while(char::is_ascii_digit)
                .count();
            format!(
                "{}{}{}",
                &text[..start],
                "•".repeat(digits),
                &text[start + digits..]
            )
        }
        None => text,
    }
}

fn view_of(db: &Db, r: db::messages::MessageRow) -> MessageView {
    let local = |t: &str| db::parse_ts(t).map(|t| db.clock.local_text(t));
    let channel = Channel::parse("channel", &r.channel).unwrap_or(Channel::Sms);
    let provider_id = scrub(r.provider_id, channel, &r.recipient);
    let reason = scrub(r.reason, channel, &r.recipient);
    MessageView {
        provider_id,
        reason,
        created_local: local(&r.created_at).unwrap_or_default(),
        sent_local: r.sent_at.as_deref().and_then(local),
        id: r.id,
        campaign_id: r.campaign_id,
        campaign_name: r.campaign_name,
        purpose: r.purpose,
        channel,
        recipient: masked(channel, &r.recipient),
        subject: r.subject,
        text: without_sms_code(r.body),
        status: MessageStatus::parse("status", &r.status).unwrap_or(MessageStatus::Unknown),
        attempts: r.attempts,
        next_attempt_at: r.next_attempt_at,
        created_at: r.created_at,
        sent_at: r.sent_at,
    }
}

/// The outbox: counts per state and the newest messages (of one campaign, or the clinic's),
/// optionally of one state; at most [`MAX_LIST`].
pub async fn outbox(
    db: &Db,
    actor: &Actor,
    campaign: Option<CampaignId>,
    status: Option<&str>,
    limit: Option<i64>,
) -> Result<Outbox, DomainError> {
    actor.may(Op::ManageMessages)?;
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            Some(MessageStatus::parse("status", s).map_err(|e| DomainError::Invalid(vec![e]))?)
        }
        None => None,
    };
    let limit = limit.unwrap_or(200);
    if !(1..=MAX_LIST).contains(&limit) {
        return Err(DomainError::field("limit", ErrorCode::CountOutOfRange));
    }
    let campaign = campaign.map(|c| c.0);
    let rows =
        db::messages::list(&db.pool, campaign, status.map(MessageStatus::as_str), limit).await?;
    let mut counts = OutboxCounts::default();
    for (s, n) in db::messages::counts(&db.pool, campaign).await? {
        match MessageStatus::parse("status", &s) {
            Ok(MessageStatus::Queued) => counts.queued = n,
            Ok(MessageStatus::Sending) => counts.sending = n,
            Ok(MessageStatus::Sent) => counts.sent = n,
            Ok(MessageStatus::Failed) => counts.failed = n,
            Ok(MessageStatus::Unknown) => counts.unknown = n,
            Err(_) => {}
        }
    }
    let (s, _) = db::messages::settings(&db.pool).await?;
    let today = db.clock.today();
    let mut reminders = Vec::new();
    for c in db::messages::planned_campaigns(&db.pool, &db::date_str(today), campaign.unwrap_or(0))
        .await?
    {
        let Ok(valid_until) = db::stored_date(&c.valid_until) else {
            continue;
        };
        let (participants, queued) = db::messages::reminder_reach(&db.pool, c.id).await?;
        reminders.push(ReminderPlan {
            campaign_id: c.id,
            campaign_name: c.name,
            valid_until: db::date_str(valid_until),
            send_on: db::date_str((valid_until - Duration::days(s.reminder_days)).max(today)),
            participants,
            queued,
        });
    }
    Ok(Outbox {
        counts,
        messages: rows.into_iter().map(|r| view_of(db, r)).collect(),
        sms_off: s.sms_mode == SmsMode::Off,
        email_off: s.email_mode == EmailMode::Off,
        reminders,
        sms_window_closed: {
            let local = db.clock.local(db.now());
            let minute = i64::from(local.hour() * 60 + local.minute());
            (s.sms_mode != SmsMode::Off && !in_window(&s, minute)).then(|| {
                format!(
                    "{}–{}",
                    hhmm(s.window_from_minute),
                    hhmm(s.window_to_minute)
                )
            })
        },
    })
}

/// Queues a failed or unknown message again. A participant who withdrew consent or was erased
/// meanwhile gets nothing.
pub async fn resend(db: &Db, actor: &Actor, id: i64) -> Result<MessageView, DomainError> {
    actor.may(Op::ManageMessages)?;
    let Some(before) = db::messages::one(&db.pool, id).await? else {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    };
    let mut w = db.write(actor).await?;
    if !db::messages::resend(&mut *w.tx, id, w.at).await? {
        return Err(DomainError::field("status", ErrorCode::InvalidChoice));
    }
    w.audit(
        "resend",
        "message",
        Some(id),
        serde_json::json!({ "was": before.status, "reason": before.reason }),
    )
    .await?;
    let after = db::messages::one(&mut *w.tx, id).await?;
    w.commit().await?;
    after
        .map(|r| view_of(db, r))
        .ok_or(DomainError::Refused(ErrorCode::NotFound))
}

/// Queues a test message, to try a channel: an SMS to a phone, or an e-mail to an address
/// (`to` with an `@`). The channel must be on.
pub async fn send_test(db: &Db, actor: &Actor, to: &str) -> Result<MessageView, DomainError> {
    actor.may(Op::ManageSettings)?;
    let (s, _) = db::messages::settings(&db.pool).await?;
    let clinic = db::settings::get(&db.pool).await?;
    let (channel, recipient, subject, text) = if to.contains('@') {
        let email =
            crate::types::Email::parse("email", to).map_err(|e| DomainError::Invalid(vec![e]))?;
        if s.email_mode == EmailMode::Off {
            return Err(DomainError::field("email_mode", ErrorCode::InvalidChoice));
        }
        let subject = format!("{}: проверка эл. почты", clinic.name);
        let text = format!(
            "Это проверочное письмо Сарафана: эл. почта клиники «{}» настроена.\n\nThis is a test message from Sarafan.",
            clinic.name
        );
        (
            Channel::Email,
            email.as_str().to_owned(),
            Some(subject),
            text,
        )
    } else {
        let phone = Phone::parse("phone", to).map_err(|e| DomainError::Invalid(vec![e]))?;
        if s.sms_mode == SmsMode::Off {
            return Err(DomainError::field("sms_mode", ErrorCode::InvalidChoice));
        }
        let text = format!("{}: проверка SMS", clinic.name);
        (Channel::Sms, phone.as_str().to_owned(), None, text)
    };
    let key = format!("{}:{}", Purpose::Test.as_str(), crate::auth::new_secret());
    let mut w = db.write(actor).await?;
    let m = db::messages::NewMessage {
        campaign_id: None,
        patient_id: None,
        purpose: Purpose::Test.as_str(),
        dedup_key: &key,
        channel: channel.as_str(),
        recipient: &recipient,
        subject: subject.as_deref(),
        body: &text,
    };
    let id = db::messages::enqueue(&mut *w.tx, &m, w.at)
        .await?
        .ok_or(DomainError::Internal)?;
    w.audit(
        "send_test",
        "message",
        Some(id),
        serde_json::json!({ "channel": channel.as_str() }),
    )
    .await?;
    let row = db::messages::one(&mut *w.tx, id).await?;
    w.commit().await?;
    row.map(|r| view_of(db, r))
        .ok_or(DomainError::Refused(ErrorCode::NotFound))
}

// ---------- the expiry reminder (item 20) ----------

/// Queues the expiry reminder for every campaign whose certificates expire within the
/// settings' days (counted in clinic dates): one SMS per participant holding a handed-out,
/// unredeemed certificate with a confirmed phone and consent standing. Idempotent (one key per
/// campaign and participant) and safe from several instances. Closes the campaign's checklist
/// item 20 with the count. Returns how many messages were newly queued.
pub async fn queue_reminders(db: &Db) -> Result<usize, DomainError> {
    let (s, _) = db::messages::settings(&db.pool).await?;
    if s.sms_mode == SmsMode::Off {
        return Ok(0);
    }
    let today = db.clock.today();
    let last = today + Duration::days(s.reminder_days);
    let campaigns =
        db::messages::reminder_campaigns(&db.pool, &db::date_str(today), &db::date_str(last))
            .await?;
    if campaigns.is_empty() {
        return Ok(0);
    }
    let clinic = db::settings::get(&db.pool).await?;
    let mut queued = 0;
    for c in campaigns {
        let holders = db::messages::reminder_holders(&db.pool, c.id).await?;
        if holders.is_empty() {
            continue;
        }
        // The checklist's item 20 must exist to be closed (created idempotently).
        let _ = super::checklist::ensure_tasks(db, CampaignId(c.id)).await;
        let valid_until: Option<NaiveDate> = db::stored_date(&c.valid_until).ok();
        let mut w = db.write(&Actor::system()).await?;
        let mut new = 0i64;
        for h in &holders {
            let text = render(
                &s.reminder_text,
                &ReminderFacts {
                    clinic: clinic.name.clone(),
                    face_value_kopecks: c.face_value_kopecks,
                    valid_until,
                    phone: format::phone(&clinic.phone),
                    code: h.code.clone(),
                },
            );
            let key = format!(
                "{}:{}:{}",
                Purpose::ExpiryReminder.as_str(),
                c.id,
                h.patient_id
            );
            let m = db::messages::NewMessage {
                campaign_id: Some(c.id),
                patient_id: Some(h.patient_id),
                purpose: Purpose::ExpiryReminder.as_str(),
                dedup_key: &key,
                channel: Channel::Sms.as_str(),
                recipient: &h.phone,
                subject: None,
                body: &text,
            };
            if db::messages::enqueue(&mut *w.tx, &m, w.at).await?.is_some() {
                new += 1;
            }
        }
        if new == 0 {
            w.rollback().await?;
            continue;
        }
        let total = holders.len() as i64;
        w.audit(
            "queue_reminders",
            "campaign",
            Some(c.id),
            serde_json::json!({ "queued": new, "participants": total }),
        )
        .await?;
        let evidence = crate::checklist::Evidence {
            passed: true,
            ok: total,
            total,
            failing: Vec::new(),
        };
        let json = serde_json::to_string(&evidence).unwrap_or_default();
        if db::messages::close_expiry_task(&mut *w.tx, c.id, &json, total, WORKER_ACTOR, w.at)
            .await?
        {
            w.audit(
                "auto_done",
                "task",
                None,
                serde_json::json!({ "item": "20", "campaign_id": c.id, "queued": total }),
            )
            .await?;
        }
        w.commit().await?;
        queued += new as usize;
    }
    Ok(queued)
}

// ---------- delivery ----------

/// What a provider made of one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Accepted: its answer (the provider's message id).
    Accepted(String),
    /// Refused in a way worth another try later (no connection, 429, 5xx).
    Retry(String),
    /// Refused for good (4xx, or an answer without the success pattern).
    Refused(String),
    /// No answer: it may or may not have been sent.
    Unknown(String),
}

pub(crate) fn excerpt(s: &str) -> String {
    let t = s.trim();
    let mut out: String = t.chars().take(200).collect();
    if t.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// Sends one SMS through the configured HTTP gateway.
pub async fn send_http(
    client: &reqwest::Client,
    s: &MessageSettings,
    secret: &str,
    phone: &str,
    text: &str,
) -> Answer {
    let url = fill_gateway(&s.url_template, phone, text, secret, url_encoded);
    let mut req = match s.http_method {
        HttpMethod::Get => client.get(&url),
        HttpMethod::Post => {
            let template = s.body_template.trim();
            let json = template.starts_with('{') || template.starts_with('[');
            let body = if json {
                fill_gateway(template, phone, text, secret, json_escaped)
            } else {
                fill_gateway(template, phone, text, secret, url_encoded)
            };
            let kind = if json {
                "application/json"
            } else {
                "application/x-www-form-urlencoded"
            };
            client
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, kind)
                .body(body)
        }
    };
    if let Some((name, value)) = s.auth_header.split_once(':') {
        let value = fill_gateway(value.trim(), phone, text, secret, |x| x.to_owned());
        req = req.header(name.trim(), value);
    }
    let timeout = StdDuration::from_millis(u64::try_from(s.timeout_ms).unwrap_or(10_000));
    let resp = match req.timeout(timeout).send().await {
        Ok(r) => r,
        Err(e) if e.is_timeout() => return Answer::Unknown("timeout".into()),
        Err(e) if e.is_connect() => return Answer::Retry(format!("connect: {e}")),
        Err(e) if e.is_builder() => return Answer::Refused(format!("request: {e}")),
        Err(e) => return Answer::Unknown(excerpt(&e.to_string())),
    };
    let status = resp.status();
    let body = match resp.text().await {
        Ok(b) => b,
        Err(e) if status.is_success() => {
            return Answer::Unknown(format!(
                "HTTP {}: {}",
                status.as_u16(),
                excerpt(&e.to_string())
            ));
        }
        Err(_) => String::new(),
    };
    if status.as_u16() == 429 || status.is_server_error() {
        return Answer::Retry(format!("HTTP {}: {}", status.as_u16(), excerpt(&body)));
    }
    if !status.is_success() {
        return Answer::Refused(format!("HTTP {}: {}", status.as_u16(), excerpt(&body)));
    }
    let pattern = s.success_pattern.trim();
    if pattern.is_empty() || body.contains(pattern) {
        Answer::Accepted(excerpt(&body))
    } else {
        Answer::Refused(excerpt(&body))
    }
}

/// The pause before attempt `attempts + 1`: 30 s, 1, 2, 4… minutes, at most an hour.
pub fn backoff(attempts: i64) -> Duration {
    let exp = u32::try_from((attempts - 1).clamp(0, 7)).unwrap_or(0);
    Duration::seconds((30 * 2i64.pow(exp)).min(3600))
}

/// How long an SMTP server may take to answer one step.
pub const SMTP_TIMEOUT_SECONDS: u64 = 30;

/// The SMTP connection the settings describe (one per tick, reused for its e-mails).
pub fn smtp_transport(
    s: &MessageSettings,
    password: &str,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let host = s.smtp_host.trim();
    let builder = match s.smtp_security {
        SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
            .map_err(|e| format!("smtp: {e}"))?,
        SmtpSecurity::Tls => {
            AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(|e| format!("smtp: {e}"))?
        }
    };
    let mut builder = builder
        .port(u16::try_from(s.smtp_port).unwrap_or(587))
        .timeout(Some(StdDuration::from_secs(SMTP_TIMEOUT_SECONDS)));
    if !s.smtp_user.trim().is_empty() {
        builder = builder.credentials(Credentials::new(
            s.smtp_user.trim().to_owned(),
            password.to_owned(),
        ));
    }
    Ok(builder.build())
}

/// The sender: `Name <address>` as set, or the clinic's name with a bare address.
fn sender(from: &str, clinic: &str) -> Result<Mailbox, String> {
    let address: Address = address_of(from)
        .parse()
        .map_err(|e| format!("email_from: {e}"))?;
    let name = from
        .trim()
        .rsplit_once('<')
        .map(|(n, _)| n.trim().trim_matches('"').trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| clinic.to_owned());
    Ok(Mailbox::new(Some(name), address))
}

/// Sends one plain-text e-mail through an SMTP server. A permanent refusal (5xx) fails it, a
/// transient one (4xx, no connection) is retried, a timeout leaves it unknown.
pub async fn send_email(
    mailer: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    to: &str,
    subject: &str,
    text: &str,
) -> Answer {
    let to: Mailbox = match to.parse() {
        Ok(m) => m,
        Err(e) => return Answer::Refused(format!("to: {e}")),
    };
    let message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(text.to_owned());
    let message = match message {
        Ok(m) => m,
        Err(e) => return Answer::Refused(format!("message: {e}")),
    };
    match mailer.send(message).await {
        Ok(r) => Answer::Accepted(excerpt(&format!(
            "{} {}",
            r.code(),
            r.message().collect::<Vec<_>>().join(" ")
        ))),
        Err(e) if e.is_permanent() => Answer::Refused(excerpt(&e.to_string())),
        Err(e) if e.is_timeout() => Answer::Unknown("timeout".into()),
        Err(e) => Answer::Retry(excerpt(&e.to_string())),
    }
}

/// What one tick of a worker did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tick {
    pub reminders_queued: usize,
    pub weekly_queued: usize,
    /// Leases that ran out after the worker began sending: `unknown`.
    pub leases_expired: u64,
    /// Leases that ran out before the worker began sending: queued again.
    pub requeued: u64,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub unknown: usize,
}

/// One delivering instance: a name of its own for its leases, and an HTTP client.
#[derive(Clone, Debug)]
pub struct Worker {
    pub db: Db,
    pub owner: String,
    client: reqwest::Client,
    /// The weekly messages this instance has already queued (so a tick every few seconds
    /// does not compute the standings again); other instances rely on the keys.
    weekly_done: Arc<Mutex<HashSet<String>>>,
}

impl Worker {
    pub fn new(db: Db, owner: impl Into<String>) -> Worker {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .unwrap_or_default();
        Worker {
            db,
            owner: owner.into(),
            client,
            weekly_done: Arc::default(),
        }
    }

    /// A worker named after this process, unique across instances.
    pub fn for_this_instance(db: Db) -> Worker {
        let owner = format!(
            "worker-{}-{}",
            std::process::id(),
            &crate::auth::new_secret()[..8]
        );
        Worker::new(db, owner)
    }

    /// Runs forever: a tick every `every` (real time; what is due is decided by the clinic
    /// clock). Errors are logged and the next tick tries again.
    pub async fn run(self, every: StdDuration) {
        loop {
            match self.tick().await {
                Ok(t) if t != Tick::default() => tracing::info!(?t, "outbox"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "outbox tick failed"),
            }
            tokio::time::sleep(every).await;
        }
    }

    /// Turns expired leases `unknown`, queues due reminders and weekly messages, delivers what
    /// is due.
    pub async fn tick(&self) -> Result<Tick, DomainError> {
        let mut t = Tick {
            reminders_queued: queue_reminders(&self.db).await?,
            weekly_queued: super::weekly::queue(&self.db, &self.weekly_done).await?,
            ..Tick::default()
        };
        let (s, secrets) = db::messages::settings(&self.db.pool).await?;
        let leased = self.lease(&s, &mut t).await?;
        let mut mailer = None;
        let clinic = if leased.iter().any(|m| m.channel == Channel::Email.as_str()) {
            db::settings::get(&self.db.pool).await?.name
        } else {
            String::new()
        };
        for m in leased {
            let timeout = if m.channel == Channel::Email.as_str() {
                Duration::seconds(4 * SMTP_TIMEOUT_SECONDS as i64)
            } else if m.channel == Channel::Webhook.as_str() {
                Duration::seconds(super::webhooks::TIMEOUT_SECONDS as i64)
            } else {
                Duration::milliseconds(s.timeout_ms)
            };
            if !self.start(&m, timeout).await? {
                continue;
            }
            let answer = if m.channel == Channel::Webhook.as_str() {
                let secret = match m.webhook_id {
                    Some(h) => db::webhooks::secret(&self.db.pool, h).await?,
                    None => None,
                };
                match secret {
                    Some(secret) => {
                        let event = m.subject.as_deref().unwrap_or_default();
                        super::webhooks::send(
                            &self.client,
                            &m.recipient,
                            &secret,
                            event,
                            m.id,
                            &m.body,
                        )
                        .await
                    }
                    None => Answer::Refused("webhook_deleted".into()),
                }
            } else if m.channel == Channel::Email.as_str() {
                match s.email_mode {
                    EmailMode::Log => {
                        tracing::info!(to = %masked_email(&m.recipient), subject = ?m.subject, text = %m.body, "e-mail (log only)");
                        Answer::Accepted("log".into())
                    }
                    EmailMode::Smtp => {
                        let transport = mailer
                            .get_or_insert_with(|| smtp_transport(&s, &secrets.smtp_password));
                        match (&*transport, sender(&s.email_from, &clinic)) {
                            (Ok(transport), Ok(from)) => {
                                let subject = m.subject.as_deref().unwrap_or_default();
                                send_email(transport, &from, &m.recipient, subject, &m.body).await
                            }
                            (Err(e), _) => Answer::Retry(e.clone()),
                            (_, Err(e)) => Answer::Retry(e),
                        }
                    }
                    EmailMode::Off => continue,
                }
            } else {
                match s.sms_mode {
                    SmsMode::Log => {
                        tracing::info!(to = %format::masked_phone(&m.recipient), text = %m.body, "SMS (log only)");
                        Answer::Accepted("log".into())
                    }
                    SmsMode::Http => {
                        send_http(&self.client, &s, &secrets.sms, &m.recipient, &m.body).await
                    }
                    SmsMode::Off => continue,
                }
            };
            self.record(&m, &answer).await?;
            match answer {
                Answer::Accepted(_) => t.sent += 1,
                Answer::Retry(_) if m.attempts < MAX_ATTEMPTS => t.retried += 1,
                Answer::Retry(_) | Answer::Refused(_) => t.failed += 1,
                Answer::Unknown(_) => t.unknown += 1,
            }
        }
        Ok(t)
    }

    /// Expires old leases and leases what may go now: SMS inside the sending window, each
    /// channel within its per-minute limit. One transaction, taken in turn by every instance.
    pub async fn lease(
        &self,
        s: &MessageSettings,
        t: &mut Tick,
    ) -> Result<Vec<db::messages::Leased>, DomainError> {
        let db = &self.db;
        let mut w = db.write(&Actor::system()).await?;
        db::messages::lock_outbox(&mut *w.tx, db.engine).await?;
        let now = w.at;
        (t.leases_expired, t.requeued) = db::messages::expire_leases(&mut w.tx, now).await?;
        db::messages::drop_without_consent(&mut *w.tx, now).await?;
        let local = db.clock.local(now);
        let minute = i64::from(local.hour() * 60 + local.minute());
        let mut leased = Vec::new();
        let sms = (s.sms_mode != SmsMode::Off && in_window(s, minute)).then_some((
            Channel::Sms,
            s.sms_per_minute,
            Duration::milliseconds(s.timeout_ms),
        ));
        let email = (s.email_mode != EmailMode::Off).then_some((
            Channel::Email,
            s.emails_per_minute,
            // Connecting, greeting, authenticating and the message: a few SMTP steps.
            Duration::seconds(4 * SMTP_TIMEOUT_SECONDS as i64),
        ));
        // Integrations' endpoints: any hour, the outbox's own limit.
        let webhook = Some((
            Channel::Webhook,
            super::webhooks::PER_MINUTE,
            Duration::seconds(super::webhooks::TIMEOUT_SECONDS as i64),
        ));
        for (channel, per_minute, timeout) in [sms, email, webhook].into_iter().flatten() {
            let used = db::messages::leased_since(
                &mut *w.tx,
                channel.as_str(),
                now - Duration::seconds(60),
            )
            .await?;
            let room = (per_minute - used).min(BATCH);
            if room > 0 {
                let until = now + timeout + Duration::seconds(LEASE_MARGIN_SECONDS);
                leased.extend(
                    db::messages::lease(
                        &mut *w.tx,
                        db.engine,
                        &self.owner,
                        channel.as_str(),
                        now,
                        until,
                        room,
                    )
                    .await?,
                );
            }
        }
        w.commit().await?;
        Ok(leased)
    }

    /// Marks a leased message as being sent now (its lease runs the channel's timeout and the
    /// margin from now): if the instance dies before the answer is recorded, the message turns
    /// `unknown`. `false`: the lease was lost meanwhile (it ran out and someone else has it).
    pub async fn start(
        &self,
        m: &db::messages::Leased,
        timeout: Duration,
    ) -> Result<bool, DomainError> {
        let db = &self.db;
        let now = db.now();
        let until = now + timeout + Duration::seconds(LEASE_MARGIN_SECONDS);
        let _turn = db.write_turn().await;
        db::messages::start(&db.pool, m.id, &self.owner, now, until).await
    }

    /// Records a provider's answer for a message this worker leased.
    pub async fn record(
        &self,
        m: &db::messages::Leased,
        answer: &Answer,
    ) -> Result<(), DomainError> {
        let mut w = self.db.write(&Actor::system()).await?;
        let at = w.at;
        let (status, provider_id, reason, next, sent_at) = match answer {
            Answer::Accepted(id) => ("sent", Some(id.as_str()), None, at, Some(at)),
            Answer::Retry(r) if m.attempts < MAX_ATTEMPTS => (
                "queued",
                None,
                Some(r.as_str()),
                at + backoff(m.attempts),
                None,
            ),
            Answer::Retry(r) | Answer::Refused(r) => ("failed", None, Some(r.as_str()), at, None),
            Answer::Unknown(r) => ("unknown", None, Some(r.as_str()), at, None),
        };
        let o = db::messages::Outcome {
            status,
            provider_id,
            reason,
            next_attempt_at: next,
            sent_at,
        };
        if !db::messages::record(&mut *w.tx, m.id, &self.owner, &o, at).await? {
            tracing::warn!(
                id = m.id,
                "a message's answer came after someone else took it"
            );
        }
        w.commit().await
    }
}
