//! Certificates: batches with unguessable codes and per-campaign serial numbers, allocation to
//! stores (and moves between them, recorded), voiding, paper-form batches, the texts a campaign
//! prints, and the public view of one certificate.

use std::collections::BTreeMap;

use crate::auth::Actor;
use crate::code::{Code, CodeProblem};
use crate::db::{self, Db, campaigns::SerialCounter};
use crate::error::{Check, DomainError, ErrorCode, FieldError};
use crate::ids::{CampaignId, StoreId};
use crate::lifecycle::{self, CertState, Validity};
use crate::model::{
    Batch, BatchInput, CampaignTexts, Certificate, FormBatch, MoveInput, MoveResult,
    PublicCertificate, PublicStatus, SerialRange, StoreStock, VoidInput,
};
use crate::policy::Op;
use crate::types::{optional_text, required_text};

pub use crate::db::certificates::CertFilter;

/// The most certificates one batch may hold.
pub const MAX_BATCH: i64 = 100_000;
/// The most paper forms printed at once for a store.
pub const MAX_FORMS: i64 = 10_000;
/// The most stores one batch may be split across.
pub const MAX_BATCH_STORES: usize = 500;

/// The URL a certificate's QR code holds: its public page.
pub fn certificate_url(public_url: &str, code: &Code) -> String {
    format!("{}/c/{}", public_url.trim_end_matches('/'), code.as_str())
}

/// A count as typed ("1 200") or sent; `field` names it in the error.
pub fn parse_count(field: &str, text: &str, max: i64) -> Result<i64, DomainError> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    match digits.parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(DomainError::field(field, ErrorCode::CountOutOfRange)),
    }
}

/// Turns a code problem into the message reception and staff see.
pub fn code_error(problem: CodeProblem) -> DomainError {
    DomainError::Invalid(vec![code_field_error(problem)])
}

/// The same, as one field error among others of a form.
pub fn code_field_error(problem: CodeProblem) -> FieldError {
    let code = match problem {
        CodeProblem::Empty => ErrorCode::Required,
        CodeProblem::CheckFailed => ErrorCode::CodeMistyped,
        CodeProblem::BadCharacter(_) | CodeProblem::WrongLength(_) => ErrorCode::CodeInvalid,
    };
    FieldError::new("code", code)
}

/// The campaign must exist and may still get new certificates and forms.
async fn printable_campaign(
    w: &mut db::Write<'_>,
    campaign: CampaignId,
) -> Result<(), DomainError> {
    let status = db::campaigns::status_of(&mut *w.tx, campaign)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
    lifecycle::may_print(status).map_err(DomainError::Refused)
}

/// Every store must belong to a partner of the campaign.
async fn stores_in_campaign(
    w: &mut db::Write<'_>,
    campaign: CampaignId,
    field: &str,
    stores: &[StoreId],
) -> Result<(), DomainError> {
    for s in stores {
        if !db::partners::store_in_campaign(&mut *w.tx, *s, campaign).await? {
            return Err(DomainError::field(field, ErrorCode::StoreNotInCampaign));
        }
    }
    Ok(())
}

/// Splits `count` as evenly as possible over `parts` (earlier parts take the remainder).
pub fn split_evenly(count: i64, parts: usize) -> Vec<i64> {
    if parts == 0 {
        return vec![];
    }
    let p = parts as i64;
    (0..p)
        .map(|i| count / p + i64::from(i < count % p))
        .collect()
}

/// Creates a batch of `count` certificates, split evenly across the given stores.
pub async fn create_batch(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
    input: &BatchInput,
) -> Result<Batch, DomainError> {
    actor.may(Op::ManageCertificates)?;
    let count = parse_count("count", &input.count, MAX_BATCH)?;
    if input.store_ids.len() > MAX_BATCH_STORES {
        return Err(DomainError::field("store_ids", ErrorCode::CountOutOfRange));
    }
    let mut store_ids: Vec<StoreId> = input.store_ids.iter().copied().map(StoreId).collect();
    store_ids.dedup();
    let mut w = db.write(actor).await?;
    printable_campaign(&mut w, campaign).await?;
    stores_in_campaign(&mut w, campaign, "store_ids", &store_ids).await?;
    let first =
        db::campaigns::take_serials(&mut *w.tx, campaign, SerialCounter::Certificates, count)
            .await?;
    let last = first + count - 1;
    let (at, by) = (w.at, actor.user_id);
    let batch_id =
        db::certificates::insert_batch(&mut *w.tx, campaign, first, last, by, at).await?;

    // Serial ranges per store: 1–200 to the first store, 201–400 to the second...
    let mut owners: Vec<(Option<StoreId>, i64, i64)> = Vec::new();
    if store_ids.is_empty() {
        owners.push((None, first, last));
    } else {
        let mut from = first;
        for (store, n) in store_ids.iter().zip(split_evenly(count, store_ids.len())) {
            if n > 0 {
                owners.push((Some(*store), from, from + n - 1));
                from += n;
            }
        }
    }
    for &(store, from, to) in &owners {
        db::certificates::insert_certificates(&mut w.tx, campaign, batch_id, store, from, to, at)
            .await?;
        if store.is_some() {
            db::certificates::record_move(
                &mut *w.tx,
                &db::certificates::Move {
                    campaign,
                    first: from,
                    last: to,
                    to_store: store,
                    moved: to - from + 1,
                    reason: "batch",
                    by,
                    at,
                },
            )
            .await?;
        }
    }
    w.audit(
        "create",
        "certificate_batch",
        Some(batch_id),
        serde_json::json!({
            "campaign_id": campaign, "count": count, "first_serial": first, "last_serial": last,
            "allocation": owners.iter().map(|(s, a, b)| serde_json::json!({"store_id": s, "first": a, "last": b})).collect::<Vec<_>>(),
        }),
    )
    .await?;
    w.commit().await?;
    Ok(Batch {
        id: batch_id,
        campaign_id: campaign.get(),
        first_serial: first,
        last_serial: last,
        count,
        created_at: db::ts(at),
    })
}

pub async fn list_batches(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
) -> Result<Vec<Batch>, DomainError> {
    actor.may(Op::ManageCertificates)?;
    db::certificates::batches(&db.pool, campaign).await
}

/// Consecutive serials folded into ranges: [1,2,3,7,8] → 1–3, 7–8.
pub fn ranges(serials: &[i64]) -> Vec<SerialRange> {
    let mut out: Vec<SerialRange> = Vec::new();
    for &s in serials {
        match out.last_mut() {
            Some(r) if r.last + 1 == s => r.last = s,
            _ => out.push(SerialRange { first: s, last: s }),
        }
    }
    out
}

/// Where the campaign's certificates are, per store and state. Store staff see their store only.
pub async fn stock(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
) -> Result<Vec<StoreStock>, DomainError> {
    actor.may(Op::ViewCertificates)?;
    super::partners::may_see_campaign(db, actor, campaign).await?;
    let rows = db::certificates::stock_rows(&db.pool, campaign, actor.scope().filter()).await?;
    let mut order: Vec<Option<StoreId>> = Vec::new();
    let mut by_store: BTreeMap<Option<StoreId>, (StoreStock, Vec<i64>)> = BTreeMap::new();
    for r in rows {
        let entry = by_store.entry(r.store_id).or_insert_with(|| {
            order.push(r.store_id);
            (
                StoreStock {
                    store_id: r.store_id.map(StoreId::get),
                    store_name: r.store_name.clone(),
                    partner_name: r.partner_name.clone(),
                    printed: 0,
                    handed_out: 0,
                    redeemed: 0,
                    voided: 0,
                    ranges: vec![],
                },
                vec![],
            )
        });
        match db::certificates::state(&r.state)? {
            CertState::Printed => entry.0.printed += 1,
            CertState::HandedOut => entry.0.handed_out += 1,
            CertState::Redeemed => entry.0.redeemed += 1,
            CertState::Voided => entry.0.voided += 1,
        }
        entry.1.push(r.serial);
    }
    // Stores in name order, the unallocated rest last.
    order.sort_by_key(|s| s.is_none());
    Ok(order
        .into_iter()
        .filter_map(|s| by_store.remove(&s))
        .map(|(mut st, serials)| {
            st.ranges = ranges(&serials);
            st
        })
        .collect())
}

/// Moves the still-printed certificates of a serial range to another store (or back to
/// unallocated). Handed-out, redeemed and voided ones stay where they are and are counted.
pub async fn move_range(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
    input: &MoveInput,
) -> Result<MoveResult, DomainError> {
    actor.may(Op::ManageCertificates)?;
    let mut c = Check::new();
    let first = c.take(parse_serial("first_serial", &input.first_serial));
    let last = c.take(parse_serial("last_serial", &input.last_serial));
    let reason = c.take(optional_text("reason", &input.reason, 500));
    if let (Some(a), Some(b)) = (first, last)
        && b < a
    {
        c.push("last_serial", ErrorCode::SerialRange);
    }
    c.finish()?;
    let (Some(first), Some(last), Some(reason)) = (first, last, reason) else {
        return Err(DomainError::Internal);
    };
    let to = input.store_id.map(StoreId);
    let mut w = db.write(actor).await?;
    printable_campaign(&mut w, campaign).await?;
    if let Some(store) = to {
        stores_in_campaign(&mut w, campaign, "store_id", &[store]).await?;
    }
    let total = db::certificates::count_in_range(&mut *w.tx, campaign, first, last).await?;
    if total == 0 {
        return Err(DomainError::field("first_serial", ErrorCode::SerialRange));
    }
    let moved = db::certificates::move_range(&mut *w.tx, campaign, first, last, to).await?;
    let reason = reason.unwrap_or_default();
    let (at, by) = (w.at, actor.user_id);
    db::certificates::record_move(
        &mut *w.tx,
        &db::certificates::Move {
            campaign,
            first,
            last,
            to_store: to,
            moved,
            reason: &reason,
            by,
            at,
        },
    )
    .await?;
    w.audit(
        "move",
        "certificates",
        Some(campaign.get()),
        serde_json::json!({"first_serial": first, "last_serial": last, "to_store_id": to, "moved": moved, "reason": reason}),
    )
    .await?;
    w.commit().await?;
    Ok(MoveResult {
        moved,
        skipped: total - moved,
    })
}

fn parse_serial(field: &str, text: &str) -> Result<i64, FieldError> {
    let digits: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '№')
        .collect();
    match digits.parse::<i64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ if digits.is_empty() => Err(FieldError::new(field, ErrorCode::Required)),
        _ => Err(FieldError::new(field, ErrorCode::SerialRange)),
    }
}

/// Voids a lost or damaged certificate with a reason; a redeemed one cannot be voided.
pub async fn void(db: &Db, actor: &Actor, input: &VoidInput) -> Result<Certificate, DomainError> {
    actor.may(Op::ManageCertificates)?;
    let code = Code::parse(&input.code).map_err(code_error)?;
    let reason =
        required_text("reason", &input.reason, 500).map_err(|e| DomainError::Invalid(vec![e]))?;
    let mut w = db.write(actor).await?;
    let row = db::certificates::by_code(&mut *w.tx, &code)
        .await?
        .ok_or(DomainError::field("code", ErrorCode::CodeUnknown))?;
    let was = row.state()?;
    was.void().map_err(DomainError::Refused)?;
    let (at, by) = (w.at, actor.user_id);
    if !db::certificates::mark_voided(&mut *w.tx, row.id, was, &reason, by, at).await? {
        return Err(DomainError::Refused(ErrorCode::AlreadyVoided));
    }
    w.audit(
        "void",
        "certificate",
        Some(row.id.get()),
        serde_json::json!({"code": code.as_str(), "reason": reason, "was": was.as_str()}),
    )
    .await?;
    w.commit().await?;
    let row = db::certificates::by_id(&db.pool, row.id)
        .await?
        .ok_or(DomainError::Internal)?;
    certificate(row, "")
}

fn certificate(r: db::certificates::CertRow, public_url: &str) -> Result<Certificate, DomainError> {
    let code = Code::parse(&r.code).map_err(|_| DomainError::Internal)?;
    Ok(Certificate {
        id: r.id.get(),
        campaign_id: r.campaign_id.get(),
        serial: r.serial,
        url: certificate_url(public_url, &code),
        code: code.display(),
        store_id: r.store_id.map(StoreId::get),
        store_name: r.store_name.clone(),
        state: r.state()?,
        void_reason: r.void_reason,
    })
}

/// Certificates of a campaign in serial order, for printing and for the API. Store staff see
/// their own store's only.
pub async fn list(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
    filter: &CertFilter,
    public_url: &str,
) -> Result<Vec<Certificate>, DomainError> {
    actor.may(Op::ViewCertificates)?;
    super::partners::may_see_campaign(db, actor, campaign).await?;
    let mut f = filter.clone();
    if let Some(own) = actor.scope().filter() {
        if f.store_id.is_some_and(|s| s != own) {
            return Err(DomainError::Refused(ErrorCode::Forbidden));
        }
        f.store_id = Some(own);
    }
    let rows = db::certificates::list(&db.pool, campaign, &f, MAX_BATCH).await?;
    rows.into_iter()
        .map(|r| certificate(r, public_url))
        .collect()
}

// ---------- texts ----------

/// The texts a campaign prints, as saved (empty: the default wording). Store staff read those
/// of their own campaigns (the regulations are theirs to follow).
pub async fn texts(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
) -> Result<CampaignTexts, DomainError> {
    actor.may(Op::ViewCampaignTexts)?;
    super::partners::may_see_campaign(db, actor, campaign).await?;
    db::campaigns::texts(&db.pool, campaign)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))
}

/// The longest each printed text may be.
pub const TEXT_LIMITS: [(&str, usize); 6] = [
    ("cert_title", 80),
    ("cert_text", 1_000),
    ("regulations", 20_000),
    ("consent_text", 2_000),
    ("poster_headline", 120),
    ("poster_text", 1_000),
];

impl CampaignTexts {
    fn parse(&self) -> Result<CampaignTexts, DomainError> {
        let mut c = Check::new();
        let mut take = |field: &str, max: usize, value: &str| -> String {
            c.take(optional_text(field, value, max))
                .flatten()
                .unwrap_or_default()
        };
        let [title, text, regs, consent, headline, poster] = TEXT_LIMITS;
        let t = CampaignTexts {
            cert_title: take(title.0, title.1, &self.cert_title),
            cert_text: take(text.0, text.1, &self.cert_text),
            regulations: take(regs.0, regs.1, &self.regulations),
            consent_text: take(consent.0, consent.1, &self.consent_text),
            poster_headline: take(headline.0, headline.1, &self.poster_headline),
            poster_text: take(poster.0, poster.1, &self.poster_text),
        };
        c.finish()?;
        Ok(t)
    }
}

pub async fn save_texts(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
    input: &CampaignTexts,
) -> Result<CampaignTexts, DomainError> {
    actor.may(Op::ManageCertificates)?;
    let t = input.parse()?;
    let mut w = db.write(actor).await?;
    let at = w.at;
    if !db::campaigns::save_texts(&mut *w.tx, campaign, &t, at).await? {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    w.audit(
        "update",
        "campaign_texts",
        Some(campaign.get()),
        serde_json::to_value(&t).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    Ok(t)
}

// ---------- paper forms ----------

pub async fn create_form_batch(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
    store_id: Option<StoreId>,
    count: &str,
) -> Result<FormBatch, DomainError> {
    actor.may(Op::ManageCertificates)?;
    let mut c = Check::new();
    let n = match parse_count("count", count, MAX_FORMS) {
        Ok(n) => Some(n),
        Err(_) => {
            c.push("count", ErrorCode::CountOutOfRange);
            None
        }
    };
    if store_id.is_none() {
        c.push("store_id", ErrorCode::Required);
    }
    c.finish()?;
    let (Some(n), Some(store)) = (n, store_id) else {
        return Err(DomainError::Internal);
    };
    let mut w = db.write(actor).await?;
    printable_campaign(&mut w, campaign).await?;
    stores_in_campaign(&mut w, campaign, "store_id", &[store]).await?;
    let first = db::campaigns::take_serials(&mut *w.tx, campaign, SerialCounter::Forms, n).await?;
    let (at, by) = (w.at, actor.user_id);
    let id = db::certificates::insert_form_batch(
        &mut *w.tx,
        campaign,
        store,
        first,
        first + n - 1,
        by,
        at,
    )
    .await?;
    w.audit(
        "create",
        "form_batch",
        Some(id),
        serde_json::json!({"campaign_id": campaign, "store_id": store, "count": n, "first_serial": first}),
    )
    .await?;
    w.commit().await?;
    form_batch(db, actor, id).await
}

pub async fn form_batch(db: &Db, actor: &Actor, id: i64) -> Result<FormBatch, DomainError> {
    actor.may(Op::ManageCertificates)?;
    db::certificates::form_batch(&db.pool, id)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))
}

pub async fn list_form_batches(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
) -> Result<Vec<FormBatch>, DomainError> {
    actor.may(Op::ManageCertificates)?;
    db::certificates::form_batches(&db.pool, campaign).await
}

// ---------- the public view ----------

/// The certificate's status as its holder sees it, from the one validity rule.
pub fn public_status(v: Validity) -> PublicStatus {
    match v {
        Validity::Valid => PublicStatus::Valid,
        Validity::NotYetValid { .. } => PublicStatus::NotYetValid,
        Validity::Expired { .. } => PublicStatus::Expired,
        Validity::Redeemed => PublicStatus::Redeemed,
        Validity::Voided => PublicStatus::Voided,
    }
}

/// Look-ups of a code by one client address per minute on the public page and API: plenty for
/// people, nothing for someone trying codes.
pub const PUBLIC_LOOKUPS_PER_MINUTE: i64 = 60;

/// What the certificate's holder sees on `/c/{code}`: no personal data, no store details.
pub async fn public_view(
    db: &Db,
    code_text: &str,
    client: &str,
    server_public_url: &str,
) -> Result<PublicCertificate, DomainError> {
    crate::auth::rate_limit(
        db,
        &format!("code-lookup:{client}"),
        PUBLIC_LOOKUPS_PER_MINUTE,
        60,
    )
    .await?;
    let code = Code::parse(code_text).map_err(code_error)?;
    let r = db::certificates::by_code(&db.pool, &code)
        .await?
        .ok_or(DomainError::field("code", ErrorCode::CodeUnknown))?;
    let settings = super::settings::get(db).await?;
    let window = r.window()?;
    let status = public_status(lifecycle::validity(r.state()?, &window, db.clock.today()));
    let lang = crate::Lang::Ru;
    let base = super::settings::qr_base_url(db, server_public_url).await?;
    let url = certificate_url(&base, &code);
    let own = CampaignTexts {
        cert_title: r.cert_title.clone(),
        cert_text: r.cert_text.clone(),
        ..Default::default()
    };
    let texts = crate::texts::printed(
        &own,
        &crate::texts::CampaignFacts {
            campaign_name: &r.campaign_name,
            face_value: r.face_value(),
            valid_until: window.valid_until,
            settings: &settings,
        },
        lang,
    );
    Ok(PublicCertificate {
        code: code.display(),
        serial: r.serial,
        campaign_name: r.campaign_name.clone(),
        title: texts.cert_title,
        terms: texts.cert_text,
        face_value: r.face_value(),
        valid_until: window.valid_until,
        status,
        clinic_name: settings.name,
        clinic_address: settings.address,
        clinic_phone: settings.phone,
        qr_svg: super::people::qr_svg(&url),
        url,
        awaits_sms_code: super::e_certificates::awaits_code(db, &code).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_is_split_evenly_with_the_remainder_to_the_first_stores() {
        assert_eq!(split_evenly(1200, 6), vec![200; 6]);
        assert_eq!(split_evenly(10, 3), vec![4, 3, 3]);
        assert_eq!(split_evenly(2, 3), vec![1, 1, 0]);
    }

    #[test]
    fn consecutive_serials_fold_into_ranges() {
        assert_eq!(
            ranges(&[1, 2, 3, 7, 8, 10]),
            vec![
                SerialRange { first: 1, last: 3 },
                SerialRange { first: 7, last: 8 },
                SerialRange {
                    first: 10,
                    last: 10
                }
            ]
        );
    }

    #[test]
    fn counts_outside_one_to_the_limit_are_refused_on_the_count_field() {
        assert!(parse_count("count", "0", MAX_BATCH).is_err());
        assert!(parse_count("count", "100001", MAX_BATCH).is_err());
        assert!(parse_count("count", "-5", MAX_BATCH).is_err());
        assert!(parse_count("count", "abc", MAX_BATCH).is_err());
        assert_eq!(parse_count("count", "1 200", MAX_BATCH), Ok(1200));
        assert_eq!(
            parse_count("count", "0", MAX_BATCH)
                .err()
                .and_then(|e| e.for_field("count").map(|f| f.code)),
            Some(ErrorCode::CountOutOfRange)
        );
    }
}
