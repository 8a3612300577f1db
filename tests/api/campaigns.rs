use app::server_fns::SaveCampaign;
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::json;
use server_fn::ServerFn;

use crate::helpers::{error_field, spawn_app};

fn campaign() -> serde_json::Value {
    json!({
        "name": "Улыбка с фитнесом",
        "start_date": "01.12.2026",
        "end_date": "31.01.2027",
        "face_value": "500",
        "valid_until": "28.02.2027",
        "status": "active",
        "terms": "Один сертификат на человека"
    })
}

#[tokio::test]
async fn a_marketer_creates_a_campaign_with_money_kept_in_kopecks_and_a_costs_ledger() {
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (_, partner) = api.post("/partners", json!({"name": "СПА «Лотос»"})).await;
    let mut body = campaign();
    body["partner_ids"] = json!([partner["id"]]);
    let (status, c) = api.post("/campaigns", body).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!(c["face_value"], 50_000);
    assert_eq!(c["start_date"], "2026-12-01");
    assert_eq!(c["partner_ids"], json!([partner["id"]]));

    let id = c["id"].as_i64().expect("id");
    let (status, _) = api
        .post(
            &format!("/campaigns/{id}/costs"),
            json!({"category": "printing", "amount": "12 000,50", "spent_on": "02.12.2026"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, _) = api
        .post(
            &format!("/campaigns/{id}/costs"),
            json!({"category": "sms", "amount_kopecks": 99_50, "spent_on": "2026-12-03"}),
        )
        .await;
    let (_, c) = api.get(&format!("/campaigns/{id}")).await;
    assert_eq!(
        c["cost_total"],
        1_200_050 + 9_950,
        "the total sums the ledger in kopecks"
    );
    let (_, costs) = api.get(&format!("/campaigns/{id}/costs")).await;
    assert_eq!(costs.as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn an_end_date_before_the_start_is_refused_on_that_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let mut body = campaign();
    body["end_date"] = json!("30.11.2026");
    let (status, e) = api.post("/campaigns", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_field(&e), Some("end_date"));
    assert_eq!(e["error"]["fields"][0]["code"], "end_before_start");
    assert_eq!(app.count("campaigns").await, 0);
    assert_eq!(
        app.count("audit_log").await,
        1,
        "only the token creation was audited"
    );
}

#[tokio::test]
async fn negative_money_is_refused_in_english_when_asked() {
    let app = spawn_app().await;
    let token = app.token(Role::Marketer, None).await;
    let mut body = campaign();
    body["face_value"] = json!("-500");
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/campaigns"))
        .bearer_auth(&token)
        .header("accept-language", "en")
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: serde_json::Value = r.json().await.expect("json");
    assert_eq!(error_field(&e), Some("face_value"));
    assert_eq!(
        e["error"]["fields"][0]["message"],
        "the amount cannot be negative"
    );
}

#[tokio::test]
async fn a_cost_for_an_unknown_campaign_is_not_found_and_a_bad_category_names_the_field() {
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (status, _) = api
        .post(
            "/campaigns/999/costs",
            json!({"category": "printing", "amount": "1", "spent_on": "01.01.2027"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, c) = api.post("/campaigns", campaign()).await;
    let (status, e) = api
        .post(
            &format!("/campaigns/{}/costs", c["id"]),
            json!({"category": "pizza", "amount": "1", "spent_on": "01.01.2027"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_field(&e), Some("category"));
}

#[tokio::test]
async fn the_campaign_form_saves_the_checked_partners() {
    let app = spawn_app().await;
    let c = app.signed_in_marketer().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (_, a) = api.post("/partners", json!({"name": "Атлет"})).await;
    let (_, b) = api.post("/partners", json!({"name": "Лепесток"})).await;
    let (a, b) = (a["id"].to_string(), b["id"].to_string());
    let (status, saved) = app
        .server_fn(
            &c,
            SaveCampaign::PATH,
            &[
                ("name", "Зима"),
                ("start_date", "2026-12-01"),
                ("end_date", "2027-01-31"),
                ("face_value", "1 500"),
                ("valid_until", "2027-02-28"),
                ("terms", ""),
                ("status", "draft"),
                ("partner_ids[0]", &a),
                ("partner_ids[2]", &b),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["face_value"], 150_000);
    assert_eq!(saved["partner_ids"].as_array().map(Vec::len), Some(2));
    let page = c
        .get(app.url("/campaigns"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("Зима") && page.contains("1\u{202f}500\u{a0}₽"),
        "the list shows the campaign and its value"
    );
}

#[tokio::test]
async fn every_change_is_written_to_the_audit_log_with_who_made_it() {
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (_, c) = api.post("/campaigns", campaign()).await;
    let mut changed = campaign();
    changed["name"] = json!("Улыбка с фитнесом — продление");
    let (status, _) = api.put(&format!("/campaigns/{}", c["id"]), changed).await;
    assert_eq!(status, StatusCode::OK);
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT actor, action, entity FROM audit_log WHERE entity = 'campaign' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("audit");
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].1.as_str(), rows[1].1.as_str()),
        ("create", "update")
    );
    assert_eq!(rows[0].0, "token:test");
}
