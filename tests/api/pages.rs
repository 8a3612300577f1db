use reqwest::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn pages_are_russian_by_default_and_english_after_switching() {
    let app = spawn_app().await;
    let c = app.signed_in_marketer().await;
    let page = c
        .get(app.url("/partners"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("<html lang=\"ru\"") && page.contains(">Партнёры<"));
    let r = c
        .get(app.url("/lang/en?back=/partners"))
        .send()
        .await
        .expect("switch");
    assert_eq!(r.headers()["location"], "/partners");
    let page = c
        .get(app.url("/partners"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("<html lang=\"en\"") && page.contains(">Partners<"));
    let r = c
        .get(app.url("/lang/en?back=https://evil.example"))
        .send()
        .await
        .expect("switch");
    assert_eq!(
        r.headers()["location"],
        "/",
        "the language switch never redirects off-site"
    );
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_the_sign_in_page() {
    let app = spawn_app().await;
    let c = app.browser();
    for path in ["/", "/campaigns", "/partners/1", "/people", "/settings"] {
        let r = c.get(app.url(path)).send().await.expect("page");
        assert_eq!(r.headers()["location"], "/login", "{path}");
    }
    let r = c.get(app.url("/login")).send().await.expect("login");
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn responses_are_compressed_and_the_health_check_answers() {
    let app = spawn_app().await;
    let r = reqwest::get(app.url("/healthz")).await.expect("health");
    assert_eq!(r.status(), StatusCode::OK);
    let r = reqwest::Client::new()
        .get(app.url("/login"))
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("login");
    assert_eq!(r.headers()["content-encoding"], "br");
    let r = reqwest::Client::new()
        .get(app.url("/login"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("login");
    assert_eq!(r.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn an_unknown_page_is_a_404_in_the_users_language() {
    let app = spawn_app().await;
    let r = reqwest::get(app.url("/no-such-page")).await.expect("page");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        r.text()
            .await
            .expect("html")
            .contains("Страница не найдена")
    );
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = spawn_app().await;
    let doc: serde_json::Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .expect("doc")
        .json()
        .await
        .expect("json");
    assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3."));
    for path in [
        "/api/v1/campaigns",
        "/api/v1/partners",
        "/api/v1/stores",
        "/api/v1/people",
        "/api/v1/campaigns/{id}/costs",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
}
