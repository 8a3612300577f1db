//! The HTTP surface: Leptos pages and server functions, the JSON API, static assets, and the
//! middleware every request passes (compression, Origin check, sign-in redirect).

use std::time::Duration;

use app::ssr::{AppState, LANG_COOKIE, actor_from_headers};
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::clock::Clock;
use domain::db::Db;
use domain::policy;
use domain::{ErrorCode, Lang};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list, handle_server_fns_with_context};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::Config;

/// Opens the database, applies migrations and assembles the shared state.
pub async fn build_state(config: &Config) -> anyhow::Result<AppState> {
    let clock = match config.start_clock_at {
        Some(t) => Clock::starting_at(t),
        None => Clock::system(),
    };
    let db = Db::connect_with_clock(&config.database_url, clock).await?;
    db.migrate().await?;
    let mut leptos_options = LeptosOptions::builder()
        .output_name("sarafan")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    leptos_options.reload_port = 0;
    Ok(AppState {
        db,
        leptos_options,
        public_url: config.public_url.clone(),
        secure_cookies: config.secure_cookies,
        trust_proxy: config.trust_proxy,
        trusted_proxies: config.trusted_proxies.clone(),
    })
}

/// Every route of Sarafan.
pub fn build_router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let ctx_state = state.clone();
    let context = move || provide_context(ctx_state.clone());
    let sf_state = state.clone();
    let site = std::path::PathBuf::from(&*state.leptos_options.site_root);

    // Files with fixed names: revalidate often; the service worker keeps them for offline use.
    let assets = Router::new()
        .nest_service(
            "/pkg",
            ServeDir::new(site.join("pkg"))
                .precompressed_br()
                .precompressed_gzip(),
        )
        .nest_service("/icons", ServeDir::new(site.join("icons")))
        .route_service(
            "/manifest.webmanifest",
            ServeFile::new(site.join("manifest.webmanifest")),
        )
        .route_service("/favicon.ico", ServeFile::new(site.join("favicon.ico")))
        .route_service("/offline.html", ServeFile::new(site.join("offline.html")))
        .route_service("/robots.txt", ServeFile::new(site.join("robots.txt")))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600, stale-while-revalidate=86400"),
        ));
    // The service worker must never be stale, or an old app shell would stick.
    let sw = Router::new()
        .route_service("/sw.js", ServeFile::new(site.join("sw.js")))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ));

    Router::new()
        .route("/healthz", get(healthz))
        .route("/lang/{code}", get(set_lang))
        .route(
            "/sf/{*fn_name}",
            post(move |req: Request<Body>| {
                let st = sf_state.clone();
                async move {
                    handle_server_fns_with_context(move || provide_context(st.clone()), req).await
                }
            }),
        )
        .merge(crate::api::router())
        .merge(assets)
        .merge(sw)
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            require_sign_in,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), check_origin))
        .layer(middleware::from_fn(csp))
        // Bodies are limited by `limit_body` per route; axum's own 2 MB default would cut photos.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(middleware::from_fn(limit_body))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        // A request that takes longer than this (a stuck client, a runaway query) gets a 408.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match sqlx::query("SELECT 1").execute(&state.db.pool).await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

#[derive(serde::Deserialize)]
struct Back {
    back: Option<String>,
}

/// `/lang/en?back=/partners`: remembers the language in a cookie and goes back.
async fn set_lang(Path(code): Path<String>, Query(q): Query<Back>) -> Response {
    let lang = Lang::from_code(&code).unwrap_or_default();
    // Only paths of this site, so the link cannot send anyone elsewhere.
    let back = q
        .back
        .filter(|b| same_site_path(b))
        .unwrap_or_else(|| "/".into());
    let mut resp = Redirect::to(&back).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    )) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

/// A path on this site and nothing else: it starts with one `/` and holds no backslash,
/// whitespace or control character (browsers read `/\evil.example` and `/\t/evil.example` as
/// `//evil.example`, another site).
pub fn same_site_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && p.len() <= 2000
        && !p
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
}

/// Page gating from the access policy: a private page sends a signed-out visitor to the
/// sign-in page, and answers 403 (the page then shows "no access") to a role the policy does
/// not let open it.
async fn require_sign_in(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    // A check-in answer (`/checkin?code=…`) shows a participant: never kept on the device.
    let with_query = req.uri().query().is_some_and(|q| !q.is_empty());
    let page = (req.method() == Method::GET)
        .then(|| policy::page_at(req.uri().path()))
        .flatten()
        .filter(|p| p.signed_in);
    let Some(page) = page else {
        return next.run(req).await;
    };
    let role = match actor_from_headers(&state.db, req.headers()).await {
        Ok(Some(actor)) => actor.role,
        Ok(None) => return Redirect::to("/login").into_response(),
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    let allowed = page.open_to(Some(role));
    if allowed && app::script_page(&path, role) {
        req.extensions_mut().insert(app::ScriptPage);
    }
    let mut resp = next.run(req).await;
    if !allowed && !resp.status().is_redirection() {
        *resp.status_mut() = StatusCode::FORBIDDEN;
    }
    // A private page is for this person only: no shared cache keeps it, and the browser asks
    // again each time.
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    // Only the pages a phone must open without a connection may stay on it: the store's
    // hand-out form and reception's check-in. The service worker keeps nothing else.
    if allowed && !with_query && offline_page(&path, role) {
        resp.headers_mut().insert(
            HeaderName::from_static("x-sarafan-offline"),
            HeaderValue::from_static("keep"),
        );
    }
    resp
}

/// The pages kept on a phone for offline use.
fn offline_page(path: &str, role: domain::types::Role) -> bool {
    use domain::types::Role::*;
    match path {
        "/" => matches!(role, StoreStaff | Reception),
        "/handout" | "/checkin" => true,
        _ => false,
    }
}

/// The inline handlers our pages carry, allowed by their hashes ('unsafe-hashes'): the sign-out
/// form's message to the service worker (it must work before the WebAssembly has loaded) and
/// the offline page's "retry" button.
const INLINE_HANDLERS: &[&str] = &[app::components::CLEAR_CACHED_PAGES, "location.reload()"];

/// The Content-Security-Policy of an HTML page whose scripts carry `nonce`: scripts only from
/// this site or with this page's nonce, WebAssembly allowed, nothing framed or posted elsewhere.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    use sha2::{Digest, Sha256};
    let hashes: Vec<String> = INLINE_HANDLERS
        .iter()
        .map(|h| {
            let digest = Sha256::digest(h.as_bytes());
            format!("'sha256-{}'", base64_std(&digest))
        })
        .collect();
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval' 'unsafe-hashes' {}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; \
         manifest-src 'self'; worker-src 'self'",
        hashes.join(" ")
    )
}

/// Standard base64 with padding (what CSP hash sources use).
fn base64_std(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Adds the Content-Security-Policy to HTML answers. Leptos gives each rendered page a fresh
/// nonce and puts it on the page's own scripts; it is read back from the page here (pages are
/// rendered whole before they are sent, so nothing is held up).
async fn csp(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 8 * 1024 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let text = String::from_utf8_lossy(&bytes);
    let nonce = text.split(" nonce=\"").nth(1).and_then(|rest| {
        let n = rest.split('"').next()?;
        n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '/' | '='))
            .then_some(n)
    });
    if let Ok(v) = HeaderValue::from_str(&content_security_policy(nonce)) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Headers every answer carries: the camera for our own pages but never the participants'
/// public ones (a certificate, a poster's join page, a shopper's link) — any page of the app
/// may navigate in place to one with a scanner (signing in lands on the staff home that way),
/// and a document keeps the policy it was loaded with; HSTS when served over HTTPS; API answers
/// (personal data) never stored by a cache.
async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    let participants = ["/c/", "/join/", "/v/", "/api/"]
        .iter()
        .any(|p| path.starts_with(p));
    let scanner = !participants;
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(if scanner {
            "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
        } else {
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        }),
    );
    if state.public_url.starts_with("https://") {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    if path.starts_with("/api/v1/") && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    resp
}

/// The `scheme://host[:port]` a URL starts with, lower-cased.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{}://{}", scheme, host).to_lowercase())
}

/// Cross-site request forgery guard: a state-changing request that carries cookies must come
/// from our own pages — its Origin (or Referer) is the configured public URL's origin. Not the
/// Host header: a reverse proxy may rewrite that. (When the public URL names no real host, as
/// `http://0.0.0.0:3000` does, the Host header is all there is to compare with.) Bearer-token API
/// calls carry no cookies and are exempt.
async fn check_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    if safe || (bearer && !req.headers().contains_key(header::COOKIE)) {
        return next.run(req).await;
    }
    let source = req
        .headers()
        .get(header::ORIGIN)
        .or_else(|| req.headers().get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .and_then(origin_of);
    let ours = origin_of(&state.public_url);
    let unspecified = ours
        .as_deref()
        .is_some_and(|o| o.contains("://0.0.0.0") || o.contains("://[::]"));
    let host_origin = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .zip(source.as_deref())
        .and_then(|(host, src)| {
            src.split_once("://")
                .map(|(scheme, _)| format!("{scheme}://{host}").to_lowercase())
        });
    let allowed = source.is_some() && (source == ours || (unspecified && source == host_origin));
    if allowed {
        next.run(req).await
    } else {
        crate::api::error_response(
            &domain::DomainError::Refused(ErrorCode::BadOrigin),
            Lang::Ru,
        )
    }
}

/// The largest request body accepted by default (every form and JSON call of Sarafan fits).
pub const BODY_LIMIT: usize = 64 * 1024;
/// The printed texts of a campaign (regulations up to 20 000 characters, form-encoded).
pub const TEXTS_BODY_LIMIT: usize = 512 * 1024;

/// A task's photo from a phone: 10 MB and the form around it.
pub const PHOTO_BODY_LIMIT: usize = domain::photo::MAX_UPLOAD + 64 * 1024;

/// A spreadsheet of typed-in paper forms: 5 MB.
pub const IMPORT_BODY_LIMIT: usize = domain::imports::MAX_FILE_BYTES;

/// The body limit of a route.
fn body_limit(path: &str) -> usize {
    let import = path.starts_with("/api/v1/campaigns/") && path.ends_with("/imports");
    let texts = path.starts_with("/sf/save_campaign_texts")
        || (path.starts_with("/api/v1/campaigns/") && path.ends_with("/texts"));
    let photo = (path.starts_with("/api/v1/tasks/")
        || path.starts_with("/api/v1/shopper-visits/")
        || path.starts_with("/api/v1/shopper-links/"))
        && path.ends_with("/photos");
    if import {
        IMPORT_BODY_LIMIT
    } else if photo {
        PHOTO_BODY_LIMIT
    } else if texts {
        TEXTS_BODY_LIMIT
    } else {
        BODY_LIMIT
    }
}

/// Refuses an over-long request body before anything reads it (413), and cuts off a body that
/// turns out longer than it said while it is read.
async fn limit_body(req: Request, next: Next) -> Response {
    let limit = body_limit(req.uri().path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return crate::api::error_response(
            &domain::DomainError::Refused(ErrorCode::BodyTooLarge),
            app::ssr::lang_from_headers(req.headers()),
        );
    }
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// The longest a request may take (the largest PDF renders in about a second).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// How long the server waits for in-flight requests on shutdown.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// How long a client may take to send a request's headers (a connection that trickles them in,
/// one byte a minute, would otherwise hold a slot for ever).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(15);

/// Serves the app on `listener` until `stop` resolves; then requests in flight get
/// [`SHUTDOWN_GRACE`] to finish. Each connection's headers must arrive within
/// [`HEADER_READ_TIMEOUT`] (hyper directly, because `axum::serve` sets no timer for that).
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    serve_with(listener, router, stop, HEADER_READ_TIMEOUT).await
}

/// [`serve`] with another header timeout (tests wait less than 15 seconds).
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    router: Router,
    stop: impl std::future::Future<Output = ()>,
    header_read_timeout: Duration,
) -> anyhow::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment and go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |mut req: Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                req.map(Body::new)
            });
        let conn = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("requests still running after the shutdown grace period; stopping");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_are_standard_base64() {
        use sha2::{Digest, Sha256};
        assert_eq!(
            super::base64_std(&Sha256::digest(b"")),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        assert_eq!(super::base64_std(b"ab"), "YWI=");
        assert_eq!(super::base64_std(b"a"), "YQ==");
    }

    #[test]
    fn only_paths_of_this_site_are_same_site() {
        for ok in ["/", "/partners", "/campaigns/1?x=1"] {
            assert!(super::same_site_path(ok), "{ok}");
        }
        for bad in ["//evil", "/\\evil", "/\t/evil", "https://evil", "evil", ""] {
            assert!(!super::same_site_path(bad), "{bad}");
        }
    }
}
