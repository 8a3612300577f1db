use app::server_fns::SavePartner;
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::json;
use server_fn::ServerFn;

use crate::helpers::spawn_app;

#[tokio::test]
async fn store_staff_see_only_their_own_store_and_cannot_change_anything() {
    let app = spawn_app().await;
    let api = app.api(&app.token(Role::Marketer, None).await);
    let (_, p) = api.post("/partners", json!({"name": "Атлет"})).await;
    let (_, q) = api.post("/partners", json!({"name": "Лотос"})).await;
    let (_, mine) = api
        .post(
            "/stores",
            json!({"partner_id": p["id"], "name": "Тверская"}),
        )
        .await;
    let (_, other) = api
        .post("/stores", json!({"partner_id": q["id"], "name": "Пресня"}))
        .await;

    let staff = app.api(&app.token(Role::StoreStaff, mine["id"].as_i64()).await);
    let (status, stores) = staff.get("/stores").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stores.as_array().map(Vec::len), Some(1));
    assert_eq!(stores[0]["id"], mine["id"]);
    let (status, _) = staff.get(&format!("/stores/{}", other["id"])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, partners) = staff.get("/partners").await;
    assert_eq!(
        partners.as_array().map(Vec::len),
        Some(1),
        "only their store's partner"
    );
    let (status, _) = staff.get("/people").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = staff
        .post("/partners", json!({"name": "Мой партнёр"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = staff
        .put(
            &format!("/stores/{}", mine["id"]),
            json!({"partner_id": p["id"], "name": "Переименован"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("partners").await, 2);
}

#[tokio::test]
async fn reception_cannot_create_campaigns_or_partners() {
    let app = spawn_app().await;
    let reception = app.api(&app.token(Role::Reception, None).await);
    let (status, e) = reception.post("/partners", json!({"name": "Атлет"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(e["error"]["code"], "forbidden");
    let (status, _) = reception
        .post(
            "/campaigns",
            json!({"name": "x", "start_date": "", "end_date": "", "valid_until": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_request_without_credentials_gets_a_json_401() {
    let app = spawn_app().await;
    let r = reqwest::get(app.url("/api/v1/campaigns"))
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/campaigns"))
        .bearer_auth("sf_forged")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_write_from_a_foreign_origin_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let c = app.signed_in_marketer().await;
    let r = c
        .post(app.url(SavePartner::PATH))
        .header("origin", "https://evil.example")
        .header("accept", "application/json")
        .form(&[
            ("name", "Взлом"),
            ("contact_person", ""),
            ("phone", ""),
            ("email", ""),
            ("notes", ""),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("partners").await, 0);
    let (status, _) = app
        .server_fn(
            &c,
            SavePartner::PATH,
            &[
                ("name", "Атлет"),
                ("contact_person", ""),
                ("phone", ""),
                ("email", ""),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the same request from our own page works"
    );
    assert_eq!(app.count("partners").await, 1);
}

#[tokio::test]
async fn secrets_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    let token = app.token(Role::Marketer, None).await;
    let c = app.signed_in_marketer().await;
    drop(c);
    let stored: Vec<String> = sqlx::query_scalar(
        "SELECT token_hash FROM api_tokens UNION ALL SELECT token_hash FROM sessions",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("hashes");
    assert_eq!(stored.len(), 2);
    assert!(
        stored
            .iter()
            .all(|h| h.len() == 64 && !token.contains(h.as_str()))
    );
    let pw: String = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_one(&app.db.pool)
        .await
        .expect("pw");
    assert!(pw.starts_with("$argon2id$"), "passwords use Argon2id");
}
