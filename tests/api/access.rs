//! The access policy seen from outside: every route of the app — the pages (from the Leptos
//! router), the server functions (from their registry) and the JSON API (from the OpenAPI
//! document, which is built from the API router) — asked by every role, every answer checked
//! against the table below. The table is written by hand from what each role's work needs; it
//! does not read `domain::policy`. A route the table does not list fails the test, so a new
//! route cannot go unchecked.

use std::collections::BTreeSet;

use domain::auth::Actor;
use domain::ids::{CampaignId, StoreId};
use domain::model::{BatchInput, CampaignInput, CostInput, PartnerInput, StoreInput};
use domain::ops;
use domain::types::Role;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use server_fn::ServerFn;

use crate::helpers::{TestApp, spawn_app};

/// Who asks, in the order of the expectation strings below.
const WHO: [&str; 6] = [
    "anonymous",
    "marketer",
    "reception",
    "staff of a store in the campaign",
    "staff of a store outside it",
    "mystery shopper",
];

/// One expected answer:
/// `y` allowed (anything but 401/403 and server errors), `n` refused (403; anonymous: 401 or a
/// redirect to the sign-in page), `h` hidden by the store scope (404), `p` public (no server
/// error, whoever asks).
fn check(who: &str, what: &str, expected: char, status: StatusCode, location: Option<&str>) {
    let s = status.as_u16();
    let ok = match expected {
        'y' => s != 401 && s != 403 && s < 500,
        'n' if who == "anonymous" => s == 401 || (s == 303 && location == Some("/login")),
        'n' => s == 403,
        'h' => s == 404,
        'p' => s < 500,
        _ => false,
    };
    assert!(
        ok,
        "{what} asked by {who}: expected {expected:?}, got {status} (location {location:?})"
    );
}

/// The seeded clinic: a campaign with partner P1 (store A); partner P2 (store B) is not in it.
struct Seed {
    campaign: i64,
    partner_in: i64,
    store_in: i64,
    code: String,
    form_batch: i64,
    /// A checklist task of the campaign.
    task: i64,
    /// This week's mystery-shopper visit (unannounced, no shopper assigned).
    visit: i64,
}

async fn seed(app: &TestApp) -> Seed {
    let sys = Actor::system();
    let db = &app.db;
    let partner = |name: &str| PartnerInput {
        name: name.into(),
        notes: "Договор до марта, скидка 10% нашим сотрудникам".into(),
        ..Default::default()
    };
    let p1 = ops::partners::create_partner(db, &sys, &partner("Фитнес «Атлет»"))
        .await
        .expect("p1");
    let p2 = ops::partners::create_partner(db, &sys, &partner("Кафе «Ромашка»"))
        .await
        .expect("p2");
    let store = |partner_id: i64, name: &str| StoreInput {
        partner_id,
        name: name.into(),
        address: "Тверская, 1".into(),
        ..Default::default()
    };
    let a = ops::partners::create_store(db, &sys, &store(p1.id, "Атлет на Тверской"))
        .await
        .expect("store a");
    let b = ops::partners::create_store(db, &sys, &store(p2.id, "Ромашка"))
        .await
        .expect("store b");
    let campaign = ops::campaigns::create(
        db,
        &sys,
        &CampaignInput {
            name: "Зимняя улыбка".into(),
            start_date: "2026-11-16".into(),
            end_date: "2027-01-31".into(),
            face_value: "500".into(),
            valid_until: "2027-02-28".into(),
            status: "active".into(),
            partner_ids: vec![p1.id],
            ..Default::default()
        },
    )
    .await
    .expect("campaign");
    let c1 = CampaignId(campaign.id);
    ops::campaigns::add_cost(
        db,
        &sys,
        c1,
        &CostInput {
            category: "printing".into(),
            amount: "12 000".into(),
            spent_on: "2026-11-20".into(),
            ..Default::default()
        },
    )
    .await
    .expect("cost");
    ops::certificates::create_batch(
        db,
        &sys,
        c1,
        &BatchInput {
            count: "5".into(),
            store_ids: vec![a.id],
        },
    )
    .await
    .expect("batch");
    let form_batch = ops::certificates::create_form_batch(db, &sys, c1, Some(StoreId(a.id)), "1")
        .await
        .expect("forms");
    let code = ops::certificates::list(db, &sys, c1, &Default::default(), "")
        .await
        .expect("certificates")[0]
        .code
        .clone();
    let _ = b;
    let task: i64 = sqlx::query_scalar("SELECT MIN(id) FROM tasks")
        .fetch_one(&db.pool)
        .await
        .expect("a task");
    ops::shopper::ensure_week(db, c1).await.expect("rotation");
    let visit: i64 = sqlx::query_scalar("SELECT MIN(id) FROM shopper_visits")
        .fetch_one(&db.pool)
        .await
        .expect("a visit");
    Seed {
        campaign: campaign.id,
        partner_in: p1.id,
        store_in: a.id,
        code,
        form_batch: form_batch.id,
        task,
        visit,
    }
}

/// A client for each of [`WHO`]: anonymous, then people signed in with a session cookie.
async fn people(app: &TestApp, s: &Seed) -> Vec<Client> {
    let store_out = ops::partners::list_stores(&app.db, &Actor::system(), None)
        .await
        .expect("stores")
        .into_iter()
        .find(|x| x.id != s.store_in)
        .expect("store b")
        .id;
    let mut clients = vec![app.browser()];
    for (role, store, name) in [
        (Role::Marketer, None, "Анна"),
        (Role::Reception, None, "Регистратура"),
        (Role::StoreStaff, Some(s.store_in), "Мария"),
        (Role::StoreStaff, Some(store_out), "Олег"),
        (Role::MysteryShopper, None, "Тайный покупатель"),
    ] {
        clients.push(app.person(role, store, name).await.1.raw().clone());
    }
    clients
}

// ---------- pages ----------

/// Every page of the Leptos router: (path as the router writes it, a real path, expected).
fn page_table(s: &Seed) -> Vec<(&'static str, String, &'static str)> {
    let c = s.campaign;
    vec![
        ("/", "/".into(), "nyyyyy"),
        ("/campaigns", "/campaigns".into(), "nynnnn"),
        ("/campaigns/:id", format!("/campaigns/{c}"), "nynnnn"),
        (
            "/campaigns/:id/certificates",
            format!("/campaigns/{c}/certificates"),
            "nynnnn",
        ),
        (
            "/campaigns/:id/stock",
            format!("/campaigns/{c}/stock"),
            "nynnnn",
        ),
        (
            "/campaigns/:id/report",
            format!("/campaigns/{c}/report"),
            "nynnnn",
        ),
        (
            "/campaigns/:id/motivation",
            format!("/campaigns/{c}/motivation"),
            "nynnnn",
        ),
        (
            "/campaigns/:id/stores/:store",
            format!("/campaigns/{c}/stores/{}", s.store_in),
            "nynnnn",
        ),
        ("/stock", "/stock".into(), "nnnyyn"),
        ("/tasks", "/tasks".into(), "nynnnn"),
        ("/tasks/:id", format!("/tasks/{}", s.task), "nynnnn"),
        ("/checklist", "/checklist".into(), "nynnnn"),
        ("/shopper-visits", "/shopper-visits".into(), "nynnnn"),
        (
            "/shopper-visits/:id",
            format!("/shopper-visits/{}", s.visit),
            "nynyyy",
        ),
        (
            "/campaigns/:id/shopper-questions",
            format!("/campaigns/{c}/shopper-questions"),
            "nynnnn",
        ),
        ("/v/:secret", "/v/0123456789abcdef".into(), "pppppp"),
        ("/handout", "/handout".into(), "nnnyyn"),
        ("/checkin", "/checkin".into(), "nyynnn"),
        ("/partners", "/partners".into(), "nynnnn"),
        (
            "/partners/:id",
            format!("/partners/{}", s.partner_in),
            "nynnnn",
        ),
        ("/people", "/people".into(), "nynnnn"),
        ("/participants", "/participants".into(), "nynnnn"),
        ("/participants/:id", "/participants/1".into(), "nynnnn"),
        (
            "/campaigns/:id/import",
            format!("/campaigns/{c}/import"),
            "nynnnn",
        ),
        ("/settings", "/settings".into(), "nynnnn"),
        ("/messages", "/messages".into(), "nynnnn"),
        ("/login", "/login".into(), "pppppp"),
        ("/setup/:token", "/setup/nope".into(), "pppppp"),
        ("/invite/:token", "/invite/nope".into(), "pppppp"),
        ("/c/:code", format!("/c/{}", s.code), "pppppp"),
        (
            "/join/:campaign/:store",
            format!("/join/{c}/{}", s.store_in),
            "pppppp",
        ),
    ]
}

/// The pages as the router lists them, with `{param}` written as `:param`.
fn discovered_pages() -> BTreeSet<String> {
    leptos_axum::generate_route_list(app::App)
        .iter()
        .map(|r| {
            r.path()
                .split('/')
                .map(|seg| {
                    seg.strip_prefix('{')
                        .and_then(|x| x.strip_suffix('}'))
                        .map(|p| format!(":{p}"))
                        .unwrap_or_else(|| seg.to_owned())
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .map(|p| if p.is_empty() { "/".into() } else { p })
        .collect()
}

// ---------- server functions ----------

/// Every server function: (its path, form arguments, expected). Writes get arguments that the
/// rules refuse *after* the policy has let the caller through, so nothing changes.
/// A server function's row: its path, form arguments, expected answers.
type FnRow = (&'static str, Vec<(&'static str, String)>, &'static str);

fn server_fn_table(s: &Seed) -> Vec<FnRow> {
    use app::server_fns::*;
    let c = s.campaign.to_string();
    let code = s.code.clone();
    let none = Vec::new;
    let id = |v: &str| vec![("id", v.to_owned())];
    let campaign = || vec![("campaign_id", c.clone())];
    vec![
        (GetMe::PATH, none(), "pppppp"),
        (
            Login::PATH,
            vec![
                ("email", "x@clinic.test".into()),
                ("password", "wrong".into()),
            ],
            "pppppp",
        ),
        (
            SetupLinkValid::PATH,
            vec![("token", "nope".into())],
            "pppppp",
        ),
        (
            CompleteSetup::PATH,
            vec![
                ("token", "nope".into()),
                ("name", String::new()),
                ("email", String::new()),
                ("password", String::new()),
            ],
            "pppppp",
        ),
        (
            InvitePreview::PATH,
            vec![("token", "nope".into())],
            "pppppp",
        ),
        (AcceptInvite::PATH, vec![("token", "nope".into())], "pppppp"),
        (Overview::PATH, none(), "nynnnn"),
        (GetAttention::PATH, none(), "nyyyyy"),
        (ListTasks::PATH, vec![("state", "open".into())], "nynnnn"),
        (GetTask::PATH, id(&s.task.to_string()), "nynnnn"),
        (
            SaveTask::PATH,
            vec![("id", s.task.to_string()), ("state", "finished".into())],
            "nynnnn",
        ),
        (
            AddTaskComment::PATH,
            vec![("id", s.task.to_string()), ("body", String::new())],
            "nynnnn",
        ),
        (ChecklistTemplate::PATH, none(), "nynnnn"),
        (
            SaveChecklistItem::PATH,
            vec![
                ("code", String::new()),
                ("title", String::new()),
                ("schedule", String::new()),
                ("role", String::new()),
            ],
            "nynnnn",
        ),
        (GetStockBoard::PATH, campaign(), "nynnnn"),
        (GetFinalReport::PATH, campaign(), "nynnnn"),
        (GetWeeklySummary::PATH, campaign(), "nynnnn"),
        (GetMotivation::PATH, campaign(), "nynnnn"),
        (
            SaveMotivationRules::PATH,
            vec![("campaign_id", c.clone()), ("per_handout", "много".into())],
            "nynnnn",
        ),
        (
            PayMotivationWeek::PATH,
            vec![("campaign_id", c.clone()), ("week", "2020-01-06".into())],
            "nynnnn",
        ),
        (
            ReviewMotivation::PATH,
            vec![
                ("campaign_id", c.clone()),
                ("week", "2020-01-06".into()),
                ("employee_id", "1".into()),
                ("decision", "release".into()),
            ],
            "nynnnn",
        ),
        (MyStanding::PATH, none(), "nnnyyn"),
        (
            RecordMovement::PATH,
            vec![
                ("campaign_id", c.clone()),
                ("store_id", s.store_in.to_string()),
                ("kind_id", "1".into()),
                ("movement", "delivered".into()),
                ("quantity", String::new()),
            ],
            "nynnnn",
        ),
        (
            StoreOverview::PATH,
            vec![
                ("campaign_id", c.clone()),
                ("store_id", s.store_in.to_string()),
            ],
            "nynnnn",
        ),
        (MyStock::PATH, none(), "nnnyyn"),
        (
            CountStock::PATH,
            vec![
                ("campaign_id", c.clone()),
                ("kind_id", "1".into()),
                ("quantity", String::new()),
            ],
            "nnnynn",
        ),
        (
            RequestStock::PATH,
            vec![("campaign_id", c.clone()), ("quantity", "много".into())],
            "nnnynn",
        ),
        (MaterialKinds::PATH, none(), "nynyyn"),
        (
            SaveMaterialKind::PATH,
            vec![("name", String::new())],
            "nynnnn",
        ),
        (DoctorBriefings::PATH, campaign(), "nynnnn"),
        (
            RecordDoctorBriefing::PATH,
            vec![("campaign_id", c.clone()), ("doctor", String::new())],
            "nynnnn",
        ),
        (ReceptionBriefings::PATH, none(), "nyyyyy"),
        (ConfirmBriefing::PATH, campaign(), "nnynnn"),
        (ShopperHome::PATH, none(), "nyyyyy"),
        (GetShopperBoard::PATH, none(), "nynnnn"),
        (GetShopperVisit::PATH, id(&s.visit.to_string()), "nynhhh"),
        (
            UpdateShopperVisit::PATH,
            vec![("id", s.visit.to_string()), ("state", "bogus".into())],
            "nynnnn",
        ),
        (
            MakeShopperLink::PATH,
            vec![
                ("id", s.visit.to_string()),
                ("shopper_name", "я".repeat(500)),
            ],
            "nynnnn",
        ),
        (GetShopperQuestions::PATH, campaign(), "nynnnn"),
        (
            SaveShopperQuestions::PATH,
            vec![("campaign_id", c.clone()), ("pass_mark", "много".into())],
            "nynnnn",
        ),
        (
            CorrectShopperVisit::PATH,
            id(&s.visit.to_string()),
            "nynnnn",
        ),
        (MyShopperVisits::PATH, none(), "nyyyyy"),
        (StoreShopperVisits::PATH, none(), "nyyyyy"),
        (
            LinkShopperVisit::PATH,
            vec![("secret", "nope".into())],
            "pppppp",
        ),
        (ListCampaigns::PATH, none(), "nyyyyy"),
        (GetCampaign::PATH, id(&c), "nyyyny"),
        (
            SaveCampaign::PATH,
            vec![
                ("name", String::new()),
                ("start_date", String::new()),
                ("end_date", String::new()),
                ("face_value", String::new()),
                ("valid_until", String::new()),
                ("terms", String::new()),
                ("status", "draft".into()),
            ],
            "nynnnn",
        ),
        (ListCosts::PATH, campaign(), "nynnnn"),
        (
            AddCost::PATH,
            vec![
                ("campaign_id", c.clone()),
                ("category", "pizza".into()),
                ("amount", String::new()),
                ("spent_on", String::new()),
                ("note", String::new()),
            ],
            "nynnnn",
        ),
        (DeleteCost::PATH, id("999999"), "nynnnn"),
        (ListPartners::PATH, none(), "nyyyyy"),
        (GetPartner::PATH, id(&s.partner_in.to_string()), "nyyyhy"),
        (
            SavePartner::PATH,
            vec![
                ("name", String::new()),
                ("contact_person", String::new()),
                ("phone", String::new()),
                ("email", String::new()),
                ("notes", String::new()),
            ],
            "nynnnn",
        ),
        (ListStores::PATH, none(), "nyyyyy"),
        (
            SaveStore::PATH,
            vec![
                ("partner_id", s.partner_in.to_string()),
                ("name", String::new()),
                ("address", String::new()),
                ("opening_hours", String::new()),
                ("admin_name", String::new()),
                ("admin_phone", String::new()),
            ],
            "nynnnn",
        ),
        (ListPeople::PATH, none(), "nynnnn"),
        (
            SearchParticipants::PATH,
            vec![("query", "Анна".into())],
            "nynnnn",
        ),
        (GetParticipant::PATH, id("999999"), "nynnnn"),
        (WithdrawParticipantConsent::PATH, id("999999"), "nynnnn"),
        (AnonymiseParticipant::PATH, id("999999"), "nynnnn"),
        (FormImportHistory::PATH, campaign(), "nynnnn"),
        (GetFormImport::PATH, id("999999"), "nynnnn"),
        (
            SetFormImportMapping::PATH,
            vec![("id", "999999".into()), ("columns[0]", "name".into())],
            "nynnnn",
        ),
        (ConfirmFormImport::PATH, id("999999"), "nynnnn"),
        (ListInvites::PATH, none(), "nynnnn"),
        (
            InvitePerson::PATH,
            vec![
                ("name", String::new()),
                ("phone", String::new()),
                ("email", String::new()),
                ("role", String::new()),
                ("store_id", String::new()),
            ],
            "nynnnn",
        ),
        (
            Reinvite::PATH,
            vec![("person_id", "999999".into())],
            "nynnnn",
        ),
        (
            SetPersonActive::PATH,
            vec![("person_id", "999999".into()), ("active", "true".into())],
            "nynnnn",
        ),
        (RevokeInvite::PATH, id("999999"), "nynnnn"),
        (ListSessions::PATH, none(), "nyyyyy"),
        (EndSession::PATH, id("999999"), "nyyyyy"),
        (GetSettings::PATH, none(), "nynnnn"),
        (GetOutbox::PATH, vec![("status", String::new())], "nynnnn"),
        (ResendMessage::PATH, id("999999"), "nynnnn"),
        (GetMessageSettings::PATH, none(), "nynnnn"),
        (SendTestSms::PATH, vec![("to", "12".into())], "nynnnn"),
        (ListWebhooks::PATH, none(), "nynnnn"),
        (
            AddWebhook::PATH,
            vec![("url", "ftp://crm.test".into())],
            "nynnnn",
        ),
        (DeleteWebhook::PATH, id("999999"), "nynnnn"),
        (
            SaveMessageSettings::PATH,
            vec![("sms_mode", "carrier-pigeon".into())],
            "nynnnn",
        ),
        (
            SaveSettings::PATH,
            vec![
                ("name", String::new()),
                ("address", String::new()),
                ("phone", String::new()),
                ("public_url", String::new()),
                ("time_zone", String::new()),
            ],
            "nynnnn",
        ),
        (ListTokens::PATH, none(), "nynnnn"),
        (
            CreateToken::PATH,
            vec![("name", String::new()), ("role", "marketer".into())],
            "nynnnn",
        ),
        (RevokeToken::PATH, id("999999"), "nynnnn"),
        (
            AddClinicService::PATH,
            vec![("name", String::new())],
            "nynnnn",
        ),
        (HideClinicService::PATH, id("999999"), "nynnnn"),
        (ListBatches::PATH, campaign(), "nynnnn"),
        (CertificateStock::PATH, campaign(), "nynynn"),
        (
            CreateBatch::PATH,
            vec![("campaign_id", c.clone()), ("count", "0".into())],
            "nynnnn",
        ),
        (
            MoveCertificates::PATH,
            vec![
                ("campaign_id", c.clone()),
                ("first_serial", String::new()),
                ("last_serial", String::new()),
                ("store_id", String::new()),
                ("reason", String::new()),
            ],
            "nynnnn",
        ),
        (
            VoidCertificate::PATH,
            vec![("code", String::new()), ("reason", String::new())],
            "nynnnn",
        ),
        (GetCampaignTexts::PATH, campaign(), "nynynn"),
        (
            SaveCampaignTexts::PATH,
            vec![
                ("campaign_id", c.clone()),
                ("cert_title", "я".repeat(81)),
                ("cert_text", String::new()),
                ("regulations", String::new()),
                ("consent_text", String::new()),
                ("poster_headline", String::new()),
                ("poster_text", String::new()),
            ],
            "nynnnn",
        ),
        (
            CreateFormBatch::PATH,
            vec![
                ("campaign_id", c.clone()),
                ("store_id", String::new()),
                ("count", "0".into()),
            ],
            "nynnnn",
        ),
        (ListFormBatches::PATH, campaign(), "nynnnn"),
        (StockForecast::PATH, campaign(), "nynynn"),
        (
            GetPublicCertificate::PATH,
            vec![("code", code.clone())],
            "pppppp",
        ),
        (
            CheckinCheck::PATH,
            vec![("code", "nonsense".into())],
            "nyynnn",
        ),
        (
            CheckinRedeem::PATH,
            vec![("code", code.clone()), ("idempotency_key", String::new())],
            "nyynnn",
        ),
        (
            CheckinUndo::PATH,
            vec![("code", code.clone()), ("reason", String::new())],
            "nyynnn",
        ),
        (
            CheckinVisit::PATH,
            vec![("code", code.clone()), ("amount", String::new())],
            "nyynnn",
        ),
        (CheckinVisits::PATH, vec![("code", code.clone())], "nyynnn"),
        (ClinicServices::PATH, none(), "nyynnn"),
        (CampaignAttribution::PATH, campaign(), "nynnnn"),
        (StaffHome::PATH, none(), "nyyyyy"),
        (ReadRegulations::PATH, campaign(), "nnnynn"),
        (HandoutConflicts::PATH, campaign(), "nynnnn"),
        (
            ResolveHandoutConflict::PATH,
            vec![("id", "999999".into()), ("resolution", String::new())],
            "nynnnn",
        ),
        (
            GetJoinInfo::PATH,
            vec![
                ("campaign_id", c.clone()),
                ("store_id", s.store_in.to_string()),
            ],
            "pppppp",
        ),
        (
            JoinCampaign::PATH,
            vec![
                ("campaign_id", c.clone()),
                ("store_id", s.store_in.to_string()),
                ("name", String::new()),
                ("phone", String::new()),
            ],
            "pppppp",
        ),
        (
            ConfirmPhone::PATH,
            vec![("code", code.clone()), ("sms_code", "000000".into())],
            "pppppp",
        ),
        // Last: it ends the session it is called with.
        (Logout::PATH, none(), "pppppp"),
    ]
}

// ---------- the JSON API ----------

/// Every route of the API: (method, path as documented, a real path, a JSON body, expected).
fn api_table(
    s: &Seed,
) -> Vec<(
    &'static str,
    &'static str,
    String,
    Option<Value>,
    &'static str,
)> {
    let c = s.campaign;
    let (a, p1, code, t, v) = (s.store_in, s.partner_in, s.code.clone(), s.task, s.visit);
    let campaign_body = json!({"name": "", "start_date": "", "end_date": "", "valid_until": ""});
    vec![
        (
            "get",
            "/api/v1/campaigns",
            "/campaigns".into(),
            None,
            "nyyyyy",
        ),
        (
            "post",
            "/api/v1/campaigns",
            "/campaigns".into(),
            Some(campaign_body.clone()),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}",
            format!("/campaigns/{c}"),
            None,
            "nyyyny",
        ),
        (
            "put",
            "/api/v1/campaigns/{id}",
            format!("/campaigns/{c}"),
            Some(campaign_body),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/costs",
            format!("/campaigns/{c}/costs"),
            None,
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/campaigns/{id}/costs",
            format!("/campaigns/{c}/costs"),
            Some(json!({"category": "pizza", "spent_on": ""})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/partners",
            "/partners".into(),
            None,
            "nyyyyy",
        ),
        (
            "post",
            "/api/v1/partners",
            "/partners".into(),
            Some(json!({"name": ""})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/partners/{id}",
            format!("/partners/{p1}"),
            None,
            "nyyyhy",
        ),
        (
            "put",
            "/api/v1/partners/{id}",
            format!("/partners/{p1}"),
            Some(json!({"name": ""})),
            "nynnnn",
        ),
        ("get", "/api/v1/stores", "/stores".into(), None, "nyyyyy"),
        (
            "post",
            "/api/v1/stores",
            "/stores".into(),
            Some(json!({"partner_id": p1, "name": ""})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/stores/{id}",
            format!("/stores/{a}"),
            None,
            "nyyyny",
        ),
        (
            "put",
            "/api/v1/stores/{id}",
            format!("/stores/{a}"),
            Some(json!({"partner_id": p1, "name": ""})),
            "nynnnn",
        ),
        ("get", "/api/v1/people", "/people".into(), None, "nynnnn"),
        (
            "get",
            "/api/v1/participants",
            "/participants?q=Анна".into(),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/participants/{id}",
            "/participants/999999".into(),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/participants/{id}/export",
            "/participants/999999/export".into(),
            None,
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/participants/{id}/withdraw-consent",
            "/participants/999999/withdraw-consent".into(),
            None,
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/participants/{id}/anonymise",
            "/participants/999999/anonymise".into(),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/imports",
            format!("/campaigns/{c}/imports"),
            None,
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/campaigns/{id}/imports",
            format!("/campaigns/{c}/imports"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/imports/{id}",
            "/imports/999999".into(),
            None,
            "nynnnn",
        ),
        (
            "put",
            "/api/v1/imports/{id}/mapping",
            "/imports/999999/mapping".into(),
            Some(json!({"columns": ["name"]})),
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/imports/{id}/confirm",
            "/imports/999999/confirm".into(),
            None,
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/people",
            "/people".into(),
            Some(json!({"name": "", "role": ""})),
            "nynnnn",
        ),
        (
            "put",
            "/api/v1/people/{id}/active",
            "/people/999999/active".into(),
            Some(json!({"active": true})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/batches",
            format!("/campaigns/{c}/batches"),
            None,
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/campaigns/{id}/batches",
            format!("/campaigns/{c}/batches"),
            Some(json!({"count": "0"})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/stock",
            format!("/campaigns/{c}/stock"),
            None,
            "nynynn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/stock-forecast",
            format!("/campaigns/{c}/stock-forecast"),
            None,
            "nynynn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/certificates",
            format!("/campaigns/{c}/certificates"),
            None,
            "nynynn",
        ),
        (
            "post",
            "/api/v1/campaigns/{id}/certificate-moves",
            format!("/campaigns/{c}/certificate-moves"),
            Some(json!({"first_serial": "", "last_serial": ""})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/texts",
            format!("/campaigns/{c}/texts"),
            None,
            "nynynn",
        ),
        (
            "put",
            "/api/v1/campaigns/{id}/texts",
            format!("/campaigns/{c}/texts"),
            Some(json!({"cert_title": "я".repeat(81)})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/form-batches",
            format!("/campaigns/{c}/form-batches"),
            None,
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/campaigns/{id}/form-batches",
            format!("/campaigns/{c}/form-batches"),
            Some(json!({"count": "0"})),
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/certificates/void",
            "/certificates/void".into(),
            Some(json!({"code": "", "reason": ""})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/certificates/{code}",
            format!("/certificates/{code}"),
            None,
            "pppppp",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/certificates/pdf",
            format!("/campaigns/{c}/certificates/pdf?from=1&to=1"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/form-batches/{id}/pdf",
            format!("/form-batches/{}/pdf", s.form_batch),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/stores/{store_id}/poster/pdf",
            format!("/campaigns/{c}/stores/{a}/poster/pdf"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/regulations/pdf",
            format!("/campaigns/{c}/regulations/pdf"),
            None,
            "nynynn",
        ),
        (
            "post",
            "/api/v1/handouts",
            "/handouts".into(),
            Some(json!({"code": "", "name": "", "phone": ""})),
            "nynyyn",
        ),
        (
            "get",
            "/api/v1/handouts",
            "/handouts".into(),
            None,
            "nynyyn",
        ),
        (
            "get",
            "/api/v1/checkin/{code}",
            format!("/checkin/{code}"),
            None,
            "nyynnn",
        ),
        (
            "post",
            "/api/v1/redemptions",
            "/redemptions".into(),
            Some(json!({"code": code, "idempotency_key": ""})),
            "nyynnn",
        ),
        (
            "post",
            "/api/v1/redemptions/undo",
            "/redemptions/undo".into(),
            Some(json!({"code": code, "reason": ""})),
            "nyynnn",
        ),
        (
            "post",
            "/api/v1/visits",
            "/visits".into(),
            Some(json!({"amount": ""})),
            "nyynnn",
        ),
        (
            "get",
            "/api/v1/certificates/{code}/visits",
            format!("/certificates/{code}/visits"),
            None,
            "nyynnn",
        ),
        (
            "get",
            "/api/v1/services",
            "/services".into(),
            None,
            "nyynnn",
        ),
        (
            "post",
            "/api/v1/services",
            "/services".into(),
            Some(json!({"name": ""})),
            "nynnnn",
        ),
        (
            "delete",
            "/api/v1/services/{id}",
            "/services/999999".into(),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/attribution",
            format!("/campaigns/{c}/attribution"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/handout-conflicts",
            "/handout-conflicts".into(),
            None,
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/handout-conflicts/{id}/resolve",
            "/handout-conflicts/999999/resolve".into(),
            Some(json!({"resolution": ""})),
            "nynnnn",
        ),
        // ---- the checklist ----
        (
            "get",
            "/api/v1/attention",
            "/attention".into(),
            None,
            "nynnnn",
        ),
        ("get", "/api/v1/tasks", "/tasks".into(), None, "nynnnn"),
        (
            "get",
            "/api/v1/campaigns/{id}/tasks",
            format!("/campaigns/{c}/tasks"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/tasks/{id}",
            format!("/tasks/{t}"),
            None,
            "nynnnn",
        ),
        (
            "put",
            "/api/v1/tasks/{id}",
            format!("/tasks/{t}"),
            Some(json!({"state": "finished"})),
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/tasks/{id}/comments",
            format!("/tasks/{t}/comments"),
            Some(json!({"body": ""})),
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/tasks/{id}/photos",
            format!("/tasks/{t}/photos"),
            Some(json!({"not": "a photo"})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/task-photos/{id}",
            "/task-photos/999999".into(),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/checklist",
            "/checklist".into(),
            None,
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/checklist",
            "/checklist".into(),
            Some(json!({"code": "", "title": "", "schedule": "", "role": ""})),
            "nynnnn",
        ),
        (
            "put",
            "/api/v1/checklist/{id}",
            "/checklist/1".into(),
            Some(json!({"code": "", "title": "", "schedule": "", "role": ""})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/stores/{store}/overview",
            format!("/campaigns/{c}/stores/{a}/overview"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/doctor-briefings",
            format!("/campaigns/{c}/doctor-briefings"),
            None,
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/campaigns/{id}/doctor-briefings",
            format!("/campaigns/{c}/doctor-briefings"),
            Some(json!({"doctor": ""})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/briefings",
            "/briefings".into(),
            None,
            "nnynnn",
        ),
        (
            "post",
            "/api/v1/campaigns/{id}/briefing",
            format!("/campaigns/{c}/briefing"),
            None,
            "nnynnn",
        ),
        // ---- materials ----
        (
            "get",
            "/api/v1/materials",
            "/materials".into(),
            None,
            "nynyyn",
        ),
        (
            "post",
            "/api/v1/materials",
            "/materials".into(),
            Some(json!({"name": ""})),
            "nynnnn",
        ),
        (
            "put",
            "/api/v1/materials/{id}",
            "/materials/1".into(),
            Some(json!({"name": ""})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/stock-board",
            format!("/campaigns/{c}/stock-board"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/movements",
            format!("/campaigns/{c}/movements"),
            None,
            "nynynn",
        ),
        (
            "post",
            "/api/v1/campaigns/{id}/movements",
            format!("/campaigns/{c}/movements"),
            Some(json!({"store_id": a, "kind_id": 1, "movement": "delivered", "quantity": ""})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/my-store/stock",
            "/my-store/stock".into(),
            None,
            "nnnyyn",
        ),
        (
            "post",
            "/api/v1/my-store/counts",
            "/my-store/counts".into(),
            Some(json!({"campaign_id": c, "kind_id": 1, "quantity": ""})),
            "nnnynn",
        ),
        (
            "post",
            "/api/v1/my-store/requests",
            "/my-store/requests".into(),
            Some(json!({"campaign_id": c, "quantity": "много"})),
            "nnnynn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/weekly-summary",
            format!("/campaigns/{c}/weekly-summary"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/weekly-summary/xlsx",
            format!("/campaigns/{c}/weekly-summary/xlsx"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/weekly-summary/csv",
            format!("/campaigns/{c}/weekly-summary/csv"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/report",
            format!("/campaigns/{c}/report"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/report/xlsx",
            format!("/campaigns/{c}/report/xlsx"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/report/csv",
            format!("/campaigns/{c}/report/csv"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/report/pdf",
            format!("/campaigns/{c}/report/pdf"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/exports/{kind}/{format}",
            format!("/campaigns/{c}/exports/participants/xlsx"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/exports/{kind}/{format}",
            format!("/campaigns/{c}/exports/handouts/csv"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/motivation",
            format!("/campaigns/{c}/motivation"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/messages",
            "/messages".into(),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/messages",
            format!("/campaigns/{c}/messages"),
            None,
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/messages/{id}/resend",
            "/messages/999999/resend".into(),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/message-settings",
            "/message-settings".into(),
            None,
            "nynnnn",
        ),
        (
            "put",
            "/api/v1/message-settings",
            "/message-settings".into(),
            Some(json!({"sms_mode": "carrier-pigeon"})),
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/message-settings/test",
            "/message-settings/test".into(),
            Some(json!({"phone": "12"})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/webhooks",
            "/webhooks".into(),
            None,
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/webhooks",
            "/webhooks".into(),
            Some(json!({"url": "ftp://nowhere"})),
            "nynnnn",
        ),
        (
            "delete",
            "/api/v1/webhooks/{id}",
            "/webhooks/999999".into(),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/motivation/rules",
            format!("/campaigns/{c}/motivation/rules"),
            None,
            "nynnnn",
        ),
        (
            "put",
            "/api/v1/campaigns/{id}/motivation/rules",
            format!("/campaigns/{c}/motivation/rules"),
            Some(json!({"per_handout": "много"})),
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/campaigns/{id}/motivation/weeks/{week}/payout",
            format!("/campaigns/{c}/motivation/weeks/2020-01-06/payout"),
            None,
            "nynnnn",
        ),
        (
            "put",
            "/api/v1/campaigns/{id}/motivation/weeks/{week}/reviews/{employee}",
            format!("/campaigns/{c}/motivation/weeks/2020-01-06/reviews/1"),
            Some(json!({"decision": "release"})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/my-standing",
            "/my-standing".into(),
            None,
            "nnnyyn",
        ),
        // Mystery-shopper visits: the seed's visit is unannounced and assigned to nobody, so
        // the store and the shopper do not see it.
        (
            "get",
            "/api/v1/campaigns/{id}/shopper-questions",
            format!("/campaigns/{c}/shopper-questions"),
            None,
            "nynnnn",
        ),
        (
            "put",
            "/api/v1/campaigns/{id}/shopper-questions",
            format!("/campaigns/{c}/shopper-questions"),
            Some(json!({"pass_mark": 500, "questions": []})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/shopper-board",
            format!("/campaigns/{c}/shopper-board"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/campaigns/{id}/shopper-trends",
            format!("/campaigns/{c}/shopper-trends"),
            None,
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/shopper-visits",
            "/shopper-visits".into(),
            None,
            "nynyyy",
        ),
        (
            "get",
            "/api/v1/shopper-visits/{id}",
            format!("/shopper-visits/{v}"),
            None,
            "nynhhh",
        ),
        (
            "put",
            "/api/v1/shopper-visits/{id}",
            format!("/shopper-visits/{v}"),
            Some(json!({"state": "bogus"})),
            "nynnnn",
        ),
        (
            "put",
            "/api/v1/shopper-visits/{id}/answers",
            format!("/shopper-visits/{v}/answers"),
            Some(json!({"answers": [{"question": 99, "value": "x"}]})),
            "nnnnnh",
        ),
        (
            "post",
            "/api/v1/shopper-visits/{id}/photos",
            format!("/shopper-visits/{v}/photos?key=k"),
            Some(json!({"not": "a photo"})),
            "nnnnnh",
        ),
        (
            "post",
            "/api/v1/shopper-visits/{id}/sign-off",
            format!("/shopper-visits/{v}/sign-off"),
            Some(json!({})),
            "nnnnnh",
        ),
        (
            "put",
            "/api/v1/shopper-visits/{id}/correction",
            format!("/shopper-visits/{v}/correction"),
            Some(json!({"answers": []})),
            "nynnnn",
        ),
        (
            "post",
            "/api/v1/shopper-visits/{id}/link",
            format!("/shopper-visits/{v}/link"),
            Some(json!({"shopper_name": "я".repeat(500)})),
            "nynnnn",
        ),
        (
            "get",
            "/api/v1/shopper-photos/{id}",
            "/shopper-photos/999999".into(),
            None,
            "nynhhh",
        ),
        (
            "get",
            "/api/v1/shopper-links/{secret}",
            "/shopper-links/0123456789abcdef".into(),
            None,
            "pppppp",
        ),
        (
            "put",
            "/api/v1/shopper-links/{secret}/answers",
            "/shopper-links/0123456789abcdef/answers".into(),
            Some(json!({"answers": []})),
            "pppppp",
        ),
        (
            "post",
            "/api/v1/shopper-links/{secret}/photos",
            "/shopper-links/0123456789abcdef/photos?key=k".into(),
            Some(json!({"not": "a photo"})),
            "pppppp",
        ),
        (
            "post",
            "/api/v1/shopper-links/{secret}/sign-off",
            "/shopper-links/0123456789abcdef/sign-off".into(),
            Some(json!({})),
            "pppppp",
        ),
        (
            "get",
            "/api/v1/shopper-links/{secret}/photos/{id}",
            "/shopper-links/0123456789abcdef/photos/1".into(),
            None,
            "pppppp",
        ),
    ]
}

async fn send(
    client: &Client,
    method: &str,
    url: &str,
    body: Option<&Value>,
) -> (StatusCode, Option<String>) {
    let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
    let mut req = client.request(m, url);
    if let Some(b) = body {
        req = req.json(b);
    }
    let r = req.send().await.expect("request");
    let location = r
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (r.status(), location)
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_access_table_says() {
    let app = spawn_app().await;
    let s = seed(&app).await;
    let who = people(&app, &s).await;

    // Pages: the table covers exactly the router's pages.
    let pages = page_table(&s);
    let listed: BTreeSet<String> = pages.iter().map(|p| p.0.to_owned()).collect();
    assert_eq!(
        discovered_pages(),
        listed,
        "every page of the router has a row in the access table"
    );
    for (pattern, path, expected) in &pages {
        for (i, client) in who.iter().enumerate() {
            let (status, location) = send(client, "get", &app.url(path), None).await;
            let cell = expected.chars().nth(i).expect("cell");
            check(
                WHO[i],
                &format!("page {pattern}"),
                cell,
                status,
                location.as_deref(),
            );
        }
    }

    // The JSON API: the table covers exactly what the OpenAPI document (built from the API
    // router) describes.
    let api = api_table(&s);
    let (_, doc) = app.api("").get("/openapi.json").await;
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            documented.insert((method.clone(), path.clone()));
        }
    }
    let listed: BTreeSet<(String, String)> = api
        .iter()
        .map(|r| (r.0.to_owned(), r.1.to_owned()))
        .collect();
    assert_eq!(
        documented, listed,
        "every documented API route has a row in the access table"
    );
    for (method, documented, path, body, expected) in &api {
        for (i, client) in who.iter().enumerate() {
            let url = app.url(&format!("/api/v1{path}"));
            let (status, location) = send(client, method, &url, body.as_ref()).await;
            let cell = expected.chars().nth(i).expect("cell");
            check(
                WHO[i],
                &format!("{} {documented}", method.to_uppercase()),
                cell,
                status,
                location.as_deref(),
            );
        }
    }

    // Server functions: the table covers exactly the registered ones. Logout comes last.
    let fns = server_fn_table(&s);
    let registered: BTreeSet<String> = server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_owned())
        .collect();
    let listed: BTreeSet<String> = fns.iter().map(|f| f.0.to_owned()).collect();
    assert_eq!(
        registered, listed,
        "every server function has a row in the access table"
    );
    for (path, args, expected) in &fns {
        for (i, client) in who.iter().enumerate() {
            let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = client
                .post(app.url(path))
                .header("accept", "application/json")
                .form(&form)
                .send()
                .await
                .expect("server fn");
            let cell = expected.chars().nth(i).expect("cell");
            check(
                WHO[i],
                &format!("server function {path}"),
                cell,
                r.status(),
                None,
            );
        }
    }
}

#[tokio::test]
async fn partner_staff_reception_and_shoppers_never_see_the_clinics_own_figures() {
    let app = spawn_app().await;
    let s = seed(&app).await;
    let who = people(&app, &s).await;
    let c = s.campaign;
    for (i, client) in who.iter().enumerate().skip(1) {
        let marketer = i == 1;
        let get = |path: String| {
            let client = client.clone();
            let url = app.url(&format!("/api/v1{path}"));
            async move {
                let r = client.get(url).send().await.expect("get");
                (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        let (_, list) = get("/campaigns".into()).await;
        for campaign in list.as_array().expect("campaigns") {
            assert_eq!(
                campaign.get("cost_total").is_some(),
                marketer,
                "{}: the campaign list shows the cost total only to the marketer",
                WHO[i]
            );
        }
        let (status, one) = get(format!("/campaigns/{c}")).await;
        if status == StatusCode::OK {
            assert_eq!(
                one.get("cost_total").and_then(Value::as_i64),
                marketer.then_some(1_200_000),
                "{}: a campaign's cost total is the marketer's alone",
                WHO[i]
            );
        }
        let (_, partners) = get("/partners".into()).await;
        for p in partners.as_array().expect("partners") {
            assert_eq!(
                p["notes"].is_string(),
                marketer,
                "{}: partners' internal notes are the marketer's alone",
                WHO[i]
            );
        }
    }
    // The staff of a store outside the campaign learn nothing of it.
    let outsider = &who[4];
    let (_, list) = {
        let r = outsider
            .get(app.url("/api/v1/campaigns"))
            .send()
            .await
            .expect("get");
        (r.status(), r.json::<Value>().await.expect("json"))
    };
    assert_eq!(list, json!([]), "no campaign of another partner is listed");
    for path in [
        format!("/campaigns/{c}/texts"),
        format!("/campaigns/{c}/regulations/pdf"),
    ] {
        let r = outsider
            .get(app.url(&format!("/api/v1{path}")))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let (_, partners) = {
        let r = outsider
            .get(app.url("/api/v1/partners"))
            .send()
            .await
            .expect("get");
        (r.status(), r.json::<Value>().await.expect("json"))
    };
    let names: Vec<&str> = partners
        .as_array()
        .expect("partners")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["Кафе «Ромашка»"], "only their own partner");
}
