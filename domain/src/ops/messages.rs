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

use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDate, Timelike};

use crate::auth::Actor;
use crate::db::{self, Db};
use crate::error::{DomainError, ErrorCode};
use crate::format;
use crate::ids::CampaignId;
use crate::messages::{
    Channel, HttpMethod, MAX_ATTEMPTS, MAX_LIST, MessageSettings, MessageSettingsInput,
    MessageStatus, MessageView, Outbox, OutboxCounts, Purpose, ReminderFacts, SmsMode,
    fill_gateway, in_window, json_escaped, render, url_encoded,
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
    Ok(db::messages::settings(&db.pool).await?.0)
}

pub async fn save_settings(
    db: &Db,
    actor: &Actor,
    input: &MessageSettingsInput,
) -> Result<MessageSettings, DomainError> {
    actor.may(Op::ManageSettings)?;
    let v = input.parse()?;
    let mut w = db.write(actor).await?;
    db::messages::save_settings(&mut *w.tx, &v.settings, v.secret.as_deref(), w.at).await?;
    // The audit log records what changed, never the secret itself.
    let mut details = serde_json::to_value(&v.settings).unwrap_or_default();
    details["secret_changed"] = serde_json::Value::Bool(v.secret.is_some());
    w.audit("update", "message_settings", Some(1), details)
        .await?;
    let (saved, _) = db::messages::settings(&mut *w.tx).await?;
    w.commit().await?;
    Ok(saved)
}

// ---------- the outbox ----------

/// A provider's answer may echo the phone: the list shows it masked there too.
fn scrub(text: Option<String>, phone: &str) -> Option<String> {
    let digits = phone.trim_start_matches('+');
    match text {
        Some(t) if digits.len() >= 4 => Some(t.replace(digits, &format::masked_phone(phone))),
        other => other,
    }
}

fn view_of(db: &Db, r: db::messages::MessageRow) -> MessageView {
    let local = |t: &str| db::parse_ts(t).map(|t| db.clock.local_text(t));
    let provider_id = scrub(r.provider_id, &r.recipient);
    let reason = scrub(r.reason, &r.recipient);
    MessageView {
        provider_id,
        reason,
        created_local: local(&r.created_at).unwrap_or_default(),
        sent_local: r.sent_at.as_deref().and_then(local),
        id: r.id,
        campaign_id: r.campaign_id,
        campaign_name: r.campaign_name,
        purpose: r.purpose,
        channel: Channel::parse("channel", &r.channel).unwrap_or(Channel::Sms),
        recipient: if r.recipient.is_empty() {
            "—".into()
        } else {
            format::masked_phone(&r.recipient)
        },
        text: r.body,
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
    let sms_off = db::messages::settings(&db.pool).await?.0.sms_mode == SmsMode::Off;
    Ok(Outbox {
        counts,
        messages: rows.into_iter().map(|r| view_of(db, r)).collect(),
        sms_off,
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

/// Queues a test SMS to `phone` (setting up a gateway): the settings' channel must be on.
pub async fn send_test(db: &Db, actor: &Actor, phone: &str) -> Result<MessageView, DomainError> {
    actor.may(Op::ManageSettings)?;
    let phone = Phone::parse("phone", phone).map_err(|e| DomainError::Invalid(vec![e]))?;
    if db::messages::settings(&db.pool).await?.0.sms_mode == SmsMode::Off {
        return Err(DomainError::field("sms_mode", ErrorCode::InvalidChoice));
    }
    let clinic = db::settings::get(&db.pool).await?;
    let text = format!("{}: проверка SMS", clinic.name);
    let key = format!("{}:{}", Purpose::Test.as_str(), crate::auth::new_secret());
    let mut w = db.write(actor).await?;
    let m = db::messages::NewMessage {
        campaign_id: None,
        patient_id: None,
        purpose: Purpose::Test.as_str(),
        dedup_key: &key,
        channel: Channel::Sms.as_str(),
        recipient: phone.as_str(),
        body: &text,
    };
    let id = db::messages::enqueue(&mut *w.tx, &m, w.at)
        .await?
        .ok_or(DomainError::Internal)?;
    w.audit("send_test", "message", Some(id), serde_json::json!({}))
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

fn excerpt(s: &str) -> String {
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

/// What one tick of a worker did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tick {
    pub reminders_queued: usize,
    pub leases_expired: u64,
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

    /// Turns expired leases `unknown`, queues due reminders, delivers what is due.
    pub async fn tick(&self) -> Result<Tick, DomainError> {
        let mut t = Tick {
            reminders_queued: queue_reminders(&self.db).await?,
            ..Tick::default()
        };
        let (s, secret) = db::messages::settings(&self.db.pool).await?;
        let leased = self.lease(&s, &mut t).await?;
        for m in leased {
            let answer = match s.sms_mode {
                SmsMode::Log => {
                    tracing::info!(to = %format::masked_phone(&m.recipient), text = %m.body, "SMS (log only)");
                    Answer::Accepted("log".into())
                }
                SmsMode::Http => send_http(&self.client, &s, &secret, &m.recipient, &m.body).await,
                SmsMode::Off => continue,
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

    /// Expires old leases and leases what may go now: inside the sending window, within the
    /// per-minute limit. One transaction, taken in turn by every instance.
    pub async fn lease(
        &self,
        s: &MessageSettings,
        t: &mut Tick,
    ) -> Result<Vec<db::messages::Leased>, DomainError> {
        let db = &self.db;
        let mut w = db.write(&Actor::system()).await?;
        db::messages::lock_outbox(&mut *w.tx, db.engine).await?;
        let now = w.at;
        t.leases_expired = db::messages::expire_leases(&mut *w.tx, now).await?;
        db::messages::drop_without_consent(&mut *w.tx, now).await?;
        let local = db.clock.local(now);
        let minute = i64::from(local.hour() * 60 + local.minute());
        let mut leased = Vec::new();
        if s.sms_mode != SmsMode::Off && in_window(s, minute) {
            let used = db::messages::leased_since(
                &mut *w.tx,
                Channel::Sms.as_str(),
                now - Duration::seconds(60),
            )
            .await?;
            let room = (s.sms_per_minute - used).min(BATCH);
            if room > 0 {
                let until = now
                    + Duration::milliseconds(s.timeout_ms)
                    + Duration::seconds(LEASE_MARGIN_SECONDS);
                leased = db::messages::lease(
                    &mut *w.tx,
                    db.engine,
                    &self.owner,
                    Channel::Sms.as_str(),
                    now,
                    until,
                    room,
                )
                .await?;
            }
        }
        w.commit().await?;
        Ok(leased)
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
