//! Benchmark of the marketer's home page ("what needs attention today",
//! `ops::checklist::attention`) on a year-long campaign: 200 stores, 8 materials (certificates,
//! paper forms and six kinds without codes), a year of movements in the ledger (a delivery and
//! a count of every material in every store every week: 145 600 lines), a year of weekly tasks
//! (21 000), a week of hand-outs. Target: ≤ 50 ms on SQLite.
//!
//! ```text
//! cargo bench -p server --bench home -- [--engine sqlite|postgres|all]
//! ```

use std::time::{Duration, Instant};

use anyhow::Context;
use domain::auth::Actor;
use domain::clock::Clock;
use domain::db::Db;
use domain::ids::{CampaignId, StoreId};
use domain::ledger::{KindInput, Movement};
use domain::model::{BatchInput, CampaignInput, PartnerInput, StoreInput};
use domain::ops;

const PARTNERS: usize = 20;
const STORES_PER_PARTNER: usize = 10;
/// Kinds besides certificates, forms, posters and regulations copies.
const OWN_KINDS: [&str; 4] = [
    "Стойка для сертификатов",
    "Наклейка на кассу",
    "Листовка клиники",
    "Бейдж сотрудника",
];
const WEEKS: i64 = 52;
const RUNS: usize = 15;

fn err(e: domain::DomainError) -> anyhow::Error {
    anyhow::anyhow!(e.message(domain::Lang::En))
}

async fn seed(db: &Db) -> anyhow::Result<(CampaignId, usize)> {
    let sys = Actor::system();
    for k in OWN_KINDS {
        ops::ledger::create_kind(
            db,
            &sys,
            &KindInput {
                name: k.into(),
                per_store_min: "1".into(),
                ..Default::default()
            },
        )
        .await
        .map_err(err)?;
    }
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
                    admin_name: "Администратор".into(),
                    admin_phone: format!("+7 916 {:03}-{:02}-00", p, s),
                    ..Default::default()
                },
            )
            .await
            .map_err(err)?;
            stores.push(store.id);
        }
    }
    let today = db.clock.today();
    let campaign = ops::campaigns::create(
        db,
        &sys,
        &CampaignInput {
            name: "Год с партнёрами".into(),
            start_date: (today - chrono::Duration::days(WEEKS * 7 - 3)).to_string(),
            end_date: (today + chrono::Duration::days(30)).to_string(),
            face_value: "500".into(),
            valid_until: (today + chrono::Duration::days(60)).to_string(),
            status: "active".into(),
            partner_ids,
            ..Default::default()
        },
    )
    .await
    .map_err(err)?;
    let id = CampaignId(campaign.id);
    ops::certificates::create_batch(
        db,
        &sys,
        id,
        &BatchInput {
            count: (stores.len() * 50).to_string(),
            store_ids: stores.clone(),
        },
    )
    .await
    .map_err(err)?;
    // A year of the ledger: every week a delivery and a count of every material in every
    // store, written through the same storage call as the app (levels kept beside the lines).
    let kinds = ops::ledger::kinds(db, &sys).await.map_err(err)?;
    let mut lines = 0;
    let mut w = db.write(&sys).await.map_err(err)?;
    for week in 0..WEEKS {
        let at = db.now() - chrono::Duration::days((WEEKS - week) * 7);
        for store in &stores {
            for k in &kinds {
                for (movement, quantity, delta) in
                    [(Movement::Delivered, 10, 10), (Movement::Counted, 8, -2)]
                {
                    domain::db::materials::record(
                        &mut w.tx,
                        &domain::db::materials::NewMovement {
                            campaign: id,
                            store: StoreId(*store),
                            kind: k.id,
                            movement,
                            quantity,
                            delta,
                            level_after: 8,
                            other_store: None,
                            note: Some("еженедельный объезд"),
                            actor_id: None,
                            actor: "bench",
                            at,
                        },
                    )
                    .await
                    .map_err(err)?;
                    lines += 1;
                }
            }
        }
    }
    w.commit().await.map_err(err)?;
    // A week of hand-outs in every store.
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
                limit: Some(7),
                ..Default::default()
            },
            "",
        )
        .await
        .map_err(err)?;
        for (k, c) in certs.iter().enumerate() {
            ops::handouts::hand_out(
                db,
                &staff,
                &domain::checkin::HandoutInput {
                    code: c.code.clone(),
                    name: format!("Участник {store}-{k}"),
                    phone: format!("+7 916 {:03}-{:02}-{:02}", store % 1000, k, store / 1000),
                    consent: true,
                    happened_at: domain::db::ts(db.now() - chrono::Duration::hours(k as i64 * 20)),
                    ..Default::default()
                },
                "",
            )
            .await
            .map_err(err)?;
        }
    }
    Ok((id, lines))
}

fn median_and_max(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() - 1])
}

async fn run(engine: &str, url: &str) -> anyhow::Result<()> {
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-30T10:00:00+03:00")?
        .with_timezone(&chrono::Utc);
    let db = Db::connect_with_clock(url, Clock::starting_at(start)).await?;
    db.migrate().await?;
    let t = Instant::now();
    let (_, lines) = seed(&db).await?;
    println!(
        "home {engine}: seeded {} stores, 8 materials, {lines} ledger lines in {:.1} s",
        PARTNERS * STORES_PER_PARTNER,
        t.elapsed().as_secs_f64()
    );
    let sys = Actor::system();
    // The first look creates the year's tasks and runs the checks.
    let t = Instant::now();
    ops::checklist::attention(&db, &sys).await.map_err(err)?;
    let tasks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tasks")
        .fetch_one(&db.pool)
        .await?;
    println!(
        "home {engine}: first look (creates {tasks} tasks, runs the checks): {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let mut times = Vec::new();
    let mut shown = (0, 0);
    for _ in 0..RUNS {
        let t = Instant::now();
        let a = ops::checklist::attention(&db, &sys).await.map_err(err)?;
        times.push(t.elapsed());
        shown = (a.overdue_total as usize, a.stock_alerts.len());
    }
    let (m, x) = median_and_max(times);
    // Its parts, for whoever tunes it.
    let id = CampaignId(1);
    let mut parts = Vec::new();
    for (name, n) in [
        ("stock board", 0),
        ("open tasks of the campaign (tasks page)", 1),
    ] {
        let mut t = Vec::new();
        for _ in 0..RUNS {
            let s = Instant::now();
            if n == 0 {
                ops::ledger::board(&db, &sys, id).await.map_err(err)?;
            } else {
                ops::checklist::campaign_tasks(&db, &sys, id, &Default::default())
                    .await
                    .map_err(err)?;
            }
            t.push(s.elapsed());
        }
        parts.push((name, median_and_max(t).0));
    }
    let today = db.clock.today();
    let open = domain::db::tasks::Query {
        state: Some("open"),
        running_only: true,
        kind: Some("checklist"),
        ..Default::default()
    };
    let overdue = domain::db::tasks::Query {
        due_by: Some(today - chrono::Duration::days(1)),
        limit: 30,
        ..open.clone()
    };
    for (name, n) in [
        ("overdue count", 0),
        ("first 30 overdue", 1),
        ("open tasks a check may decide", 2),
    ] {
        let mut t = Vec::new();
        for _ in 0..RUNS {
            let s = Instant::now();
            match n {
                0 => {
                    domain::db::tasks::count(&db.pool, &overdue)
                        .await
                        .map_err(err)?;
                }
                1 => {
                    domain::db::tasks::list(&db.pool, &overdue)
                        .await
                        .map_err(err)?;
                }
                _ => {
                    domain::db::tasks::checkable(&db.pool, id, db.clock.this_week().monday, None)
                        .await
                        .map_err(err)?;
                }
            }
            t.push(s.elapsed());
        }
        parts.push((name, median_and_max(t).0));
    }
    for (name, d) in parts {
        println!(
            "home {engine}: {name}: median {:.1} ms",
            d.as_secs_f64() * 1000.0
        );
    }
    println!(
        "home {engine}: attention today ({} overdue, {} stock alerts): median {:.1} ms, max {:.1} ms ({RUNS} runs; target ≤ 50 ms on SQLite)",
        shown.0,
        shown.1,
        m.as_secs_f64() * 1000.0,
        x.as_secs_f64() * 1000.0
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
                println!("home postgres: not reachable, skipped");
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
