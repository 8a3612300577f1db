//! Mystery-shopper visits (checklist item 17а): the weekly rotation over several weeks, scoring
//! with weights and critical questions, locking at sign-off and the marketer's recorded
//! corrections, unannounced visits hidden from the store, and an outside shopper's link that
//! stops working at sign-off or expiry. The clinic clock starts on Monday 30 November 2026.

use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::checklist::{setup, tasks};
use crate::helpers::{Api, TestApp, error_field, spawn_app, spawn_second};

fn moscow(at: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(at)
        .expect("time")
        .with_timezone(&chrono::Utc)
}

/// A small JPEG, as a phone's camera would send (shrunk on the server anyway).
fn snapshot() -> Vec<u8> {
    let img = image::RgbImage::from_fn(320, 240, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .expect("jpeg");
    out
}

/// This week's visits as the marketer's list shows them (the rotation runs on first look).
async fn this_week(marketer: &Api, campaign: i64, week: &str) -> Vec<Value> {
    let (st, list) = marketer
        .get(&format!("/shopper-visits?campaign_id={campaign}"))
        .await;
    assert_eq!(st, StatusCode::OK, "{list}");
    list.as_array()
        .expect("visits")
        .iter()
        .filter(|v| v["week_start"] == week && v["state"] != "cancelled")
        .cloned()
        .collect()
}

/// Answers every question of a visit well ("yes", the top score, the first option), except
/// the ones in `no` answered "no"; photo questions get a photo.
async fn answer_all(app: &TestApp, base: &str, api: Option<&Api>, no: &[i64]) -> Value {
    // An outside shopper's phone: no account, our page's Origin on writes.
    let client = app.browser();
    let get = |path: String| {
        let client = client.clone();
        async move {
            match api {
                Some(a) => a.get(&path).await,
                None => {
                    let r = client
                        .get(app.url(&format!("/api/v1{path}")))
                        .send()
                        .await
                        .expect("get");
                    (r.status(), r.json().await.unwrap_or(Value::Null))
                }
            }
        }
    };
    let (st, detail) = get(base.to_owned()).await;
    assert_eq!(st, StatusCode::OK, "{detail}");
    let mut answers = Vec::new();
    for q in detail["questions"].as_array().expect("questions") {
        let n = q["no"].as_i64().expect("no");
        let value = match q["question"]["kind"].as_str().expect("kind") {
            "yes_no" if no.contains(&n) => "no",
            "yes_no" => "yes",
            "score5" => "5",
            "score10" => "10",
            "choice" => "0",
            "text" => "Всё рассказали, предложили сертификат сами.",
            _ => {
                let url = app.url(&format!("/api/v1{base}/photos?question={n}&key=photo-{n}"));
                let mut req = client
                    .post(&url)
                    .header("content-type", "image/jpeg")
                    .body(snapshot());
                if let Some(a) = api {
                    req = a
                        .raw()
                        .post(&url)
                        .header("content-type", "image/jpeg")
                        .body(snapshot());
                }
                let r = req.send().await.expect("photo");
                assert_eq!(r.status(), StatusCode::CREATED);
                ""
            }
        };
        answers.push(json!({"question": n, "value": value}));
    }
    let body = json!({"visited_on": "", "answers": answers});
    match api {
        Some(a) => {
            let (st, d) = a.put(&format!("{base}/answers"), body).await;
            assert_eq!(st, StatusCode::OK, "{d}");
            d
        }
        None => {
            let r = client
                .put(app.url(&format!("/api/v1{base}/answers")))
                .json(&body)
                .send()
                .await
                .expect("answers");
            assert_eq!(r.status(), StatusCode::OK);
            r.json().await.expect("detail")
        }
    }
}

async fn sign_off(api: &Api, visit: i64) -> Value {
    let (st, d) = api
        .post(&format!("/shopper-visits/{visit}/sign-off"), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{d}");
    d
}

async fn hand_out(app: &TestApp, marketer: &Api, campaign: i64, store: i64, n: usize) {
    let (st, b) = marketer
        .post(
            &format!("/campaigns/{campaign}/batches"),
            json!({"count": n.max(1), "store_ids": [store]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let (_, staff) = app
        .person(Role::StoreStaff, Some(store), &format!("Продавец {store}"))
        .await;
    let (_, certs) = marketer
        .get(&format!(
            "/campaigns/{campaign}/certificates?store_id={store}"
        ))
        .await;
    for i in 0..n {
        let (st, h) = staff
            .post(
                "/handouts",
                json!({"code": certs[i]["code"], "name": "Ирина Ковалёва",
                       "phone": format!("+7 916 4{store:02}-{i:02}-00"), "consent": true}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{h}");
    }
}

#[tokio::test]
async fn the_rotation_checks_the_store_checked_longest_ago_then_the_slowest_week_by_week() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (vera_id, vera) = app.person(Role::MysteryShopper, None, "Вера").await;
    let (_, third) = s
        .marketer
        .post(
            "/stores",
            json!({"partner_id": s.partner, "name": "Лотос на Арбате"}),
        )
        .await;
    let third = third["id"].as_i64().expect("store");
    // Пресня handed out 2, Сокольники 1, Арбат none: nobody was checked, the slowest goes first.
    hand_out(&app, &s.marketer, s.campaign, s.stores[0], 2).await;
    hand_out(&app, &s.marketer, s.campaign, s.stores[1], 1).await;
    let week1 = this_week(&s.marketer, s.campaign, "2026-11-30").await;
    assert_eq!(week1.len(), 1, "one store a week by default");
    let v = &week1[0];
    assert_eq!(
        (v["store_id"].as_i64(), v["chosen_by"].as_str()),
        (Some(third), Some("rotation"))
    );
    assert_eq!(v["reason"]["last_checked"], Value::Null);
    assert_eq!(v["shopper_name"], "Вера", "assigned to the only shopper");
    assert_eq!(
        (v["window_from"].as_str(), v["window_to"].as_str()),
        (Some("2026-11-30"), Some("2026-12-06"))
    );
    let id = v["id"].as_i64().expect("id");
    answer_all(&app, &format!("/shopper-visits/{id}"), Some(&vera), &[]).await;
    sign_off(&vera, id).await;
    // Looking again in the same week makes nothing new.
    assert_eq!(
        this_week(&s.marketer, s.campaign, "2026-11-30").await.len(),
        1
    );

    // Week 2: of the two never checked, Сокольники handed out less.
    app.clock().set(moscow("2026-12-07T09:00:00+03:00"));
    // A shopper signs in again after 12 hours away.
    let vera = app.signed_in(vera_id, Role::MysteryShopper).await;
    let week2 = this_week(&s.marketer, s.campaign, "2026-12-07").await;
    assert_eq!(week2[0]["store_id"].as_i64(), Some(s.stores[1]));
    let id2 = week2[0]["id"].as_i64().expect("id");
    answer_all(&app, &format!("/shopper-visits/{id2}"), Some(&vera), &[]).await;
    sign_off(&vera, id2).await;

    // Week 3: a store opened mid-campaign has never been checked and handed out nothing: first.
    app.clock().set(moscow("2026-12-14T09:00:00+03:00"));
    let vera = app.signed_in(vera_id, Role::MysteryShopper).await;
    let (_, fourth) = s
        .marketer
        .post(
            "/stores",
            json!({"partner_id": s.partner, "name": "Лотос на Соколе"}),
        )
        .await;
    let fourth = fourth["id"].as_i64().expect("store");
    let week3 = this_week(&s.marketer, s.campaign, "2026-12-14").await;
    assert_eq!(week3[0]["store_id"].as_i64(), Some(fourth));
    // The marketer puts Пресня in instead: an override, kept as the marketer's choice.
    let id3 = week3[0]["id"].as_i64().expect("id");
    let (st, d) = s
        .marketer
        .put(
            &format!("/shopper-visits/{id3}"),
            json!({"store_id": s.stores[0]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{d}");
    assert_eq!(
        (
            d["visit"]["store_id"].as_i64(),
            d["visit"]["chosen_by"].as_str()
        ),
        (Some(s.stores[0]), Some("marketer"))
    );
    // A store outside the campaign is refused, naming the field.
    let (st, e) = s
        .marketer
        .put(
            &format!("/shopper-visits/{id3}"),
            json!({"store_id": 999_999}),
        )
        .await;
    assert_eq!(
        (st, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("store_id"))
    );
    answer_all(&app, &format!("/shopper-visits/{id3}"), Some(&vera), &[]).await;
    sign_off(&vera, id3).await;

    // Week 4: Сокол is still unchecked. Week 5: Арбат, checked longest ago (30 November).
    app.clock().set(moscow("2026-12-21T09:00:00+03:00"));
    // A shopper signs in again after 12 hours away.
    let vera = app.signed_in(vera_id, Role::MysteryShopper).await;
    let week4 = this_week(&s.marketer, s.campaign, "2026-12-21").await;
    assert_eq!(week4[0]["store_id"].as_i64(), Some(fourth));
    let id4 = week4[0]["id"].as_i64().expect("id");
    answer_all(&app, &format!("/shopper-visits/{id4}"), Some(&vera), &[]).await;
    sign_off(&vera, id4).await;
    app.clock().set(moscow("2026-12-28T09:00:00+03:00"));
    let week5 = this_week(&s.marketer, s.campaign, "2026-12-28").await;
    assert_eq!(week5[0]["store_id"].as_i64(), Some(third));
    assert_eq!(week5[0]["reason"]["last_checked"], "2026-11-30");

    // Two stores a week from now on: the next one is the one checked longest ago after Арбат.
    let (_, list) = s
        .marketer
        .get(&format!("/campaigns/{}/shopper-questions", s.campaign))
        .await;
    let (st, saved) = s
        .marketer
        .put(
            &format!("/campaigns/{}/shopper-questions", s.campaign),
            json!({"pass_mark": list["pass_mark"], "questions": list["questions"], "visits_per_week": 2}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    let mut week5 = this_week(&s.marketer, s.campaign, "2026-12-28").await;
    week5.sort_by_key(|v| v["id"].as_i64());
    assert_eq!(
        week5
            .iter()
            .map(|v| v["store_id"].as_i64().unwrap_or(0))
            .collect::<Vec<_>>(),
        vec![third, s.stores[1]]
    );
}

#[tokio::test]
async fn two_instances_looking_at_the_same_week_make_one_visit() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let second = spawn_second(&app).await;
    let token = app.token(Role::Marketer, None).await;
    let client = reqwest::Client::new();
    let url = |addr: std::net::SocketAddr| {
        format!(
            "http://{addr}/api/v1/shopper-visits?campaign_id={}",
            s.campaign
        )
    };
    let (a, b) = tokio::join!(
        client.get(url(app.addr)).bearer_auth(&token).send(),
        client.get(url(second)).bearer_auth(&token).send()
    );
    assert_eq!(a.expect("a").status(), StatusCode::OK);
    assert_eq!(b.expect("b").status(), StatusCode::OK);
    assert_eq!(app.count("shopper_visits").await, 1);
    assert_eq!(app.count("shopper_questionnaires").await, 1);
}

#[tokio::test]
async fn a_visit_is_scored_by_weight_a_failed_critical_question_fails_it_and_opens_a_task() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (_, vera) = app.person(Role::MysteryShopper, None, "Вера").await;
    let questions = json!([
        {"text": "Сотрудник сам рассказал об акции", "kind": "yes_no", "weight": 3, "critical": true},
        {"text": "Объяснил условия", "kind": "score5", "weight": 1},
        {"text": "Когда предложил сертификат", "kind": "choice", "weight": 1,
         "choices": [{"label": "Сам", "points": 100}, {"label": "Не предложил", "points": 0}]},
        {"text": "Что запомнилось", "kind": "text"}
    ]);
    let (st, list) = s
        .marketer
        .put(
            &format!("/campaigns/{}/shopper-questions", s.campaign),
            json!({"pass_mark": 60, "questions": questions}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{list}");
    assert_eq!(list["version"], 2, "the default list was version 1");
    // A wrong list is refused whole, naming the question.
    let (st, e) = s
        .marketer
        .put(
            &format!("/campaigns/{}/shopper-questions", s.campaign),
            json!({"pass_mark": 60, "questions": [{"text": "", "kind": "yes_no", "weight": 1}]}),
        )
        .await;
    assert_eq!(
        (st, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("q1.text"))
    );
    assert!(
        e["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Вопрос 1")),
        "{e}"
    );

    let v = this_week(&s.marketer, s.campaign, "2026-11-30").await[0].clone();
    let id = v["id"].as_i64().expect("id");
    let base = format!("/shopper-visits/{id}");
    // A score out of range is refused and nothing of the request is kept.
    let (st, e) = vera
        .put(
            &format!("{base}/answers"),
            json!({"answers": [{"question": 1, "value": "no"}, {"question": 2, "value": "7"}]}),
        )
        .await;
    assert_eq!(
        (st, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("q2"))
    );
    assert_eq!(app.count("shopper_answers").await, 0);
    // Signing off with questions unanswered names them.
    let (st, e) = vera.post(&format!("{base}/sign-off"), json!({})).await;
    assert_eq!(
        (st, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("q1"))
    );

    // No (weight 3, critical) = 0, 5 of 5 = 100, "Сам" = 100: (0·3 + 100 + 100) / 5 = 40.
    let (st, d) = vera
        .put(
            &format!("{base}/answers"),
            json!({"visited_on": "2026-11-30", "answers": [
                {"question": 1, "value": "no"}, {"question": 2, "value": "5"},
                {"question": 3, "value": "0"}, {"question": 4, "value": "Плакат есть, об акции молчали."}]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{d}");
    assert_eq!(d["preview"]["score"], 40);
    let d = sign_off(&vera, id).await;
    assert_eq!(
        (
            d["visit"]["state"].as_str(),
            d["visit"]["score"].as_i64(),
            d["visit"]["passed"].as_bool(),
            d["visit"]["critical_failed"].as_bool()
        ),
        (Some("signed_off"), Some(40), Some(false), Some(true))
    );
    assert_eq!(d["questions"][0]["failed"], true);
    assert_eq!(d["questions"][1]["failed"], false);
    // The failed question opened a corrective task for the store, linked to the visit.
    let fix = &d["tasks"][0];
    assert!(
        fix["title"]
            .as_str()
            .is_some_and(|t| t.contains("Сотрудник сам рассказал об акции")),
        "{d}"
    );
    let all = tasks(&s.marketer, s.campaign, "open").await;
    let t = all
        .iter()
        .find(|t| t["id"] == fix["id"])
        .expect("the task on the checklist");
    assert_eq!(
        (t["store_id"].as_i64(), t["shopper_visit_id"].as_i64()),
        (Some(v["store_id"].as_i64().unwrap_or(0)), Some(id))
    );
    // Item 17а of this week is done: the week's visit is signed off.
    let done = tasks(&s.marketer, s.campaign, "done").await;
    assert!(
        done.iter()
            .any(|t| t["code"] == "17а" && t["week_start"] == "2026-11-30"),
        "{done:?}"
    );
    // The store's latest score shows beside its figures.
    let (_, trends) = s
        .marketer
        .get(&format!("/campaigns/{}/shopper-trends", s.campaign))
        .await;
    let row = trends
        .as_array()
        .expect("trends")
        .iter()
        .find(|r| r["store_id"] == v["store_id"])
        .expect("row")
        .clone();
    assert_eq!(
        (
            row["latest"].as_i64(),
            row["scores"].as_array().map(Vec::len)
        ),
        (Some(40), Some(1))
    );
    let (_, attribution) = s
        .marketer
        .get(&format!("/campaigns/{}/attribution", s.campaign))
        .await;
    assert!(
        attribution["stores"]
            .as_array()
            .expect("stores")
            .iter()
            .any(|r| r["shopper_score"] == 40),
        "{attribution}"
    );

    // Editing the list later never changes a visit already recorded.
    let (st, v3) = s
        .marketer
        .put(
            &format!("/campaigns/{}/shopper-questions", s.campaign),
            json!({"pass_mark": 50, "questions": [{"text": "Один вопрос", "kind": "yes_no", "weight": 1}]}),
        )
        .await;
    assert_eq!((st, v3["version"].as_i64()), (StatusCode::OK, Some(3)));
    let (_, again) = s.marketer.get(&base).await;
    assert_eq!(
        (
            again["questionnaire_version"].as_i64(),
            again["questions"].as_array().map(Vec::len)
        ),
        (Some(2), Some(4))
    );
    assert_eq!(again["visit"]["score"], 40);
}

#[tokio::test]
async fn a_signed_off_visit_is_locked_and_only_the_marketer_corrects_it_on_the_record() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (_, vera) = app.person(Role::MysteryShopper, None, "Вера").await;
    let v = this_week(&s.marketer, s.campaign, "2026-11-30").await[0].clone();
    let id = v["id"].as_i64().expect("id");
    let base = format!("/shopper-visits/{id}");
    answer_all(&app, &base, Some(&vera), &[1]).await;
    let d = sign_off(&vera, id).await;
    let first = d["visit"]["score"].as_i64().expect("score");
    assert_eq!(
        d["visit"]["passed"], false,
        "the default list's first question is critical"
    );
    // Sent again from an offline phone: the same signed-off visit, nothing doubled.
    let again = sign_off(&vera, id).await;
    assert_eq!(again["visit"]["score"].as_i64(), Some(first));
    // Locked for the shopper.
    let (st, e) = vera
        .put(
            &format!("{base}/answers"),
            json!({"answers": [{"question": 1, "value": "yes"}]}),
        )
        .await;
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("visit_locked"))
    );
    let r = vera
        .raw()
        .post(app.url(&format!("/api/v1{base}/photos?key=late")))
        .header("content-type", "image/jpeg")
        .body(snapshot())
        .send()
        .await
        .expect("photo");
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // The marketer corrects the first answer: rescored, and who did it is on the visit and in the log.
    let before = app.count("audit_log").await;
    let (st, c) = s
        .marketer
        .put(
            &format!("{base}/correction"),
            json!({"answers": [{"question": 1, "value": "yes"}]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    assert!(
        c["visit"]["score"].as_i64().is_some_and(|n| n > first),
        "{c}"
    );
    assert_eq!(c["visit"]["passed"], true);
    assert!(c["visit"]["corrected_by"].as_str().is_some(), "{c}");
    assert_eq!(app.count("audit_log").await, before + 1);
    let logged: String = sqlx::query_scalar(
        "SELECT details FROM audit_log WHERE action = 'correct' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("the correction is logged");
    assert!(
        logged.contains("\"before\"") && logged.contains("\"no\"") && logged.contains("\"yes\""),
        "{logged}"
    );
    // Store staff, reception and a shopper may not correct.
    let (_, staff) = app
        .person(Role::StoreStaff, Some(s.stores[0]), "Анна")
        .await;
    let (st, _) = staff
        .put(&format!("{base}/correction"), json!({"answers": []}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = vera
        .put(&format!("{base}/correction"), json!({"answers": []}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

/// The visit is neither listed for this person nor opens for them.
async fn hidden(api: &Api, id: i64) -> bool {
    let (st, list) = api.get("/shopper-visits").await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let (st2, _) = api.get(&format!("/shopper-visits/{id}")).await;
    list.as_array().is_some_and(Vec::is_empty) && st2 == StatusCode::NOT_FOUND
}

#[tokio::test]
async fn store_staff_never_see_an_unannounced_visit_before_it_is_done() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (_, vera) = app.person(Role::MysteryShopper, None, "Вера").await;
    let (_, other_shopper) = app.person(Role::MysteryShopper, None, "Пётр").await;
    let v = this_week(&s.marketer, s.campaign, "2026-11-30").await[0].clone();
    let id = v["id"].as_i64().expect("id");
    let store = v["store_id"].as_i64().expect("store");
    let other = *s.stores.iter().find(|x| **x != store).expect("other store");
    assert_eq!(v["shopper_name"], "Вера");
    let (_, staff) = app.person(Role::StoreStaff, Some(store), "Анна").await;
    let (_, elsewhere) = app.person(Role::StoreStaff, Some(other), "Борис").await;
    assert!(
        hidden(&staff, id).await,
        "unannounced: the store does not know"
    );
    assert!(hidden(&other_shopper, id).await, "not assigned to Пётр");
    // Announced: the store sees when, not who.
    let (st, _) = s
        .marketer
        .put(&format!("/shopper-visits/{id}"), json!({"announced": true}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, seen) = staff.get(&format!("/shopper-visits/{id}")).await;
    assert_eq!(st, StatusCode::OK, "{seen}");
    assert_eq!(
        (
            seen["visit"]["shopper_name"].clone(),
            seen["visit"]["window_to"].as_str()
        ),
        (Value::Null, Some("2026-12-06"))
    );
    assert!(hidden(&elsewhere, id).await, "another store never sees it");
    // Unannounced again, and done: now the store sees its result.
    s.marketer
        .put(
            &format!("/shopper-visits/{id}"),
            json!({"announced": false}),
        )
        .await;
    assert!(hidden(&staff, id).await);
    answer_all(&app, &format!("/shopper-visits/{id}"), Some(&vera), &[]).await;
    sign_off(&vera, id).await;
    let (st, list) = staff.get("/shopper-visits").await;
    assert_eq!(
        (st, list.as_array().map(Vec::len)),
        (StatusCode::OK, Some(1))
    );
    assert_eq!(list[0]["score"], 100);
    assert!(hidden(&elsewhere, id).await);
    // The board and the question list are the marketer's.
    for api in [&staff, &vera] {
        let (st, _) = api
            .get(&format!("/campaigns/{}/shopper-board", s.campaign))
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn an_outside_shoppers_link_works_until_sign_off_or_expiry() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let v = this_week(&s.marketer, s.campaign, "2026-11-30").await[0].clone();
    let id = v["id"].as_i64().expect("id");
    assert_eq!(v["shopper_id"], Value::Null, "no shopper account to assign");
    let (st, link) = s
        .marketer
        .post(
            &format!("/shopper-visits/{id}/link"),
            json!({"shopper_name": "Светлана"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{link}");
    let path = link["path"].as_str().expect("path").to_owned();
    assert!(link["url"].as_str().is_some_and(|u| u.ends_with(&path)));
    let secret = path.trim_start_matches("/v/").to_owned();
    let base = format!("/shopper-links/{secret}");
    // No account: the link alone opens the visit, more than once (an offline phone retries).
    answer_all(&app, &base, None, &[]).await;
    answer_all(&app, &base, None, &[]).await;
    let client = app.browser();
    assert_eq!(
        app.count("shopper_photos").await,
        1,
        "the same photo key lands once"
    );
    // The page of the link.
    let page = client.get(app.url(&path)).send().await.expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let r = client
        .post(app.url(&format!("/api/v1{base}/sign-off")))
        .json(&json!({}))
        .send()
        .await
        .expect("sign off");
    assert_eq!(r.status(), StatusCode::OK);
    let d: Value = r.json().await.expect("detail");
    assert_eq!(
        (
            d["visit"]["state"].as_str(),
            d["visit"]["signed_off_by"].as_str()
        ),
        (Some("signed_off"), Some("Светлана"))
    );
    // Signed off: the link no longer works.
    let r = client
        .get(app.url(&format!("/api/v1{base}")))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::GONE);
    let r = client
        .put(app.url(&format!("/api/v1{base}/answers")))
        .json(&json!({"answers": []}))
        .send()
        .await
        .expect("put");
    assert_eq!(r.status(), StatusCode::GONE);

    // Next week's link expires two days after the week's window.
    app.clock().set(moscow("2026-12-07T09:00:00+03:00"));
    let v2 = this_week(&s.marketer, s.campaign, "2026-12-07").await[0].clone();
    let (_, link2) = s
        .marketer
        .post(
            &format!("/shopper-visits/{}/link", v2["id"]),
            json!({"shopper_name": ""}),
        )
        .await;
    let base2 = format!(
        "/api/v1/shopper-links/{}",
        link2["path"]
            .as_str()
            .expect("path")
            .trim_start_matches("/v/")
    );
    let r = client.get(app.url(&base2)).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    // Its photo route does not open the first visit's photos.
    let first_photo = d["photos"][0]["id"].as_i64().expect("photo");
    let r = client
        .get(app.url(&format!("{base2}/photos/{first_photo}")))
        .send()
        .await
        .expect("photo");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The window closes on Sunday 13 December; the link works two more days.
    app.clock().set(moscow("2026-12-15T23:59:00+03:00"));
    let r = client.get(app.url(&base2)).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    app.clock().set(moscow("2026-12-16T00:01:00+03:00"));
    let r = client.get(app.url(&base2)).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::GONE);
    // A made-up secret is no different.
    let r = client
        .get(app.url("/api/v1/shopper-links/0123456789abcdef"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::GONE);
}
