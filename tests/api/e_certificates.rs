//! E-certificates (issue #15): under the campaign's own switch, a participant's certificate goes
//! to them by SMS (and by e-mail to a real SMTP server when they gave an address) in the same
//! transaction as the hand-out; a self-registration's SMS carries a six-digit code that, typed
//! on the certificate's page, confirms the phone — wrong codes and old codes do not.

use app::server_fns::{ConfirmPhone, GetPublicCertificate, JoinCampaign};
use chrono::Duration;
use domain::ops::messages::Worker;
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server_fn::ServerFn;

use crate::email::{SmtpServer, clinic_named, smtp_settings};
use crate::helpers::{Api, TestApp, promo, spawn_app};

struct Clinic {
    marketer: Api,
    partner: Value,
    staff: Api,
    campaign: i64,
    store: i64,
    codes: Vec<String>,
}

/// An active campaign (e-certificates sent or not) with one store and its printed pack; SMS in
/// the log-only mode, e-mail to the SMTP server started by the test.
async fn clinic(app: &TestApp, smtp: &SmtpServer, send: bool) -> Clinic {
    clinic_named(app).await;
    let marketer = app.api(&app.token(Role::Marketer, None).await);
    smtp_settings(&marketer, smtp, json!({})).await;
    let p = promo(
        &marketer,
        json!({}),
        json!({"end_date": "2026-12-20", "valid_until": "2027-01-31", "send_e_certificates": send}),
        3,
    )
    .await;
    let (partner, store, campaign, codes) =
        (json!({"id": p.partner}), p.store, p.campaign, p.codes);
    let (_, c) = marketer.get(&format!("/campaigns/{campaign}")).await;
    assert_eq!(c["send_e_certificates"], json!(send));
    assert_eq!(c["self_registration"], json!(true));
    Clinic {
        staff: app.api(&app.token(Role::StoreStaff, Some(store)).await),
        marketer,
        partner: partner["id"].clone(),
        campaign,
        store,
        codes,
    }
}

async fn self_register(app: &TestApp, c: &Clinic, phone: &str, email: &str) -> Value {
    let (s, v) = app
        .server_fn(
            &app.browser(),
            JoinCampaign::PATH,
            &[
                ("campaign_id", &c.campaign.to_string()),
                ("store_id", &c.store.to_string()),
                ("name", "Вера Листова"),
                ("phone", phone),
                ("email", email),
                ("consent", "on"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// (channel, recipient, subject, text) of every e-certificate message, oldest first.
async fn e_certificate_messages(app: &TestApp) -> Vec<(String, String, Option<String>, String)> {
    sqlx::query_as(
        "SELECT channel, recipient, subject, body FROM messages WHERE purpose = 'e_certificate' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("messages")
}

fn sms_code(text: &str) -> String {
    text.rsplit("Код подтверждения: ")
        .next()
        .expect("a code")
        .chars()
        .take(6)
        .collect()
}

async fn confirm(app: &TestApp, code: &str, sms_code: &str) -> (StatusCode, Value) {
    app.server_fn(
        &app.browser(),
        ConfirmPhone::PATH,
        &[("code", code), ("sms_code", sms_code)],
    )
    .await
}

async fn awaits_code(app: &TestApp, code: &str) -> bool {
    let (s, v) = app
        .server_fn(
            &app.browser(),
            GetPublicCertificate::PATH,
            &[("code", code)],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["awaits_sms_code"].as_bool().expect("awaits_sms_code")
}

async fn confirmed(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT h.confirmed FROM handouts h JOIN certificates c ON c.id = h.certificate_id WHERE c.code = $1",
    )
    .bind(code.replace('-', ""))
    .fetch_one(&app.db.pool)
    .await
    .expect("hand-out")
}

#[tokio::test]
async fn a_self_registration_gets_its_certificate_by_sms_and_email_and_the_sms_code_confirms_the_phone()
 {
    let app = spawn_app().await;
    let smtp = SmtpServer::start();
    let c = clinic(&app, &smtp, true).await;
    let cert = self_register(&app, &c, "8 (916) 777-88-99", "vera@mail.test").await;
    assert_eq!(cert["confirm_by_sms"], json!(true));
    let code = cert["code"].as_str().expect("code").to_owned();
    let url = format!("https://promo.belaya-ulybka.ru/c/{}", code.replace('-', ""));

    let sent = e_certificate_messages(&app).await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    let (channel, to, _, sms) = &sent[0];
    assert_eq!((channel.as_str(), to.as_str()), ("sms", "+79167778899"));
    assert!(
        sms.starts_with(&format!(
            "Белая улыбка: ваш сертификат на 500 рублей {url} до 31.01.2027. Код подтверждения: "
        )),
        "{sms}"
    );
    let typed = sms_code(sms);
    assert_eq!(typed.len(), 6, "{sms}");
    let (channel, to, subject, _) = &sent[1];
    assert_eq!((channel.as_str(), to.as_str()), ("email", "vera@mail.test"));
    assert!(
        subject
            .as_deref()
            .unwrap_or("")
            .starts_with("Ваш сертификат на 500 рублей")
    );

    // The worker delivers both; the e-mail reaches the SMTP server with the link and the number.
    let t = Worker::new(app.db.clone(), "worker-a")
        .tick()
        .await
        .expect("tick");
    assert_eq!(t.sent, 2, "{t:?}");
    let mail = smtp.wait_for(1);
    assert_eq!(mail.len(), 1, "{mail:?}");
    let text = mail[0]["text"].as_str().unwrap_or("");
    assert!(text.starts_with("Здравствуйте, Вера Листова!"), "{text}");
    assert!(
        text.contains(&format!("Сертификат с QR-кодом: {url}")),
        "{text}"
    );
    assert!(text.contains(&format!("Номер: {code}")), "{text}");

    // Until the code is typed, the phone is unconfirmed and the page asks for it.
    assert!(awaits_code(&app, &code).await);
    assert_eq!(confirmed(&app, &code).await, 0);
    let wrong = if typed == "000000" {
        "111111"
    } else {
        "000000"
    };
    let (s, v) = confirm(&app, &code, wrong).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("sms_code_wrong"), "{v}");
    assert_eq!(confirmed(&app, &code).await, 0);

    let (s, v) = confirm(&app, &code, &format!("{} {}", &typed[..3], &typed[3..])).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(confirmed(&app, &code).await, 1);
    assert!(!awaits_code(&app, &code).await, "the page stops asking");
}

#[tokio::test]
async fn an_sms_code_stops_working_after_five_wrong_tries_or_two_days() {
    let app = spawn_app().await;
    let smtp = SmtpServer::start();
    let c = clinic(&app, &smtp, true).await;
    let first = self_register(&app, &c, "+7 916 100-00-01", "").await;
    let second = self_register(&app, &c, "+7 916 100-00-02", "").await;
    let sent = e_certificate_messages(&app).await;
    assert_eq!(sent.len(), 2, "no e-mail without an address: {sent:?}");
    let (first, second) = (
        first["code"].as_str().expect("code").to_owned(),
        second["code"].as_str().expect("code").to_owned(),
    );
    let (right1, right2) = (sms_code(&sent[0].3), sms_code(&sent[1].3));

    for _ in 0..5 {
        let wrong = if right1 == "123456" {
            "654321"
        } else {
            "123456"
        };
        let (s, v) = confirm(&app, &first, wrong).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    }
    let (s, v) = confirm(&app, &first, &right1).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("sms_code_expired"), "{v}");
    assert_eq!(confirmed(&app, &first).await, 0);

    app.clock().advance(Duration::hours(49));
    let (s, v) = confirm(&app, &second, &right2).await;
    assert!(v.to_string().contains("sms_code_expired"), "{s} {v}");
    assert_eq!(confirmed(&app, &second).await, 0);
}

#[tokio::test]
async fn a_store_hand_out_sends_the_certificate_only_when_the_campaign_says_so() {
    let app = spawn_app().await;
    let smtp = SmtpServer::start();
    let c = clinic(&app, &smtp, false).await;
    let staff = &c.staff;
    let hand_out = |i: usize, phone: &'static str| {
        let body = json!({"code": c.codes[i], "name": "Анна Иванова", "phone": phone,
                          "email": "anna@mail.test", "consent": true});
        async move {
            let (s, h) = staff.post("/handouts", body).await;
            assert_eq!(s, StatusCode::CREATED, "{h}");
        }
    };
    hand_out(0, "+7 916 111-22-33").await;
    assert!(
        e_certificate_messages(&app).await.is_empty(),
        "the switch is off"
    );

    // The marketer turns it on: the next hand-out's participant gets an SMS (no code: they
    // stood at the counter) and an e-mail.
    let (s, v) = c
        .marketer
        .put(
            &format!("/campaigns/{}", c.campaign),
            json!({"name": "Зима", "start_date": "2026-11-16", "end_date": "2026-12-20",
                   "face_value": "500", "valid_until": "2027-01-31", "status": "active",
                   "partner_ids": [c.partner], "send_e_certificates": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["self_registration"], json!(true), "left out: unchanged");
    hand_out(1, "+7 916 222-33-44").await;
    let sent = e_certificate_messages(&app).await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(sent[0].1, "+79162223344");
    assert!(!sent[0].3.contains("Код подтверждения"), "{}", sent[0].3);
    assert!(
        sent[0]
            .3
            .contains(&format!("/c/{}", c.codes[1].replace('-', ""))),
        "{}",
        sent[0].3
    );
    assert_eq!(sent[1].1, "anna@mail.test");
}
