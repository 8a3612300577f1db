//! Reception: check a code, redeem it exactly once, undo a mistaken redemption, record visits
//! and read what each store and employee brought in.
//!
//! Exactly once: the redemption is one INSERT guarded by the certificate's state; a partial
//! unique index allows one live redemption per certificate. A retry with the same idempotency
//! key returns the first answer. Whether a code can be redeemed is [`lifecycle::validity`].

use crate::auth::{Actor, new_secret};
use crate::checkin::{
    Attribution, AttributionRow, CheckedCertificate, CheckinAnswer, RedeemInput, Service,
    UndoInput, Verdict, Visit, VisitInput,
};
use crate::code::{Code, CodeProblem};
use crate::db::{self, Db, checkin::CheckRow, parse_ts, unique_violation};
use crate::error::{Check, DomainError, ErrorCode};
use crate::format::masked_phone;
use crate::ids::CampaignId;
use crate::lifecycle::{self, Validity};
use crate::policy::{self, Op};
use crate::results::LineOf;
use crate::types::{Money, Phone, optional_text, required_text};
use crate::webhooks::WebhookEvent;

use super::handouts::idempotency_key;

/// The verdict reception sees for a certificate's validity.
pub fn verdict(v: Validity) -> Verdict {
    match v {
        Validity::Valid => Verdict::Valid,
        Validity::NotYetValid { .. } => Verdict::NotYetValid,
        Validity::Expired { .. } => Verdict::Expired,
        Validity::Redeemed => Verdict::AlreadyRedeemed,
        Validity::Voided => Verdict::Voided,
    }
}

/// One certificate as read for check-in, with what redemption needs.
struct Read {
    row: CheckRow,
    verdict: Verdict,
    cert: CheckedCertificate,
}

fn read_row(db: &Db, row: CheckRow) -> Result<Read, DomainError> {
    let window = row.window()?;
    let state = db::certificates::state(&row.state)?;
    let verdict = verdict(lifecycle::validity(state, &window, db.clock.today()));
    let redeemed_at_local = row
        .redeemed_at
        .as_deref()
        .and_then(parse_ts)
        .map(|t| db.clock.local_text(t));
    let cert = CheckedCertificate {
        code: Code::parse(&row.code)
            .map(|c| c.display())
            .unwrap_or_else(|_| row.code.clone()),
        serial: row.serial,
        campaign_id: row.campaign_id.get(),
        campaign_name: row.campaign_name.clone(),
        face_value: Money(row.face_value_kopecks),
        start_date: window.start_date,
        valid_until: window.valid_until,
        store_id: row.store_id.map(|s| s.get()),
        store_name: row.store_name.clone(),
        handed_out: row.handout_id.is_some(),
        handed_out_at: row.happened_at.clone(),
        employee_name: row.employee_name.clone(),
        participant_name: row.participant_name.clone(),
        participant_phone: row.participant_phone.as_deref().map(masked_phone),
        redemption_id: row.redemption_id,
        redeemed_at: row.redeemed_at.clone(),
        redeemed_at_local,
        redeemed_by: row.redeemed_by_name.clone(),
        voided_at: row.voided_at.clone(),
        void_reason: row.void_reason.clone(),
    };
    Ok(Read { row, verdict, cert })
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

/// Reads a code (and what a redemption key was used for); `Err(answer)` when it cannot be a
/// certificate or none has it.
async fn read(
    db: &Db,
    code_text: &str,
    key: &str,
) -> Result<Result<Read, CheckinAnswer>, DomainError> {
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
    match db::checkin::read(&db.pool, &code, key).await? {
        Some(r) => Ok(Ok(read_row(db, r)?)),
        None => Ok(Err(answer(Verdict::UnknownCode, code.display(), None))),
    }
}

/// What reception sees after a scan. A valid answer carries a fresh idempotency key for the
/// "redeem" button.
pub async fn check(db: &Db, actor: &Actor, code_text: &str) -> Result<CheckinAnswer, DomainError> {
    actor.may(Op::CheckIn)?;
    Ok(match read(db, code_text, "").await? {
        Err(a) => a,
        Ok(r) => {
            let mut a = answer(r.verdict, r.cert.code.clone(), Some(r.cert));
            if a.verdict == Verdict::Valid {
                a.idempotency_key = Some(new_secret()[..32].to_owned());
            }
            a.without_handout = a.certificate.as_ref().is_some_and(|c| !c.handed_out);
            a
        }
    })
}

/// A key is bound to its redemption: the same certificate, the same caller, not undone since.
/// `Ok(true)`: a retry of that redemption; `Ok(false)`: the key is new; any other use of it is
/// refused (422) rather than answered with somebody else's "redeemed".
fn key_is_retry(row: &CheckRow, actor: &Actor) -> Result<bool, DomainError> {
    let Some(code) = &row.key_code else {
        return Ok(false);
    };
    let same = *code == row.code
        && row.key_by == actor.user_id
        && row.key_by_name.as_deref() == Some(actor.name.as_str())
        && row.key_undone_at.is_none();
    if same {
        Ok(true)
    } else {
        Err(DomainError::field("idempotency_key", ErrorCode::KeyReused))
    }
}

/// The answer to a retry: as the first request was answered.
fn replayed(r: Read, key: &str) -> CheckinAnswer {
    CheckinAnswer {
        verdict: Verdict::Redeemed,
        message: String::new(),
        code: r.cert.code.clone(),
        without_handout: r.row.handout_id.is_none(),
        replayed: true,
        idempotency_key: Some(key.to_owned()),
        certificate: Some(r.cert),
    }
}

/// Redeems a certificate exactly once. Anything but a valid certificate comes back as its
/// verdict (already redeemed, expired, …) with nothing written.
pub async fn redeem(
    db: &Db,
    actor: &Actor,
    input: &RedeemInput,
) -> Result<CheckinAnswer, DomainError> {
    actor.may(Op::Redeem)?;
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
    // One read decides (and tells whether this key was used before); the guarded INSERT
    // below makes it exactly once.
    let r = match read(db, &input.code, &key).await? {
        Err(a) => return Ok(a),
        Ok(r) => r,
    };
    if key_is_retry(&r.row, actor)? {
        return Ok(replayed(r, &key));
    }
    if r.verdict != Verdict::Valid {
        let without = !r.cert.handed_out;
        let mut a = answer(r.verdict, r.cert.code.clone(), Some(r.cert));
        a.without_handout = without;
        return Ok(a);
    }
    let at = db.now();
    let new = |patient| db::checkin::NewRedemption {
        certificate: r.row.id,
        campaign: r.row.campaign_id,
        store: r.row.store_id,
        employee: r.row.employee_id,
        handout: r.row.handout_id,
        patient,
        at,
        by: actor.user_id,
        by_name: &actor.name,
        key: &key,
    };
    let hooks = super::webhooks::anyone_listens(db, WebhookEvent::Redemption).await?;
    // Reception typed the patient, or an integration hears of redemptions: one transaction for
    // the patient, the redemption and the webhook's delivery.
    let inserted = if hooks || phone.is_some() {
        let mut w = db.write(actor).await?;
        let patient = match (&phone, &name) {
            (Some(p), Some(n)) => {
                Some(db::handouts::upsert_patient(&mut w.tx, n, p, None, None, at).await?)
            }
            _ => r.row.handout_patient_id,
        };
        let inserted = db::checkin::insert_redemption(&mut *w.tx, &new(patient)).await;
        if let Ok(Some(id)) = inserted {
            super::webhooks::queue_in(
                &mut w.tx,
                WebhookEvent::Redemption,
                id,
                Some(r.row.campaign_id.get()),
                serde_json::json!({"certificate": r.cert.code, "campaign_id": r.row.campaign_id,
                    "store_id": r.row.store_id, "employee_id": r.row.employee_id,
                    "handout_id": r.row.handout_id, "redeemed_at": db::ts(at)}),
                at,
            )
            .await?;
            w.commit().await?;
        }
        inserted
    } else {
        // The hot path: one statement, no explicit transaction.
        let _turn = db.write_turn().await;
        db::checkin::insert_redemption(&db.pool, &new(r.row.handout_patient_id)).await
    };
    let redemption_id = match inserted {
        Ok(Some(id)) => id,
        // Redeemed or voided between our read and the insert.
        Ok(None) => return lost_race(db, actor, &input.code, &key).await,
        Err(e) if unique_violation(&e).is_some() => {
            return lost_race(db, actor, &input.code, &key).await;
        }
        Err(e) => return Err(db::internal(e)),
    };
    // A self-registered participant who came to the clinic has a real phone.
    if let (Some(handout), Some(0)) = (r.row.handout_id, r.row.handout_confirmed) {
        db::handouts::confirm(&db.pool, handout).await?;
    }
    // The answer from what was read and written: no second round trip.
    let mut cert = r.cert;
    cert.redemption_id = Some(redemption_id);
    cert.redeemed_at = Some(db::ts(at));
    cert.redeemed_at_local = Some(db.clock.local_text(at));
    cert.redeemed_by = Some(actor.name.clone());
    Ok(CheckinAnswer {
        verdict: Verdict::Redeemed,
        message: String::new(),
        code: cert.code.clone(),
        without_handout: r.row.handout_id.is_none(),
        replayed: false,
        idempotency_key: Some(key),
        certificate: Some(cert),
    })
}

/// Another request got there first: the same request retried (same key) gets the first answer,
/// anyone else the certificate's verdict now (already redeemed).
async fn lost_race(
    db: &Db,
    actor: &Actor,
    code: &str,
    key: &str,
) -> Result<CheckinAnswer, DomainError> {
    if let Ok(r) = read(db, code, key).await?
        && key_is_retry(&r.row, actor)?
    {
        return Ok(replayed(r, key));
    }
    check(db, actor, code).await.map(|mut a| {
        a.idempotency_key = None;
        a
    })
}

/// Undoes a redemption: reception on the same day, the marketer any time. A reason is required.
pub async fn undo(db: &Db, actor: &Actor, input: &UndoInput) -> Result<CheckinAnswer, DomainError> {
    actor.may(Op::UndoRedemption)?;
    let reason =
        required_text("reason", &input.reason, 500).map_err(|e| DomainError::Invalid(vec![e]))?;
    let r = match read(db, &input.code, "").await? {
        Err(a) => {
            let code = match a.verdict {
                Verdict::UnknownCode => ErrorCode::CodeUnknown,
                Verdict::MistypedCode => ErrorCode::CodeMistyped,
                _ => ErrorCode::CodeInvalid,
            };
            return Err(DomainError::field("code", code));
        }
        Ok(r) => r,
    };
    let Some(redemption_id) = r.row.redemption_id else {
        return Err(DomainError::Refused(ErrorCode::NotRedeemed));
    };
    if !policy::undo_any_day(actor.role) {
        let day = r
            .row
            .redeemed_at
            .as_deref()
            .and_then(parse_ts)
            .map(|t| db.clock.date_of(t));
        if day != Some(db.clock.today()) {
            return Err(DomainError::Refused(ErrorCode::UndoTooLate));
        }
    }
    let back = db::certificates::state(&r.row.state)?
        .undo_redemption(r.row.handout_id.is_some())
        .map_err(DomainError::Refused)?;
    let mut w = db.write(actor).await?;
    let at = w.at;
    if !db::checkin::mark_undone(&mut *w.tx, redemption_id, actor.user_id, &reason, at).await? {
        return Err(DomainError::Refused(ErrorCode::NotRedeemed));
    }
    db::certificates::transition(
        &mut *w.tx,
        r.row.id,
        &[lifecycle::CertState::Redeemed],
        back,
        None,
    )
    .await?;
    w.audit(
        "undo_redemption",
        "certificate",
        Some(r.row.id.get()),
        serde_json::json!({"redemption_id": redemption_id, "reason": reason, "key": r.row.idempotency_key}),
    )
    .await?;
    w.commit().await?;
    check(db, actor, &input.code).await
}

// ---------- services ----------

pub async fn services(db: &Db, actor: &Actor) -> Result<Vec<Service>, DomainError> {
    actor.may(Op::ViewServices)?;
    db::checkin::services(&db.pool).await
}

/// Adds a service to the list (or brings a hidden one back).
pub async fn add_service(db: &Db, actor: &Actor, name: &str) -> Result<Service, DomainError> {
    actor.may(Op::ManageServices)?;
    let name = required_text("name", name, 100).map_err(|e| DomainError::Invalid(vec![e]))?;
    let mut w = db.write(actor).await?;
    let id = db::checkin::add_service(&mut w.tx, &name).await?;
    w.audit(
        "add_service",
        "service",
        Some(id),
        serde_json::json!({"name": name}),
    )
    .await?;
    w.commit().await?;
    Ok(Service {
        id,
        name,
        active: true,
    })
}

/// Hides a service from the list (visits that used it keep its name).
pub async fn hide_service(db: &Db, actor: &Actor, id: i64) -> Result<(), DomainError> {
    actor.may(Op::ManageServices)?;
    let mut w = db.write(actor).await?;
    if !db::checkin::hide_service(&mut *w.tx, id).await? {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    w.audit("hide_service", "service", Some(id), serde_json::json!({}))
        .await?;
    w.commit().await
}

// ---------- visits ----------

/// The most services one visit may list.
pub const MAX_VISIT_SERVICES: usize = 50;

/// Records a visit of a participant (found by code or phone), credited to their redemption's
/// campaign, store and employee.
pub async fn record_visit(
    db: &Db,
    actor: &Actor,
    input: &VisitInput,
) -> Result<Visit, DomainError> {
    actor.may(Op::RecordVisit)?;
    super::settings::get(db).await?;
    let today = db.clock.today();
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
    if input.services.len() > MAX_VISIT_SERVICES {
        check.push("services", ErrorCode::CountOutOfRange);
    } else {
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
    }
    check.finish()?;
    let (Some(amount), Some(doctor), Some(note), Some(visited_on), Some(key)) =
        (amount, doctor, note, visited_on, key)
    else {
        return Err(DomainError::Internal);
    };
    // The live redemption this visit is credited to.
    let redemption = match (&code, &phone) {
        (Some(c), _) => db::checkin::live_redemption_by_code(&db.pool, c)
            .await?
            .ok_or(DomainError::field("code", ErrorCode::NotRedeemed))?,
        (None, Some(p)) => db::checkin::live_redemption_by_phone(&db.pool, p.as_str())
            .await?
            .ok_or(DomainError::field(
                "patient_phone",
                ErrorCode::NotParticipant,
            ))?,
        _ => return Err(DomainError::Internal),
    };
    // A retry returns the first record; the key is bound to this participant's redemption.
    if let Some(k) = &key
        && let Some(v) = db::checkin::visit_by_key(&db.pool, k).await?
    {
        if v.redemption_id != redemption.id {
            return Err(DomainError::field("idempotency_key", ErrorCode::KeyReused));
        }
        return Ok(v);
    }
    let mut w = db.write(actor).await?;
    let new = db::checkin::NewVisit {
        redemption: &redemption,
        visited_on,
        amount,
        services: &chosen,
        doctor: doctor.as_deref(),
        note: note.as_deref(),
        by: actor.user_id,
        at: w.at,
        key: key.as_deref(),
    };
    let id = match db::checkin::insert_visit(&mut *w.tx, &new).await {
        Ok(id) => id,
        Err(e) if unique_violation(&e).is_some() => {
            drop(w);
            let k = key.as_deref().unwrap_or_default();
            return db::checkin::visit_by_key(&db.pool, k)
                .await?
                .ok_or(DomainError::Internal);
        }
        Err(e) => return Err(db::internal(e)),
    };
    w.audit(
        "record_visit",
        "visit",
        Some(id),
        serde_json::json!({"redemption_id": redemption.id, "amount_kopecks": amount.kopecks()}),
    )
    .await?;
    let at = w.at;
    super::webhooks::queue_in(
        &mut w.tx,
        WebhookEvent::Visit,
        id,
        None,
        serde_json::json!({"redemption_id": redemption.id, "visited_on": visited_on,
            "amount_kopecks": amount.kopecks(), "services": chosen}),
        at,
    )
    .await?;
    w.commit().await?;
    db::checkin::visit(&db.pool, id)
        .await?
        .ok_or(DomainError::Internal)
}

/// The visits credited to a certificate's live redemption, oldest first.
pub async fn visits_of(db: &Db, actor: &Actor, code_text: &str) -> Result<Vec<Visit>, DomainError> {
    actor.may(Op::ViewVisits)?;
    let code = Code::parse(code_text).map_err(super::certificates::code_error)?;
    db::checkin::visits_of(&db.pool, &code).await
}

// ---------- attribution ----------

/// Hand-outs, contacts, redemptions, visits and revenue per store and per employee of a
/// campaign, with the definitions of `crate::results` (the final report's figures).
pub async fn attribution(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
) -> Result<Attribution, DomainError> {
    actor.may(Op::ViewClinicFigures)?;
    let c = super::campaign(db, campaign).await?;
    let (_, tally) = super::results::tally(db, &c, &std::collections::HashMap::new()).await?;
    let counts = db::checkin::counts(&db.pool, campaign).await?;
    let without = |store: Option<i64>, employee: Option<i64>| -> i64 {
        counts
            .iter()
            .filter(|r| {
                (store.is_none() || r.store_id == store)
                    && (employee.is_none() || r.employee_id == employee)
            })
            .map(|r| r.redeemed_without_handout)
            .sum()
    };
    let row = |of: LineOf| {
        let f = tally.line(of).1;
        AttributionRow {
            handed_out: f.handed_out,
            contacts: f.contacts,
            redeemed: f.came,
            bought: f.bought,
            visits: f.visits,
            revenue: Money(f.revenue()),
            ..AttributionRow::default()
        }
    };
    let scores = super::shopper::latest_scores(db, Some(campaign.get())).await?;
    let stores = db::results::stores(&db.pool, campaign)
        .await?
        .into_iter()
        .map(|(id, name, _, _)| AttributionRow {
            store_id: Some(id),
            store_name: Some(name),
            redeemed_without_handout: without(Some(id), None),
            shopper_score: scores.get(&id).copied(),
            ..row(LineOf::Store(id))
        })
        .collect();
    let employees = db::checkin::attribution_employees(&db.pool, campaign)
        .await?
        .into_iter()
        .map(|e| AttributionRow {
            store_id: e.store_id,
            store_name: e.store_name,
            employee_id: Some(e.id),
            employee_name: Some(e.name),
            regulations_read_at: e.regulations_read_at,
            redeemed_without_handout: without(None, Some(e.id)),
            ..row(LineOf::Employee(e.id))
        })
        .collect();
    Ok(Attribution {
        stores,
        employees,
        total: AttributionRow {
            redeemed_without_handout: without(None, None),
            ..row(LineOf::All)
        },
    })
}

/// Today at the clinic (for forms that default to it).
pub async fn clinic_today(db: &Db) -> Result<chrono::NaiveDate, DomainError> {
    super::settings::get(db).await?;
    Ok(db.clock.today())
}
