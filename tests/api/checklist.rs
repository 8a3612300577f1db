//! The promotion checklist: the seed's points as tasks with due dates from the campaign, the
//! weekly routine appearing week by week (weeks start at midnight at the clinic), no doubles
//! from two app instances, each automatic check turning green from real data, proof and photo
//! evidence. The clinic clock starts on Monday 30 November 2026, 10:00 in Moscow.

use app::server_fns::ReadRegulations;
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server_fn::ServerFn;

use crate::helpers::{Api, TestApp, error_field, spawn_app, spawn_second};

pub struct Setup {
    pub marketer: Api,
    pub campaign: i64,
    pub partner: i64,
    /// Лотос на Пресне, Лотос в Сокольниках.
    pub stores: [i64; 2],
}

/// A running campaign (16 November – 31 January, certificates valid to 28 February) with one
/// partner of two stores, neither with an administrator yet.
pub async fn setup(app: &TestApp) -> Setup {
    let marketer = app.api(&app.token(Role::Marketer, None).await);
    let (_, partner) = marketer.post("/partners", json!({"name": "Лотос"})).await;
    let mut stores = [0; 2];
    for (i, name) in ["Лотос на Пресне", "Лотос в Сокольниках"]
        .iter()
        .enumerate()
    {
        let (_, s) = marketer
            .post(
                "/stores",
                json!({"partner_id": partner["id"], "name": name}),
            )
            .await;
        stores[i] = s["id"].as_i64().expect("store");
    }
    let (s, c) = marketer
        .post(
            "/campaigns",
            json!({"name": "Зима", "start_date": "2026-11-16", "end_date": "2027-01-31",
                   "face_value": "500", "valid_until": "2027-02-28", "status": "active",
                   "partner_ids": [partner["id"]]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    Setup {
        marketer,
        campaign: c["id"].as_i64().expect("campaign"),
        partner: partner["id"].as_i64().expect("partner"),
        stores,
    }
}

pub async fn tasks(api: &Api, campaign: i64, state: &str) -> Vec<Value> {
    let (s, list) = api
        .get(&format!("/campaigns/{campaign}/tasks?state={state}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list.as_array().expect("tasks").clone()
}

fn with_code<'a>(list: &'a [Value], code: &str) -> Vec<&'a Value> {
    list.iter().filter(|t| t["code"] == code).collect()
}

/// The one task of a point (and store), as the campaign's list shows it now.
async fn task(s: &Setup, code: &str, store: Option<i64>) -> Value {
    let list = tasks(&s.marketer, s.campaign, "all").await;
    with_code(&list, code)
        .into_iter()
        .find(|t| store.is_none_or(|st| t["store_id"] == st))
        .cloned()
        .unwrap_or_else(|| panic!("no task {code} for {store:?}"))
}

fn moscow(at: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(at)
        .expect("time")
        .with_timezone(&chrono::Utc)
}

#[tokio::test]
async fn a_new_campaign_gets_the_seeds_points_as_tasks_due_by_its_dates() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let list = tasks(&s.marketer, s.campaign, "all").await;
    let due = |code: &str| -> Vec<String> {
        with_code(&list, code)
            .iter()
            .map(|t| t["due_on"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    // Item 1 two weeks before the start, item 4 a week before.
    assert_eq!(due("1"), ["2026-11-02"]);
    assert_eq!(due("4"), ["2026-11-09"]);
    // Per store: one task for each of the two stores.
    assert_eq!(due("2"), ["2026-11-16", "2026-11-16"]);
    // Per partner (the partner's SMS, e-mail, site, social posts): a week after the start.
    assert_eq!(due("13"), ["2026-11-23"]);
    // The weekly routine: the weeks of 16, 23 and 30 November so far, due on Mondays.
    assert_eq!(due("17а"), ["2026-11-16", "2026-11-23", "2026-11-30"]);
    assert_eq!(with_code(&list, "17б").len(), 6, "3 weeks × 2 stores");
    // After the end and before the certificates expire.
    assert_eq!(due("18"), ["2027-02-03", "2027-02-03"]);
    assert_eq!(due("20"), ["2027-02-21"]);
    assert_eq!(due("21"), ["2027-02-14"]);
    // Past-due open tasks stand out.
    let first = with_code(&list, "5")[0];
    assert_eq!(
        (first["state"].as_str(), first["overdue"].as_bool()),
        (Some("open"), Some(true))
    );
    assert_eq!(with_code(&list, "21")[0]["overdue"], false);
    // The checklist is the marketer's: reception and store staff are refused.
    for role in [Role::Reception, Role::MysteryShopper] {
        let (st, _) = app
            .api(&app.token(role, None).await)
            .get(&format!("/campaigns/{}/tasks", s.campaign))
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{role}");
    }
    let (st, _) = app
        .api(&app.token(Role::StoreStaff, Some(s.stores[0])).await)
        .get("/tasks")
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn weekly_tasks_appear_each_week_and_a_week_starts_at_midnight_at_the_clinic() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let weekly = |list: &[Value]| with_code(list, "17а").len();
    // Sunday 6 December, 23:59 in Moscow (20:59 UTC): still the week of 30 November.
    app.clock().set(moscow("2026-12-06T23:59:00+03:00"));
    assert_eq!(weekly(&tasks(&s.marketer, s.campaign, "all").await), 3);
    // A minute later it is Monday 7 December at the clinic, still Sunday in UTC.
    app.clock().set(moscow("2026-12-07T00:00:30+03:00"));
    let list = tasks(&s.marketer, s.campaign, "all").await;
    assert_eq!(weekly(&list), 4);
    assert_eq!(
        with_code(&list, "17а")
            .last()
            .map(|t| (t["due_on"].clone(), t["week_start"].clone())),
        Some((json!("2026-12-07"), json!("2026-12-07")))
    );
    assert_eq!(with_code(&list, "17б").len(), 8, "4 weeks × 2 stores");
    // The weekly check day moves the due day of the weeks to come (Wednesday).
    let mut settings = domain::ops::settings::get(&app.db).await.expect("settings");
    settings.weekly_check_day = 3;
    domain::ops::settings::update(&app.db, &domain::auth::Actor::system(), &settings)
        .await
        .expect("settings saved");
    // Two weeks later: two more weeks, due on Wednesdays.
    app.clock().set(moscow("2026-12-21T09:00:00+03:00"));
    let list = tasks(&s.marketer, s.campaign, "all").await;
    let dues: Vec<&str> = with_code(&list, "17а")
        .iter()
        .map(|t| t["due_on"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        dues,
        [
            "2026-11-16",
            "2026-11-23",
            "2026-11-30",
            "2026-12-07",
            "2026-12-16",
            "2026-12-23"
        ]
    );
    // Long after the end: no week beyond the campaign's last one (25 January).
    app.clock().set(moscow("2027-03-01T09:00:00+03:00"));
    let list = tasks(&s.marketer, s.campaign, "all").await;
    assert_eq!(weekly(&list), 11, "16 November … 25 January");
}

#[tokio::test]
async fn two_instances_creating_the_same_week_at_once_never_double_a_task() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let second = spawn_second(&app).await;
    let before = app.count("tasks").await;
    // A third store joins: its tasks are missing on both instances, which ask at once.
    let (_, store) = s
        .marketer
        .post(
            "/stores",
            json!({"partner_id": s.partner, "name": "Лотос в Митино"}),
        )
        .await;
    let token = app.token(Role::Marketer, None).await;
    let client = reqwest::Client::new();
    let ask = |addr: std::net::SocketAddr| {
        client
            .get(format!(
                "http://{addr}/api/v1/campaigns/{}/tasks?state=all",
                s.campaign
            ))
            .bearer_auth(&token)
            .send()
    };
    let (a, b, c, d) = tokio::join!(ask(app.addr), ask(second), ask(app.addr), ask(second));
    for r in [a, b, c, d] {
        assert_eq!(r.expect("tasks").status(), StatusCode::OK);
    }
    // Directly too: two database pools creating the tasks at the same moment.
    let other = domain::db::Db::connect_with_clock(&app.config.database_url, app.clock().clone())
        .await
        .expect("second pool");
    let (x, y) = tokio::join!(
        domain::ops::checklist::ensure_tasks(&app.db, domain::ids::CampaignId(s.campaign)),
        domain::ops::checklist::ensure_tasks(&other, domain::ids::CampaignId(s.campaign)),
    );
    assert_eq!(
        (x.expect("first"), y.expect("second")),
        (0, 0),
        "already there"
    );
    let doubles: i64 = sqlx::query_scalar("SELECT COUNT(*) - COUNT(DISTINCT task_key) FROM tasks")
        .fetch_one(&app.db.pool)
        .await
        .expect("doubles");
    assert_eq!(doubles, 0);
    // The new store's per-store points: 2, 9, 10, 11, 18 once, 17б and 17в for 3 weeks.
    assert_eq!(app.count("tasks").await - before, 5 + 2 * 3);
    let list = tasks(&s.marketer, s.campaign, "all").await;
    assert_eq!(
        list.iter().filter(|t| t["store_id"] == store["id"]).count(),
        11
    );
}

async fn store_admin(s: &Setup, store: i64, name: &str, phone: &str) {
    let (st, e) = s
        .marketer
        .put(
            &format!("/stores/{store}"),
            json!({"partner_id": s.partner, "name": if store == s.stores[0] { "Лотос на Пресне" } else { "Лотос в Сокольниках" },
                   "admin_name": name, "admin_phone": phone}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{e}");
}

#[tokio::test]
async fn item_4_turns_green_when_every_store_has_an_administrator_with_a_phone() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    store_admin(&s, s.stores[0], "Анна Петрова", "+7 916 111-22-33").await;
    let t = task(&s, "4", None).await;
    assert_eq!(t["state"], "open");
    assert_eq!(
        (
            t["evidence"]["ok"].as_i64(),
            t["evidence"]["total"].as_i64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(t["evidence"]["failing"][0]["name"], "Лотос в Сокольниках");
    // A name without a phone is not enough.
    store_admin(&s, s.stores[1], "Олег", "").await;
    assert_eq!(task(&s, "4", None).await["state"], "open");
    store_admin(&s, s.stores[1], "Олег Смирнов", "8 (903) 555-44-33").await;
    let t = task(&s, "4", None).await;
    assert_eq!(t["state"], "done");
    assert_eq!(t["done_by_name"], "Sarafan");
    assert_eq!(
        (
            t["evidence"]["passed"].as_bool(),
            t["evidence"]["ok"].as_i64()
        ),
        (Some(true), Some(2))
    );
    // Reopened by the marketer, it stays open: the check no longer closes it.
    let (st, r) = s
        .marketer
        .put(
            &format!("/tasks/{}", t["id"]),
            json!({"state": "open", "note": "Проверить ещё раз"}),
        )
        .await;
    assert_eq!(
        (st, r["state"].as_str()),
        (StatusCode::OK, Some("open")),
        "{r}"
    );
    assert_eq!(task(&s, "4", None).await["state"], "open");
}

#[tokio::test]
async fn the_regulations_points_turn_green_when_written_delivered_or_opened_and_read() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    // Item 1: the regulations text of the campaign.
    assert_eq!(task(&s, "1", None).await["state"], "open");
    let (_, texts) = s
        .marketer
        .get(&format!("/campaigns/{}/texts", s.campaign))
        .await;
    let mut texts = texts;
    texts["regulations"] =
        json!("Выдавайте сертификат каждому покупателю от 1 000 ₽ и записывайте имя и телефон.");
    let (st, e) = s
        .marketer
        .put(&format!("/campaigns/{}/texts", s.campaign), texts)
        .await;
    assert_eq!(st, StatusCode::OK, "{e}");
    assert_eq!(task(&s, "1", None).await["state"], "done");

    // Item 2, per store: a printed copy delivered to Пресня…
    let kinds = s.marketer.get("/materials").await.1;
    let regulations = kinds
        .as_array()
        .and_then(|k| k.iter().find(|k| k["builtin"] == "regulations"))
        .map(|k| k["id"].clone())
        .expect("regulations kind");
    let (st, m) = s
        .marketer
        .post(
            &format!("/campaigns/{}/movements", s.campaign),
            json!({"store_id": s.stores[0], "kind_id": regulations, "movement": "delivered", "quantity": "1"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{m}");
    assert_eq!(task(&s, "2", Some(s.stores[0])).await["state"], "done");
    // …and Сокольники's employee opened the PDF on her phone.
    let (_, anna) = app
        .person(Role::StoreStaff, Some(s.stores[1]), "Анна")
        .await;
    assert_eq!(task(&s, "2", Some(s.stores[1])).await["state"], "open");
    let (st, kind, _) = anna
        .get_bytes(&format!("/campaigns/{}/regulations/pdf", s.campaign))
        .await;
    assert_eq!((st, kind.as_str()), (StatusCode::OK, "application/pdf"));
    assert_eq!(task(&s, "2", Some(s.stores[1])).await["state"], "done");

    // Items 3 and 6: every active employee of every store confirmed reading.
    let (_, boris) = app
        .person(Role::StoreStaff, Some(s.stores[0]), "Борис")
        .await;
    let read = |who: &Api| {
        let who = who.raw().clone();
        let campaign = s.campaign.to_string();
        let url = app.url(ReadRegulations::PATH);
        async move {
            let r = who
                .post(url)
                .header("accept", "application/json")
                .form(&[("campaign_id", campaign.as_str())])
                .send()
                .await
                .expect("read");
            assert!(r.status().is_success(), "{}", r.status());
        }
    };
    read(&anna).await;
    let t = task(&s, "3", None).await;
    assert_eq!(t["state"], "open");
    assert_eq!(t["evidence"]["failing"][0]["name"], "Лотос на Пресне");
    assert!(
        t["evidence"]["failing"][0]["figure"]
            .as_str()
            .is_some_and(|f| f.contains("0/1") && f.contains("Борис")),
        "{t}"
    );
    read(&boris).await;
    assert_eq!(task(&s, "3", None).await["state"], "done");
    assert_eq!(task(&s, "6", None).await["state"], "done");
}

#[tokio::test]
async fn item_12_turns_green_when_every_store_handed_out_with_contacts_this_week() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    for (i, store) in s.stores.iter().enumerate() {
        let (st, b) = s
            .marketer
            .post(
                &format!("/campaigns/{}/batches", s.campaign),
                json!({"count": 3, "store_ids": [store]}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{b}");
        let _ = i;
    }
    // Item 12 is looked at a week into the campaign, over the last seven days.
    let this_week = |list: Vec<Value>| {
        let t = list
            .into_iter()
            .find(|t| t["code"] == "12")
            .expect("item 12");
        assert_eq!(t["due_on"], "2026-11-23");
        t
    };
    let t = this_week(tasks(&s.marketer, s.campaign, "all").await);
    assert_eq!(
        (t["state"].as_str(), t["evidence"]["ok"].as_i64()),
        (Some("open"), Some(0))
    );
    for (n, store) in s.stores.iter().enumerate() {
        let (_, staff) = app
            .person(Role::StoreStaff, Some(*store), &format!("Продавец {n}"))
            .await;
        let (_, certs) = s
            .marketer
            .get(&format!(
                "/campaigns/{}/certificates?store_id={store}",
                s.campaign
            ))
            .await;
        let (st, h) = staff
            .post(
                "/handouts",
                json!({"code": certs[0]["code"], "name": "Ирина Ковалёва", "phone": format!("+7 916 400-00-0{n}"),
                       "consent": true}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{h}");
    }
    let t = this_week(tasks(&s.marketer, s.campaign, "all").await);
    assert_eq!(
        (t["state"].as_str(), t["evidence"]["ok"].as_i64()),
        (Some("done"), Some(2))
    );
}

#[tokio::test]
async fn items_7_and_8_turn_green_when_reception_confirms_and_a_doctor_is_briefed() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (_, olga) = app.person(Role::Reception, None, "Ольга").await;
    let (st, list) = olga.get("/briefings").await;
    assert_eq!(st, StatusCode::OK, "{list}");
    assert_eq!(list[0]["confirmed"], false);
    let (st, _) = olga
        .post(&format!("/campaigns/{}/briefing", s.campaign), json!({}))
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(olga.get("/briefings").await.1[0]["confirmed"], true);
    let t = task(&s, "7", None).await;
    assert_eq!(t["state"], "open", "no doctor briefed yet");
    assert_eq!(t["evidence"]["failing"][0]["name"], "Врачи");
    // Doctors have no accounts: the marketer records them; a date in the future is refused.
    let (st, e) = s
        .marketer
        .post(
            &format!("/campaigns/{}/doctor-briefings", s.campaign),
            json!({"doctor": "Д-р Соколов", "briefed_on": "2026-12-05"}),
        )
        .await;
    assert_eq!(
        (st, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("briefed_on"))
    );
    let (st, b) = s
        .marketer
        .post(
            &format!("/campaigns/{}/doctor-briefings", s.campaign),
            json!({"doctor": "Д-р Соколов", "briefed_on": "27.11.2026"}),
        )
        .await;
    assert_eq!(
        (st, b["briefed_on"].as_str()),
        (StatusCode::CREATED, Some("2026-11-27")),
        "{b}"
    );
    assert_eq!(task(&s, "7", None).await["state"], "done");
    assert_eq!(task(&s, "8", None).await["state"], "done");
    // Only reception confirms a briefing; only the marketer records doctors.
    let (st, _) = s
        .marketer
        .post(&format!("/campaigns/{}/briefing", s.campaign), json!({}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = olga
        .post(
            &format!("/campaigns/{}/doctor-briefings", s.campaign),
            json!({"doctor": "Д-р Белова"}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_partner_point_is_done_only_with_a_link_or_a_photo_and_keeps_its_reach() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let t = task(&s, "15", None).await;
    assert_eq!(t["partner_name"], "Лотос");
    let url = format!("/tasks/{}", t["id"]);
    let (st, e) = s.marketer.put(&url, json!({"state": "done"})).await;
    assert_eq!(
        (
            st,
            error_field(&e),
            e["error"]["fields"][0]["code"].as_str()
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("link"),
            Some("proof_required")
        )
    );
    let (st, e) = s
        .marketer
        .put(
            &url,
            json!({"state": "done", "link": "lotos-fitness.ru/akcii"}),
        )
        .await;
    assert_eq!(
        (st, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("link")),
        "a link is a web address"
    );
    let (st, e) = s
        .marketer
        .put(&url, json!({"state": "done", "reach": "много"}))
        .await;
    assert_eq!(
        (st, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reach"))
    );
    let (st, done) = s
        .marketer
        .put(
            &url,
            json!({"state": "done", "link": "https://lotos-fitness.ru/akcii/zima", "reach": "12400",
                   "note": "Баннер на главной до конца акции"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{done}");
    assert_eq!(
        (
            done["state"].as_str(),
            done["reach"].as_i64(),
            done["done_by_name"].as_str()
        ),
        (Some("done"), Some(12400), Some("token:test"))
    );
    // Assigned to a clinic person; anyone else is refused by name.
    let (olga_id, _) = app.person(Role::Reception, None, "Ольга").await;
    let (_, staff_api) = app
        .person(Role::StoreStaff, Some(s.stores[0]), "Вера")
        .await;
    let other = task(&s, "16", None).await;
    let (st, a) = s
        .marketer
        .put(
            &format!("/tasks/{}", other["id"]),
            json!({"state": "open", "assignee_id": olga_id.to_string()}),
        )
        .await;
    assert_eq!(
        (st, a["assignee_name"].as_str()),
        (StatusCode::OK, Some("Ольга")),
        "{a}"
    );
    let (st, e) = s
        .marketer
        .put(
            &format!("/tasks/{}", other["id"]),
            json!({"state": "open", "assignee_id": "999999"}),
        )
        .await;
    assert_eq!(
        (st, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("assignee_id"))
    );
    let (st, _) = staff_api
        .put(&format!("/tasks/{}", other["id"]), json!({"state": "done"}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

/// A JPEG a phone might send: 2 400 × 1 800 of soft noise.
fn phone_photo() -> Vec<u8> {
    let mut seed = 11u32;
    let img = image::RgbImage::from_fn(2400, 1800, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let n = (seed >> 24) as u8 / 4;
        image::Rgb([
            (x / 10) as u8 ^ n,
            (y / 8) as u8 ^ n,
            ((x + y) / 20) as u8 ^ n,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
        .encode_image(&img)
        .expect("jpeg");
    out
}

#[tokio::test]
async fn a_photo_is_shrunk_and_stamped_and_a_non_image_or_oversized_file_is_refused() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let t = task(&s, "10", Some(s.stores[0])).await;
    let url = app.url(&format!("/api/v1/tasks/{}/photos", t["id"]));
    let token = app.token(Role::Marketer, None).await;
    let client = reqwest::Client::new();
    let original = phone_photo();
    assert!(original.len() > 1_000_000, "{} bytes", original.len());
    let r = client
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "image/jpeg")
        .body(original.clone())
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), StatusCode::CREATED);
    let p: Value = r.json().await.expect("photo");
    assert!(p["size"].as_i64().is_some_and(|n| n <= 300 * 1024), "{p}");
    // Shrunk, the shape kept (4:3).
    let (w, h) = (
        p["width"].as_i64().unwrap_or(0),
        p["height"].as_i64().unwrap_or(0),
    );
    assert!(
        (800..=1600).contains(&w) && (w * 3 - h * 4).abs() <= 4,
        "{w}×{h}"
    );
    assert_eq!(
        p["taken_at"], "30.11.2026 10:00",
        "the server's clinic time"
    );
    let (st, kind, bytes) = s
        .marketer
        .get_bytes(&format!("/task-photos/{}", p["id"]))
        .await;
    assert_eq!((st, kind.as_str()), (StatusCode::OK, "image/jpeg"));
    assert_eq!(
        image::load_from_memory(&bytes).expect("a picture").width() as i64,
        w
    );

    // A text file named like a photo, and a GIF: refused by content.
    let form = reqwest::multipart::Form::new().part(
        "photo",
        reqwest::multipart::Part::bytes(b"%PDF-1.4 not a picture".to_vec())
            .file_name("shelf.jpg")
            .mime_str("image/jpeg")
            .expect("mime"),
    );
    let r = client
        .post(&url)
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let e: Value = r.json().await.expect("error");
    assert_eq!(
        (error_field(&e), e["error"]["code"].as_str()),
        (Some("photo"), Some("not_an_image"))
    );
    // Over 10 MB: refused before it is read.
    let r = client
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "image/jpeg")
        .body(vec![0xFF_u8; 10 * 1024 * 1024 + 100 * 1024])
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Just under the request limit but over 10 MB of picture: refused by the photo rule.
    let r = client
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "image/jpeg")
        .body(vec![0xFF_u8; 10 * 1024 * 1024 + 10])
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // The page's form goes back to the task with the error named.
    let form = reqwest::multipart::Form::new().part(
        "photo",
        reqwest::multipart::Part::bytes(b"GIF89a".to_vec()).file_name("a.gif"),
    );
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = no_redirects
        .post(&url)
        .bearer_auth(&token)
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.headers());
    assert_eq!(
        r.headers().get("location").and_then(|l| l.to_str().ok()),
        Some(format!("/tasks/{}?photo_error=not_an_image#photos", t["id"]).as_str())
    );
    let (_, detail) = s.marketer.get(&format!("/tasks/{}", t["id"])).await;
    assert_eq!(detail["photos"].as_array().map(Vec::len), Some(1));
    assert_eq!(detail["task"]["photos"], 1);

    // Comments: named, limited.
    let (st, c) = s
        .marketer
        .post(
            &format!("/tasks/{}/comments", t["id"]),
            json!({"body": "Афишка у кассы, вторая — на входе"}),
        )
        .await;
    assert_eq!(
        (st, c["author"].as_str()),
        (StatusCode::CREATED, Some("token:test")),
        "{c}"
    );
    let (st, e) = s
        .marketer
        .post(
            &format!("/tasks/{}/comments", t["id"]),
            json!({"body": "я".repeat(2001)}),
        )
        .await;
    assert_eq!(
        (st, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("comment"))
    );
}

#[tokio::test]
async fn the_template_is_the_clinics_own_to_edit() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (_, items) = s.marketer.get("/checklist").await;
    let items = items.as_array().expect("items").clone();
    assert_eq!(items.len(), 25, "21 points, item 17 in five");
    assert_eq!(
        items[0]["title"],
        "Написан регламент акции для сотрудников партнёра"
    );
    // The clinic adds its own weekly point: it appears for every week so far.
    let (st, e) = s
        .marketer
        .post(
            "/checklist",
            json!({"code": "22", "title": "", "schedule": "weekly", "role": "marketer"}),
        )
        .await;
    assert_eq!(
        (st, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("title"))
    );
    let (st, e) = s
        .marketer
        .post("/checklist", json!({"code": "22", "title": "Звонок администраторам", "schedule": "monthly", "role": "marketer"}))
        .await;
    assert_eq!(
        (st, error_field(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("schedule"))
    );
    let (st, own) = s
        .marketer
        .post(
            "/checklist",
            json!({"code": "22", "title": "Звонок администраторам магазинов", "schedule": "weekly", "role": "marketer"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{own}");
    let list = tasks(&s.marketer, s.campaign, "all").await;
    assert_eq!(with_code(&list, "22").len(), 3);
    // Once a campaign instead: its untouched weekly tasks give way to one task.
    let (st, _) = s
        .marketer
        .put(
            &format!("/checklist/{}", own["id"]),
            json!({"code": "22", "title": "Звонок администраторам магазинов", "schedule": "at_start", "offset_days": "2", "role": "marketer"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let list = tasks(&s.marketer, s.campaign, "all").await;
    let dues: Vec<&Value> = with_code(&list, "22")
        .iter()
        .map(|t| &t["due_on"])
        .collect();
    assert_eq!(dues, [&json!("2026-11-18")]);
    // Switched off: its tasks leave the lists.
    let (st, _) = s
        .marketer
        .put(
            &format!("/checklist/{}", own["id"]),
            json!({"code": "22", "title": "Звонок администраторам магазинов", "schedule": "at_start", "offset_days": "2", "role": "marketer", "active": false}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(with_code(&tasks(&s.marketer, s.campaign, "all").await, "22").is_empty());
    // Store staff cannot change it.
    let (st, _) = app
        .api(&app.token(Role::StoreStaff, Some(s.stores[0])).await)
        .post(
            "/checklist",
            json!({"code": "23", "title": "x", "schedule": "weekly", "role": "marketer"}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}
