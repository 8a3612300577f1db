//! The stock forecast per store, checked against figures worked out by hand, on a set clinic
//! clock (Monday 30 November 2026, 10:00 in Moscow).

use app::server_fns::JoinCampaign;
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server_fn::ServerFn;

use crate::helpers::{Api, TestApp, spawn_app};

struct Setup {
    marketer: Api,
    campaign: i64,
    /// Атлет на Тверской (30 certificates, 20 forms) and Атлет в Митино (11 certificates).
    stores: [i64; 2],
    codes: [Vec<String>; 2],
}

async fn setup(app: &TestApp) -> Setup {
    let marketer = app.api(&app.token(Role::Marketer, None).await);
    let (_, partner) = marketer.post("/partners", json!({"name": "Атлет"})).await;
    let mut stores = [0; 2];
    for (i, name) in ["Атлет на Тверской", "Атлет в Митино"].iter().enumerate()
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
                   "partner_ids": [partner["id"]], "min_days_cover": 5}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let campaign = c["id"].as_i64().expect("campaign");
    let mut codes: [Vec<String>; 2] = [vec![], vec![]];
    for (i, count) in [30, 11].into_iter().enumerate() {
        marketer
            .post(
                &format!("/campaigns/{campaign}/batches"),
                json!({"count": count, "store_ids": [stores[i]]}),
            )
            .await;
        let (_, list) = marketer
            .get(&format!(
                "/campaigns/{campaign}/certificates?store_id={}",
                stores[i]
            ))
            .await;
        codes[i] = list
            .as_array()
            .expect("certificates")
            .iter()
            .map(|c| c["code"].as_str().unwrap_or("").to_owned())
            .collect();
    }
    Setup {
        marketer,
        campaign,
        stores,
        codes,
    }
}

/// A hand-out recorded with the moment it happened (as a phone's offline queue sends it).
async fn handed_out(staff: &Api, code: &str, n: usize, at: &str, form: Option<usize>) {
    let (s, h) = staff
        .post(
            "/handouts",
            json!({"code": code, "name": format!("Участник {n}"), "phone": format!("+7 916 200-{:02}-{:02}", n / 100, n % 100),
                   "consent": true, "happened_at": at, "offline": true,
                   "form_serial": form.map(|f| f.to_string()).unwrap_or_default()}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
}

fn store(list: &Value, id: i64) -> &Value {
    list.as_array()
        .expect("forecast")
        .iter()
        .find(|s| s["store_id"] == id)
        .expect("store in the forecast")
}

#[tokio::test]
async fn the_forecast_of_each_store_matches_the_figures_worked_out_by_hand() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (_, tverskaya) = app
        .person(Role::StoreStaff, Some(s.stores[0]), "Мария")
        .await;
    let (_, mitino) = app
        .person(Role::StoreStaff, Some(s.stores[1]), "Олег")
        .await;
    let (st, fb) = s
        .marketer
        .post(
            &format!("/campaigns/{}/form-batches", s.campaign),
            json!({"store_id": s.stores[0], "count": 20}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{fb}");

    // Тверская: 13 hand-outs over the last week (5 of them typed from paper forms)…
    let mut n = 0;
    for k in 0..13 {
        n += 1;
        let at = format!("2026-11-{:02}T{:02}:00:00+03:00", 24 + k % 7, 8 + k % 2);
        let form = (k < 5).then_some(k + 1);
        handed_out(&tverskaya, &s.codes[0][k], n, &at, form).await;
    }
    // …one just after midnight on Tuesday 24 November at the clinic (inside the week)…
    n += 1;
    handed_out(
        &tverskaya,
        &s.codes[0][13],
        n,
        "2026-11-24T00:30:00+03:00",
        None,
    )
    .await;
    // …and three before it: one just before that midnight, two ten days ago.
    for (k, at) in [
        "2026-11-23T23:30:00+03:00",
        "2026-11-20T12:00:00+03:00",
        "2026-11-20T15:00:00+03:00",
    ]
    .iter()
    .enumerate()
    {
        n += 1;
        handed_out(&tverskaya, &s.codes[0][14 + k], n, at, None).await;
    }
    // A participant who scanned paper form № 7 registered themself: a form used, no printed
    // certificate.
    let (st, e) = app
        .server_fn(
            &app.browser(),
            JoinCampaign::PATH,
            &[
                ("campaign_id", &s.campaign.to_string()),
                ("store_id", &s.stores[0].to_string()),
                ("name", "Самостоятельная"),
                ("phone", "+7 916 300-00-01"),
                ("consent", "on"),
                ("form", "7"),
            ],
        )
        .await;
    assert!(st.is_success(), "{e}");
    // Митино: 7 hand-outs this week, 4 certificates left.
    for k in 0..7 {
        n += 1;
        let at = format!("2026-11-{:02}T09:00:00+03:00", 24 + k);
        handed_out(&mitino, &s.codes[1][k], n, &at, None).await;
    }

    let (st, list) = s
        .marketer
        .get(&format!("/campaigns/{}/stock-forecast", s.campaign))
        .await;
    assert_eq!(st, StatusCode::OK, "{list}");
    // Тверская, certificates: 30 − 17 = 13 left; 14 used this week = 2 a day → 6.5 days, gone
    // on 6 December; to stay above 5 days, deliver by 1 December (11 left then) 3 more, for a
    // week (14).
    let t = store(&list, s.stores[0]);
    assert_eq!(
        t["certificates"],
        json!({"on_hand": 13, "used_last_week": 14, "daily_use_x100": 200, "days_of_cover_x10": 65,
               "runs_out_on": "2026-12-06", "alert": false, "lasts_to_end": false, "deliver": {"count": 3, "by": "2026-12-01"}})
    );
    // Forms: 20 − 6 used (5 typed in, 1 self-registration) = 14; 6 a week → 16.3 days; below
    // 5 days after 11 days (4.6 left), deliver 2 by 11 December for a week (6).
    assert_eq!(
        t["forms"],
        json!({"on_hand": 14, "used_last_week": 6, "daily_use_x100": 85, "days_of_cover_x10": 163,
               "runs_out_on": "2026-12-16", "alert": false, "lasts_to_end": false, "deliver": {"count": 2, "by": "2026-12-11"}})
    );
    // Митино: 4 left, 1 a day → 4 days: below 5, an alert; deliver 3 today for a week.
    let m = store(&list, s.stores[1]);
    assert_eq!(m["certificates"]["days_of_cover_x10"], 40);
    assert_eq!(m["certificates"]["alert"], true);
    assert_eq!(
        m["certificates"]["deliver"],
        json!({"count": 3, "by": "2026-11-30"})
    );
    assert_eq!(
        m["forms"]["days_of_cover_x10"],
        Value::Null,
        "no forms used"
    );
    assert_eq!(
        list[0]["store_id"], s.stores[1],
        "the most urgent store comes first"
    );

    // The store's own staff see their store only; reception sees none.
    let (_, own) = mitino
        .get(&format!("/campaigns/{}/stock-forecast", s.campaign))
        .await;
    assert_eq!(own.as_array().map(Vec::len), Some(1));
    let (st, _) = app
        .api(&app.token(Role::Reception, None).await)
        .get(&format!("/campaigns/{}/stock-forecast", s.campaign))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_minimum_days_of_cover_is_a_campaign_setting_from_one_to_sixty() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (_, c) = s.marketer.get(&format!("/campaigns/{}", s.campaign)).await;
    assert_eq!(c["min_days_cover"], 5);
    let mut body = json!({"name": "Зима", "start_date": "2026-11-16", "end_date": "2027-01-31",
        "face_value": "500", "valid_until": "2027-02-28", "status": "active",
        "partner_ids": c["partner_ids"], "min_days_cover": 0});
    let (st, e) = s
        .marketer
        .put(&format!("/campaigns/{}", s.campaign), body.clone())
        .await;
    assert_eq!(
        (st, e["error"]["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("min_days_cover"))
    );
    body["min_days_cover"] = json!("7");
    let (st, c) = s
        .marketer
        .put(&format!("/campaigns/{}", s.campaign), body)
        .await;
    assert_eq!(
        (st, c["min_days_cover"].as_i64()),
        (StatusCode::OK, Some(7))
    );
}
