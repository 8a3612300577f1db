//! Attacks a security review reproduced against a running build, each performed here against
//! the real app: each test fails on the code before its fix.

use app::server_fns::Login;
use chrono::Duration;
use domain::auth::{SIGN_IN_FREE_FAILURES, sign_in_wait};
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server_fn::ServerFn;

use crate::helpers::{PASSWORD, TestApp, spawn_app, spawn_app_with};

/// Signs in through the form endpoint from a given client address (behind our proxy).
async fn login_from(app: &TestApp, address: &str, email: &str, password: &str) -> StatusCode {
    app.browser()
        .post(app.url(Login::PATH))
        .header("accept", "application/json")
        .header("x-forwarded-for", address)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .expect("login")
        .status()
}

/// What the database holds on disk (SQLite: the file and its WAL) or reports (PostgreSQL).
async fn database_bytes(app: &TestApp) -> i64 {
    if app.config.database_url.starts_with("sqlite") {
        let file = app
            .config
            .database_url
            .trim_start_matches("sqlite://")
            .to_owned();
        let size = |p: String| std::fs::metadata(p).map(|m| m.len() as i64).unwrap_or(0);
        size(file.clone()) + size(format!("{file}-wal"))
    } else {
        sqlx::query_scalar("SELECT CAST(pg_database_size(current_database()) AS BIGINT)")
            .fetch_one(&app.db.pool)
            .await
            .expect("size")
    }
}

#[tokio::test]
async fn a_hundred_sign_ins_with_huge_e_mails_store_nothing() {
    let app = spawn_app().await;
    app.marketer("anna@clinic.test").await;
    let c = app.browser();
    // One 1.9 MB e-mail: refused before anything reads it.
    let huge = format!("{}@clinic.test", "a".repeat(1_900_000));
    let r = c
        .post(app.url(Login::PATH))
        .header("accept", "application/json")
        .form(&[("email", huge.as_str()), ("password", "x")])
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let before = database_bytes(&app).await;
    // A hundred that fit the body limit but not an e-mail: refused on the field.
    let long = format!("{}@clinic.test", "b".repeat(40_000));
    for i in 0..100 {
        let email = format!("{i}{long}");
        let r = c
            .post(app.url(Login::PATH))
            .header("accept", "application/json")
            .form(&[("email", email.as_str()), ("password", "x")])
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let grown = database_bytes(&app).await - before;
    println!("database growth after 100 sign-ins with 40 KB e-mails: {grown} bytes");
    assert_eq!(
        app.count("rate_limits").await,
        0,
        "no rate-limit key stored"
    );
    assert_eq!(app.count("login_throttle").await, 0, "no failure stored");
    assert!(
        grown < 64 * 1024,
        "the database did not grow ({grown} bytes)"
    );
}

#[tokio::test]
async fn guessing_at_the_marketers_password_does_not_lock_the_marketer_out() {
    let app = spawn_app_with(|c| c.trust_proxy = true).await;
    app.marketer("anna@clinic.test").await;
    let (attacker, anna) = ("203.0.113.66", "198.51.100.7");
    // Twelve patient guesses, each after the wait the previous one earned: the waits grow.
    for n in 0..12 {
        let s = login_from(&app, attacker, "anna@clinic.test", "guess").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "guess {n}");
        if n >= SIGN_IN_FREE_FAILURES - 1 {
            // Right after a failure past the free ones, the next try must wait.
            let s = login_from(&app, attacker, "anna@clinic.test", "guess").await;
            assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "guess {n} again at once");
        }
        app.clock()
            .advance(sign_in_wait(n + 1) + Duration::milliseconds(10));
    }
    app.clock()
        .advance(-(sign_in_wait(12) + Duration::milliseconds(10)));
    // The attacker's address must wait; the marketer's, which never failed, signs in at once.
    assert_eq!(
        login_from(&app, attacker, "anna@clinic.test", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login_from(&app, anna, "anna@clinic.test", PASSWORD).await,
        StatusCode::OK,
        "the right password from another address works during the attack"
    );
    // The wait grows with each failure and then passes.
    let failures: i64 = sqlx::query_scalar("SELECT failures FROM login_throttle WHERE client = $1")
        .bind(attacker)
        .fetch_one(&app.db.pool)
        .await
        .expect("failures");
    assert_eq!(failures, 12);
    assert_eq!(sign_in_wait(failures), Duration::seconds(128));
    app.clock()
        .advance(sign_in_wait(failures) + Duration::seconds(1));
    assert_eq!(
        login_from(&app, attacker, "anna@clinic.test", PASSWORD).await,
        StatusCode::OK,
        "after the wait even that address may sign in"
    );
}

#[tokio::test]
async fn a_client_cannot_choose_its_address_by_writing_x_forwarded_for() {
    let app = spawn_app_with(|c| c.trust_proxy = true).await;
    app.marketer("anna@clinic.test").await;
    // Each attempt claims a new address on the left; our proxy adds the real one on the right.
    for i in 0..12 {
        let chain = format!("10.9.{i}.1, 203.0.113.66");
        login_from(&app, &chain, "anna@clinic.test", "guess").await;
    }
    assert_eq!(
        login_from(
            &app,
            "10.9.99.1, 203.0.113.66",
            "anna@clinic.test",
            PASSWORD
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS,
        "the failures were counted for the real address"
    );
}

#[tokio::test]
async fn the_language_switch_only_sends_people_back_into_this_site() {
    let app = spawn_app().await;
    let c = app.browser();
    for (back, expected) in [
        ("/partners", "/partners"),
        ("/%5Cevil.example/", "/"),
        ("/%09/evil.example", "/"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
    ] {
        let r = c
            .get(app.url(&format!("/lang/en?back={back}")))
            .send()
            .await
            .expect("lang");
        assert_eq!(
            r.headers()["location"].to_str().expect("location"),
            expected,
            "back={back}"
        );
    }
}

#[tokio::test]
async fn a_request_body_over_the_limit_is_refused_before_it_is_read() {
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (s, e) = api
        .post("/partners", json!({"name": "x".repeat(200_000)}))
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{e}");
    assert_eq!(e["error"]["code"], "body_too_large");
    assert_eq!(app.count("partners").await, 0);
}

/// A campaign with one store and four printed certificates; returns (campaign, store, codes).
async fn campaign_with_codes(app: &TestApp, api: &crate::helpers::Api) -> (i64, i64, Vec<String>) {
    let _ = app;
    let p = crate::helpers::promo(api, json!({}), json!({}), 4).await;
    (p.campaign, p.store, p.codes)
}

#[tokio::test]
async fn a_later_hand_out_or_self_registration_never_rewrites_a_participants_record() {
    use app::server_fns::JoinCampaign;
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (_, store, codes) = campaign_with_codes(&app, &api).await;
    let (_, staff) = app.person(Role::StoreStaff, Some(store), "Мария").await;
    let (s, h) = staff
        .post(
            "/handouts",
            json!({"code": codes[0], "name": "Анна Иванова", "phone": "+7 916 111-22-33",
                   "email": "anna@mail.test", "consent": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    // Someone takes an electronic certificate of another campaign with Anna's phone.
    let (_, partners) = api.get("/partners").await;
    let (_, spring) = api
        .post(
            "/campaigns",
            json!({"name": "Весна", "start_date": "2026-11-16", "end_date": "2027-01-31",
                   "face_value": "300", "valid_until": "2027-02-28", "status": "active",
                   "partner_ids": [partners[0]["id"]]}),
        )
        .await;
    let spring = spring["id"].as_i64().expect("campaign").to_string();
    let (s, e) = app
        .server_fn(
            &app.browser(),
            JoinCampaign::PATH,
            &[
                ("campaign_id", &spring),
                ("store_id", &store.to_string()),
                ("name", "Не Анна"),
                ("phone", "8 916 111 22 33"),
                ("email", "someone@evil.test"),
                ("consent", "on"),
            ],
        )
        .await;
    assert!(s.is_success(), "{e}");
    let stored: (String, Option<String>) =
        sqlx::query_as("SELECT name, email FROM patients WHERE phone = '+79161112233'")
            .fetch_one(&app.db.pool)
            .await
            .expect("patient");
    assert_eq!(
        stored,
        ("Анна Иванова".to_owned(), Some("anna@mail.test".to_owned())),
        "what was recorded stays"
    );
    let (_, check) = app
        .api(&app.token(Role::Reception, None).await)
        .get(&format!("/checkin/{}", codes[0]))
        .await;
    assert_eq!(
        check["certificate"]["participant_name"], "Анна Иванова",
        "reception sees the name given at that hand-out"
    );
    let (_, list) = api.get("/handouts").await;
    let names: Vec<&str> = list
        .as_array()
        .expect("handouts")
        .iter()
        .filter_map(|h| h["participant_name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["Не Анна", "Анна Иванова"],
        "each hand-out keeps the spelling typed for it"
    );
}

async fn redeem(api: &crate::helpers::Api, code: &str, key: &str) -> (StatusCode, Value) {
    api.post(
        "/redemptions",
        json!({"code": code, "idempotency_key": key}),
    )
    .await
}

#[tokio::test]
async fn an_idempotency_key_is_bound_to_its_certificate_and_its_caller() {
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (_, _, codes) = campaign_with_codes(&app, &api).await;
    let (_, desk) = app.person(Role::Reception, None, "Ирина").await;
    let (_, other_desk) = app.person(Role::Reception, None, "Ольга").await;

    let (s, first) = redeem(&desk, &codes[0], "key-1").await;
    assert_eq!(
        (s, first["verdict"].as_str()),
        (StatusCode::OK, Some("redeemed"))
    );
    let (s, retry) = redeem(&desk, &codes[0], "key-1").await;
    assert_eq!(
        (s, retry["replayed"].as_bool()),
        (StatusCode::OK, Some(true))
    );

    // Code B with code A's key: refused, and B stays unredeemed.
    let (s, e) = redeem(&desk, &codes[1], "key-1").await;
    assert_eq!(
        (s, e["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("key_reused"))
    );
    let (_, b) = desk.get(&format!("/checkin/{}", codes[1])).await;
    assert_eq!(b["verdict"], "valid");
    // Another receptionist with the same key: refused.
    let (s, _) = redeem(&other_desk, &codes[0], "key-1").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // After an undo, a retry with the old key does not claim "redeemed".
    let (s, _) = desk
        .post(
            "/redemptions/undo",
            json!({"code": codes[0], "reason": "не тот сертификат"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = redeem(&desk, &codes[0], "key-1").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (_, a) = desk.get(&format!("/checkin/{}", codes[0])).await;
    assert_eq!(a["verdict"], "valid", "usable again, as the undo said");

    // A hand-out key is bound the same way.
    let (_, store) = api.get("/stores").await;
    let store = store[0]["id"].as_i64().expect("store");
    let (_, staff) = app.person(Role::StoreStaff, Some(store), "Мария").await;
    let body = |code: &str, phone: &str| -> Value {
        json!({"code": code, "name": "Вера", "phone": phone, "consent": true, "idempotency_key": "h-1"})
    };
    let (s, _) = staff
        .post("/handouts", body(&codes[2], "+7 916 000-00-01"))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, e) = staff
        .post("/handouts", body(&codes[3], "+7 916 000-00-02"))
        .await;
    assert_eq!(
        (s, e["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("key_reused"))
    );
}

#[tokio::test]
async fn a_batch_for_too_many_stores_is_refused_before_it_takes_the_write_lock() {
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (campaign, _, _) = campaign_with_codes(&app, &api).await;
    let ids: Vec<i64> = (1..=600).collect();
    let (s, e) = api
        .post(
            &format!("/campaigns/{campaign}/batches"),
            json!({"count": 10, "store_ids": ids}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("store_ids"))
    );
}

#[tokio::test]
async fn looking_up_codes_one_after_another_is_rate_limited() {
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (_, _, codes) = campaign_with_codes(&app, &api).await;
    let public = app.api("");
    let mut statuses = Vec::new();
    for _ in 0..61 {
        statuses.push(public.get(&format!("/certificates/{}", codes[0])).await.0);
    }
    assert!(statuses[..60].iter().all(|s| *s == StatusCode::OK));
    assert_eq!(statuses[60], StatusCode::TOO_MANY_REQUESTS);
    // The next minute it answers again.
    app.clock().advance(Duration::seconds(61));
    assert_eq!(
        public.get(&format!("/certificates/{}", codes[0])).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn backup_token_and_unlock_refuse_a_database_that_does_not_exist() {
    use clap::Parser;
    let app = spawn_app().await;
    let missing = std::env::temp_dir().join(format!(
        "sarafan-tests/no-such-{}.db",
        &domain::auth::new_secret()[..8]
    ));
    let mut config = app.config.clone();
    config.database_url = format!("sqlite://{}", missing.display());
    for args in [
        vec!["sarafan", "backup", "/tmp/sarafan-backup-never.db"],
        vec!["sarafan", "token", "create", "--role", "marketer"],
        vec!["sarafan", "user", "unlock", "--email", "anna@clinic.test"],
    ] {
        let cli = server::cli::Cli::parse_from(&args);
        let r = server::cli::run(cli, config.clone()).await;
        let e = r.expect_err("refused");
        assert!(e.to_string().contains("no database at"), "{args:?}: {e}");
        assert!(!missing.exists(), "{args:?} created no database");
    }
}

#[tokio::test]
async fn a_receptionist_is_signed_out_after_twelve_idle_hours_and_a_counter_phone_lasts_the_season()
{
    let app = spawn_app().await;
    let (_, desk) = app.person(Role::Reception, None, "Ирина").await;
    let (_, store) = {
        let api = app.api(&app.token(Role::Marketer, None).await);
        let (_, p) = api.post("/partners", json!({"name": "Атлет"})).await;
        api.post(
            "/stores",
            json!({"partner_id": p["id"], "name": "Тверская"}),
        )
        .await
    };
    let (_, phone) = app
        .person(Role::StoreStaff, store["id"].as_i64(), "Мария")
        .await;
    assert_eq!(desk.get("/services").await.0, StatusCode::OK);
    // Used every eleven hours, reception's session lives on...
    for _ in 0..3 {
        app.clock().advance(Duration::hours(11));
        assert_eq!(desk.get("/services").await.0, StatusCode::OK);
    }
    // ...but thirteen hours untouched end it.
    app.clock().advance(Duration::hours(13));
    assert_eq!(desk.get("/services").await.0, StatusCode::UNAUTHORIZED);
    // The store's phone, used once in two months, is still signed in; after 90 days it is not.
    assert_eq!(phone.get("/handouts").await.0, StatusCode::OK);
    app.clock().advance(Duration::days(60));
    assert_eq!(phone.get("/handouts").await.0, StatusCode::OK);
    app.clock().advance(Duration::days(31));
    assert_eq!(phone.get("/handouts").await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_deactivated_employee_is_signed_out_at_once_and_their_invite_links_stop_working() {
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (_, p) = api.post("/partners", json!({"name": "Атлет"})).await;
    let (_, store) = api
        .post(
            "/stores",
            json!({"partner_id": p["id"], "name": "Тверская"}),
        )
        .await;
    let (id, phone) = app
        .person(Role::StoreStaff, store["id"].as_i64(), "Мария")
        .await;
    assert_eq!(phone.get("/handouts").await.0, StatusCode::OK);
    let (s, person) = api
        .put(&format!("/people/{id}/active"), json!({"active": false}))
        .await;
    assert_eq!(
        (s, person["active"].as_bool()),
        (StatusCode::OK, Some(false))
    );
    assert_eq!(phone.get("/handouts").await.0, StatusCode::UNAUTHORIZED);
    let live: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND ended_at IS NULL")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .expect("sessions");
    assert_eq!(live, 0, "every session of the person ended");
}

#[tokio::test]
async fn a_new_invite_link_revokes_the_older_one() {
    use app::server_fns::{AcceptInvite, InvitePerson, Reinvite};
    let app = spawn_app().await;
    let marketer = app.signed_in_marketer().await;
    let (_, first) = app
        .server_fn(
            &marketer,
            InvitePerson::PATH,
            &[
                ("name", "Ирина"),
                ("phone", ""),
                ("email", ""),
                ("role", "reception"),
                ("store_id", ""),
            ],
        )
        .await;
    let person = first["invite"]["person_id"]
        .as_i64()
        .expect("person")
        .to_string();
    let (_, second) = app
        .server_fn(&marketer, Reinvite::PATH, &[("person_id", &person)])
        .await;
    let secret = |v: &Value| {
        v["url"]
            .as_str()
            .and_then(|u| u.rsplit('/').next())
            .unwrap_or("")
            .to_owned()
    };
    let (_, old) = app
        .server_fn(
            &app.browser(),
            AcceptInvite::PATH,
            &[("token", &secret(&first))],
        )
        .await;
    assert_eq!(old["Domain"]["Refused"], "invite_revoked");
    let (s, _) = app
        .server_fn(
            &app.browser(),
            AcceptInvite::PATH,
            &[("token", &secret(&second))],
        )
        .await;
    assert!(s.is_success() || s.is_redirection(), "{s}");
}

#[tokio::test]
async fn an_api_token_with_a_lifetime_stops_working_when_it_ends() {
    let app = spawn_app().await;
    let token = domain::ops::people::create_token(
        &app.db,
        &domain::auth::Actor::system(),
        "1С",
        Role::Reception,
        None,
        Some(30),
    )
    .await
    .expect("token");
    let api = app.api(&token);
    assert_eq!(api.get("/services").await.0, StatusCode::OK);
    let used: Option<String> = sqlx::query_scalar("SELECT last_used_at FROM api_tokens")
        .fetch_one(&app.db.pool)
        .await
        .expect("token row");
    assert!(used.is_some(), "its last use is recorded");
    app.clock().advance(Duration::days(31));
    assert_eq!(api.get("/services").await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_first_start_setup_link_expires_after_a_day() {
    use app::server_fns::SetupLinkValid;
    let app = spawn_app().await;
    let secret = domain::auth::create_setup_token(&app.db)
        .await
        .expect("setup");
    let (_, ok) = app
        .server_fn(&app.browser(), SetupLinkValid::PATH, &[("token", &secret)])
        .await;
    assert_eq!(ok, json!(true));
    app.clock().advance(Duration::hours(25));
    let (_, late) = app
        .server_fn(&app.browser(), SetupLinkValid::PATH, &[("token", &secret)])
        .await;
    assert_eq!(late, json!(false));
}

#[tokio::test]
async fn writes_are_checked_against_the_public_url_not_the_host_header() {
    use app::server_fns::SavePartner;
    let app = spawn_app().await;
    let marketer = app.signed_in_marketer().await;
    let save = |origin: String, host: &'static str| {
        let marketer = marketer.clone();
        let url = app.url(SavePartner::PATH);
        async move {
            marketer
                .post(url)
                .header("accept", "application/json")
                .header("origin", origin)
                .header("host", host)
                .form(&[
                    ("name", "Атлет"),
                    ("contact_person", ""),
                    ("phone", ""),
                    ("email", ""),
                    ("notes", ""),
                ])
                .send()
                .await
                .expect("save")
                .status()
        }
    };
    // Behind a proxy that rewrites Host, our own page's write still goes through.
    assert!(
        save(app.config.public_url.clone(), "sarafan-internal:3000")
            .await
            .is_success()
    );
    // A page of another site that makes the Host header agree with it is refused.
    assert_eq!(
        save("http://evil.example".into(), "evil.example").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.count("partners").await, 1);
}

#[tokio::test]
async fn private_pages_are_not_cached_and_participants_pages_may_not_use_the_camera() {
    let app = spawn_app().await;
    let marketer = app.signed_in_marketer().await;
    let get = |path: &str| marketer.get(app.url(path)).send();
    let partners = get("/partners").await.expect("page");
    assert_eq!(partners.headers()["cache-control"], "private, no-cache");
    // Any page of the app may navigate in place to check-in, keeping its own policy.
    assert!(
        partners.headers()["permissions-policy"]
            .to_str()
            .expect("policy")
            .starts_with("camera=(self)")
    );
    for public in ["/c/K7QDM2XFR9A", "/join/1/1", "/v/nothing"] {
        let page = get(public).await.expect("page");
        assert!(
            page.headers()["permissions-policy"]
                .to_str()
                .expect("policy")
                .starts_with("camera=()"),
            "{public}"
        );
    }
    let checkin = get("/checkin").await.expect("page");
    assert!(
        checkin.headers()["permissions-policy"]
            .to_str()
            .expect("policy")
            .starts_with("camera=(self)")
    );
    let api = get("/api/v1/partners").await.expect("api");
    assert_eq!(api.headers()["cache-control"], "private, no-store");
    assert!(api.headers().get("strict-transport-security").is_none());
}

#[tokio::test]
async fn over_https_the_session_cookie_is_host_only_and_browsers_are_told_to_stay_on_https() {
    let app = spawn_app_with(|c| {
        c.public_url = "https://sarafan.clinic.example".into();
        c.secure_cookies = true;
    })
    .await;
    app.marketer("anna@clinic.test").await;
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(app.url(Login::PATH))
        .header("accept", "application/json")
        .header("origin", "https://sarafan.clinic.example")
        .form(&[("email", "anna@clinic.test"), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(
        cookie.starts_with("__Host-sarafan_session=") && cookie.contains("; Secure"),
        "{cookie}"
    );
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
}

#[tokio::test]
async fn a_refused_offline_upload_is_kept_only_with_consent_within_limits_and_up_to_a_cap() {
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (_, store, codes) = campaign_with_codes(&app, &api).await;
    let (_, staff) = app.person(Role::StoreStaff, Some(store), "Мария").await;
    let offline = |code: &str, name: &str, consent: bool, key: &str| {
        json!({"code": code, "name": name, "phone": "+7 916 000-00-09", "consent": consent,
               "offline": true, "idempotency_key": key})
    };
    // Handed out on another phone meanwhile: each of these uploads is refused.
    staff
        .post("/handouts", offline(&codes[0], "Вера", true, "first"))
        .await;
    let (s, _) = staff
        .post(
            "/handouts",
            offline(&codes[0], "Без согласия", false, "no-consent"),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = staff
        .post(
            "/handouts",
            offline(&codes[0], &"Я".repeat(5_000), true, "too-long"),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count("handout_conflicts").await,
        0,
        "nothing kept without consent or beyond the limits"
    );
    for i in 0..(domain::ops::handouts::MAX_OPEN_CONFLICTS + 5) {
        let (s, _) = staff
            .post(
                "/handouts",
                offline(&codes[0], "Вера", true, &format!("k-{i}")),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
    }
    assert_eq!(
        app.count("handout_conflicts").await,
        domain::ops::handouts::MAX_OPEN_CONFLICTS,
        "at most this many open ones per employee"
    );
}

#[tokio::test]
async fn pages_allow_only_their_own_scripts() {
    let app = spawn_app().await;
    let r = app
        .browser()
        .get(app.url("/login"))
        .send()
        .await
        .expect("page");
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_owned();
    let html = r.text().await.expect("html");
    let nonce = html
        .split(" nonce=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page's scripts carry a nonce")
        .to_owned();
    assert!(csp.contains(&format!("'nonce-{nonce}'")), "{csp}");
    assert!(csp.contains("script-src 'self'") && !csp.contains("'unsafe-inline' 'wasm"));
    assert!(csp.contains("frame-ancestors 'none'"));
    // Each page gets its own nonce.
    let again = app
        .browser()
        .get(app.url("/login"))
        .send()
        .await
        .expect("page");
    assert_ne!(
        again.headers()["content-security-policy"]
            .to_str()
            .expect("csp"),
        csp
    );
    assert!(
        server::http::content_security_policy(None).contains("'sha256-"),
        "the sign-out form's inline handler is allowed by its hash"
    );
}

#[tokio::test]
async fn a_client_that_trickles_its_headers_in_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let mut slow = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: sarafan\r\n")
        .await
        .expect("write");
    // Never finishes its headers: the server gives up after the header timeout.
    let mut buf = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        slow.read_to_end(&mut buf),
    )
    .await
    .expect("the server closed the connection within the timeout");
    assert!(read.is_ok());
    // A normal request on a new connection is answered.
    assert_eq!(
        reqwest::get(app.url("/healthz"))
            .await
            .expect("health")
            .status(),
        StatusCode::OK
    );
}
