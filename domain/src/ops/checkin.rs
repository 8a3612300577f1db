//! Reception: check a code, redeem it exactly once, undo a mistaken redemption, record visits
//! and read what each store and employee brought in.
//!
//! Exactly once: the redemption flips the certificate's state with a guarded UPDATE
//! (`… WHERE state IN ('printed', 'handed_out')`); of any number of simultaneous requests only
//! one changes the row, and a partial unique index allows one live redemption per certificate.
//! A retry with the same idempotency key returns the first answer.

use chrono::NaiveDate;
use sqlx::Row;

use crate::auth::{Actor, new_secret};
use crate::checkin::{
    Attribution, AttributionRow, CheckedCertificate, CheckinAnswer, RedeemInput, Service,
    UndoInput, Verdict, Visit, VisitInput,
};
use crate::code::{Code, CodeProblem};
use crate::db::{Db, internal, now, parse_date, parse_ts, unique_violation};
use crate::error::{Check, DomainError, ErrorCode};
use crate::format::masked_phone;
use crate::types::{Money, Phone, Role, optional_text, required_text};

use super::handouts::{idempotency_key, upsert_patient};

const CHECK_SELECT: &str = "SELECT c.id, c.serial, c.code, c.state, c.void_reason, c.voided_at, c.store_id, s.name AS store_name,
        k.id AS campaign_id, k.name AS campaign_name, k.face_value_kopecks, k.valid_until, k.start_date, k.status,
        h.id AS handout_id, h.happened_at, h.patient_id AS handout_patient_id, h.employee_id, hu.name AS employee_name,
        p.name AS participant_name, p.phone AS participant_phone,
        r.id AS redemption_id, r.redeemed_at, r.redeemed_by_name, r.idempotency_key,
        (SELECT time_zone FROM clinic_settings WHERE id = 1) AS time_zone
    FROM certificates c JOIN campaigns k ON k.id = c.campaign_id
    LEFT JOIN stores s ON s.id = c.store_id
    LEFT JOIN handouts h ON h.certificate_id = c.id
    LEFT JOIN users hu ON hu.id = h.employee_id
    LEFT JOIN patients p ON p.id = h.patient_id
    LEFT JOIN redemptions r ON r.certificate_id = c.id AND r.undone_at IS NULL";

/// One certificate as read for check-in, with what redemption needs.
struct Row_ {
    id: i64,
    store_id: Option<i64>,
    campaign_id: i64,
    handout_id: Option<i64>,
    handout_patient_id: Option<i64>,
    employee_id: Option<i64>,
    redemption_key: Option<String>,
    zone: chrono_tz::Tz,
    verdict: Verdict,
    cert: CheckedCertificate,
}

fn row_from(r: &sqlx::any::AnyRow) -> Result<Row_, DomainError> {
    let g = |e| internal(e);
    let code: String = r.try_get("code").map_err(g)?;
    let state: String = r.try_get("state").map_err(g)?;
    let status: String = r.try_get("status").map_err(g)?;
    let tz: Option<String> = r.try_get("time_zone").map_err(g)?;
    let today = super::settings::today(tz.as_deref().unwrap_or("Europe/Moscow"));
    let valid_until = parse_date(&r.try_get::<String, _>("valid_until").map_err(g)?);
    let start_date = parse_date(&r.try_get::<String, _>("start_date").map_err(g)?);
    let handout_id: Option<i64> = r.try_get("handout_id").map_err(g)?;
    let redemption_id: Option<i64> = r.try_get("redemption_id").map_err(g)?;
    let verdict = match state.as_str() {
        "voided" => Verdict::Voided,
        "redeemed" => Verdict::AlreadyRedeemed,
        _ if today > valid_until => Verdict::Expired,
        _ if status == "draft" || today < start_date => Verdict::NotYetValid,
        _ => Verdict::Valid,
    };
    let phone: Option<String> = r.try_get("participant_phone").map_err(g)?;
    let redeemed_at: Option<String> = r.try_get("redeemed_at").map_err(g)?;
    let zone: chrono_tz::Tz = tz
        .as_deref()
        .and_then(|z| z.parse().ok())
        .unwrap_or(chrono_tz::Europe::Moscow);
    let redeemed_at_local = redeemed_at
        .as_deref()
        .and_then(parse_ts)
        .map(|t| t.with_timezone(&zone).format("%d.%m.%Y %H:%M").to_string());
    Ok(Row_ {
        id: r.try_get("id").map_err(g)?,
        store_id: r.try_get("store_id").map_err(g)?,
        campaign_id: r.try_get("campaign_id").map_err(g)?,
        handout_id,
        handout_patient_id: r.try_get("handout_patient_id").map_err(g)?,
        employee_id: r.try_get("employee_id").map_err(g)?,
        redemption_key: r.try_get("idempotency_key").map_err(g)?,
        zone,
        verdict,
        cert: CheckedCertificate {
            code: Code::parse(&code).map(|c| c.display()).unwrap_or(code),
            serial: r.try_get("serial").map_err(g)?,
            campaign_id: r.try_get("campaign_id").map_err(g)?,
            campaign_name: r.try_get("campaign_name").map_err(g)?,
            face_value: Money(r.try_get("face_value_kopecks").map_err(g)?),
            start_date,
            valid_until,
            store_id: r.try_get("store_id").map_err(g)?,
            store_name: r.try_get("store_name").map_err(g)?,
            handed_out: handout_id.is_some(),
            handed_out_at: r.try_get("happened_at").map_err(g)?,
            employee_name: r.try_get("employee_name").map_err(g)?,
            participant_name: r.try_get("participant_name").map_err(g)?,
            participant_phone: phone.as_deref().map(masked_phone),
            redemption_id,
            redeemed_at,
            redeemed_at_local,
            redeemed_by: r.try_get("redeemed_by_name").map_err(g)?,
            voided_at: r.try_get("voided_at").map_err(g)?,
            void_reason: r.try_get("void_reason").map_err(g)?,
        },
    })
}

fn answer(verdict: Verdict, code: String, cert: Option<CheckedCertificate>) -> CheckinAnswer {
    CheckinAnswer {
        verdict,
        message: String::new(),
        code,
        without_handout: false,
        replayed: false,
        idempotency_key: None,
        certificate: cert,
    }
}

/// Reads a code; `Err(answer)` when it cannot be a certificate or none has it.
async fn read(db: &Db, code_text: &str) -> Result<Result<Row_, CheckinAnswer>, DomainError> {
    let code = match Code::parse(code_text) {
        Ok(c) => c,
        Err(p) => {
            let verdict = match p {
                CodeProblem::CheckFailed => Verdict::MistypedCode,
                _ => Verdict::InvalidCode,
            };
            let typed: String = code_text.trim().chars().take(64).collect();
            return Ok(Err(answer(verdict, typed, None)));
        }
    };
    let row = sqlx::query(&format!("{CHECK_SELECT} WHERE c.code = $1"))
        .bind(code.as_str())
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?;
    match row {
        Some(r) => Ok(Ok(row_from(&r)?)),
        None => Ok(Err(answer(Verdict::UnknownCode, code.display(), None))),
    }
}

/// What reception sees after a scan. A valid answer carries a fresh idempotency key for the
/// "redeem" button.
pub async fn check(db: &Db, actor: &Actor, code_text: &str) -> Result<CheckinAnswer, DomainError> {
    actor.require(&[Role::Reception, Role::Marketer])?;
    Ok(match read(db, code_text).await? {
        Err(a) => a,
        Ok(row) => {
            let mut a = answer(row.verdict, row.cert.code.clone(), Some(row.cert));
            if a.verdict == Verdict::Valid {
                a.idempotency_key = Some(new_secret()[..32].to_owned());
            }
            a.without_handout = a.certificate.as_ref().is_some_and(|c| !c.handed_out);
            a
        }
    })
}

/// The first answer given for this idempotency key, if any.
async fn replay(db: &Db, key: &str) -> Result<Option<CheckinAnswer>, DomainError> {
    let row = sqlx::query(
        "SELECT c.code, r.handout_id FROM redemptions r JOIN certificates c ON c.id = r.certificate_id WHERE r.idempotency_key = $1",
    )
    .bind(key)
    .fetch_optional(&db.pool)
    .await
    .map_err(internal)?;
    let Some(r) = row else { return Ok(None) };
    let code: String = r.try_get("code").map_err(internal)?;
    let handout: Option<i64> = r.try_get("handout_id").map_err(internal)?;
    let cert = match read(db, &code).await? {
        Ok(row) => Some(row.cert),
        Err(_) => None,
    };
    Ok(Some(CheckinAnswer {
        verdict: Verdict::Redeemed,
        message: String::new(),
        code: cert.as_ref().map(|c| c.code.clone()).unwrap_or(code),
        certificate: cert,
        without_handout: handout.is_none(),
        replayed: true,
        idempotency_key: Some(key.to_owned()),
    }))
}

/// Redeems a certificate exactly once. Anything but a valid certificate comes back as its
/// verdict (already redeemed, expired, …) with nothing written.
pub async fn redeem(
    db: &Db,
    actor: &Actor,
    input: &RedeemInput,
) -> Result<CheckinAnswer, DomainError> {
    actor.require(&[Role::Reception, Role::Marketer])?;
    let mut form = Check::new();
    let key = if input.idempotency_key.trim().is_empty() {
        form.push("idempotency_key", ErrorCode::Required);
        None
    } else {
        form.take(idempotency_key("idempotency_key", &input.idempotency_key))
    };
    let phone = form.take(Phone::parse_optional("patient_phone", &input.patient_phone));
    let name = form.take(optional_text("patient_name", &input.patient_name, 200));
    if let (Some(Some(_)), Some(None)) = (&phone, &name) {
        form.push("patient_name", ErrorCode::Required);
    }
    form.finish()?;
    let (Some(key), Some(phone), Some(name)) = (key, phone, name) else {
        return Err(DomainError::Internal);
    };
    // One read decides; the guarded UPDATE below makes it exactly once.
    let row = match read(db, &input.code).await? {
        Err(a) => return Ok(a),
        Ok(row) => row,
    };
    if row.redemption_key.as_deref() == Some(key.as_str()) {
        // The first request with this key won between our two reads.
        return replay(db, &key).await?.ok_or(DomainError::Internal);
    }
    if row.verdict != Verdict::Valid {
        let without = !row.cert.handed_out;
        let mut a = answer(row.verdict, row.cert.code.clone(), Some(row.cert));
        a.without_handout = without;
        return Ok(a);
    }
    let at = chrono::Utc::now();
    // Guarded by the certificate's state and by the unique index of live redemptions: of any
    // number of simultaneous requests exactly one row goes in. The trigger `redemptions_redeem`
    // marks the certificate redeemed and writes the audit log in the same statement.
    const INSERT: &str = "INSERT INTO redemptions (certificate_id, campaign_id, store_id, employee_id, handout_id, patient_id,
            redeemed_at, redeemed_by, redeemed_by_name, idempotency_key)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
         WHERE EXISTS (SELECT 1 FROM certificates WHERE id = $1 AND state IN ('printed', 'handed_out'))
         RETURNING id";
    let turn = db.write_turn().await;
    let inserted: Result<Option<i64>, sqlx::Error> = match (&phone, &name) {
        // Reception typed the patient: find or create them in the same transaction.
        (Some(p), Some(n)) => {
            let mut tx = db.begin().await?;
            let patient_id = upsert_patient(&mut tx, n, p, None, None).await?;
            let r = bind_redemption(
                sqlx::query_scalar(INSERT),
                &row,
                Some(patient_id),
                at,
                actor,
                &key,
            )
            .fetch_optional(&mut *tx)
            .await;
            if matches!(r, Ok(Some(_))) {
                tx.commit().await.map_err(internal)?;
            }
            r
        }
        _ => {
            bind_redemption(
                sqlx::query_scalar(INSERT),
                &row,
                row.handout_patient_id,
                at,
                actor,
                &key,
            )
            .fetch_optional(&db.pool)
            .await
        }
    };
    drop(turn);
    let redemption_id = match inserted {
        Ok(Some(id)) => id,
        Ok(None) => {
            // Redeemed or voided between our read and the insert.
            return lost_race(db, actor, &input.code, &key).await;
        }
        Err(e) if unique_violation(&e).is_some() => {
            return lost_race(db, actor, &input.code, &key).await;
        }
        Err(e) => return Err(internal(e)),
    };
    // The answer from what was read and written: no second round trip.
    let mut cert = row.cert;
    cert.redemption_id = Some(redemption_id);
    cert.redeemed_at = Some(crate::db::ts(at));
    cert.redeemed_at_local = Some(
        at.with_timezone(&row.zone)
            .format("%d.%m.%Y %H:%M")
            .to_string(),
    );
    cert.redeemed_by = Some(actor.name.clone());
    Ok(CheckinAnswer {
        verdict: Verdict::Redeemed,
        message: String::new(),
        code: cert.code.clone(),
        without_handout: row.handout_id.is_none(),
        replayed: false,
        idempotency_key: Some(key),
        certificate: Some(cert),
    })
}

type RedeemQuery<'q> = sqlx::query::QueryScalar<'q, sqlx::Any, i64, sqlx::any::AnyArguments<'q>>;

fn bind_redemption<'q>(
    q: RedeemQuery<'q>,
    row: &Row_,
    patient_id: Option<i64>,
    at: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    key: &str,
) -> RedeemQuery<'q> {
    q.bind(row.id)
        .bind(row.campaign_id)
        .bind(row.store_id)
        .bind(row.employee_id)
        .bind(row.handout_id)
        .bind(patient_id)
        .bind(crate::db::ts(at))
        .bind(actor.user_id)
        .bind(actor.name.clone())
        .bind(key.to_owned())
}

/// Another request got there first: the same request retried (same key) gets the first answer,
/// anyone else the certificate's verdict now (already redeemed).
async fn lost_race(
    db: &Db,
    actor: &Actor,
    code: &str,
    key: &str,
) -> Result<CheckinAnswer, DomainError> {
    if let Some(a) = replay(db, key).await? {
        return Ok(a);
    }
    check(db, actor, code).await.map(|mut a| {
        a.idempotency_key = None;
        a
    })
}

/// Undoes a redemption: reception on the same day, the marketer any time. A reason is required.
pub async fn undo(db: &Db, actor: &Actor, input: &UndoInput) -> Result<CheckinAnswer, DomainError> {
    actor.require(&[Role::Reception, Role::Marketer])?;
    let reason =
        required_text("reason", &input.reason, 500).map_err(|e| DomainError::Invalid(vec![e]))?;
    let row = match read(db, &input.code).await? {
        Err(a) => {
            let code = match a.verdict {
                Verdict::UnknownCode => ErrorCode::CodeUnknown,
                Verdict::MistypedCode => ErrorCode::CodeMistyped,
                _ => ErrorCode::CodeInvalid,
            };
            return Err(DomainError::field("code", code));
        }
        Ok(row) => row,
    };
    let Some(redemption_id) = row.cert.redemption_id else {
        return Err(DomainError::Refused(ErrorCode::NotRedeemed));
    };
    if actor.role == Role::Reception {
        let settings = super::settings::get(db).await?;
        let tz: chrono_tz::Tz = settings
            .time_zone
            .parse()
            .unwrap_or(chrono_tz::Europe::Moscow);
        let day = row
            .cert
            .redeemed_at
            .as_deref()
            .and_then(parse_ts)
            .map(|t| t.with_timezone(&tz).date_naive());
        if day != Some(super::settings::today(&settings.time_zone)) {
            return Err(DomainError::Refused(ErrorCode::UndoTooLate));
        }
    }
    let _turn = db.write_turn().await;
    let mut tx = db.begin().await?;
    let changed = sqlx::query(
        "UPDATE redemptions SET undone_at = $1, undone_by = $2, undo_reason = $3 WHERE id = $4 AND undone_at IS NULL",
    )
    .bind(now())
    .bind(actor.user_id)
    .bind(&reason)
    .bind(redemption_id)
    .execute(&mut *tx)
    .await
    .map_err(internal)?
    .rows_affected();
    if changed != 1 {
        return Err(DomainError::Refused(ErrorCode::NotRedeemed));
    }
    sqlx::query("UPDATE certificates SET state = $1 WHERE id = $2 AND state = 'redeemed'")
        .bind(if row.handout_id.is_some() {
            "handed_out"
        } else {
            "printed"
        })
        .bind(row.id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    super::audit(
        &mut tx,
        actor,
        "undo_redemption",
        "certificate",
        Some(row.id),
        serde_json::json!({"redemption_id": redemption_id, "reason": reason, "key": row.redemption_key}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    drop(_turn);
    check(db, actor, &input.code).await
}

// ---------- services ----------

pub async fn services(db: &Db, actor: &Actor) -> Result<Vec<Service>, DomainError> {
    actor.require(&[Role::Reception, Role::Marketer])?;
    let rows = sqlx::query("SELECT id, name, active FROM services ORDER BY sort, name")
        .fetch_all(&db.pool)
        .await
        .map_err(internal)?;
    rows.iter()
        .map(|r| {
            Ok(Service {
                id: r.try_get("id").map_err(internal)?,
                name: r.try_get("name").map_err(internal)?,
                active: r.try_get::<i64, _>("active").map_err(internal)? != 0,
            })
        })
        .collect()
}

/// Adds a service to the list (or brings a hidden one back).
pub async fn add_service(db: &Db, actor: &Actor, name: &str) -> Result<Service, DomainError> {
    actor.require_marketer()?;
    let name = required_text("name", name, 100).map_err(|e| DomainError::Invalid(vec![e]))?;
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO services (name, sort) VALUES ($1, (SELECT COALESCE(MAX(sort), 0) + 10 FROM services))
         ON CONFLICT (name) DO UPDATE SET active = 1",
    )
    .bind(&name)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    let id: i64 = sqlx::query_scalar("SELECT id FROM services WHERE name = $1")
        .bind(&name)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
    super::audit(
        &mut tx,
        actor,
        "add_service",
        "service",
        Some(id),
        serde_json::json!({"name": name}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(Service {
        id,
        name,
        active: true,
    })
}

/// Hides a service from the list (visits that used it keep its name).
pub async fn hide_service(db: &Db, actor: &Actor, id: i64) -> Result<(), DomainError> {
    actor.require_marketer()?;
    let mut tx = db.begin().await?;
    let n = sqlx::query("UPDATE services SET active = 0 WHERE id = $1")
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
        "hide_service",
        "service",
        Some(id),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

// ---------- visits ----------

const VISIT_SELECT: &str = "SELECT v.id, v.redemption_id, c.code, v.campaign_id, v.store_id, s.name AS store_name,
        u.name AS employee_name, p.name AS patient_name, v.visited_on, v.amount_kopecks, v.services, v.doctor
    FROM visits v JOIN redemptions r ON r.id = v.redemption_id JOIN certificates c ON c.id = r.certificate_id
    LEFT JOIN stores s ON s.id = v.store_id LEFT JOIN users u ON u.id = v.employee_id
    LEFT JOIN patients p ON p.id = v.patient_id";

fn visit_from(r: &sqlx::any::AnyRow, replayed: bool) -> Result<Visit, DomainError> {
    let code: String = r.try_get("code").map_err(internal)?;
    let services: String = r.try_get("services").map_err(internal)?;
    Ok(Visit {
        id: r.try_get("id").map_err(internal)?,
        redemption_id: r.try_get("redemption_id").map_err(internal)?,
        code: Code::parse(&code).map(|c| c.display()).unwrap_or(code),
        campaign_id: r.try_get("campaign_id").map_err(internal)?,
        store_id: r.try_get("store_id").map_err(internal)?,
        store_name: r.try_get("store_name").map_err(internal)?,
        employee_name: r.try_get("employee_name").map_err(internal)?,
        patient_name: r.try_get("patient_name").map_err(internal)?,
        visited_on: parse_date(&r.try_get::<String, _>("visited_on").map_err(internal)?),
        amount: Money(r.try_get("amount_kopecks").map_err(internal)?),
        services: services
            .split('\n')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        doctor: r.try_get("doctor").map_err(internal)?,
        replayed,
    })
}

/// Records a visit of a participant (found by code or phone), credited to their redemption's
/// campaign, store and employee.
pub async fn record_visit(
    db: &Db,
    actor: &Actor,
    input: &VisitInput,
) -> Result<Visit, DomainError> {
    actor.require(&[Role::Reception, Role::Marketer])?;
    let settings = super::settings::get(db).await?;
    let today = super::settings::today(&settings.time_zone);
    let mut check = Check::new();
    let by_code = !input.code.trim().is_empty();
    let code = if by_code {
        check.take(Code::parse(&input.code).map_err(super::certificates::code_field_error))
    } else {
        None
    };
    let phone = if by_code {
        None
    } else if input.patient_phone.trim().is_empty() {
        check.push("code", ErrorCode::Required);
        None
    } else {
        check.take(Phone::parse("patient_phone", &input.patient_phone))
    };
    let amount = check.take(Money::parse("amount", &input.amount));
    let doctor = check.take(optional_text("doctor", &input.doctor, 200));
    let note = check.take(optional_text("note", &input.note, 1000));
    let visited_on = if input.visited_on.trim().is_empty() {
        Some(today)
    } else {
        match crate::types::parse_date("visited_on", &input.visited_on) {
            Ok(d) if d > today => {
                check.push("visited_on", ErrorCode::InFuture);
                None
            }
            r => check.take(r),
        }
    };
    let key = if input.idempotency_key.trim().is_empty() {
        Some(None)
    } else {
        check
            .take(idempotency_key("idempotency_key", &input.idempotency_key))
            .map(Some)
    };
    let known = services(db, actor).await?;
    let mut chosen = Vec::new();
    for s in &input.services {
        let s = s.trim();
        if s.is_empty() {
            continue;
        }
        match known
            .iter()
            .find(|k| k.name.eq_ignore_ascii_case(s) || k.name == s)
        {
            Some(k) => chosen.push(k.name.clone()),
            None => {
                check.push("services", ErrorCode::InvalidChoice);
                break;
            }
        }
    }
    check.finish()?;
    let (Some(amount), Some(doctor), Some(note), Some(visited_on), Some(key)) =
        (amount, doctor, note, visited_on, key)
    else {
        return Err(DomainError::Internal);
    };
    if let Some(k) = &key
        && let Some(v) = visit_by_key(db, k).await?
    {
        return Ok(v);
    }
    // The live redemption this visit is credited to.
    let redemption = match (&code, &phone) {
        (Some(c), _) => sqlx::query(
            "SELECT r.id, r.patient_id, r.campaign_id, r.store_id, r.employee_id FROM redemptions r
             JOIN certificates c ON c.id = r.certificate_id WHERE c.code = $1 AND r.undone_at IS NULL",
        )
        .bind(c.as_str())
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?
        .ok_or(DomainError::field("code", ErrorCode::NotRedeemed))?,
        (None, Some(p)) => sqlx::query(
            "SELECT r.id, r.patient_id, r.campaign_id, r.store_id, r.employee_id FROM redemptions r
             JOIN patients p ON p.id = r.patient_id WHERE p.phone = $1 AND r.undone_at IS NULL
             ORDER BY r.redeemed_at DESC LIMIT 1",
        )
        .bind(p.as_str())
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?
        .ok_or(DomainError::field("patient_phone", ErrorCode::NotParticipant))?,
        _ => return Err(DomainError::Internal),
    };
    let g = |e| internal(e);
    let redemption_id: i64 = redemption.try_get("id").map_err(g)?;
    let _turn = db.write_turn().await;
    let mut tx = db.begin().await?;
    let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO visits (redemption_id, patient_id, campaign_id, store_id, employee_id, visited_on, amount_kopecks,
            services, doctor, note, recorded_by, recorded_at, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(redemption_id)
    .bind(redemption.try_get::<Option<i64>, _>("patient_id").map_err(g)?)
    .bind(redemption.try_get::<i64, _>("campaign_id").map_err(g)?)
    .bind(redemption.try_get::<Option<i64>, _>("store_id").map_err(g)?)
    .bind(redemption.try_get::<Option<i64>, _>("employee_id").map_err(g)?)
    .bind(crate::db::date_str(visited_on))
    .bind(amount.kopecks())
    .bind(chosen.join("\n"))
    .bind(doctor.as_deref())
    .bind(note.as_deref())
    .bind(actor.user_id)
    .bind(now())
    .bind(key.as_deref())
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) if unique_violation(&e).is_some() => {
            drop(tx);
            drop(_turn);
            let k = key.as_deref().unwrap_or_default();
            return visit_by_key(db, k).await?.ok_or(DomainError::Internal);
        }
        Err(e) => return Err(internal(e)),
    };
    super::audit(
        &mut tx,
        actor,
        "record_visit",
        "visit",
        Some(id),
        serde_json::json!({"redemption_id": redemption_id, "amount_kopecks": amount.kopecks()}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    drop(_turn);
    let row = sqlx::query(&format!("{VISIT_SELECT} WHERE v.id = $1"))
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .map_err(internal)?;
    visit_from(&row, false)
}

async fn visit_by_key(db: &Db, key: &str) -> Result<Option<Visit>, DomainError> {
    let row = sqlx::query(&format!("{VISIT_SELECT} WHERE v.idempotency_key = $1"))
        .bind(key)
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?;
    row.map(|r| visit_from(&r, true)).transpose()
}

/// The visits credited to a certificate's live redemption, oldest first.
pub async fn visits_of(db: &Db, actor: &Actor, code_text: &str) -> Result<Vec<Visit>, DomainError> {
    actor.require(&[Role::Reception, Role::Marketer])?;
    let code = Code::parse(code_text).map_err(super::certificates::code_error)?;
    let rows = sqlx::query(&format!(
        "{VISIT_SELECT} WHERE c.code = $1 AND r.undone_at IS NULL ORDER BY v.visited_on, v.id"
    ))
    .bind(code.as_str())
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.iter().map(|r| visit_from(r, false)).collect()
}

// ---------- attribution ----------

/// Subqueries counting what one store (`x.store_id`) or employee (`x.employee_id`) brought.
fn figures(by: &str) -> String {
    format!(
        "(SELECT COUNT(*) FROM handouts h WHERE h.campaign_id = $1 AND h.{by} = x.k) AS handed_out,
         (SELECT COUNT(*) FROM redemptions r WHERE r.campaign_id = $1 AND r.{by} = x.k AND r.undone_at IS NULL) AS redeemed,
         (SELECT COUNT(*) FROM redemptions r WHERE r.campaign_id = $1 AND r.{by} = x.k AND r.undone_at IS NULL AND r.handout_id IS NULL) AS without_handout,
         (SELECT COUNT(DISTINCT v.redemption_id) FROM visits v JOIN redemptions r ON r.id = v.redemption_id
            WHERE v.campaign_id = $1 AND v.{by} = x.k AND r.undone_at IS NULL AND v.amount_kopecks > 0) AS bought,
         (SELECT COUNT(*) FROM visits v JOIN redemptions r ON r.id = v.redemption_id
            WHERE v.campaign_id = $1 AND v.{by} = x.k AND r.undone_at IS NULL) AS visits,
         (SELECT CAST(COALESCE(SUM(v.amount_kopecks), 0) AS BIGINT) FROM visits v JOIN redemptions r ON r.id = v.redemption_id
            WHERE v.campaign_id = $1 AND v.{by} = x.k AND r.undone_at IS NULL) AS revenue"
    )
}

fn attribution_row(r: &sqlx::any::AnyRow) -> Result<AttributionRow, DomainError> {
    let g = |e| internal(e);
    Ok(AttributionRow {
        store_id: r.try_get("store_id").map_err(g)?,
        store_name: r.try_get("store_name").map_err(g)?,
        employee_id: r.try_get("employee_id").map_err(g)?,
        employee_name: r.try_get("employee_name").map_err(g)?,
        handed_out: r.try_get("handed_out").map_err(g)?,
        redeemed: r.try_get("redeemed").map_err(g)?,
        redeemed_without_handout: r.try_get("without_handout").map_err(g)?,
        bought: r.try_get("bought").map_err(g)?,
        visits: r.try_get("visits").map_err(g)?,
        revenue: Money(r.try_get("revenue").map_err(g)?),
        regulations_read_at: r.try_get("regulations_read_at").map_err(g)?,
    })
}

/// Hand-outs, redemptions, visits and revenue per store and per employee of a campaign.
pub async fn attribution(
    db: &Db,
    actor: &Actor,
    campaign_id: i64,
) -> Result<Attribution, DomainError> {
    actor.require_marketer()?;
    let stores = sqlx::query(&format!(
        "SELECT x.k AS store_id, x.name AS store_name, CAST(NULL AS BIGINT) AS employee_id, CAST(NULL AS TEXT) AS employee_name,
                CAST(NULL AS TEXT) AS regulations_read_at, {}
         FROM (SELECT s.id AS k, s.name FROM stores s JOIN campaign_partners cp ON cp.partner_id = s.partner_id
               WHERE cp.campaign_id = $1) x ORDER BY x.name",
        figures("store_id")
    ))
    .bind(campaign_id)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    let employees = sqlx::query(&format!(
        "SELECT x.store_id, x.store_name, x.k AS employee_id, x.name AS employee_name,
                (SELECT read_at FROM regulation_reads WHERE campaign_id = $1 AND user_id = x.k) AS regulations_read_at, {}
         FROM (SELECT u.id AS k, u.name, s.id AS store_id, s.name AS store_name FROM users u
               JOIN stores s ON s.id = u.store_id
               WHERE u.role = 'store_staff' AND (
                   s.partner_id IN (SELECT partner_id FROM campaign_partners WHERE campaign_id = $1)
                   OR u.id IN (SELECT employee_id FROM handouts WHERE campaign_id = $1 AND employee_id IS NOT NULL))) x
         ORDER BY x.store_name, x.name",
        figures("employee_id")
    ))
    .bind(campaign_id)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    let stores = stores
        .iter()
        .map(attribution_row)
        .collect::<Result<Vec<_>, _>>()?;
    let employees = employees
        .iter()
        .map(attribution_row)
        .collect::<Result<Vec<_>, _>>()?;
    let mut total = AttributionRow::default();
    for s in &stores {
        total.handed_out += s.handed_out;
        total.redeemed += s.redeemed;
        total.redeemed_without_handout += s.redeemed_without_handout;
        total.bought += s.bought;
        total.visits += s.visits;
        total.revenue = Money(total.revenue.kopecks() + s.revenue.kopecks());
    }
    Ok(Attribution {
        stores,
        employees,
        total,
    })
}

/// Today in the clinic's time zone (for forms that default to it).
pub async fn clinic_today(db: &Db) -> Result<NaiveDate, DomainError> {
    let settings = super::settings::get(db).await?;
    Ok(super::settings::today(&settings.time_zone))
}
