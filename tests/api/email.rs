//! E-mail (issue #15): messages go through a real SMTP server started here (aiosmtpd, a Python
//! SMTP implementation: `tests/smtp_server.py`) with a user name and password; a permanent
//! refusal fails a message, a temporary one is tried again. On the clinic's Monday, once the
//! sending window opens, each partner employee gets the week's result by SMS, each store's
//! administrator the store's standings by e-mail, and each marketer the week's digest — once,
//! whichever instance queues them.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use domain::auth::Actor;
use domain::model::PersonInput;
use domain::ops;
use domain::ops::messages::Worker;
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Api, TestApp, promo, spawn_app};

// ---------- the SMTP server ----------

const SMTP_USER: &str = "sarafan";
const SMTP_PASSWORD: &str = "p4ss-w0rd";

/// aiosmtpd on a free port; every message it accepts, as JSON (from, to, subject, text, user).
pub(crate) struct SmtpServer {
    pub port: u16,
    child: Child,
    /// Closing it stops the server.
    stdin: Option<ChildStdin>,
    received: Arc<Mutex<Vec<Value>>>,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/smtp_server.py");
        let mut child = Command::new("python3")
            .args([script, SMTP_USER, SMTP_PASSWORD])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (pip install aiosmtpd) must be installed");
        let stdin = child.stdin.take();
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let port = loop {
            let line = lines
                .next()
                .expect("the SMTP server said nothing")
                .expect("line");
            if let Some(p) = line.strip_prefix("READY ") {
                break p.trim().parse().expect("port");
            }
        };
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = received.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str::<Value>(&line) {
                    sink.lock().expect("received").push(v);
                }
            }
        });
        SmtpServer {
            port,
            child,
            stdin,
            received,
        }
    }

    pub fn received(&self) -> Vec<Value> {
        self.received.lock().expect("received").clone()
    }

    /// The messages accepted so far, once there are at least `n` (the server reports each
    /// within milliseconds of accepting it).
    pub fn wait_for(&self, n: usize) -> Vec<Value> {
        let until = Instant::now() + StdDuration::from_secs(10);
        loop {
            let got = self.received();
            if got.len() >= n || Instant::now() > until {
                return got;
            }
            std::thread::sleep(StdDuration::from_millis(20));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(mut s) = self.stdin.take() {
            let _ = s.flush();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------- the clinic ----------

/// A moment at the clinic (Moscow) in November/December 2026.
fn moscow(month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, hour, minute, 0)
        .single()
        .expect("instant")
        - chrono::Duration::hours(3)
}

pub(crate) async fn clinic_named(app: &TestApp) {
    ops::settings::update(
        &app.db,
        &Actor::system(),
        &domain::model::ClinicSettings {
            name: "Белая улыбка".into(),
            address: String::new(),
            phone: "+7 495 123-45-67".into(),
            public_url: "https://promo.belaya-ulybka.ru".into(),
            time_zone: "Europe/Moscow".into(),
            currency: "RUB".into(),
            weekly_check_day: 1,
            margin_percent: 40,
        },
    )
    .await
    .expect("clinic settings");
}

async fn person(
    app: &TestApp,
    role: Role,
    store: Option<i64>,
    name: &str,
    phone: &str,
    email: &str,
) -> (i64, Api) {
    let p = ops::people::create_person(
        &app.db,
        &Actor::system(),
        &PersonInput {
            name: name.into(),
            phone: phone.into(),
            email: email.into(),
            role: role.as_str().into(),
            store_id: store,
        },
    )
    .await
    .expect("person");
    (p.id, app.signed_in(p.id, role).await)
}

/// E-mail through the SMTP server started here (plain connection on 127.0.0.1, AUTH), SMS in
/// the log-only mode.
pub(crate) async fn smtp_settings(marketer: &Api, smtp: &SmtpServer, extra: Value) -> Value {
    let mut body = json!({
        "sms_mode": "log",
        "email_mode": "smtp",
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp.port.to_string(),
        "smtp_security": "none",
        "smtp_user": SMTP_USER,
        "smtp_password": SMTP_PASSWORD,
        "email_from": "promo@belaya-ulybka.ru",
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    let (s, v) = marketer.put("/message-settings", body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn messages_of(outbox: &Value, purpose: &str) -> Vec<Value> {
    outbox["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["purpose"] == purpose)
        .cloned()
        .collect()
}

// ---------- tests ----------

#[tokio::test]
async fn a_test_email_reaches_the_smtp_server_signed_in_and_the_password_is_never_shown() {
    let app = spawn_app().await;
    clinic_named(&app).await;
    let smtp = SmtpServer::start();
    let marketer = app.api(&app.token(Role::Marketer, None).await);

    let settings = smtp_settings(&marketer, &smtp, json!({})).await;
    assert_eq!(settings["smtp_password_set"], json!(true));
    assert!(!settings.to_string().contains(SMTP_PASSWORD), "{settings}");
    let (_, again) = marketer.get("/message-settings").await;
    assert!(!again.to_string().contains(SMTP_PASSWORD));
    assert_eq!(again["email_mode"], "smtp");

    let (s, m) = marketer
        .post(
            "/message-settings/test",
            json!({"email": "Admin@Belaya-Ulybka.ru"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["channel"], "email");
    assert_eq!(
        m["recipient"], "ad***@belaya-ulybka.ru",
        "the address is shown masked"
    );

    let t = Worker::new(app.db.clone(), "worker-a")
        .tick()
        .await
        .expect("tick");
    assert_eq!(t.sent, 1, "{t:?}");
    let got = smtp.wait_for(1);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["to"], json!(["admin@belaya-ulybka.ru"]));
    assert_eq!(got[0]["subject"], "Белая улыбка: проверка эл. почты");
    assert_eq!(got[0]["from"], "Белая улыбка <promo@belaya-ulybka.ru>");
    assert_eq!(
        got[0]["user"], SMTP_USER,
        "the worker signed in with the stored password"
    );
    assert!(got[0]["text"].as_str().unwrap_or("").contains("настроена"));

    let (_, outbox) = marketer.get("/messages").await;
    let sent = &outbox["messages"][0];
    assert_eq!(sent["status"], "sent");
    assert!(
        sent["provider_id"]
            .as_str()
            .unwrap_or("")
            .starts_with("250"),
        "{sent}"
    );
}

#[tokio::test]
async fn a_refused_address_fails_for_good_and_a_greylisted_one_is_tried_again_later() {
    let app = spawn_app().await;
    clinic_named(&app).await;
    let smtp = SmtpServer::start();
    let marketer = app.api(&app.token(Role::Marketer, None).await);
    smtp_settings(&marketer, &smtp, json!({})).await;
    for to in ["reject-me@example.ru", "later-please@example.ru"] {
        let (s, m) = marketer
            .post("/message-settings/test", json!({"email": to}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
    }
    let worker = Worker::new(app.db.clone(), "worker-a");
    let t = worker.tick().await.expect("tick");
    assert_eq!((t.sent, t.failed, t.retried), (0, 1, 1), "{t:?}");
    assert!(smtp.received().is_empty());

    let (_, outbox) = marketer.get("/messages").await;
    let by_status = |s: &str| {
        outbox["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .find(|m| m["status"] == s)
            .cloned()
            .unwrap_or_default()
    };
    let failed = by_status("failed");
    assert_eq!(failed["recipient"], "re***@example.ru");
    assert!(
        failed["reason"].as_str().unwrap_or("").contains("550"),
        "{failed}"
    );
    let queued = by_status("queued");
    assert!(
        queued["reason"].as_str().unwrap_or("").contains("451"),
        "{queued}"
    );
    assert_eq!(queued["attempts"], 1);

    // The next attempt waits for its pause (30 s); the refused one is never tried again.
    assert_eq!(worker.tick().await.expect("tick").retried, 0);
    app.clock().advance(chrono::Duration::seconds(31));
    assert_eq!(worker.tick().await.expect("tick").retried, 1);
}

#[tokio::test]
async fn a_wrong_smtp_setting_is_refused_by_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let marketer = app.api(&app.token(Role::Marketer, None).await);
    let (s, v) = marketer
        .put(
            "/message-settings",
            json!({"sms_mode": "off", "email_mode": "smtp", "smtp_host": "smtp example.ru",
                   "smtp_port": "70000", "smtp_security": "ssl3", "email_from": "not an address"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let fields: Vec<&str> = v["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    for f in ["smtp_host", "smtp_port", "smtp_security", "email_from"] {
        assert!(fields.contains(&f), "{f} named in {v}");
    }
    let (_, now) = marketer.get("/message-settings").await;
    assert_eq!(now["email_mode"], "off", "nothing was saved");
    // A test e-mail while e-mail is off is refused, naming the channel.
    let (s, v) = marketer
        .post("/message-settings/test", json!({"email": "a@b.ru"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("email_mode"), "{v}");
}

/// A store with two employees and its administrator's e-mail; a campaign from 16 November;
/// three hand-outs on Wednesday 25 November (Maria two, Oleg one), one redeemed on Friday.
async fn week_of_handouts(app: &TestApp) -> (Api, i64) {
    clinic_named(app).await;
    app.clock().set(moscow(11, 25, 12, 0));
    let (_, marketer) = person(
        app,
        Role::Marketer,
        None,
        "Ольга Маркова",
        "",
        "olga@belaya-ulybka.ru",
    )
    .await;
    let p = promo(
        &marketer,
        json!({"admin_name": "Инна Белова", "admin_email": "Tverskaya@Atlet.ru"}),
        json!({"end_date": "2026-12-20", "valid_until": "2026-12-31"}),
        5,
    )
    .await;
    let (_, store) = marketer.get(&format!("/stores/{}", p.store)).await;
    assert_eq!(store["admin_email"], "tverskaya@atlet.ru");
    let (store, campaign, codes) = (p.store, p.campaign, p.codes);
    let (_, maria) = person(
        app,
        Role::StoreStaff,
        Some(store),
        "Мария Кассирова",
        "+7 916 500-00-01",
        "",
    )
    .await;
    let (_, oleg) = person(
        app,
        Role::StoreStaff,
        Some(store),
        "Олег Продавцов",
        "+7 916 500-00-02",
        "",
    )
    .await;
    for (who, code, name, phone) in [
        (&maria, &codes[0], "Анна Иванова", "+7 916 111-22-33"),
        (&maria, &codes[1], "Борис Петров", "+7 916 222-33-44"),
        (&oleg, &codes[2], "Вера Сидорова", "+7 916 333-44-55"),
    ] {
        let (s, h) = who
            .post(
                "/handouts",
                json!({"code": code, "name": name, "phone": phone, "consent": true}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{h}");
    }
    app.clock().set(moscow(11, 27, 11, 0));
    let reception = app.api(&app.token(Role::Reception, None).await);
    let (s, r) = reception
        .post(
            "/redemptions",
            json!({"code": codes[0], "idempotency_key": "anna-1"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    (marketer, campaign)
}

#[tokio::test]
async fn on_monday_staff_get_their_week_by_sms_the_store_admin_its_standings_and_the_marketer_a_digest()
 {
    let app = spawn_app().await;
    let smtp = SmtpServer::start();
    let (_, campaign) = week_of_handouts(&app).await;
    // A fresh session: the marketer's from Wednesday ended after 12 idle hours.
    let marketer = app.api(&app.token(Role::Marketer, None).await);
    smtp_settings(&marketer, &smtp, json!({})).await;
    let worker = Worker::new(app.db.clone(), "worker-a");

    // Sunday evening and Monday before the sending window (09:00): nothing yet.
    app.clock().set(moscow(11, 29, 20, 0));
    assert_eq!(worker.tick().await.expect("tick").weekly_queued, 0);
    app.clock().set(moscow(11, 30, 8, 59));
    assert_eq!(worker.tick().await.expect("tick").weekly_queued, 0);

    // Monday 09:00: two SMS, one store e-mail, one digest — and all sent.
    app.clock().set(moscow(11, 30, 9, 0));
    let t = worker.tick().await.expect("tick");
    assert_eq!(t.weekly_queued, 4, "{t:?}");
    assert_eq!(t.sent, 4, "{t:?}");

    let (_, outbox) = marketer
        .get(&format!("/campaigns/{campaign}/messages"))
        .await;
    let sms = messages_of(&outbox, "weekly_standings");
    assert_eq!(sms.len(), 2, "{outbox}");
    let maria = sms
        .iter()
        .find(|m| m["recipient"].as_str().unwrap_or("").ends_with("00-01"))
        .expect("Maria's SMS");
    assert_eq!(
        maria["text"],
        "Белая улыбка: итоги недели 23.11–29.11. Вы выдали 2, пришли в клинику 1; бонус 0 рублей. Место 1 из 2, магазин — 1 из 1. Спасибо!"
    );

    let mails = smtp.wait_for(2);
    assert_eq!(mails.len(), 2, "{mails:?}");
    let store = mails
        .iter()
        .find(|m| m["to"] == json!(["tverskaya@atlet.ru"]))
        .expect("the store's e-mail");
    assert_eq!(store["subject"], "Итоги недели 23.11–29.11: Тверская");
    let text = store["text"].as_str().unwrap_or("");
    assert!(
        text.contains("Тверская: выдано сертификатов 3, пришли в клинику 1"),
        "{text}"
    );
    assert!(
        text.contains("- Мария Кассирова: выдано 2, пришли 1"),
        "{text}"
    );
    assert!(
        text.contains("- Олег Продавцов: выдано 1, пришли 0"),
        "{text}"
    );

    let digest = mails
        .iter()
        .find(|m| m["to"] == json!(["olga@belaya-ulybka.ru"]))
        .expect("the marketer's digest");
    assert_eq!(digest["subject"], "Сарафан: итоги недели 23.11–29.11");
    let text = digest["text"].as_str().unwrap_or("");
    assert!(
        text.contains("Акция «Зима»: выдано сертификатов 3, контактов 3, пришли в клинику 1"),
        "{text}"
    );
    assert!(text.contains("Больше всех выдали: Тверская (3)."), "{text}");
    assert!(
        text.contains("Открыть Сарафан: https://promo.belaya-ulybka.ru/"),
        "{text}"
    );

    // Later ticks, and a second instance on the same database, queue nothing again.
    assert_eq!(worker.tick().await.expect("tick").weekly_queued, 0);
    let other = Worker::new(app.db.clone(), "worker-b");
    let t = other.tick().await.expect("tick");
    assert_eq!((t.weekly_queued, t.sent), (0, 0), "{t:?}");
    assert_eq!(smtp.wait_for(3).len(), 2);
}

#[tokio::test]
async fn weekly_messages_switched_off_are_not_queued() {
    let app = spawn_app().await;
    let smtp = SmtpServer::start();
    week_of_handouts(&app).await;
    let marketer = app.api(&app.token(Role::Marketer, None).await);
    smtp_settings(
        &marketer,
        &smtp,
        json!({"weekly_standings": false, "weekly_digest": false}),
    )
    .await;
    app.clock().set(moscow(11, 30, 12, 0));
    let t = Worker::new(app.db.clone(), "worker-a")
        .tick()
        .await
        .expect("tick");
    assert_eq!(t.weekly_queued, 0, "{t:?}");
    assert_eq!(app.count("messages").await, 0);
}
