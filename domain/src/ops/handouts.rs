//! Hand-outs: a store employee gives a certificate to a participant, with their contacts and
//! consent. Exactly one hand-out per certificate; a retried upload (same idempotency key)
//! returns the first record.
//!
//! A certificate allocated to another store of the campaign is accepted and moved to the store
//! that handed it out (recorded in `certificate_moves` and the audit log): stores lend each other
//! packs, and refusing would cost a participant. A certificate of a store outside the campaign,
//! or one already handed out, redeemed or voided, is refused with a clear message.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::auth::{Actor, new_secret};
use crate::checkin::{Handout, HandoutConflict, HandoutInput, StaffSummary};
use crate::code::Code;
use crate::db::{self, Db, handouts::Source, parse_ts, unique_violation};
use crate::error::{Check, DomainError, ErrorCode, FieldError};
use crate::format::masked_phone;
use crate::ids::{CampaignId, StoreId, UserId};
use crate::lifecycle::{self, CertState};
use crate::policy::{Op, StoreScope};
use crate::types::{Email, Phone, optional_text, parse_date, required_text};

/// The longest idempotency key accepted (a UUID is 36).
pub const MAX_KEY: usize = 100;
/// The most hand-outs one list returns.
pub const MAX_LIST: i64 = 10_000;

/// A client's idempotency key, or a fresh one when the client sent none.
pub fn idempotency_key(field: &str, key: &str) -> Result<String, FieldError> {
    let k = key.trim();
    if k.is_empty() {
        return Ok(new_secret()[..32].to_owned());
    }
    if k.chars().count() > MAX_KEY || k.chars().any(|c| c.is_control()) {
        return Err(FieldError::new(field, ErrorCode::TooLong));
    }
    Ok(k.to_owned())
}

/// The version of the consent text a participant agreed to: a short hash of its template.
pub fn consent_version(campaign_consent_text: &str) -> String {
    let text = if campaign_consent_text.trim().is_empty() {
        crate::texts::consent_text(crate::Lang::Ru)
    } else {
        campaign_consent_text
    };
    let digest = Sha256::digest(text.as_bytes());
    format!("sha256:{}", &hex::encode(digest)[..16])
}

/// When the hand-out happened: now, or the device's time for a record queued offline (not in
/// the future, not older than 60 days).
pub(crate) fn happened_at(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, FieldError> {
    if text.trim().is_empty() {
        return Ok(now);
    }
    let t = parse_ts(text.trim()).ok_or(FieldError::new("happened_at", ErrorCode::InvalidDate))?;
    if t > now + Duration::minutes(10) {
        return Err(FieldError::new("happened_at", ErrorCode::InFuture));
    }
    if t < now - Duration::days(60) {
        return Err(FieldError::new("happened_at", ErrorCode::InvalidDate));
    }
    Ok(t)
}

struct Valid {
    code: Code,
    name: String,
    phone: Phone,
    email: Option<Email>,
    birthday: Option<String>,
    heard_from: Option<String>,
    key: String,
    happened_at: DateTime<Utc>,
    form_serial: Option<i64>,
}

fn validate(input: &HandoutInput, now: DateTime<Utc>) -> Result<Valid, DomainError> {
    let mut check = Check::new();
    let code = check.take(Code::parse(&input.code).map_err(super::certificates::code_field_error));
    let name = check.take(required_text("name", &input.name, 200));
    let phone = check.take(Phone::parse("phone", &input.phone));
    let email = check.take(Email::parse_optional("email", &input.email));
    let birthday = if input.birthday.trim().is_empty() {
        Some(None)
    } else {
        check
            .take(parse_date("birthday", &input.birthday))
            .map(|d| Some(db::date_str(d)))
    };
    let heard_from = check.take(optional_text("heard_from", &input.heard_from, 200));
    if !input.consent {
        check.push("consent", ErrorCode::ConsentRequired);
    }
    let key = check.take(idempotency_key("idempotency_key", &input.idempotency_key));
    let happened = check.take(happened_at(&input.happened_at, now));
    let form_serial = if input.form_serial.trim().is_empty() {
        Some(None)
    } else {
        match input.form_serial.trim().parse::<i64>() {
            Ok(n) if n > 0 => Some(Some(n)),
            _ => {
                check.push("form_serial", ErrorCode::SerialRange);
                None
            }
        }
    };
    check.finish()?;
    match (
        code,
        name,
        phone,
        email,
        birthday,
        heard_from,
        key,
        happened,
        form_serial,
    ) {
        (
            Some(code),
            Some(name),
            Some(phone),
            Some(email),
            Some(birthday),
            Some(heard_from),
            Some(key),
            Some(happened_at),
            Some(form_serial),
        ) => Ok(Valid {
            code,
            name,
            phone,
            email,
            birthday,
            heard_from,
            key,
            happened_at,
            form_serial,
        }),
        _ => Err(DomainError::Internal),
    }
}

fn handout(r: db::handouts::HandoutRow, replayed: bool) -> Handout {
    Handout {
        id: r.id,
        code: Code::parse(&r.code).map(|c| c.display()).unwrap_or(r.code),
        serial: r.serial,
        campaign_id: r.campaign_id,
        store_id: r.store_id.get(),
        store_name: r.store_name,
        employee_id: r.employee_id,
        employee_name: r.employee_name,
        participant_name: r.participant_name,
        phone_masked: masked_phone(&r.phone),
        happened_at: r.happened_at,
        consent_version: r.consent_version,
        transferred_from_store_id: r.from_store_id,
        replayed,
    }
}

/// The hand-out recorded under this idempotency key: a retry of the same hand-out (the same
/// certificate by the same person) gets it back; any other use of the key is refused.
async fn by_key(
    db: &Db,
    actor: &Actor,
    key: &str,
    code: &Code,
) -> Result<Option<Handout>, DomainError> {
    match db::handouts::by_key(&db.pool, key).await? {
        Some(r) => {
            actor.may_in_store(Op::ViewHandouts, r.store_id)?;
            let same = r.code == code.as_str() && r.employee_id == actor.user_id.map(UserId::get);
            if !same {
                return Err(DomainError::field("idempotency_key", ErrorCode::KeyReused));
            }
            Ok(Some(handout(r, true)))
        }
        None => Ok(None),
    }
}

/// Records a hand-out by store staff (their store) or the marketer (the certificate's store).
/// An upload from the offline queue that is refused is kept as a conflict for the marketer.
/// When the campaign sends e-certificates, the participant's SMS/e-mail is queued with it
/// (its link on the clinic's public address, or `public_url`).
pub async fn hand_out(
    db: &Db,
    actor: &Actor,
    input: &HandoutInput,
    public_url: &str,
) -> Result<Handout, DomainError> {
    actor.may(Op::HandOut)?;
    let result = record(db, actor, input, public_url).await;
    if let Err(e) = &result
        && input.offline
        && worth_keeping(input)
        && !matches!(
            e.code(),
            ErrorCode::Forbidden
                | ErrorCode::Unauthorized
                | ErrorCode::RateLimited
                | ErrorCode::Internal
        )
    {
        keep_conflict(db, actor, input, e).await?;
    }
    result
}

/// Open refused uploads kept per employee at most: a broken or hostile phone cannot fill the
/// marketer's list (or the database).
pub const MAX_OPEN_CONFLICTS: i64 = 100;

/// A refused offline record is kept only if the participant consented (no personal data is kept
/// without consent) and every field is within the form's limits.
fn worth_keeping(input: &HandoutInput) -> bool {
    let within = |s: &str, max: usize| s.chars().count() <= max;
    input.consent
        && within(&input.code, 64)
        && within(&input.name, 200)
        && within(&input.phone, 40)
        && within(&input.email, 254)
        && within(&input.birthday, 20)
        && within(&input.heard_from, 200)
        && within(&input.form_serial, 20)
        && within(&input.happened_at, 40)
        && within(&input.idempotency_key, MAX_KEY)
}

/// Keeps a refused offline upload with everything typed (idempotent on its key).
async fn keep_conflict(
    db: &Db,
    actor: &Actor,
    input: &HandoutInput,
    e: &DomainError,
) -> Result<(), DomainError> {
    let code = Code::parse(&input.code).ok();
    let campaign = match &code {
        Some(c) => db::certificates::by_code(&db.pool, c)
            .await?
            .map(|r| r.campaign_id),
        None => None,
    };
    let error_code = e
        .fields()
        .first()
        .map(|f| f.code)
        .unwrap_or_else(|| e.code());
    let error_code = serde_json::to_value(error_code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let key = idempotency_key("idempotency_key", &input.idempotency_key)
        .unwrap_or_else(|_| new_secret()[..32].to_owned());
    let mut w = db.write(actor).await?;
    if db::handouts::open_conflicts_of(&mut *w.tx, actor.user_id).await? >= MAX_OPEN_CONFLICTS {
        tracing::warn!(actor = %actor.label(), "too many open conflicts: a refused upload is not kept");
        return Ok(());
    }
    let happened = happened_at(&input.happened_at, w.at).unwrap_or(w.at);
    let code_text = code
        .map(|c| c.display())
        .unwrap_or_else(|| input.code.chars().take(64).collect());
    let payload = serde_json::to_string(input).unwrap_or_default();
    let conflict = db::handouts::NewConflict {
        campaign,
        store: actor.store_id,
        employee: actor.user_id,
        code: &code_text,
        payload: &payload,
        error_code: &error_code,
        happened_at: happened,
        recorded_at: w.at,
        idempotency_key: &key,
    };
    if let Some(id) = db::handouts::insert_conflict(&mut *w.tx, &conflict).await? {
        w.audit(
            "keep_conflict",
            "handout_conflict",
            Some(id),
            serde_json::json!({"error": error_code}),
        )
        .await?;
    }
    w.commit().await
}

async fn record(
    db: &Db,
    actor: &Actor,
    input: &HandoutInput,
    public_url: &str,
) -> Result<Handout, DomainError> {
    let v = validate(input, db.now())?;
    if let Some(h) = by_key(db, actor, &v.key, &v.code).await? {
        return Ok(h);
    }
    let mut w = db.write(actor).await?;
    let recording = Recording {
        code: &v.code,
        store: None,
        employee: actor.user_id,
        name: &v.name,
        phone: &v.phone,
        email: v.email.as_ref(),
        birthday: v.birthday.as_deref(),
        heard_from: v.heard_from.as_deref(),
        form_serial: v.form_serial,
        happened_at: v.happened_at,
        key: &v.key,
        source: if v.form_serial.is_some() {
            Source::PaperForm
        } else {
            Source::Staff
        },
        import_id: None,
    };
    let id = match record_in(&mut w, actor, &recording).await {
        Ok(id) => id,
        // The same key recorded meanwhile (a retry racing the first upload).
        Err(e) if e.for_field("idempotency_key").is_some() => {
            drop(w);
            return by_key(db, actor, &v.key, &v.code)
                .await?
                .ok_or(DomainError::Internal);
        }
        Err(e) => return Err(e),
    };
    // The participant stood at the counter: their phone needs no code.
    super::e_certificates::queue_in(&mut w, public_url, id, false).await?;
    w.commit().await?;
    let row = db::handouts::by_id(&db.pool, id)
        .await?
        .ok_or(DomainError::Internal)?;
    Ok(handout(row, false))
}

/// One hand-out to record inside a change already under way: what the staff phone sends, or
/// a row of an imported spreadsheet of paper forms.
pub(crate) struct Recording<'a> {
    pub code: &'a Code,
    /// The store that handed it out; `None`: store staff's own, else the certificate's store.
    pub store: Option<StoreId>,
    pub employee: Option<UserId>,
    pub name: &'a str,
    pub phone: &'a Phone,
    pub email: Option<&'a Email>,
    pub birthday: Option<&'a str>,
    pub heard_from: Option<&'a str>,
    pub form_serial: Option<i64>,
    pub happened_at: DateTime<Utc>,
    pub key: &'a str,
    pub source: Source,
    pub import_id: Option<i64>,
}

/// The hand-out rules, writing in `w` (not committed): the certificate must be printed and its
/// campaign running, another store's certificate moves to the store that handed it out (in the
/// campaign only), one certificate per phone per campaign (an unconfirmed self-registration
/// gives way), the participant found by phone or created (what was recorded before is kept).
/// A refusal names its field (`code`, `phone`, `store_id`, `idempotency_key`). Returns the new
/// hand-out's id.
pub(crate) async fn record_in(
    w: &mut db::Write<'_>,
    actor: &Actor,
    r: &Recording<'_>,
) -> Result<i64, DomainError> {
    let cert = db::certificates::by_code(&mut *w.tx, r.code)
        .await?
        .ok_or(DomainError::field("code", ErrorCode::CodeUnknown))?;
    let new_state = cert
        .state()?
        .hand_out()
        .map_err(|c| DomainError::field("code", c))?;
    lifecycle::may_hand_out(cert.status()?).map_err(DomainError::Refused)?;
    let store = match actor.scope() {
        StoreScope::Only(own) => own,
        StoreScope::NoStore => return Err(DomainError::Refused(ErrorCode::Forbidden)),
        StoreScope::AnyStore => r
            .store
            .or(cert.store_id)
            .ok_or(DomainError::field("store_id", ErrorCode::StoreRequired))?,
    };
    let from_store = cert.store_id.filter(|s| *s != store);
    let at = w.at;
    if cert.store_id != Some(store) {
        if !db::partners::store_in_campaign(&mut *w.tx, store, cert.campaign_id).await? {
            return Err(DomainError::field("code", ErrorCode::StoreNotInCampaign));
        }
        db::certificates::record_move(
            &mut *w.tx,
            &db::certificates::Move {
                campaign: cert.campaign_id,
                first: cert.serial,
                last: cert.serial,
                to_store: Some(store),
                moved: 1,
                reason: "handed out by another store",
                by: actor.user_id,
                at,
            },
        )
        .await?;
    }
    let patient =
        db::handouts::upsert_patient(&mut w.tx, r.name, r.phone, r.email, r.birthday, at).await?;
    // One certificate per phone per campaign — but a self-registration nobody confirmed never
    // blocks a store's hand-out: a stranger may have typed this person's phone. Its unused
    // e-certificate is voided and the store's hand-out goes through.
    if let Some(live) = db::handouts::live_handout(&mut *w.tx, cert.campaign_id, patient).await? {
        let unconfirmed_unused =
            live.confirmed == 0 && db::certificates::state(&live.state)? == CertState::HandedOut;
        if !unconfirmed_unused {
            return Err(DomainError::field("phone", ErrorCode::DuplicateParticipant));
        }
        db::certificates::mark_voided(
            &mut *w.tx,
            live.certificate_id,
            CertState::HandedOut,
            "самостоятельная регистрация с неподтверждённым телефоном: выдан сертификат в магазине",
            actor.user_id,
            at,
        )
        .await?;
        w.audit(
            "void",
            "certificate",
            Some(live.certificate_id.get()),
            serde_json::json!({"reason": "unconfirmed self-registration replaced by a store hand-out", "handout_id": live.id}),
        )
        .await?;
    }
    if !db::certificates::transition(
        &mut *w.tx,
        cert.id,
        &[CertState::Printed],
        new_state,
        Some(store),
    )
    .await?
    {
        return Err(DomainError::field("code", ErrorCode::AlreadyHandedOut));
    }
    let consent = consent_version(&cert.consent_text);
    let new = db::handouts::NewHandout {
        certificate: cert.id,
        campaign: cert.campaign_id,
        store,
        employee: r.employee,
        patient,
        participant_name: r.name,
        participant_email: r.email.map(|e| e.as_str()),
        source: r.source,
        form_serial: r.form_serial,
        heard_from: r.heard_from,
        consent_version: &consent,
        happened_at: r.happened_at,
        recorded_at: at,
        from_store,
        idempotency_key: r.key,
        confirmed: true,
        import_id: r.import_id,
    };
    let id = match db::handouts::insert(&mut *w.tx, &new).await {
        Ok(id) => id,
        Err(e) => {
            return match unique_violation(&e) {
                Some(c) if c.contains("idempotency") => {
                    Err(DomainError::field("idempotency_key", ErrorCode::KeyReused))
                }
                Some(_) => Err(DomainError::field("code", ErrorCode::AlreadyHandedOut)),
                None => Err(db::internal(e)),
            };
        }
    };
    w.audit(
        "hand_out",
        "certificate",
        Some(cert.id.get()),
        serde_json::json!({"handout_id": id, "store_id": store, "from_store_id": from_store,
            "source": source_name(r.source), "import_id": r.import_id}),
    )
    .await?;
    super::webhooks::queue_in(
        &mut w.tx,
        crate::webhooks::WebhookEvent::Handout,
        id,
        Some(cert.campaign_id.get()),
        serde_json::json!({"certificate": cert.code, "serial": cert.serial,
            "campaign_id": cert.campaign_id, "store_id": store, "employee_id": r.employee,
            "source": source_name(r.source), "happened_at": db::ts(r.happened_at)}),
        at,
    )
    .await?;
    Ok(id)
}

fn source_name(s: Source) -> &'static str {
    match s {
        Source::Staff => "staff",
        Source::PaperForm => "paper_form",
        Source::SelfRegistration => "self",
    }
}

/// Hand-outs of a store (staff: their own store only), newest first.
pub async fn list(
    db: &Db,
    actor: &Actor,
    store_id: Option<StoreId>,
    limit: i64,
) -> Result<Vec<Handout>, DomainError> {
    actor.may(Op::ViewHandouts)?;
    let store = match actor.scope().filter() {
        Some(own) if store_id.is_some_and(|s| s != own) => {
            return Err(DomainError::Refused(ErrorCode::Forbidden));
        }
        Some(own) => Some(own),
        None => store_id,
    };
    let rows = db::handouts::list(&db.pool, store, limit.clamp(1, MAX_LIST)).await?;
    Ok(rows.into_iter().map(|r| handout(r, false)).collect())
}

// ---------- conflicts ----------

/// Refused offline uploads, open ones first (marketer only).
pub async fn conflicts(
    db: &Db,
    actor: &Actor,
    campaign: Option<CampaignId>,
) -> Result<Vec<HandoutConflict>, DomainError> {
    actor.may(Op::ResolveConflicts)?;
    let rows = db::handouts::conflicts(&db.pool, campaign).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let input: HandoutInput = serde_json::from_str(&r.payload).unwrap_or_default();
            let phone = Phone::parse("phone", &input.phone)
                .map(|p| masked_phone(p.as_str()))
                .unwrap_or_else(|_| input.phone.chars().take(4).collect::<String>() + "…");
            HandoutConflict {
                id: r.id,
                campaign_id: r.campaign_id,
                store_id: r.store_id,
                store_name: r.store_name,
                employee_name: r.employee_name,
                code: r.code,
                participant_name: input.name,
                participant_phone: phone,
                error_code: r.error_code,
                happened_at: r.happened_at,
                recorded_at: r.recorded_at,
                holder_store_name: r.holder_store_name,
                holder_employee_name: r.holder_employee_name,
                resolved_at: r.resolved_at,
                resolution: r.resolution,
            }
        })
        .collect())
}

/// A person looked into a conflict and says what was done.
pub async fn resolve_conflict(
    db: &Db,
    actor: &Actor,
    id: i64,
    resolution: &str,
) -> Result<(), DomainError> {
    actor.may(Op::ResolveConflicts)?;
    let note =
        required_text("resolution", resolution, 500).map_err(|e| DomainError::Invalid(vec![e]))?;
    let mut w = db.write(actor).await?;
    let at = w.at;
    if !db::handouts::resolve_conflict(&mut *w.tx, id, actor.user_id, &note, at).await? {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    w.audit(
        "resolve_conflict",
        "handout_conflict",
        Some(id),
        serde_json::json!({"resolution": note}),
    )
    .await?;
    w.commit().await
}

// ---------- the staff home ----------

/// The store employee's phone: their store, counts, stock left, regulations, recent hand-outs.
pub async fn staff_summary(db: &Db, actor: &Actor) -> Result<StaffSummary, DomainError> {
    actor.may(Op::StaffHome)?;
    let store = actor
        .store_id
        .ok_or(DomainError::Refused(ErrorCode::Forbidden))?;
    super::settings::get(db).await?;
    let clock = &db.clock;
    let (day, week) = (
        clock.day_start(clock.today()),
        clock.day_start(clock.this_week().monday),
    );
    let store_name = db::handouts::store_name(&db.pool, store)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
    let campaign = db::handouts::current_campaign(&db.pool, store).await?;
    let counts = db::handouts::staff_counts(
        &db.pool,
        store,
        actor.user_id,
        campaign.as_ref().map(|c| c.0),
        day,
        week,
    )
    .await?;
    // Paper forms as the ledger counts them (the last count, deliveries, forms typed in).
    let forms_left = match &campaign {
        Some((c, _)) => {
            let kind = super::ledger::forms_kind(db).await?;
            db::materials::levels(&db.pool, *c, Some(store), Some(kind))
                .await?
                .first()
                .map(|l| l.level)
                .unwrap_or(0)
        }
        None => 0,
    };
    Ok(StaffSummary {
        store_id: store.get(),
        store_name,
        campaign_id: campaign.as_ref().map(|c| c.0.get()),
        campaign_name: campaign.map(|c| c.1),
        today_own: counts.today_own,
        today_store: counts.today_store,
        week_own: counts.week_own,
        week_store: counts.week_store,
        certificates_left: counts.certs_left,
        forms_left: forms_left.max(0),
        regulations_read_at: counts.read_at,
        recent: list(db, actor, None, 10).await?,
        standing: super::motivation::staff_standing(db, actor).await?,
    })
}

/// The employee confirms they have read the campaign's regulations.
pub async fn confirm_regulations(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
) -> Result<(), DomainError> {
    actor.may(Op::ConfirmRegulations)?;
    super::partners::may_see_campaign(db, actor, campaign).await?;
    let user: UserId = actor
        .user_id
        .ok_or(DomainError::Refused(ErrorCode::Forbidden))?;
    let mut w = db.write(actor).await?;
    let at = w.at;
    if db::handouts::confirm_regulations(&mut *w.tx, campaign, user, at).await? {
        w.audit(
            "read_regulations",
            "campaign",
            Some(campaign.get()),
            serde_json::json!({}),
        )
        .await?;
    }
    w.commit().await
}

// ---------- self-registration ----------

/// Self-registrations allowed per IP address per hour, and per phone per day.
pub const JOIN_PER_IP_HOUR: i64 = 20;
pub const JOIN_PER_PHONE_DAY: i64 = 5;

/// What the public page of a store's QR code shows (no personal data).
pub async fn join_info(
    db: &Db,
    campaign: CampaignId,
    store: StoreId,
) -> Result<crate::checkin::JoinInfo, DomainError> {
    let r = db::handouts::join_row(&db.pool, campaign, store)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
    let settings = super::settings::get(db).await?;
    let own = crate::model::CampaignTexts {
        consent_text: r.consent_text.clone(),
        ..Default::default()
    };
    let texts = crate::texts::printed(
        &own,
        &crate::texts::CampaignFacts {
            campaign_name: &r.campaign_name,
            face_value: r.face_value(),
            valid_until: r.valid_until()?,
            settings: &settings,
        },
        crate::Lang::Ru,
    );
    // Electronic certificates are given while the campaign runs (not to a draft, not after).
    let open = r.status()? == crate::types::CampaignStatus::Active && r.e_certificates != 0;
    Ok(crate::checkin::JoinInfo {
        face_value: r.face_value(),
        valid_until: r.valid_until()?,
        campaign_name: r.campaign_name,
        store_name: r.store_name,
        clinic_name: settings.name,
        consent_text: texts.consent_text,
        open,
    })
}

/// A participant takes an electronic certificate from a store's poster or form QR: one per phone
/// per campaign, rate-limited per IP and phone, bots caught by a honeypot field.
pub async fn self_register(
    db: &Db,
    campaign: CampaignId,
    store: StoreId,
    input: &crate::checkin::SelfRegistration,
    client: &str,
    server_public_url: &str,
) -> Result<crate::checkin::ECertificate, DomainError> {
    if !input.website.trim().is_empty() {
        return Err(DomainError::Refused(ErrorCode::InvalidChoice));
    }
    let mut check = Check::new();
    let name = check.take(required_text("name", &input.name, 200));
    let phone = check.take(Phone::parse("phone", &input.phone));
    let email = check.take(Email::parse_optional("email", &input.email));
    if !input.consent {
        check.push("consent", ErrorCode::ConsentRequired);
    }
    // A form number that is not a number is simply not counted (it came from a URL).
    let form_serial = input
        .form
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=10_000_000).contains(n));
    check.finish()?;
    let (Some(name), Some(phone), Some(email)) = (name, phone, email) else {
        return Err(DomainError::Internal);
    };
    crate::auth::rate_limit(db, &format!("join-ip:{client}"), JOIN_PER_IP_HOUR, 3600).await?;
    crate::auth::rate_limit(
        db,
        &format!("join-phone:{}", phone.as_str()),
        JOIN_PER_PHONE_DAY,
        86_400,
    )
    .await?;
    let info = join_info(db, campaign, store).await?;
    if !info.open {
        return Err(DomainError::Refused(ErrorCode::CampaignFinished));
    }
    let consent_text = db::campaigns::texts(&db.pool, campaign)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))?
        .consent_text;
    let participant = Actor {
        user_id: None,
        name: "participant (self-registration)".into(),
        role: crate::types::Role::StoreStaff,
        store_id: Some(store),
        session_id: None,
    };
    let mut w = db.write(&participant).await?;
    let at = w.at;
    let patient =
        db::handouts::upsert_patient(&mut w.tx, &name, &phone, email.as_ref(), None, at).await?;
    if db::handouts::live_handout(&mut *w.tx, campaign, patient)
        .await?
        .is_some()
    {
        return Err(DomainError::field("phone", ErrorCode::DuplicateParticipant));
    }
    let serial = db::campaigns::take_serials(
        &mut *w.tx,
        campaign,
        db::campaigns::SerialCounter::Certificates,
        1,
    )
    .await?;
    let batch_id =
        db::certificates::insert_batch(&mut *w.tx, campaign, serial, serial, None, at).await?;
    let code = Code::random();
    let cert_id = db::certificates::insert_handed_out(
        &mut *w.tx, campaign, batch_id, serial, &code, store, at,
    )
    .await?;
    let key = new_secret()[..32].to_owned();
    let consent = consent_version(&consent_text);
    let handout_id = db::handouts::insert(
        &mut *w.tx,
        &db::handouts::NewHandout {
            certificate: cert_id,
            campaign,
            store,
            employee: None,
            patient,
            participant_name: &name,
            participant_email: email.as_ref().map(|e| e.as_str()),
            source: Source::SelfRegistration,
            form_serial,
            heard_from: None,
            consent_version: &consent,
            happened_at: at,
            recorded_at: at,
            from_store: None,
            idempotency_key: &key,
            confirmed: false,
            import_id: None,
        },
    )
    .await
    .map_err(db::internal)?;
    w.audit(
        "self_register",
        "certificate",
        Some(cert_id.get()),
        serde_json::json!({"handout_id": handout_id, "store_id": store}),
    )
    .await?;
    let confirm_by_sms =
        super::e_certificates::queue_in(&mut w, server_public_url, handout_id, true).await?;
    super::webhooks::queue_in(
        &mut w.tx,
        crate::webhooks::WebhookEvent::Handout,
        handout_id,
        Some(campaign.get()),
        serde_json::json!({"certificate": code.as_str(), "serial": serial, "campaign_id": campaign,
            "store_id": store, "employee_id": null, "source": "self_registration",
            "happened_at": db::ts(at)}),
        at,
    )
    .await?;
    w.commit().await?;
    let settings = super::settings::get(db).await?;
    let base = super::settings::qr_base_url(db, server_public_url).await?;
    let url = super::certificates::certificate_url(&base, &code);
    Ok(crate::checkin::ECertificate {
        code: code.display(),
        qr_svg: super::people::qr_svg(&url),
        url,
        face_value: info.face_value,
        valid_until: info.valid_until,
        store_name: info.store_name,
        clinic_name: settings.name,
        clinic_phone: settings.phone,
        confirm_by_sms,
    })
}
