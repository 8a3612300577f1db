//! Server functions: the pages' only way to the server. Each one finds the signed-in actor and
//! calls an operation in `domain::ops`, which checks the role and the store.

use domain::model::*;
use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
use crate::ssr;
#[cfg(feature = "ssr")]
use domain::ops;

/// Runs an operation with the signed-in actor and turns a refusal into the wire error.
#[cfg(feature = "ssr")]
macro_rules! with_actor {
    (|$st:ident, $a:ident| $body:expr) => {{
        let r: Result<_, domain::DomainError> = async {
            let ($st, $a) = ssr::actor().await?;
            #[allow(unused_variables)]
            let _ = (&$st, &$a);
            $body
        }
        .await;
        r.map_err(crate::error::AppError::from)
    }};
}

/// Parses an id from a form `<select>` ("" means none).
#[cfg(feature = "ssr")]
fn opt_id(field: &str, s: &str) -> Result<Option<i64>, domain::DomainError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| domain::DomainError::field(field, domain::ErrorCode::InvalidChoice))
}

// ---------- who am I, sign-in, setup, invites ----------

#[server(prefix = "/sf")]
pub async fn get_me() -> AppResult<Option<Me>> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    match ssr::actor_from_headers(&st.db, &parts.headers).await? {
        Some(a) if a.user_id.is_some() => Ok(Some(ops::people::me(&st.db, &a).await?)),
        _ => Ok(None),
    }
}

#[server(prefix = "/sf")]
pub async fn login(email: String, password: String) -> AppResult<()> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    let client = ssr::client_addr(&parts, st.trust_proxy);
    let secret = domain::auth::login(
        &st.db,
        &email,
        &password,
        &client,
        ssr::user_agent(&parts).as_deref(),
    )
    .await?;
    ssr::set_cookie(&ssr::session_cookie(&secret, st.secure_cookies));
    leptos_axum::redirect("/");
    Ok(())
}

#[server(prefix = "/sf")]
pub async fn logout() -> AppResult<()> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    if let Some(secret) = ssr::cookie(&parts.headers, ssr::SESSION_COOKIE) {
        domain::auth::end_session_by_secret(&st.db, secret).await?;
    }
    ssr::set_cookie(&ssr::clear_session_cookie(st.secure_cookies));
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(prefix = "/sf")]
pub async fn setup_link_valid(token: String) -> AppResult<bool> {
    let st = ssr::state()?;
    Ok(domain::auth::setup_token_valid(&st.db, &token).await?)
}

#[server(prefix = "/sf")]
pub async fn complete_setup(
    token: String,
    name: String,
    email: String,
    password: String,
) -> AppResult<()> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    let client = ssr::client_addr(&parts, st.trust_proxy);
    let secret = domain::auth::complete_setup(
        &st.db,
        &token,
        &name,
        &email,
        &password,
        &client,
        ssr::user_agent(&parts).as_deref(),
    )
    .await?;
    ssr::set_cookie(&ssr::session_cookie(&secret, st.secure_cookies));
    leptos_axum::redirect("/settings");
    Ok(())
}

#[server(prefix = "/sf")]
pub async fn invite_preview(token: String) -> AppResult<InviteInfo> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    Ok(
        ops::people::invite_preview(&st.db, &token, &ssr::client_addr(&parts, st.trust_proxy))
            .await?,
    )
}

#[server(prefix = "/sf")]
pub async fn accept_invite(token: String) -> AppResult<()> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    let client = ssr::client_addr(&parts, st.trust_proxy);
    let secret =
        ops::people::accept_invite(&st.db, &token, &client, ssr::user_agent(&parts).as_deref())
            .await?;
    ssr::set_cookie(&ssr::session_cookie(&secret, st.secure_cookies));
    leptos_axum::redirect("/");
    Ok(())
}

// ---------- overview ----------

/// What the marketer's home shows.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OverviewData {
    pub campaigns: Vec<Campaign>,
    pub partners: usize,
    pub stores: usize,
    pub people: usize,
    pub pending_invites: usize,
}

#[server(prefix = "/sf")]
pub async fn overview() -> AppResult<OverviewData> {
    with_actor!(|st, a| {
        a.require_marketer()?;
        Ok(OverviewData {
            campaigns: ops::campaigns::list(&st.db, &a).await?,
            partners: ops::partners::list_partners(&st.db, &a).await?.len(),
            stores: ops::partners::list_stores(&st.db, &a, None).await?.len(),
            people: ops::people::list_people(&st.db, &a).await?.len(),
            pending_invites: ops::people::list_invites(&st.db, &a)
                .await?
                .iter()
                .filter(|i| i.state == InviteState::Pending)
                .count(),
        })
    })
}

// ---------- campaigns ----------

#[server(prefix = "/sf")]
pub async fn list_campaigns() -> AppResult<Vec<Campaign>> {
    with_actor!(|st, a| ops::campaigns::list(&st.db, &a).await)
}

#[server(prefix = "/sf")]
pub async fn get_campaign(id: i64) -> AppResult<Campaign> {
    with_actor!(|st, a| ops::campaigns::get(&st.db, &a, id).await)
}

#[server(prefix = "/sf")]
pub async fn save_campaign(
    id: Option<i64>,
    name: String,
    start_date: String,
    end_date: String,
    face_value: String,
    valid_until: String,
    terms: String,
    status: String,
    partner_ids: Option<Vec<i64>>,
) -> AppResult<Campaign> {
    let input = CampaignInput {
        name,
        start_date,
        end_date,
        face_value,
        face_value_kopecks: None,
        valid_until,
        terms,
        status,
        partner_ids: partner_ids.unwrap_or_default(),
    };
    let created = with_actor!(|st, a| match id {
        Some(id) => ops::campaigns::update(&st.db, &a, id, &input).await,
        None => ops::campaigns::create(&st.db, &a, &input).await,
    })?;
    if id.is_none() {
        leptos_axum::redirect(&format!("/campaigns/{}", created.id));
    }
    Ok(created)
}

#[server(prefix = "/sf")]
pub async fn list_costs(campaign_id: i64) -> AppResult<Vec<Cost>> {
    with_actor!(|st, a| ops::campaigns::costs(&st.db, &a, campaign_id).await)
}

#[server(prefix = "/sf")]
pub async fn add_cost(
    campaign_id: i64,
    category: String,
    amount: String,
    spent_on: String,
    note: String,
) -> AppResult<Cost> {
    let input = CostInput {
        category,
        amount,
        amount_kopecks: None,
        spent_on,
        note,
    };
    with_actor!(|st, a| ops::campaigns::add_cost(&st.db, &a, campaign_id, &input).await)
}

#[server(prefix = "/sf")]
pub async fn delete_cost(id: i64) -> AppResult<()> {
    with_actor!(|st, a| ops::campaigns::delete_cost(&st.db, &a, id).await)
}

// ---------- partners and stores ----------

#[server(prefix = "/sf")]
pub async fn list_partners() -> AppResult<Vec<Partner>> {
    with_actor!(|st, a| ops::partners::list_partners(&st.db, &a).await)
}

#[server(prefix = "/sf")]
pub async fn get_partner(id: i64) -> AppResult<Partner> {
    with_actor!(|st, a| ops::partners::get_partner(&st.db, &a, id).await)
}

#[server(prefix = "/sf")]
pub async fn save_partner(
    id: Option<i64>,
    name: String,
    contact_person: String,
    phone: String,
    email: String,
    notes: String,
) -> AppResult<Partner> {
    let input = PartnerInput {
        name,
        contact_person,
        phone,
        email,
        notes,
    };
    let p = with_actor!(|st, a| match id {
        Some(id) => ops::partners::update_partner(&st.db, &a, id, &input).await,
        None => ops::partners::create_partner(&st.db, &a, &input).await,
    })?;
    if id.is_none() {
        leptos_axum::redirect(&format!("/partners/{}", p.id));
    }
    Ok(p)
}

#[server(prefix = "/sf")]
pub async fn list_stores(partner_id: Option<i64>) -> AppResult<Vec<Store>> {
    with_actor!(|st, a| ops::partners::list_stores(&st.db, &a, partner_id).await)
}

#[server(prefix = "/sf")]
pub async fn save_store(
    id: Option<i64>,
    partner_id: i64,
    name: String,
    address: String,
    opening_hours: String,
    admin_name: String,
    admin_phone: String,
) -> AppResult<Store> {
    let input = StoreInput {
        partner_id,
        name,
        address,
        opening_hours,
        admin_name,
        admin_phone,
    };
    with_actor!(|st, a| match id {
        Some(id) => ops::partners::update_store(&st.db, &a, id, &input).await,
        None => ops::partners::create_store(&st.db, &a, &input).await,
    })
}

// ---------- people, invites, sessions ----------

#[server(prefix = "/sf")]
pub async fn list_people() -> AppResult<Vec<Person>> {
    with_actor!(|st, a| ops::people::list_people(&st.db, &a).await)
}

#[server(prefix = "/sf")]
pub async fn list_invites() -> AppResult<Vec<InviteInfo>> {
    with_actor!(|st, a| ops::people::list_invites(&st.db, &a).await)
}

#[server(prefix = "/sf")]
pub async fn invite_person(
    name: String,
    phone: String,
    email: String,
    role: String,
    store_id: String,
) -> AppResult<NewInvite> {
    with_actor!(|st, a| {
        let input = PersonInput {
            name,
            phone,
            email,
            role,
            store_id: opt_id("store_id", &store_id)?,
        };
        ops::people::invite(&st.db, &a, &input, &st.base_url().await).await
    })
}

#[server(prefix = "/sf")]
pub async fn reinvite(person_id: i64) -> AppResult<NewInvite> {
    with_actor!(|st, a| ops::people::reinvite(&st.db, &a, person_id, &st.base_url().await).await)
}

#[server(prefix = "/sf")]
pub async fn revoke_invite(id: i64) -> AppResult<()> {
    with_actor!(|st, a| ops::people::revoke_invite(&st.db, &a, id).await)
}

#[server(prefix = "/sf")]
pub async fn list_sessions() -> AppResult<Vec<SessionInfo>> {
    with_actor!(|st, a| ops::people::list_sessions(&st.db, &a).await)
}

#[server(prefix = "/sf")]
pub async fn end_session(id: i64) -> AppResult<()> {
    with_actor!(|st, a| ops::people::end_session(&st.db, &a, id).await)
}

// ---------- settings and API tokens ----------

#[server(prefix = "/sf")]
pub async fn get_settings() -> AppResult<ClinicSettings> {
    with_actor!(|st, a| {
        a.require_marketer()?;
        ops::settings::get(&st.db).await
    })
}

#[server(prefix = "/sf")]
pub async fn save_settings(
    name: String,
    address: String,
    phone: String,
    public_url: String,
    time_zone: String,
) -> AppResult<ClinicSettings> {
    let input = ClinicSettings {
        name,
        address,
        phone,
        public_url,
        time_zone,
        currency: "RUB".into(),
    };
    with_actor!(|st, a| ops::settings::update(&st.db, &a, &input).await)
}

#[server(prefix = "/sf")]
pub async fn list_tokens() -> AppResult<Vec<ApiTokenInfo>> {
    with_actor!(|st, a| ops::people::list_tokens(&st.db, &a).await)
}

#[server(prefix = "/sf")]
pub async fn create_token(name: String, role: String) -> AppResult<String> {
    with_actor!(|st, a| {
        let role = domain::types::Role::parse("role", &role)
            .map_err(|e| domain::DomainError::Invalid(vec![e]))?;
        ops::people::create_token(&st.db, &a, &name, role, None).await
    })
}

#[server(prefix = "/sf")]
pub async fn revoke_token(id: i64) -> AppResult<()> {
    with_actor!(|st, a| ops::people::revoke_token(&st.db, &a, id).await)
}

// ---------- certificates and printed materials ----------

#[server(prefix = "/sf")]
pub async fn list_batches(campaign_id: i64) -> AppResult<Vec<Batch>> {
    with_actor!(|st, a| ops::certificates::list_batches(&st.db, &a, campaign_id).await)
}

#[server(prefix = "/sf")]
pub async fn certificate_stock(campaign_id: i64) -> AppResult<Vec<StoreStock>> {
    with_actor!(|st, a| ops::certificates::stock(&st.db, &a, campaign_id).await)
}

#[server(prefix = "/sf")]
pub async fn create_batch(
    campaign_id: i64,
    count: String,
    store_ids: Option<Vec<i64>>,
) -> AppResult<Batch> {
    let input = BatchInput {
        count,
        store_ids: store_ids.unwrap_or_default(),
    };
    with_actor!(|st, a| ops::certificates::create_batch(&st.db, &a, campaign_id, &input).await)
}

#[server(prefix = "/sf")]
pub async fn move_certificates(
    campaign_id: i64,
    first_serial: String,
    last_serial: String,
    store_id: String,
    reason: String,
) -> AppResult<MoveResult> {
    with_actor!(|st, a| {
        let input = MoveInput {
            first_serial,
            last_serial,
            store_id: opt_id("store_id", &store_id)?,
            reason,
        };
        ops::certificates::move_range(&st.db, &a, campaign_id, &input).await
    })
}

#[server(prefix = "/sf")]
pub async fn void_certificate(code: String, reason: String) -> AppResult<Certificate> {
    let input = VoidInput { code, reason };
    with_actor!(|st, a| ops::certificates::void(&st.db, &a, &input).await)
}

#[server(prefix = "/sf")]
pub async fn get_campaign_texts(campaign_id: i64) -> AppResult<CampaignTexts> {
    with_actor!(|st, a| ops::certificates::texts(&st.db, &a, campaign_id).await)
}

#[server(prefix = "/sf")]
pub async fn save_campaign_texts(
    campaign_id: i64,
    cert_title: String,
    cert_text: String,
    regulations: String,
    consent_text: String,
    poster_headline: String,
    poster_text: String,
) -> AppResult<CampaignTexts> {
    let input = CampaignTexts {
        cert_title,
        cert_text,
        regulations,
        consent_text,
        poster_headline,
        poster_text,
    };
    with_actor!(|st, a| ops::certificates::save_texts(&st.db, &a, campaign_id, &input).await)
}

#[server(prefix = "/sf")]
pub async fn create_form_batch(
    campaign_id: i64,
    store_id: String,
    count: String,
) -> AppResult<FormBatch> {
    with_actor!(|st, a| {
        let store = opt_id("store_id", &store_id)?;
        ops::certificates::create_form_batch(&st.db, &a, campaign_id, store, &count).await
    })
}

#[server(prefix = "/sf")]
pub async fn list_form_batches(campaign_id: i64) -> AppResult<Vec<FormBatch>> {
    with_actor!(|st, a| ops::certificates::list_form_batches(&st.db, &a, campaign_id).await)
}

/// Public: the certificate's page for whoever holds it (no sign-in, no personal data).
#[server(prefix = "/sf")]
pub async fn get_public_certificate(code: String) -> AppResult<PublicCertificate> {
    let st = ssr::state()?;
    Ok(ops::certificates::public_view(&st.db, &code).await?)
}

// ---------- reception check-in, visits, attribution ----------

#[server(prefix = "/sf")]
pub async fn checkin_check(code: String) -> AppResult<domain::checkin::CheckinAnswer> {
    with_actor!(|st, a| ops::checkin::check(&st.db, &a, &code).await)
}

#[server(prefix = "/sf")]
pub async fn checkin_redeem(
    code: String,
    idempotency_key: String,
    patient_name: Option<String>,
    patient_phone: Option<String>,
) -> AppResult<domain::checkin::CheckinAnswer> {
    let input = domain::checkin::RedeemInput {
        code,
        idempotency_key,
        patient_name: patient_name.unwrap_or_default(),
        patient_phone: patient_phone.unwrap_or_default(),
    };
    with_actor!(|st, a| ops::checkin::redeem(&st.db, &a, &input).await)
}

#[server(prefix = "/sf")]
pub async fn checkin_undo(
    code: String,
    reason: String,
) -> AppResult<domain::checkin::CheckinAnswer> {
    let input = domain::checkin::UndoInput { code, reason };
    with_actor!(|st, a| ops::checkin::undo(&st.db, &a, &input).await)
}

#[server(prefix = "/sf")]
pub async fn checkin_visit(
    code: String,
    services: Option<Vec<String>>,
    amount: String,
    doctor: Option<String>,
    visited_on: Option<String>,
    idempotency_key: Option<String>,
) -> AppResult<domain::checkin::Visit> {
    let input = domain::checkin::VisitInput {
        code,
        services: services.unwrap_or_default(),
        amount,
        doctor: doctor.unwrap_or_default(),
        visited_on: visited_on.unwrap_or_default(),
        idempotency_key: idempotency_key.unwrap_or_default(),
        ..Default::default()
    };
    with_actor!(|st, a| ops::checkin::record_visit(&st.db, &a, &input).await)
}

#[server(prefix = "/sf")]
pub async fn checkin_visits(code: String) -> AppResult<Vec<domain::checkin::Visit>> {
    with_actor!(|st, a| ops::checkin::visits_of(&st.db, &a, &code).await)
}

#[server(prefix = "/sf")]
pub async fn clinic_services() -> AppResult<Vec<domain::checkin::Service>> {
    with_actor!(|st, a| ops::checkin::services(&st.db, &a).await)
}

#[server(prefix = "/sf")]
pub async fn campaign_attribution(campaign_id: i64) -> AppResult<domain::checkin::Attribution> {
    with_actor!(|st, a| ops::checkin::attribution(&st.db, &a, campaign_id).await)
}

// ---------- store staff: home, regulations; marketer: offline conflicts ----------

/// The store employee's home figures; `None` for anyone else (the home page asks for everyone,
/// so that its resources are created in the same order on the server and in the browser).
#[server(prefix = "/sf")]
pub async fn staff_home() -> AppResult<Option<domain::checkin::StaffSummary>> {
    with_actor!(|st, a| {
        if a.role == domain::types::Role::StoreStaff {
            ops::handouts::staff_summary(&st.db, &a).await.map(Some)
        } else {
            Ok(None)
        }
    })
}

#[server(prefix = "/sf")]
pub async fn read_regulations(campaign_id: i64) -> AppResult<()> {
    with_actor!(|st, a| ops::handouts::confirm_regulations(&st.db, &a, campaign_id).await)
}

#[server(prefix = "/sf")]
pub async fn handout_conflicts(
    campaign_id: i64,
) -> AppResult<Vec<domain::checkin::HandoutConflict>> {
    with_actor!(|st, a| ops::handouts::conflicts(&st.db, &a, Some(campaign_id)).await)
}

#[server(prefix = "/sf")]
pub async fn resolve_handout_conflict(id: i64, resolution: String) -> AppResult<()> {
    with_actor!(|st, a| ops::handouts::resolve_conflict(&st.db, &a, id, &resolution).await)
}

// ---------- public self-registration ----------

#[server(prefix = "/sf")]
pub async fn get_join_info(
    campaign_id: i64,
    store_id: i64,
) -> AppResult<domain::checkin::JoinInfo> {
    let st = ssr::state()?;
    Ok(ops::handouts::join_info(&st.db, campaign_id, store_id).await?)
}

#[server(prefix = "/sf")]
pub async fn join_campaign(
    campaign_id: i64,
    store_id: i64,
    name: String,
    phone: String,
    email: Option<String>,
    consent: Option<String>,
    website: Option<String>,
) -> AppResult<domain::checkin::ECertificate> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    let client = ssr::client_addr(&parts, st.trust_proxy);
    let input = domain::checkin::SelfRegistration {
        name,
        phone,
        email: email.unwrap_or_default(),
        consent: consent.is_some_and(|c| !c.is_empty() && c != "false"),
        website: website.unwrap_or_default(),
    };
    Ok(ops::handouts::self_register(
        &st.db,
        campaign_id,
        store_id,
        &input,
        &client,
        &st.public_url,
    )
    .await?)
}

#[server(prefix = "/sf")]
pub async fn add_clinic_service(name: String) -> AppResult<domain::checkin::Service> {
    with_actor!(|st, a| ops::checkin::add_service(&st.db, &a, &name).await)
}

#[server(prefix = "/sf")]
pub async fn hide_clinic_service(id: i64) -> AppResult<()> {
    with_actor!(|st, a| ops::checkin::hide_service(&st.db, &a, id).await)
}
