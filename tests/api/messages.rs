//! Messages to participants (issue #15): the expiry reminder queued once on its clinic day for
//! the participants who hold an unredeemed certificate and still consent, delivered through a
//! durable outbox to an SMS gateway simulator started here — which answers like a provider,
//! and can be told to fail, time out or rate-limit. Two workers on one database send each
//! message once; a lease that runs out without an answer leaves the message `unknown`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use axum::extract::{Query, State};
use axum::http::StatusCode as AxStatus;
use axum::routing::get;
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::auth::Actor;
use domain::db::Db;
use domain::ops;
use domain::ops::messages::Worker;
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Api, TestApp, promo, spawn_app};

// ---------- the SMS gateway simulator ----------

/// How the simulated provider answers the next requests.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Accept,
    /// HTTP 500.
    Fail,
    /// HTTP 200 with an error status in the body (the success pattern does not match).
    Reject,
    /// HTTP 429.
    RateLimit,
    /// Answers after this many milliseconds.
    Slow(u64),
    /// Accepts this many messages in all, then keeps the next request waiting (for a minute).
    HangAfter(usize),
}

#[derive(Default)]
struct SimState {
    mode: Option<Mode>,
    /// (phone, text, key) of every request that reached it, accepted or not.
    received: Vec<(String, String, String)>,
    accepted: Vec<String>,
}

#[derive(Clone)]
struct Sim {
    addr: SocketAddr,
    state: Arc<Mutex<SimState>>,
}

impl Sim {
    async fn start() -> Sim {
        let state = Arc::new(Mutex::new(SimState::default()));
        let app = axum::Router::new()
            .route("/sms/send", get(sim_send))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Sim { addr, state }
    }
    fn set(&self, mode: Mode) {
        self.state.lock().expect("sim").mode = Some(mode);
    }
    fn received(&self) -> Vec<(String, String, String)> {
        self.state.lock().expect("sim").received.clone()
    }
    fn accepted(&self) -> Vec<String> {
        self.state.lock().expect("sim").accepted.clone()
    }
    /// The URL template of this provider (sms.ru-like: a key in the query, JSON answer).
    fn template(&self) -> String {
        format!(
            "http://{}/sms/send?api_id={{secret}}&to={{phone_digits}}&msg={{text}}&json=1",
            self.addr
        )
    }
}

async fn sim_send(
    State(state): State<Arc<Mutex<SimState>>>,
    Query(q): Query<HashMap<String, String>>,
) -> (AxStatus, String) {
    let to = q.get("to").cloned().unwrap_or_default();
    let mode = {
        let mut s = state.lock().expect("sim");
        s.received.push((
            to.clone(),
            q.get("msg").cloned().unwrap_or_default(),
            q.get("api_id").cloned().unwrap_or_default(),
        ));
        s.mode.unwrap_or(Mode::Accept)
    };
    if q.get("api_id").map(String::as_str) != Some("k3y-s3cret") {
        return (
            AxStatus::OK,
            r#"{"status":"ERROR","status_code":200,"status_text":"Неправильный api_id"}"#.into(),
        );
    }
    match mode {
        Mode::Fail => (AxStatus::INTERNAL_SERVER_ERROR, "gateway down".into()),
        Mode::RateLimit => (AxStatus::TOO_MANY_REQUESTS, "slow down".into()),
        Mode::Reject => (
            AxStatus::OK,
            r#"{"status":"ERROR","status_code":202,"status_text":"Неправильно указан номер получателя"}"#.into(),
        ),
        Mode::Slow(_) | Mode::Accept | Mode::HangAfter(_) => {
            if let Mode::Slow(ms) = mode {
                tokio::time::sleep(StdDuration::from_millis(ms)).await;
            }
            let hang = matches!(mode, Mode::HangAfter(n) if state.lock().expect("sim").accepted.len() >= n);
            if hang {
                tokio::time::sleep(StdDuration::from_secs(60)).await;
                return (AxStatus::SERVICE_UNAVAILABLE, "too late".into());
            }
            let n = {
                let mut s = state.lock().expect("sim");
                s.accepted.push(to.clone());
                s.accepted.len()
            };
            (
                AxStatus::OK,
                format!(r#"{{"status":"OK","status_code":100,"sms":{{"{to}":{{"status":"OK","sms_id":"000-{n:06}"}}}}}}"#),
            )
        }
    }
}

// ---------- the clinic ----------

struct Clinic {
    marketer: Api,
    staff: Api,
    reception: Api,
    campaign: i64,
    codes: Vec<String>,
}

/// 10:00 at the clinic (Moscow) on a day of December 2026.
fn moscow(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, day, hour, minute, 0)
        .single()
        .expect("instant")
        - Duration::hours(3)
}

/// A campaign whose certificates are valid until 10 December 2026: with the default 7 days,
/// the reminder's day is 3 December.
async fn clinic(app: &TestApp, certificates: usize) -> Clinic {
    let marketer = app.api(&app.token(Role::Marketer, None).await);
    let p = promo(
        &marketer,
        json!({}),
        json!({"end_date": "2026-12-05", "valid_until": "2026-12-10"}),
        certificates,
    )
    .await;
    let (store, campaign, codes) = (p.store, p.campaign, p.codes);
    ops::settings::update(
        &app.db,
        &Actor::system(),
        &domain::model::ClinicSettings {
            name: "Белая улыбка".into(),
            address: String::new(),
            phone: "+7 495 123-45-67".into(),
            public_url: String::new(),
            time_zone: "Europe/Moscow".into(),
            currency: "RUB".into(),
            weekly_check_day: 1,
            margin_percent: 40,
        },
    )
    .await
    .expect("clinic settings");
    Clinic {
        staff: app
            .person(Role::StoreStaff, Some(store), "Мария Кассирова")
            .await
            .1,
        reception: app.api(&app.token(Role::Reception, None).await),
        marketer,
        campaign,
        codes,
    }
}

impl Clinic {
    async fn hand_out(&self, i: usize, name: &str, phone: &str) {
        let (s, h) = self
            .staff
            .post(
                "/handouts",
                json!({"code": self.codes[i], "name": name, "phone": phone, "consent": true}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{h}");
    }

    async fn participant(&self, phone_digits: &str) -> i64 {
        let (_, found) = self
            .marketer
            .get(&format!("/participants?q=%2B{phone_digits}"))
            .await;
        found[0]["id"].as_i64().expect("participant")
    }

    async fn gateway(&self, sim: &Sim, extra: Value) -> Value {
        let mut body = json!({
            "sms_mode": "http",
            "http_method": "GET",
            "url_template": sim.template(),
            "secret": "k3y-s3cret",
            "success_pattern": "\"status\":\"OK\"",
            "timeout_ms": "300",
            "sms_per_minute": "1000",
        });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        let (s, v) = self.marketer.put("/message-settings", body).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }

    async fn outbox(&self) -> Value {
        let (s, v) = self.marketer.get("/messages").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }
}

fn statuses(outbox: &Value) -> Vec<String> {
    let mut v: Vec<String> = outbox["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["status"].as_str().unwrap_or("").to_owned())
        .collect();
    v.sort();
    v
}

/// Three participants: Anna and Boris hold their certificates, Vera redeemed hers.
async fn three_participants(c: &Clinic) {
    c.hand_out(0, "Анна Иванова", "+7 916 111-22-33").await;
    c.hand_out(1, "Борис Петров", "+7 916 222-33-44").await;
    c.hand_out(2, "Вера Сидорова", "+7 916 333-44-55").await;
    let (s, r) = c
        .reception
        .post(
            "/redemptions",
            json!({"code": c.codes[2], "idempotency_key": "vera-1"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
}

async fn expiry_task(db: &Db, campaign: i64) -> (String, Option<i64>) {
    sqlx::query_as(
        "SELECT t.state, t.reach FROM tasks t JOIN checklist_items i ON i.id = t.item_id
         WHERE t.campaign_id = $1 AND i.builtin = 'expiry_sms'",
    )
    .bind(campaign)
    .fetch_one(&db.pool)
    .await
    .expect("item 20 task")
}

/// Queues `n` SMS of the campaign in one write, to numbers from `+7916` `first`, keyed
/// `{prefix}:{i}`.
async fn queue_sms(app: &TestApp, campaign: i64, prefix: &str, first: usize, n: usize) {
    let mut w = app.db.write(&Actor::system()).await.expect("write");
    for i in 0..n {
        let phone = format!("+7916{:07}", first + i);
        let key = format!("{prefix}:{i}");
        let m = domain::db::messages::NewMessage {
            campaign_id: Some(campaign),
            patient_id: None,
            purpose: "expiry_reminder",
            dedup_key: &key,
            channel: "sms",
            recipient: &phone,
            subject: None,
            body: "Проверка",
        };
        assert!(
            domain::db::messages::enqueue(&mut *w.tx, &m, w.at)
                .await
                .expect("enqueue")
                .is_some(),
            "{key} queued once"
        );
    }
    w.commit().await.expect("commit");
}

// ---------- tests ----------

#[tokio::test]
async fn the_expiry_reminder_goes_once_on_its_day_to_each_holder_of_an_unredeemed_certificate() {
    let app = spawn_app().await;
    let sim = Sim::start().await;
    let c = clinic(&app, 4).await;
    three_participants(&c).await;
    let settings = c.gateway(&sim, json!({})).await;
    assert_eq!(settings["secret_set"], json!(true));
    assert!(
        !settings.to_string().contains("k3y-s3cret"),
        "the secret is never shown back"
    );
    let (_, again) = c.marketer.get("/message-settings").await;
    assert!(!again.to_string().contains("k3y-s3cret"));
    let worker = Worker::new(app.db.clone(), "worker-a");

    // 2 December: the day before the reminder's — nothing, and the outbox says when it goes
    // and to how many (Vera redeemed hers).
    app.clock().set(moscow(2, 12, 0));
    let t = worker.tick().await.expect("tick");
    assert_eq!(t.reminders_queued, 0);
    assert_eq!(app.count("messages").await, 0);
    let plan = &c.outbox().await["reminders"][0];
    assert_eq!(
        (
            &plan["valid_until"],
            &plan["send_on"],
            &plan["participants"],
            &plan["queued"]
        ),
        (
            &json!("2026-12-10"),
            &json!("2026-12-03"),
            &json!(2),
            &json!(0)
        ),
        "{plan}"
    );

    // 3 December (valid until 10 December, 7 days before): one SMS to Anna and one to Boris.
    app.clock().set(moscow(3, 12, 0));
    let t = worker.tick().await.expect("tick");
    assert_eq!(t.reminders_queued, 2, "{t:?}");
    assert_eq!(t.sent, 2, "{t:?}");
    let got = sim.received();
    let mut phones: Vec<&str> = got.iter().map(|r| r.0.as_str()).collect();
    phones.sort();
    assert_eq!(phones, ["79161112233", "79162223344"], "Vera redeemed hers");
    assert_eq!(
        got[0].1,
        "Срок действия сертификата на 500 рублей в стоматологии «Белая улыбка» истекает 10.12.2026. Успейте записаться. Звоните +7 495 123-45-67"
    );
    assert_eq!(got[0].2, "k3y-s3cret", "the secret fills {{secret}}");

    // Later ticks, and another day of the window, never queue it again.
    worker.tick().await.expect("tick");
    app.clock().set(moscow(5, 12, 0));
    assert_eq!(ops::messages::queue_reminders(&app.db).await.expect("q"), 0);
    worker.tick().await.expect("tick");
    assert_eq!(app.count("messages").await, 2);
    assert_eq!(sim.received().len(), 2);

    // The outbox: sent, phones masked, the provider's id kept; item 20 done with the count.
    let o = c.outbox().await;
    assert_eq!(statuses(&o), ["sent", "sent"]);
    assert_eq!(o["counts"]["sent"], json!(2));
    let text = o.to_string();
    assert!(
        !text.contains("111-22-33") && !text.contains("79161112233"),
        "{text}"
    );
    assert!(text.contains("+7 *** ***-22-33"), "{text}");
    assert!(text.contains("sms_id"), "{text}");
    let (_, campaign_box) = c
        .marketer
        .get(&format!("/campaigns/{}/messages", c.campaign))
        .await;
    assert_eq!(campaign_box["messages"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        expiry_task(&app.db, c.campaign).await,
        ("done".into(), Some(2))
    );
    assert_eq!(o["reminders"][0]["queued"], json!(2), "{o}");
}

#[tokio::test]
async fn the_reminders_day_and_the_sending_window_are_the_clinics_not_the_servers() {
    let app = spawn_app().await;
    let sim = Sim::start().await;
    let c = clinic(&app, 2).await;
    c.hand_out(0, "Анна Иванова", "+7 916 111-22-33").await;
    c.gateway(&sim, json!({"send_from": "09:00", "send_to": "21:00"}))
        .await;
    let worker = Worker::new(app.db.clone(), "worker-a");
    // 15:30 UTC on 2 December: 18:30 of 2 December in Moscow — not yet the reminder's day.
    let edge = Utc
        .with_ymd_and_hms(2026, 12, 2, 15, 30, 0)
        .single()
        .expect("t");
    app.clock().set(edge);
    assert_eq!(worker.tick().await.expect("tick").reminders_queued, 0);

    // The clinic is in Vladivostok (UTC+10): there it is already 01:30 on 3 December — the
    // reminder is queued, but no SMS goes out at night.
    let mut s = ops::settings::get(&app.db).await.expect("settings");
    s.time_zone = "Asia/Vladivostok".into();
    ops::settings::update(&app.db, &Actor::system(), &s)
        .await
        .expect("zone");
    app.clock().set(edge);
    let t = worker.tick().await.expect("tick");
    assert_eq!((t.reminders_queued, t.sent), (1, 0), "{t:?}");
    assert!(sim.received().is_empty());
    assert_eq!(
        c.outbox().await["sms_window_closed"],
        json!("09:00–21:00"),
        "the outbox says what the queue waits for"
    );
    // 08:59 there: still night.
    app.clock().set(
        Utc.with_ymd_and_hms(2026, 12, 2, 22, 59, 0)
            .single()
            .expect("t"),
    );
    assert_eq!(worker.tick().await.expect("tick").sent, 0);
    // 09:00 there: it goes.
    app.clock().set(
        Utc.with_ymd_and_hms(2026, 12, 2, 23, 0, 0)
            .single()
            .expect("t"),
    );
    assert_eq!(worker.tick().await.expect("tick").sent, 1);
    assert_eq!(sim.accepted(), ["79161112233"]);
    assert_eq!(c.outbox().await["sms_window_closed"], Value::Null);
}

#[tokio::test]
async fn a_participant_who_withdrew_consent_gets_nothing_even_when_already_queued() {
    let app = spawn_app().await;
    let sim = Sim::start().await;
    let c = clinic(&app, 4).await;
    three_participants(&c).await;
    c.hand_out(3, "Галина Козлова", "+7 916 444-55-66").await;
    c.gateway(&sim, json!({})).await;
    // Galina withdrew consent before the reminder's day: she is never queued.
    let galina = c.participant("79164445566").await;
    let (s, _) = c
        .marketer
        .post(
            &format!("/participants/{galina}/withdraw-consent"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let worker = Worker::new(app.db.clone(), "worker-a");
    // 3 December at 07:00: queued (Anna, Boris), but the window opens at 09:00.
    app.clock().set(moscow(3, 7, 0));
    let t = worker.tick().await.expect("tick");
    assert_eq!((t.reminders_queued, t.sent), (2, 0), "{t:?}");
    // Anna withdraws her consent while her SMS waits; Boris is erased on request.
    let anna = c.participant("79161112233").await;
    c.marketer
        .post(&format!("/participants/{anna}/withdraw-consent"), json!({}))
        .await;
    let boris = c.participant("79162223344").await;
    let (s, r) = c
        .marketer
        .post(&format!("/participants/{boris}/anonymise"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    app.clock().set(moscow(3, 10, 0));
    let t = worker.tick().await.expect("tick");
    assert_eq!(t.sent, 0, "{t:?}");
    assert!(sim.received().is_empty(), "nobody got anything");
    let o = c.outbox().await;
    assert_eq!(statuses(&o), ["failed", "failed"]);
    assert!(
        o["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .all(|m| m["reason"] == json!("consent_withdrawn"))
    );
    // The erased participant's phone and text are gone from the outbox too.
    let erased: (String, String) =
        sqlx::query_as("SELECT recipient, body FROM messages WHERE patient_id = $1")
            .bind(boris)
            .fetch_one(&app.db.pool)
            .await
            .expect("row");
    assert_eq!(erased, (String::new(), String::new()));
    // Sending again is refused for both.
    for m in o["messages"].as_array().expect("messages") {
        let (s, _) = c
            .marketer
            .post(&format!("/messages/{}/resend", m["id"]), json!({}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn a_failing_gateway_is_retried_later_and_a_refusal_is_kept_with_the_providers_reason() {
    let app = spawn_app().await;
    let sim = Sim::start().await;
    let c = clinic(&app, 4).await;
    three_participants(&c).await;
    c.gateway(&sim, json!({})).await;
    let worker = Worker::new(app.db.clone(), "worker-a");
    app.clock().set(moscow(3, 12, 0));

    // The gateway is down (500): both wait for another attempt, with the reason.
    sim.set(Mode::Fail);
    let t = worker.tick().await.expect("tick");
    assert_eq!(t.retried, 2, "{t:?}");
    let o = c.outbox().await;
    assert_eq!(statuses(&o), ["queued", "queued"]);
    assert!(o.to_string().contains("HTTP 500"), "{o}");
    // Not again at once: the pause grows with each attempt.
    sim.set(Mode::RateLimit);
    assert_eq!(worker.tick().await.expect("tick").retried, 0);
    app.clock().advance(Duration::seconds(31));
    let t = worker.tick().await.expect("tick");
    assert_eq!(t.retried, 2, "the provider's 429 is retried too: {t:?}");
    assert!(c.outbox().await.to_string().contains("HTTP 429"));

    // The provider refuses one number for good (200 with an error status): failed, with its words.
    sim.set(Mode::Reject);
    app.clock().advance(Duration::minutes(2));
    let t = worker.tick().await.expect("tick");
    assert_eq!(t.failed, 2, "{t:?}");
    let o = c.outbox().await;
    assert_eq!(statuses(&o), ["failed", "failed"]);
    assert!(
        o.to_string()
            .contains("Неправильно указан номер получателя"),
        "{o}"
    );
    assert!(sim.accepted().is_empty());

    // The marketer sends one again once the gateway is fine.
    sim.set(Mode::Accept);
    let id = o["messages"][0]["id"].as_i64().expect("id");
    let (s, m) = c
        .marketer
        .post(&format!("/messages/{id}/resend"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["status"], json!("queued"));
    let t = worker.tick().await.expect("tick");
    assert_eq!(t.sent, 1, "{t:?}");
    assert_eq!(sim.accepted().len(), 1);
    // A sent message cannot be "sent again".
    let (s, _) = c
        .marketer
        .post(&format!("/messages/{id}/resend"), json!({}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_timeout_leaves_the_message_unknown_and_it_is_never_sent_again_by_itself() {
    let app = spawn_app().await;
    let sim = Sim::start().await;
    let c = clinic(&app, 2).await;
    c.hand_out(0, "Анна Иванова", "+7 916 111-22-33").await;
    c.gateway(&sim, json!({"timeout_ms": "100"})).await;
    let worker = Worker::new(app.db.clone(), "worker-a");
    app.clock().set(moscow(3, 12, 0));
    sim.set(Mode::Slow(600));
    let t = worker.tick().await.expect("tick");
    assert_eq!(t.unknown, 1, "{t:?}");
    let o = c.outbox().await;
    assert_eq!(statuses(&o), ["unknown"]);
    assert_eq!(o["messages"][0]["reason"], json!("timeout"));
    // The provider did get it (it answered too late): Sarafan does not send it twice.
    tokio::time::sleep(StdDuration::from_millis(700)).await;
    sim.set(Mode::Accept);
    app.clock().advance(Duration::hours(2));
    worker.tick().await.expect("tick");
    assert_eq!(sim.received().len(), 1);
    assert_eq!(statuses(&c.outbox().await), ["unknown"]);
}

#[tokio::test]
async fn a_lease_that_ran_out_mid_send_shows_the_message_as_unknown_and_an_unsent_one_goes_later() {
    let app = spawn_app().await;
    let sim = Sim::start().await;
    let c = clinic(&app, 2).await;
    c.hand_out(0, "Анна Иванова", "+7 916 111-22-33").await;
    c.hand_out(1, "Борис Петров", "+7 916 222-33-44").await;
    c.gateway(&sim, json!({})).await;
    app.clock().set(moscow(3, 12, 0));
    ops::messages::queue_reminders(&app.db)
        .await
        .expect("queue");
    // Worker A leases both, begins sending the first, and its instance dies before the
    // provider's answer is recorded.
    let a = Worker::new(app.db.clone(), "worker-a");
    let (s, _) = domain::db::messages::settings(&app.db.pool)
        .await
        .expect("settings");
    let mut tick = ops::messages::Tick::default();
    let leased = a.lease(&s, &mut tick).await.expect("lease");
    assert_eq!(leased.len(), 2);
    assert!(
        a.start(&leased[0], Duration::milliseconds(300))
            .await
            .expect("start")
    );
    assert_eq!(statuses(&c.outbox().await), ["sending", "sending"]);
    // Worker B, within the lease: leaves them alone.
    let b = Worker::new(app.db.clone(), "worker-b");
    assert_eq!(
        b.tick().await.expect("tick"),
        ops::messages::Tick::default()
    );
    // After the lease (300 ms timeout + 30 s): the one in flight is unknown, never sent again;
    // the one never begun is queued again and sent, once.
    app.clock().advance(Duration::seconds(31));
    let t = b.tick().await.expect("tick");
    assert_eq!((t.leases_expired, t.requeued, t.sent), (1, 1, 1), "{t:?}");
    let o = c.outbox().await;
    assert_eq!(statuses(&o), ["sent", "unknown"]);
    let unknown = o["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .find(|m| m["status"] == "unknown")
        .cloned()
        .unwrap_or_default();
    assert_eq!(unknown["reason"], json!("lease_expired"));
    assert_eq!(unknown["attempts"], json!(1));
    assert_eq!(
        sim.received().len(),
        1,
        "only the unsent one reached the provider"
    );
    // Worker A was the one that died: its lease is gone, it cannot begin the second one now.
    assert!(
        !a.start(&leased[1], Duration::milliseconds(300))
            .await
            .expect("start")
    );
}

#[tokio::test]
async fn the_per_minute_limit_holds_the_rest_for_the_next_minute() {
    let app = spawn_app().await;
    let sim = Sim::start().await;
    let c = clinic(&app, 4).await;
    c.hand_out(0, "Анна Иванова", "+7 916 111-22-33").await;
    c.hand_out(1, "Борис Петров", "+7 916 222-33-44").await;
    c.hand_out(3, "Галина Козлова", "+7 916 444-55-66").await;
    c.gateway(&sim, json!({"sms_per_minute": "2"})).await;
    let worker = Worker::new(app.db.clone(), "worker-a");
    app.clock().set(moscow(3, 12, 0));
    assert_eq!(worker.tick().await.expect("tick").sent, 2);
    assert_eq!(worker.tick().await.expect("tick").sent, 0);
    app.clock().advance(Duration::seconds(61));
    assert_eq!(worker.tick().await.expect("tick").sent, 1);
    assert_eq!(sim.accepted().len(), 3);
}

#[tokio::test]
async fn two_workers_on_one_database_send_each_message_once() {
    let app = spawn_app().await;
    let sim = Sim::start().await;
    let c = clinic(&app, 2).await;
    c.gateway(&sim, json!({})).await;
    app.clock().set(moscow(3, 12, 0));
    // 120 messages in the outbox, queued by one write.
    let n = 120;
    queue_sms(&app, c.campaign, "load", 1_000_000, n).await;
    // Two instances: a second connection pool to the same database, sharing the clinic clock.
    let other = Db::connect_with_clock(&app.config.database_url, app.db.clock.clone())
        .await
        .expect("second instance");
    let a = Worker::new(app.db.clone(), "worker-a");
    let b = Worker::new(other, "worker-b");
    sim.set(Mode::Slow(2));
    let started = std::time::Instant::now();
    let (mut sent_a, mut sent_b) = (0, 0);
    for _ in 0..20 {
        let (ta, tb) = tokio::join!(a.tick(), b.tick());
        let (ta, tb) = (ta.expect("a"), tb.expect("b"));
        sent_a += ta.sent;
        sent_b += tb.sent;
        if sent_a + sent_b >= n {
            break;
        }
    }
    let elapsed = started.elapsed();
    let accepted = sim.accepted();
    let mut unique = accepted.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(accepted.len(), n, "every message sent");
    assert_eq!(unique.len(), n, "none twice");
    assert_eq!(sent_a + sent_b, n);
    assert!(sent_a > 0 && sent_b > 0, "both worked: {sent_a} + {sent_b}");
    let o = c.outbox().await;
    assert_eq!(o["counts"]["sent"], json!(n));
    println!(
        "outbox throughput: {n} SMS to the simulator by two workers in {:.2} s ({:.0}/s; {sent_a} + {sent_b})",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
}

#[tokio::test]
async fn message_settings_are_checked_and_off_queues_nothing() {
    let app = spawn_app().await;
    let c = clinic(&app, 2).await;
    c.hand_out(0, "Анна Иванова", "+7 916 111-22-33").await;
    // Off by default: the reminder's day passes without a message.
    app.clock().set(moscow(3, 12, 0));
    let worker = Worker::new(app.db.clone(), "worker-a");
    assert_eq!(
        worker.tick().await.expect("tick"),
        ops::messages::Tick::default()
    );
    let o = c.outbox().await;
    assert_eq!(o["sms_off"], json!(true));
    // Wrong input names its field.
    for (body, field) in [
        (
            json!({"sms_mode": "http", "url_template": "ftp://x"}),
            "url_template",
        ),
        (
            json!({"sms_mode": "log", "send_from": "22:00", "send_to": "08:00"}),
            "send_to",
        ),
        (
            json!({"sms_mode": "log", "reminder_text": "я".repeat(601)}),
            "reminder_text",
        ),
        (
            json!({"sms_mode": "log", "sms_per_minute": "0"}),
            "sms_per_minute",
        ),
        (json!({"sms_mode": "pigeon"}), "sms_mode"),
    ] {
        let (s, e) = c.marketer.put("/message-settings", body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(crate::helpers::error_field(&e), Some(field), "{e}");
    }
    // Log only: marked sent, nothing leaves the machine.
    let (s, v) = c
        .marketer
        .put(
            "/message-settings",
            json!({"sms_mode": "log", "reminder_days": "10"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["reminder_days"], json!(10));
    let (s, m) = c
        .marketer
        .post(
            "/message-settings/test",
            json!({"phone": "8 916 999-00-11"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["recipient"], json!("+7 *** ***-00-11"));
    let t = worker.tick().await.expect("tick");
    assert_eq!((t.reminders_queued, t.sent), (1, 2), "{t:?}");
    let o = c.outbox().await;
    assert_eq!(o["counts"]["sent"], json!(2));
    assert_eq!(o["messages"][0]["provider_id"], json!("log"));
    // Store staff and reception see none of it.
    let (s, _) = c.staff.get("/messages").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = c.reception.get("/message-settings").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A list has a size limit.
    let (s, _) = c.marketer.get("/messages?limit=5000").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_demo_clinics_outbox_shows_the_weeks_messages_e_certificates_the_reminder_ahead_and_a_sent_a_failed_and_an_unknown_test()
 {
    let app = spawn_app().await;
    domain::demo::load(&app.db, &app.config.public_url)
        .await
        .expect("demo");
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (s, o) = api.get("/messages").await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(
        o["sms_off"],
        json!(false),
        "the demo is in the log-only mode"
    );
    assert_eq!(o["email_off"], json!(false));
    assert_eq!(
        (&o["counts"]["failed"], &o["counts"]["unknown"]),
        (&json!(1), &json!(1))
    );
    assert!(o.to_string().contains("Неправильный api_id"), "{o}");
    // This Monday's messages: every employee's week by SMS, the stores' standings and the
    // marketer's digest by e-mail — all "sent" (logged).
    let purposes: Vec<&str> = o["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["status"] == "sent")
        .filter_map(|m| m["purpose"].as_str())
        .collect();
    for p in [
        "test",
        "weekly_standings",
        "store_standings",
        "weekly_digest",
    ] {
        assert!(purposes.contains(&p), "{p} in {purposes:?}");
    }
    // Participants got their certificates by SMS (and by e-mail where they gave an address),
    // self-registered ones with a code; the reminder waits for its day.
    let sent_to = |purpose: &str, channel: &str| {
        o["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .filter(|m| m["purpose"] == purpose && m["channel"] == channel && m["status"] == "sent")
            .count()
    };
    assert!(sent_to("e_certificate", "sms") >= 40, "{o}");
    assert!(sent_to("e_certificate", "email") >= 10, "{o}");
    assert!(o.to_string().contains("Код подтверждения"), "{o}");
    let plan = &o["reminders"][0];
    assert_eq!(plan["queued"], json!(0), "{plan}");
    assert!(plan["participants"].as_i64() > Some(20), "{plan}");
    // Nothing of it is sent again by the worker.
    let t = Worker::new(app.db.clone(), "worker-a")
        .tick()
        .await
        .expect("tick");
    assert_eq!(t.sent, 0, "{t:?}");
}

// ---------- a killed server ----------

/// `sarafan serve` as a process of its own, on the test's database, its clinic clock at `now`.
fn sarafan_serve(database_url: &str, now: &str) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_sarafan"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("SARAFAN_ADDR", "127.0.0.1:0")
        .env("SARAFAN_NOW", now)
        .env("SARAFAN_SITE_ROOT", "target/site")
        .env_remove("SARAFAN_CONFIG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("sarafan serve")
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + StdDuration::from_secs(60);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(StdDuration::from_millis(10)).await;
    }
}

async fn count_status(app: &TestApp, status: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE status = $1")
        .bind(status)
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_server_killed_mid_send_and_restarted_sends_every_message_once_and_the_one_in_flight_is_unknown()
 {
    let app = spawn_app().await;
    let sim = Sim::start().await;
    let c = clinic(&app, 1).await;
    c.gateway(&sim, json!({"timeout_ms": "1000"})).await;
    app.clock().set(moscow(3, 12, 0));
    let n = 20;
    queue_sms(&app, c.campaign, "restart", 2_000_000, n).await;

    // The provider takes five, then keeps the sixth waiting: the server dies right then.
    sim.set(Mode::HangAfter(5));
    let mut first = sarafan_serve(&app.config.database_url, "2026-12-03T12:00:00+03:00");
    until("the sixth request", || sim.received().len() >= 6).await;
    first.kill().expect("kill");
    first.wait().expect("wait");
    let in_flight = sim.received()[5].0.clone();
    assert_eq!(sim.accepted().len(), 5);
    assert_eq!(count_status(&app, "sent").await, 5);

    // Restarted two minutes later on the clinic clock (its leases have run out).
    sim.set(Mode::Accept);
    let mut second = sarafan_serve(&app.config.database_url, "2026-12-03T12:02:00+03:00");
    until("the other fourteen", || sim.accepted().len() >= n - 1).await;
    // Its next ticks find nothing more to send.
    tokio::time::sleep(StdDuration::from_millis(500)).await;
    second.kill().expect("kill");
    second.wait().expect("wait");

    assert_eq!(count_status(&app, "sent").await, (n - 1) as i64);
    assert_eq!(count_status(&app, "unknown").await, 1);
    let unknown: String =
        sqlx::query_scalar("SELECT recipient FROM messages WHERE status = 'unknown'")
            .fetch_one(&app.db.pool)
            .await
            .expect("unknown");
    assert_eq!(
        unknown.trim_start_matches('+'),
        in_flight,
        "the one in flight is unknown"
    );
    let received: Vec<String> = sim.received().into_iter().map(|r| r.0).collect();
    let distinct: std::collections::BTreeSet<&String> = received.iter().collect();
    assert_eq!(received.len(), n, "every phone reached once: {received:?}");
    assert_eq!(distinct.len(), n, "none twice: {received:?}");
}
