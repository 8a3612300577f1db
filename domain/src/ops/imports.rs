//! Importing digitised paper forms (checklist items 18–19), marketer only.
//!
//! 1. **Upload** an XLSX or CSV: it is read into text cells and kept with an id, its columns
//!    guessed from the header row ([`crate::imports::guess_mapping`]).
//! 2. **Preview**: every row goes through exactly what confirming does — the hand-out rules of
//!    `ops::handouts::record_in` for a row with a certificate, a contact with its consent for
//!    one without — inside one transaction that is then rolled back, so what the preview says
//!    is what confirming does, and nothing is saved. Each row runs under its own savepoint: a
//!    refused row leaves nothing behind for the next ones.
//! 3. **Mapping**: the marketer may change the columns (and the store of rows that name none);
//!    the preview is made again.
//! 4. **Confirm**: the same run, committed as ONE transaction with the import marked
//!    confirmed; a second confirmation finds it confirmed and returns the first result, so
//!    nothing is doubled. A row that turned bad since the preview (its certificate handed out
//!    meanwhile) is refused then, with its reason, and the others are saved.
//!
//! A confirmed import keeps only counts and each row's outcome, not the typed names and phones
//! (those live in the participants' records); an upload never confirmed is forgotten after
//! [`KEEP_WAITING_DAYS`].

use std::collections::{HashMap, HashSet};

use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::Actor;
use crate::code::Code;
use crate::db::{self, Db, Write, handouts::Source};
use crate::error::{DomainError, ErrorCode, FieldError};
use crate::ids::{CampaignId, StoreId};
use crate::imports::{
    CertRef, ImportColumn, ImportField, ImportMapping, ImportPreview, ImportRow, ImportStore,
    ImportSummary, MAX_FILE_NAME, RowAction, RowPerson, Table, certificate_ref, consent_given,
    guess_mapping, number, parse_mapping, read_file, store_key,
};
use crate::ops::handouts::{Recording, consent_version, happened_at, record_in};
use crate::policy::Op;
use crate::types::{Email, Phone, optional_text, parse_date, required_text};

/// Uploads never confirmed are forgotten after this many days.
pub const KEEP_WAITING_DAYS: i64 = 7;
/// The most imports a campaign's history lists.
pub const MAX_HISTORY: i64 = 100;

/// The rows' outcomes as stored with the import.
#[derive(Default, Serialize, Deserialize)]
struct Outcome {
    rows: Vec<ImportRow>,
}

/// Reads a file, keeps it with an id and makes its first preview.
pub async fn upload(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
    file_name: &str,
    bytes: &[u8],
) -> Result<ImportPreview, DomainError> {
    actor.may(Op::ImportForms)?;
    if db::campaigns::status_of(&db.pool, campaign)
        .await?
        .is_none()
    {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    let name: String = file_name
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME)
        .collect();
    let name = if name.is_empty() {
        "import".to_owned()
    } else {
        name
    };
    let table = read_file(&name, bytes)?;
    let mapping = guess_mapping(&table.headers);
    let hash = hex::encode(Sha256::digest(bytes));
    let headers = json(&table.headers)?;
    let cells = json(&table.rows)?;
    let mapping_text = json(&mapping)?;
    let mut w = db.write(actor).await?;
    db::imports::purge_waiting(&mut *w.tx, w.at - Duration::days(KEEP_WAITING_DAYS)).await?;
    let id = db::imports::insert(
        &mut *w.tx,
        &db::imports::NewImport {
            campaign,
            file_name: &name,
            content_hash: &hash,
            by: actor.user_id,
            by_name: &actor.name,
            at: w.at,
            headers: &headers,
            cells: &cells,
            mapping: &mapping_text,
            row_count: table.rows.len() as i64,
        },
    )
    .await?;
    w.audit(
        "upload",
        "form_import",
        Some(id),
        serde_json::json!({"file_name": name, "rows": table.rows.len(), "campaign_id": campaign}),
    )
    .await?;
    w.commit().await?;
    let rec = stored(db, id).await?;
    remake_preview(db, actor, &rec, &table, &mapping, None).await
}

/// An import: its mapping and what each row would do (or did). `rows` at most, refused first.
pub async fn get(
    db: &Db,
    actor: &Actor,
    id: i64,
    rows: Option<usize>,
) -> Result<ImportPreview, DomainError> {
    actor.may(Op::ImportForms)?;
    let rec = stored(db, id).await?;
    view(db, &rec, rows).await
}

/// The marketer's columns (and the store of rows that name none): a new preview.
pub async fn set_mapping(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &ImportMapping,
) -> Result<ImportPreview, DomainError> {
    actor.may(Op::ImportForms)?;
    let rec = stored(db, id).await?;
    if rec.confirmed() {
        return Err(DomainError::Refused(ErrorCode::AlreadyImported));
    }
    let table = table_of(&rec)?;
    let mapping = parse_mapping(&input.columns, table.headers.len())
        .map_err(|e| DomainError::Invalid(vec![e]))?;
    let default_store = match input.default_store_id {
        None => None,
        Some(s) => {
            let stores =
                db::imports::campaign_stores(&db.pool, CampaignId(rec.campaign_id)).await?;
            if !stores.iter().any(|(id, _)| *id == s) {
                return Err(DomainError::field(
                    "default_store_id",
                    ErrorCode::UnknownStore,
                ));
            }
            Some(StoreId(s))
        }
    };
    remake_preview(db, actor, &rec, &table, &mapping, default_store).await
}

/// Saves every good row in one transaction. Confirming again returns the first result.
pub async fn confirm(
    db: &Db,
    actor: &Actor,
    id: i64,
    rows: Option<usize>,
) -> Result<ImportPreview, DomainError> {
    actor.may(Op::ImportForms)?;
    let rec = stored(db, id).await?;
    if rec.confirmed() {
        return view(db, &rec, rows).await;
    }
    let table = table_of(&rec)?;
    let mapping = mapping_of(&rec, table.headers.len())?;
    let mut w = db.write(actor).await?;
    if !db::imports::take_for_confirmation(&mut *w.tx, id, actor.user_id, &actor.name, w.at).await?
    {
        // Confirmed meanwhile (another tab, a retry): that confirmation stands.
        w.rollback().await?;
        let rec = stored(db, id).await?;
        return view(db, &rec, rows).await;
    }
    let default_store = rec.default_store_id.map(StoreId);
    let ctx = Ctx::load(&mut w, CampaignId(rec.campaign_id), id).await?;
    let mut done = run(
        &mut w,
        &db.clock,
        actor,
        &ctx,
        &table,
        &mapping,
        default_store,
    )
    .await?;
    let saved = done.iter().filter(|r| r.is_good()).count() as i64;
    let refused = done.len() as i64 - saved;
    // What stays with the import: outcomes, not the personal data typed.
    for r in &mut done {
        r.name.clear();
        r.phone.clear();
    }
    db::imports::finish(
        &mut *w.tx,
        id,
        &json(&Outcome { rows: done })?,
        saved,
        refused,
    )
    .await?;
    w.audit(
        "confirm",
        "form_import",
        Some(id),
        serde_json::json!({"saved": saved, "refused": refused}),
    )
    .await?;
    w.commit().await?;
    let rec = stored(db, id).await?;
    view(db, &rec, rows).await
}

/// The campaign's imports, newest first: who, when, the file, rows saved and refused.
pub async fn history(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
) -> Result<Vec<ImportSummary>, DomainError> {
    actor.may(Op::ImportForms)?;
    if db::campaigns::status_of(&db.pool, campaign)
        .await?
        .is_none()
    {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    let list = db::imports::history(&db.pool, campaign, MAX_HISTORY).await?;
    Ok(list
        .into_iter()
        .map(|r| ImportSummary {
            confirmed: r.confirmed(),
            id: r.id,
            file_name: r.file_name,
            uploaded_at: r.uploaded_at,
            uploaded_by: r.uploaded_by_name,
            confirmed_at: r.confirmed_at,
            confirmed_by: r.confirmed_by_name,
            total_rows: r.row_count,
            saved_rows: r.saved_rows,
            refused_rows: r.refused_rows,
        })
        .collect())
}

// ---------- the run ----------

fn json<T: Serialize>(v: &T) -> Result<String, DomainError> {
    serde_json::to_string(v).map_err(|_| DomainError::Internal)
}

async fn stored(db: &Db, id: i64) -> Result<db::imports::ImportRecord, DomainError> {
    db::imports::get(&db.pool, id)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))
}

fn table_of(rec: &db::imports::ImportRecord) -> Result<Table, DomainError> {
    let headers: Vec<String> =
        serde_json::from_str(&rec.headers).map_err(|_| DomainError::Internal)?;
    let rows: Vec<(i64, Vec<String>)> =
        serde_json::from_str(&rec.cells).map_err(|_| DomainError::Internal)?;
    Ok(Table { headers, rows })
}

fn mapping_of(
    rec: &db::imports::ImportRecord,
    width: usize,
) -> Result<Vec<Option<ImportField>>, DomainError> {
    let mut m: Vec<Option<ImportField>> =
        serde_json::from_str(&rec.mapping).map_err(|_| DomainError::Internal)?;
    m.resize(width, None);
    Ok(m)
}

/// Runs every row as a dry run (rolled back) and keeps the preview with the mapping.
async fn remake_preview(
    db: &Db,
    actor: &Actor,
    rec: &db::imports::ImportRecord,
    table: &Table,
    mapping: &[Option<ImportField>],
    default_store: Option<StoreId>,
) -> Result<ImportPreview, DomainError> {
    let mut w = db.write(actor).await?;
    let ctx = Ctx::load(&mut w, CampaignId(rec.campaign_id), rec.id).await?;
    let rows = run(
        &mut w,
        &db.clock,
        actor,
        &ctx,
        table,
        mapping,
        default_store,
    )
    .await;
    // Nothing of the run is kept.
    w.rollback().await?;
    let rows = rows?;
    let good = rows.iter().filter(|r| r.is_good()).count() as i64;
    let refused = rows.len() as i64 - good;
    let mut w = db.write(actor).await?;
    if !db::imports::save_preview(
        &mut *w.tx,
        rec.id,
        &json(&mapping)?,
        default_store,
        &json(&Outcome { rows })?,
        good,
        refused,
    )
    .await?
    {
        return Err(DomainError::Refused(ErrorCode::AlreadyImported));
    }
    w.commit().await?;
    let rec = stored(db, rec.id).await?;
    view(db, &rec, None).await
}

/// What the preview shows: the columns with the mapping and a sample, the counts, the rows.
async fn view(
    db: &Db,
    rec: &db::imports::ImportRecord,
    limit: Option<usize>,
) -> Result<ImportPreview, DomainError> {
    let table = table_of(rec)?;
    let mapping = mapping_of(rec, table.headers.len())?;
    let outcome: Outcome = serde_json::from_str(&rec.preview).unwrap_or_default();
    let stores = db::imports::campaign_stores(&db.pool, CampaignId(rec.campaign_id)).await?;
    let same_file =
        db::imports::same_file_confirmed(&db.pool, rec.campaign_id, &rec.content_hash, rec.id)
            .await?;
    let columns = table
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| ImportColumn {
            index: i as i64,
            header: h.clone(),
            field: mapping.get(i).copied().flatten(),
            sample: table
                .rows
                .iter()
                .map(|(_, r)| r.get(i).map(String::as_str).unwrap_or(""))
                .find(|c| !c.is_empty())
                .unwrap_or("")
                .chars()
                .take(40)
                .collect(),
        })
        .collect();
    let all = outcome.rows;
    let count = |f: &dyn Fn(&ImportRow) -> bool| all.iter().filter(|r| f(r)).count() as i64;
    let good = count(&|r| r.is_good());
    let new_people = count(&|r| r.is_good() && r.person == Some(RowPerson::New));
    let merged_people = count(&|r| r.is_good() && r.person == Some(RowPerson::Merged));
    let handouts = count(&|r| r.is_good() && r.action == Some(RowAction::HandOut));
    let contacts = count(&|r| r.is_good() && r.action == Some(RowAction::Contact));
    let total = all.len();
    let mut rows: Vec<ImportRow> = all.iter().filter(|r| !r.is_good()).cloned().collect();
    rows.extend(all.iter().filter(|r| r.is_good()).cloned());
    let limit = limit.unwrap_or(usize::MAX);
    let rows_cut = rows.len() > limit;
    rows.truncate(limit);
    Ok(ImportPreview {
        id: rec.id,
        campaign_id: rec.campaign_id,
        campaign_name: rec.campaign_name.clone(),
        file_name: rec.file_name.clone(),
        uploaded_at: rec.uploaded_at.clone(),
        uploaded_by: rec.uploaded_by_name.clone(),
        confirmed: rec.confirmed(),
        confirmed_at: rec.confirmed_at.clone(),
        confirmed_by: rec.confirmed_by_name.clone(),
        columns,
        default_store_id: rec.default_store_id,
        stores: stores
            .into_iter()
            .map(|(id, name)| ImportStore { id, name })
            .collect(),
        total_rows: total as i64,
        good_rows: good,
        refused_rows: total as i64 - good,
        new_people,
        merged_people,
        handouts,
        contacts,
        rows,
        rows_cut,
        same_file_confirmed_at: same_file,
    })
}

/// What every row of one run is checked against.
struct Ctx {
    campaign: CampaignId,
    import_id: i64,
    /// Store keys ([`store_key`]) → (id, name).
    stores: HashMap<String, (i64, String)>,
    names: HashMap<i64, String>,
    consent_version: String,
}

impl Ctx {
    async fn load(
        w: &mut Write<'_>,
        campaign: CampaignId,
        import_id: i64,
    ) -> Result<Ctx, DomainError> {
        let stores = db::imports::campaign_stores(&mut *w.tx, campaign).await?;
        let texts = db::campaigns::texts(&mut *w.tx, campaign)
            .await?
            .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
        Ok(Ctx {
            campaign,
            import_id,
            names: stores.iter().cloned().collect(),
            stores: stores
                .into_iter()
                .map(|(id, name)| (store_key(&name), (id, name)))
                .collect(),
            consent_version: consent_version(&texts.consent_text),
        })
    }
}

/// A row whose cells passed the checks that need no database.
struct Typed {
    name: String,
    phone: Phone,
    email: Option<Email>,
    birthday: Option<String>,
    heard_from: Option<String>,
    form_serial: Option<i64>,
    certificate: Option<CertRef>,
    store_cell: String,
    happened: chrono::DateTime<Utc>,
}

fn take<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

/// The checks of one row's cells (no database).
fn typed(
    w: &Write<'_>,
    clock: &crate::clock::Clock,
    cell: &dyn Fn(ImportField) -> String,
    errors: &mut Vec<FieldError>,
) -> Option<Typed> {
    use ImportField::*;
    let name = take(errors, required_text("name", &cell(Name), 200));
    let phone = take(errors, crate::types::Phone::parse("phone", &cell(Phone)));
    let email = take(
        errors,
        crate::types::Email::parse_optional("email", &cell(Email)),
    );
    let birthday = match cell(Birthday).trim() {
        "" => Some(None),
        b => take(errors, parse_date("birthday", b)).map(|d| Some(db::date_str(d))),
    };
    let heard_from = take(errors, optional_text("heard_from", &cell(HeardFrom), 200));
    match consent_given(&cell(Consent)) {
        Some(true) => {}
        _ => errors.push(FieldError::new("consent", ErrorCode::ConsentRequired)),
    }
    let serial_cell = cell(FormSerial);
    let form_serial = match serial_cell.trim() {
        "" => Some(None),
        s => match number(s).filter(|n| *n <= 10_000_000) {
            Some(n) => Some(Some(n)),
            None => {
                errors.push(FieldError::new("form_serial", ErrorCode::SerialRange));
                None
            }
        },
    };
    let certificate = match certificate_ref(&cell(Certificate)) {
        Ok(c) => Some(c),
        Err(code) => {
            errors.push(FieldError::new("certificate", code));
            None
        }
    };
    // The form's day (the clinic's day start), by the hand-out rule: not ahead, not too old.
    let happened = match cell(FormDate).trim() {
        "" => Some(w.at),
        d => take(errors, parse_date("form_date", d)).and_then(|day| {
            let at = db::ts(clock.day_start(day));
            take(
                errors,
                happened_at(&at, w.at).map_err(|e| FieldError::new("form_date", e.code)),
            )
        }),
    };
    Some(Typed {
        name: name?,
        phone: phone?,
        email: email?,
        birthday: birthday?,
        heard_from: heard_from?,
        form_serial: form_serial?,
        certificate: certificate?,
        store_cell: cell(Store),
        happened: happened?,
    })
}

/// Runs every row in `w`: the good ones are written (each under its savepoint), the refused
/// ones leave nothing. The caller commits (confirm) or rolls back (preview).
async fn run(
    w: &mut Write<'_>,
    clock: &crate::clock::Clock,
    actor: &Actor,
    ctx: &Ctx,
    table: &Table,
    mapping: &[Option<ImportField>],
    default_store: Option<StoreId>,
) -> Result<Vec<ImportRow>, DomainError> {
    let col = |f: ImportField| mapping.iter().position(|m| *m == Some(f));
    let columns_missing = col(ImportField::Name).is_none() || col(ImportField::Phone).is_none();
    let mut phones: HashSet<String> = HashSet::new();
    let mut certificates: HashSet<String> = HashSet::new();
    let mut forms: HashSet<i64> = HashSet::new();
    let mut out = Vec::with_capacity(table.rows.len());
    for (line, cells) in &table.rows {
        let cell = |f: ImportField| {
            col(f)
                .and_then(|i| cells.get(i))
                .cloned()
                .unwrap_or_default()
        };
        let mut row = ImportRow {
            line: *line,
            name: cell(ImportField::Name).chars().take(200).collect(),
            phone: cell(ImportField::Phone).chars().take(40).collect(),
            store_name: None,
            form_serial: None,
            certificate: None,
            person: None,
            action: None,
            errors: Vec::new(),
        };
        if columns_missing {
            row.errors
                .push(FieldError::new("columns", ErrorCode::ColumnMissing));
            out.push(row);
            continue;
        }
        let t = typed(w, clock, &cell, &mut row.errors);
        if let Some(t) = &t {
            row.phone = t.phone.as_str().to_owned();
            row.form_serial = t.form_serial;
        }
        // Duplicates inside the file: the later row is refused.
        let phone_key = Phone::parse("phone", &cell(ImportField::Phone))
            .map(|p| p.into_string())
            .ok();
        if let Some(p) = phone_key
            && !phones.insert(p)
        {
            row.errors
                .push(FieldError::new("phone", ErrorCode::DuplicateInFile));
        }
        if let Some(Some(n)) = t.as_ref().map(|t| t.form_serial)
            && !forms.insert(n)
        {
            row.errors
                .push(FieldError::new("form_serial", ErrorCode::DuplicateInFile));
        }
        let Some(t) = t else {
            out.push(row);
            continue;
        };
        // The store: named in the row, else the one the form was printed for, else the
        // import's default.
        let store = if !t.store_cell.trim().is_empty() {
            match ctx.stores.get(&store_key(&t.store_cell)) {
                Some((id, _)) => Some(StoreId(*id)),
                None => {
                    row.errors
                        .push(FieldError::new("store", ErrorCode::UnknownStore));
                    None
                }
            }
        } else {
            let printed_for = match t.form_serial {
                Some(n) => db::imports::form_store(&mut *w.tx, ctx.campaign, n)
                    .await?
                    .filter(|s| ctx.names.contains_key(s))
                    .map(StoreId),
                None => None,
            };
            match printed_for.or(default_store) {
                Some(s) => Some(s),
                None => {
                    row.errors
                        .push(FieldError::new("store", ErrorCode::Required));
                    None
                }
            }
        };
        row.store_name = store.and_then(|s| ctx.names.get(&s.get()).cloned());
        // The certificate: by its number in this campaign, or by its code.
        let code = match &t.certificate {
            None => None,
            Some(CertRef::Serial(n)) => {
                match db::imports::certificate_by_serial(&mut *w.tx, ctx.campaign, *n).await? {
                    Some(code) => Some((*n, code)),
                    None => {
                        row.errors
                            .push(FieldError::new("certificate", ErrorCode::CodeUnknown));
                        None
                    }
                }
            }
            Some(CertRef::Code(c)) => {
                match db::imports::certificate_campaign(&mut *w.tx, c.as_str()).await? {
                    Some((campaign, serial)) if campaign == ctx.campaign.get() => {
                        Some((serial, c.as_str().to_owned()))
                    }
                    Some(_) => {
                        row.errors
                            .push(FieldError::new("certificate", ErrorCode::OtherCampaign));
                        None
                    }
                    None => {
                        row.errors
                            .push(FieldError::new("certificate", ErrorCode::CodeUnknown));
                        None
                    }
                }
            }
        };
        if let Some((serial, code)) = &code {
            let display = Code::parse(code)
                .map(|c| c.display())
                .unwrap_or(code.clone());
            row.certificate = Some(format!("№ {serial:06} · {display}"));
            if !certificates.insert(code.clone()) {
                row.errors
                    .push(FieldError::new("certificate", ErrorCode::DuplicateInFile));
            }
        }
        if let Some(n) = t.form_serial
            && db::imports::form_typed_in(&mut *w.tx, ctx.campaign, n).await?
        {
            row.errors
                .push(FieldError::new("form_serial", ErrorCode::AlreadyImported));
        }
        let (Some(store), true) = (store, row.errors.is_empty()) else {
            out.push(row);
            continue;
        };
        row.person = Some(
            match db::imports::patient_by_phone(&mut *w.tx, t.phone.as_str()).await? {
                Some(_) => RowPerson::Merged,
                None => RowPerson::New,
            },
        );
        db::imports::savepoint(&mut *w.tx).await?;
        let written = match &code {
            Some((_, code)) => {
                let code = Code::parse(code).map_err(|_| DomainError::Internal)?;
                let key = format!("import-{}-{}", ctx.import_id, line);
                let r = Recording {
                    code: &code,
                    store: Some(store),
                    employee: None,
                    name: &t.name,
                    phone: &t.phone,
                    email: t.email.as_ref(),
                    birthday: t.birthday.as_deref(),
                    heard_from: t.heard_from.as_deref(),
                    form_serial: t.form_serial,
                    happened_at: t.happened,
                    key: &key,
                    source: Source::PaperForm,
                    import_id: Some(ctx.import_id),
                };
                record_in(w, actor, &r).await.map(|_| RowAction::HandOut)
            }
            None => contact(w, actor, ctx, &t, store)
                .await
                .map(|_| RowAction::Contact),
        };
        match written {
            Ok(action) => {
                db::imports::release(&mut *w.tx).await?;
                row.action = Some(action);
            }
            Err(DomainError::Internal) => return Err(DomainError::Internal),
            Err(e) => {
                db::imports::rollback_to(&mut w.tx).await?;
                row.person = None;
                row.errors = row_errors(e);
            }
        }
        out.push(row);
    }
    Ok(out)
}

/// A refusal of the hand-out rules, named by the import's columns.
fn row_errors(e: DomainError) -> Vec<FieldError> {
    fn rename(f: &str) -> &str {
        match f {
            "code" | "idempotency_key" => "certificate",
            "store_id" => "store",
            "happened_at" => "form_date",
            other => other,
        }
    }
    match e {
        DomainError::Invalid(fields) => fields
            .into_iter()
            .map(|f| FieldError::new(rename(&f.field), f.code))
            .collect(),
        DomainError::Refused(code) => vec![FieldError::new("certificate", code)],
        DomainError::Internal => vec![FieldError::new("", ErrorCode::Internal)],
    }
}

/// A contact without a certificate: the participant (found by phone or created; what was
/// recorded before is kept) and their consent from the form.
async fn contact(
    w: &mut Write<'_>,
    actor: &Actor,
    ctx: &Ctx,
    t: &Typed,
    store: StoreId,
) -> Result<i64, DomainError> {
    let at = w.at;
    let patient = db::handouts::upsert_patient(
        &mut w.tx,
        &t.name,
        &t.phone,
        t.email.as_ref(),
        t.birthday.as_deref(),
        at,
    )
    .await?;
    if db::handouts::live_handout(&mut *w.tx, ctx.campaign, patient)
        .await?
        .is_some()
    {
        return Err(DomainError::field("phone", ErrorCode::DuplicateParticipant));
    }
    if db::imports::contact_exists(&mut *w.tx, ctx.campaign, patient).await? {
        return Err(DomainError::field("phone", ErrorCode::AlreadyImported));
    }
    let id = db::imports::insert_contact(
        &mut *w.tx,
        &db::imports::NewContact {
            patient,
            campaign: ctx.campaign,
            store,
            import_id: Some(ctx.import_id),
            form_serial: t.form_serial,
            name: &t.name,
            email: t.email.as_ref().map(Email::as_str),
            heard_from: t.heard_from.as_deref(),
            consent_version: &ctx.consent_version,
            consent_at: t.happened,
            by: actor.user_id,
            by_name: &actor.name,
            at,
        },
    )
    .await?;
    w.audit(
        "import_contact",
        "form_contact",
        Some(id),
        serde_json::json!({"import_id": ctx.import_id, "store_id": store, "patient_id": patient}),
    )
    .await?;
    Ok(id)
}
