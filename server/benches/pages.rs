//! Benchmark of server-side rendering: the real app in-process on a fresh SQLite database with
//! the demo clinic, the demo marketer signed in, every marketer page requested over HTTP
//! (keep-alive) `--runs` times one after another — the median and 90th percentile per page —
//! then all of them by `--clients` concurrent clients for the pages-per-second figure.
//!
//! Used to check that a build switch (such as `--cfg erase_components`, which halves the `app`
//! crate's compile time) does not slow the pages down.
//!
//! ```text
//! cargo bench -p server --bench pages -- [--runs 40] [--clients 8] [--save DIR]
//! ```
//!
//! `--save DIR` writes each page's HTML there, to compare what two builds render.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use reqwest::{Client, StatusCode};
use server_fn::ServerFn;

/// The demo's clinic clock: a Monday morning in the middle of its campaign.
const DEMO_NOW: &str = "2026-11-30T10:00:00+03:00";

struct Args {
    runs: usize,
    clients: usize,
    save: Option<std::path::PathBuf>,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        runs: 40,
        clients: 8,
        save: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        // `cargo bench` passes `--bench` to every bench binary.
        if arg == "--bench" {
            continue;
        }
        let mut number = |flag: &str| -> anyhow::Result<usize> {
            it.next()
                .with_context(|| format!("{flag} needs a value"))?
                .parse()
                .with_context(|| format!("{flag} must be a number"))
        };
        match arg.as_str() {
            "--runs" => args.runs = number("--runs")?,
            "--clients" => args.clients = number("--clients")?,
            "--save" => args.save = Some(it.next().context("--save needs a directory")?.into()),
            other => bail!(
                "unknown argument {other:?}; usage: pages [--runs 40] [--clients 8] [--save DIR]"
            ),
        }
    }
    if args.runs == 0 || args.clients == 0 {
        bail!("--runs and --clients must be at least 1");
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let dir = std::env::temp_dir().join("sarafan-bench");
    std::fs::create_dir_all(&dir)?;
    let db_path = dir.join(format!("pages_{}.db", &domain::auth::new_secret()[..16]));
    let outcome = run(&args, &db_path).await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db_path.display()));
    }
    outcome
}

async fn run(args: &Args, db_path: &std::path::Path) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let config = server::Config {
        database_url: format!("sqlite://{}", db_path.display()),
        addr,
        public_url: format!("http://{addr}"),
        site_root: std::path::PathBuf::from("target/site"),
        secure_cookies: false,
        trust_proxy: false,
        trusted_proxies: vec![],
        start_clock_at: Some(chrono::DateTime::parse_from_rfc3339(DEMO_NOW)?.to_utc()),
    };
    let state = server::build_state(&config).await?;
    let demo = domain::demo::load(&state.db, &config.public_url)
        .await
        .map_err(|e| anyhow::anyhow!(e.message(domain::Lang::En)))?;
    let router = server::build_router(state);
    tokio::spawn(async move {
        let _ = server::http::serve_with(
            listener,
            router,
            std::future::pending(),
            Duration::from_secs(30),
        )
        .await;
    });
    let base = format!("http://{addr}");
    let client = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(
            [(reqwest::header::ORIGIN, base.parse()?)]
                .into_iter()
                .collect(),
        )
        .build()?;
    let r = client
        .post(format!("{base}{}", app::server_fns::Login::PATH))
        .header("accept", "text/html")
        .header("referer", format!("{base}/login"))
        .form(&[
            ("email", demo.marketer_email),
            ("password", demo.marketer_password),
        ])
        .send()
        .await?;
    if r.status() != StatusCode::FOUND {
        bail!("the demo marketer could not sign in: {}", r.status());
    }
    let campaigns = get(&client, &format!("{base}/campaigns")).await?.1;
    let campaign = campaigns
        .split("/campaigns/")
        .nth(1)
        .and_then(|rest| {
            let id: String = rest.chars().take_while(char::is_ascii_digit).collect();
            (!id.is_empty()).then_some(id)
        })
        .context("the campaigns page links no campaign")?;
    let pages: Vec<String> = [
        "/",
        "/campaigns",
        "/campaigns/{c}",
        "/campaigns/{c}/certificates",
        "/campaigns/{c}/stock",
        "/campaigns/{c}/report",
        "/campaigns/{c}/motivation",
        "/checklist",
        "/tasks",
        "/shopper-visits",
        "/partners",
        "/participants",
        "/people",
        "/messages",
        "/settings",
        "/checkin",
    ]
    .iter()
    .map(|p| p.replace("{c}", &campaign))
    .collect();

    println!(
        "pages benchmark: {} cores; demo clinic on SQLite; {} runs per page, then {} clients",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        args.runs,
        args.clients
    );
    println!("{:<34} {:>9} {:>9} {:>9}", "page", "median", "p90", "KB");
    let mut medians = Vec::new();
    for page in &pages {
        let url = format!("{base}{page}");
        // Warm-up: the first render of a page fills caches and the connection pool.
        for _ in 0..3 {
            get(&client, &url).await?;
        }
        let mut times = Vec::with_capacity(args.runs);
        let mut page_html = String::new();
        for _ in 0..args.runs {
            let started = Instant::now();
            let (_, body) = get(&client, &url).await?;
            times.push(started.elapsed());
            page_html = body;
        }
        let size = page_html.len();
        if let Some(dir) = &args.save {
            std::fs::create_dir_all(dir)?;
            let name = page.trim_matches('/').replace('/', "_");
            let name = if name.is_empty() { "home".into() } else { name };
            std::fs::write(dir.join(format!("{name}.html")), &page_html)?;
        }
        times.sort();
        let median = times[times.len() / 2];
        let p90 = times[(times.len() * 9 / 10).min(times.len() - 1)];
        medians.push(median);
        println!(
            "{page:<34} {:>7.2}ms {:>7.2}ms {:>9.1}",
            ms(median),
            ms(p90),
            size as f64 / 1024.0
        );
    }
    let total: Duration = medians.iter().sum();
    println!(
        "sum of medians: {:.1} ms for {} pages",
        ms(total),
        pages.len()
    );

    let rounds = args.runs.max(args.clients);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for k in 0..args.clients {
        let client = client.clone();
        let urls: Vec<String> = pages.iter().map(|p| format!("{base}{p}")).collect();
        let share = rounds / args.clients + usize::from(k < rounds % args.clients);
        tasks.spawn(async move {
            for _ in 0..share {
                for url in &urls {
                    get(&client, url).await?;
                }
            }
            anyhow::Ok(share * urls.len())
        });
    }
    let mut served = 0;
    while let Some(done) = tasks.join_next().await {
        served += done??;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} clients: {served} pages in {secs:.2} s = {:.0} pages/s",
        args.clients,
        served as f64 / secs
    );
    Ok(())
}

async fn get(client: &Client, url: &str) -> anyhow::Result<(StatusCode, String)> {
    let r = client.get(url).send().await?;
    let status = r.status();
    let body = r.text().await?;
    if status != StatusCode::OK {
        bail!("GET {url}: {status}");
    }
    Ok((status, body))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
