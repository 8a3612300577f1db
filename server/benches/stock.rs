//! Benchmark of the stock forecast on a big campaign: 200 stores of 20 partners, 111 200
//! certificates, a week of hand-outs in every store. Times `ops::stock::forecast` (what the
//! stock page and `GET /campaigns/{id}/stock-forecast` run) against the older per-certificate
//! stock table (`GET /campaigns/{id}/stock`), on SQLite and PostgreSQL.
//!
//! ```text
//! cargo bench -p server --bench stock -- [--engine sqlite|postgres|all]
//! ```
//!
//! PostgreSQL is reached through `SARAFAN_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); a throw-away database is created and dropped.

use std::time::{Duration, Instant};

use anyhow::Context;
use domain::auth::Actor;
use domain::clock::Clock;
use domain::db::Db;
use domain::ids::{CampaignId, StoreId};
use domain::model::{BatchInput, CampaignInput, PartnerInput, StoreInput};
use domain::ops;

const PARTNERS: usize = 20;
const STORES_PER_PARTNER: usize = 10;
const CERTIFICATES: usize = 111_200;
const HANDOUTS_PER_STORE: usize = 12;
const RUNS: usize = 15;

fn median_and_max(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() - 1])
}

async fn seed(db: &Db) -> anyhow::Result<CampaignId> {
    let sys = Actor::system();
    let err = |e: domain::DomainError| anyhow::anyhow!(e.message(domain::Lang::En));
    let mut partner_ids = Vec::new();
    let mut stores = Vec::new();
    for p in 0..PARTNERS {
        let partner = ops::partners::create_partner(
            db,
            &sys,
            &PartnerInput {
                name: format!("Партнёр {p}"),
                ..Default::default()
            },
        )
        .await
        .map_err(err)?;
        partner_ids.push(partner.id);
        for s in 0..STORES_PER_PARTNER {
            let store = ops::partners::create_store(
                db,
                &sys,
                &StoreInput {
                    partner_id: partner.id,
                    name: format!("Магазин {p}-{s}"),
                    ..Default::default()
                },
            )
            .await
            .map_err(err)?;
            stores.push(store.id);
        }
    }
    let campaign = ops::campaigns::create(
        db,
        &sys,
        &CampaignInput {
            name: "Большая акция".into(),
            start_date: "2026-11-01".into(),
            end_date: "2027-01-31".into(),
            face_value: "500".into(),
            valid_until: "2027-02-28".into(),
            status: "active".into(),
            partner_ids,
            ..Default::default()
        },
    )
    .await
    .map_err(err)?;
    let id = CampaignId(campaign.id);
    // A batch holds at most 100 000 certificates: print two halves.
    for _ in 0..2 {
        ops::certificates::create_batch(
            db,
            &sys,
            id,
            &BatchInput {
                count: (CERTIFICATES / 2).to_string(),
                store_ids: stores.clone(),
            },
        )
        .await
        .map_err(err)?;
    }
    // A week of hand-outs in every store.
    let mut n = 0;
    for store in &stores {
        let staff = Actor {
            user_id: None,
            name: "bench".into(),
            role: domain::types::Role::StoreStaff,
            store_id: Some(StoreId(*store)),
            session_id: None,
        };
        let certs = ops::certificates::list(
            db,
            &sys,
            id,
            &ops::certificates::CertFilter {
                store_id: Some(StoreId(*store)),
                limit: Some(HANDOUTS_PER_STORE as i64),
                ..Default::default()
            },
            "",
        )
        .await
        .map_err(err)?;
        for (k, c) in certs.iter().enumerate() {
            n += 1;
            ops::handouts::hand_out(
                db,
                &staff,
                &domain::checkin::HandoutInput {
                    code: c.code.clone(),
                    name: format!("Участник {n}"),
                    phone: format!(
                        "+7 916 {:03}-{:02}-{:02}",
                        n / 10_000,
                        (n / 100) % 100,
                        n % 100
                    ),
                    consent: true,
                    happened_at: domain::db::ts(
                        db.now() - chrono::Duration::hours((k * 13) as i64),
                    ),
                    ..Default::default()
                },
                "",
            )
            .await
            .map_err(err)?;
        }
    }
    Ok(id)
}

async fn run(engine: &str, url: &str) -> anyhow::Result<()> {
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-30T10:00:00+03:00")?
        .with_timezone(&chrono::Utc);
    let db = Db::connect_with_clock(url, Clock::starting_at(start)).await?;
    db.migrate().await?;
    let t = Instant::now();
    let id = seed(&db).await?;
    println!(
        "stock {engine}: seeded {} stores, {CERTIFICATES} certificates, {} hand-outs in {:.1} s",
        PARTNERS * STORES_PER_PARTNER,
        PARTNERS * STORES_PER_PARTNER * HANDOUTS_PER_STORE,
        t.elapsed().as_secs_f64()
    );
    let sys = Actor::system();
    let mut forecast = Vec::new();
    let mut table = Vec::new();
    let mut stores = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let f = ops::stock::forecast(&db, &sys, id)
            .await
            .map_err(|e| anyhow::anyhow!(e.message(domain::Lang::En)))?;
        forecast.push(t.elapsed());
        stores = f.len();
        let t = Instant::now();
        ops::certificates::stock(&db, &sys, id)
            .await
            .map_err(|e| anyhow::anyhow!(e.message(domain::Lang::En)))?;
        table.push(t.elapsed());
    }
    let (fm, fx) = median_and_max(forecast);
    let (tm, tx) = median_and_max(table);
    println!(
        "stock {engine}: forecast of {stores} stores: median {:.1} ms, max {:.1} ms ({RUNS} runs)",
        fm.as_secs_f64() * 1000.0,
        fx.as_secs_f64() * 1000.0
    );
    println!(
        "stock {engine}: per-certificate stock table (for comparison): median {:.1} ms, max {:.1} ms",
        tm.as_secs_f64() * 1000.0,
        tx.as_secs_f64() * 1000.0
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut engines = vec!["sqlite", "postgres"];
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--engine") {
        match args.get(i + 1).map(String::as_str) {
            Some("sqlite") => engines = vec!["sqlite"],
            Some("postgres") => engines = vec!["postgres"],
            _ => {}
        }
    }
    for engine in engines {
        let name = format!("sarafan_bench_{}", &domain::auth::new_secret()[..10]);
        if engine == "sqlite" {
            let dir = std::env::temp_dir().join("sarafan-bench");
            std::fs::create_dir_all(&dir)?;
            let file = dir.join(format!("{name}.db"));
            run(engine, &format!("sqlite://{}", file.display())).await?;
            let _ = std::fs::remove_file(&file);
        } else {
            let admin = std::env::var("SARAFAN_TEST_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
            sqlx::any::install_default_drivers();
            let Ok(pool) = sqlx::AnyPool::connect(&admin).await else {
                println!("stock postgres: not reachable, skipped");
                continue;
            };
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&pool)
                .await
                .context("create database")?;
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            let r = run(engine, &format!("{base}/{name}")).await;
            let _ = sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .execute(&pool)
                .await;
            r?;
        }
    }
    Ok(())
}
