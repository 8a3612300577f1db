//! The checklist template, campaigns' tasks (created idempotently by key), their photos and
//! comments, and the doctors' briefings.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyExecutor;

use super::{date_str, internal, ts};
use crate::checklist::{PlannedTask, TEMPLATE};
use crate::error::DomainError;
use crate::ids::{CampaignId, StoreId};

// ---------- the template ----------

/// Adds the seed's points that are missing and keeps their automatic checks current (the
/// texts, schedule and role stay as the clinic edited them). Safe from several instances.
pub async fn ensure_builtin_items(
    pool: &sqlx::AnyPool,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    for (i, it) in TEMPLATE.iter().enumerate() {
        sqlx::query(
            "INSERT INTO checklist_items (builtin, position, code, title, title_en, schedule, offset_days, role, auto_check, proof, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (builtin) DO UPDATE SET auto_check = $9",
        )
        .bind(it.key)
        .bind((i as i64 + 1) * 10)
        .bind(it.code)
        .bind(it.title)
        .bind(it.title_en)
        .bind(it.schedule.as_str())
        .bind(it.offset_days)
        .bind(it.role.as_str())
        .bind(it.auto.map(|a| a.as_str()))
        .bind(it.proof.as_str())
        .bind(ts(at))
        .execute(pool)
        .await
        .map_err(internal)?;
    }
    Ok(())
}

#[derive(sqlx::FromRow, Clone, Debug)]
pub struct ItemRow {
    pub id: i64,
    pub builtin: Option<String>,
    pub position: i64,
    pub code: String,
    pub title: String,
    pub title_en: String,
    pub schedule: String,
    pub offset_days: i64,
    pub role: String,
    pub auto_check: Option<String>,
    pub proof: String,
    pub active: i64,
    pub updated_at: String,
}

const ITEM_COLUMNS: &str = "id, builtin, position, code, title, title_en, schedule, offset_days, role, auto_check, proof, active, updated_at";

pub async fn items<'c>(e: impl AnyExecutor<'c>) -> Result<Vec<ItemRow>, DomainError> {
    sqlx::query_as(&format!(
        "SELECT {ITEM_COLUMNS} FROM checklist_items ORDER BY position, id LIMIT 500"
    ))
    .fetch_all(e)
    .await
    .map_err(internal)
}

pub async fn item<'c>(e: impl AnyExecutor<'c>, id: i64) -> Result<Option<ItemRow>, DomainError> {
    sqlx::query_as(&format!(
        "SELECT {ITEM_COLUMNS} FROM checklist_items WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(e)
    .await
    .map_err(internal)
}

pub struct ItemFields<'a> {
    pub position: i64,
    pub code: &'a str,
    pub title: &'a str,
    pub title_en: &'a str,
    pub schedule: &'a str,
    pub offset_days: i64,
    pub role: &'a str,
    pub proof: &'a str,
    pub active: bool,
}

pub async fn insert_item<'c>(
    e: impl AnyExecutor<'c>,
    f: &ItemFields<'_>,
    at: DateTime<Utc>,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO checklist_items (position, code, title, title_en, schedule, offset_days, role, proof, active, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(f.position)
    .bind(f.code)
    .bind(f.title)
    .bind(f.title_en)
    .bind(f.schedule)
    .bind(f.offset_days)
    .bind(f.role)
    .bind(f.proof)
    .bind(i64::from(f.active))
    .bind(ts(at))
    .fetch_one(e)
    .await
    .map_err(internal)
}

pub async fn update_item<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    f: &ItemFields<'_>,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE checklist_items SET position = $1, code = $2, title = $3, title_en = $4, schedule = $5, offset_days = $6,
            role = $7, proof = $8, active = $9, updated_at = $10 WHERE id = $11",
    )
    .bind(f.position)
    .bind(f.code)
    .bind(f.title)
    .bind(f.title_en)
    .bind(f.schedule)
    .bind(f.offset_days)
    .bind(f.role)
    .bind(f.proof)
    .bind(i64::from(f.active))
    .bind(ts(at))
    .bind(id)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

/// Open tasks of a point nobody has touched (no note, photo, comment, assignee): removed when
/// the point's schedule changes, so the new schedule's tasks replace them.
pub async fn drop_untouched_tasks<'c>(
    e: impl AnyExecutor<'c>,
    item: i64,
) -> Result<u64, DomainError> {
    let r = sqlx::query(
        "DELETE FROM tasks WHERE item_id = $1 AND state = 'open' AND note IS NULL AND assignee_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM task_photos p WHERE p.task_id = tasks.id)
           AND NOT EXISTS (SELECT 1 FROM task_comments c WHERE c.task_id = tasks.id)",
    )
    .bind(item)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected())
}

// ---------- creating a campaign's tasks ----------

pub async fn generated<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    fingerprint: &str,
) -> Result<bool, DomainError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM task_generations WHERE campaign_id = $1 AND fingerprint = $2",
    )
    .bind(campaign)
    .bind(fingerprint)
    .fetch_one(e)
    .await
    .map_err(internal)?;
    Ok(n > 0)
}

pub async fn mark_generated<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    fingerprint: &str,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO task_generations (campaign_id, fingerprint, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (campaign_id, fingerprint) DO NOTHING",
    )
    .bind(campaign)
    .bind(fingerprint)
    .bind(ts(at))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

pub async fn checklist_keys<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<HashSet<String>, DomainError> {
    let keys: Vec<String> = sqlx::query_scalar(
        "SELECT task_key FROM tasks WHERE campaign_id = $1 AND kind = 'checklist' LIMIT 200000",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)?;
    Ok(keys.into_iter().collect())
}

/// Creates the task unless its key exists (a concurrent creator's row wins; nothing doubles).
pub async fn insert_planned<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    t: &PlannedTask,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "INSERT INTO tasks (campaign_id, item_id, task_key, kind, store_id, partner_id, week_start, due_on, created_at, updated_at)
         VALUES ($1, $2, $3, 'checklist', $4, $5, $6, $7, $8, $8)
         ON CONFLICT (task_key) DO NOTHING",
    )
    .bind(campaign)
    .bind(t.item_id)
    .bind(&t.key)
    .bind(t.store_id)
    .bind(t.partner_id)
    .bind(t.week.map(|w| date_str(w.monday)))
    .bind(date_str(t.due_on))
    .bind(ts(at))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

/// A store's request for more stock: a task for the marketer, due the day it is made.
pub struct NewRequest<'a> {
    pub campaign: CampaignId,
    pub store: StoreId,
    pub key: &'a str,
    pub kind_id: Option<i64>,
    pub count: Option<i64>,
    pub note: Option<&'a str>,
    pub by: Option<i64>,
    pub due: NaiveDate,
    pub at: DateTime<Utc>,
}

pub async fn insert_request<'c>(
    e: impl AnyExecutor<'c>,
    r: &NewRequest<'_>,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO tasks (campaign_id, task_key, kind, store_id, due_on, note, request_kind_id, request_count, requested_by, created_at, updated_at)
         VALUES ($1, $2, 'request', $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(r.campaign)
    .bind(r.key)
    .bind(r.store)
    .bind(date_str(r.due))
    .bind(r.note)
    .bind(r.kind_id)
    .bind(r.count)
    .bind(r.by)
    .bind(ts(r.at))
    .fetch_one(e)
    .await
    .map_err(internal)
}

pub async fn open_requests_of_store<'c>(
    e: impl AnyExecutor<'c>,
    store: StoreId,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM tasks WHERE store_id = $1 AND kind = 'request' AND state = 'open'",
    )
    .bind(store)
    .fetch_one(e)
    .await
    .map_err(internal)
}

// ---------- reading tasks ----------

#[derive(sqlx::FromRow, Clone, Debug)]
pub struct TaskRow {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_name: String,
    pub kind: String,
    pub item_id: Option<i64>,
    pub item_builtin: Option<String>,
    pub code: String,
    pub title: String,
    pub title_en: String,
    pub schedule: Option<String>,
    pub role: String,
    pub auto_check: Option<String>,
    pub proof: String,
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
    pub partner_id: Option<i64>,
    pub partner_name: Option<String>,
    pub week_start: Option<String>,
    pub due_on: String,
    pub state: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub done_by_name: Option<String>,
    pub done_at: Option<String>,
    pub note: Option<String>,
    pub link: Option<String>,
    pub reach: Option<i64>,
    pub evidence: Option<String>,
    pub manual: i64,
    pub photos: i64,
    pub comments: i64,
    pub request_material: Option<String>,
    pub request_material_en: Option<String>,
    pub request_count: Option<i64>,
    pub shopper_visit_id: Option<i64>,
}

const TASK_SELECT: &str = "
    SELECT t.id, t.campaign_id, c.name AS campaign_name, t.kind, t.item_id, i.builtin AS item_builtin,
        COALESCE(i.code, '') AS code, COALESCE(t.title, i.title, '') AS title, COALESCE(i.title_en, '') AS title_en,
        i.schedule, COALESCE(i.role, 'marketer') AS role, i.auto_check, COALESCE(i.proof, 'none') AS proof,
        t.store_id, s.name AS store_name, t.partner_id, p.name AS partner_name, t.week_start, t.due_on, t.state,
        t.assignee_id, u.name AS assignee_name, t.done_by_name, t.done_at, t.note, t.link, t.reach, t.evidence, t.manual,
        (SELECT COUNT(*) FROM task_photos ph WHERE ph.task_id = t.id) AS photos,
        (SELECT COUNT(*) FROM task_comments cm WHERE cm.task_id = t.id) AS comments,
        k.name AS request_material, k.name_en AS request_material_en, t.request_count, t.shopper_visit_id
    FROM tasks t
    JOIN campaigns c ON c.id = t.campaign_id
    LEFT JOIN checklist_items i ON i.id = t.item_id
    LEFT JOIN stores s ON s.id = t.store_id
    LEFT JOIN partners p ON p.id = t.partner_id
    LEFT JOIN users u ON u.id = t.assignee_id
    LEFT JOIN material_kinds k ON k.id = t.request_kind_id";

/// What the automatic checks need of a task.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct CheckRow {
    pub id: i64,
    pub store_id: Option<i64>,
    pub week_start: Option<String>,
    pub manual: i64,
    pub auto_check: Option<String>,
    pub schedule: Option<String>,
    pub item_builtin: Option<String>,
}

impl From<&TaskRow> for CheckRow {
    fn from(t: &TaskRow) -> CheckRow {
        CheckRow {
            id: t.id,
            store_id: t.store_id,
            week_start: t.week_start.clone(),
            manual: t.manual,
            auto_check: t.auto_check.clone(),
            schedule: t.schedule.clone(),
            item_builtin: t.item_builtin.clone(),
        }
    }
}

/// A campaign's open tasks with an automatic check that may be decided now: this week's
/// routine and the points that are not weekly (optionally of one store).
pub async fn checkable<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    week: NaiveDate,
    store: Option<StoreId>,
) -> Result<Vec<CheckRow>, DomainError> {
    sqlx::query_as(
        "SELECT t.id, t.store_id, t.week_start, t.manual, i.auto_check, i.schedule, i.builtin AS item_builtin
         FROM tasks t JOIN checklist_items i ON i.id = t.item_id
         WHERE t.campaign_id = $1 AND t.state = 'open' AND t.kind = 'checklist' AND i.active = 1
           AND i.auto_check IS NOT NULL AND (t.week_start IS NULL OR t.week_start = $2)
           AND ($3 = -1 OR t.store_id = $3)
         LIMIT 20000",
    )
    .bind(campaign)
    .bind(date_str(week))
    .bind(store.map(StoreId::get).unwrap_or(-1))
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Which tasks to read.
#[derive(Clone, Debug, Default)]
pub struct Query {
    pub campaign: Option<CampaignId>,
    /// Only campaigns that are not finished (the home page).
    pub running_only: bool,
    pub store: Option<StoreId>,
    /// `open`, `done`, `na`; `None` for all.
    pub state: Option<&'static str>,
    pub due_from: Option<NaiveDate>,
    pub due_by: Option<NaiveDate>,
    pub week: Option<NaiveDate>,
    pub kind: Option<&'static str>,
    /// Only tasks an automatic check may decide now: with a check, and of this week (or not
    /// weekly at all).
    pub checkable_in_week: Option<NaiveDate>,
    /// Newest first (a store's requests) instead of by due date.
    pub newest_first: bool,
    pub limit: i64,
}

const TASK_WHERE: &str = "
    WHERE (t.item_id IS NULL OR i.active = 1)
      AND ($1 = -1 OR t.campaign_id = $1)
      AND ($2 = 0 OR c.status <> 'finished')
      AND ($3 = -1 OR t.store_id = $3)
      AND ($4 = '' OR t.state = $4)
      AND ($5 = '' OR t.due_on <= $5)
      AND ($6 = '' OR t.week_start = $6)
      AND ($7 = '' OR t.kind = $7)
      AND ($8 = '' OR t.due_on >= $8)
      AND ($9 = '' OR (i.auto_check IS NOT NULL AND (t.week_start IS NULL OR t.week_start = $9)))";

fn bind_query<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    q: &Query,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>
where
    O: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    query
        .bind(q.campaign.map(CampaignId::get).unwrap_or(-1))
        .bind(i64::from(q.running_only))
        .bind(q.store.map(StoreId::get).unwrap_or(-1))
        .bind(q.state.unwrap_or(""))
        .bind(q.due_by.map(date_str).unwrap_or_default())
        .bind(q.week.map(date_str).unwrap_or_default())
        .bind(q.kind.unwrap_or(""))
        .bind(q.due_from.map(date_str).unwrap_or_default())
        .bind(q.checkable_in_week.map(date_str).unwrap_or_default())
}

pub async fn list<'c>(e: impl AnyExecutor<'c>, q: &Query) -> Result<Vec<TaskRow>, DomainError> {
    let order = if q.newest_first {
        "t.created_at DESC, t.id DESC"
    } else {
        "t.due_on, COALESCE(i.position, 0), s.name, p.name, t.id"
    };
    // The page of tasks is chosen first, then read with its counts of photos and comments (so
    // the counts are worked out for the rows shown, not for every row sorted).
    let sql = format!(
        "{TASK_SELECT}
         WHERE t.id IN (
            SELECT t.id FROM tasks t
            JOIN campaigns c ON c.id = t.campaign_id
            LEFT JOIN checklist_items i ON i.id = t.item_id
            LEFT JOIN stores s ON s.id = t.store_id
            LEFT JOIN partners p ON p.id = t.partner_id
            {TASK_WHERE}
            ORDER BY {order}
            LIMIT $10)
         ORDER BY {order}"
    );
    bind_query(sqlx::query_as::<_, TaskRow>(&sql), q)
        .bind(q.limit.clamp(1, 5000))
        .fetch_all(e)
        .await
        .map_err(internal)
}

/// How many tasks the query finds (without reading them).
pub async fn count<'c>(e: impl AnyExecutor<'c>, q: &Query) -> Result<i64, DomainError> {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM tasks t
         JOIN campaigns c ON c.id = t.campaign_id
         LEFT JOIN checklist_items i ON i.id = t.item_id
         {TASK_WHERE}"
    );
    let (n,): (i64,) = bind_query(sqlx::query_as::<_, (i64,)>(&sql), q)
        .fetch_one(e)
        .await
        .map_err(internal)?;
    Ok(n)
}

pub async fn get<'c>(e: impl AnyExecutor<'c>, id: i64) -> Result<Option<TaskRow>, DomainError> {
    sqlx::query_as(&format!("{TASK_SELECT} WHERE t.id = $1"))
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(internal)
}

/// A week's routine of a campaign: each weekly point with how many of its tasks are closed.
pub async fn routine<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    week: NaiveDate,
) -> Result<Vec<crate::checklist::RoutinePoint>, DomainError> {
    let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT i.code, i.title, i.title_en,
                CAST(SUM(CASE WHEN t.state <> 'open' THEN 1 ELSE 0 END) AS BIGINT) AS done, COUNT(*) AS total
         FROM tasks t JOIN checklist_items i ON i.id = t.item_id
         WHERE t.campaign_id = $1 AND t.week_start = $2 AND t.kind = 'checklist' AND i.active = 1
         GROUP BY i.id, i.position, i.code, i.title, i.title_en
         ORDER BY i.position, i.id",
    )
    .bind(campaign)
    .bind(date_str(week))
    .fetch_all(e)
    .await
    .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(
            |(code, title, title_en, done, total)| crate::checklist::RoutinePoint {
                code,
                title,
                title_en,
                done,
                total,
            },
        )
        .collect())
}

// ---------- changing tasks ----------

pub struct TaskChange<'a> {
    pub state: &'a str,
    pub assignee: Option<i64>,
    pub note: Option<&'a str>,
    pub link: Option<&'a str>,
    pub reach: Option<i64>,
    /// Reopened by a person: the automatic check leaves it alone from now on.
    pub manual: bool,
    pub done_by: Option<i64>,
    pub done_by_name: Option<&'a str>,
    pub done_at: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
}

pub async fn update<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    c: &TaskChange<'_>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE tasks SET state = $1, assignee_id = $2, note = $3, link = $4, reach = $5,
            manual = CASE WHEN $6 = 1 THEN 1 ELSE manual END,
            done_by = $7, done_by_name = $8, done_at = $9, evidence = CASE WHEN $1 = 'open' THEN NULL ELSE evidence END,
            updated_at = $10
         WHERE id = $11",
    )
    .bind(c.state)
    .bind(c.assignee)
    .bind(c.note)
    .bind(c.link)
    .bind(c.reach)
    .bind(i64::from(c.manual))
    .bind(c.done_by)
    .bind(c.done_by_name)
    .bind(c.done_at.map(ts))
    .bind(ts(c.at))
    .bind(id)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

/// Closes an open task an automatic check found done (unless a person reopened it).
pub async fn auto_close<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    evidence: &str,
    by: &str,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE tasks SET state = 'done', evidence = $1, done_by = NULL, done_by_name = $2, done_at = $3, updated_at = $3
         WHERE id = $4 AND state = 'open' AND manual = 0",
    )
    .bind(evidence)
    .bind(by)
    .bind(ts(at))
    .bind(id)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

// ---------- photos ----------

pub struct NewPhoto<'a> {
    pub task: i64,
    pub content_type: &'a str,
    pub width: i64,
    pub height: i64,
    pub original_size: i64,
    pub data: &'a [u8],
    pub by: Option<i64>,
    pub uploader: &'a str,
    pub at: DateTime<Utc>,
}

pub async fn insert_photo<'c>(
    e: impl AnyExecutor<'c>,
    p: &NewPhoto<'_>,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO task_photos (task_id, content_type, width, height, size, original_size, data, uploaded_by, uploader, taken_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(p.task)
    .bind(p.content_type)
    .bind(p.width)
    .bind(p.height)
    .bind(p.data.len() as i64)
    .bind(p.original_size)
    .bind(p.data)
    .bind(p.by)
    .bind(p.uploader)
    .bind(ts(p.at))
    .fetch_one(e)
    .await
    .map_err(internal)
}

pub async fn photo_count<'c>(e: impl AnyExecutor<'c>, task: i64) -> Result<i64, DomainError> {
    sqlx::query_scalar("SELECT COUNT(*) FROM task_photos WHERE task_id = $1")
        .bind(task)
        .fetch_one(e)
        .await
        .map_err(internal)
}

#[derive(sqlx::FromRow)]
pub struct PhotoInfoRow {
    pub id: i64,
    pub width: i64,
    pub height: i64,
    pub size: i64,
    pub uploader: String,
    pub taken_at: String,
}

pub async fn photos<'c>(
    e: impl AnyExecutor<'c>,
    task: i64,
) -> Result<Vec<PhotoInfoRow>, DomainError> {
    sqlx::query_as(
        "SELECT id, width, height, size, uploader, taken_at FROM task_photos WHERE task_id = $1 ORDER BY id LIMIT 50",
    )
    .bind(task)
    .fetch_all(e)
    .await
    .map_err(internal)
}

#[derive(sqlx::FromRow)]
pub struct PhotoData {
    pub task_id: i64,
    pub content_type: String,
    pub data: Vec<u8>,
}

pub async fn photo<'c>(e: impl AnyExecutor<'c>, id: i64) -> Result<Option<PhotoData>, DomainError> {
    sqlx::query_as("SELECT task_id, content_type, data FROM task_photos WHERE id = $1")
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(internal)
}

// ---------- comments ----------

pub async fn insert_comment<'c>(
    e: impl AnyExecutor<'c>,
    task: i64,
    by: Option<i64>,
    author: &str,
    body: &str,
    at: DateTime<Utc>,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO task_comments (task_id, author_id, author, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(task)
    .bind(by)
    .bind(author)
    .bind(body)
    .bind(ts(at))
    .fetch_one(e)
    .await
    .map_err(internal)
}

pub async fn comment_count<'c>(e: impl AnyExecutor<'c>, task: i64) -> Result<i64, DomainError> {
    sqlx::query_scalar("SELECT COUNT(*) FROM task_comments WHERE task_id = $1")
        .bind(task)
        .fetch_one(e)
        .await
        .map_err(internal)
}

#[derive(sqlx::FromRow)]
pub struct CommentRow {
    pub id: i64,
    pub author: String,
    pub body: String,
    pub created_at: String,
}

pub async fn comments<'c>(
    e: impl AnyExecutor<'c>,
    task: i64,
) -> Result<Vec<CommentRow>, DomainError> {
    sqlx::query_as(
        "SELECT id, author, body, created_at FROM task_comments WHERE task_id = $1 ORDER BY id LIMIT 200",
    )
    .bind(task)
    .fetch_all(e)
    .await
    .map_err(internal)
}

// ---------- doctors' briefings ----------

pub async fn insert_briefing<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    doctor: &str,
    on: NaiveDate,
    note: Option<&str>,
    by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO doctor_briefings (campaign_id, doctor, briefed_on, note, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(campaign)
    .bind(doctor)
    .bind(date_str(on))
    .bind(note)
    .bind(by)
    .bind(ts(at))
    .fetch_one(e)
    .await
    .map_err(internal)
}

#[derive(sqlx::FromRow)]
pub struct BriefingRow {
    pub id: i64,
    pub doctor: String,
    pub briefed_on: String,
    pub note: Option<String>,
}

pub async fn briefings<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<BriefingRow>, DomainError> {
    sqlx::query_as(
        "SELECT id, doctor, briefed_on, note FROM doctor_briefings WHERE campaign_id = $1 ORDER BY briefed_on DESC, id DESC LIMIT 500",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

// ---------- the campaign's shape ----------

/// The stores of the campaign's partners.
pub async fn campaign_stores<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<(i64, String)>, DomainError> {
    sqlx::query_as(
        "SELECT s.id, s.name FROM stores s JOIN campaign_partners cp ON cp.partner_id = s.partner_id AND cp.campaign_id = $1
         ORDER BY s.id LIMIT 5000",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Open refused uploads per campaign.
pub async fn open_conflicts<'c>(
    e: impl AnyExecutor<'c>,
) -> Result<Vec<(i64, String, i64)>, DomainError> {
    sqlx::query_as(
        "SELECT c.id, c.name, COUNT(*) FROM handout_conflicts h JOIN campaigns c ON c.id = h.campaign_id
         WHERE h.resolved_at IS NULL GROUP BY c.id, c.name ORDER BY c.id LIMIT 100",
    )
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Active clinic people a task may be assigned to (marketers and reception).
pub async fn assignees<'c>(e: impl AnyExecutor<'c>) -> Result<Vec<(i64, String)>, DomainError> {
    sqlx::query_as(
        "SELECT id, name FROM users WHERE active = 1 AND role IN ('marketer', 'reception') ORDER BY name LIMIT 500",
    )
    .fetch_all(e)
    .await
    .map_err(internal)
}
