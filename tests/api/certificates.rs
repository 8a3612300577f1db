use std::collections::BTreeSet;

use domain::code::Code;
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Api, TestApp, error_field, look_at_pdf, spawn_app};

/// A campaign with one partner of three stores, and an outside partner with one store.
struct Setup {
    api: Api,
    campaign: i64,
    stores: Vec<i64>,
    outside_store: i64,
}

async fn setup(app: &TestApp) -> Setup {
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (_, partner) = api
        .post("/partners", json!({"name": "Фитнес-клуб «Атлет»"}))
        .await;
    let (_, other) = api
        .post("/partners", json!({"name": "Кафе «Ромашка»"}))
        .await;
    let mut stores = Vec::new();
    for name in ["Атлет на Тверской", "Атлет в Сокольниках", "Атлет в Митино"]
    {
        let (s, store) = api
            .post(
                "/stores",
                json!({"partner_id": partner["id"], "name": name}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{store}");
        stores.push(store["id"].as_i64().expect("store id"));
    }
    let (_, outside) = api
        .post(
            "/stores",
            json!({"partner_id": other["id"], "name": "Ромашка"}),
        )
        .await;
    let (s, c) = api
        .post(
            "/campaigns",
            json!({"name": "Зимняя улыбка", "start_date": "2026-11-01", "end_date": "2027-01-31",
                   "face_value": "500", "valid_until": "2027-02-28", "status": "active",
                   "partner_ids": [partner["id"]]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    Setup {
        api,
        campaign: c["id"].as_i64().expect("campaign id"),
        stores,
        outside_store: outside["id"].as_i64().expect("store id"),
    }
}

fn certificates_of(list: &Value) -> Vec<Value> {
    list.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_batch_split_across_stores_gets_consecutive_serials_and_unique_checked_codes() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (status, batch) = s
        .api
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": 600, "store_ids": s.stores}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{batch}");
    assert_eq!(
        (
            batch["first_serial"].as_i64(),
            batch["last_serial"].as_i64()
        ),
        (Some(1), Some(600))
    );

    let (_, stock) = s.api.get(&format!("/campaigns/{}/stock", s.campaign)).await;
    let stock = certificates_of(&stock);
    assert_eq!(stock.len(), 3, "one row per store: {stock:?}");
    let mut ranges: Vec<(i64, i64, i64)> = stock
        .iter()
        .map(|r| {
            assert_eq!(r["printed"], 200, "200 to each store");
            let g = &r["ranges"][0];
            (
                r["store_id"].as_i64().unwrap_or(0),
                g["first"].as_i64().unwrap_or(0),
                g["last"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    ranges.sort_by_key(|r| r.1);
    assert_eq!(
        ranges,
        vec![
            (s.stores[0], 1, 200),
            (s.stores[1], 201, 400),
            (s.stores[2], 401, 600)
        ],
        "each store gets one run of serial numbers, in the order the stores were ticked"
    );

    let (_, list) = s
        .api
        .get(&format!("/campaigns/{}/certificates", s.campaign))
        .await;
    let list = certificates_of(&list);
    assert_eq!(list.len(), 600);
    let codes: BTreeSet<String> = list
        .iter()
        .map(|c| c["code"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(codes.len(), 600, "codes are unique");
    for c in &list {
        let code = Code::parse(c["code"].as_str().unwrap_or(""))
            .expect("every code passes its check character");
        assert_eq!(
            c["url"],
            format!("{}/c/{}", app.config.public_url, code.as_str())
        );
    }

    // A second batch continues the numbering.
    let (_, second) = s
        .api
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": "10"}),
        )
        .await;
    assert_eq!(second["first_serial"], 601);
    let (_, stock) = s.api.get(&format!("/campaigns/{}/stock", s.campaign)).await;
    let unallocated = certificates_of(&stock)
        .into_iter()
        .find(|r| r["store_id"].is_null())
        .expect("unallocated row");
    assert_eq!(unallocated["printed"], 10);
}

#[tokio::test]
async fn bad_batches_are_refused_with_the_field_named_and_create_nothing() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let path = format!("/campaigns/{}/batches", s.campaign);
    for count in [json!(0), json!(100_001), json!("много"), json!(-3)] {
        let (status, body) = s.api.post(&path, json!({"count": count})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{count}: {body}");
        assert_eq!(error_field(&body), Some("count"));
    }
    let (status, body) = s
        .api
        .post(
            &path,
            json!({"count": 10, "store_ids": [s.stores[0], s.outside_store]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        error_field(&body),
        Some("store_ids"),
        "a store of another partner is named"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("не участвует"),
        "{body}"
    );
    assert_eq!(app.count("certificates").await, 0, "nothing was created");
    assert_eq!(app.count("certificate_batches").await, 0);

    // A finished campaign prints nothing more.
    let (_, c) = s.api.get(&format!("/campaigns/{}", s.campaign)).await;
    let finished = json!({"name": c["name"], "start_date": c["start_date"], "end_date": c["end_date"],
        "face_value_kopecks": c["face_value"], "valid_until": c["valid_until"], "status": "finished",
        "partner_ids": c["partner_ids"]});
    let (st, body) = s
        .api
        .put(&format!("/campaigns/{}", s.campaign), finished)
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (status, body) = s.api.post(&path, json!({"count": 10})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "campaign_finished");
    assert_eq!(app.count("certificates").await, 0);

    // Serial numbers were not used up by the refused attempts.
    let next: i64 = sqlx::query_scalar("SELECT next_serial FROM campaigns WHERE id = $1")
        .bind(s.campaign)
        .fetch_one(&app.db.pool)
        .await
        .expect("next serial");
    assert_eq!(next, 1);
}

#[tokio::test]
async fn a_serial_range_moves_to_another_store_with_the_move_recorded_and_voided_ones_left() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    s.api
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": 20, "store_ids": [s.stores[0]]}),
        )
        .await;
    let (_, list) = s
        .api
        .get(&format!(
            "/campaigns/{}/certificates?from=5&to=5",
            s.campaign
        ))
        .await;
    let fifth = certificates_of(&list)[0]["code"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let (status, voided) = s
        .api
        .post(
            "/certificates/void",
            json!({"code": fifth.to_lowercase(), "reason": "испорчен при печати"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{voided}");
    assert_eq!(voided["state"], "voided");

    let (status, moved) = s
        .api
        .post(
            &format!("/campaigns/{}/certificate-moves", s.campaign),
            json!({"first_serial": "1", "last_serial": "10", "store_id": s.stores[1], "reason": "в Сокольниках закончились"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(
        (moved["moved"].as_i64(), moved["skipped"].as_i64()),
        (Some(9), Some(1))
    );
    let (_, list) = s
        .api
        .get(&format!(
            "/campaigns/{}/certificates?store_id={}",
            s.campaign, s.stores[1]
        ))
        .await;
    assert_eq!(certificates_of(&list).len(), 9);
    assert_eq!(
        app.count("certificate_moves").await,
        2,
        "the first allocation and the move"
    );
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'move'")
        .fetch_one(&app.db.pool)
        .await
        .expect("audit");
    assert_eq!(audited, 1);

    // Voiding again, a typo, an unknown code, a missing reason: each says why.
    let (st, body) = s
        .api
        .post(
            "/certificates/void",
            json!({"code": fifth, "reason": "ещё раз"}),
        )
        .await;
    assert_eq!(
        (st, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_voided"))
    );
    let mut typo: Vec<char> = fifth.chars().collect();
    typo[0] = if typo[0] == 'A' { 'B' } else { 'A' };
    let typo: String = typo.into_iter().collect();
    let (st, body) = s
        .api
        .post("/certificates/void", json!({"code": typo, "reason": "x"}))
        .await;
    assert_eq!(
        (st, body["error"]["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("code_mistyped"))
    );
    let unknown = Code::from_data([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    let (st, _) = s
        .api
        .post(
            "/certificates/void",
            json!({"code": unknown.display(), "reason": "x"}),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, body) = s
        .api
        .post("/certificates/void", json!({"code": fifth, "reason": " "}))
        .await;
    assert_eq!(
        (st, error_field(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
}

#[tokio::test]
async fn anyone_holding_a_certificate_sees_its_value_and_status_but_no_personal_data() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    s.api
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": 2, "store_ids": [s.stores[0]]}),
        )
        .await;
    let (_, list) = s
        .api
        .get(&format!("/campaigns/{}/certificates", s.campaign))
        .await;
    let code = certificates_of(&list)[0]["code"]
        .as_str()
        .unwrap_or("")
        .to_owned();

    let anonymous = reqwest::Client::new();
    let r = anonymous
        .get(app.url(&format!("/api/v1/certificates/{}", code.replace('-', ""))))
        .send()
        .await
        .expect("public api");
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["status"], "valid");
    assert_eq!(body["face_value"], 50_000);
    assert!(body.get("store_id").is_none() && body.get("participant").is_none());

    let page = anonymous
        .get(app.url(&format!("/c/{}", code.replace('-', ""))))
        .send()
        .await
        .expect("public page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("500\u{a0}₽"), "the value is shown");
    assert!(
        html.contains("Сертификат действителен"),
        "the status is shown"
    );
    assert!(html.contains(&code), "the code is shown as printed");

    let mut typo: Vec<char> = code.chars().collect();
    typo.swap(0, 1);
    if typo[0] != typo[1] {
        let typo: String = typo.into_iter().collect();
        let r = anonymous
            .get(app.url(&format!("/api/v1/certificates/{typo}")))
            .send()
            .await
            .expect("typo");
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a swapped pair is caught before lookup"
        );
    }
}

#[tokio::test]
async fn every_qr_on_the_certificate_sheets_decodes_to_the_stored_code_and_url() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    s.api
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": 24, "store_ids": s.stores}),
        )
        .await;
    let (_, list) = s
        .api
        .get(&format!(
            "/campaigns/{}/certificates?store_id={}",
            s.campaign, s.stores[1]
        ))
        .await;
    let expected: BTreeSet<String> = certificates_of(&list)
        .iter()
        .map(|c| c["url"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(expected.len(), 8);

    let (status, kind, pdf) = s
        .api
        .get_bytes(&format!(
            "/campaigns/{}/certificates/pdf?store_id={}",
            s.campaign, s.stores[1]
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(kind, "application/pdf");
    let look = look_at_pdf(&pdf);
    assert_eq!(look.pages, 1, "8 certificates fit one A4 sheet");
    let decoded: BTreeSet<String> = look.qr.iter().cloned().collect();
    assert_eq!(
        decoded, expected,
        "every QR decodes to its certificate's URL"
    );
    assert!(
        look.text.contains("500 ₽"),
        "the face value is printed: {}",
        look.text
    );
    assert!(
        look.text.contains("Атлет в Сокольниках"),
        "the store is printed"
    );
    for c in certificates_of(&list) {
        assert!(
            look.text.contains(c["code"].as_str().unwrap_or("?")),
            "the code is printed under its QR"
        );
        assert!(
            look.text
                .contains(&format!("{:06}", c["serial"].as_i64().unwrap_or(0))),
            "the serial is printed"
        );
    }

    let (status, _, single) = s
        .api
        .get_bytes(&format!(
            "/campaigns/{}/certificates/pdf?store_id={}&layout=single",
            s.campaign, s.stores[1]
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let look = look_at_pdf(&single);
    assert_eq!(look.pages, 8, "one certificate per page");
    assert_eq!(look.qr.iter().cloned().collect::<BTreeSet<_>>(), expected);
}

#[tokio::test]
async fn forms_posters_and_regulations_print_with_qr_codes_to_the_stores_pages() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let store = s.stores[2];
    let (status, fb) = s
        .api
        .post(
            &format!("/campaigns/{}/form-batches", s.campaign),
            json!({"store_id": store, "count": 3}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{fb}");
    let (status, _, pdf) = s
        .api
        .get_bytes(&format!("/form-batches/{}/pdf", fb["id"]))
        .await;
    assert_eq!(status, StatusCode::OK);
    let look = look_at_pdf(&pdf);
    assert_eq!(look.pages, 3, "one form per page");
    let join = format!("{}/join/{}/{store}", app.config.public_url, s.campaign);
    let expected: BTreeSet<String> = (1..=3).map(|n| format!("{join}?form={n}")).collect();
    assert_eq!(look.qr.iter().cloned().collect::<BTreeSet<_>>(), expected);
    assert!(
        look.text.contains("152-ФЗ"),
        "the consent paragraph is printed"
    );
    assert!(
        look.text.contains("000002"),
        "each form has its serial number"
    );

    for size in ["a4", "a3"] {
        let (status, _, pdf) = s
            .api
            .get_bytes(&format!(
                "/campaigns/{}/stores/{store}/poster/pdf?size={size}",
                s.campaign
            ))
            .await;
        assert_eq!(status, StatusCode::OK);
        let look = look_at_pdf(&pdf);
        assert_eq!(
            look.qr,
            vec![join.clone()],
            "the {size} poster's QR opens the store's page"
        );
        assert!(look.text.contains("500 ₽"));
    }
    let (status, body) = s
        .api
        .get(&format!(
            "/campaigns/{}/stores/{}/poster/pdf",
            s.campaign, s.outside_store
        ))
        .await;
    assert_eq!(
        (status, error_field(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("store_id"))
    );

    let (status, _, pdf) = s
        .api
        .get_bytes(&format!("/campaigns/{}/regulations/pdf", s.campaign))
        .await;
    assert_eq!(status, StatusCode::OK);
    let look = look_at_pdf(&pdf);
    assert!(look.text.contains("Регламент"), "{}", look.text);
    assert!(look.text.contains("Зимняя улыбка"));
}

#[tokio::test]
async fn a_character_the_font_lacks_or_text_too_long_names_the_field_and_prints_nothing() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    s.api
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": 1, "store_ids": [s.stores[0]]}),
        )
        .await;
    let texts = format!("/campaigns/{}/texts", s.campaign);
    let (status, _) = s.api.put(&texts, json!({"cert_title": "Подарок 🎁"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = s
        .api
        .get(&format!("/campaigns/{}/certificates/pdf", s.campaign))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_field(&body), Some("cert_title"));
    assert_eq!(body["error"]["fields"][0]["code"], "missing_glyph");

    let (status, body) = s
        .api
        .put(&texts, json!({"poster_headline": "Очень ".repeat(30)}))
        .await;
    assert_eq!(
        (status, error_field(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("poster_headline")),
        "too long to save"
    );
    let (status, _) = s
        .api
        .put(&texts, json!({"cert_text": "Условия. ".repeat(110)}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = s
        .api
        .get(&format!("/campaigns/{}/certificates/pdf", s.campaign))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        error_field(&body),
        Some("cert_text"),
        "terms that cannot fit the certificate are named"
    );
    assert_eq!(body["error"]["fields"][0]["code"], "text_does_not_fit");
}

#[tokio::test]
async fn store_staff_cannot_print_or_see_another_stores_certificates() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    s.api
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": 6, "store_ids": [s.stores[0], s.stores[1]]}),
        )
        .await;
    let staff = app.api(&app.token(Role::StoreStaff, Some(s.stores[0])).await);
    let (st, _) = staff
        .post(
            &format!("/campaigns/{}/batches", s.campaign),
            json!({"count": 1}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = staff
        .get(&format!("/campaigns/{}/certificates/pdf", s.campaign))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = staff
        .get(&format!(
            "/campaigns/{}/certificates?store_id={}",
            s.campaign, s.stores[1]
        ))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, own) = staff
        .get(&format!("/campaigns/{}/certificates", s.campaign))
        .await;
    assert_eq!(st, StatusCode::OK);
    let own = certificates_of(&own);
    assert_eq!(own.len(), 3, "only their own store's certificates");
    assert!(own.iter().all(|c| c["store_id"] == s.stores[0]));
    let (_, stock) = staff.get(&format!("/campaigns/{}/stock", s.campaign)).await;
    assert_eq!(certificates_of(&stock).len(), 1);
    let reception = app.api(&app.token(Role::Reception, None).await);
    let (st, _) = reception
        .post("/certificates/void", json!({"code": "x", "reason": "y"}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_demo_clinic_comes_with_certificates_allocated_to_every_store_and_two_weeks_of_activity()
 {
    let app = spawn_app().await;
    domain::demo::load(&app.db, &app.config.public_url)
        .await
        .expect("demo");
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (_, campaigns) = api.get("/campaigns").await;
    let id = campaigns[0]["id"].as_i64().expect("campaign");
    let (_, stock) = api.get(&format!("/campaigns/{id}/stock")).await;
    let stock = certificates_of(&stock);
    let stores: Vec<&Value> = stock.iter().filter(|r| r["store_id"].is_i64()).collect();
    assert_eq!(stores.len(), 6, "all six stores have certificates");
    let total = |r: &Value| {
        ["printed", "handed_out", "redeemed", "voided"]
            .iter()
            .map(|k| r[*k].as_i64().unwrap_or(0))
            .sum::<i64>()
    };
    // 1 200 printed, and three e-certificates people took themselves from a poster.
    assert_eq!(stock.iter().map(total).sum::<i64>(), 1203);
    // The busiest store sent most of its pack back to the storeroom and runs low.
    let (_, forecast) = api.get(&format!("/campaigns/{id}/stock-forecast")).await;
    let urgent = &forecast[0];
    assert_eq!(urgent["store_name"], "Атлет на Тверской");
    assert_eq!(urgent["certificates"]["on_hand"], 4);
    assert_eq!(urgent["certificates"]["alert"], true);
    assert!(urgent["certificates"]["deliver"]["count"].as_i64() > Some(0));
    assert!(
        forecast
            .as_array()
            .is_some_and(|f| f.iter().all(|s| s["forms"]["on_hand"].as_i64() > Some(80))),
        "every store has its paper forms"
    );
    // Two weeks of the checklist: the home page has something in every section.
    let (_, attention) = api.get("/attention").await;
    assert_eq!(
        attention["requests"][0]["request_count"], 100,
        "{attention}"
    );
    assert!(
        attention["stock_alerts"].as_array().is_some_and(|a| a
            .iter()
            .any(|x| x["store_name"] == "Лотос в Хамовниках" && x["material"] == "Афишки")),
        "{attention}"
    );
    assert!(attention["overdue_total"].as_i64() > Some(0));
    assert!(attention["routines"][0]["routine"]["total"].as_i64() > Some(0));
    let (_, done) = api.get(&format!("/campaigns/{id}/tasks?state=done")).await;
    let done = done.as_array().expect("tasks");
    assert!(done.len() > 20, "{} done", done.len());
    assert!(done.iter().any(|t| t["photos"] == 1 && t["comments"] == 1));
    assert!(done.iter().any(|t| t["code"] == "13" && t["reach"] == 8400));
    let (_, doctors) = api.get(&format!("/campaigns/{id}/doctor-briefings")).await;
    assert_eq!(doctors.as_array().map(Vec::len), Some(2));
    // The mystery shopper's last two weeks: scored, signed off, item 17а done by them, a
    // corrective task for each failed question; this week's visit half answered.
    let (_, visits) = api.get(&format!("/shopper-visits?campaign_id={id}")).await;
    let visits = visits.as_array().expect("visits");
    let signed: Vec<&Value> = visits
        .iter()
        .filter(|v| v["state"] == "signed_off")
        .collect();
    assert_eq!(signed.len(), 2, "{visits:?}");
    assert_eq!(
        signed
            .iter()
            .map(|v| v["passed"].as_bool())
            .collect::<Vec<_>>(),
        [Some(false), Some(true)],
        "newest first: the critical miss, then the missing poster"
    );
    assert!(
        signed
            .iter()
            .all(|v| v["photos"] == 1 && v["shopper_name"] == "Вера Тайнова")
    );
    assert!(
        visits
            .iter()
            .any(|v| v["state"] == "planned" && v["answers"] == 2)
    );
    assert_eq!(done.iter().filter(|t| t["code"] == "17а").count(), 2);
    let (_, open) = api.get(&format!("/campaigns/{id}/tasks?state=open")).await;
    assert_eq!(
        open.as_array()
            .expect("tasks")
            .iter()
            .filter(|t| t["shopper_visit_id"].is_i64())
            .count(),
        3,
        "the poster, the unprompted mention, the offer"
    );
    // Motivation: the rules are set, the first finished week is paid and is in the costs; the
    // final report shows revenue, costs and the funnel.
    let (_, m) = api.get(&format!("/campaigns/{id}/motivation")).await;
    assert_eq!(m["rules"]["per_handout"], 5_000);
    let paid: Vec<&serde_json::Value> = m["weeks"]
        .as_array()
        .expect("weeks")
        .iter()
        .filter(|w| w["payout"].is_object())
        .collect();
    assert_eq!(paid.len(), 1, "{m}");
    assert!(m["paid_total"].as_i64() > Some(0));
    assert!(
        m["weeks"]
            .as_array()
            .expect("weeks")
            .iter()
            .any(|w| w["finished"] == true
                && w["payout"].is_null()
                && w["payable"].as_i64() > Some(0)),
        "a week waits for its payout"
    );
    let (_, r) = api.get(&format!("/campaigns/{id}/report")).await;
    assert!(
        r["total"]["figures"]["revenue_first"].as_i64() > Some(0),
        "{r}"
    );
    assert!(r["total"]["costs"].as_i64() > Some(0));
    assert_eq!(r["funnel"]["printed"], 1203, "with three e-certificates");
    assert_eq!(r["margin_percent"], 45);
    // Every employee has handed some out (40), 4 more came from paper forms typed in and 3
    // people registered themselves; some participants came, some bought treatment.
    let (_, a) = api.get(&format!("/campaigns/{id}/attribution")).await;
    assert_eq!(a["total"]["handed_out"], 47, "{a}");
    let (_, imports) = api.get(&format!("/campaigns/{id}/imports")).await;
    assert_eq!(
        (
            &imports[0]["confirmed"],
            &imports[0]["saved_rows"],
            &imports[0]["refused_rows"]
        ),
        (&json!(true), &json!(7), &json!(1)),
        "a past import of paper forms: {imports}"
    );
    assert_eq!(a["total"]["redeemed"], 15);
    assert!(a["total"]["revenue"].as_i64().unwrap_or(0) > 0);
    assert!(
        a["employees"]
            .as_array()
            .is_some_and(|e| e.len() == 6 && e.iter().all(|r| r["handed_out"].as_i64() > Some(0)))
    );
    let store = stores[0]["store_id"].as_i64().expect("store");
    let first = stores[0]["ranges"][0]["first"]
        .as_i64()
        .expect("first serial");
    let (status, _, pdf) = api
        .get_bytes(&format!(
            "/campaigns/{id}/certificates/pdf?store_id={store}&from={first}&to={}",
            first + 7
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF-"));
}
