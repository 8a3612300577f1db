//! Runs the real app on a free port against a fresh database of the engine named by
//! `SARAFAN_TEST_DATABASE` (`sqlite`, the default, or `postgres` at `SARAFAN_TEST_PG_URL`).

use std::net::SocketAddr;

use app::ssr::AppState;
use domain::auth::Actor;
use domain::db::Db;
use domain::model::PersonInput;
use domain::ops;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use server::Config;
use server_fn::ServerFn;

pub struct TestApp {
    /// Held for the whole test: see [`ONE_APP_AT_A_TIME`].
    _turn: tokio::sync::MutexGuard<'static, ()>,
    pub addr: SocketAddr,
    pub config: Config,
    pub db: Db,
}

pub const PASSWORD: &str = "correct horse battery";

/// Every test app's clinic clock starts here — Monday 30 November 2026, 10:00 in Moscow — and
/// runs on; a test moves it with [`TestApp::clock`]. No test depends on the real date.
pub const TEST_NOW: &str = "2026-11-30T10:00:00+03:00";

pub fn test_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(TEST_NOW)
        .expect("TEST_NOW")
        .with_timezone(&chrono::Utc)
}

fn engine() -> String {
    std::env::var("SARAFAN_TEST_DATABASE").unwrap_or_else(|_| "sqlite".into())
}

async fn fresh_database_url() -> String {
    let name = format!("sarafan_test_{}", &domain::auth::new_secret()[..16]);
    match engine().as_str() {
        "postgres" => {
            let admin = std::env::var("SARAFAN_TEST_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&admin)
                .await
                .expect("PostgreSQL for tests must be reachable (SARAFAN_TEST_PG_URL)");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&pool)
                .await
                .expect("create test database");
            pool.close().await;
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin)
                .to_owned();
            format!("{base}/{name}")
        }
        _ => {
            let dir = std::env::temp_dir().join("sarafan-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            format!("sqlite://{}", dir.join(format!("{name}.db")).display())
        }
    }
}

/// One app per process at a time. Each test runs its own Tokio runtime; with several Leptos
/// apps rendering pages concurrently on different runtimes in one process, a request now and
/// then never completes (about one full run in five hung here). A real server runs one app on
/// one runtime and did not hang under 2 100 concurrent page loads, so the tests take turns.
static ONE_APP_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The real app with a changed configuration (e.g. behind a proxy).
pub async fn spawn_app_with(change: impl FnOnce(&mut Config)) -> TestApp {
    // Server errors show in a failing test's output (`SARAFAN_LOG=debug` for more).
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SARAFAN_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_test_writer()
        .try_init();
    let turn = ONE_APP_AT_A_TIME.lock().await;
    let database_url = fresh_database_url().await;
    // The app's public URL is where the tests reach it: writes must come from there (Origin).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let config = Config {
        database_url,
        addr,
        public_url: format!("http://{addr}"),
        site_root: std::path::PathBuf::from("target/site"),
        secure_cookies: false,
        trust_proxy: false,
        trusted_proxies: vec![],
        start_clock_at: Some(test_now()),
    };
    let mut config = config;
    change(&mut config);
    let state = serve(&config, listener).await;
    TestApp {
        _turn: turn,
        addr,
        db: state.db,
        config,
    }
}

async fn serve(config: &Config, listener: tokio::net::TcpListener) -> AppState {
    let state = server::build_state(config).await.expect("state");
    let router = server::build_router(state.clone());
    // The same accept loop as `sarafan serve`, with a short header timeout for the test of it.
    tokio::spawn(async move {
        server::http::serve_with(
            listener,
            router,
            std::future::pending(),
            std::time::Duration::from_millis(700),
        )
        .await
        .expect("serve");
    });
    state
}

/// A second app instance on the same database, as when a clinic runs several (behind one
/// load balancer: the same public URL).
pub async fn spawn_second(app: &TestApp) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    serve(&app.config, listener).await;
    addr
}

impl TestApp {
    /// The clinic clock of this app (and of a second instance started on it).
    pub fn clock(&self) -> &domain::clock::Clock {
        &self.db.clock
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A browser-like client: keeps cookies and sends our Origin on writes.
    pub fn browser(&self) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ORIGIN,
            format!("http://{}", self.addr).parse().expect("origin"),
        );
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("client")
    }

    /// Creates a marketer with a password, as `sarafan user create` would.
    pub async fn marketer(&self, email: &str) -> i64 {
        let sys = Actor::system();
        let p = ops::people::create_person(
            &self.db,
            &sys,
            &PersonInput {
                name: "Анна".into(),
                email: email.into(),
                role: "marketer".into(),
                ..Default::default()
            },
        )
        .await
        .expect("marketer");
        ops::people::set_password(&self.db, &sys, domain::ids::UserId(p.id), PASSWORD)
            .await
            .expect("password");
        p.id
    }

    /// Signs in through the real sign-in form endpoint; returns the client holding the session.
    pub async fn signed_in_marketer(&self) -> Client {
        let email = format!("m{}@clinic.test", &domain::auth::new_secret()[..8]);
        self.marketer(&email).await;
        let c = self.browser();
        let r = self.login(&c, &email, PASSWORD).await;
        assert_eq!(
            r.status(),
            StatusCode::FOUND,
            "sign-in should redirect home"
        );
        c
    }

    pub async fn login(&self, c: &Client, email: &str, password: &str) -> reqwest::Response {
        c.post(self.url(app::server_fns::Login::PATH))
            .header("accept", "text/html")
            .header("referer", self.url("/login"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .expect("login request")
    }

    /// Calls a server function as a hydrated page does (JSON result).
    pub async fn server_fn(
        &self,
        c: &Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let r = c
            .post(self.url(path))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("server fn");
        let status = r.status();
        let text = r.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// An API token for a role, as `sarafan token create` would.
    pub async fn token(&self, role: domain::types::Role, store_id: Option<i64>) -> String {
        ops::people::create_token(
            &self.db,
            &Actor::system(),
            "test",
            role,
            store_id.map(domain::ids::StoreId),
            None,
        )
        .await
        .expect("token")
    }

    /// A person of `role` (of `store_id`) signed in with a session cookie, as from an invite;
    /// returns their user id and an API client acting as them.
    pub async fn person(
        &self,
        role: domain::types::Role,
        store_id: Option<i64>,
        name: &str,
    ) -> (i64, Api) {
        let p = ops::people::create_person(
            &self.db,
            &Actor::system(),
            &PersonInput {
                name: name.into(),
                phone: String::new(),
                email: String::new(),
                role: role.as_str().into(),
                store_id,
            },
        )
        .await
        .expect("person");
        (p.id, self.signed_in(p.id, role).await)
    }

    /// A new session of an existing person (sessions of the clinic's people end after 12 idle
    /// hours, so a test that moves the clock by days signs them in again).
    pub async fn signed_in(&self, user: i64, role: domain::types::Role) -> Api {
        let sys = Actor::system();
        let mut w = self.db.write(&sys).await.expect("write");
        let secret =
            domain::auth::create_session(&mut w, domain::ids::UserId(user), role, Some("test"))
                .await
                .expect("session");
        w.commit().await.expect("commit");
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ORIGIN,
            format!("http://{}", self.addr).parse().expect("origin"),
        );
        headers.insert(
            reqwest::header::COOKIE,
            format!("{}={secret}", app::ssr::SESSION_COOKIE)
                .parse()
                .expect("cookie"),
        );
        let client = Client::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Api {
            base: self.url("/api/v1"),
            token: String::new(),
            client,
        }
    }

    pub fn api(&self, token: &str) -> Api {
        Api {
            base: self.url("/api/v1"),
            token: token.to_owned(),
            client: Client::new(),
        }
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.db.pool)
            .await
            .expect("count")
    }
}

/// A JSON API client with a bearer token.
pub struct Api {
    base: String,
    token: String,
    client: Client,
}

impl Api {
    /// The underlying client (a person's session cookie and our Origin).
    pub fn raw(&self) -> &Client {
        &self.client
    }
    fn auth_headers(&self) -> reqwest::header::HeaderMap {
        let mut h = reqwest::header::HeaderMap::new();
        if !self.token.is_empty() {
            h.insert(
                reqwest::header::AUTHORIZATION,
                format!("Bearer {}", self.token).parse().expect("bearer"),
            );
        }
        h
    }
    /// A JSON request (`body` for POST and PUT): the status and the JSON answer (null if none).
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .headers(self.auth_headers());
        if let Some(body) = body {
            req = req.json(&body);
        }
        let r = req.send().await.expect("request");
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }
    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    /// A download: status, content type and the bytes.
    pub async fn get_bytes(&self, path: &str) -> (StatusCode, String, Vec<u8>) {
        let (status, headers, bytes) = self.get_download(path).await;
        let kind = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, kind, bytes)
    }

    /// A download with its headers (`Content-Disposition` and the like).
    pub async fn get_download(
        &self,
        path: &str,
    ) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .headers(self.auth_headers())
            .send()
            .await
            .expect("get");
        let (status, headers) = (r.status(), r.headers().clone());
        (status, headers, r.bytes().await.expect("bytes").to_vec())
    }
}

/// A PDF looked at as a person and a phone would: its text (`pdftotext`), its page count, and
/// every QR code on every page, rendered at 150 dpi (`pdftoppm`) and decoded by zxing-cpp.
pub struct PdfLook {
    pub text: String,
    pub pages: usize,
    pub qr: Vec<String>,
}

fn tool(name: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("`{name}` must be installed (poppler-utils; python3 with zxing-cpp): {e}")
        })
}

pub fn look_at_pdf(bytes: &[u8]) -> PdfLook {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let dir =
        std::env::temp_dir().join(format!("sarafan-pdf-{}", &domain::auth::new_secret()[..12]));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let pdf = dir.join("doc.pdf");
    std::fs::write(&pdf, bytes).expect("write pdf");
    let pdf_s = pdf.to_string_lossy().to_string();
    let text = tool("pdftotext", &["-layout", &pdf_s, "-"]);
    assert!(text.status.success(), "pdftotext failed");
    let prefix = dir.join("page").to_string_lossy().to_string();
    let render = tool("pdftoppm", &["-r", "150", "-png", &pdf_s, &prefix]);
    assert!(
        render.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&render.stderr)
    );
    let mut pngs: Vec<_> = std::fs::read_dir(&dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    pngs.sort();
    let mut args = vec![concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/qr_decode.py").to_owned()];
    args.extend(pngs.iter().map(|p| p.to_string_lossy().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let decoded = tool("python3", &args);
    assert!(
        decoded.status.success(),
        "QR decoding failed: {}",
        String::from_utf8_lossy(&decoded.stderr)
    );
    let qr: Vec<String> = String::from_utf8_lossy(&decoded.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    PdfLook {
        text: String::from_utf8_lossy(&text.stdout).to_string(),
        pages: pngs.len(),
        qr,
    }
}

/// A PDF's text as `pdftotext` reads it (`-layout` keeps a table's row on one line) and its
/// page count from `pdfinfo`.
pub fn pdf_text_and_pages(bytes: &[u8], layout: bool) -> (String, usize) {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let dir =
        std::env::temp_dir().join(format!("sarafan-pdf-{}", &domain::auth::new_secret()[..12]));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let pdf = dir.join("doc.pdf");
    std::fs::write(&pdf, bytes).expect("write pdf");
    let pdf_s = pdf.to_string_lossy().to_string();
    let mut args = vec![pdf_s.as_str(), "-"];
    if layout {
        args.insert(0, "-layout");
    }
    let text = tool("pdftotext", &args);
    assert!(text.status.success(), "pdftotext failed");
    let info = tool("pdfinfo", &[&pdf_s]);
    assert!(info.status.success(), "pdfinfo failed");
    let pages = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| {
            l.strip_prefix("Pages:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0);
    let _ = std::fs::remove_dir_all(&dir);
    (String::from_utf8_lossy(&text.stdout).to_string(), pages)
}

/// The field named in an API error body.
pub fn error_field(body: &Value) -> Option<&str> {
    body["error"]["fields"][0]["field"].as_str()
}

/// What [`promo`] made.
pub struct Promo {
    pub partner: i64,
    pub store: i64,
    pub campaign: i64,
    /// The store's printed certificates, in serial order.
    pub codes: Vec<String>,
}

/// `extra`'s fields laid over `base`'s.
fn merged(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
    base
}

/// Through the marketer's API: the partner «Атлет», its store «Тверская» (`store`'s fields laid
/// over), the active campaign «Зима» from 16 November (`campaign`'s fields laid over) and
/// `count` certificates printed for the store.
pub async fn promo(marketer: &Api, store: Value, campaign: Value, count: usize) -> Promo {
    let (s, partner) = marketer.post("/partners", json!({"name": "Атлет"})).await;
    assert_eq!(s, StatusCode::CREATED, "{partner}");
    let partner = partner["id"].as_i64().expect("partner");
    let (s, store) = marketer
        .post(
            "/stores",
            merged(json!({"partner_id": partner, "name": "Тверская"}), store),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{store}");
    let store = store["id"].as_i64().expect("store");
    let (s, c) = marketer
        .post(
            "/campaigns",
            merged(
                json!({"name": "Зима", "start_date": "2026-11-16", "end_date": "2027-01-31",
                       "face_value": "500", "valid_until": "2027-02-28", "status": "active",
                       "partner_ids": [partner]}),
                campaign,
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let campaign = c["id"].as_i64().expect("campaign");
    let (s, b) = marketer
        .post(
            &format!("/campaigns/{campaign}/batches"),
            json!({"count": count, "store_ids": [store]}),
        )
        .await;
    assert!(s.is_success(), "{b}");
    let (_, list) = marketer
        .get(&format!("/campaigns/{campaign}/certificates"))
        .await;
    let codes = list
        .as_array()
        .expect("certificates")
        .iter()
        .map(|c| c["code"].as_str().unwrap_or("").to_owned())
        .collect();
    Promo {
        partner,
        store,
        campaign,
        codes,
    }
}
