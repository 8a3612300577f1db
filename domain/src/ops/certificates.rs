//! Certificates: batches with unguessable codes and per-campaign serial numbers, allocation to
//! stores (and moves between them, recorded), voiding, paper-form batches, the public view.

use std::collections::BTreeMap;

use sqlx::Row;

use crate::auth::Actor;
use crate::code::{Code, CodeProblem};
use crate::db::{Db, Tx, internal, now, parse_date};
use crate::error::{Check, DomainError, ErrorCode};
use crate::model::{
    Batch, BatchInput, CampaignTexts, CertState, Certificate, FormBatch, MoveInput, MoveResult,
    PublicCertificate, PublicStatus, SerialRange, StoreStock, VoidInput,
};
use crate::types::{Money, Role, optional_text, required_text};

/// The most certificates one batch may hold.
pub const MAX_BATCH: i64 = 100_000;
/// The most paper forms printed at once for a store.
pub const MAX_FORMS: i64 = 10_000;
/// Rows per INSERT statement (5 values each: well under SQLite's and PostgreSQL's limits).
const CHUNK: usize = 500;

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
pub fn code_field_error(problem: CodeProblem) -> crate::error::FieldError {
    let code = match problem {
        CodeProblem::Empty => ErrorCode::Required,
        CodeProblem::CheckFailed => ErrorCode::CodeMistyped,
        CodeProblem::BadCharacter(_) | CodeProblem::WrongLength(_) => ErrorCode::CodeInvalid,
    };
    crate::error::FieldError::new("code", code)
}

/// The campaign's status, refusing a finished one for anything that prints.
async fn open_campaign(tx: &mut Tx, campaign_id: i64) -> Result<(), DomainError> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM campaigns WHERE id = $1")
        .bind(campaign_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?;
    match status.as_deref() {
        None => Err(DomainError::Refused(ErrorCode::NotFound)),
        Some("finished") => Err(DomainError::Refused(ErrorCode::CampaignFinished)),
        Some(_) => Ok(()),
    }
}

/// Checks that every store belongs to a partner of the campaign.
async fn check_stores_in_campaign(
    tx: &mut Tx,
    campaign_id: i64,
    field: &str,
    store_ids: &[i64],
) -> Result<(), DomainError> {
    for id in store_ids {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM stores s JOIN campaign_partners cp ON cp.partner_id = s.partner_id
             WHERE s.id = $1 AND cp.campaign_id = $2",
        )
        .bind(id)
        .bind(campaign_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(internal)?;
        if n == 0 {
            return Err(DomainError::field(field, ErrorCode::StoreNotInCampaign));
        }
    }
    Ok(())
}

/// Takes `n` consecutive serial numbers of a counter column atomically; returns the first.
pub(crate) async fn take_serials(
    tx: &mut Tx,
    campaign_id: i64,
    column: &str,
    n: i64,
) -> Result<i64, DomainError> {
    let next: i64 = sqlx::query_scalar(&format!(
        "UPDATE campaigns SET {column} = {column} + $1 WHERE id = $2 RETURNING {column}"
    ))
    .bind(n)
    .bind(campaign_id)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    Ok(next - n)
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
    campaign_id: i64,
    input: &BatchInput,
) -> Result<Batch, DomainError> {
    actor.require_marketer()?;
    let count = parse_count("count", &input.count, MAX_BATCH)?;
    let mut store_ids = input.store_ids.clone();
    store_ids.dedup();
    let mut tx = db.begin().await?;
    open_campaign(&mut tx, campaign_id).await?;
    check_stores_in_campaign(&mut tx, campaign_id, "store_ids", &store_ids).await?;
    let first = take_serials(&mut tx, campaign_id, "next_serial", count).await?;
    let last = first + count - 1;
    let ts = now();
    let batch_id: i64 = sqlx::query_scalar(
        "INSERT INTO certificate_batches (campaign_id, first_serial, last_serial, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(campaign_id)
    .bind(first)
    .bind(last)
    .bind(actor.user_id)
    .bind(&ts)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;

    // Serial ranges per store: 1–200 to the first store, 201–400 to the second...
    let mut owners: Vec<(Option<i64>, i64, i64)> = Vec::new();
    if store_ids.is_empty() {
        owners.push((None, first, last));
    } else {
        let mut at = first;
        for (store, n) in store_ids.iter().zip(split_evenly(count, store_ids.len())) {
            if n > 0 {
                owners.push((Some(*store), at, at + n - 1));
                at += n;
            }
        }
    }
    for &(store, from, to) in &owners {
        insert_certificates(&mut tx, campaign_id, batch_id, store, from, to, &ts).await?;
        if store.is_some() {
            record_move(
                &mut tx,
                actor,
                campaign_id,
                from,
                to,
                store,
                to - from + 1,
                "batch",
            )
            .await?;
        }
    }
    super::audit(
        &mut tx,
        actor,
        "create",
        "certificate_batch",
        Some(batch_id),
        serde_json::json!({
            "campaign_id": campaign_id, "count": count, "first_serial": first, "last_serial": last,
            "allocation": owners.iter().map(|(s, a, b)| serde_json::json!({"store_id": s, "first": a, "last": b})).collect::<Vec<_>>(),
        }),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(Batch {
        id: batch_id,
        campaign_id,
        first_serial: first,
        last_serial: last,
        count,
        created_at: ts,
    })
}

/// Inserts certificates `from..=to` with fresh random codes; a code already taken (a 2⁻⁵⁰
/// event per pair, but possible) is drawn again.
async fn insert_certificates(
    tx: &mut Tx,
    campaign_id: i64,
    batch_id: i64,
    store: Option<i64>,
    from: i64,
    to: i64,
    ts: &str,
) -> Result<(), DomainError> {
    let serials: Vec<i64> = (from..=to).collect();
    for chunk in serials.chunks(CHUNK) {
        let mut missing: Vec<i64> = chunk.to_vec();
        for _attempt in 0..5 {
            if missing.is_empty() {
                break;
            }
            // `$n` placeholders work on both engines (QueryBuilder<Any> would emit `?`).
            let mut sql = String::from(
                "INSERT INTO certificates (campaign_id, batch_id, serial, code, store_id, created_at) VALUES ",
            );
            for i in 0..missing.len() {
                let b = i * 4;
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "($1, $2, ${}, ${}, ${}, ${})",
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6
                ));
            }
            sql.push_str(" ON CONFLICT (code) DO NOTHING");
            let mut q = sqlx::query(&sql).bind(campaign_id).bind(batch_id);
            for serial in &missing {
                q = q
                    .bind(*serial)
                    .bind(Code::random().as_str().to_owned())
                    .bind(store)
                    .bind(ts.to_owned());
            }
            let done = q
                .execute(&mut **tx)
                .await
                .map_err(internal)?
                .rows_affected();
            if done as usize == missing.len() {
                missing.clear();
                break;
            }
            // Find which serials did not get a row and draw new codes for them.
            let (lo, hi) = (missing[0], missing[missing.len() - 1]);
            let present: Vec<i64> = sqlx::query_scalar(
                "SELECT serial FROM certificates WHERE campaign_id = $1 AND serial BETWEEN $2 AND $3",
            )
            .bind(campaign_id)
            .bind(lo)
            .bind(hi)
            .fetch_all(&mut **tx)
            .await
            .map_err(internal)?;
            missing.retain(|s| !present.contains(s));
        }
        if !missing.is_empty() {
            tracing::error!("could not find free certificate codes after 5 attempts");
            return Err(DomainError::Internal);
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn record_move(
    tx: &mut Tx,
    actor: &Actor,
    campaign_id: i64,
    first: i64,
    last: i64,
    store: Option<i64>,
    moved: i64,
    reason: &str,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO certificate_moves (campaign_id, first_serial, last_serial, to_store_id, moved, reason, moved_by, moved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(campaign_id)
    .bind(first)
    .bind(last)
    .bind(store)
    .bind(moved)
    .bind(reason)
    .bind(actor.user_id)
    .bind(now())
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    Ok(())
}

pub async fn list_batches(
    db: &Db,
    actor: &Actor,
    campaign_id: i64,
) -> Result<Vec<Batch>, DomainError> {
    actor.require_marketer()?;
    let rows = sqlx::query(
        "SELECT id, campaign_id, first_serial, last_serial, created_at FROM certificate_batches
         WHERE campaign_id = $1 ORDER BY id",
    )
    .bind(campaign_id)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.iter()
        .map(|r| {
            let first: i64 = r.try_get("first_serial").map_err(internal)?;
            let last: i64 = r.try_get("last_serial").map_err(internal)?;
            Ok(Batch {
                id: r.try_get("id").map_err(internal)?,
                campaign_id: r.try_get("campaign_id").map_err(internal)?,
                first_serial: first,
                last_serial: last,
                count: last - first + 1,
                created_at: r.try_get("created_at").map_err(internal)?,
            })
        })
        .collect()
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
    campaign_id: i64,
) -> Result<Vec<StoreStock>, DomainError> {
    actor.require(&[Role::Marketer, Role::StoreStaff])?;
    let only_store = match actor.role {
        Role::StoreStaff => Some(
            actor
                .store_id
                .ok_or(DomainError::Refused(ErrorCode::Forbidden))?,
        ),
        _ => None,
    };
    let rows = sqlx::query(
        "SELECT c.store_id, c.serial, c.state, s.name AS store_name, p.name AS partner_name
         FROM certificates c LEFT JOIN stores s ON s.id = c.store_id LEFT JOIN partners p ON p.id = s.partner_id
         WHERE c.campaign_id = $1 AND ($2 = 0 OR c.store_id = $3)
         ORDER BY p.name, s.name, c.store_id, c.serial",
    )
    .bind(campaign_id)
    .bind(i64::from(only_store.is_some()))
    .bind(only_store.unwrap_or(0))
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    let mut order: Vec<Option<i64>> = Vec::new();
    let mut by_store: BTreeMap<Option<i64>, (StoreStock, Vec<i64>)> = BTreeMap::new();
    for r in &rows {
        let store: Option<i64> = r.try_get("store_id").map_err(internal)?;
        let entry = by_store.entry(store).or_insert_with(|| {
            order.push(store);
            (
                StoreStock {
                    store_id: store,
                    store_name: r.try_get("store_name").ok().flatten(),
                    partner_name: r.try_get("partner_name").ok().flatten(),
                    printed: 0,
                    handed_out: 0,
                    redeemed: 0,
                    voided: 0,
                    ranges: vec![],
                },
                vec![],
            )
        });
        let state: String = r.try_get("state").map_err(internal)?;
        match CertState::parse(&state) {
            Some(CertState::Printed) => entry.0.printed += 1,
            Some(CertState::HandedOut) => entry.0.handed_out += 1,
            Some(CertState::Redeemed) => entry.0.redeemed += 1,
            Some(CertState::Voided) => entry.0.voided += 1,
            None => {}
        }
        entry.1.push(r.try_get("serial").map_err(internal)?);
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
    campaign_id: i64,
    input: &MoveInput,
) -> Result<MoveResult, DomainError> {
    actor.require_marketer()?;
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
    let mut tx = db.begin().await?;
    open_campaign(&mut tx, campaign_id).await?;
    if let Some(store) = input.store_id {
        check_stores_in_campaign(&mut tx, campaign_id, "store_id", &[store]).await?;
    }
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM certificates WHERE campaign_id = $1 AND serial BETWEEN $2 AND $3",
    )
    .bind(campaign_id)
    .bind(first)
    .bind(last)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    if total == 0 {
        return Err(DomainError::field("first_serial", ErrorCode::SerialRange));
    }
    let moved = sqlx::query(
        "UPDATE certificates SET store_id = $1
         WHERE campaign_id = $2 AND serial BETWEEN $3 AND $4 AND state = 'printed'",
    )
    .bind(input.store_id)
    .bind(campaign_id)
    .bind(first)
    .bind(last)
    .execute(&mut *tx)
    .await
    .map_err(internal)?
    .rows_affected() as i64;
    let reason = reason.unwrap_or_default();
    record_move(
        &mut tx,
        actor,
        campaign_id,
        first,
        last,
        input.store_id,
        moved,
        &reason,
    )
    .await?;
    super::audit(
        &mut tx,
        actor,
        "move",
        "certificates",
        Some(campaign_id),
        serde_json::json!({"first_serial": first, "last_serial": last, "to_store_id": input.store_id, "moved": moved, "reason": reason}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(MoveResult {
        moved,
        skipped: total - moved,
    })
}

fn parse_serial(field: &str, text: &str) -> Result<i64, crate::error::FieldError> {
    let digits: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '№')
        .collect();
    match digits.parse::<i64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ if digits.is_empty() => Err(crate::error::FieldError::new(field, ErrorCode::Required)),
        _ => Err(crate::error::FieldError::new(field, ErrorCode::SerialRange)),
    }
}

/// Voids a lost or damaged certificate with a reason; a redeemed one cannot be voided.
pub async fn void(db: &Db, actor: &Actor, input: &VoidInput) -> Result<Certificate, DomainError> {
    actor.require_marketer()?;
    let code = Code::parse(&input.code).map_err(code_error)?;
    let reason =
        required_text("reason", &input.reason, 500).map_err(|e| DomainError::Invalid(vec![e]))?;
    let mut tx = db.begin().await?;
    let row = sqlx::query("SELECT id, state FROM certificates WHERE code = $1")
        .bind(code.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?
        .ok_or(DomainError::field("code", ErrorCode::CodeUnknown))?;
    let id: i64 = row.try_get("id").map_err(internal)?;
    let state: String = row.try_get("state").map_err(internal)?;
    match CertState::parse(&state) {
        Some(CertState::Redeemed) => return Err(DomainError::Refused(ErrorCode::AlreadyRedeemed)),
        Some(CertState::Voided) => return Err(DomainError::Refused(ErrorCode::AlreadyVoided)),
        _ => {}
    }
    sqlx::query(
        "UPDATE certificates SET state = 'voided', void_reason = $1, voided_at = $2, voided_by = $3 WHERE id = $4",
    )
    .bind(&reason)
    .bind(now())
    .bind(actor.user_id)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    super::audit(
        &mut tx,
        actor,
        "void",
        "certificate",
        Some(id),
        serde_json::json!({"code": code.as_str(), "reason": reason, "was": state}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    get_by_id(db, id, "").await
}

const CERT_SELECT: &str = "SELECT c.id, c.campaign_id, c.serial, c.code, c.store_id, c.state, c.void_reason, s.name AS store_name
    FROM certificates c LEFT JOIN stores s ON s.id = c.store_id";

fn cert_from_row(r: &sqlx::any::AnyRow, public_url: &str) -> Result<Certificate, DomainError> {
    let code: String = r.try_get("code").map_err(internal)?;
    let code = Code::parse(&code).map_err(|_| DomainError::Internal)?;
    let state: String = r.try_get("state").map_err(internal)?;
    Ok(Certificate {
        id: r.try_get("id").map_err(internal)?,
        campaign_id: r.try_get("campaign_id").map_err(internal)?,
        serial: r.try_get("serial").map_err(internal)?,
        url: certificate_url(public_url, &code),
        code: code.display(),
        store_id: r.try_get("store_id").map_err(internal)?,
        store_name: r.try_get("store_name").map_err(internal)?,
        state: CertState::parse(&state).ok_or(DomainError::Internal)?,
        void_reason: r.try_get("void_reason").map_err(internal)?,
    })
}

async fn get_by_id(db: &Db, id: i64, public_url: &str) -> Result<Certificate, DomainError> {
    let row = sqlx::query(&format!("{CERT_SELECT} WHERE c.id = $1"))
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .map_err(internal)?;
    cert_from_row(&row, public_url)
}

/// Which certificates to list or print.
#[derive(Clone, Debug, Default)]
pub struct CertFilter {
    pub store_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub first_serial: Option<i64>,
    pub last_serial: Option<i64>,
    pub state: Option<CertState>,
    pub limit: Option<i64>,
}

/// Certificates of a campaign in serial order, for printing and for the API.
pub async fn list(
    db: &Db,
    actor: &Actor,
    campaign_id: i64,
    filter: &CertFilter,
    public_url: &str,
) -> Result<Vec<Certificate>, DomainError> {
    actor.require(&[Role::Marketer, Role::StoreStaff])?;
    let store = match actor.role {
        Role::StoreStaff => {
            let own = actor
                .store_id
                .ok_or(DomainError::Refused(ErrorCode::Forbidden))?;
            if filter.store_id.is_some_and(|s| s != own) {
                return Err(DomainError::Refused(ErrorCode::Forbidden));
            }
            Some(own)
        }
        _ => filter.store_id,
    };
    let rows = sqlx::query(&format!(
        "{CERT_SELECT} WHERE c.campaign_id = $1
         AND ($2 = 0 OR c.store_id = $3) AND ($4 = 0 OR c.batch_id = $5)
         AND c.serial BETWEEN $6 AND $7 AND ($8 = '' OR c.state = $8)
         ORDER BY c.serial LIMIT $9"
    ))
    .bind(campaign_id)
    .bind(i64::from(store.is_some()))
    .bind(store.unwrap_or(0))
    .bind(i64::from(filter.batch_id.is_some()))
    .bind(filter.batch_id.unwrap_or(0))
    .bind(filter.first_serial.unwrap_or(1))
    .bind(filter.last_serial.unwrap_or(i64::MAX))
    .bind(filter.state.map(CertState::as_str).unwrap_or(""))
    .bind(filter.limit.unwrap_or(MAX_BATCH).clamp(1, MAX_BATCH))
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.iter().map(|r| cert_from_row(r, public_url)).collect()
}

// ---------- texts ----------

pub async fn texts(db: &Db, actor: &Actor, campaign_id: i64) -> Result<CampaignTexts, DomainError> {
    actor.require(&[Role::Marketer, Role::StoreStaff, Role::Reception])?;
    let r = sqlx::query(
        "SELECT cert_title, cert_text, regulations, consent_text, poster_headline, poster_text FROM campaigns WHERE id = $1",
    )
    .bind(campaign_id)
    .fetch_optional(&db.pool)
    .await
    .map_err(internal)?
    .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
    Ok(CampaignTexts {
        cert_title: r.try_get("cert_title").map_err(internal)?,
        cert_text: r.try_get("cert_text").map_err(internal)?,
        regulations: r.try_get("regulations").map_err(internal)?,
        consent_text: r.try_get("consent_text").map_err(internal)?,
        poster_headline: r.try_get("poster_headline").map_err(internal)?,
        poster_text: r.try_get("poster_text").map_err(internal)?,
    })
}

pub async fn save_texts(
    db: &Db,
    actor: &Actor,
    campaign_id: i64,
    input: &CampaignTexts,
) -> Result<CampaignTexts, DomainError> {
    actor.require_marketer()?;
    let mut c = Check::new();
    let t = CampaignTexts {
        cert_title: c
            .take(optional_text("cert_title", &input.cert_title, 80))
            .flatten()
            .unwrap_or_default(),
        cert_text: c
            .take(optional_text("cert_text", &input.cert_text, 1_000))
            .flatten()
            .unwrap_or_default(),
        regulations: c
            .take(optional_text("regulations", &input.regulations, 20_000))
            .flatten()
            .unwrap_or_default(),
        consent_text: c
            .take(optional_text("consent_text", &input.consent_text, 2_000))
            .flatten()
            .unwrap_or_default(),
        poster_headline: c
            .take(optional_text(
                "poster_headline",
                &input.poster_headline,
                120,
            ))
            .flatten()
            .unwrap_or_default(),
        poster_text: c
            .take(optional_text("poster_text", &input.poster_text, 1_000))
            .flatten()
            .unwrap_or_default(),
    };
    c.finish()?;
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE campaigns SET cert_title = $1, cert_text = $2, regulations = $3, consent_text = $4,
         poster_headline = $5, poster_text = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(&t.cert_title)
    .bind(&t.cert_text)
    .bind(&t.regulations)
    .bind(&t.consent_text)
    .bind(&t.poster_headline)
    .bind(&t.poster_text)
    .bind(now())
    .bind(campaign_id)
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
        "update",
        "campaign_texts",
        Some(campaign_id),
        serde_json::to_value(&t).unwrap_or_default(),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(t)
}

// ---------- paper forms ----------

pub async fn create_form_batch(
    db: &Db,
    actor: &Actor,
    campaign_id: i64,
    store_id: Option<i64>,
    count: &str,
) -> Result<FormBatch, DomainError> {
    actor.require_marketer()?;
    let mut c = Check::new();
    let n = match parse_count("count", count, MAX_FORMS) {
        Ok(n) => Some(n),
        Err(DomainError::Invalid(mut f)) => {
            c.push(
                "count",
                f.pop()
                    .map(|f| f.code)
                    .unwrap_or(ErrorCode::CountOutOfRange),
            );
            None
        }
        Err(e) => return Err(e),
    };
    if store_id.is_none() {
        c.push("store_id", ErrorCode::Required);
    }
    c.finish()?;
    let (Some(n), Some(store_id)) = (n, store_id) else {
        return Err(DomainError::Internal);
    };
    let mut tx = db.begin().await?;
    open_campaign(&mut tx, campaign_id).await?;
    check_stores_in_campaign(&mut tx, campaign_id, "store_id", &[store_id]).await?;
    let first = take_serials(&mut tx, campaign_id, "next_form_serial", n).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO form_batches (campaign_id, store_id, first_serial, last_serial, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(campaign_id)
    .bind(store_id)
    .bind(first)
    .bind(first + n - 1)
    .bind(actor.user_id)
    .bind(now())
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    super::audit(&mut tx, actor, "create", "form_batch", Some(id), serde_json::json!({"campaign_id": campaign_id, "store_id": store_id, "count": n, "first_serial": first})).await?;
    tx.commit().await.map_err(internal)?;
    form_batch(db, actor, id).await
}

pub async fn form_batch(db: &Db, actor: &Actor, id: i64) -> Result<FormBatch, DomainError> {
    actor.require_marketer()?;
    let rows = form_batch_rows(db, "f.id = $1", id).await?;
    rows.into_iter()
        .next()
        .ok_or(DomainError::Refused(ErrorCode::NotFound))
}

pub async fn list_form_batches(
    db: &Db,
    actor: &Actor,
    campaign_id: i64,
) -> Result<Vec<FormBatch>, DomainError> {
    actor.require_marketer()?;
    form_batch_rows(db, "f.campaign_id = $1", campaign_id).await
}

async fn form_batch_rows(db: &Db, cond: &str, id: i64) -> Result<Vec<FormBatch>, DomainError> {
    let rows = sqlx::query(&format!(
        "SELECT f.id, f.campaign_id, f.store_id, s.name AS store_name, f.first_serial, f.last_serial, f.created_at
         FROM form_batches f JOIN stores s ON s.id = f.store_id WHERE {cond} ORDER BY f.id"
    ))
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.iter()
        .map(|r| {
            Ok(FormBatch {
                id: r.try_get("id").map_err(internal)?,
                campaign_id: r.try_get("campaign_id").map_err(internal)?,
                store_id: r.try_get("store_id").map_err(internal)?,
                store_name: r.try_get("store_name").map_err(internal)?,
                first_serial: r.try_get("first_serial").map_err(internal)?,
                last_serial: r.try_get("last_serial").map_err(internal)?,
                created_at: r.try_get("created_at").map_err(internal)?,
            })
        })
        .collect()
}

// ---------- the public view ----------

/// What the certificate's holder sees on `/c/{code}`: no personal data, no store details.
pub async fn public_view(db: &Db, code_text: &str) -> Result<PublicCertificate, DomainError> {
    let code = Code::parse(code_text).map_err(code_error)?;
    let r = sqlx::query(
        "SELECT c.serial, c.state, k.name AS campaign_name, k.face_value_kopecks, k.valid_until, k.start_date,
                k.cert_title, k.cert_text, k.terms
         FROM certificates c JOIN campaigns k ON k.id = c.campaign_id WHERE c.code = $1",
    )
    .bind(code.as_str())
    .fetch_optional(&db.pool)
    .await
    .map_err(internal)?
    .ok_or(DomainError::field("code", ErrorCode::CodeUnknown))?;
    let settings = super::settings::get(db).await?;
    let today = super::settings::today(&settings.time_zone);
    let state: String = r.try_get("state").map_err(internal)?;
    let valid_until = parse_date(&r.try_get::<String, _>("valid_until").map_err(internal)?);
    let start = parse_date(&r.try_get::<String, _>("start_date").map_err(internal)?);
    let status = match CertState::parse(&state) {
        Some(CertState::Redeemed) => PublicStatus::Redeemed,
        Some(CertState::Voided) => PublicStatus::Voided,
        _ if today > valid_until => PublicStatus::Expired,
        _ if today < start => PublicStatus::NotYetValid,
        _ => PublicStatus::Valid,
    };
    let face_value = Money(r.try_get("face_value_kopecks").map_err(internal)?);
    let campaign_name: String = r.try_get("campaign_name").map_err(internal)?;
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
    let own = CampaignTexts {
        cert_title: r.try_get("cert_title").map_err(internal)?,
        cert_text: r.try_get("cert_text").map_err(internal)?,
        ..Default::default()
    };
    let texts = crate::texts::effective(&own, &fill, lang);
    Ok(PublicCertificate {
        code: code.display(),
        serial: r.try_get("serial").map_err(internal)?,
        campaign_name,
        title: texts.cert_title,
        terms: texts.cert_text,
        face_value,
        valid_until,
        status,
        clinic_name: settings.name,
        clinic_address: settings.address,
        clinic_phone: settings.phone,
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
