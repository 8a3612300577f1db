//! The life of a campaign and its certificates, over HTTP and on a set clinic clock: what may
//! change once certificates exist, what "finished" stops, and one validity answer shared by
//! reception, the public page and the API.

use app::server_fns::SaveSettings;
use chrono::Duration;
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server_fn::ServerFn;

use crate::helpers::{Api, TestApp, spawn_app, test_now};

struct Clinic {
    marketer: Api,
    reception: Api,
    staff: Api,
    partner: i64,
    store: i64,
}

async fn clinic(app: &TestApp) -> Clinic {
    let marketer = app.api(&app.token(Role::Marketer, None).await);
    let (_, partner) = marketer
        .post("/partners", json!({"name": "Фитнес-клуб «Атлет»"}))
        .await;
    let (_, store) = marketer
        .post(
            "/stores",
            json!({"partner_id": partner["id"], "name": "Атлет на Тверской"}),
        )
        .await;
    let store = store["id"].as_i64().expect("store");
    Clinic {
        reception: app.api(&app.token(Role::Reception, None).await),
        staff: app
            .person(Role::StoreStaff, Some(store), "Мария Кассирова")
            .await
            .1,
        marketer,
        partner: partner["id"].as_i64().expect("partner"),
        store,
    }
}

fn campaign_body(c: &Clinic, status: &str, dates: (&str, &str, &str), face: &str) -> Value {
    json!({"name": "Зимняя улыбка", "start_date": dates.0, "end_date": dates.1, "face_value": face,
           "valid_until": dates.2, "status": status, "partner_ids": [c.partner]})
}

/// A campaign with `count` certificates printed for the store; returns (id, codes).
async fn printed(
    c: &Clinic,
    status: &str,
    dates: (&str, &str, &str),
    count: i64,
) -> (i64, Vec<String>) {
    let (s, campaign) = c
        .marketer
        .post("/campaigns", campaign_body(c, status, dates, "500"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{campaign}");
    let id = campaign["id"].as_i64().expect("campaign id");
    let (s, b) = c
        .marketer
        .post(
            &format!("/campaigns/{id}/batches"),
            json!({"count": count, "store_ids": [c.store]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (_, list) = c
        .marketer
        .get(&format!("/campaigns/{id}/certificates"))
        .await;
    let codes = list
        .as_array()
        .expect("certificates")
        .iter()
        .map(|x| x["code"].as_str().unwrap_or("").to_owned())
        .collect();
    (id, codes)
}

/// What reception, the public API and the public page say about a code.
async fn three_answers(app: &TestApp, c: &Clinic, code: &str) -> (String, String, String) {
    let (_, check) = c.reception.get(&format!("/checkin/{code}")).await;
    let (_, public) = app.api("").get(&format!("/certificates/{code}")).await;
    let html = reqwest::get(app.url(&format!("/c/{code}")))
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let page = if html.contains("status-ok") {
        "valid"
    } else if html.contains("Акция ещё не началась") {
        "not_yet_valid"
    } else if html.contains("Срок действия сертификата истёк") {
        "expired"
    } else {
        "other"
    };
    (
        check["verdict"].as_str().unwrap_or("").to_owned(),
        public["status"].as_str().unwrap_or("").to_owned(),
        page.to_owned(),
    )
}

#[tokio::test]
async fn once_certificates_are_printed_the_face_value_is_locked_and_the_dates_only_widen() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let dates = ("2026-11-16", "2027-01-31", "2027-02-28");
    let (id, _) = printed(&c, "active", dates, 3).await;

    // What a fuzzer did to the running demo: a draft with a 0 ₽ face value and a later start.
    let (s, e) = c
        .marketer
        .put(
            &format!("/campaigns/{id}"),
            campaign_body(&c, "draft", ("2026-12-16", "2027-01-15", "2027-02-01"), "0"),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let refused: Vec<(&str, &str)> = e["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or(""),
                f["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        refused,
        [
            ("face_value", "face_value_locked"),
            ("status", "no_return_to_draft"),
            ("start_date", "dates_only_widen"),
            ("end_date", "dates_only_widen"),
            ("valid_until", "dates_only_widen"),
        ]
    );
    let (_, now) = c.marketer.get(&format!("/campaigns/{id}")).await;
    assert_eq!(
        (now["status"].as_str(), now["face_value"].as_i64()),
        (Some("active"), Some(50_000)),
        "nothing changed"
    );

    // Wider dates, a new name and finishing are fine.
    let mut wider = campaign_body(
        &c,
        "finished",
        ("2026-11-01", "2027-02-15", "2027-03-31"),
        "500",
    );
    wider["name"] = json!("Зимняя улыбка (продлена)");
    let (s, ok) = c.marketer.put(&format!("/campaigns/{id}"), wider).await;
    assert_eq!(s, StatusCode::OK, "{ok}");
    assert_eq!(ok["valid_until"], "2027-03-31");

    // A campaign with nothing printed may still change anything.
    let (_, draft) = c
        .marketer
        .post("/campaigns", campaign_body(&c, "active", dates, "500"))
        .await;
    let (s, changed) = c
        .marketer
        .put(
            &format!("/campaigns/{}", draft["id"]),
            campaign_body(
                &c,
                "draft",
                ("2026-12-01", "2027-01-15", "2027-02-01"),
                "700",
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{changed}");
    assert_eq!(changed["face_value"], 70_000);
}

#[tokio::test]
async fn a_finished_campaign_stops_hand_outs_while_its_certificates_work_until_valid_until() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let dates = ("2026-11-16", "2026-11-29", "2026-12-31");
    let (id, codes) = printed(&c, "active", dates, 3).await;
    let hand_out = |code: &str, phone: &str| json!({"code": code, "name": "Мария Иванова", "phone": phone, "consent": true});
    let (s, h) = c
        .staff
        .post("/handouts", hand_out(&codes[0], "+7 916 123-45-67"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{h}");

    let mut finished = campaign_body(&c, "finished", dates, "500");
    finished["name"] = json!("Зимняя улыбка");
    let (s, f) = c.marketer.put(&format!("/campaigns/{id}"), finished).await;
    assert_eq!(s, StatusCode::OK, "{f}");

    let (s, e) = c
        .staff
        .post("/handouts", hand_out(&codes[1], "+7 916 765-43-21"))
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("campaign_finished")),
        "no hand-outs after the finish"
    );
    let (s, b) = c
        .marketer
        .post(&format!("/campaigns/{id}/batches"), json!({"count": 1}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "nothing new is printed: {b}");

    // The handed-out certificate still works: today is 30 November, valid until 31 December.
    assert_eq!(
        three_answers(&app, &c, &codes[0]).await,
        ("valid".into(), "valid".into(), "valid".into())
    );
    let (s, r) = c
        .reception
        .post(
            "/redemptions",
            json!({"code": codes[0], "idempotency_key": "finished-1"}),
        )
        .await;
    assert_eq!(
        (s, r["verdict"].as_str()),
        (StatusCode::OK, Some("redeemed"))
    );
}

#[tokio::test]
async fn reception_the_public_page_and_the_api_give_one_answer_for_drafts_and_dates() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let (_, codes) = printed(&c, "draft", ("2026-11-16", "2027-01-31", "2027-02-28"), 1).await;
    assert_eq!(
        three_answers(&app, &c, &codes[0]).await,
        (
            "not_yet_valid".into(),
            "not_yet_valid".into(),
            "not_yet_valid".into()
        ),
        "a draft campaign's certificate is not valid yet, whoever asks"
    );

    let (_, future) = printed(&c, "active", ("2026-12-14", "2027-01-31", "2027-02-28"), 1).await;
    assert_eq!(
        three_answers(&app, &c, &future[0]).await,
        (
            "not_yet_valid".into(),
            "not_yet_valid".into(),
            "not_yet_valid".into()
        ),
        "a campaign starting on 14 December is not valid on 30 November"
    );
    app.clock().advance(Duration::days(14));
    assert_eq!(
        three_answers(&app, &c, &future[0]).await,
        ("valid".into(), "valid".into(), "valid".into()),
        "on 14 December it is"
    );
}

#[tokio::test]
async fn a_certificate_expires_at_midnight_at_the_clinic_not_at_midnight_utc() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let (_, codes) = printed(&c, "active", ("2026-11-16", "2026-11-30", "2026-12-31"), 1).await;
    let code = &codes[0];
    // 31 December, 23:30 in Moscow (20:30 UTC): the last evening it works.
    let last_evening =
        test_now() + Duration::days(31) + Duration::hours(13) + Duration::minutes(30);
    app.clock().set(last_evening);
    assert_eq!(
        three_answers(&app, &c, code).await,
        ("valid".into(), "valid".into(), "valid".into())
    );
    // 1 January, 00:30 in Moscow — still 31 December in UTC — it has expired.
    app.clock().advance(Duration::hours(1));
    assert_eq!(
        three_answers(&app, &c, code).await,
        ("expired".into(), "expired".into(), "expired".into())
    );
    let (s, r) = c
        .reception
        .post(
            "/redemptions",
            json!({"code": code, "idempotency_key": "too-late"}),
        )
        .await;
    assert_eq!(
        (s, r["verdict"].as_str()),
        (StatusCode::CONFLICT, Some("expired"))
    );
}

#[tokio::test]
async fn the_clinics_time_zone_moves_the_day_boundary() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let (_, codes) = printed(&c, "active", ("2026-11-16", "2026-11-30", "2026-12-31"), 1).await;
    // 31 December 23:30 in Moscow is already 1 January 09:30 in Vladivostok.
    app.clock()
        .set(test_now() + Duration::days(31) + Duration::hours(13) + Duration::minutes(30));
    assert_eq!(three_answers(&app, &c, &codes[0]).await.0, "valid");
    let marketer = app.signed_in_marketer().await;
    let (s, settings) = app
        .server_fn(
            &marketer,
            SaveSettings::PATH,
            &[
                ("name", "Стоматология"),
                ("address", ""),
                ("phone", ""),
                ("public_url", ""),
                ("time_zone", "Asia/Vladivostok"),
            ],
        )
        .await;
    assert!(s.is_success(), "{settings}");
    assert_eq!(three_answers(&app, &c, &codes[0]).await.0, "expired");
}
