//! Load benchmark of the certificate redemption API: the real app in-process on a fresh
//! database, seeded with one campaign of `--codes` certificates, then `--clients` concurrent
//! clients redeem every code once over HTTP (keep-alive) with a reception API token.
//!
//! ```text
//! cargo bench -p server --bench redeem -- [--engine sqlite|postgres|all] [--codes 10000] [--clients 32]
//! ```
//!
//! PostgreSQL is reached through `SARAFAN_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); a throw-away database is created next to it and
//! dropped at the end. When it is unreachable the engine is skipped.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use domain::auth::Actor;
use domain::model::{BatchInput, CampaignInput, PartnerInput, StoreInput};
use domain::ops;
use domain::ops::certificates::CertFilter;
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

const WARM_UP: usize = 200;
/// How many failed requests to show in full.
const SHOW_ERRORS: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

struct Args {
    engines: Vec<Engine>,
    codes: usize,
    clients: usize,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        engines: vec![Engine::Sqlite, Engine::Postgres],
        codes: 10_000,
        clients: 32,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        // `cargo bench` passes `--bench` to every bench binary.
        if arg == "--bench" {
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
            None => (arg.clone(), None),
        };
        let mut value = || -> anyhow::Result<String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => it.next().with_context(|| format!("{flag} needs a value")),
            }
        };
        match flag.as_str() {
            "--engine" => {
                args.engines = match value()?.as_str() {
                    "sqlite" => vec![Engine::Sqlite],
                    "postgres" => vec![Engine::Postgres],
                    "all" => vec![Engine::Sqlite, Engine::Postgres],
                    other => bail!("--engine must be sqlite, postgres or all (got {other:?})"),
                }
            }
            "--codes" => {
                args.codes = value()?.parse().context("--codes must be a number")?;
            }
            "--clients" => {
                args.clients = value()?.parse().context("--clients must be a number")?;
            }
            other => bail!(
                "unknown argument {other:?}; usage: redeem [--engine sqlite|postgres|all] [--codes 10000] [--clients 32]"
            ),
        }
    }
    if args.codes == 0 || args.clients == 0 {
        bail!("--codes and --clients must be at least 1");
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "redeem benchmark: {cores} cores; {} codes, {} clients",
        args.codes, args.clients
    );
    let mut failed = false;
    for &engine in &args.engines {
        let Some(db) = FreshDb::create(engine).await? else {
            continue;
        };
        let outcome = run(&db.url, engine, &args).await;
        db.drop_it().await?;
        match outcome {
            Ok(true) => {}
            Ok(false) => failed = true,
            Err(e) => {
                println!("redeem {}: failed: {e:#}", engine.name());
                failed = true;
            }
        }
    }
    if failed {
        bail!("some redemptions failed (see above)");
    }
    Ok(())
}

/// A throw-away database, removed by [`FreshDb::drop_it`].
struct FreshDb {
    url: String,
    /// PostgreSQL: the maintenance connection string and the database's name.
    pg: Option<(String, String)>,
}

impl FreshDb {
    /// `None` when the engine is unavailable (PostgreSQL not reachable).
    async fn create(engine: Engine) -> anyhow::Result<Option<FreshDb>> {
        let name = format!("sarafan_bench_{}", &domain::auth::new_secret()[..16]);
        match engine {
            Engine::Sqlite => {
                let dir = std::env::temp_dir().join("sarafan-bench");
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                let path = dir.join(format!("{name}.db"));
                Ok(Some(FreshDb {
                    url: format!("sqlite://{}", path.display()),
                    pg: None,
                }))
            }
            Engine::Postgres => {
                let admin = std::env::var("SARAFAN_TEST_PG_URL")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
                let pool = match admin_pool(&admin).await {
                    Ok(p) => p,
                    Err(e) => {
                        println!(
                            "redeem postgres: skipped, PostgreSQL at {admin} is unreachable: {e:#}"
                        );
                        return Ok(None);
                    }
                };
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&pool)
                    .await
                    .with_context(|| format!("CREATE DATABASE {name}"))?;
                pool.close().await;
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                Ok(Some(FreshDb {
                    url: format!("{base}/{name}"),
                    pg: Some((admin, name)),
                }))
            }
        }
    }

    async fn drop_it(self) -> anyhow::Result<()> {
        match self.pg {
            Some((admin, name)) => {
                let pool = admin_pool(&admin).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&pool)
                    .await
                    .with_context(|| format!("DROP DATABASE {name}"))?;
                pool.close().await;
            }
            None => {
                let path = self.url.trim_start_matches("sqlite://");
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
        }
        Ok(())
    }
}

async fn admin_pool(url: &str) -> anyhow::Result<sqlx::AnyPool> {
    sqlx::any::install_default_drivers();
    Ok(sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect(url)
        .await?)
}

/// One request's result.
struct Sample {
    latency: Duration,
    ok: bool,
}

/// Starts the app on `url`, seeds it, warms it up and measures; `Ok(false)` when some
/// redemption failed or the database disagrees with the count of successes.
async fn run(url: &str, engine: Engine, args: &Args) -> anyhow::Result<bool> {
    let config = server::Config {
        database_url: url.to_owned(),
        addr: "127.0.0.1:0".parse()?,
        public_url: "http://sarafan.bench".into(),
        site_root: "target/site".into(),
        secure_cookies: false,
        trust_proxy: false,
        trusted_proxies: vec![],
        // The bench campaign runs from 16 Nov 2026 to Feb 2027: the clinic clock is inside it.
        start_clock_at: Some(
            chrono::DateTime::parse_from_rfc3339("2026-11-30T10:00:00+03:00")?
                .with_timezone(&chrono::Utc),
        ),
    };
    let state = server::build_state(&config).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let router = server::build_router(state.clone());
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    let db = state.db.clone();
    drop(state);

    let result = measure(&db, addr, engine, args).await;

    server.abort();
    let _ = server.await;
    db.pool.close().await;
    result
}

async fn measure(
    db: &domain::db::Db,
    addr: SocketAddr,
    engine: Engine,
    args: &Args,
) -> anyhow::Result<bool> {
    let seeding = Instant::now();
    let (codes, token) = seed(db, args.codes).await?;
    let seeded_in = seeding.elapsed();

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.clients.max(64))
        .pool_idle_timeout(Duration::from_secs(300))
        .tcp_nodelay(true)
        .build()?;
    let bearer = format!("Bearer {token}");

    // Warm-up: check-ins only, nothing is redeemed.
    let warming = Instant::now();
    for i in 0..WARM_UP {
        let code = &codes[i % codes.len()];
        let r = client
            .get(format!("http://{addr}/api/v1/checkin/{code}"))
            .header(reqwest::header::AUTHORIZATION, &bearer)
            .send()
            .await
            .context("warm-up request")?;
        let status = r.status();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        if status != StatusCode::OK || body["verdict"] != "valid" {
            bail!("warm-up check-in of {code}: HTTP {status}, {body}");
        }
    }
    println!(
        "redeem {}: seeded {} codes in {:.2} s; warm-up {WARM_UP} check-ins in {:.2} s",
        engine.name(),
        codes.len(),
        seeded_in.as_secs_f64(),
        warming.elapsed().as_secs_f64()
    );

    let codes = Arc::new(codes);
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(args.clients);
    for _ in 0..args.clients {
        let (client, bearer, codes, next, errors) = (
            client.clone(),
            bearer.clone(),
            codes.clone(),
            next.clone(),
            errors.clone(),
        );
        let url = format!("http://{addr}/api/v1/redemptions");
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(code) = codes.get(i) else {
                    break;
                };
                let body = json!({"code": code, "idempotency_key": format!("bench-{i}-{code}")});
                let t = Instant::now();
                let outcome = redeem_once(&client, &url, &bearer, &body).await;
                let latency = t.elapsed();
                let ok = outcome.is_ok();
                if let Err(e) = outcome
                    && let Ok(mut list) = errors.lock()
                    && list.len() < SHOW_ERRORS
                {
                    list.push(format!("{code}: {e}"));
                }
                samples.push(Sample { latency, ok });
            }
            samples
        }));
    }
    let mut samples = Vec::with_capacity(codes.len());
    for t in tasks {
        samples.extend(t.await.context("client task panicked")?);
    }
    let elapsed = start.elapsed();

    let successes = samples.iter().filter(|s| s.ok).count();
    let failures = samples.len() - successes;
    let mut latencies: Vec<Duration> = samples.iter().map(|s| s.latency).collect();
    latencies.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let pct = |p: f64| {
        let rank = ((p / 100.0) * latencies.len() as f64).ceil() as usize;
        ms(latencies[rank.clamp(1, latencies.len()) - 1])
    };
    println!(
        "redeem {}: {successes} redemptions by {} clients in {:.2} s = {:.0}/s; latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms; errors {failures}",
        engine.name(),
        args.clients,
        elapsed.as_secs_f64(),
        successes as f64 / elapsed.as_secs_f64(),
        pct(50.0),
        pct(95.0),
        pct(99.0),
        latencies.last().map_or(0.0, |d| ms(*d)),
    );
    if let Ok(list) = errors.lock() {
        for e in list.iter() {
            println!("  error: {e}");
        }
    }

    let in_db: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM redemptions")
        .fetch_one(&db.pool)
        .await
        .context("count redemptions")?;
    let agrees = usize::try_from(in_db).is_ok_and(|n| n == successes);
    println!(
        "redeem {}: {in_db} rows in redemptions, {successes} successes: {}",
        engine.name(),
        if agrees { "ok" } else { "MISMATCH" }
    );
    Ok(failures == 0 && agrees)
}

/// One redemption; `Err` describes anything but HTTP 200 with `verdict: redeemed`.
async fn redeem_once(
    client: &reqwest::Client,
    url: &str,
    bearer: &str,
    body: &Value,
) -> Result<(), String> {
    let r = client
        .post(url)
        .header(reqwest::header::AUTHORIZATION, bearer)
        .json(body)
        .send()
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    let status = r.status();
    let text = r
        .text()
        .await
        .map_err(|e| format!("HTTP {status}, body unreadable: {e}"))?;
    let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if status == StatusCode::OK && answer["verdict"] == "redeemed" {
        Ok(())
    } else {
        Err(format!("HTTP {status}: {text}"))
    }
}

/// A partner with one store, an active campaign with `count` certificates allocated to that
/// store, and a reception API token; returns the codes (in serial order) and the token.
async fn seed(db: &domain::db::Db, count: usize) -> anyhow::Result<(Vec<String>, String)> {
    let sys = Actor::system();
    let partner = ops::partners::create_partner(
        db,
        &sys,
        &PartnerInput {
            name: "Bench partner".into(),
            ..Default::default()
        },
    )
    .await
    .context("create partner")?;
    let store = ops::partners::create_store(
        db,
        &sys,
        &StoreInput {
            partner_id: partner.id,
            name: "Bench store".into(),
            ..Default::default()
        },
    )
    .await
    .context("create store")?;
    let campaign = ops::campaigns::create(
        db,
        &sys,
        &CampaignInput {
            name: "Bench campaign".into(),
            start_date: "2026-11-16".into(),
            end_date: "2027-01-31".into(),
            face_value: "500".into(),
            face_value_kopecks: None,
            valid_until: "2027-02-28".into(),
            terms: String::new(),
            status: "active".into(),
            partner_ids: vec![partner.id],
            min_days_cover: String::new(),
            attribution_days: String::new(),
            ..Default::default()
        },
    )
    .await
    .context("create campaign")?;
    let batch = ops::certificates::create_batch(
        db,
        &sys,
        domain::ids::CampaignId(campaign.id),
        &BatchInput {
            count: count.to_string(),
            store_ids: vec![store.id],
        },
    )
    .await
    .context("create batch")?;
    let certs = ops::certificates::list(
        db,
        &sys,
        domain::ids::CampaignId(campaign.id),
        &CertFilter {
            batch_id: Some(batch.id),
            limit: Some(i64::try_from(count)?),
            ..Default::default()
        },
        "http://sarafan.bench",
    )
    .await
    .context("list certificates")?;
    if certs.len() != count {
        bail!("seeded {} certificates, expected {count}", certs.len());
    }
    let token = ops::people::create_token(db, &sys, "bench", Role::Reception, None, None)
        .await
        .context("create token")?;
    Ok((certs.into_iter().map(|c| c.code).collect(), token))
}
