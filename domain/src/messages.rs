//! Messages to participants (issue #15): what a message is, its states, the settings of the SMS
//! channel, the expiry reminder's text and its placeholders, the sending window and the SMS
//! length. Plain Rust: the settings page counts an SMS's segments in the browser with the same
//! functions the server uses.
//!
//! The outbox itself (leases, retries, the worker) is in `ops/messages.rs`, its SQL in
//! `db/messages.rs`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;

use crate::error::{Check, DomainError, ErrorCode};
use crate::types::string_enum;

string_enum! {
    /// Where a message goes.
    Channel { Sms => "sms", Email => "email", Webhook => "webhook" }
}

string_enum! {
    /// A message's state in the outbox.
    MessageStatus {
        /// Waiting for its turn (or for the next attempt after a refusal).
        Queued => "queued",
        /// A worker holds its lease and is talking to the provider.
        Sending => "sending",
        /// The provider accepted it.
        Sent => "sent",
        /// The provider refused it for good (or every attempt failed).
        Failed => "failed",
        /// Nobody knows whether the provider got it: a timeout, or a lease that ran out without
        /// an answer. Never sent again by itself; the marketer may resend it.
        Unknown => "unknown",
    }
}

string_enum! {
    /// How SMS go out.
    SmsMode {
        /// Not at all: nothing is queued.
        Off => "off",
        /// Written to the server's log and marked sent (trials, demos).
        Log => "log",
        /// Through an HTTP gateway.
        Http => "http",
    }
}

string_enum! {
    HttpMethod { Get => "GET", Post => "POST" }
}

string_enum! {
    /// How e-mail goes out.
    EmailMode {
        /// Not at all: nothing is queued.
        Off => "off",
        /// Written to the server's log and marked sent (trials, demos).
        Log => "log",
        /// Through an SMTP server.
        Smtp => "smtp",
    }
}

string_enum! {
    /// How the SMTP connection is protected.
    SmtpSecurity {
        /// Plain text (a relay on the same machine or network only).
        None => "none",
        /// STARTTLS on the submission port (587), required.
        StartTls => "starttls",
        /// TLS from the first byte (465).
        Tls => "tls",
    }
}

string_enum! {
    /// Why a message was queued.
    Purpose {
        /// The reminder N days before a campaign's certificates expire (checklist item 20).
        ExpiryReminder => "expiry_reminder",
        /// A test SMS or e-mail the marketer sent while setting up a channel.
        Test => "test",
        /// A partner employee's result of the week just finished (item 17г), by SMS.
        WeeklyStandings => "weekly_standings",
        /// A store's standings of the week just finished, to its administrator by e-mail.
        StoreStandings => "store_standings",
        /// The marketer's weekly digest: the week's summary, stock alerts, overdue tasks.
        WeeklyDigest => "weekly_digest",
        /// A participant's certificate (its link), by SMS or e-mail.
        ECertificate => "e_certificate",
        /// An integration's endpoint hears of a hand-out, redemption or visit.
        Webhook => "webhook",
    }
}

impl MessageStatus {
    pub fn msg(self) -> crate::Msg {
        use crate::Msg;
        match self {
            MessageStatus::Queued => Msg::MsgQueued,
            MessageStatus::Sending => Msg::MsgSending,
            MessageStatus::Sent => Msg::MsgSent,
            MessageStatus::Failed => Msg::MsgFailed,
            MessageStatus::Unknown => Msg::MsgUnknown,
        }
    }
    /// The marketer may queue it again.
    pub fn resendable(self) -> bool {
        matches!(self, MessageStatus::Failed | MessageStatus::Unknown)
    }
}

/// The longest SMS text a template may produce, in characters (about 9 segments).
pub const MAX_TEXT: usize = 600;
/// Most messages one list shows.
pub const MAX_LIST: i64 = 500;
/// Attempts before a message that keeps being refused is failed for good.
pub const MAX_ATTEMPTS: i64 = 5;

/// A Russian SMS provider's HTTP API: what the gateway's settings become when the marketer
/// picks it (the secret and, where the provider needs one, the login are theirs to add).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    pub id: &'static str,
    pub name: &'static str,
    pub method: HttpMethod,
    pub url_template: &'static str,
    pub body_template: &'static str,
    pub auth_header: &'static str,
    pub success_pattern: &'static str,
    /// What the secret is, and what else to fill in.
    pub note_ru: &'static str,
    pub note_en: &'static str,
}

/// The providers whose HTTP APIs the settings page can fill in.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "sms_ru",
        name: "SMS.RU",
        method: HttpMethod::Get,
        url_template: "https://sms.ru/sms/send?api_id={secret}&to={phone_digits}&msg={text}&json=1",
        body_template: "",
        auth_header: "",
        success_pattern: "\"status\":\"OK\"",
        note_ru: "Секрет — api_id из личного кабинета SMS.RU.",
        note_en: "The secret is the api_id from your SMS.RU account.",
    },
    Preset {
        id: "smsc",
        name: "SMSC.RU",
        method: HttpMethod::Get,
        url_template: "https://smsc.ru/sys/send.php?login=LOGIN&psw={secret}&phones={phone_digits}&mes={text}&charset=utf-8&fmt=3",
        body_template: "",
        auth_header: "",
        success_pattern: "\"cnt\"",
        note_ru: "Замените LOGIN в адресе на логин SMSC; секрет — пароль или API-ключ.",
        note_en: "Replace LOGIN in the URL with your SMSC login; the secret is the password or API key.",
    },
    Preset {
        id: "smsaero",
        name: "SMS Aero",
        method: HttpMethod::Get,
        url_template: "https://gate.smsaero.ru/v2/sms/send?number={phone_digits}&text={text}&sign=SMS%20Aero",
        body_template: "",
        auth_header: "Authorization: Basic {secret}",
        success_pattern: "\"success\":true",
        note_ru: "Секрет — base64 от «эл. почта:API-ключ»; замените подпись SMS%20Aero на свою одобренную.",
        note_en: "The secret is base64 of \"e-mail:API key\"; replace the SMS%20Aero signature with your approved one.",
    },
];

/// A provider by its id.
pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// The seed's reminder (item 20) with placeholders.
pub const DEFAULT_REMINDER: &str = "Срок действия сертификата на {value} в стоматологии «{clinic}» истекает {date}. Успейте записаться. Звоните {phone}";

/// The placeholders a reminder's text may use.
pub const PLACEHOLDERS: &[&str] = &["{clinic}", "{value}", "{date}", "{phone}", "{code}"];

/// One message in the outbox, as the marketer's list shows it (the phone masked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct MessageView {
    pub id: i64,
    pub campaign_id: Option<i64>,
    pub campaign_name: Option<String>,
    pub purpose: String,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub channel: Channel,
    /// The phone with all but the last four digits hidden, or the e-mail address with most of
    /// its name hidden.
    pub recipient: String,
    /// An e-mail's subject.
    pub subject: Option<String>,
    pub text: String,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub status: MessageStatus,
    pub attempts: i64,
    /// RFC 3339: when the next attempt may be made (queued messages).
    pub next_attempt_at: String,
    /// The provider's answer on success (its message id), up to 200 characters.
    pub provider_id: Option<String>,
    /// Why it failed or is unknown (the provider's answer, a timeout, a withdrawn consent…).
    pub reason: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
    /// `dd.mm.yyyy HH:MM` on the clinic's clock.
    pub created_local: String,
    pub sent_local: Option<String>,
}

/// Counts of an outbox by state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct OutboxCounts {
    pub queued: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    pub unknown: i64,
}

/// The outbox page: counts and the newest messages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Outbox {
    pub counts: OutboxCounts,
    pub messages: Vec<MessageView>,
    /// The SMS channel is off: nothing is queued or sent.
    pub sms_off: bool,
    /// The e-mail channel is off.
    pub email_off: bool,
    /// The expiry reminders ahead (item 20): when each campaign's go out and to how many.
    #[serde(default)]
    pub reminders: Vec<ReminderPlan>,
    /// Outside the SMS sending window now: its hours in clinic time ("09:00–21:00"), which the
    /// queued SMS wait for.
    #[serde(default)]
    pub sms_window_closed: Option<String>,
}

/// When a campaign's expiry reminder goes out (item 20), and to how many participants as
/// things stand.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ReminderPlan {
    pub campaign_id: i64,
    pub campaign_name: String,
    /// The certificates' last day (`YYYY-MM-DD`).
    pub valid_until: String,
    /// The clinic date the reminders are queued: the settings' days before `valid_until`.
    pub send_on: String,
    /// Participants holding an unredeemed certificate with a confirmed phone and consent.
    pub participants: i64,
    /// Reminders of the campaign already in the outbox (queued or sent).
    pub queued: i64,
}

/// How messages go out, as read back: the secret is never included, only whether one is set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct MessageSettings {
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub sms_mode: SmsMode,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub http_method: HttpMethod,
    /// `https://gateway/send?to={phone_digits}&text={text}&key={secret}`.
    pub url_template: String,
    /// For POST: the body (`{…}` is sent as JSON, anything else as a form).
    pub body_template: String,
    /// An optional header, e.g. `Authorization: Bearer {secret}`.
    pub auth_header: String,
    /// A secret is stored (it is never shown).
    pub secret_set: bool,
    /// Text the provider's answer must contain to count as accepted (empty: any 2xx).
    pub success_pattern: String,
    pub timeout_ms: i64,
    /// The sending window at the clinic, minutes after midnight: from (inclusive) and to.
    pub window_from_minute: i64,
    pub window_to_minute: i64,
    pub sms_per_minute: i64,
    /// Days before the certificates' expiry the reminder goes out.
    pub reminder_days: i64,
    pub reminder_text: String,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub email_mode: EmailMode,
    pub smtp_host: String,
    pub smtp_port: i64,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub smtp_security: SmtpSecurity,
    pub smtp_user: String,
    /// An SMTP password is stored (it is never shown).
    pub smtp_password_set: bool,
    /// `Клиника «Улыбка» <promo@ulybka.ru>` or a bare address.
    pub email_from: String,
    pub emails_per_minute: i64,
    /// Each partner employee gets the week's result by SMS on Monday, each store administrator
    /// the store's standings by e-mail (item 17г).
    pub weekly_standings: bool,
    /// Each marketer gets the weekly digest by e-mail on Monday.
    pub weekly_digest: bool,
    /// Read only: the clinic's name and phone, which fill a reminder's `{clinic}` and `{phone}`
    /// (the settings page counts the SMS's length with them filled in).
    #[serde(default)]
    pub clinic_name: String,
    #[serde(default)]
    pub clinic_phone: String,
}

impl MessageSettings {
    /// The reminder as a participant would get it: the clinic's name and phone, a 500 ₽
    /// certificate valid until 30.04.2027, a code — the length to count while editing.
    pub fn reminder_example(&self, text: &str) -> String {
        render(
            text,
            &ReminderFacts {
                clinic: self.clinic_name.clone(),
                face_value_kopecks: 50_000,
                valid_until: NaiveDate::from_ymd_opt(2027, 4, 30),
                phone: self.clinic_phone.clone(),
                code: "K7QD-M2XF-R9A".into(),
            },
        )
    }
}

impl Default for MessageSettings {
    fn default() -> Self {
        MessageSettings {
            sms_mode: SmsMode::Off,
            http_method: HttpMethod::Get,
            url_template: String::new(),
            body_template: String::new(),
            auth_header: String::new(),
            secret_set: false,
            success_pattern: String::new(),
            timeout_ms: 10_000,
            window_from_minute: 9 * 60,
            window_to_minute: 21 * 60,
            sms_per_minute: 60,
            reminder_days: 7,
            reminder_text: DEFAULT_REMINDER.into(),
            email_mode: EmailMode::Off,
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_security: SmtpSecurity::StartTls,
            smtp_user: String::new(),
            smtp_password_set: false,
            email_from: String::new(),
            emails_per_minute: 60,
            weekly_standings: true,
            weekly_digest: true,
            clinic_name: String::new(),
            clinic_phone: String::new(),
        }
    }
}

/// What the marketer sends to change the settings: times as `HH:MM`, numbers as typed; an empty
/// `secret` keeps the stored one unless `clear_secret`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct MessageSettingsInput {
    pub sms_mode: String,
    #[serde(default)]
    pub http_method: String,
    #[serde(default)]
    pub url_template: String,
    #[serde(default)]
    pub body_template: String,
    #[serde(default)]
    pub auth_header: String,
    #[serde(default)]
    pub secret: String,
    #[serde(default)]
    pub clear_secret: bool,
    #[serde(default)]
    pub success_pattern: String,
    #[serde(default)]
    pub timeout_ms: String,
    #[serde(default)]
    pub send_from: String,
    #[serde(default)]
    pub send_to: String,
    #[serde(default)]
    pub sms_per_minute: String,
    #[serde(default)]
    pub reminder_days: String,
    #[serde(default)]
    pub reminder_text: String,
    /// `off` (the default when left out), `log` or `smtp`.
    #[serde(default)]
    pub email_mode: String,
    #[serde(default)]
    pub smtp_host: String,
    #[serde(default)]
    pub smtp_port: String,
    /// `none`, `starttls` (the default) or `tls`.
    #[serde(default)]
    pub smtp_security: String,
    #[serde(default)]
    pub smtp_user: String,
    /// Empty keeps the stored password unless `clear_smtp_password`.
    #[serde(default)]
    pub smtp_password: String,
    #[serde(default)]
    pub clear_smtp_password: bool,
    #[serde(default)]
    pub email_from: String,
    #[serde(default)]
    pub emails_per_minute: String,
    /// Left out: on.
    #[serde(default)]
    pub weekly_standings: Option<bool>,
    /// Left out: on.
    #[serde(default)]
    pub weekly_digest: Option<bool>,
    /// A provider's id (`sms_ru`, `smsc`, `smsaero`): the gateway's method, URL, body, header
    /// and success pattern are set from it, and SMS go through the gateway.
    #[serde(default)]
    pub preset: String,
}

/// Checked settings, with the secrets to store (`None`: keep the stored one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidSettings {
    pub settings: MessageSettings,
    pub secret: Option<String>,
    pub smtp_password: Option<String>,
}

/// The address inside `Name <address>` (or the text itself).
pub fn address_of(from: &str) -> &str {
    let t = from.trim();
    match (t.rfind('<'), t.ends_with('>')) {
        (Some(i), true) => &t[i + 1..t.len() - 1],
        _ => t,
    }
}

/// An e-mail address with most of its name hidden: `ma***@demo.sarafan`.
pub fn masked_email(email: &str) -> String {
    match email.split_once('@') {
        Some((name, host)) => {
            let shown: String = name.chars().take(2).collect();
            format!("{shown}***@{host}")
        }
        None => "***".into(),
    }
}

fn number(c: &mut Check, field: &str, text: &str, default: i64, min: i64, max: i64) -> i64 {
    let t = text.trim();
    if t.is_empty() {
        return default;
    }
    match t.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => n,
        _ => {
            c.push(field, ErrorCode::CountOutOfRange);
            default
        }
    }
}

/// `HH:MM` → minutes after midnight (`24:00` is the end of the day).
pub fn parse_hhmm(text: &str) -> Option<i64> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    let total = h * 60 + m;
    ((0..=23).contains(&h) && (0..=59).contains(&m) || total == 24 * 60).then_some(total)
}

/// Minutes after midnight as `HH:MM`.
pub fn hhmm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn text_field(c: &mut Check, field: &str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.chars().count() > max {
        c.push(field, ErrorCode::TooLong);
    }
    v.to_owned()
}

impl MessageSettingsInput {
    pub fn parse(&self) -> Result<ValidSettings, DomainError> {
        let id = self.preset.trim();
        if !id.is_empty() {
            let Some(p) = preset(id) else {
                return Err(DomainError::field("preset", ErrorCode::InvalidChoice));
            };
            let filled = MessageSettingsInput {
                sms_mode: SmsMode::Http.as_str().into(),
                http_method: p.method.as_str().into(),
                url_template: p.url_template.into(),
                body_template: p.body_template.into(),
                auth_header: p.auth_header.into(),
                success_pattern: p.success_pattern.into(),
                preset: String::new(),
                ..self.clone()
            };
            return filled.parse();
        }
        let mut c = Check::new();
        let mode = c.take(SmsMode::parse("sms_mode", &self.sms_mode));
        let method = if self.http_method.trim().is_empty() {
            Some(HttpMethod::Get)
        } else {
            c.take(HttpMethod::parse(
                "http_method",
                &self.http_method.to_uppercase(),
            ))
        };
        let url_template = text_field(&mut c, "url_template", &self.url_template, 1000);
        let body_template = text_field(&mut c, "body_template", &self.body_template, 2000);
        let auth_header = text_field(&mut c, "auth_header", &self.auth_header, 500);
        let secret = text_field(&mut c, "secret", &self.secret, 500);
        let success_pattern = text_field(&mut c, "success_pattern", &self.success_pattern, 200);
        let reminder_text = text_field(&mut c, "reminder_text", &self.reminder_text, MAX_TEXT);
        let d = MessageSettings::default();
        let timeout_ms = number(
            &mut c,
            "timeout_ms",
            &self.timeout_ms,
            d.timeout_ms,
            50,
            60_000,
        );
        let sms_per_minute = number(
            &mut c,
            "sms_per_minute",
            &self.sms_per_minute,
            d.sms_per_minute,
            1,
            10_000,
        );
        let reminder_days = number(
            &mut c,
            "reminder_days",
            &self.reminder_days,
            d.reminder_days,
            1,
            60,
        );
        let window = |c: &mut Check, field: &str, text: &str, default: i64| {
            if text.trim().is_empty() {
                return default;
            }
            parse_hhmm(text).unwrap_or_else(|| {
                c.push(field, ErrorCode::InvalidChoice);
                default
            })
        };
        let email_mode = if self.email_mode.trim().is_empty() {
            Some(EmailMode::Off)
        } else {
            c.take(EmailMode::parse("email_mode", self.email_mode.trim()))
        };
        let smtp_security = if self.smtp_security.trim().is_empty() {
            Some(SmtpSecurity::StartTls)
        } else {
            c.take(SmtpSecurity::parse(
                "smtp_security",
                self.smtp_security.trim(),
            ))
        };
        let smtp_host = text_field(&mut c, "smtp_host", &self.smtp_host, 255);
        let smtp_user = text_field(&mut c, "smtp_user", &self.smtp_user, 255);
        let smtp_password = text_field(&mut c, "smtp_password", &self.smtp_password, 500);
        let email_from = text_field(&mut c, "email_from", &self.email_from, 300);
        let default_port = match smtp_security {
            Some(SmtpSecurity::Tls) => 465,
            Some(SmtpSecurity::None) => 25,
            _ => 587,
        };
        let smtp_port = number(
            &mut c,
            "smtp_port",
            &self.smtp_port,
            default_port,
            1,
            65_535,
        );
        let emails_per_minute = number(
            &mut c,
            "emails_per_minute",
            &self.emails_per_minute,
            d.emails_per_minute,
            1,
            10_000,
        );
        if !email_from.is_empty() {
            c.take(crate::types::Email::parse(
                "email_from",
                address_of(&email_from),
            ));
        }
        if email_mode == Some(EmailMode::Smtp) {
            let host_ok = !smtp_host.is_empty()
                && !smtp_host
                    .chars()
                    .any(|ch| ch.is_whitespace() || ch == '/' || ch == ':');
            if !host_ok {
                c.push("smtp_host", ErrorCode::InvalidChoice);
            }
        }
        if email_mode != Some(EmailMode::Off) && email_from.is_empty() {
            c.push("email_from", ErrorCode::Required);
        }
        let from = window(&mut c, "send_from", &self.send_from, d.window_from_minute);
        let to = window(&mut c, "send_to", &self.send_to, d.window_to_minute);
        if from >= to {
            c.push("send_to", ErrorCode::EndBeforeStart);
        }
        if mode == Some(SmsMode::Http) {
            let ok = url_template.starts_with("http://") || url_template.starts_with("https://");
            if !ok || url_template.chars().any(char::is_whitespace) {
                c.push("url_template", ErrorCode::InvalidChoice);
            }
            if !auth_header.is_empty() && !auth_header.contains(':') {
                c.push("auth_header", ErrorCode::InvalidChoice);
            }
        }
        c.finish()?;
        let reminder_text = if reminder_text.is_empty() {
            DEFAULT_REMINDER.to_owned()
        } else {
            reminder_text
        };
        Ok(ValidSettings {
            settings: MessageSettings {
                sms_mode: mode.unwrap_or(SmsMode::Off),
                http_method: method.unwrap_or(HttpMethod::Get),
                url_template,
                body_template,
                auth_header,
                secret_set: false,
                success_pattern,
                timeout_ms,
                window_from_minute: from,
                window_to_minute: to,
                sms_per_minute,
                reminder_days,
                reminder_text,
                email_mode: email_mode.unwrap_or(EmailMode::Off),
                smtp_host,
                smtp_port,
                smtp_security: smtp_security.unwrap_or(SmtpSecurity::StartTls),
                smtp_user,
                smtp_password_set: false,
                email_from,
                emails_per_minute,
                weekly_standings: self.weekly_standings.unwrap_or(true),
                weekly_digest: self.weekly_digest.unwrap_or(true),
                clinic_name: String::new(),
                clinic_phone: String::new(),
            },
            smtp_password: if self.clear_smtp_password {
                Some(String::new())
            } else if smtp_password.is_empty() {
                None
            } else {
                Some(smtp_password)
            },
            secret: if self.clear_secret {
                Some(String::new())
            } else if secret.is_empty() {
                None
            } else {
                Some(secret)
            },
        })
    }
}

/// May an SMS go out at this local minute of the clinic's day?
pub fn in_window(s: &MessageSettings, local_minute: i64) -> bool {
    (s.window_from_minute..s.window_to_minute).contains(&local_minute)
}

/// What fills a reminder's placeholders.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReminderFacts {
    pub clinic: String,
    pub face_value_kopecks: i64,
    pub valid_until: Option<NaiveDate>,
    pub phone: String,
    pub code: String,
}

/// "1 рубль", "2 рубля", "500 рублей" (Russian plural rules; kopecks shown only when there are).
pub fn rubles(kopecks: i64) -> String {
    let r = kopecks / 100;
    let k = kopecks % 100;
    let word = match (r % 10, r % 100) {
        (_, 11..=14) => "рублей",
        (1, _) => "рубль",
        (2..=4, _) => "рубля",
        _ => "рублей",
    };
    if k == 0 {
        format!("{r} {word}")
    } else {
        format!("{r},{k:02} {word}")
    }
}

/// Fills a template's placeholders.
pub fn render(template: &str, f: &ReminderFacts) -> String {
    let date = f
        .valid_until
        .map(|d| d.format("%d.%m.%Y").to_string())
        .unwrap_or_default();
    template
        .replace("{clinic}", &f.clinic)
        .replace("{value}", &rubles(f.face_value_kopecks))
        .replace("{date}", &date)
        .replace("{phone}", &f.phone)
        .replace("{code}", &f.code)
}

/// An SMS's length: characters and segments (GSM 7-bit: 160, 153 per part; anything else, as
/// any Cyrillic: UCS-2, 70, 67 per part).
pub fn sms_segments(text: &str) -> (usize, usize) {
    const GSM: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    const GSM_EXT: &str = "^{}\\[~]|€";
    let gsm = text.chars().all(|c| GSM.contains(c) || GSM_EXT.contains(c));
    let len = if gsm {
        text.chars()
            .map(|c| if GSM_EXT.contains(c) { 2 } else { 1 })
            .sum()
    } else {
        text.encode_utf16().count()
    };
    let (single, part) = if gsm { (160, 153) } else { (70, 67) };
    let segments = if len == 0 {
        0
    } else if len <= single {
        1
    } else {
        len.div_ceil(part)
    };
    (len, segments)
}

/// Percent-encodes every byte but letters, digits and `-._~` (RFC 3986 unreserved): URL
/// templates of the SMS gateway, and RFC 5987 file names in `Content-Disposition`.
pub fn url_encoded(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A JSON string's inside (no quotes).
pub fn json_escaped(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or_default()
        .to_owned()
}

/// Fills a gateway template: `{phone}` (+7…), `{phone_digits}` (7…), `{text}`, `{secret}`, each
/// passed through `escape`.
pub fn fill_gateway(
    template: &str,
    phone: &str,
    text: &str,
    secret: &str,
    escape: impl Fn(&str) -> String,
) -> String {
    template
        .replace("{phone_digits}", &escape(phone.trim_start_matches('+')))
        .replace("{phone}", &escape(phone))
        .replace("{text}", &escape(text))
        .replace("{secret}", &escape(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roubles_follow_russian_plural_rules() {
        assert_eq!(rubles(100), "1 рубль");
        assert_eq!(rubles(300), "3 рубля");
        assert_eq!(rubles(50_000), "500 рублей");
        assert_eq!(rubles(1_100), "11 рублей");
        assert_eq!(rubles(2_100), "21 рубль");
        assert_eq!(rubles(2_250), "22,50 рубля");
    }

    #[test]
    fn the_seed_reminder_is_filled_from_the_campaign() {
        let f = ReminderFacts {
            clinic: "Улыбка".into(),
            face_value_kopecks: 50_000,
            valid_until: NaiveDate::from_ymd_opt(2027, 4, 30),
            phone: "+7 495 123-45-67".into(),
            code: "K7QD-M2XF-R9A".into(),
        };
        assert_eq!(
            render(DEFAULT_REMINDER, &f),
            "Срок действия сертификата на 500 рублей в стоматологии «Улыбка» истекает 30.04.2027. Успейте записаться. Звоните +7 495 123-45-67"
        );
    }

    #[test]
    fn cyrillic_sms_are_counted_in_ucs2_segments() {
        assert_eq!(sms_segments("Hello"), (5, 1));
        assert_eq!(sms_segments(&"a".repeat(161)), (161, 2));
        assert_eq!(sms_segments(&"я".repeat(70)), (70, 1));
        assert_eq!(sms_segments(&"я".repeat(71)), (71, 2));
        assert_eq!(sms_segments(&"я".repeat(135)), (135, 3));
    }

    #[test]
    fn the_window_is_checked_in_minutes_of_the_clinic_day() {
        let s = MessageSettings::default();
        assert!(!in_window(&s, 8 * 60 + 59));
        assert!(in_window(&s, 9 * 60));
        assert!(in_window(&s, 20 * 60 + 59));
        assert!(!in_window(&s, 21 * 60));
        assert_eq!(parse_hhmm("9:30"), Some(570));
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        assert_eq!(parse_hhmm("25:00"), None);
        assert_eq!(hhmm(570), "09:30");
    }

    #[test]
    fn settings_refuse_a_gateway_without_a_url_and_keep_the_secret_when_left_empty() {
        let mut i = MessageSettingsInput {
            sms_mode: "http".into(),
            url_template: "ftp://x".into(),
            ..Default::default()
        };
        assert!(i.parse().is_err());
        i.url_template = "https://gw.test/send?to={phone}&text={text}&key={secret}".into();
        let v = i.parse().expect("valid");
        assert_eq!(v.secret, None);
        assert_eq!(v.settings.reminder_text, DEFAULT_REMINDER);
        i.secret = "s3cret".into();
        assert_eq!(i.parse().expect("valid").secret.as_deref(), Some("s3cret"));
        i.send_from = "21:00".into();
        i.send_to = "09:00".into();
        assert!(i.parse().is_err());
    }

    #[test]
    fn gateway_templates_escape_what_they_fill_in() {
        let url = fill_gateway(
            "https://gw/s?to={phone_digits}&t={text}&k={secret}",
            "+79001234567",
            "Привет & пока",
            "a b",
            url_encoded,
        );
        assert_eq!(
            url,
            "https://gw/s?to=79001234567&t=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82%20%26%20%D0%BF%D0%BE%D0%BA%D0%B0&k=a%20b"
        );
        assert_eq!(json_escaped("a\"b"), "a\\\"b");
    }
}
