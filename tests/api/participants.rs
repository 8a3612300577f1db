//! Participants' personal data (152-FZ): the marketer finds a person, sees and hands over
//! everything kept about them, records a consent withdrawal and erases them on request — and a
//! phone typed in a self-registration, which nobody checked, never locks a real person out.

use app::server_fns::JoinCampaign;
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server_fn::ServerFn;

use crate::helpers::{Api, TestApp, promo, spawn_app};

struct Clinic {
    marketer: Api,
    staff: Api,
    reception: Api,
    campaign: i64,
    store: i64,
    codes: Vec<String>,
}

async fn clinic(app: &TestApp) -> Clinic {
    let marketer = app.api(&app.token(Role::Marketer, None).await);
    let p = promo(&marketer, json!({}), json!({}), 4).await;
    let (store, campaign, codes) = (p.store, p.campaign, p.codes);
    Clinic {
        staff: app
            .person(Role::StoreStaff, Some(store), "Мария Кассирова")
            .await
            .1,
        reception: app.api(&app.token(Role::Reception, None).await),
        marketer,
        campaign,
        store,
        codes,
    }
}

async fn hand_out(c: &Clinic, code: &str, name: &str, phone: &str) -> (StatusCode, Value) {
    c.staff
        .post(
            "/handouts",
            json!({"code": code, "name": name, "phone": phone, "email": "anna@mail.test",
                   "consent": true, "heard_from": "Плакат в зале"}),
        )
        .await
}

async fn self_register(app: &TestApp, c: &Clinic, name: &str, phone: &str) -> (StatusCode, Value) {
    app.server_fn(
        &app.browser(),
        JoinCampaign::PATH,
        &[
            ("campaign_id", &c.campaign.to_string()),
            ("store_id", &c.store.to_string()),
            ("name", name),
            ("phone", phone),
            ("consent", "on"),
        ],
    )
    .await
}

/// Hand-out to Анна, redeemed, one paid visit.
async fn anna(c: &Clinic) -> i64 {
    let (s, h) = hand_out(c, &c.codes[0], "Анна Иванова", "8 (916) 111-22-33").await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    c.reception
        .post(
            "/redemptions",
            json!({"code": c.codes[0], "idempotency_key": "anna-1"}),
        )
        .await;
    let (s, v) = c
        .reception
        .post(
            "/visits",
            json!({"code": c.codes[0], "amount": "12 500", "services": ["Терапия"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, found) = c.marketer.get("/participants?q=%2B79161112233").await;
    found[0]["id"].as_i64().expect("participant")
}

#[tokio::test]
async fn the_marketer_finds_a_participant_by_name_phone_or_code_and_sees_everything_kept() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let id = anna(&c).await;
    for q in [
        "анна",
        "ИВАНОВА",
        "8 916 111 22 33",
        &c.codes[0].to_lowercase(),
    ] {
        let (s, found) = c
            .marketer
            .get(&format!("/participants?q={}", urlencode(q)))
            .await;
        assert_eq!(s, StatusCode::OK);
        let ids: Vec<i64> = found
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|p| p["id"].as_i64())
            .collect();
        assert_eq!(ids, [id], "found by {q:?}");
    }
    let (_, r) = c.marketer.get(&format!("/participants/{id}")).await;
    assert_eq!(r["name"], "Анна Иванова");
    assert_eq!(r["phone"], "+79161112233");
    assert_eq!(r["email"], "anna@mail.test");
    let h = &r["handouts"][0];
    assert_eq!(h["store_name"], "Тверская");
    assert_eq!(h["employee_name"], "Мария Кассирова");
    assert_eq!(h["heard_from"], "Плакат в зале");
    assert_eq!(h["certificate_state"], "redeemed");
    assert!(
        h["consent_version"]
            .as_str()
            .unwrap_or("")
            .starts_with("sha256:"),
        "the version of the consent text agreed to"
    );
    assert_eq!(r["visits"][0]["amount"], 1_250_000);
    // Nobody else may look.
    assert_eq!(
        c.reception.get(&format!("/participants/{id}")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        c.staff.get("/participants?q=анна").await.0,
        StatusCode::FORBIDDEN
    );
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn an_export_hands_over_the_record_as_a_file_and_is_logged() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let id = anna(&c).await;
    let (s, kind, bytes) = c
        .marketer
        .get_bytes(&format!("/participants/{id}/export"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(kind.starts_with("application/json"));
    let r: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(r["name"], "Анна Иванова");
    let logged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = 'participant' AND entity_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .expect("audit");
    assert_eq!(logged, 1);
}

#[tokio::test]
async fn a_withdrawal_of_consent_is_recorded_with_its_date() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let id = anna(&c).await;
    let (s, r) = c
        .marketer
        .post(&format!("/participants/{id}/withdraw-consent"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert!(
        r["consent_withdrawn_at"]
            .as_str()
            .is_some_and(|d| d.starts_with("2026-11-30")),
        "{r}"
    );
}

async fn total_figures(c: &Clinic) -> Value {
    let path = format!("/campaigns/{}/attribution", c.campaign);
    c.marketer.get(&path).await.1["total"].clone()
}

#[tokio::test]
async fn erasing_a_participant_removes_the_person_but_keeps_the_reports_counts_and_money() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let id = anna(&c).await;
    let before = total_figures(&c).await;
    let (s, r) = c
        .marketer
        .post(&format!("/participants/{id}/anonymise"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["name"], "—");
    assert_eq!(r["phone"], "");
    assert_eq!(r["email"], Value::Null);
    assert_eq!(r["handouts"][0]["typed_name"], Value::Null);
    assert_eq!(r["handouts"][0]["heard_from"], Value::Null);
    assert!(r["anonymised_at"].is_string() && r["consent_withdrawn_at"].is_string());
    let mut after = total_figures(&c).await;
    assert_eq!(
        (before["contacts"].clone(), after["contacts"].clone()),
        (json!(1), json!(0)),
        "an erased participant is no longer a contact: the consent went with the person"
    );
    after["contacts"] = before["contacts"].clone();
    assert_eq!(after, before, "the reports keep their counts and money");
    assert_eq!(before["revenue"], 1_250_000);
    let (_, found) = c.marketer.get("/participants?q=%2B79161112233").await;
    assert_eq!(found, json!([]), "the phone is gone");
    let stored: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM patients WHERE name LIKE '%Анна%' OR phone = '+79161112233' OR email IS NOT NULL",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("patients");
    assert_eq!(stored, 0, "nothing of the person is left in the database");
}

#[tokio::test]
async fn a_phone_typed_in_a_self_registration_never_locks_a_real_person_out_of_a_store_hand_out() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    // A stranger takes an e-certificate with Анна's phone.
    let (s, e) = self_register(&app, &c, "Кто-то", "+7 916 111-22-33").await;
    assert!(s.is_success(), "{e}");
    let stranger_code = e["code"].as_str().expect("e-certificate").to_owned();
    // Анна comes to the store: her hand-out goes through; the stranger's certificate is void.
    let (s, h) = hand_out(&c, &c.codes[0], "Анна Иванова", "8 916 111 22 33").await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    let (_, check) = c.reception.get(&format!("/checkin/{stranger_code}")).await;
    assert_eq!(check["verdict"], "voided");
    // A confirmed hand-out still means one per phone per campaign.
    let (s, again) = hand_out(&c, &c.codes[1], "Анна Иванова", "8 916 111 22 33").await;
    assert_eq!(
        (s, again["error"]["fields"][0]["field"].as_str()),
        (StatusCode::CONFLICT, Some("phone"))
    );

    // A self-registered participant who came to the clinic has a real phone: it counts.
    let (_, e) = self_register(&app, &c, "Борис", "+7 916 222-33-44").await;
    let code = e["code"].as_str().expect("e-certificate").to_owned();
    let (s, r) = c
        .reception
        .post(
            "/redemptions",
            json!({"code": code, "idempotency_key": "boris"}),
        )
        .await;
    assert_eq!(
        (s, r["verdict"].as_str()),
        (StatusCode::OK, Some("redeemed"))
    );
    let (s, _) = hand_out(&c, &c.codes[2], "Борис", "+7 916 222-33-44").await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "a confirmed phone is one per campaign"
    );
}

/// A participant's phone: no cookies, no Origin of ours, redirects left to the test.
fn plain_browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Vera's self-registration sent as a plain HTML form from the join page (no WebAssembly):
/// where the server redirects her (`extra` adds fields, e.g. the consent tick).
async fn plain_join(
    app: &TestApp,
    browser: &reqwest::Client,
    c: &Clinic,
    extra: &[(&str, &str)],
) -> String {
    let (campaign, store) = (c.campaign.to_string(), c.store.to_string());
    let mut form = vec![
        ("campaign_id", campaign.as_str()),
        ("store_id", store.as_str()),
        ("name", "Вера Листова"),
        ("phone", "8 (916) 777-88-99"),
    ];
    form.extend_from_slice(extra);
    let r = browser
        .post(app.url(JoinCampaign::PATH))
        .header("accept", "text/html,application/xhtml+xml")
        .header("origin", &app.config.public_url)
        .header(
            "referer",
            app.url(&format!("/join/{}/{}", c.campaign, c.store)),
        )
        .form(&form)
        .send()
        .await
        .expect("join");
    assert!(r.status().is_redirection(), "{}", r.status());
    r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

#[tokio::test]
async fn a_self_registration_sent_before_the_page_script_runs_shows_the_certificate() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    // A phone on a slow connection: the form is sent as plain HTML, no WebAssembly yet.
    let browser = plain_browser();
    let location = plain_join(&app, &browser, &c, &[("consent", "on")]).await;
    assert!(
        location.starts_with("/c/") && location.ends_with("?new=1"),
        "{location}"
    );
    let page = browser
        .get(app.url(&location))
        .send()
        .await
        .expect("certificate page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("Ваш сертификат готов"),
        "the participant is told"
    );
    assert!(
        page.contains("<svg"),
        "with the QR code to show at reception"
    );
    let code = location
        .trim_start_matches("/c/")
        .trim_end_matches("?new=1")
        .to_owned();
    let (_, check) = c.reception.get(&format!("/checkin/{code}")).await;
    assert_eq!(check["verdict"], "valid");
    assert_eq!(check["certificate"]["participant_name"], "Вера Листова");
}

#[tokio::test]
async fn a_participants_public_pages_come_without_the_app_bundle_and_a_refused_plain_post_comes_back_with_its_error()
 {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let browser = plain_browser();
    let html = |path: String| {
        let browser = browser.clone();
        let url = app.url(&path);
        async move {
            let r = browser.get(url).send().await.expect("page");
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            r.text().await.expect("html")
        }
    };
    let join = format!("/join/{}/{}", c.campaign, c.store);
    let certificate = format!("/c/{}", c.codes[0].replace('-', ""));
    for path in [join.clone(), certificate] {
        let page = html(path.clone()).await;
        for absent in [
            "sarafan.js",
            ".wasm",
            "manifest.webmanifest",
            "offline.html",
        ] {
            assert!(!page.contains(absent), "{path} refers to {absent}");
        }
        assert!(
            page.contains("/pkg/sarafan.css"),
            "{path} keeps the stylesheet"
        );
    }
    // Signing in is plain HTML too, but the app's own: it keeps the manifest (installable);
    // the marketer's pages bring the bundle.
    let login = html("/login".into()).await;
    assert!(!login.contains("sarafan_bg.wasm") && login.contains("manifest.webmanifest"));
    let marketer = app.signed_in_marketer().await;
    let home = marketer.get(app.url("/")).send().await.expect("home");
    assert!(home.text().await.expect("html").contains("sarafan_bg.wasm"));

    // No consent: the plain form post goes back to the form with the error in the address, and
    // the form shows it, translated, at its field.
    let location = plain_join(&app, &browser, &c, &[]).await;
    let back = location
        .strip_prefix(&app.url(""))
        .unwrap_or(&location)
        .to_owned();
    assert!(
        back.starts_with(&join) && back.contains("__err="),
        "{location}"
    );
    let page = html(back).await;
    assert!(
        page.contains("нужно согласие участника"),
        "the refusal is shown on the form"
    );
    assert!(page.contains("id=\"join-form\"") && page.contains("/forms.js"));
}
