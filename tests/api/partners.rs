use domain::types::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_field, spawn_app};

#[tokio::test]
async fn a_store_keeps_its_administrators_phone_normalised_to_plus_seven() {
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (status, p) = api.post("/partners", json!({"name": "Фитнес-клуб «Атлет»", "phone": "8 (916) 100-10-10", "email": "Info@Atlet.RU"})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(p["phone"], "+79161001010");
    assert_eq!(p["email"], "info@atlet.ru");
    let (status, s) = api
        .post(
            "/stores",
            json!({"partner_id": p["id"], "name": "Атлет на Тверской", "address": "Тверская, 15", "opening_hours": "07:00–23:00",
                   "admin_name": "Марина Орлова", "admin_phone": "+7 916 101 01 01"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    assert_eq!(s["admin_phone"], "+79161010101");
    assert_eq!(s["partner_name"], "Фитнес-клуб «Атлет»");
    let (_, list) = api.get(&format!("/stores?partner_id={}", p["id"])).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_duplicate_store_name_within_a_partner_is_refused_whatever_the_case() {
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (_, p) = api.post("/partners", json!({"name": "Лепесток"})).await;
    let (_, q) = api.post("/partners", json!({"name": "Лотос"})).await;
    api.post("/stores", json!({"partner_id": p["id"], "name": "Арбат"}))
        .await;
    let (status, e) = api
        .post(
            "/stores",
            json!({"partner_id": p["id"], "name": "  арбат "}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_field(&e), Some("store_name"));
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("уже есть магазин")
    );
    let (status, _) = api
        .post("/stores", json!({"partner_id": q["id"], "name": "Арбат"}))
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "another partner may use the same name"
    );
    assert_eq!(app.count("stores").await, 2);
}

#[tokio::test]
async fn malformed_phones_emails_and_names_are_refused_naming_each_field() {
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (status, e) = api
        .post(
            "/partners",
            json!({"name": "", "phone": "12345", "email": "not-an-email"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = e["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, ["partner_name", "phone", "email"]);
    let (status, e) = api
        .post("/partners", json!({"name": "я".repeat(201)}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["code"], "too_long");
    let (status, e) = api
        .post("/stores", json!({"partner_id": 12345, "name": "Нигде"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_field(&e), Some("partner_id"));
    let (status, _) = api.post("/partners", json!("not an object")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("partners").await, 0);
}

#[tokio::test]
async fn a_store_employee_needs_a_store() {
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (status, e) = api
        .post("/people", json!({"name": "Павел", "role": "store_staff"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_field(&e), Some("store_id"));
    let (status, e) = api
        .post("/people", json!({"name": "Павел", "role": "boss"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_field(&e), Some("role"));
}
