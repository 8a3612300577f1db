//! Staff motivation and the final report over HTTP, on hand-computed fixtures: a week boundary,
//! a payout written once into the costs, an undone redemption after the payout carried into the
//! next week, a staff member's own standing; the final report's profit, ROI and payback with a
//! visit outside the attribution window, and its workbook read back by calamine.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use domain::auth::Actor;
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::checklist::{Setup, setup};
use crate::helpers::{Api, TestApp, spawn_app};

pub fn moscow(at: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(at)
        .expect("time")
        .with_timezone(&chrono::Utc)
}

/// Three certificates for each of the two stores; their codes by store.
async fn certificates(s: &Setup) -> [Vec<String>; 2] {
    let (st, b) = s
        .marketer
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": 6, "store_ids": [s.stores[0], s.stores[1]]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let mut out = [Vec::new(), Vec::new()];
    for (i, store) in s.stores.iter().enumerate() {
        let (_, certs) = s
            .marketer
            .get(&format!(
                "/campaigns/{}/certificates?store_id={store}",
                s.campaign
            ))
            .await;
        out[i] = certs
            .as_array()
            .expect("certs")
            .iter()
            .map(|x| x["code"].as_str().unwrap_or("").to_owned())
            .collect();
    }
    out
}

async fn hand(app: &TestApp, staff: &Api, code: &str, phone: &str) {
    let (st, b) = staff
        .post(
            "/handouts",
            json!({"code": code, "name": "Участник", "phone": phone, "consent": true}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let _ = app;
}

async fn redeem(app: &TestApp, code: &str) -> Api {
    let (_, reception) = app.person(Role::Reception, None, "Елена").await;
    let (st, r) = reception
        .post(
            "/redemptions",
            json!({"code": code, "idempotency_key": format!("k-{code}")}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    reception
}

pub async fn visit(reception: &Api, code: &str, amount: &str, day: &str) {
    let (st, v) = reception
        .post(
            "/visits",
            json!({"code": code, "amount": amount, "services": ["Терапия"], "visited_on": day}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
}

fn find(list: &Value, key: &str, id: i64) -> Value {
    list.as_array()
        .expect("list")
        .iter()
        .find(|l| l[key] == id)
        .cloned()
        .unwrap_or(Value::Null)
}

fn week<'a>(standings: &'a Value, monday: &str) -> &'a Value {
    standings["weeks"]
        .as_array()
        .expect("weeks")
        .iter()
        .find(|w| w["monday"] == monday)
        .expect("week")
}

#[tokio::test]
async fn a_paid_week_is_written_once_into_the_costs_and_a_later_undo_is_carried_into_the_next_week()
{
    let app = spawn_app().await;
    let s = setup(&app).await;
    let codes = certificates(&s).await;
    let rules = format!("/campaigns/{}/motivation/rules", s.campaign);
    let (st, e) = s
        .marketer
        .put(
            &rules,
            json!({"per_handout": "много", "weekly_cap": "200 000"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let text = e.to_string();
    assert!(
        text.contains("per_handout") && text.contains("weekly_cap"),
        "{e}"
    );
    let (st, r) = s
        .marketer
        .put(
            &rules,
            json!({"per_handout": "50", "per_redemption": "200", "per_buyer": "300"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["per_handout"], 5_000);

    let (anna_id, anna) = app
        .person(Role::StoreStaff, Some(s.stores[0]), "Анна Пресненская")
        .await;
    let (_, boris) = app
        .person(Role::StoreStaff, Some(s.stores[1]), "Борис Сокольников")
        .await;
    // Week of 16 November: Анна hands out two, Борис one; Анна's first comes and pays.
    app.clock().set(moscow("2026-11-17T12:00:00+03:00"));
    hand(&app, &anna, &codes[0][0], "+7 916 700-00-01").await;
    hand(&app, &anna, &codes[0][1], "+7 916 700-00-02").await;
    hand(&app, &boris, &codes[1][0], "+7 916 700-00-03").await;
    app.clock().set(moscow("2026-11-19T11:00:00+03:00"));
    let reception = redeem(&app, &codes[0][0]).await;
    visit(&reception, &codes[0][0], "2 000", "2026-11-19").await;

    app.clock().set(moscow("2026-11-23T10:00:00+03:00"));
    let path = format!("/campaigns/{}/motivation", s.campaign);
    let (st, m) = s.marketer.get(&path).await;
    assert_eq!(st, StatusCode::OK, "{m}");
    let w16 = week(&m, "2026-11-16");
    let a = find(&w16["employees"], "employee_id", anna_id);
    assert_eq!(
        (
            a["handouts"].as_i64(),
            a["redemptions"].as_i64(),
            a["buyers"].as_i64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(a["earned"], 2 * 5_000 + 20_000 + 30_000);
    assert_eq!(a["rank"], 1);
    assert_eq!(w16["payable"], 60_000 + 5_000);
    assert_eq!(w16["finished"], true);

    let pay = |monday: &str| format!("/campaigns/{}/motivation/weeks/{monday}/payout", s.campaign);
    let (st, e) = s.marketer.post(&pay("2026-11-23"), json!({})).await;
    assert_eq!(
        st,
        StatusCode::CONFLICT,
        "the current week is not over: {e}"
    );
    let (st, p) = s.marketer.post(&pay("2026-11-16"), json!({})).await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    assert_eq!(p["total"], 65_000);
    let (st, e) = s.marketer.post(&pay("2026-11-16"), json!({})).await;
    assert_eq!(st, StatusCode::CONFLICT, "paid once: {e}");
    let (_, costs) = s
        .marketer
        .get(&format!("/campaigns/{}/costs", s.campaign))
        .await;
    let motivation: Vec<&Value> = costs
        .as_array()
        .expect("costs")
        .iter()
        .filter(|c| c["category"] == "motivation")
        .collect();
    assert_eq!(motivation.len(), 1, "{costs}");
    assert_eq!(motivation[0]["amount"], 65_000);
    let refused = domain::ops::campaigns::delete_cost(
        &app.db,
        &Actor::system(),
        motivation[0]["id"].as_i64().expect("cost id"),
    )
    .await;
    assert!(
        matches!(
            refused,
            Err(domain::DomainError::Refused(
                domain::error::ErrorCode::CostOfPayout
            ))
        ),
        "a payout's cost stays: {refused:?}"
    );

    // The redemption is undone after the payout: the paid week keeps what was paid, the next
    // week carries the difference (the redemption and the buyer: 500 ₽).
    let (st, u) = s
        .marketer
        .post(
            "/redemptions/undo",
            json!({"code": codes[0][0], "reason": "Ошибка администратора"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{u}");
    let (_, m) = s.marketer.get(&path).await;
    let a16 = find(&week(&m, "2026-11-16")["employees"], "employee_id", anna_id);
    assert_eq!(
        (a16["earned"].as_i64(), a16["paid"].as_i64()),
        (Some(10_000), Some(60_000))
    );
    let a23 = find(&week(&m, "2026-11-23")["employees"], "employee_id", anna_id);
    assert_eq!(a23["adjustment"], -50_000);
    assert_eq!(m["paid_total"], 65_000);

    // Анна's phone: her week and her store's place, nothing of other stores' figures.
    let (st, me) = anna.get("/my-standing").await;
    assert_eq!(st, StatusCode::OK, "{me}");
    assert_eq!(me["monday"], "2026-11-23");
    assert_eq!(me["last_week_paid"], 60_000);
    assert_eq!(me["stores"], 2);
    assert!(me.get("employees").is_none());
    let (st, _) = anna.get(&path).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_bonus_with_a_signal_is_held_until_the_marketer_releases_it() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let codes = certificates(&s).await;
    s.marketer
        .put(
            &format!("/campaigns/{}/motivation/rules", s.campaign),
            json!({"per_handout": "100"}),
        )
        .await;
    let (boris_id, boris) = app
        .person(Role::StoreStaff, Some(s.stores[1]), "Борис Сокольников")
        .await;
    // Борис hands a certificate to the phone of his colleague Анна.
    let (anna_id, _) = app
        .person(Role::StoreStaff, Some(s.stores[0]), "Анна Пресненская")
        .await;
    sqlx::query("UPDATE users SET phone = '+79167000099' WHERE id = $1")
        .bind(anna_id)
        .execute(&app.db.pool)
        .await
        .expect("phone");
    app.clock().set(moscow("2026-11-17T12:00:00+03:00"));
    hand(&app, &boris, &codes[1][0], "+7 916 700-00-99").await;
    hand(&app, &boris, &codes[1][1], "+7 916 700-00-10").await;
    app.clock().set(moscow("2026-11-24T10:00:00+03:00"));
    let path = format!("/campaigns/{}/motivation", s.campaign);
    let (_, m) = s.marketer.get(&path).await;
    let w = week(&m, "2026-11-16");
    let b = find(&w["employees"], "employee_id", boris_id);
    assert_eq!(b["signals"], json!(["own_phone"]));
    assert_eq!(
        (b["held"].as_i64(), b["due"].as_i64()),
        (Some(20_000), Some(0))
    );
    assert_eq!(
        (w["payable"].as_i64(), w["to_review"].as_i64()),
        (Some(0), Some(1))
    );
    let review = format!(
        "/campaigns/{}/motivation/weeks/2026-11-16/reviews/{boris_id}",
        s.campaign
    );
    let (st, e) = s.marketer.put(&review, json!({"decision": "maybe"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (st, r) = s
        .marketer
        .put(
            &review,
            json!({"decision": "release", "note": "Сестра сотрудницы, проверено"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (_, m) = s.marketer.get(&path).await;
    let b = find(
        &week(&m, "2026-11-16")["employees"],
        "employee_id",
        boris_id,
    );
    assert_eq!(
        (b["held"].as_i64(), b["due"].as_i64()),
        (Some(0), Some(20_000))
    );
    assert_eq!(b["review"]["decision"], "release");
}

fn cell_f64(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        _ => f64::NAN,
    }
}

/// The final report's hand-computed fixture: a 40 % margin, visits counted for 30 days after
/// the redemption, 3 000 ₽ of printing; six certificates, three handed out (two by Анна in «Лотос
/// на Пресне», one by Борис in «Лотос в Сокольниках»), two redeemed; visits of 10 000 ₽ and
/// 5 000 ₽ within the window, one of 0 ₽, and 7 000 ₽ outside it. Profit 3 000 ₽, ROI 100 %,
/// paid back on 18.11.2026.
pub(crate) async fn final_report_fixture(app: &TestApp) -> Setup {
    let s = setup(app).await;
    // The clinic's margin is 40 %; visits count for 30 days after the redemption.
    let mut settings = domain::ops::settings::get(&app.db).await.expect("settings");
    settings.margin_percent = 40;
    domain::ops::settings::update(&app.db, &Actor::system(), &settings)
        .await
        .expect("margin");
    let (st, c) = s
        .marketer
        .put(
            &format!("/campaigns/{}", s.campaign),
            json!({"name": "Зима", "start_date": "2026-11-16", "end_date": "2027-01-31",
                   "face_value": "500", "valid_until": "2027-02-28", "status": "active",
                   "partner_ids": [s.partner], "attribution_days": 30}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    let codes = certificates(&s).await;
    let (st, k) = s
        .marketer
        .post(
            &format!("/campaigns/{}/costs", s.campaign),
            json!({"category": "printing", "amount": "3 000", "spent_on": "2026-11-16"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{k}");
    let (_, anna) = app
        .person(Role::StoreStaff, Some(s.stores[0]), "Анна Пресненская")
        .await;
    let (_, boris) = app
        .person(Role::StoreStaff, Some(s.stores[1]), "Борис Сокольников")
        .await;
    app.clock().set(moscow("2026-11-17T12:00:00+03:00"));
    hand(app, &anna, &codes[0][0], "+7 916 800-00-01").await;
    hand(app, &anna, &codes[0][1], "+7 916 800-00-02").await;
    hand(app, &boris, &codes[1][0], "+7 916 800-00-03").await;
    app.clock().set(moscow("2026-11-18T11:00:00+03:00"));
    let reception = redeem(app, &codes[0][0]).await;
    visit(&reception, &codes[0][0], "10 000", "2026-11-18").await;
    app.clock().set(moscow("2026-11-19T11:00:00+03:00"));
    let reception = redeem(app, &codes[1][0]).await;
    visit(&reception, &codes[1][0], "0", "2026-11-19").await;
    app.clock().set(moscow("2026-12-10T11:00:00+03:00"));
    let (_, reception) = app.person(Role::Reception, None, "Елена 2").await;
    visit(&reception, &codes[0][0], "5 000", "2026-12-10").await;
    // 37 days after the redemption: outside the 30-day window.
    app.clock().set(moscow("2026-12-25T11:00:00+03:00"));
    let (_, reception) = app.person(Role::Reception, None, "Елена 3").await;
    visit(&reception, &codes[0][0], "7 000", "2026-12-25").await;
    s
}

#[tokio::test]
async fn the_final_report_counts_revenue_within_the_window_and_finds_the_payback_day() {
    let app = spawn_app().await;
    let s = final_report_fixture(&app).await;
    let (st, r) = s
        .marketer
        .get(&format!("/campaigns/{}/report", s.campaign))
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(
        r["funnel"],
        json!({"printed": 6, "handed_out": 3, "redeemed": 2, "bought": 1})
    );
    let t = &r["total"];
    assert_eq!(t["figures"]["revenue_first"], 1_000_000);
    assert_eq!(
        t["figures"]["revenue_later"], 500_000,
        "the 7 000 ₽ visit is outside"
    );
    assert_eq!(t["figures"]["visits"], 3);
    assert_eq!(t["discount"], 2 * 50_000);
    assert_eq!(t["costs"], 300_000);
    assert_eq!(t["profit"], 1_500_000 * 40 / 100 - 300_000);
    assert_eq!(t["roi_percent"], 100);
    assert_eq!(r["payback_on"], "2026-11-18");
    let presnya = find(&r["stores"], "id", s.stores[0]);
    let sokol = find(&r["stores"], "id", s.stores[1]);
    assert_eq!(
        (presnya["printed"].as_i64(), presnya["costs"].as_i64()),
        (Some(3), Some(150_000))
    );
    assert_eq!(presnya["profit"], 600_000 - 150_000);
    assert_eq!(sokol["profit"], -150_000);
    assert_eq!(r["stores"][0]["id"], s.stores[0], "best profit first");
    let partner = find(&r["partners"], "id", s.partner);
    assert_eq!(partner["profit"], 300_000);

    // The campaign page's figures are the report's: the 37-day visit is outside there too.
    let (st, a) = s
        .marketer
        .get(&format!("/campaigns/{}/attribution", s.campaign))
        .await;
    assert_eq!(st, StatusCode::OK, "{a}");
    let page = find(&a["stores"], "store_id", s.stores[0]);
    assert_eq!(
        [
            &page["handed_out"],
            &page["contacts"],
            &page["redeemed"],
            &page["bought"],
            &page["visits"],
            &page["revenue"]
        ],
        [
            &json!(2),
            &json!(2),
            &json!(1),
            &json!(1),
            &json!(2),
            &json!(1_500_000)
        ]
    );
    for (k, v) in [
        ("handed_out", 2),
        ("contacts", 2),
        ("came", 1),
        ("bought", 1),
        ("visits", 2),
    ] {
        assert_eq!(presnya["figures"][k], v, "{k}");
    }
    assert_eq!(
        (
            &a["total"]["handed_out"],
            &a["total"]["redeemed"],
            &a["total"]["revenue"]
        ),
        (&json!(3), &json!(2), &json!(1_500_000))
    );

    // The workbook, read back sheet by sheet and column by column.
    let (st, _, bytes) = s
        .marketer
        .get_bytes(&format!("/campaigns/{}/report/xlsx", s.campaign))
        .await;
    assert_eq!(st, StatusCode::OK);
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("xlsx opens");
    assert_eq!(
        wb.sheet_names(),
        [
            "По партнёрам",
            "По магазинам",
            "По сотрудникам",
            "Расходы",
            "Прибыль по дням"
        ]
    );
    let stores = wb.worksheet_range("По магазинам").expect("stores sheet");
    let header: Vec<String> = stores
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} in {header:?}"))
    };
    let row = stores
        .rows()
        .find(|r| r[0] == "Лотос на Пресне")
        .expect("store row");
    assert_eq!(cell_f64(&row[col("Прибыль, ₽")]), 4_500.0);
    assert_eq!(cell_f64(&row[col("Выручка всего, ₽")]), 15_000.0);
    assert_eq!(cell_f64(&row[col("Пришли")]), 1.0);
    assert_eq!(row[col("Партнёр")].to_string(), "Лотос");
    let profit = wb.worksheet_range("Прибыль по дням").expect("profit sheet");
    assert!(profit.rows().count() > 30, "a row per day");

    let (st, _, csv) = s
        .marketer
        .get_bytes(&format!("/campaigns/{}/report/csv", s.campaign))
        .await;
    assert_eq!(st, StatusCode::OK);
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(csv.starts_with('\u{feff}'));
    assert!(
        csv.contains(
            "Лотос в Сокольниках;Лотос;3;1;1;1;0;1;0,00;0,00;0,00;500,00;1500,00;-1500,00;-100;"
        ),
        "{csv}"
    );
}
