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

use super::certificates::code_error;

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
    let code = check.take(Code::parse(&input.code).map_err(|p| {
        code_error(p)
            .fields()
            .first()
            .cloned()
            .unwrap_or(FieldError::new("code", ErrorCode::CodeInvalid))
    }));
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
pub async fn hand_out(
    db: &Db,
    actor: &Actor,
    input: &HandoutInput,
) -> Result<Handout, DomainError> {
    actor.require(&[Role::StoreStaff, Role::Marketer])?;
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
