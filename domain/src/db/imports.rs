//! Imports of digitised paper forms (`form_imports`) and the contacts without a certificate
//! they bring (`form_contacts`).

use chrono::{DateTime, Utc};
use sqlx::any::AnyExecutor;

use super::{internal, ts};
use crate::error::DomainError;
use crate::ids::{CampaignId, StoreId, UserId};

/// A stored import as read back.
#[derive(sqlx::FromRow)]
pub struct ImportRecord {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_name: String,
    pub file_name: String,
    pub content_hash: String,
    pub uploaded_by_name: String,
    pub uploaded_at: String,
    pub state: String,
    pub headers: String,
    pub cells: String,
    pub mapping: String,
    pub default_store_id: Option<i64>,
    pub preview: String,
    pub row_count: i64,
    pub saved_rows: i64,
    pub refused_rows: i64,
    pub confirmed_at: Option<String>,
    pub confirmed_by_name: Option<String>,
}

impl ImportRecord {
    pub fn confirmed(&self) -> bool {
        self.state == "confirmed"
    }
}

const SELECT: &str = "SELECT i.id, i.campaign_id, k.name AS campaign_name, i.file_name, i.content_hash,
        i.uploaded_by_name, i.uploaded_at, i.state, i.headers, i.cells, i.mapping, i.default_store_id,
        i.preview, i.row_count, i.saved_rows, i.refused_rows, i.confirmed_at, i.confirmed_by_name
    FROM form_imports i JOIN campaigns k ON k.id = i.campaign_id";

pub struct NewImport<'a> {
    pub campaign: CampaignId,
    pub file_name: &'a str,
    pub content_hash: &'a str,
    pub by: Option<UserId>,
    pub by_name: &'a str,
    pub at: DateTime<Utc>,
    pub headers: &'a str,
    pub cells: &'a str,
    pub mapping: &'a str,
    pub row_count: i64,
}

pub async fn insert<'c>(e: impl AnyExecutor<'c>, n: &NewImport<'_>) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO form_imports (campaign_id, file_name, content_hash, uploaded_by, uploaded_by_name, uploaded_at,
            state, headers, cells, mapping, preview, row_count)
         VALUES ($1, $2, $3, $4, $5, $6, 'preview', $7, $8, $9, '{}', $10) RETURNING id",
    )
    .bind(n.campaign)
    .bind(n.file_name)
    .bind(n.content_hash)
    .bind(n.by)
    .bind(n.by_name)
    .bind(ts(n.at))
    .bind(n.headers)
    .bind(n.cells)
    .bind(n.mapping)
    .bind(n.row_count)
    .fetch_one(e)
    .await
    .map_err(internal)
}

pub async fn get<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
) -> Result<Option<ImportRecord>, DomainError> {
    sqlx::query_as(&format!("{SELECT} WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(internal)
}

/// A campaign's imports, newest first.
pub async fn history<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    limit: i64,
) -> Result<Vec<ImportRecord>, DomainError> {
    // The cells and preview are not needed for the list.
    sqlx::query_as(
        "SELECT i.id, i.campaign_id, k.name AS campaign_name, i.file_name, i.content_hash,
            i.uploaded_by_name, i.uploaded_at, i.state, '' AS headers, '' AS cells, '' AS mapping,
            i.default_store_id, '' AS preview, i.row_count, i.saved_rows, i.refused_rows,
            i.confirmed_at, i.confirmed_by_name
         FROM form_imports i JOIN campaigns k ON k.id = i.campaign_id
         WHERE i.campaign_id = $1 ORDER BY i.uploaded_at DESC, i.id DESC LIMIT $2",
    )
    .bind(campaign)
    .bind(limit)
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// A new mapping and the preview it gives (an import still waiting only).
pub async fn save_preview<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    mapping: &str,
    default_store: Option<StoreId>,
    preview: &str,
    good: i64,
    refused: i64,
) -> Result<bool, DomainError> {
    let n = sqlx::query(
        "UPDATE form_imports SET mapping = $1, default_store_id = $2, preview = $3, saved_rows = $4, refused_rows = $5
         WHERE id = $6 AND state = 'preview'",
    )
    .bind(mapping)
    .bind(default_store)
    .bind(preview)
    .bind(good)
    .bind(refused)
    .bind(id)
    .execute(e)
    .await
    .map_err(internal)?
    .rows_affected();
    Ok(n == 1)
}

/// Takes a waiting import for confirmation: false when it was confirmed already (the first
/// confirmation holds the row until its transaction ends).
pub async fn take_for_confirmation<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    by: Option<UserId>,
    by_name: &str,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let n = sqlx::query(
        "UPDATE form_imports SET state = 'confirmed', confirmed_at = $1, confirmed_by = $2, confirmed_by_name = $3
         WHERE id = $4 AND state = 'preview'",
    )
    .bind(ts(at))
    .bind(by)
    .bind(by_name)
    .bind(id)
    .execute(e)
    .await
    .map_err(internal)?
    .rows_affected();
    Ok(n == 1)
}

/// What a confirmed import keeps: its outcome, without the typed cells.
pub async fn finish<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    preview: &str,
    saved: i64,
    refused: i64,
) -> Result<(), DomainError> {
    sqlx::query(
        "UPDATE form_imports SET cells = '[]', preview = $1, saved_rows = $2, refused_rows = $3 WHERE id = $4",
    )
    .bind(preview)
    .bind(saved)
    .bind(refused)
    .bind(id)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

/// When the same file was last imported and confirmed for the campaign (another import).
pub async fn same_file_confirmed<'c>(
    e: impl AnyExecutor<'c>,
    campaign: i64,
    hash: &str,
    other_than: i64,
) -> Result<Option<String>, DomainError> {
    sqlx::query_scalar(
        "SELECT MAX(confirmed_at) FROM form_imports
         WHERE campaign_id = $1 AND content_hash = $2 AND state = 'confirmed' AND id <> $3",
    )
    .bind(campaign)
    .bind(hash)
    .bind(other_than)
    .fetch_one(e)
    .await
    .map_err(internal)
}

/// Forgets uploads never confirmed since `before` (their cells are personal data).
pub async fn purge_waiting<'c>(
    e: impl AnyExecutor<'c>,
    before: DateTime<Utc>,
) -> Result<u64, DomainError> {
    Ok(sqlx::query(
        "DELETE FROM form_imports WHERE state = 'preview' AND uploaded_at < $1
           AND NOT EXISTS (SELECT 1 FROM handouts h WHERE h.import_id = form_imports.id)
           AND NOT EXISTS (SELECT 1 FROM form_contacts f WHERE f.import_id = form_imports.id)",
    )
    .bind(ts(before))
    .execute(e)
    .await
    .map_err(internal)?
    .rows_affected())
}

/// The waiting imports' cells (to erase a participant from them).
pub async fn waiting_cells<'c>(e: impl AnyExecutor<'c>) -> Result<Vec<(i64, String)>, DomainError> {
    sqlx::query_as("SELECT id, cells FROM form_imports WHERE state = 'preview' LIMIT 10000")
        .fetch_all(e)
        .await
        .map_err(internal)
}

pub async fn delete_waiting<'c>(e: impl AnyExecutor<'c>, id: i64) -> Result<(), DomainError> {
    sqlx::query("DELETE FROM form_imports WHERE id = $1 AND state = 'preview'")
        .bind(id)
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}

// ---------- what a row is checked against ----------

/// The stores of the campaign's partners.
pub async fn campaign_stores<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<(i64, String)>, DomainError> {
    sqlx::query_as(
        "SELECT s.id, s.name FROM stores s JOIN campaign_partners cp ON cp.partner_id = s.partner_id
         WHERE cp.campaign_id = $1 ORDER BY s.name, s.id LIMIT 5000",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// The store a paper form was printed for (its batch).
pub async fn form_store<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    serial: i64,
) -> Result<Option<i64>, DomainError> {
    sqlx::query_scalar(
        "SELECT store_id FROM form_batches WHERE campaign_id = $1 AND first_serial <= $2 AND last_serial >= $2
         ORDER BY id LIMIT 1",
    )
    .bind(campaign)
    .bind(serial)
    .fetch_optional(e)
    .await
    .map_err(internal)
}

/// A certificate's code and campaign by its code, or by its serial in the campaign.
pub async fn certificate_by_serial<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    serial: i64,
) -> Result<Option<String>, DomainError> {
    sqlx::query_scalar("SELECT code FROM certificates WHERE campaign_id = $1 AND serial = $2")
        .bind(campaign)
        .bind(serial)
        .fetch_optional(e)
        .await
        .map_err(internal)
}

pub async fn certificate_campaign<'c>(
    e: impl AnyExecutor<'c>,
    code: &str,
) -> Result<Option<(i64, i64)>, DomainError> {
    sqlx::query_as("SELECT campaign_id, serial FROM certificates WHERE code = $1")
        .bind(code)
        .fetch_optional(e)
        .await
        .map_err(internal)
}

pub async fn patient_by_phone<'c>(
    e: impl AnyExecutor<'c>,
    phone: &str,
) -> Result<Option<i64>, DomainError> {
    sqlx::query_scalar("SELECT id FROM patients WHERE phone = $1")
        .bind(phone)
        .fetch_optional(e)
        .await
        .map_err(internal)
}

/// Is this paper form already typed in (a hand-out or a contact of the campaign)?
pub async fn form_typed_in<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    serial: i64,
) -> Result<bool, DomainError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM handouts WHERE campaign_id = $1 AND form_serial = $2)
              + (SELECT COUNT(*) FROM form_contacts WHERE campaign_id = $1 AND form_serial = $2)",
    )
    .bind(campaign)
    .bind(serial)
    .fetch_one(e)
    .await
    .map_err(internal)?;
    Ok(n > 0)
}

/// Does the participant already have a contact in the campaign?
pub async fn contact_exists<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    patient: i64,
) -> Result<bool, DomainError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM form_contacts WHERE campaign_id = $1 AND patient_id = $2",
    )
    .bind(campaign)
    .bind(patient)
    .fetch_one(e)
    .await
    .map_err(internal)?;
    Ok(n > 0)
}

pub struct NewContact<'a> {
    pub patient: i64,
    pub campaign: CampaignId,
    pub store: StoreId,
    pub import_id: Option<i64>,
    pub form_serial: Option<i64>,
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub heard_from: Option<&'a str>,
    pub consent_version: &'a str,
    pub consent_at: DateTime<Utc>,
    pub by: Option<UserId>,
    pub by_name: &'a str,
    pub at: DateTime<Utc>,
}

pub async fn insert_contact<'c>(
    e: impl AnyExecutor<'c>,
    c: &NewContact<'_>,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO form_contacts (patient_id, campaign_id, store_id, import_id, form_serial, participant_name,
            participant_email, heard_from, consent_version, consent_at, recorded_by, recorded_by_name, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(c.patient)
    .bind(c.campaign)
    .bind(c.store)
    .bind(c.import_id)
    .bind(c.form_serial)
    .bind(c.name)
    .bind(c.email)
    .bind(c.heard_from)
    .bind(c.consent_version)
    .bind(ts(c.consent_at))
    .bind(c.by)
    .bind(c.by_name)
    .bind(ts(c.at))
    .fetch_one(e)
    .await
    .map_err(internal)
}

/// A row's savepoint: a refused row leaves nothing behind, the others stay in the change.
pub async fn savepoint<'c>(e: impl AnyExecutor<'c>) -> Result<(), DomainError> {
    sqlx::query("SAVEPOINT import_row")
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}

pub async fn release<'c>(e: impl AnyExecutor<'c>) -> Result<(), DomainError> {
    sqlx::query("RELEASE SAVEPOINT import_row")
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}

pub async fn rollback_to(conn: &mut sqlx::AnyConnection) -> Result<(), DomainError> {
    sqlx::query("ROLLBACK TO SAVEPOINT import_row")
        .execute(&mut *conn)
        .await
        .map_err(internal)?;
    release(&mut *conn).await
}
