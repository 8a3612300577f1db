//! The outbox (`messages`) and how messages go out (`message_settings`).
//!
//! Leasing is one statement, `WITH picked AS MATERIALIZED (SELECT … LIMIT n) UPDATE … WHERE
//! status = 'queued' AND id IN picked RETURNING`: on PostgreSQL the inner select skips rows
//! another instance has locked (`FOR UPDATE SKIP LOCKED`) and the outer condition is checked
//! again on the locked row, so two workers never take the same message; SQLite has one writer
//! at a time, so the statement is atomic there.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use sqlx::any::AnyExecutor;

use super::{Engine, internal, ts};
use crate::error::DomainError;
use crate::messages::{EmailMode, HttpMethod, MessageSettings, SmsMode, SmtpSecurity};

#[derive(sqlx::FromRow)]
struct SettingsRow {
    sms_mode: String,
    http_method: String,
    url_template: String,
    body_template: String,
    auth_header: String,
    sms_secret: String,
    success_pattern: String,
    timeout_ms: i64,
    window_from_minute: i64,
    window_to_minute: i64,
    sms_per_minute: i64,
    reminder_days: i64,
    reminder_text: String,
    email_mode: String,
    smtp_host: String,
    smtp_port: i64,
    smtp_security: String,
    smtp_user: String,
    smtp_password: String,
    email_from: String,
    emails_per_minute: i64,
    weekly_standings: i64,
    weekly_digest: i64,
}

/// The stored secrets, which never leave the server.
#[derive(Clone, Debug, Default)]
pub struct Secrets {
    /// The SMS gateway's token or password.
    pub sms: String,
    pub smtp_password: String,
}

/// The settings and the stored secrets.
pub async fn settings<'c>(
    e: impl AnyExecutor<'c>,
) -> Result<(MessageSettings, Secrets), DomainError> {
    let r: Option<SettingsRow> = sqlx::query_as(
        "SELECT sms_mode, http_method, url_template, body_template, auth_header, sms_secret, success_pattern,
                timeout_ms, window_from_minute, window_to_minute, sms_per_minute, reminder_days, reminder_text,
                email_mode, smtp_host, smtp_port, smtp_security, smtp_user, smtp_password, email_from,
                emails_per_minute, weekly_standings, weekly_digest
         FROM message_settings WHERE id = 1",
    )
    .fetch_optional(e)
    .await
    .map_err(internal)?;
    let d = MessageSettings::default();
    let Some(r) = r else {
        return Ok((d, Secrets::default()));
    };
    Ok((
        MessageSettings {
            sms_mode: SmsMode::parse("sms_mode", &r.sms_mode).unwrap_or(SmsMode::Off),
            http_method: HttpMethod::parse("http_method", &r.http_method)
                .unwrap_or(HttpMethod::Get),
            url_template: r.url_template,
            body_template: r.body_template,
            auth_header: r.auth_header,
            secret_set: !r.sms_secret.is_empty(),
            success_pattern: r.success_pattern,
            timeout_ms: r.timeout_ms,
            window_from_minute: r.window_from_minute,
            window_to_minute: r.window_to_minute,
            sms_per_minute: r.sms_per_minute,
            reminder_days: r.reminder_days,
            reminder_text: if r.reminder_text.is_empty() {
                d.reminder_text
            } else {
                r.reminder_text
            },
            email_mode: EmailMode::parse("email_mode", &r.email_mode).unwrap_or(EmailMode::Off),
            smtp_host: r.smtp_host,
            smtp_port: r.smtp_port,
            smtp_security: SmtpSecurity::parse("smtp_security", &r.smtp_security)
                .unwrap_or(SmtpSecurity::StartTls),
            smtp_user: r.smtp_user,
            smtp_password_set: !r.smtp_password.is_empty(),
            email_from: r.email_from,
            emails_per_minute: r.emails_per_minute,
            weekly_standings: r.weekly_standings != 0,
            weekly_digest: r.weekly_digest != 0,
            clinic_name: String::new(),
            clinic_phone: String::new(),
        },
        Secrets {
            sms: r.sms_secret,
            smtp_password: r.smtp_password,
        },
    ))
}

/// Saves the settings; a secret `None` keeps the stored one.
pub async fn save_settings<'c>(
    e: impl AnyExecutor<'c>,
    s: &MessageSettings,
    secret: Option<&str>,
    smtp_password: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query(
        "UPDATE message_settings SET sms_mode = $1, http_method = $2, url_template = $3, body_template = $4,
                auth_header = $5, sms_secret = COALESCE($6, sms_secret), success_pattern = $7, timeout_ms = $8,
                window_from_minute = $9, window_to_minute = $10, sms_per_minute = $11, reminder_days = $12,
                reminder_text = $13, updated_at = $14, email_mode = $15, smtp_host = $16, smtp_port = $17,
                smtp_security = $18, smtp_user = $19, smtp_password = COALESCE($20, smtp_password),
                email_from = $21, emails_per_minute = $22, weekly_standings = $23, weekly_digest = $24
         WHERE id = 1",
    )
    .bind(s.sms_mode.as_str())
    .bind(s.http_method.as_str())
    .bind(&s.url_template)
    .bind(&s.body_template)
    .bind(&s.auth_header)
    .bind(secret)
    .bind(&s.success_pattern)
    .bind(s.timeout_ms)
    .bind(s.window_from_minute)
    .bind(s.window_to_minute)
    .bind(s.sms_per_minute)
    .bind(s.reminder_days)
    .bind(&s.reminder_text)
    .bind(ts(at))
    .bind(s.email_mode.as_str())
    .bind(&s.smtp_host)
    .bind(s.smtp_port)
    .bind(s.smtp_security.as_str())
    .bind(&s.smtp_user)
    .bind(smtp_password)
    .bind(&s.email_from)
    .bind(s.emails_per_minute)
    .bind(i64::from(s.weekly_standings))
    .bind(i64::from(s.weekly_digest))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

/// A message to queue.
pub struct NewMessage<'a> {
    pub campaign_id: Option<i64>,
    pub patient_id: Option<i64>,
    pub purpose: &'a str,
    pub dedup_key: &'a str,
    pub channel: &'a str,
    pub recipient: &'a str,
    /// An e-mail's subject.
    pub subject: Option<&'a str>,
    pub body: &'a str,
}

/// Queues a message: its id, or `None` when one with the same key is already there.
pub async fn enqueue<'c>(
    e: impl AnyExecutor<'c>,
    m: &NewMessage<'_>,
    at: DateTime<Utc>,
) -> Result<Option<i64>, DomainError> {
    insert(e, m, None, at).await
}

/// Queues a delivery to an integration's endpoint (the message's `recipient` is its URL,
/// `subject` the event).
pub async fn enqueue_webhook<'c>(
    e: impl AnyExecutor<'c>,
    m: &NewMessage<'_>,
    webhook: i64,
    at: DateTime<Utc>,
) -> Result<Option<i64>, DomainError> {
    insert(e, m, Some(webhook), at).await
}

async fn insert<'c>(
    e: impl AnyExecutor<'c>,
    m: &NewMessage<'_>,
    webhook: Option<i64>,
    at: DateTime<Utc>,
) -> Result<Option<i64>, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO messages (campaign_id, patient_id, purpose, dedup_key, channel, recipient, body, status,
                               attempts, next_attempt_at, created_at, updated_at, subject, webhook_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', 0, $8, $8, $8, $9, $10)
         ON CONFLICT (dedup_key) DO NOTHING
         RETURNING id",
    )
    .bind(m.campaign_id)
    .bind(m.patient_id)
    .bind(m.purpose)
    .bind(m.dedup_key)
    .bind(m.channel)
    .bind(m.recipient)
    .bind(m.body)
    .bind(ts(at))
    .bind(m.subject)
    .bind(webhook)
    .fetch_optional(e)
    .await
    .map_err(internal)
}

/// Takes the outbox's turn across instances for the rest of the transaction (PostgreSQL; on
/// SQLite the transaction already holds the one write lock).
pub async fn lock_outbox<'c>(e: impl AnyExecutor<'c>, engine: Engine) -> Result<(), DomainError> {
    if engine == Engine::Postgres {
        sqlx::query("SELECT id FROM message_settings WHERE id = 1 FOR UPDATE")
            .execute(e)
            .await
            .map_err(internal)?;
    }
    Ok(())
}

/// Leases whose time ran out without an answer. A message the worker had begun to send is
/// `unknown` (the owner is kept so a late answer can still be recorded); one it never began is
/// queued again, as if never leased. Returns (unknown, queued again).
pub async fn expire_leases(
    tx: &mut AnyConnection,
    now: DateTime<Utc>,
) -> Result<(u64, u64), DomainError> {
    let unknown = sqlx::query(
        "UPDATE messages SET status = 'unknown', reason = 'lease_expired', lease_until = NULL, updated_at = $1
         WHERE status = 'sending' AND lease_until < $1 AND started_at IS NOT NULL",
    )
    .bind(ts(now))
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    let requeued = sqlx::query(
        "UPDATE messages SET status = 'queued', attempts = attempts - 1, lease_owner = NULL, lease_until = NULL,
                updated_at = $1
         WHERE status = 'sending' AND lease_until < $1 AND started_at IS NULL",
    )
    .bind(ts(now))
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    Ok((unknown.rows_affected(), requeued.rows_affected()))
}

/// The worker begins to send a message it leased: from now on a lost answer makes it
/// `unknown`. Its lease runs `until` from now. `false` if the lease was lost meanwhile.
pub async fn start<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    owner: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE messages SET started_at = $1, lease_until = $2, updated_at = $1
         WHERE id = $3 AND lease_owner = $4 AND status = 'sending' AND started_at IS NULL",
    )
    .bind(ts(now))
    .bind(ts(until))
    .bind(id)
    .bind(owner)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

/// Queued messages to participants who withdrew their consent or were erased meanwhile: never
/// sent. Returns how many.
pub async fn drop_without_consent<'c>(
    e: impl AnyExecutor<'c>,
    now: DateTime<Utc>,
) -> Result<u64, DomainError> {
    let r = sqlx::query(
        "UPDATE messages SET status = 'failed', reason = 'consent_withdrawn', updated_at = $1
         WHERE status = 'queued' AND patient_id IN
               (SELECT id FROM patients WHERE consent_withdrawn_at IS NOT NULL OR anonymised_at IS NOT NULL)",
    )
    .bind(ts(now))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected())
}

/// An erased participant's messages keep their state but lose the phone and the text.
pub async fn forget_patient<'c>(e: impl AnyExecutor<'c>, patient: i64) -> Result<(), DomainError> {
    sqlx::query("UPDATE messages SET recipient = '', body = '' WHERE patient_id = $1")
        .bind(patient)
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Messages of a channel leased since `since` (the per-minute limit).
pub async fn leased_since<'c>(
    e: impl AnyExecutor<'c>,
    channel: &str,
    since: DateTime<Utc>,
) -> Result<i64, DomainError> {
    sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE channel = $1 AND leased_at > $2")
        .bind(channel)
        .bind(ts(since))
        .fetch_one(e)
        .await
        .map_err(internal)
}

/// A message a worker holds.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Leased {
    pub id: i64,
    pub channel: String,
    /// The endpoint a webhook delivery is for.
    pub webhook_id: Option<i64>,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    pub attempts: i64,
}

/// Leases up to `limit` due messages of a channel for `owner` until `until`.
pub async fn lease<'c>(
    e: impl AnyExecutor<'c>,
    engine: Engine,
    owner: &str,
    channel: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Leased>, DomainError> {
    let skip_locked = match engine {
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
        Engine::Sqlite => "",
    };
    // The picked ids are materialised once: an `IN (SELECT … LIMIT n)` may be evaluated again
    // per row on PostgreSQL, and then the limit does not hold.
    let sql = format!(
        "WITH picked AS MATERIALIZED
              (SELECT id FROM messages WHERE status = 'queued' AND channel = $4 AND next_attempt_at <= $2
               ORDER BY next_attempt_at, id LIMIT $5{skip_locked})
         UPDATE messages SET status = 'sending', lease_owner = $1, leased_at = $2, lease_until = $3,
                attempts = attempts + 1, updated_at = $2
         WHERE status = 'queued' AND id IN (SELECT id FROM picked)
         RETURNING id, channel, webhook_id, recipient, subject, body, attempts"
    );
    let mut rows: Vec<Leased> = sqlx::query_as(&sql)
        .bind(owner)
        .bind(ts(now))
        .bind(ts(until))
        .bind(channel)
        .bind(limit)
        .fetch_all(e)
        .await
        .map_err(internal)?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// What became of a leased message.
pub struct Outcome<'a> {
    pub status: &'a str,
    pub provider_id: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// Records the answer for a message `owner` leased (also after its lease ran out: a late answer
/// is still the truth). `false` if the message is no longer this worker's.
pub async fn record<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    owner: &str,
    o: &Outcome<'_>,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE messages SET status = $1, provider_id = $2, reason = $3, next_attempt_at = $4, sent_at = $5,
                lease_until = NULL, updated_at = $6, started_at = CASE WHEN $1 = 'queued' THEN NULL ELSE started_at END
         WHERE id = $7 AND lease_owner = $8 AND status IN ('sending', 'unknown')",
    )
    .bind(o.status)
    .bind(o.provider_id)
    .bind(o.reason)
    .bind(ts(o.next_attempt_at))
    .bind(o.sent_at.map(ts))
    .bind(ts(at))
    .bind(id)
    .bind(owner)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

/// Queues a failed or unknown message again (the marketer's "send again").
pub async fn resend<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE messages SET status = 'queued', attempts = 0, next_attempt_at = $1, lease_owner = NULL,
                lease_until = NULL, reason = NULL, started_at = NULL, updated_at = $1
         WHERE id = $2 AND status IN ('failed', 'unknown') AND recipient <> ''
           AND (patient_id IS NULL OR patient_id NOT IN
                (SELECT id FROM patients WHERE consent_withdrawn_at IS NOT NULL OR anonymised_at IS NOT NULL))",
    )
    .bind(ts(at))
    .bind(id)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

/// A message as listed.
#[derive(sqlx::FromRow)]
pub struct MessageRow {
    pub id: i64,
    pub campaign_id: Option<i64>,
    pub campaign_name: Option<String>,
    pub purpose: String,
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub provider_id: Option<String>,
    pub reason: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

const SELECT: &str = "SELECT m.id, m.campaign_id, c.name AS campaign_name, m.purpose, m.channel, m.recipient, m.subject,
        m.body, m.status, m.attempts, m.next_attempt_at, m.provider_id, m.reason, m.created_at, m.sent_at
    FROM messages m LEFT JOIN campaigns c ON c.id = m.campaign_id";

/// The newest messages (of one campaign, or all; of one state, or all), at most `limit`.
pub async fn list<'c>(
    e: impl AnyExecutor<'c>,
    campaign: Option<i64>,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<MessageRow>, DomainError> {
    let mut cond = vec!["1 = 1".to_owned()];
    let mut n = 1;
    if campaign.is_some() {
        cond.push(format!("m.campaign_id = ${n}"));
        n += 1;
    }
    if status.is_some() {
        cond.push(format!("m.status = ${n}"));
        n += 1;
    }
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY m.created_at DESC, m.id DESC LIMIT ${n}",
        cond.join(" AND ")
    );
    let mut q = sqlx::query_as(&sql);
    if let Some(c) = campaign {
        q = q.bind(c);
    }
    if let Some(s) = status {
        q = q.bind(s);
    }
    q.bind(limit).fetch_all(e).await.map_err(internal)
}

pub async fn one<'c>(e: impl AnyExecutor<'c>, id: i64) -> Result<Option<MessageRow>, DomainError> {
    sqlx::query_as(&format!("{SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(internal)
}

/// Messages per state (of one campaign, or all).
pub async fn counts<'c>(
    e: impl AnyExecutor<'c>,
    campaign: Option<i64>,
) -> Result<Vec<(String, i64)>, DomainError> {
    match campaign {
        Some(c) => {
            sqlx::query_as(
                "SELECT status, COUNT(*) FROM messages WHERE campaign_id = $1 GROUP BY status",
            )
            .bind(c)
            .fetch_all(e)
            .await
        }
        None => {
            sqlx::query_as("SELECT status, COUNT(*) FROM messages GROUP BY status")
                .fetch_all(e)
                .await
        }
    }
    .map_err(internal)
}

/// A campaign whose reminder may be due.
#[derive(sqlx::FromRow)]
pub struct ReminderCampaign {
    pub id: i64,
    pub face_value_kopecks: i64,
    pub valid_until: String,
}

/// Campaigns (not drafts) whose certificates are still valid on `today` and expire by `last`.
pub async fn reminder_campaigns<'c>(
    e: impl AnyExecutor<'c>,
    today: &str,
    last: &str,
) -> Result<Vec<ReminderCampaign>, DomainError> {
    sqlx::query_as(
        "SELECT id, face_value_kopecks, valid_until FROM campaigns
         WHERE status <> 'draft' AND valid_until >= $1 AND valid_until <= $2 ORDER BY id",
    )
    .bind(today)
    .bind(last)
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// A campaign whose certificates are still valid, for the outbox's reminder plan.
#[derive(sqlx::FromRow)]
pub struct PlannedCampaign {
    pub id: i64,
    pub name: String,
    pub valid_until: String,
}

/// Campaigns (not drafts) whose certificates are valid on `today` (one, when `campaign` is not
/// 0), the soonest to expire first; at most 20.
pub async fn planned_campaigns<'c>(
    e: impl AnyExecutor<'c>,
    today: &str,
    campaign: i64,
) -> Result<Vec<PlannedCampaign>, DomainError> {
    sqlx::query_as(
        "SELECT id, name, valid_until FROM campaigns
         WHERE status <> 'draft' AND valid_until >= $1 AND ($2 = 0 OR id = $2)
         ORDER BY valid_until, id LIMIT 20",
    )
    .bind(today)
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// How many participants the reminder would reach now (see [`reminder_holders`]) and how many
/// reminders the campaign already has in the outbox.
pub async fn reminder_reach<'c>(
    e: impl AnyExecutor<'c>,
    campaign: i64,
) -> Result<(i64, i64), DomainError> {
    sqlx::query_as(
        "SELECT
           (SELECT COUNT(DISTINCT p.id) FROM handouts h
              JOIN certificates c ON c.id = h.certificate_id
              JOIN patients p ON p.id = h.patient_id
             WHERE h.campaign_id = $1 AND c.state = 'handed_out' AND h.confirmed = 1
               AND p.consent_withdrawn_at IS NULL AND p.anonymised_at IS NULL AND p.phone <> ''),
           (SELECT COUNT(*) FROM messages WHERE campaign_id = $1 AND purpose = 'expiry_reminder')",
    )
    .bind(campaign)
    .fetch_one(e)
    .await
    .map_err(internal)
}

/// A participant holding a handed-out, unredeemed certificate of the campaign, with their
/// consent standing and a confirmed phone.
#[derive(sqlx::FromRow)]
pub struct Holder {
    pub patient_id: i64,
    pub phone: String,
    pub code: String,
}

pub async fn reminder_holders<'c>(
    e: impl AnyExecutor<'c>,
    campaign: i64,
) -> Result<Vec<Holder>, DomainError> {
    sqlx::query_as(
        "SELECT p.id AS patient_id, p.phone, MIN(c.code) AS code
         FROM handouts h
         JOIN certificates c ON c.id = h.certificate_id
         JOIN patients p ON p.id = h.patient_id
         WHERE h.campaign_id = $1 AND c.state = 'handed_out' AND h.confirmed = 1
           AND p.consent_withdrawn_at IS NULL AND p.anonymised_at IS NULL AND p.phone <> ''
         GROUP BY p.id, p.phone
         ORDER BY p.id",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Closes the campaign's checklist item 20 (the expiry SMS) with what was queued, unless a
/// person reopened it. `true` when it was closed now.
pub async fn close_expiry_task<'c>(
    e: impl AnyExecutor<'c>,
    campaign: i64,
    evidence: &str,
    reach: i64,
    by: &str,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE tasks SET state = 'done', evidence = $1, reach = $2, done_by = NULL, done_by_name = $3,
                done_at = $4, updated_at = $4
         WHERE campaign_id = $5 AND state = 'open' AND manual = 0
           AND item_id IN (SELECT id FROM checklist_items WHERE builtin = 'expiry_sms')",
    )
    .bind(evidence)
    .bind(reach)
    .bind(by)
    .bind(ts(at))
    .bind(campaign)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() > 0)
}

/// Campaigns (not drafts) running on some day from `monday` to `sunday`.
pub async fn campaigns_of_week<'c>(
    e: impl AnyExecutor<'c>,
    monday: &str,
    sunday: &str,
) -> Result<Vec<i64>, DomainError> {
    sqlx::query_scalar(
        "SELECT id FROM campaigns
         WHERE status <> 'draft' AND start_date <= $2 AND end_date >= $1 ORDER BY id",
    )
    .bind(monday)
    .bind(sunday)
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Someone a weekly message goes to: a user (their phone and e-mail) or a store (its
/// administrator's e-mail).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Contact {
    pub id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Active partner employees (store staff) with their phones.
pub async fn staff_contacts<'c>(e: impl AnyExecutor<'c>) -> Result<Vec<Contact>, DomainError> {
    sqlx::query_as(
        "SELECT id, name, phone, email FROM users
         WHERE role = 'store_staff' AND active = 1 ORDER BY id LIMIT 100000",
    )
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Stores with their administrators' e-mail.
pub async fn store_contacts<'c>(e: impl AnyExecutor<'c>) -> Result<Vec<Contact>, DomainError> {
    sqlx::query_as(
        "SELECT id, COALESCE(admin_name, '') AS name, admin_phone AS phone, admin_email AS email
         FROM stores ORDER BY id LIMIT 100000",
    )
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Active marketers with an e-mail.
pub async fn marketer_contacts<'c>(e: impl AnyExecutor<'c>) -> Result<Vec<Contact>, DomainError> {
    sqlx::query_as(
        "SELECT id, name, phone, email FROM users
         WHERE role = 'marketer' AND active = 1 AND email IS NOT NULL AND email <> '' ORDER BY id LIMIT 1000",
    )
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// The campaign sends e-certificates.
pub async fn sends_e_certificates<'c>(
    e: impl AnyExecutor<'c>,
    campaign: i64,
) -> Result<bool, DomainError> {
    let v: Option<i64> =
        sqlx::query_scalar("SELECT send_e_certificates FROM campaigns WHERE id = $1")
            .bind(campaign)
            .fetch_optional(e)
            .await
            .map_err(internal)?;
    Ok(v.unwrap_or(0) != 0)
}

pub async fn insert_phone_code<'c>(
    e: impl AnyExecutor<'c>,
    handout: i64,
    code_hash: &str,
    expires_at: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO phone_codes (handout_id, code_hash, attempts, expires_at, created_at)
         VALUES ($1, $2, 0, $3, $4) ON CONFLICT (handout_id) DO NOTHING",
    )
    .bind(handout)
    .bind(code_hash)
    .bind(ts(expires_at))
    .bind(ts(at))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

/// The SMS code sent for a certificate's hand-out.
#[derive(sqlx::FromRow)]
pub struct PhoneCode {
    pub handout_id: i64,
    pub code_hash: String,
    pub attempts: i64,
    pub expires_at: String,
    pub confirmed_at: Option<String>,
}

pub async fn phone_code<'c>(
    e: impl AnyExecutor<'c>,
    certificate: &crate::code::Code,
) -> Result<Option<PhoneCode>, DomainError> {
    sqlx::query_as(
        "SELECT pc.handout_id, pc.code_hash, pc.attempts, pc.expires_at, pc.confirmed_at
         FROM certificates c JOIN handouts h ON h.certificate_id = c.id
         JOIN phone_codes pc ON pc.handout_id = h.id
         WHERE c.code = $1",
    )
    .bind(certificate.as_str())
    .fetch_optional(e)
    .await
    .map_err(internal)
}

pub async fn phone_code_missed<'c>(
    e: impl AnyExecutor<'c>,
    handout: i64,
) -> Result<(), DomainError> {
    sqlx::query("UPDATE phone_codes SET attempts = attempts + 1 WHERE handout_id = $1")
        .bind(handout)
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}

pub async fn phone_code_confirmed<'c>(
    e: impl AnyExecutor<'c>,
    handout: i64,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query("UPDATE phone_codes SET confirmed_at = $1 WHERE handout_id = $2")
        .bind(ts(at))
        .bind(handout)
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}

/// What an e-certificate's messages say, read for a hand-out whose participant consents.
#[derive(sqlx::FromRow)]
pub struct ECertFactsRow {
    campaign: i64,
    patient: i64,
    name: String,
    phone: String,
    email: Option<String>,
    code: String,
    face_value_kopecks: i64,
    valid_until: String,
    store_name: String,
    send: i64,
}

pub struct ECertFacts {
    pub campaign: i64,
    pub patient: i64,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub code: String,
    pub face_value_kopecks: i64,
    pub valid_until: chrono::NaiveDate,
    pub store_name: String,
    /// The campaign sends e-certificates.
    pub send: bool,
}

pub async fn e_cert_facts<'c>(
    e: impl AnyExecutor<'c>,
    handout: i64,
) -> Result<Option<ECertFacts>, DomainError> {
    let r: Option<ECertFactsRow> = sqlx::query_as(
        "SELECT h.campaign_id AS campaign, p.id AS patient, h.participant_name AS name, p.phone,
                COALESCE(h.participant_email, p.email) AS email, c.code, k.face_value_kopecks, k.valid_until,
                s.name AS store_name, k.send_e_certificates AS send
         FROM handouts h
         JOIN certificates c ON c.id = h.certificate_id
         JOIN campaigns k ON k.id = h.campaign_id
         JOIN patients p ON p.id = h.patient_id
         JOIN stores s ON s.id = h.store_id
         WHERE h.id = $1 AND p.consent_withdrawn_at IS NULL AND p.anonymised_at IS NULL",
    )
    .bind(handout)
    .fetch_optional(e)
    .await
    .map_err(internal)?;
    let Some(r) = r else {
        return Ok(None);
    };
    Ok(Some(ECertFacts {
        campaign: r.campaign,
        patient: r.patient,
        name: r.name,
        phone: r.phone,
        email: r.email,
        code: r.code,
        face_value_kopecks: r.face_value_kopecks,
        valid_until: super::stored_date(&r.valid_until)?,
        store_name: r.store_name,
        send: r.send != 0,
    }))
}
