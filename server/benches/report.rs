//! Benchmark of the final report (item 21) on a big campaign: 100 stores of 10 partners with
//! 3 employees each, 100 000 certificates, 40 000 hand-outs, 20 000 redemptions and 50 000
//! visits, and a cost per category. Times `ops::results::final_report` (what
//! `/campaigns/:id/report` and `GET /campaigns/{id}/report` run; target ≤ 200 ms) and the week's
//! summary, on SQLite and PostgreSQL; and rendering that report as the printable PDF (the
//! document and `print::report`, without the queries).
//!
//! ```text
//! cargo bench -p server --bench report -- [--engine sqlite|postgres|all]
//! ```
//!
//! The campaign, stores, people and certificates are made through `domain::ops`; the 110 000
//! participants, hand-outs, redemptions and visits are written with multi-row INSERTs (the
//! hand-out path itself is measured by the `redeem` bench). PostgreSQL is reached through
//! `SARAFAN_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/test`); a throw-away
//! database is created and dropped.

use std::time::{Duration, Instant};

use anyhow::Context;
use domain::auth::Actor;
use domain::clock::Clock;
use domain::db::Db;
use domain::ids::CampaignId;
use domain::model::{BatchInput, CampaignInput, CostInput, PartnerInput, StoreInput};
use domain::ops;

const PARTNERS: usize = 10;
const STORES_PER_PARTNER: usize = 10;
const STAFF_PER_STORE: usize = 3;
const CERTIFICATES: usize = 100_000;
const HANDOUTS: usize = 40_000;
const REDEMPTIONS: usize = 20_000;
const VISITS: usize = 50_000;
const RUNS: usize = 15;
const CHUNK: usize = 500;

/// A redemption as the visits need it: id, participant, store, employee, redeemed at.
type Redeemed = (i64, i64, Option<i64>, Option<i64>, String);

fn median_and_max(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() - 1])
}

fn err(e: domain::DomainError) -> anyhow::Error {
    anyhow::anyhow!(e.message(domain::Lang::En))
}

/// Inserts `rows` (already formatted `(…)` tuples) in chunks, in one transaction.
async fn insert(db: &Db, head: &str, rows: &[String]) -> anyhow::Result<()> {
    let mut tx = db.pool.begin().await?;
    for chunk in rows.chunks(CHUNK) {
        sqlx::query(&format!("{head} VALUES {}", chunk.join(",")))
            .execute(&mut *tx)
            .await
            .with_context(|| head.to_owned())?;
    }
    tx.commit().await?;
    Ok(())
}

async fn seed(db: &Db) -> anyhow::Result<CampaignId> {
    let sys = Actor::system();
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
            start_date: "2026-09-01".into(),
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
    ops::certificates::create_batch(
        db,
        &sys,
        id,
        &BatchInput {
            count: CERTIFICATES.to_string(),
            store_ids: stores.clone(),
        },
    )
    .await
    .map_err(err)?;
    for (category, amount) in [
        ("printing", "60 000"),
        ("sms", "8 000"),
        ("other", "15 000"),
    ] {
        ops::campaigns::add_cost(
            db,
            &sys,
            id,
            &CostInput {
                category: category.into(),
                amount: amount.into(),
                spent_on: "2026-09-01".into(),
                ..Default::default()
            },
        )
        .await
        .map_err(err)?;
    }
    let now = "2026-11-30T07:00:00Z";
    let staff: Vec<String> = stores
        .iter()
        .flat_map(|s| {
            (0..STAFF_PER_STORE)
                .map(move |k| format!("('Сотрудник {s}-{k}', 'store_staff', {s}, 1, '{now}')"))
        })
        .collect();
    insert(
        db,
        "INSERT INTO users (name, role, store_id, active, created_at)",
        &staff,
    )
    .await?;
    let employees: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, store_id FROM users WHERE role = 'store_staff' ORDER BY id")
            .fetch_all(&db.pool)
            .await?;
    let certs: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, store_id FROM certificates WHERE campaign_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&db.pool)
            .await?;
    let patients: Vec<String> = (0..HANDOUTS)
        .map(|n| {
            format!(
                "('Участник {n}', '+7916{:07}', 'участник {n}', '{now}', '{now}')",
                n
            )
        })
        .collect();
    insert(
        db,
        "INSERT INTO patients (name, phone, name_key, created_at, updated_at)",
        &patients,
    )
    .await?;
    let first_patient: i64 = sqlx::query_scalar("SELECT MIN(id) FROM patients")
        .fetch_one(&db.pool)
        .await?;
    // Hand-outs spread over 13 weeks from 1 September, by one of the store's employees.
    let day = |n: usize| {
        chrono::NaiveDate::from_ymd_opt(2026, 9, 1).expect("day")
            + chrono::Duration::days((n % 88) as i64)
    };
    let employee_of = |store: i64, n: usize| {
        let mine: Vec<i64> = employees
            .iter()
            .filter(|e| e.1 == store)
            .map(|e| e.0)
            .collect();
        mine[n % mine.len()]
    };
    let mut handouts = Vec::new();
    let mut who = Vec::new();
    for n in 0..HANDOUTS {
        let (cert, store) = certs[n * (CERTIFICATES / HANDOUTS)];
        let e = employee_of(store, n);
        who.push((cert, store, e, first_patient + n as i64));
        handouts.push(format!(
            "({cert}, {c}, {store}, {e}, {p}, 'staff', 'v1', '{d}T09:00:00Z', '{d}T09:00:00Z', '{d}T09:00:00Z', 'bench-h-{n}')",
            c = id.0,
            p = first_patient + n as i64,
            d = day(n),
        ));
    }
    insert(
        db,
        "INSERT INTO handouts (certificate_id, campaign_id, store_id, employee_id, patient_id, source, consent_version, consent_at, happened_at, recorded_at, idempotency_key)",
        &handouts,
    )
    .await?;
    let mut redemptions = Vec::new();
    for (n, (cert, store, e, p)) in who.iter().enumerate().take(REDEMPTIONS) {
        let d = day(n) + chrono::Duration::days(3);
        redemptions.push(format!(
            "({cert}, {c}, {store}, {e}, {p}, '{d}T12:00:00Z', 'Ресепшн', 'bench-r-{n}')",
            c = id.0,
        ));
    }
    insert(
        db,
        "INSERT INTO redemptions (certificate_id, campaign_id, store_id, employee_id, patient_id, redeemed_at, redeemed_by_name, idempotency_key)",
        &redemptions,
    )
    .await?;
    let redeemed: Vec<Redeemed> = sqlx::query_as(
        "SELECT id, patient_id, store_id, employee_id, redeemed_at FROM redemptions WHERE campaign_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let mut visits = Vec::new();
    for n in 0..VISITS {
        let (r, p, store, e, at) = &redeemed[n % redeemed.len()];
        let later = n / redeemed.len();
        let d = chrono::NaiveDate::parse_from_str(&at[..10], "%Y-%m-%d")?
            + chrono::Duration::days(later as i64 * 20);
        let amount = if later == 0 {
            (n % 5) as i64 * 150_000
        } else {
            450_000
        };
        visits.push(format!(
            "({r}, {p}, {c}, {s}, {e}, '{d}', {amount}, 'Терапия', '{now}')",
            c = id.0,
            s = store.map_or("NULL".into(), |s| s.to_string()),
            e = e.map_or("NULL".into(), |e| e.to_string()),
        ));
    }
    insert(
        db,
        "INSERT INTO visits (redemption_id, patient_id, campaign_id, store_id, employee_id, visited_on, amount_kopecks, services, recorded_at)",
        &visits,
    )
    .await?;
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
        "report {engine}: seeded {} stores, {CERTIFICATES} certificates, {HANDOUTS} hand-outs, {REDEMPTIONS} redemptions, {VISITS} visits in {:.1} s",
        PARTNERS * STORES_PER_PARTNER,
        t.elapsed().as_secs_f64()
    );
    let sys = Actor::system();
    let (mut report, mut weekly) = (Vec::new(), Vec::new());
    let mut check = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        let r = ops::results::final_report(&db, &sys, id)
            .await
            .map_err(err)?;
        report.push(t.elapsed());
        check = Some((r.funnel.clone(), r.total.figures.revenue(), r.payback_on));
        let t = Instant::now();
        ops::results::weekly_summary(&db, &sys, id)
            .await
            .map_err(err)?;
        weekly.push(t.elapsed());
    }
    let (rm, rx) = median_and_max(report);
    let (wm, wx) = median_and_max(weekly);
    let last = ops::results::final_report(&db, &sys, id)
        .await
        .map_err(err)?;
    let mut pdf = Vec::new();
    let mut pdf_bytes = 0;
    for _ in 0..RUNS.min(5) {
        let t = Instant::now();
        let doc = domain::report_pdf::document(
            &last,
            "Стоматология «Улыбка»",
            "30.11.2026 10:00",
            domain::Lang::Ru,
        );
        let bytes = print::report(&doc).map_err(|e| anyhow::anyhow!("{e}"))?;
        pdf.push(t.elapsed());
        pdf_bytes = bytes.len();
    }
    let (pm, px) = median_and_max(pdf);
    if let Some((f, revenue, payback)) = check {
        println!(
            "report {engine}: funnel {} → {} → {} → {}, revenue {} ₽, payback {payback:?}",
            f.printed,
            f.handed_out,
            f.redeemed,
            f.bought,
            revenue / 100
        );
    }
    println!(
        "report {engine}: final report: median {:.1} ms, max {:.1} ms ({RUNS} runs; target ≤ 200 ms)",
        rm.as_secs_f64() * 1000.0,
        rx.as_secs_f64() * 1000.0
    );
    println!(
        "report {engine}: week's summary: median {:.1} ms, max {:.1} ms",
        wm.as_secs_f64() * 1000.0,
        wx.as_secs_f64() * 1000.0
    );
    println!(
        "report {engine}: the PDF ({} stores, {} employees): median {:.1} ms, max {:.1} ms, {} KB",
        last.stores.len(),
        last.employees.len(),
        pm.as_secs_f64() * 1000.0,
        px.as_secs_f64() * 1000.0,
        pdf_bytes / 1024,
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
                println!("report postgres: not reachable, skipped");
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
