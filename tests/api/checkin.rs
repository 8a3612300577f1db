//! Hand-outs by store staff, reception check-in with exactly-once redemption, undo, visits and
//! the revenue credited back to the store and the employee.

use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Api, TestApp, error_field, spawn_app};

/// A running campaign of one partner with two stores (20 certificates each), an outside
/// partner's store, a store employee in each store and a receptionist.
struct Clinic {
    marketer: Api,
    campaign: i64,
    store: i64,
    other_store: i64,
    outside_store: i64,
    anna: (i64, Api),
    boris: (i64, Api),
    reception: Api,
    /// Codes allocated to `store`, then to `other_store`.
    codes: Vec<String>,
    other_codes: Vec<String>,
}

async fn campaign(
    api: &Api,
    partner: &Value,
    name: &str,
    dates: (&str, &str, &str),
    status: &str,
) -> i64 {
    let (s, c) = api
        .post(
            "/campaigns",
            json!({"name": name, "start_date": dates.0, "end_date": dates.1, "face_value": "500",
                   "valid_until": dates.2, "status": status, "partner_ids": [partner["id"]]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    c["id"].as_i64().expect("campaign id")
}

async fn codes_of(api: &Api, campaign: i64, store: i64) -> Vec<String> {
    let (_, list) = api
        .get(&format!(
            "/campaigns/{campaign}/certificates?store_id={store}"
        ))
        .await;
    list.as_array()
        .expect("certificates")
        .iter()
        .map(|c| c["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn clinic(app: &TestApp) -> Clinic {
    let marketer = app.api(&app.token(Role::Marketer, None).await);
    let (_, partner) = marketer
        .post("/partners", json!({"name": "Фитнес-клуб «Атлет»"}))
        .await;
    let (_, outsider) = marketer
        .post("/partners", json!({"name": "Кафе «Ромашка»"}))
        .await;
    let mut stores = Vec::new();
    for (p, name) in [
        (&partner, "Атлет на Тверской"),
        (&partner, "Атлет в Митино"),
        (&outsider, "Ромашка"),
    ] {
        let (s, store) = marketer
            .post("/stores", json!({"partner_id": p["id"], "name": name}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{store}");
        stores.push(store["id"].as_i64().expect("store id"));
    }
    let id = campaign(
        &marketer,
        &partner,
        "Зимняя улыбка",
        ("2026-11-16", "2027-01-31", "2027-02-28"),
        "active",
    )
    .await;
    let (s, b) = marketer
        .post(
            &format!("/campaigns/{id}/batches"),
            json!({"count": 40, "store_ids": [stores[0], stores[1]]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let anna = app
        .person(Role::StoreStaff, Some(stores[0]), "Анна Кассирова")
        .await;
    let boris = app
        .person(Role::StoreStaff, Some(stores[1]), "Борис Продавцов")
        .await;
    let (_, reception) = app.person(Role::Reception, None, "Регистратура").await;
    Clinic {
        codes: codes_of(&marketer, id, stores[0]).await,
        other_codes: codes_of(&marketer, id, stores[1]).await,
        marketer,
        campaign: id,
        store: stores[0],
        other_store: stores[1],
        outside_store: stores[2],
        anna,
        boris,
        reception,
    }
}

fn hand_out_body(code: &str, phone: &str) -> Value {
    json!({"code": code, "name": "Мария Иванова", "phone": phone, "consent": true,
           "idempotency_key": format!("key-{code}-{phone}")})
}

async fn redeem(api: &Api, code: &str, key: &str) -> (StatusCode, Value) {
    api.post(
        "/redemptions",
        json!({"code": code, "idempotency_key": key}),
    )
    .await
}

#[tokio::test]
async fn a_certificate_handed_out_by_an_employee_is_redeemed_and_two_visits_are_credited_to_the_store_and_the_employee()
 {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let code = &c.codes[0];
    let (s, h) = c
        .anna
        .1
        .post("/handouts", hand_out_body(code, "8 (916) 123-45-67"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    assert_eq!(h["store_id"], c.store);
    assert_eq!(h["employee_name"], "Анна Кассирова");
    assert_eq!(
        h["phone_masked"], "+7 *** ***-45-67",
        "staff see the phone masked"
    );
    assert!(
        h["consent_version"]
            .as_str()
            .unwrap_or("")
            .starts_with("sha256:")
    );

    let (s, check) = c.reception.get(&format!("/checkin/{code}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(check["verdict"], "valid", "{check}");
    assert_eq!(check["message"], "Сертификат действителен");
    assert_eq!(check["certificate"]["face_value"], 50_000);
    assert_eq!(check["certificate"]["employee_name"], "Анна Кассирова");
    assert_eq!(check["certificate"]["participant_name"], "Мария Иванова");
    assert_eq!(check["certificate"]["store_name"], "Атлет на Тверской");
    let key = check["idempotency_key"]
        .as_str()
        .expect("a key to redeem with");

    let (s, r) = redeem(&c.reception, code, key).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["verdict"], "redeemed");
    assert_eq!(r["without_handout"], false);

    let (_, again) = c.reception.get(&format!("/checkin/{code}")).await;
    assert_eq!(again["verdict"], "already_redeemed");
    assert_eq!(again["certificate"]["redeemed_by"], "Регистратура");
    assert!(again["certificate"]["redeemed_at"].as_str().is_some());

    for (amount, services) in [
        ("3 500", json!(["Консультация"])),
        ("12500,50", json!(["Терапия", "Гигиена"])),
    ] {
        let (s, v) = c
            .reception
            .post(
                "/visits",
                json!({"code": code, "amount": amount, "services": services, "doctor": "Петров А. А."}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["store_name"], "Атлет на Тверской");
        assert_eq!(v["employee_name"], "Анна Кассирова");
    }
    let (_, visits) = c
        .reception
        .get(&format!("/certificates/{code}/visits"))
        .await;
    assert_eq!(visits.as_array().map(Vec::len), Some(2));

    let (s, a) = c
        .marketer
        .get(&format!("/campaigns/{}/attribution", c.campaign))
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let store = a["stores"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["store_id"] == c.store))
        .expect("the store's row");
    assert_eq!(
        (
            &store["handed_out"],
            &store["redeemed"],
            &store["bought"],
            &store["visits"],
            &store["revenue"]
        ),
        (
            &json!(1),
            &json!(1),
            &json!(1),
            &json!(2),
            &json!(1_600_050)
        ),
        "3 500 ₽ + 12 500,50 ₽ credited to the store"
    );
    let anna = a["employees"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["employee_id"] == c.anna.0))
        .expect("Anna's row");
    assert_eq!(
        anna["revenue"], 1_600_050,
        "and to the employee who handed it out"
    );
    let boris = a["employees"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["employee_id"] == c.boris.0))
        .expect("Boris's row");
    assert_eq!(boris["revenue"], 0);
    assert_eq!(a["total"]["revenue"], 1_600_050);
}

#[tokio::test]
async fn every_typed_reason_comes_back_from_the_api() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let r = &c.reception;
    let verdict = |v: &Value| v["verdict"].as_str().unwrap_or("").to_owned();

    let mut chars: Vec<char> = c.codes[0].chars().collect();
    let last = chars.len() - 1;
    chars[last] = if chars[last] == '0' { '1' } else { '0' };
    let typo: String = chars.into_iter().collect();
    assert_eq!(
        verdict(&r.get(&format!("/checkin/{typo}")).await.1),
        "mistyped_code"
    );
    assert_eq!(verdict(&r.get("/checkin/hello").await.1), "invalid_code");
    let unknown = domain::code::Code::random().display();
    assert_eq!(
        verdict(&r.get(&format!("/checkin/{unknown}")).await.1),
        "unknown_code"
    );

    // A full QR URL works as well as the bare code.
    let url = format!(
        "{}%2Fc%2F{}",
        app.config
            .public_url
            .replace(':', "%3A")
            .replace('/', "%2F"),
        c.codes[1].replace('-', "")
    );
    assert_eq!(verdict(&r.get(&format!("/checkin/{url}")).await.1), "valid");

    let (_, partner) = c.marketer.get("/partners").await;
    let partner = partner[0].clone();
    for (name, dates, status, expected) in [
        (
            "Будущая",
            ("2026-12-14", "2027-02-01", "2027-03-01"),
            "active",
            "not_yet_valid",
        ),
        (
            "Черновик",
            ("2026-11-16", "2027-02-01", "2027-03-01"),
            "draft",
            "not_yet_valid",
        ),
        (
            "Прошлая",
            ("2026-09-01", "2026-10-01", "2026-11-01"),
            "active",
            "expired",
        ),
    ] {
        let id = campaign(&c.marketer, &partner, name, dates, status).await;
        let (s, b) = c
            .marketer
            .post(&format!("/campaigns/{id}/batches"), json!({"count": 1}))
            .await;
        let code = if s == StatusCode::CREATED {
            let (_, list) = c
                .marketer
                .get(&format!("/campaigns/{id}/certificates"))
                .await;
            list[0]["code"].as_str().unwrap_or("").to_owned()
        } else {
            // A finished campaign prints nothing new: make it finished after printing.
            panic!("batch for {name}: {b}")
        };
        let (_, a) = r.get(&format!("/checkin/{code}")).await;
        assert_eq!(verdict(&a), expected, "{name}: {a}");
        let (s, red) = redeem(r, &code, &format!("k-{name}")).await;
        assert_eq!(s, StatusCode::CONFLICT, "{name}: {red}");
        assert_eq!(
            verdict(&red),
            expected,
            "redeeming answers with the same reason"
        );
    }

    let (s, v) = c
        .marketer
        .post(
            "/certificates/void",
            json!({"code": c.codes[2], "reason": "Порван"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, a) = r.get(&format!("/checkin/{}", c.codes[2])).await;
    assert_eq!(verdict(&a), "voided");
    assert_eq!(a["certificate"]["void_reason"], "Порван");

    let (_, en) = redeem(r, &typo, "k-typo").await;
    assert_eq!(verdict(&en), "mistyped_code");
    let (s, _) = redeem(r, &unknown, "k-unknown").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_hundred_simultaneous_redemptions_of_one_code_give_exactly_one_success() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let code = c.codes[3].clone();
    let mut tasks = Vec::new();
    for i in 0..100 {
        let api = app.api(&app.token(Role::Reception, None).await);
        let code = code.clone();
        tasks.push(tokio::spawn(async move {
            redeem(&api, &code, &format!("scan-{i}")).await
        }));
    }
    let mut ok = 0;
    let mut already = 0;
    for t in tasks {
        let (s, a) = t.await.expect("task");
        match (s, a["verdict"].as_str()) {
            (StatusCode::OK, Some("redeemed")) => ok += 1,
            (StatusCode::CONFLICT, Some("already_redeemed")) => already += 1,
            other => panic!("unexpected answer {other:?}: {a}"),
        }
    }
    assert_eq!((ok, already), (1, 99));
    assert_eq!(app.count("redemptions").await, 1);
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_returns_the_first_answer() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let code = c.codes[4].clone();
    let (s, first) = redeem(&c.reception, &code, "retry-1").await;
    assert_eq!(s, StatusCode::OK, "{first}");
    let (s, again) = redeem(&c.reception, &code, "retry-1").await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again["verdict"], "redeemed");
    assert_eq!(again["replayed"], true);
    assert_eq!(
        again["certificate"]["redemption_id"],
        first["certificate"]["redemption_id"]
    );
    // A double-fired scanner: ten copies of one request at once.
    let code = c.codes[5].clone();
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let api = app.api(&app.token(Role::Reception, None).await);
        let code = code.clone();
        tasks.push(tokio::spawn(async move {
            redeem(&api, &code, "double-fire").await
        }));
    }
    for t in tasks {
        let (s, a) = t.await.expect("task");
        assert_eq!(
            (s, a["verdict"].as_str()),
            (StatusCode::OK, Some("redeemed")),
            "{a}"
        );
    }
    assert_eq!(app.count("redemptions").await, 2);
    let (_, other) = redeem(&c.reception, &code, "another-key").await;
    assert_eq!(other["verdict"], "already_redeemed");
}

#[tokio::test]
async fn reception_undoes_a_redemption_the_same_day_and_only_the_marketer_later() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let code = c.codes[6].clone();
    redeem(&c.reception, &code, "u-1").await;
    let (s, e) = c
        .reception
        .post("/redemptions/undo", json!({"code": code, "reason": ""}))
        .await;
    assert_eq!(
        (s, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let (s, a) = c
        .reception
        .post(
            "/redemptions/undo",
            json!({"code": code, "reason": "Отсканировали не тот"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["verdict"], "valid", "usable again");
    let (s, again) = redeem(&c.reception, &code, "u-2").await;
    assert_eq!(
        (s, again["verdict"].as_str()),
        (StatusCode::OK, Some("redeemed"))
    );

    // After midnight at the clinic the redemption is yesterday's: reception (still at work, so
    // still signed in) may not undo it, the marketer may.
    app.clock().advance(chrono::Duration::hours(11));
    assert_eq!(c.reception.get("/services").await.0, StatusCode::OK);
    app.clock().advance(chrono::Duration::hours(4));
    let (s, e) = c
        .reception
        .post(
            "/redemptions/undo",
            json!({"code": code, "reason": "Ошибка"}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("undo_too_late"))
    );
    let (s, a) = c
        .marketer
        .post(
            "/redemptions/undo",
            json!({"code": code, "reason": "Ошибка"}),
        )
        .await;
    assert_eq!((s, a["verdict"].as_str()), (StatusCode::OK, Some("valid")));
    let (s, e) = c
        .marketer
        .post(
            "/redemptions/undo",
            json!({"code": code, "reason": "Ещё раз"}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_redeemed"))
    );
    let undos: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'undo_redemption'")
            .fetch_one(&app.db.pool)
            .await
            .expect("audit");
    assert_eq!(undos, 2, "every undo is in the audit log");
    let redeems: Vec<(String, String)> =
        sqlx::query_as("SELECT actor, details FROM audit_log WHERE action = 'redeem' ORDER BY id")
            .fetch_all(&app.db.pool)
            .await
            .expect("audit");
    assert_eq!(
        redeems.len(),
        2,
        "every redemption is in the audit log: {redeems:?}"
    );
    assert!(redeems[0].0.starts_with("Регистратура (#"), "{redeems:?}");
    let details: Value = serde_json::from_str(&redeems[0].1).expect("JSON details");
    assert_eq!(details["without_handout"], true, "{redeems:?}");
}

#[tokio::test]
async fn a_certificate_never_handed_out_is_credited_to_its_store_and_marked() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let code = c.other_codes[0].clone();
    let (s, a) = c
        .reception
        .post(
            "/redemptions",
            json!({"code": code, "idempotency_key": "nh", "patient_name": "Пётр", "patient_phone": "+7 903 111 22 33"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["without_handout"], true);
    let (s, v) = c
        .reception
        .post(
            "/visits",
            json!({"patient_phone": "89031112233", "amount": 1000, "services": ["Гигиена"]}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::CREATED,
        "a later visit is found by the patient's phone: {v}"
    );
    let (_, attr) = c
        .marketer
        .get(&format!("/campaigns/{}/attribution", c.campaign))
        .await;
    let row = attr["stores"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["store_id"] == c.other_store))
        .cloned()
        .expect("row");
    assert_eq!(
        (
            &row["handed_out"],
            &row["redeemed"],
            &row["redeemed_without_handout"],
            &row["revenue"]
        ),
        (&json!(0), &json!(1), &json!(1), &json!(100_000))
    );
}

#[tokio::test]
async fn hand_out_rules_refuse_with_the_field_named_and_nothing_saved() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let anna = &c.anna.1;
    // Everything wrong at once: every field named.
    let (s, e) = anna
        .post(
            "/handouts",
            json!({"code": "", "name": " ", "phone": "12345", "email": "x@", "consent": false}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = e["error"]["fields"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        fields,
        vec!["code", "name", "phone", "email", "consent"],
        "{e}"
    );
    assert_eq!(
        e["error"]["fields"][4]["message"],
        "нужно согласие участника на обработку персональных данных"
    );

    let (s, h) = anna
        .post("/handouts", hand_out_body(&c.codes[0], "9161112233"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    // The same upload again (a retry): the first record, nothing doubled.
    let (s, again) = anna
        .post("/handouts", hand_out_body(&c.codes[0], "9161112233"))
        .await;
    assert_eq!(
        (s, &again["id"], &again["replayed"]),
        (StatusCode::OK, &h["id"], &json!(true))
    );
    // The same certificate with another key: already handed out.
    let mut other = hand_out_body(&c.codes[0], "9162223344");
    other["idempotency_key"] = json!("another");
    let (s, e) = anna.post("/handouts", other).await;
    assert_eq!(
        (s, e["error"]["fields"][0]["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_handed_out"))
    );
    // The same phone again in this campaign.
    let (s, e) = anna
        .post("/handouts", hand_out_body(&c.codes[1], "+7 916 111-22-33"))
        .await;
    assert_eq!((s, error_field(&e)), (StatusCode::CONFLICT, Some("phone")));
    // A voided certificate.
    c.marketer
        .post(
            "/certificates/void",
            json!({"code": c.codes[2], "reason": "Утерян"}),
        )
        .await;
    let (s, e) = anna
        .post("/handouts", hand_out_body(&c.codes[2], "9163334455"))
        .await;
    assert_eq!(
        (s, e["error"]["fields"][0]["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_voided"))
    );
    assert_eq!(app.count("handouts").await, 1);
    assert_eq!(
        app.count("patients").await,
        1,
        "refused hand-outs leave no participant behind"
    );

    // Another store's certificate of the same campaign: accepted and moved, the move recorded.
    let (s, moved) = anna
        .post("/handouts", hand_out_body(&c.other_codes[0], "9164445566"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{moved}");
    assert_eq!(
        (&moved["store_id"], &moved["transferred_from_store_id"]),
        (&json!(c.store), &json!(c.other_store))
    );
    // A store outside the campaign cannot hand out its certificates.
    let (_, outsider) = app
        .person(Role::StoreStaff, Some(c.outside_store), "Чужой")
        .await;
    let (s, e) = outsider
        .post("/handouts", hand_out_body(&c.other_codes[1], "9165556677"))
        .await;
    assert_eq!(
        (s, e["error"]["fields"][0]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("store_not_in_campaign")
        )
    );
}

#[tokio::test]
async fn of_twenty_simultaneous_hand_outs_of_one_certificate_exactly_one_wins() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let code = c.codes[7].clone();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let api = app.api(&app.token(Role::StoreStaff, Some(c.store)).await);
        let code = code.clone();
        tasks.push(tokio::spawn(async move {
            api.post(
                "/handouts",
                hand_out_body(&code, &format!("91670000{i:02}")),
            )
            .await
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("task").0);
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count(),
        19,
        "{statuses:?}"
    );
    assert_eq!(app.count("handouts").await, 1);
}

#[tokio::test]
async fn each_role_is_kept_to_its_own_work_and_store() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    c.anna
        .1
        .post("/handouts", hand_out_body(&c.codes[0], "9161112233"))
        .await;
    // Staff see their own store's hand-outs only.
    let (s, own) = c.anna.1.get("/handouts").await;
    assert_eq!((s, own.as_array().map(Vec::len)), (StatusCode::OK, Some(1)));
    let (s, none) = c.boris.1.get("/handouts").await;
    assert_eq!(
        (s, none.as_array().map(Vec::len)),
        (StatusCode::OK, Some(0))
    );
    let (s, _) = c
        .boris
        .1
        .get(&format!("/handouts?store_id={}", c.store))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Staff neither check nor redeem; reception does not hand out nor read the figures.
    assert_eq!(
        c.anna.1.get(&format!("/checkin/{}", c.codes[1])).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        redeem(&c.anna.1, &c.codes[1], "x").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        c.reception
            .post("/handouts", hand_out_body(&c.codes[1], "9160001122"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        c.reception
            .get(&format!("/campaigns/{}/attribution", c.campaign))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        c.anna
            .1
            .post("/visits", json!({"code": c.codes[0], "amount": 1}))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn visits_refuse_unknown_services_bad_amounts_and_unredeemed_certificates() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let code = c.codes[8].clone();
    let (s, e) = c
        .reception
        .post("/visits", json!({"code": code, "amount": 100}))
        .await;
    assert_eq!(
        (s, e["error"]["fields"][0]["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_redeemed"))
    );
    redeem(&c.reception, &code, "v-1").await;
    let (s, e) = c
        .reception
        .post("/visits", json!({"code": code, "amount": "сто", "services": ["Массаж"], "visited_on": "2099-01-01"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = e["error"]["fields"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, vec!["amount", "visited_on", "services"], "{e}");
    assert_eq!(app.count("visits").await, 0);
    // The marketer adds a service; reception can use it; a retried report is not doubled.
    let (s, _) = c
        .marketer
        .post("/services", json!({"name": "Отбеливание"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let body = json!({"code": code, "amount": "7000", "services": ["Отбеливание"], "idempotency_key": "pms-42"});
    let (s, v) = c.reception.post("/visits", body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, again) = c.reception.post("/visits", body).await;
    assert_eq!((s, &again["id"]), (StatusCode::OK, &v["id"]));
    assert_eq!(app.count("visits").await, 1);
}

#[tokio::test]
async fn an_offline_upload_refused_by_the_server_is_kept_for_the_marketer_to_resolve() {
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let code = c.codes[9].clone();
    // Two phones handed out the same certificate while offline; both upload later.
    let mut first = hand_out_body(&code, "9161110001");
    first["offline"] = json!(true);
    let (s, _) = c.anna.1.post("/handouts", first.clone()).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = c.anna.1.post("/handouts", first).await;
    assert_eq!(
        s,
        StatusCode::OK,
        "a retried upload returns the first record"
    );
    let mut second = hand_out_body(&code, "9161110002");
    second["offline"] = json!(true);
    second["name"] = json!("Ольга Смирнова");
    let (s, e) = c.boris.1.post("/handouts", second.clone()).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    // The retry of the refused upload does not double the conflict.
    c.boris.1.post("/handouts", second).await;
    assert_eq!(app.count("handouts").await, 1);
    assert_eq!(app.count("handout_conflicts").await, 1);

    let (s, list) = c
        .marketer
        .get(&format!("/handout-conflicts?campaign_id={}", c.campaign))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let conflict = &list[0];
    assert_eq!(conflict["error_code"], "already_handed_out");
    assert_eq!(conflict["participant_name"], "Ольга Смирнова");
    assert_eq!(conflict["participant_phone"], "+7 *** ***-00-02");
    assert_eq!(conflict["employee_name"], "Борис Продавцов");
    assert_eq!(conflict["holder_employee_name"], "Анна Кассирова");
    assert_eq!(
        c.anna.1.get("/handout-conflicts").await.0,
        StatusCode::FORBIDDEN,
        "staff cannot read them"
    );

    let path = format!("/handout-conflicts/{}/resolve", conflict["id"]);
    let (s, e) = c.marketer.post(&path, json!({"resolution": ""})).await;
    assert_eq!(
        (s, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("resolution"))
    );
    let (s, _) = c
        .marketer
        .post(
            &path,
            json!({"resolution": "Позвонили Ольге, выдали другой сертификат"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, list) = c.marketer.get("/handout-conflicts").await;
    assert!(list[0]["resolved_at"].is_string());
    // An online refusal is shown to the employee at once and not kept.
    let (s, _) = c
        .boris
        .1
        .post("/handouts", hand_out_body(&code, "9161110003"))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(app.count("handout_conflicts").await, 1);
}

#[tokio::test]
async fn a_participant_takes_an_electronic_certificate_from_a_poster_once_per_phone() {
    use app::server_fns::JoinCampaign;
    use server_fn::ServerFn;
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let visitor = app.browser();
    let (campaign, store) = (c.campaign.to_string(), c.store.to_string());
    let join = |name: &'static str, phone: &'static str, consent: bool, website: &'static str| {
        let mut form = vec![
            ("campaign_id", campaign.clone()),
            ("store_id", store.clone()),
            ("name", name.to_owned()),
            ("phone", phone.to_owned()),
            ("website", website.to_owned()),
        ];
        if consent {
            form.push(("consent", "on".to_owned()));
        }
        form
    };
    let send = |form: Vec<(&'static str, String)>| {
        let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let app = &app;
        let visitor = visitor.clone();
        let owned: Vec<(String, String)> = f
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        async move {
            let pairs: Vec<(&str, &str)> = owned
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            app.server_fn(&visitor, JoinCampaign::PATH, &pairs).await
        }
    };
    // No consent: refused on the consent field, nothing saved.
    let (s, e) = send(join("Вера Листова", "89167778899", false, "")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e.to_string().contains("consent"), "{e}");
    // A bot fills in the hidden field.
    let (s, _) = send(join("Bot", "89167778800", true, "http://spam")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("handouts").await, 0);

    let (s, cert) = send(join("Вера Листова", "8 (916) 777-88-99", true, "")).await;
    assert_eq!(s, StatusCode::OK, "{cert}");
    let code = cert["code"].as_str().expect("a code").to_owned();
    assert!(cert["qr_svg"].as_str().unwrap_or("").contains("<svg"));
    assert_eq!(cert["store_name"], "Атлет на Тверской");
    // Reception sees it handed out to her, credited to the store, with no employee.
    let (_, a) = c.reception.get(&format!("/checkin/{code}")).await;
    assert_eq!(a["verdict"], "valid", "{a}");
    assert_eq!(a["certificate"]["participant_name"], "Вера Листова");
    assert_eq!(a["certificate"]["store_id"], c.store);
    assert!(a["certificate"]["employee_name"].is_null());
    // One per phone per campaign.
    let (s, e) = send(join("Вера Л.", "+79167778899", true, "")).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(app.count("handouts").await, 1);
    // Per-IP limit: the 21st attempt within the hour is refused.
    let mut last = StatusCode::OK;
    for i in 0..25 {
        let phone: &'static str = Box::leak(format!("8916555{i:04}").into_boxed_str());
        last = send(join("Гость", phone, true, "")).await.0;
        if last == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn staff_confirm_the_regulations_and_the_marketer_sees_who_did() {
    use app::server_fns::ReadRegulations;
    use server_fn::ServerFn;
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let (_, before) = c
        .marketer
        .get(&format!("/campaigns/{}/attribution", c.campaign))
        .await;
    let anna_row = |a: &Value| {
        a["employees"]
            .as_array()
            .and_then(|r| r.iter().find(|r| r["employee_id"] == c.anna.0))
            .cloned()
            .expect("Anna's row")
    };
    assert!(anna_row(&before)["regulations_read_at"].is_null());
    let r = c
        .anna
        .1
        .raw()
        .post(app.url(ReadRegulations::PATH))
        .header("accept", "application/json")
        .form(&[("campaign_id", c.campaign.to_string())])
        .send()
        .await
        .expect("read");
    assert!(r.status().is_success(), "{}", r.status());
    let (_, after) = c
        .marketer
        .get(&format!("/campaigns/{}/attribution", c.campaign))
        .await;
    assert!(anna_row(&after)["regulations_read_at"].is_string());
}

/// Reception's browser on the check-in page, which comes without the app's bundle.
struct Desk<'a> {
    app: &'a TestApp,
    api: &'a Api,
}

impl Desk<'_> {
    /// What the browser sends for a plain HTML form on the page `from`: that address as the
    /// referer, and a page accepted in reply. Returns the status and where the server sends
    /// the browser next.
    async fn post(&self, path: &str, from: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let r = self
            .api
            .raw()
            .post(self.app.url(path))
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", self.app.url(from))
            .form(form)
            .send()
            .await
            .expect("form post");
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (r.status(), location)
    }

    /// The HTML of a page.
    async fn page(&self, path: &str) -> String {
        let r = self
            .api
            .raw()
            .get(self.app.url(path))
            .send()
            .await
            .expect("page");
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.text().await.expect("html")
    }
}

/// The value of the hidden input `name` in a page.
fn hidden(page: &str, name: &str) -> String {
    let at = page
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} in the page"));
    let rest = &page[at + name.len() + 15..];
    rest[..rest.find('"').expect("end of value")].to_owned()
}

#[tokio::test]
async fn reception_checks_redeems_records_a_visit_and_undoes_with_plain_html_forms_on_a_page_without_the_bundle()
 {
    use server_fn::ServerFn;
    let app = spawn_app().await;
    let c = clinic(&app).await;
    let code = c.codes[0].replace('-', "");
    let desk = Desk {
        app: &app,
        api: &c.reception,
    };

    // The check-in page comes as plain HTML: no bundle, its own few lines of script.
    let empty = desk.page("/checkin").await;
    assert!(
        empty.contains("data-light=\"true\""),
        "marked as a page without the bundle"
    );
    assert!(!empty.contains("sarafan_bg.wasm") && !empty.contains("/pkg/sarafan.js"));
    assert!(empty.contains("/checkin.js") && empty.contains("id=\"scan-code\""));

    // The code typed (or scanned) is sent in the address; the answer is the page.
    let checked = desk.page(&format!("/checkin?code={code}")).await;
    assert!(checked.contains("Сертификат действителен"), "the verdict");
    let key = hidden(&checked, "idempotency_key");
    assert!(key.len() >= 16, "the redeem form carries a fresh key");
    // A page showing a certificate is never kept on the device.
    let r = c
        .reception
        .raw()
        .get(app.url(&format!("/checkin?code={code}")))
        .send()
        .await
        .expect("page");
    assert!(r.headers().get("x-sarafan-offline").is_none());
    let r = c
        .reception
        .raw()
        .get(app.url("/checkin"))
        .send()
        .await
        .expect("page");
    assert_eq!(
        r.headers()["x-sarafan-offline"],
        "keep",
        "the empty check-in page opens offline"
    );

    // Redeeming comes back to the answer, marked as just redeemed; a second tap redeems nothing
    // more (same key) and lands on the same answer.
    let from = format!("/checkin?code={code}");
    let form = [
        ("code", code.as_str()),
        ("idempotency_key", key.as_str()),
        ("patient_name", ""),
        ("patient_phone", ""),
    ];
    let (s, back) = desk
        .post(app::server_fns::CheckinRedeem::PATH, &from, &form)
        .await;
    assert!(s.is_redirection(), "{s}");
    assert!(
        back.starts_with("/checkin?code=") && back.ends_with("&redeemed=1"),
        "{back}"
    );
    let (_, again) = desk
        .post(app::server_fns::CheckinRedeem::PATH, &from, &form)
        .await;
    assert_eq!(again, back, "the retry lands on the same answer");
    let redeemed = desk.page(&back).await;
    assert!(
        redeemed.contains("Сертификат погашен"),
        "the answer after redeeming"
    );
    assert!(redeemed.contains("id=\"visit\""), "the visit form follows");
    // Opened afresh later, the same certificate is "already used".
    let later = desk.page(&from).await;
    assert!(later.contains("Уже использован"));

    // A visit with a bad amount comes back with the reason at the field and saves nothing.
    let visit_key = hidden(&redeemed, "idempotency_key");
    let (s, refused) = desk
        .post(
            app::server_fns::CheckinVisit::PATH,
            &back,
            &[
                ("code", code.as_str()),
                ("amount", "пять тысяч"),
                ("idempotency_key", visit_key.as_str()),
            ],
        )
        .await;
    assert!(s.is_redirection(), "{s}");
    assert!(refused.contains("__err="), "{refused}");
    let (_, visits) = c
        .reception
        .get(&format!("/certificates/{code}/visits"))
        .await;
    assert_eq!(visits.as_array().map(Vec::len), Some(0), "nothing saved");

    // A good one is saved once however often it is sent, and the page says so.
    let visit = [
        ("code", code.as_str()),
        ("services[0]", "Консультация"),
        ("amount", "3 500"),
        ("idempotency_key", visit_key.as_str()),
    ];
    let (_, saved) = desk
        .post(app::server_fns::CheckinVisit::PATH, &back, &visit)
        .await;
    assert!(saved.ends_with("&redeemed=1&visit=saved"), "{saved}");
    desk.post(app::server_fns::CheckinVisit::PATH, &back, &visit)
        .await;
    let (_, visits) = c
        .reception
        .get(&format!("/certificates/{code}/visits"))
        .await;
    assert_eq!(
        visits.as_array().map(Vec::len),
        Some(1),
        "one visit for two taps"
    );
    let shown = desk.page(&saved).await;
    let notice = shown
        .find("class=\"notice\"")
        .map(|at| shown[at..].chars().take(60).collect::<String>());
    assert!(
        notice.is_some_and(|n| n.contains("Сохранено") && n.contains("3\u{202f}500")),
        "the saved visit is confirmed"
    );
    assert!(shown.contains("class=\"table visits\""), "and listed");

    // Undoing comes back to the certificate, valid again.
    let (_, undone) = desk
        .post(
            app::server_fns::CheckinUndo::PATH,
            &saved,
            &[("code", code.as_str()), ("reason", "погашен по ошибке")],
        )
        .await;
    assert!(
        undone.starts_with("/checkin?code=") && !undone.contains("redeemed"),
        "{undone}"
    );
    assert!(desk.page(&undone).await.contains("Сертификат действителен"));
}
