//! Server-side helpers for server functions and the axum routes: the shared application
//! state, who is signed in, cookies, and the client address used for rate limits.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use domain::auth::{self, Actor};
use domain::db::Db;
use domain::{DomainError, ErrorCode, Lang};
use http::HeaderMap;
use http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, COOKIE, SET_COOKIE, USER_AGENT};
use leptos::prelude::*;

pub const SESSION_COOKIE: &str = "sarafan_session";
/// Over HTTPS the session cookie carries the `__Host-` prefix: the browser then accepts it only
/// from this host, with `Secure` and `Path=/`, so no sibling subdomain can plant or read it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-sarafan_session";

/// The session cookie's name.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The session secret a request carries, under either name.
pub fn session_secret(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, SECURE_SESSION_COOKIE).or_else(|| cookie(headers, SESSION_COOKIE))
}
pub const LANG_COOKIE: &str = "lang";

/// Everything a request handler needs; cloned into each request.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
    /// Base URL for links and QR codes when the clinic settings do not set one.
    pub public_url: String,
    /// Add `Secure` to cookies (served over HTTPS).
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` (running behind a reverse proxy).
    pub trust_proxy: bool,
    /// Further proxies in front of that one, whose `X-Forwarded-For` entries are skipped too.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

impl AppState {
    /// The base URL printed in links and QR codes: the clinic settings win over the config.
    pub async fn base_url(&self) -> String {
        match domain::ops::settings::get(&self.db).await {
            Ok(s) if !s.public_url.is_empty() => s.public_url,
            _ => self.public_url.clone(),
        }
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn lang_from_headers(headers: &HeaderMap) -> Lang {
    Lang::negotiate(
        cookie(headers, LANG_COOKIE),
        headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
    )
}

/// The actor behind a request: a bearer API token or a session cookie.
pub async fn actor_from_headers(
    db: &Db,
    headers: &HeaderMap,
) -> Result<Option<Actor>, DomainError> {
    if let Some(token) = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return auth::token_actor(db, token.trim()).await;
    }
    match session_secret(headers) {
        Some(secret) => auth::session_actor(db, secret).await,
        None => Ok(None),
    }
}

pub fn session_cookie(secret: &str, secure: bool) -> String {
    format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        session_cookie_name(secure),
        auth::SESSION_DAYS * 86_400,
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        session_cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

/// The client's address for rate limits.
///
/// Without `SARAFAN_TRUST_PROXY` it is the peer's address. Behind a proxy, the peer is that
/// proxy, and `X-Forwarded-For` is read from the right: each proxy appends the address it saw,
/// and only the entries added by our own proxies can be believed — the left-most ones are
/// whatever the client wrote. So the client is the right-most entry that is not one of the
/// configured `SARAFAN_TRUSTED_PROXIES`.
pub fn client_addr(parts: &http::request::Parts, st: &AppState) -> String {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    if !st.trust_proxy {
        return peer;
    }
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect();
    client_from_chain(&forwarded, &st.trusted_proxies).unwrap_or(peer)
}

/// The right-most address of an `X-Forwarded-For` chain that is not a trusted proxy.
pub fn client_from_chain(chain: &[&str], trusted: &[std::net::IpAddr]) -> Option<String> {
    chain
        .iter()
        .rev()
        .find(|a| {
            a.parse::<std::net::IpAddr>()
                .map(|ip| !trusted.contains(&ip))
                .unwrap_or(true)
        })
        .map(|a| a.chars().take(64).collect())
}

// ---- helpers for server functions ----

/// A plain HTML form post (the page's WebAssembly was not running): the browser asks for a page.
pub fn is_plain_form_post(parts: &http::request::Parts) -> bool {
    parts
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

pub fn state() -> Result<AppState, DomainError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        DomainError::Internal
    })
}

pub fn parts() -> Result<http::request::Parts, DomainError> {
    use_context::<http::request::Parts>().ok_or(DomainError::Internal)
}

/// The signed-in actor, or `Unauthorized`.
pub async fn actor() -> Result<(AppState, Actor), DomainError> {
    let st = state()?;
    let p = parts()?;
    match actor_from_headers(&st.db, &p.headers).await? {
        Some(a) => Ok((st, a)),
        None => Err(DomainError::Refused(ErrorCode::Unauthorized)),
    }
}

pub fn user_agent(parts: &http::request::Parts) -> Option<String> {
    parts
        .headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Sets the session cookie on the server function's response.
pub fn set_cookie(value: &str) {
    if let (Some(resp), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        resp.append_header(SET_COOKIE, v);
    }
}

/// Sets the HTTP status of the page or server function response from a refusal.
pub fn set_status(e: &DomainError) {
    if let (Some(resp), Ok(code)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(e.http_status()),
    ) {
        resp.set_status(code);
    }
}

#[cfg(test)]
mod tests {
    use super::client_from_chain;

    #[test]
    fn the_client_is_the_right_most_forwarded_address_that_is_not_our_proxy() {
        let ours: Vec<std::net::IpAddr> = vec!["10.0.0.2".parse().expect("ip")];
        // The client wrote "6.6.6.6" itself; our proxy appended what it saw.
        assert_eq!(
            client_from_chain(&["6.6.6.6", "203.0.113.7"], &[]).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            client_from_chain(&["6.6.6.6", "203.0.113.7", "10.0.0.2"], &ours).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(client_from_chain(&[], &ours), None);
    }
}
