//! Materials without codes — posters, regulations copies, paper forms, the clinic's own kinds
//! — through the ledger of each store; staff counting and asking for more from their phone;
//! the stock points of the checklist (9, 10, 11, 17б, 17в, 18, 19) turning green from the
//! ledger and the forecast. The clinic clock starts on Monday 30 November 2026, 10:00.

use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::checklist::{Setup, setup, tasks};
use crate::helpers::{Api, TestApp, error_field, spawn_app};

async fn kind(api: &Api, builtin: &str) -> i64 {
    let (_, kinds) = api.get("/materials").await;
    kinds
        .as_array()
        .and_then(|k| k.iter().find(|k| k["builtin"] == builtin))
        .and_then(|k| k["id"].as_i64())
        .unwrap_or_else(|| panic!("kind {builtin}"))
}

async fn movement(s: &Setup, body: Value) -> (StatusCode, Value) {
    s.marketer
        .post(&format!("/campaigns/{}/movements", s.campaign), body)
        .await
}

async fn level(s: &Setup, store: i64, kind: i64) -> i64 {
    let (st, board) = s
        .marketer
        .get(&format!("/campaigns/{}/stock-board", s.campaign))
        .await;
    assert_eq!(st, StatusCode::OK, "{board}");
    let row = board["rows"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["store_id"] == store))
        .expect("store row");
    if board["forms_kind_id"] == kind {
        return row["forms"]["on_hand"].as_i64().expect("forms");
    }
    let i = board["kinds"]
        .as_array()
        .and_then(|k| k.iter().position(|k| k["id"] == kind))
        .expect("kind column");
    row["levels"][i]["level"].as_i64().expect("level")
}

#[tokio::test]
async fn the_ledger_keeps_each_stores_level_through_deliveries_counts_returns_and_moves() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let posters = kind(&s.marketer, "posters").await;
    let [presnya, sokolniki] = s.stores;
    let (st, m) = movement(
        &s,
        json!({"store_id": presnya, "kind_id": posters, "movement": "delivered", "quantity": "5", "note": "Курьер, пачка А3"}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{m}");
    assert_eq!(
        (m["delta"].as_i64(), m["level_after"].as_i64()),
        (Some(5), Some(5))
    );
    // Counted on site: 3 are there; the level is set and the difference of −2 recorded.
    let (_, m) = movement(
        &s,
        json!({"store_id": presnya, "kind_id": posters, "movement": "counted", "quantity": "3"}),
    )
    .await;
    assert_eq!(
        (m["delta"].as_i64(), m["level_after"].as_i64()),
        (Some(-2), Some(3)),
        "{m}"
    );
    let (_, m) = movement(
        &s,
        json!({"store_id": presnya, "kind_id": posters, "movement": "returned", "quantity": "1"}),
    )
    .await;
    assert_eq!(m["level_after"], 2);
    // Moved to Сокольники: one line each side.
    let (st, m) = movement(
        &s,
        json!({"store_id": presnya, "kind_id": posters, "movement": "moved_out", "quantity": "1", "to_store_id": sokolniki}),
    )
    .await;
    assert_eq!(
        (st, m["other_store_name"].as_str()),
        (StatusCode::CREATED, Some("Лотос в Сокольниках")),
        "{m}"
    );
    assert_eq!(
        (
            level(&s, presnya, posters).await,
            level(&s, sokolniki, posters).await
        ),
        (1, 1)
    );
    // More back than the ledger holds: refused, nothing written.
    let before = app.count("material_movements").await;
    let (st, e) = movement(
        &s,
        json!({"store_id": presnya, "kind_id": posters, "movement": "returned", "quantity": "4"}),
    )
    .await;
    assert_eq!(
        (st, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("quantity"))
    );
    assert_eq!(e["error"]["fields"][0]["code"], "not_enough_stock");
    assert_eq!(app.count("material_movements").await, before);
    // Every field is checked and named.
    for (body, field) in [
        (
            json!({"store_id": presnya, "kind_id": posters, "movement": "delivered", "quantity": "пять"}),
            "quantity",
        ),
        (
            json!({"store_id": presnya, "kind_id": posters, "movement": "delivered", "quantity": "0"}),
            "quantity",
        ),
        (
            json!({"store_id": presnya, "kind_id": posters, "movement": "lost", "quantity": "1"}),
            "movement",
        ),
        (
            json!({"store_id": presnya, "kind_id": 999, "movement": "delivered", "quantity": "1"}),
            "kind_id",
        ),
        (
            json!({"store_id": 999, "kind_id": posters, "movement": "delivered", "quantity": "1"}),
            "store_id",
        ),
        (
            json!({"store_id": presnya, "kind_id": posters, "movement": "moved_out", "quantity": "1"}),
            "to_store_id",
        ),
        (
            json!({"store_id": presnya, "kind_id": posters, "movement": "delivered", "quantity": "1", "note": "я".repeat(501)}),
            "note",
        ),
    ] {
        let (st, e) = movement(&s, body).await;
        assert_eq!(
            (st, error_field(&e)),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{e}"
        );
    }
    // The store's history, newest first, with who and when.
    let (_, history) = s
        .marketer
        .get(&format!(
            "/campaigns/{}/movements?store_id={presnya}",
            s.campaign
        ))
        .await;
    let kinds: Vec<&str> = history
        .as_array()
        .expect("history")
        .iter()
        .map(|m| m["movement"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["moved_out", "returned", "counted", "delivered"]);
    assert_eq!(history[3]["note"], "Курьер, пачка А3");
    assert_eq!(history[3]["happened_at"], "30.11.2026 10:00");

    // The clinic adds a kind of its own, with a minimum per store: an alert where it is short.
    let (st, k) = s
        .marketer
        .post("/materials", json!({"name": "Стойка для сертификатов", "name_en": "Certificate stand", "per_store_min": "1"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{k}");
    let (_, board) = s
        .marketer
        .get(&format!("/campaigns/{}/stock-board", s.campaign))
        .await;
    let i = board["kinds"]
        .as_array()
        .and_then(|ks| ks.iter().position(|x| x["id"] == k["id"]))
        .expect("new column");
    assert_eq!(board["rows"][0]["levels"][i]["below_min"], true);
    // Store staff and reception do not keep the ledger.
    for api in [
        app.api(&app.token(Role::StoreStaff, Some(presnya)).await),
        app.api(&app.token(Role::Reception, None).await),
    ] {
        let (st, _) = api
            .post(
                &format!("/campaigns/{}/movements", s.campaign),
                json!({"store_id": presnya, "kind_id": posters, "movement": "delivered", "quantity": "1"}),
            )
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn paper_forms_follow_printed_batches_forms_typed_in_and_counts() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let forms = kind(&s.marketer, "forms").await;
    let presnya = s.stores[0];
    s.marketer
        .post(
            &format!("/campaigns/{}/form-batches", s.campaign),
            json!({"store_id": presnya, "count": 20}),
        )
        .await;
    s.marketer
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": 5, "store_ids": [presnya]}),
        )
        .await;
    assert_eq!(level(&s, presnya, forms).await, 20);
    let (_, staff) = app.person(Role::StoreStaff, Some(presnya), "Мария").await;
    let (_, certs) = s
        .marketer
        .get(&format!(
            "/campaigns/{}/certificates?store_id={presnya}",
            s.campaign
        ))
        .await;
    let hand_out = |i: usize, at: &'static str| {
        let code = certs[i]["code"].clone();
        let staff = &staff;
        async move {
            let (st, h) = staff
                .post(
                    "/handouts",
                    json!({"code": code, "name": format!("Участница {i}"), "phone": format!("+7 916 500-00-0{i}"),
                           "consent": true, "form_serial": (i + 1).to_string(), "happened_at": at, "offline": true}),
                )
                .await;
            assert_eq!(st, StatusCode::CREATED, "{h}");
        }
    };
    hand_out(0, "2026-11-29T12:00:00+03:00").await;
    hand_out(1, "2026-11-30T09:00:00+03:00").await;
    assert_eq!(level(&s, presnya, forms).await, 18);
    // Counted on site: 15 (three forms gone without being typed in).
    let (st, m) = movement(
        &s,
        json!({"store_id": presnya, "kind_id": forms, "movement": "counted", "quantity": "15"}),
    )
    .await;
    assert_eq!(
        (st, m["delta"].as_i64()),
        (StatusCode::CREATED, Some(-3)),
        "{m}"
    );
    // A form filled before the count but typed in after it was not on the shelf: no change.
    hand_out(2, "2026-11-30T09:30:00+03:00").await;
    assert_eq!(level(&s, presnya, forms).await, 15);
    app.clock()
        .set(app.clock().now() + chrono::Duration::hours(2));
    hand_out(3, "2026-11-30T11:30:00+03:00").await;
    assert_eq!(level(&s, presnya, forms).await, 14);
    // A new batch printed for the store adds its forms.
    s.marketer
        .post(
            &format!("/campaigns/{}/form-batches", s.campaign),
            json!({"store_id": presnya, "count": 10}),
        )
        .await;
    assert_eq!(level(&s, presnya, forms).await, 24);
    // The forecast reads the same level; the staff phone shows it too.
    let (_, forecast) = s
        .marketer
        .get(&format!("/campaigns/{}/stock-forecast", s.campaign))
        .await;
    let row = forecast
        .as_array()
        .and_then(|f| f.iter().find(|r| r["store_id"] == presnya))
        .expect("row");
    assert_eq!(row["forms"]["on_hand"], 24);
    let (_, mine) = staff.get("/my-store/stock").await;
    let forms_level = mine["levels"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["kind_id"] == forms))
        .expect("forms level");
    assert_eq!(forms_level["level"], 24);
    // The paper forms kind cannot be archived.
    let (st, e) = s
        .marketer
        .put(
            &format!("/materials/{forms}"),
            json!({"name": "Анкеты участников", "archived": true}),
        )
        .await;
    assert_eq!(
        (st, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("archived"))
    );
}

#[tokio::test]
async fn store_staff_count_their_store_and_ask_for_more_which_the_marketer_sees_as_a_task() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let posters = kind(&s.marketer, "posters").await;
    let forms = kind(&s.marketer, "forms").await;
    let (_, maria) = app
        .person(Role::StoreStaff, Some(s.stores[0]), "Мария")
        .await;
    let (_, oleg) = app
        .person(Role::StoreStaff, Some(s.stores[1]), "Олег")
        .await;
    let (st, mine) = maria.get("/my-store/stock").await;
    assert_eq!(
        (st, mine["store_name"].as_str()),
        (StatusCode::OK, Some("Лотос на Пресне")),
        "{mine}"
    );
    let (st, m) = maria
        .post("/my-store/counts", json!({"campaign_id": s.campaign, "kind_id": posters, "quantity": "2", "note": "у кассы и на входе"}))
        .await;
    assert_eq!(
        (st, m["actor"].as_str(), m["level_after"].as_i64()),
        (StatusCode::CREATED, Some("Мария"), Some(2)),
        "{m}"
    );
    let (st, e) = maria
        .post(
            "/my-store/counts",
            json!({"campaign_id": s.campaign, "kind_id": posters, "quantity": "-1"}),
        )
        .await;
    assert_eq!(
        (st, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("quantity"))
    );
    // Her count is her store's only; Олег's store is untouched.
    assert_eq!(
        (
            level(&s, s.stores[0], posters).await,
            level(&s, s.stores[1], posters).await
        ),
        (2, 0)
    );
    // She asks for 50 forms, and for certificates without a number.
    let (st, r) = maria
        .post("/my-store/requests", json!({"campaign_id": s.campaign, "kind_id": forms, "quantity": "50", "note": "К выходным"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    let (st, _) = maria
        .post("/my-store/requests", json!({"campaign_id": s.campaign}))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, attention) = s.marketer.get("/attention").await;
    let requests = attention["requests"].as_array().expect("requests");
    assert_eq!(requests.len(), 2, "{attention}");
    let forms_request = requests
        .iter()
        .find(|t| t["request_count"] == 50)
        .expect("the forms request");
    assert_eq!(
        (
            forms_request["store_name"].as_str(),
            forms_request["request_material"].as_str(),
            forms_request["due_on"].as_str()
        ),
        (
            Some("Лотос на Пресне"),
            Some("Анкеты участников"),
            Some("2026-11-30")
        )
    );
    // Done by the marketer: her phone shows it done; Олег sees only his store's requests.
    let (st, _) = s
        .marketer
        .put(
            &format!("/tasks/{}", forms_request["id"]),
            json!({"state": "done", "note": "Отвезли 50 анкет"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, mine) = maria.get("/my-store/stock").await;
    let done: Vec<bool> = mine["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| r["done"].as_bool().unwrap_or(false))
        .collect();
    assert_eq!(done, [false, true], "newest first");
    let (_, his) = oleg.get("/my-store/stock").await;
    assert_eq!(his["requests"], json!([]));
    let (_, his_history) = oleg
        .get(&format!(
            "/campaigns/{}/movements?store_id={}",
            s.campaign, s.stores[0]
        ))
        .await;
    assert_eq!(
        his_history,
        json!([]),
        "another store's ledger stays hidden"
    );
    // Reception and the marketer have no store to count in.
    let (st, _) = s
        .marketer
        .post(
            "/my-store/counts",
            json!({"campaign_id": s.campaign, "kind_id": posters, "quantity": "1"}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

fn point<'a>(list: &'a [Value], code: &str, store: i64, week: Option<&str>) -> &'a Value {
    list.iter()
        .find(|t| {
            t["code"] == code && t["store_id"] == store && week.is_none_or(|w| t["week_start"] == w)
        })
        .unwrap_or_else(|| panic!("task {code} of {store}"))
}

async fn hand_outs(app: &TestApp, s: &Setup, store: i64, count: usize, first_phone: usize) {
    let (_, staff) = app
        .person(
            Role::StoreStaff,
            Some(store),
            &format!("Продавец {first_phone}"),
        )
        .await;
    let (_, certs) = s
        .marketer
        .get(&format!(
            "/campaigns/{}/certificates?store_id={store}&state=printed",
            s.campaign
        ))
        .await;
    for i in 0..count {
        let at = format!("2026-11-{:02}T12:00:00+03:00", 24 + i % 6);
        let (st, h) = staff
            .post(
                "/handouts",
                json!({"code": certs[i]["code"], "name": "Участник", "phone": format!("+7 916 6{:02}-00-{:02}", first_phone, i),
                       "consent": true, "happened_at": at, "offline": true}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{h}");
    }
}

#[tokio::test]
async fn the_stock_points_turn_green_from_the_forecast_and_the_ledger() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let [presnya, sokolniki] = s.stores;
    // Пресня: 10 certificates, 7 handed out over the week: 3 left at 1 a day — 3 days.
    s.marketer
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": 10, "store_ids": [presnya]}),
        )
        .await;
    hand_outs(&app, &s, presnya, 7, 1).await;
    let list = tasks(&s.marketer, s.campaign, "all").await;
    let t9 = point(&list, "9", presnya, None);
    assert_eq!(t9["state"], "open");
    assert_eq!(t9["evidence"]["failing"][0]["figure"], "3,0", "{t9}");
    assert_eq!(
        point(&list, "17б", presnya, Some("2026-11-30"))["state"],
        "open"
    );
    // Сокольники has none at all.
    assert_eq!(
        point(&list, "9", sokolniki, None)["evidence"]["failing"][0]["name"],
        "Лотос в Сокольниках"
    );
    // 20 more to Пресня: 23 days; 15 to Сокольники (nothing used yet: lasts to the end).
    s.marketer
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": 20, "store_ids": [presnya]}),
        )
        .await;
    s.marketer
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": 15, "store_ids": [sokolniki]}),
        )
        .await;
    let list = tasks(&s.marketer, s.campaign, "all").await;
    for store in s.stores {
        assert_eq!(point(&list, "9", store, None)["state"], "done", "{store}");
        assert_eq!(
            point(&list, "17б", store, Some("2026-11-30"))["state"],
            "done"
        );
    }
    // Last week's 17б stays as it was left: today's stock says nothing about last week's.
    let last_week = point(&list, "17б", presnya, Some("2026-11-23"));
    assert_eq!(
        (last_week["state"].as_str(), &last_week["evidence"]),
        (Some("open"), &Value::Null)
    );

    // Forms (11, 17в): printed forms for each store, none used yet.
    assert_eq!(point(&list, "11", presnya, None)["state"], "open");
    for store in s.stores {
        s.marketer
            .post(
                &format!("/campaigns/{}/form-batches", s.campaign),
                json!({"store_id": store, "count": 30}),
            )
            .await;
    }
    let list = tasks(&s.marketer, s.campaign, "all").await;
    assert_eq!(point(&list, "11", presnya, None)["state"], "done");
    assert_eq!(
        point(&list, "17в", sokolniki, Some("2026-11-30"))["state"],
        "done"
    );

    // Posters (10): at least one per store, from the ledger.
    let posters = kind(&s.marketer, "posters").await;
    movement(&s, json!({"store_id": sokolniki, "kind_id": posters, "movement": "delivered", "quantity": "2"})).await;
    let list = tasks(&s.marketer, s.campaign, "all").await;
    assert_eq!(point(&list, "10", sokolniki, None)["state"], "done");
    assert_eq!(point(&list, "10", presnya, None)["state"], "open");
    // The home page lists Пресня's missing posters among the stock alerts.
    let (_, attention) = s.marketer.get("/attention").await;
    assert!(
        attention["stock_alerts"]
            .as_array()
            .expect("alerts")
            .iter()
            .any(|a| a["store_id"] == presnya && a["material"] == "Афишки" && a["minimum"] == 1),
        "{attention}"
    );
}

#[tokio::test]
async fn items_18_and_19_wait_for_the_end_then_turn_green_when_forms_are_collected_and_entered() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let forms = kind(&s.marketer, "forms").await;
    let [presnya, sokolniki] = s.stores;
    s.marketer
        .post(
            &format!("/campaigns/{}/form-batches", s.campaign),
            json!({"store_id": presnya, "count": 20}),
        )
        .await;
    // A count before the end does not collect anything.
    movement(
        &s,
        json!({"store_id": presnya, "kind_id": forms, "movement": "counted", "quantity": "20"}),
    )
    .await;
    let list = tasks(&s.marketer, s.campaign, "all").await;
    let t18 = point(&list, "18", presnya, None);
    assert_eq!(
        (t18["state"].as_str(), &t18["evidence"]),
        (Some("open"), &Value::Null),
        "not judged before the end"
    );
    // Two days after the end.
    app.clock()
        .set(app.clock().now() + chrono::Duration::days(64));
    let list = tasks(&s.marketer, s.campaign, "all").await;
    assert_eq!(point(&list, "18", presnya, None)["state"], "open");
    // Пресня's forms come back: 12 of the 20 expected (8 filled in but not typed in).
    let (st, m) = movement(&s, json!({"store_id": presnya, "kind_id": forms, "movement": "counted", "quantity": "12", "note": "Забрали после акции"})).await;
    assert_eq!(
        (st, m["delta"].as_i64()),
        (StatusCode::CREATED, Some(-8)),
        "{m}"
    );
    let list = tasks(&s.marketer, s.campaign, "all").await;
    assert_eq!(point(&list, "18", presnya, None)["state"], "done");
    assert_eq!(point(&list, "18", sokolniki, None)["state"], "open");
    let t19 = list.iter().find(|t| t["code"] == "19").expect("19");
    assert_eq!(t19["state"], "open");
    let failing = t19["evidence"]["failing"].as_array().expect("failing");
    assert!(
        failing
            .iter()
            .any(|f| f["name"] == "Лотос на Пресне" && f["figure"] == "8"),
        "{t19}"
    );
    // The 8 forms, filled in during January, are typed in now; Сокольники returns its none.
    s.marketer
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": 8, "store_ids": [presnya]}),
        )
        .await;
    let (_, staff) = app.person(Role::StoreStaff, Some(presnya), "Мария").await;
    let (_, certs) = s
        .marketer
        .get(&format!(
            "/campaigns/{}/certificates?store_id={presnya}&state=printed",
            s.campaign
        ))
        .await;
    for i in 0..8 {
        let (st, h) = staff
            .post(
                "/handouts",
                json!({"code": certs[i]["code"], "name": format!("Анкета {}", i + 1), "phone": format!("+7 916 700-00-0{i}"),
                       "consent": true, "form_serial": (i + 1).to_string(),
                       "happened_at": format!("2027-01-{:02}T12:00:00+03:00", 10 + i), "offline": true}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{h}");
    }
    let list = tasks(&s.marketer, s.campaign, "all").await;
    let t19 = list.iter().find(|t| t["code"] == "19").expect("19");
    assert_eq!(
        t19["evidence"]["failing"][0]["name"], "Лотос в Сокольниках",
        "{t19}"
    );
    movement(
        &s,
        json!({"store_id": sokolniki, "kind_id": forms, "movement": "counted", "quantity": "0"}),
    )
    .await;
    let list = tasks(&s.marketer, s.campaign, "all").await;
    assert_eq!(point(&list, "18", sokolniki, None)["state"], "done");
    assert_eq!(
        list.iter()
            .find(|t| t["code"] == "19")
            .map(|t| t["state"].clone()),
        Some(json!("done"))
    );
}
