use app::server_fns::{
    AcceptInvite, CompleteSetup, InvitePerson, ListInvites, Logout, RevokeInvite,
};
use reqwest::StatusCode;
use server_fn::ServerFn;

use crate::helpers::{PASSWORD, spawn_app};

#[tokio::test]
async fn the_first_start_setup_link_creates_the_marketer_and_signs_them_in_once() {
    let app = spawn_app().await;
    let secret = domain::auth::create_setup_token(&app.db)
        .await
        .expect("setup token");
    let c = app.browser();
    let page = c
        .get(app.url(&format!("/setup/{secret}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("name=\"password\""),
        "the setup page shows the form"
    );

    let r = c
        .post(app.url(CompleteSetup::PATH))
        .header("accept", "text/html")
        .header("referer", app.url(&format!("/setup/{secret}")))
        .form(&[
            ("token", secret.as_str()),
            ("name", "Анна Маркетова"),
            ("email", "anna@clinic.test"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("setup");
    assert_eq!(r.status(), StatusCode::FOUND);
    let home = c.get(app.url("/")).send().await.expect("home");
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.text().await.expect("html").contains("Анна Маркетова"));

    let again = app.browser();
    let page = again
        .get(app.url(&format!("/setup/{secret}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("уже выполнена"),
        "a used setup link says setup is done"
    );
    assert_eq!(app.count("users").await, 1);
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_repeated_attempts_are_rate_limited() {
    let app = spawn_app().await;
    app.marketer("anna@clinic.test").await;
    let c = app.browser();
    let r = app.login(&c, "anna@clinic.test", "wrong password").await;
    let location = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(
        location.contains("__err="),
        "the error travels back to the form: {location}"
    );
    let page = c
        .get(&location)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("неверная эл. почта или пароль"));

    for _ in 0..10 {
        app.login(&c, "anna@clinic.test", "wrong password").await;
    }
    // Even the right password is refused while the limit holds.
    let r = app.login(&c, "anna@clinic.test", PASSWORD).await;
    let location = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let page = c
        .get(&location)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("слишком много попыток"), "rate limited");
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let c = app.signed_in_marketer().await;
    assert_eq!(
        c.get(app.url("/campaigns"))
            .send()
            .await
            .expect("page")
            .status(),
        StatusCode::OK
    );
    let (status, _) = app.server_fn(&c, Logout::PATH, &[]).await;
    assert!(status.is_success() || status.is_redirection());
    let r = c.get(app.url("/campaigns")).send().await.expect("page");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login");
}

#[tokio::test]
async fn a_forged_session_cookie_is_treated_as_signed_out() {
    let app = spawn_app().await;
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let forged = format!("sarafan_session={}", "a".repeat(64));
    let r = c
        .get(app.url("/partners"))
        .header("cookie", &forged)
        .send()
        .await
        .expect("page");
    assert_eq!(r.headers()["location"], "/login");
    let r = c
        .get(app.url("/api/v1/partners"))
        .header("cookie", &forged)
        .send()
        .await
        .expect("api");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "unauthorized");
}

async fn invite_store_employee(
    app: &crate::helpers::TestApp,
    marketer: &reqwest::Client,
) -> String {
    let token = app.token(domain::types::Role::Marketer, None).await;
    let api = app.api(&token);
    let (_, p) = api
        .post(
            "/partners",
            serde_json::json!({"name": "Фитнес-клуб «Атлет»"}),
        )
        .await;
    let (_, s) = api
        .post(
            "/stores",
            serde_json::json!({"partner_id": p["id"], "name": "Атлет на Тверской"}),
        )
        .await;
    let store_id = s["id"].as_i64().expect("store id").to_string();
    let (status, invite) = app
        .server_fn(
            marketer,
            InvitePerson::PATH,
            &[
                ("name", "Мария Соколова"),
                ("phone", "8 916 123-45-67"),
                ("email", ""),
                ("role", "store_staff"),
                ("store_id", &store_id),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{invite}");
    assert!(
        invite["qr_svg"].as_str().expect("svg").starts_with("<?xml"),
        "the invite comes with a QR code"
    );
    invite["url"].as_str().expect("url").to_owned()
}

#[tokio::test]
async fn an_invite_signs_the_store_employee_in_exactly_once() {
    let app = spawn_app().await;
    let marketer = app.signed_in_marketer().await;
    let url = invite_store_employee(&app, &marketer).await;
    let secret = url.rsplit('/').next().expect("secret").to_owned();
    assert!(
        url.starts_with(&format!("{}/invite/", app.config.public_url)),
        "links use the public URL: {url}"
    );

    let phone = app.browser();
    let page = phone
        .get(app.url(&format!("/invite/{secret}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("Мария Соколова") && page.contains("Атлет на Тверской"),
        "the invite says who and where"
    );

    let (status, _) = app
        .server_fn(&phone, AcceptInvite::PATH, &[("token", &secret)])
        .await;
    assert!(status.is_success(), "accepting signs in");
    let home = phone
        .get(app.url("/"))
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("html");
    assert!(
        home.contains("Атлет на Тверской"),
        "the employee sees their store"
    );
    assert!(
        !home.contains("href=\"/people\""),
        "and no marketer navigation"
    );

    let other = app.browser();
    let (status, body) = app
        .server_fn(&other, AcceptInvite::PATH, &[("token", &secret)])
        .await;
    assert!(!status.is_success());
    assert_eq!(body["Domain"]["Refused"], "invite_used");
}

#[tokio::test]
async fn expired_and_revoked_invites_are_refused_with_the_reason() {
    let app = spawn_app().await;
    let marketer = app.signed_in_marketer().await;
    let url = invite_store_employee(&app, &marketer).await;
    let secret = url.rsplit('/').next().expect("secret").to_owned();
    // A week and a day later the link has expired.
    app.clock().advance(chrono::Duration::days(8));
    let phone = app.browser();
    let (_, body) = app
        .server_fn(&phone, AcceptInvite::PATH, &[("token", &secret)])
        .await;
    assert_eq!(body["Domain"]["Refused"], "invite_expired");

    // Back within the week, but the marketer revoked it.
    app.clock().advance(chrono::Duration::days(-8));
    let (_, invites) = app.server_fn(&marketer, ListInvites::PATH, &[]).await;
    let invite_id = invites[0]["id"].as_i64().expect("invite id").to_string();
    let (s, _) = app
        .server_fn(&marketer, RevokeInvite::PATH, &[("id", &invite_id)])
        .await;
    assert!(s.is_success());
    let (_, body) = app
        .server_fn(&phone, AcceptInvite::PATH, &[("token", &secret)])
        .await;
    assert_eq!(body["Domain"]["Refused"], "invite_revoked");
    assert_eq!(
        app.count("sessions").await,
        1,
        "only the marketer's session exists"
    );
}

#[tokio::test]
async fn a_session_started_on_one_instance_works_on_another_sharing_the_database() {
    let app = spawn_app().await;
    let c = app.signed_in_marketer().await;
    // A second `sarafan serve` on the same database.
    let second = crate::helpers::spawn_second(&app).await;
    let cookie = c.get(app.url("/")).send().await.expect("home");
    assert_eq!(cookie.status(), StatusCode::OK);
    let r = c
        .get(format!("http://{second}/campaigns"))
        .send()
        .await
        .expect("second instance");
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the session is known to the second instance"
    );
}
