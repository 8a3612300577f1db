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
use sqlx::Row;

use crate::auth::{Actor, new_secret};
use crate::checkin::{Handout, HandoutInput};
use crate::code::Code;
use crate::db::{Db, Tx, internal, now, parse_ts, ts, unique_violation};
use crate::error::{Check, DomainError, ErrorCode, FieldError};
use crate::format::masked_phone;
use crate::model::CertState;
use crate::types::{Email, Phone, Role, optional_text, parse_date, required_text};

/// The longest idempotency key accepted (a UUID is 36).
pub const MAX_KEY: usize = 100;

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
fn happened_at(text: &str) -> Result<DateTime<Utc>, FieldError> {
    let now = Utc::now();
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

fn validate(input: &HandoutInput) -> Result<Valid, DomainError> {
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
            .map(|d| Some(crate::db::date_str(d)))
    };
    let heard_from = check.take(optional_text("heard_from", &input.heard_from, 200));
    if !input.consent {
        check.push("consent", ErrorCode::ConsentRequired);
    }
    let key = check.take(idempotency_key("idempotency_key", &input.idempotency_key));
    let happened = check.take(happened_at(&input.happened_at));
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

/// Finds or creates the patient with this phone; fills in what was missing.
pub(crate) async fn upsert_patient(
    tx: &mut Tx,
    name: &str,
    phone: &Phone,
    email: Option<&Email>,
    birthday: Option<&str>,
) -> Result<i64, DomainError> {
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM patients WHERE phone = $1")
        .bind(phone.as_str())
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?;
    let at = now();
    if let Some(id) = existing {
        sqlx::query(
            "UPDATE patients SET name = $1, email = COALESCE($2, email), birthday = COALESCE($3, birthday), updated_at = $4 WHERE id = $5",
        )
        .bind(name)
        .bind(email.map(Email::as_str))
        .bind(birthday)
        .bind(&at)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
        return Ok(id);
    }
    sqlx::query_scalar(
        "INSERT INTO patients (name, phone, email, birthday, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(name)
    .bind(phone.as_str())
    .bind(email.map(Email::as_str))
    .bind(birthday)
    .bind(&at)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)
}

const HANDOUT_SELECT: &str =
    "SELECT h.id, c.code, c.serial, h.campaign_id, h.store_id, s.name AS store_name,
        h.employee_id, u.name AS employee_name, p.name AS participant_name, p.phone,
        h.happened_at, h.consent_version, h.from_store_id
    FROM handouts h JOIN certificates c ON c.id = h.certificate_id
    JOIN stores s ON s.id = h.store_id JOIN patients p ON p.id = h.patient_id
    LEFT JOIN users u ON u.id = h.employee_id";

fn handout_from_row(r: &sqlx::any::AnyRow, replayed: bool) -> Result<Handout, DomainError> {
    let code: String = r.try_get("code").map_err(internal)?;
    let phone: String = r.try_get("phone").map_err(internal)?;
    Ok(Handout {
        id: r.try_get("id").map_err(internal)?,
        code: Code::parse(&code).map(|c| c.display()).unwrap_or(code),
        serial: r.try_get("serial").map_err(internal)?,
        campaign_id: r.try_get("campaign_id").map_err(internal)?,
        store_id: r.try_get("store_id").map_err(internal)?,
        store_name: r.try_get("store_name").map_err(internal)?,
        employee_id: r.try_get("employee_id").map_err(internal)?,
        employee_name: r.try_get("employee_name").map_err(internal)?,
        participant_name: r.try_get("participant_name").map_err(internal)?,
        phone_masked: masked_phone(&phone),
        happened_at: r.try_get("happened_at").map_err(internal)?,
        consent_version: r.try_get("consent_version").map_err(internal)?,
        transferred_from_store_id: r.try_get("from_store_id").map_err(internal)?,
        replayed,
    })
}

/// The hand-out recorded under this idempotency key, if the actor may see it.
async fn by_key(db: &Db, actor: &Actor, key: &str) -> Result<Option<Handout>, DomainError> {
    let row = sqlx::query(&format!("{HANDOUT_SELECT} WHERE h.idempotency_key = $1"))
        .bind(key)
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?;
    match row {
        Some(r) => {
            let h = handout_from_row(&r, true)?;
            actor.require_store(h.store_id)?;
            Ok(Some(h))
        }
        None => Ok(None),
    }
}

/// Records a hand-out by store staff (their store) or the marketer (the certificate's store).
/// An upload from the offline queue that is refused is kept as a conflict for the marketer.
pub async fn hand_out(
    db: &Db,
    actor: &Actor,
    input: &HandoutInput,
) -> Result<Handout, DomainError> {
    actor.require(&[Role::StoreStaff, Role::Marketer])?;
    let result = record(db, actor, input).await;
    if let Err(e) = &result
        && input.offline
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

/// Keeps a refused offline upload with everything typed (idempotent on its key).
async fn keep_conflict(
    db: &Db,
    actor: &Actor,
    input: &HandoutInput,
    e: &DomainError,
) -> Result<(), DomainError> {
    let code = Code::parse(&input.code).ok();
    let campaign_id: Option<i64> = match &code {
        Some(c) => sqlx::query_scalar("SELECT campaign_id FROM certificates WHERE code = $1")
            .bind(c.as_str())
            .fetch_optional(&db.pool)
            .await
            .map_err(internal)?,
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
    let happened = happened_at(&input.happened_at).unwrap_or_else(|_| Utc::now());
    let mut tx = db.begin().await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO handout_conflicts (campaign_id, store_id, employee_id, code, payload, error_code, happened_at, recorded_at, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(campaign_id)
    .bind(actor.store_id)
    .bind(actor.user_id)
    .bind(code.map(|c| c.display()).unwrap_or_else(|| input.code.chars().take(64).collect()))
    .bind(serde_json::to_string(input).unwrap_or_default())
    .bind(&error_code)
    .bind(ts(happened))
    .bind(now())
    .bind(&key)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?;
    if let Some(id) = id {
        super::audit(
            &mut tx,
            actor,
            "keep_conflict",
            "handout_conflict",
            Some(id),
            serde_json::json!({"error": error_code}),
        )
        .await?;
    }
    tx.commit().await.map_err(internal)?;
    Ok(())
}

async fn record(db: &Db, actor: &Actor, input: &HandoutInput) -> Result<Handout, DomainError> {
    let v = validate(input)?;
    if let Some(h) = by_key(db, actor, &v.key).await? {
        return Ok(h);
    }
    let _turn = db.write_turn().await;
    let mut tx = db.begin().await?;
    let row = sqlx::query(
        "SELECT c.id, c.serial, c.campaign_id, c.store_id, c.state, k.status, k.consent_text
         FROM certificates c JOIN campaigns k ON k.id = c.campaign_id WHERE c.code = $1",
    )
    .bind(v.code.as_str())
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?
    .ok_or(DomainError::field("code", ErrorCode::CodeUnknown))?;
    let cert_id: i64 = row.try_get("id").map_err(internal)?;
    let serial: i64 = row.try_get("serial").map_err(internal)?;
    let campaign_id: i64 = row.try_get("campaign_id").map_err(internal)?;
    let allocated: Option<i64> = row.try_get("store_id").map_err(internal)?;
    let state: String = row.try_get("state").map_err(internal)?;
    let status: String = row.try_get("status").map_err(internal)?;
    let consent_text: String = row.try_get("consent_text").map_err(internal)?;
    match CertState::parse(&state) {
        Some(CertState::HandedOut) => {
            return Err(DomainError::field("code", ErrorCode::AlreadyHandedOut));
        }
        Some(CertState::Redeemed) => {
            return Err(DomainError::field("code", ErrorCode::AlreadyRedeemed));
        }
        Some(CertState::Voided) => {
            return Err(DomainError::field("code", ErrorCode::AlreadyVoided));
        }
        _ => {}
    }
    if status == "finished" {
        return Err(DomainError::Refused(ErrorCode::CampaignFinished));
    }
    let store_id = match actor.role {
        Role::StoreStaff => actor
            .store_id
            .ok_or(DomainError::Refused(ErrorCode::Forbidden))?,
        _ => allocated.ok_or(DomainError::field("store_id", ErrorCode::StoreRequired))?,
    };
    let from_store = allocated.filter(|s| *s != store_id);
    if allocated != Some(store_id) {
        let in_campaign: Option<i64> = sqlx::query_scalar(
            "SELECT s.id FROM stores s JOIN campaign_partners cp ON cp.partner_id = s.partner_id
             WHERE s.id = $1 AND cp.campaign_id = $2",
        )
        .bind(store_id)
        .bind(campaign_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
        if in_campaign.is_none() {
            return Err(DomainError::field("code", ErrorCode::StoreNotInCampaign));
        }
        sqlx::query(
            "INSERT INTO certificate_moves (campaign_id, first_serial, last_serial, to_store_id, moved, reason, moved_by, moved_at)
             VALUES ($1, $2, $2, $3, 1, $4, $5, $6)",
        )
        .bind(campaign_id)
        .bind(serial)
        .bind(store_id)
        .bind("handed out by another store")
        .bind(actor.user_id)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    let patient_id = upsert_patient(
        &mut tx,
        &v.name,
        &v.phone,
        v.email.as_ref(),
        v.birthday.as_deref(),
    )
    .await?;
    let dup: Option<i64> =
        sqlx::query_scalar("SELECT id FROM handouts WHERE campaign_id = $1 AND patient_id = $2")
            .bind(campaign_id)
            .bind(patient_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
    if dup.is_some() {
        return Err(DomainError::field("phone", ErrorCode::DuplicateParticipant));
    }
    let changed = sqlx::query(
        "UPDATE certificates SET state = 'handed_out', store_id = $1 WHERE id = $2 AND state = 'printed'",
    )
    .bind(store_id)
    .bind(cert_id)
    .execute(&mut *tx)
    .await
    .map_err(internal)?
    .rows_affected();
    if changed != 1 {
        return Err(DomainError::field("code", ErrorCode::AlreadyHandedOut));
    }
    let source = if v.form_serial.is_some() {
        "paper_form"
    } else {
        "staff"
    };
    let recorded = now();
    let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO handouts (certificate_id, campaign_id, store_id, employee_id, patient_id, source, form_serial,
            heard_from, consent_version, consent_at, happened_at, recorded_at, from_store_id, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13) RETURNING id",
    )
    .bind(cert_id)
    .bind(campaign_id)
    .bind(store_id)
    .bind(actor.user_id)
    .bind(patient_id)
    .bind(source)
    .bind(v.form_serial)
    .bind(v.heard_from.as_deref())
    .bind(consent_version(&consent_text))
    .bind(ts(v.happened_at))
    .bind(&recorded)
    .bind(from_store)
    .bind(&v.key)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) => {
            let constraint = unique_violation(&e);
            drop(tx);
            return match constraint {
                Some(c) if c.contains("idempotency") => by_key(db, actor, &v.key)
                    .await?
                    .ok_or(DomainError::Internal),
                Some(_) => Err(DomainError::field("code", ErrorCode::AlreadyHandedOut)),
                None => Err(internal(e)),
            };
        }
    };
    super::audit(
        &mut tx,
        actor,
        "hand_out",
        "certificate",
        Some(cert_id),
        serde_json::json!({"handout_id": id, "store_id": store_id, "from_store_id": from_store, "source": source}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    let row = sqlx::query(&format!("{HANDOUT_SELECT} WHERE h.id = $1"))
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .map_err(internal)?;
    handout_from_row(&row, false)
}

/// Hand-outs of a store (staff: their own store only), newest first.
pub async fn list(
    db: &Db,
    actor: &Actor,
    store_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Handout>, DomainError> {
    actor.require(&[Role::StoreStaff, Role::Marketer])?;
    let store = match actor.role {
        Role::StoreStaff => {
            let own = actor
                .store_id
                .ok_or(DomainError::Refused(ErrorCode::Forbidden))?;
            if store_id.is_some_and(|s| s != own) {
                return Err(DomainError::Refused(ErrorCode::Forbidden));
            }
            Some(own)
        }
        _ => store_id,
    };
    let rows = sqlx::query(&format!(
        "{HANDOUT_SELECT} WHERE ($1 = 0 OR h.store_id = $2) ORDER BY h.happened_at DESC, h.id DESC LIMIT $3"
    ))
    .bind(i64::from(store.is_some()))
    .bind(store.unwrap_or(0))
    .bind(limit.clamp(1, 10_000))
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.iter().map(|r| handout_from_row(r, false)).collect()
}

// ---------- conflicts ----------

/// Refused offline uploads, open ones first (marketer only).
pub async fn conflicts(
    db: &Db,
    actor: &Actor,
    campaign_id: Option<i64>,
) -> Result<Vec<crate::checkin::HandoutConflict>, DomainError> {
    actor.require_marketer()?;
    let rows = sqlx::query(
        "SELECT x.id, x.campaign_id, x.store_id, s.name AS store_name, u.name AS employee_name, x.code, x.payload,
                x.error_code, x.happened_at, x.recorded_at, x.resolved_at, x.resolution,
                hs.name AS holder_store_name, hu.name AS holder_employee_name
         FROM handout_conflicts x
         LEFT JOIN stores s ON s.id = x.store_id LEFT JOIN users u ON u.id = x.employee_id
         LEFT JOIN certificates c ON c.code = REPLACE(x.code, '-', '')
         LEFT JOIN handouts h ON h.certificate_id = c.id
         LEFT JOIN stores hs ON hs.id = h.store_id LEFT JOIN users hu ON hu.id = h.employee_id
         WHERE ($1 = 0 OR x.campaign_id = $2)
         ORDER BY CASE WHEN x.resolved_at IS NULL THEN 0 ELSE 1 END, x.id DESC LIMIT 500",
    )
    .bind(i64::from(campaign_id.is_some()))
    .bind(campaign_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.iter()
        .map(|r| {
            let payload: String = r.try_get("payload").map_err(internal)?;
            let input: HandoutInput = serde_json::from_str(&payload).unwrap_or_default();
            let phone = Phone::parse("phone", &input.phone)
                .map(|p| masked_phone(p.as_str()))
                .unwrap_or_else(|_| input.phone.chars().take(4).collect::<String>() + "…");
            Ok(crate::checkin::HandoutConflict {
                id: r.try_get("id").map_err(internal)?,
                campaign_id: r.try_get("campaign_id").map_err(internal)?,
                store_id: r.try_get("store_id").map_err(internal)?,
                store_name: r.try_get("store_name").map_err(internal)?,
                employee_name: r.try_get("employee_name").map_err(internal)?,
                code: r.try_get("code").map_err(internal)?,
                participant_name: input.name,
                participant_phone: phone,
                error_code: r.try_get("error_code").map_err(internal)?,
                happened_at: r.try_get("happened_at").map_err(internal)?,
                recorded_at: r.try_get("recorded_at").map_err(internal)?,
                holder_store_name: r.try_get("holder_store_name").map_err(internal)?,
                holder_employee_name: r.try_get("holder_employee_name").map_err(internal)?,
                resolved_at: r.try_get("resolved_at").map_err(internal)?,
                resolution: r.try_get("resolution").map_err(internal)?,
            })
        })
        .collect()
}

/// A person looked into a conflict and says what was done.
pub async fn resolve_conflict(
    db: &Db,
    actor: &Actor,
    id: i64,
    resolution: &str,
) -> Result<(), DomainError> {
    actor.require_marketer()?;
    let note =
        required_text("resolution", resolution, 500).map_err(|e| DomainError::Invalid(vec![e]))?;
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE handout_conflicts SET resolved_at = $1, resolved_by = $2, resolution = $3 WHERE id = $4 AND resolved_at IS NULL",
    )
    .bind(now())
    .bind(actor.user_id)
    .bind(&note)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(internal)?
    .rows_affected();
    if n == 0 {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    super::audit(
        &mut tx,
        actor,
        "resolve_conflict",
        "handout_conflict",
        Some(id),
        serde_json::json!({"resolution": note}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

// ---------- the staff home ----------

/// Midnight today and on Monday of this week at the clinic, as stored time stamps.
fn day_and_week_start(time_zone: &str) -> (String, String) {
    use chrono::{Datelike, TimeZone};
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::Europe::Moscow);
    let today = Utc::now().with_timezone(&tz).date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let start = |d: chrono::NaiveDate| {
        let local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
        tz.from_local_datetime(&local)
            .earliest()
            .map(|t| ts(t.with_timezone(&Utc)))
            .unwrap_or_default()
    };
    (start(today), start(monday))
}

/// The store employee's phone: their store, counts, stock left, regulations, recent hand-outs.
pub async fn staff_summary(
    db: &Db,
    actor: &Actor,
) -> Result<crate::checkin::StaffSummary, DomainError> {
    actor.require(&[Role::StoreStaff])?;
    let store_id = actor
        .store_id
        .ok_or(DomainError::Refused(ErrorCode::Forbidden))?;
    let settings = super::settings::get(db).await?;
    let (day, week) = day_and_week_start(&settings.time_zone);
    let store_name: String = sqlx::query_scalar("SELECT name FROM stores WHERE id = $1")
        .bind(store_id)
        .fetch_one(&db.pool)
        .await
        .map_err(internal)?;
    let campaign = sqlx::query(
        "SELECT k.id, k.name FROM campaigns k JOIN campaign_partners cp ON cp.campaign_id = k.id
         JOIN stores s ON s.partner_id = cp.partner_id
         WHERE s.id = $1 AND k.status = 'active' ORDER BY k.start_date DESC, k.id DESC LIMIT 1",
    )
    .bind(store_id)
    .fetch_optional(&db.pool)
    .await
    .map_err(internal)?;
    let (campaign_id, campaign_name) = match &campaign {
        Some(r) => (
            Some(r.try_get::<i64, _>("id").map_err(internal)?),
            Some(r.try_get::<String, _>("name").map_err(internal)?),
        ),
        None => (None, None),
    };
    let counts = sqlx::query(
        "SELECT
            (SELECT COUNT(*) FROM handouts WHERE store_id = $1 AND happened_at >= $2 AND employee_id = $4) AS today_own,
            (SELECT COUNT(*) FROM handouts WHERE store_id = $1 AND happened_at >= $2) AS today_store,
            (SELECT COUNT(*) FROM handouts WHERE store_id = $1 AND happened_at >= $3 AND employee_id = $4) AS week_own,
            (SELECT COUNT(*) FROM handouts WHERE store_id = $1 AND happened_at >= $3) AS week_store,
            (SELECT COUNT(*) FROM certificates WHERE store_id = $1 AND campaign_id = $5 AND state = 'printed') AS certs_left,
            (SELECT CAST(COALESCE(SUM(last_serial - first_serial + 1), 0) AS BIGINT) FROM form_batches WHERE store_id = $1 AND campaign_id = $5) AS forms_printed,
            (SELECT COUNT(*) FROM handouts WHERE store_id = $1 AND campaign_id = $5 AND form_serial IS NOT NULL) AS forms_used,
            (SELECT read_at FROM regulation_reads WHERE campaign_id = $5 AND user_id = $4) AS read_at",
    )
    .bind(store_id)
    .bind(&day)
    .bind(&week)
    .bind(actor.user_id.unwrap_or(-1))
    .bind(campaign_id.unwrap_or(-1))
    .fetch_one(&db.pool)
    .await
    .map_err(internal)?;
    let g = |e| internal(e);
    let forms_printed: i64 = counts.try_get("forms_printed").map_err(g)?;
    let forms_used: i64 = counts.try_get("forms_used").map_err(g)?;
    Ok(crate::checkin::StaffSummary {
        store_id,
        store_name,
        campaign_id,
        campaign_name,
        today_own: counts.try_get("today_own").map_err(g)?,
        today_store: counts.try_get("today_store").map_err(g)?,
        week_own: counts.try_get("week_own").map_err(g)?,
        week_store: counts.try_get("week_store").map_err(g)?,
        certificates_left: counts.try_get("certs_left").map_err(g)?,
        forms_left: (forms_printed - forms_used).max(0),
        regulations_read_at: counts.try_get("read_at").map_err(g)?,
        recent: list(db, actor, None, 10).await?,
    })
}

/// The employee confirms they have read the campaign's regulations.
pub async fn confirm_regulations(
    db: &Db,
    actor: &Actor,
    campaign_id: i64,
) -> Result<(), DomainError> {
    actor.require(&[Role::StoreStaff])?;
    let user_id = actor
        .user_id
        .ok_or(DomainError::Refused(ErrorCode::Forbidden))?;
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "INSERT INTO regulation_reads (campaign_id, user_id, read_at) VALUES ($1, $2, $3) ON CONFLICT (campaign_id, user_id) DO NOTHING",
    )
    .bind(campaign_id)
    .bind(user_id)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(internal)?
    .rows_affected();
    if n > 0 {
        super::audit(
            &mut tx,
            actor,
            "read_regulations",
            "campaign",
            Some(campaign_id),
            serde_json::json!({}),
        )
        .await?;
    }
    tx.commit().await.map_err(internal)?;
    Ok(())
}

// ---------- self-registration ----------

/// Self-registrations allowed per IP address per hour, and per phone per day.
pub const JOIN_PER_IP_HOUR: i64 = 20;
pub const JOIN_PER_PHONE_DAY: i64 = 5;

async fn join_row(
    db: &Db,
    campaign_id: i64,
    store_id: i64,
) -> Result<sqlx::any::AnyRow, DomainError> {
    sqlx::query(
        "SELECT k.name AS campaign_name, k.face_value_kopecks, k.valid_until, k.status, k.e_certificates, k.consent_text,
                s.name AS store_name
         FROM campaigns k JOIN campaign_partners cp ON cp.campaign_id = k.id
         JOIN stores s ON s.partner_id = cp.partner_id
         WHERE k.id = $1 AND s.id = $2",
    )
    .bind(campaign_id)
    .bind(store_id)
    .fetch_optional(&db.pool)
    .await
    .map_err(internal)?
    .ok_or(DomainError::Refused(ErrorCode::NotFound))
}

/// What the public page of a store's QR code shows (no personal data).
pub async fn join_info(
    db: &Db,
    campaign_id: i64,
    store_id: i64,
) -> Result<crate::checkin::JoinInfo, DomainError> {
    let r = join_row(db, campaign_id, store_id).await?;
    let settings = super::settings::get(db).await?;
    let g = |e| internal(e);
    let status: String = r.try_get("status").map_err(g)?;
    let e_certs: i64 = r.try_get("e_certificates").map_err(g)?;
    let campaign_name: String = r.try_get("campaign_name").map_err(g)?;
    let face_value = crate::types::Money(r.try_get("face_value_kopecks").map_err(g)?);
    let valid_until = crate::db::parse_date(&r.try_get::<String, _>("valid_until").map_err(g)?);
    let lang = crate::Lang::Ru;
    let value = crate::format::money(face_value, lang);
    let until = crate::format::date(valid_until, lang);
    let phone = crate::format::phone(&settings.phone);
    let fill = crate::texts::Fill {
        value: &value,
        until: &until,
        clinic: &settings.name,
        phone: &phone,
        address: &settings.address,
        campaign: &campaign_name,
    };
    let own: String = r.try_get("consent_text").map_err(g)?;
    let consent_text = fill.apply(if own.trim().is_empty() {
        crate::texts::consent_text(lang)
    } else {
        &own
    });
    Ok(crate::checkin::JoinInfo {
        campaign_name,
        store_name: r.try_get("store_name").map_err(g)?,
        face_value,
        valid_until,
        clinic_name: settings.name,
        consent_text,
        open: status == "active" && e_certs != 0,
    })
}

/// A participant takes an electronic certificate from a store's poster or form QR: one per phone
/// per campaign, rate-limited per IP and phone, bots caught by a honeypot field.
pub async fn self_register(
    db: &Db,
    campaign_id: i64,
    store_id: i64,
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
    let info = join_info(db, campaign_id, store_id).await?;
    if !info.open {
        return Err(DomainError::Refused(ErrorCode::CampaignFinished));
    }
    let consent_text: String =
        sqlx::query_scalar("SELECT consent_text FROM campaigns WHERE id = $1")
            .bind(campaign_id)
            .fetch_one(&db.pool)
            .await
            .map_err(internal)?;
    let participant = Actor {
        user_id: None,
        name: "participant (self-registration)".into(),
        role: Role::StoreStaff,
        store_id: Some(store_id),
        session_id: None,
    };
    let _turn = db.write_turn().await;
    let mut tx = db.begin().await?;
    let patient_id = upsert_patient(&mut tx, &name, &phone, email.as_ref(), None).await?;
    let dup: Option<i64> =
        sqlx::query_scalar("SELECT id FROM handouts WHERE campaign_id = $1 AND patient_id = $2")
            .bind(campaign_id)
            .bind(patient_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
    if dup.is_some() {
        return Err(DomainError::field("phone", ErrorCode::DuplicateParticipant));
    }
    let serial = super::certificates::take_serials(&mut tx, campaign_id, "next_serial", 1).await?;
    let at = now();
    let batch_id: i64 = sqlx::query_scalar(
        "INSERT INTO certificate_batches (campaign_id, first_serial, last_serial, created_by, created_at)
         VALUES ($1, $2, $2, NULL, $3) RETURNING id",
    )
    .bind(campaign_id)
    .bind(serial)
    .bind(&at)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    let code = Code::random();
    let cert_id: i64 = sqlx::query_scalar(
        "INSERT INTO certificates (campaign_id, batch_id, serial, code, store_id, state, created_at)
         VALUES ($1, $2, $3, $4, $5, 'handed_out', $6) RETURNING id",
    )
    .bind(campaign_id)
    .bind(batch_id)
    .bind(serial)
    .bind(code.as_str())
    .bind(store_id)
    .bind(&at)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    let handout_id: i64 = sqlx::query_scalar(
        "INSERT INTO handouts (certificate_id, campaign_id, store_id, employee_id, patient_id, source, consent_version,
            consent_at, happened_at, recorded_at, idempotency_key)
         VALUES ($1, $2, $3, NULL, $4, 'self', $5, $6, $6, $6, $7) RETURNING id",
    )
    .bind(cert_id)
    .bind(campaign_id)
    .bind(store_id)
    .bind(patient_id)
    .bind(consent_version(&consent_text))
    .bind(&at)
    .bind(new_secret()[..32].to_owned())
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    super::audit(
        &mut tx,
        &participant,
        "self_register",
        "certificate",
        Some(cert_id),
        serde_json::json!({"handout_id": handout_id, "store_id": store_id}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
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
    })
}
