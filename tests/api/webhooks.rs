//! Webhooks (issue #15): an integration's endpoint, started here, hears of each redemption and
//! visit through the outbox — signed with its secret, retried when it fails, the same delivery
//! id each time — and of nothing it did not ask for.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxStatus};
use axum::routing::post;
use chrono::Duration;
use domain::ops::messages::Worker;
use domain::types::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{promo, spawn_app};

#[derive(Clone, Debug)]
struct Delivery {
    event: String,
    id: String,
    signature: String,
    body: String,
}

#[derive(Default)]
struct Endpoint {
    /// Answer 500 to this many requests first.
    fail: usize,
    got: Vec<Delivery>,
}

async fn receive(
    State(s): State<Arc<Mutex<Endpoint>>>,
    headers: HeaderMap,
    body: String,
) -> (AxStatus, &'static str) {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let mut s = s.lock().expect("endpoint");
    s.got.push(Delivery {
        event: h("x-sarafan-event"),
        id: h("x-sarafan-delivery"),
        signature: h("x-sarafan-signature"),
        body,
    });
    if s.fail > 0 {
        s.fail -= 1;
        return (AxStatus::INTERNAL_SERVER_ERROR, "down for a moment");
    }
    (AxStatus::OK, "ok")
}

async fn endpoint(fail: usize) -> (String, Arc<Mutex<Endpoint>>) {
    let state = Arc::new(Mutex::new(Endpoint {
        fail,
        got: Vec::new(),
    }));
    let app = axum::Router::new()
        .route("/hooks/sarafan", post(receive))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hooks/sarafan"), state)
}

#[tokio::test]
async fn a_redemption_and_a_visit_reach_the_integration_signed_and_a_failed_delivery_is_retried() {
    let app = spawn_app().await;
    let (url, got) = endpoint(1).await;
    let marketer = app.api(&app.token(Role::Marketer, None).await);
    let (s, created) = marketer
        .post(
            "/webhooks",
            json!({"url": url, "events": ["redemption", "visit"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let secret = created["secret"].as_str().expect("secret").to_owned();
    assert_eq!(secret.len(), 64);
    let (_, list) = marketer.get("/webhooks").await;
    assert_eq!(list[0]["events"], json!(["redemption", "visit"]));
    assert!(
        !list.to_string().contains(&secret),
        "the secret is shown once"
    );

    // A campaign, a hand-out (nobody asked to hear of those), a redemption.
    let p = promo(
        &marketer,
        json!({}),
        json!({"end_date": "2026-12-20", "valid_until": "2027-01-31"}),
        1,
    )
    .await;
    let (store, campaign, code) = (json!({"id": p.store}), p.campaign, p.codes[0].clone());
    let staff = app.api(&app.token(Role::StoreStaff, store["id"].as_i64()).await);
    let (s, h) = staff
        .post(
            "/handouts",
            json!({"code": code, "name": "Анна Иванова", "phone": "+7 916 111-22-33", "consent": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    let reception = app.api(&app.token(Role::Reception, None).await);
    let (s, r) = reception
        .post(
            "/redemptions",
            json!({"code": code, "idempotency_key": "anna-1"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");

    // The endpoint fails the first time; 30 s later it gets the same delivery again.
    let worker = Worker::new(app.db.clone(), "worker-a");
    let t = worker.tick().await.expect("tick");
    assert_eq!((t.sent, t.retried), (0, 1), "{t:?}");
    app.clock().advance(Duration::seconds(31));
    let t = worker.tick().await.expect("tick");
    assert_eq!(t.sent, 1, "{t:?}");
    let seen = got.lock().expect("endpoint").got.clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(
        seen[0].id, seen[1].id,
        "a retry carries the same delivery id"
    );
    assert_eq!(seen[1].event, "redemption");
    assert_eq!(
        seen[1].signature,
        domain::webhooks::signature(&secret, &seen[1].body)
    );
    assert_ne!(
        seen[1].signature,
        domain::webhooks::signature("another secret", &seen[1].body)
    );
    let body: Value = serde_json::from_str(&seen[1].body).expect("json");
    assert_eq!(body["event"], "redemption");
    assert_eq!(body["data"]["certificate"], json!(code));
    assert_eq!(body["data"]["campaign_id"], json!(campaign));
    assert!(
        !seen[1].body.contains("916"),
        "no phone leaves: {}",
        seen[1].body
    );

    // A visit and its revenue.
    let (s, v) = reception
        .post("/visits", json!({"code": code, "amount": "12 500"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(worker.tick().await.expect("tick").sent, 1);
    let seen = got.lock().expect("endpoint").got.clone();
    let visit: Value = serde_json::from_str(&seen[2].body).expect("json");
    assert_eq!(
        (seen[2].event.as_str(), &visit["data"]["amount_kopecks"]),
        ("visit", &json!(1_250_000))
    );

    // Removed: nothing more is queued for it.
    let id = created["webhook"]["id"].as_i64().expect("id");
    let (s, _) = marketer.delete(&format!("/webhooks/{id}")).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let before = app.count("messages").await;
    reception
        .post("/visits", json!({"code": code, "amount": "3 000"}))
        .await;
    assert_eq!(app.count("messages").await, before);
}
