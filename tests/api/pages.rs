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

/// A form whose answer is shown once must not work as a plain post before the page is
/// interactive: the token would be created and its only showing lost. The server renders those
/// buttons disabled; the browser tests press them after hydration (so they do get enabled).
#[tokio::test]
async fn buttons_that_show_a_secret_once_wait_until_the_page_is_interactive() {
    let app = spawn_app().await;
    let c = app.signed_in_marketer().await;
    let html = |path: &'static str| {
        let c = c.clone();
        let url = app.url(path);
        async move {
            c.get(url)
                .send()
                .await
                .expect(path)
                .text()
                .await
                .expect("html")
        }
    };
    // `<!>` are the hydration's text-node markers: a button reads `>Label<!></button>`.
    let button = |page: &str, label: &str| -> String {
        let page = page.replace("<!>", "");
        let end = page
            .find(&format!(">{label}</button>"))
            .unwrap_or_else(|| panic!("a button {label:?}"));
        let start = page[..end].rfind("<button").expect("<button");
        page[start..end].to_owned()
    };
    let settings = html("/settings").await;
    for label in ["Новый токен", "Добавить вебхук"] {
        assert!(
            button(&settings, label).contains(" disabled"),
            "{label}: {}",
            button(&settings, label)
        );
    }
    let people = html("/people").await;
    assert!(button(&people, "Пригласить").contains(" disabled"));
    assert!(
        button(&settings, "Сохранить").find(" disabled").is_none(),
        "an ordinary form still works as a plain post"
    );
}
