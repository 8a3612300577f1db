//! Configuration from environment variables, optionally loaded from a `KEY=value` file named by
//! `SARAFAN_CONFIG` (variables already set in the environment win).

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;

#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://sarafan.db` (default) or `postgres://user@host/db`.
    pub database_url: String,
    /// `SARAFAN_ADDR`: where to listen (default `127.0.0.1:3000`).
    pub addr: SocketAddr,
    /// `SARAFAN_PUBLIC_URL`: base URL in links and QR codes (default `http://{SARAFAN_ADDR}`).
    pub public_url: String,
    /// `SARAFAN_SITE_ROOT`: the built browser assets (default: `site/` next to the binary,
    /// else `target/site` of the source tree).
    pub site_root: PathBuf,
    /// `SARAFAN_SECURE_COOKIES=1` when served over HTTPS (default: on if the public URL is https).
    pub secure_cookies: bool,
    /// `SARAFAN_TRUST_PROXY=1` to take the client address from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// `SARAFAN_TRUSTED_PROXIES=10.0.0.2,10.0.0.3`: further proxies between the clients and the
    /// one Sarafan talks to (their `X-Forwarded-For` entries are skipped).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `SARAFAN_NOW=2026-11-30T10:00:00+03:00`: start the clinic clock at this moment (demos
    /// and browser tests; it keeps running from there). Unset: the machine's clock.
    pub start_clock_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn flag(name: &str) -> Option<bool> {
    std::env::var(name)
        .ok()
        .map(|v| matches!(v.trim(), "1" | "true" | "yes" | "on"))
}

/// Loads `KEY=value` lines from the file named by `SARAFAN_CONFIG` into the environment.
pub fn load_config_file() -> anyhow::Result<()> {
    let Ok(path) = std::env::var("SARAFAN_CONFIG") else {
        return Ok(());
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read SARAFAN_CONFIG file {path}"))?;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            let (k, v) = (k.trim(), v.trim().trim_matches('"'));
            if std::env::var_os(k).is_none() {
                // SAFETY: called once at start-up, before any thread is spawned.
                unsafe { std::env::set_var(k, v) };
            }
        }
    }
    Ok(())
}

fn default_site_root() -> PathBuf {
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        let next_to_binary = dir.join("site");
        if next_to_binary.join("pkg").exists() {
            return next_to_binary;
        }
        // target/{debug,release}/sarafan → target/site
        if let Some(target) = dir.parent() {
            let site = target.join("site");
            if site.exists() {
                return site;
            }
        }
    }
    PathBuf::from("target/site")
}

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let database_url =
            std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://sarafan.db".into());
        let addr: SocketAddr = std::env::var("SARAFAN_ADDR")
            .unwrap_or_else(|_| "127.0.0.1:3000".into())
            .parse()
            .context("SARAFAN_ADDR must look like 127.0.0.1:3000")?;
        let public_url = std::env::var("SARAFAN_PUBLIC_URL")
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|_| format!("http://{addr}"));
        let site_root = std::env::var("SARAFAN_SITE_ROOT")
            .map(PathBuf::from)
            .unwrap_or_else(|_| default_site_root());
        let secure_cookies =
            flag("SARAFAN_SECURE_COOKIES").unwrap_or(public_url.starts_with("https://"));
        let trust_proxy = flag("SARAFAN_TRUST_PROXY").unwrap_or(false);
        let trusted_proxies = std::env::var("SARAFAN_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.parse()
                    .with_context(|| format!("SARAFAN_TRUSTED_PROXIES: {a:?} is not an IP address"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let start_clock_at = match std::env::var("SARAFAN_NOW") {
            Ok(v) if !v.trim().is_empty() => Some(
                chrono::DateTime::parse_from_rfc3339(v.trim())
                    .context(
                        "SARAFAN_NOW must be an RFC 3339 time, e.g. 2026-11-30T10:00:00+03:00",
                    )?
                    .with_timezone(&chrono::Utc),
            ),
            _ => None,
        };
        Ok(Config {
            database_url,
            addr,
            public_url,
            site_root,
            secure_cookies,
            trust_proxy,
            trusted_proxies,
            start_clock_at,
        })
    }
}
