//! Mystery-shopper visits: versioned question lists, the rotation's visits (created by key),
//! answers, photos, scores and the per-store trend.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyExecutor;

use super::{date_str, internal, ts};
use crate::error::DomainError;
use crate::ids::CampaignId;

// ---------- question lists ----------

#[derive(sqlx::FromRow, Clone, Debug)]
pub struct QuestionnaireRow {
    pub id: i64,
    pub campaign_id: i64,
    pub version: i64,
    pub pass_mark: i64,
    pub questions: String,
    pub created_by: String,
    pub created_at: String,
}

const Q_COLS: &str = "id, campaign_id, version, pass_mark, questions, created_by, created_at";

pub async fn latest_questionnaire<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Option<QuestionnaireRow>, DomainError> {
    sqlx::query_as(&format!(
        "SELECT {Q_COLS} FROM shopper_questionnaires WHERE campaign_id = $1 ORDER BY version DESC LIMIT 1"
    ))
    .bind(campaign)
    .fetch_optional(e)
    .await
    .map_err(internal)
}

pub async fn questionnaire<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
) -> Result<Option<QuestionnaireRow>, DomainError> {
    sqlx::query_as(&format!(
        "SELECT {Q_COLS} FROM shopper_questionnaires WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(e)
    .await
    .map_err(internal)
}

/// Adds a version; `false` when another request made the same version first.
pub async fn insert_questionnaire<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    version: i64,
    pass_mark: i64,
    questions: &str,
    by: &str,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "INSERT INTO shopper_questionnaires (campaign_id, version, pass_mark, questions, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (campaign_id, version) DO NOTHING",
    )
    .bind(campaign)
    .bind(version)
    .bind(pass_mark)
    .bind(questions)
    .bind(by)
    .bind(ts(at))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() > 0)
}

/// Planned visits nobody has answered yet move to the newest list.
pub async fn move_unanswered_to<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    questionnaire: i64,
) -> Result<u64, DomainError> {
    sqlx::query(
        "UPDATE shopper_visits SET questionnaire_id = $2
         WHERE campaign_id = $1 AND state = 'planned'
           AND NOT EXISTS (SELECT 1 FROM shopper_answers a WHERE a.visit_id = shopper_visits.id)
           AND NOT EXISTS (SELECT 1 FROM shopper_photos p WHERE p.visit_id = shopper_visits.id)",
    )
    .bind(campaign)
    .bind(questionnaire)
    .execute(e)
    .await
    .map(|r| r.rows_affected())
    .map_err(internal)
}

pub async fn visits_per_week<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<i64, DomainError> {
    sqlx::query_scalar("SELECT shopper_visits_per_week FROM campaigns WHERE id = $1")
        .bind(campaign)
        .fetch_optional(e)
        .await
        .map_err(internal)
        .map(|v| v.unwrap_or(1))
}

pub async fn set_visits_per_week<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    n: i64,
) -> Result<(), DomainError> {
    sqlx::query("UPDATE campaigns SET shopper_visits_per_week = $2 WHERE id = $1")
        .bind(campaign)
        .bind(n)
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}

// ---------- the rotation ----------

#[derive(sqlx::FromRow, Debug)]
pub struct CandidateRow {
    pub store_id: i64,
    pub last_checked: Option<String>,
    pub recent: i64,
}

/// The campaign's stores with the day of their last signed-off visit and their hand-outs since
/// `since`.
pub async fn candidates<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    since: DateTime<Utc>,
) -> Result<Vec<CandidateRow>, DomainError> {
    sqlx::query_as(
        "SELECT s.id AS store_id,
                (SELECT MAX(v.visited_on) FROM shopper_visits v
                  WHERE v.campaign_id = $1 AND v.store_id = s.id AND v.state = 'signed_off') AS last_checked,
                (SELECT COUNT(*) FROM handouts h
                  WHERE h.campaign_id = $1 AND h.store_id = s.id AND h.happened_at >= $2) AS recent
         FROM stores s JOIN campaign_partners cp ON cp.partner_id = s.partner_id AND cp.campaign_id = $1
         ORDER BY s.id LIMIT 5000",
    )
    .bind(campaign)
    .bind(ts(since))
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Stores already holding a live visit in this week (the rotation leaves them out).
pub async fn week_stores<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    week: NaiveDate,
) -> Result<Vec<i64>, DomainError> {
    sqlx::query_scalar(
        "SELECT store_id FROM shopper_visits WHERE campaign_id = $1 AND week_start = $2 AND state <> 'cancelled'",
    )
    .bind(campaign)
    .bind(date_str(week))
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Keys of the visits this week already has (any state).
pub async fn week_keys<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    week: NaiveDate,
) -> Result<Vec<String>, DomainError> {
    sqlx::query_scalar(
        "SELECT visit_key FROM shopper_visits WHERE campaign_id = $1 AND week_start = $2 LIMIT 200",
    )
    .bind(campaign)
    .bind(date_str(week))
    .fetch_all(e)
    .await
    .map_err(internal)
}

pub struct NewVisit<'a> {
    pub campaign: CampaignId,
    pub store: i64,
    pub key: &'a str,
    pub week: NaiveDate,
    pub questionnaire: i64,
    pub chosen_by: &'a str,
    pub reason: Option<&'a str>,
    pub shopper: Option<i64>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub announced: bool,
    pub at: DateTime<Utc>,
}

/// Creates a visit by its key; `None` when another request created it first.
pub async fn insert_visit<'c>(
    e: impl AnyExecutor<'c>,
    v: &NewVisit<'_>,
) -> Result<Option<i64>, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO shopper_visits (campaign_id, store_id, visit_key, week_start, questionnaire_id, chosen_by, reason,
             shopper_id, window_from, window_to, announced, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
         ON CONFLICT (visit_key) DO NOTHING RETURNING id",
    )
    .bind(v.campaign)
    .bind(v.store)
    .bind(v.key)
    .bind(date_str(v.week))
    .bind(v.questionnaire)
    .bind(v.chosen_by)
    .bind(v.reason)
    .bind(v.shopper)
    .bind(date_str(v.from))
    .bind(date_str(v.to))
    .bind(i64::from(v.announced))
    .bind(ts(v.at))
    .fetch_optional(e)
    .await
    .map_err(internal)
}

/// Active mystery shoppers with how many visits of the campaign they hold.
pub async fn shoppers_load<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<(i64, String, i64)>, DomainError> {
    sqlx::query_as(
        "SELECT u.id, u.name, (SELECT COUNT(*) FROM shopper_visits v WHERE v.shopper_id = u.id AND v.campaign_id = $1) AS n
         FROM users u WHERE u.role = 'mystery_shopper' AND u.active = 1 ORDER BY n, u.id LIMIT 200",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// The campaign's stores: (id, name, partner's name).
pub async fn campaign_stores<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
) -> Result<Vec<(i64, String, String)>, DomainError> {
    sqlx::query_as(
        "SELECT s.id, s.name, p.name FROM stores s JOIN partners p ON p.id = s.partner_id
         JOIN campaign_partners cp ON cp.partner_id = s.partner_id AND cp.campaign_id = $1
         ORDER BY p.name, s.name, s.id LIMIT 5000",
    )
    .bind(campaign)
    .fetch_all(e)
    .await
    .map_err(internal)
}

// ---------- visits ----------

#[derive(sqlx::FromRow, Clone, Debug)]
pub struct VisitRow {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_name: String,
    pub store_id: i64,
    pub store_name: String,
    pub partner_name: String,
    pub store_address: Option<String>,
    pub opening_hours: Option<String>,
    pub week_start: String,
    pub questionnaire_id: i64,
    pub chosen_by: String,
    pub reason: Option<String>,
    pub shopper_id: Option<i64>,
    pub shopper_account: Option<String>,
    pub shopper_name: Option<String>,
    pub link_hash: Option<String>,
    pub link_expires_at: Option<String>,
    pub window_from: String,
    pub window_to: String,
    pub announced: i64,
    pub state: String,
    pub visited_on: Option<String>,
    pub score: Option<i64>,
    pub passed: Option<i64>,
    pub critical_failed: i64,
    pub signed_off_at: Option<String>,
    pub signed_off_by: Option<String>,
    pub corrected_at: Option<String>,
    pub corrected_by: Option<String>,
    pub answers: i64,
    pub photos: i64,
}

const VISIT_SELECT: &str = "SELECT v.id, v.campaign_id, c.name AS campaign_name, v.store_id, s.name AS store_name,
        p.name AS partner_name, s.address AS store_address, s.opening_hours, v.week_start, v.questionnaire_id,
        v.chosen_by, v.reason, v.shopper_id, u.name AS shopper_account, v.shopper_name, v.link_hash,
        v.link_expires_at, v.window_from, v.window_to, v.announced, v.state, v.visited_on, v.score, v.passed,
        v.critical_failed, v.signed_off_at, v.signed_off_by, v.corrected_at, v.corrected_by,
        (SELECT COUNT(*) FROM shopper_answers a WHERE a.visit_id = v.id) AS answers,
        (SELECT COUNT(*) FROM shopper_photos ph WHERE ph.visit_id = v.id) AS photos
     FROM shopper_visits v
     JOIN campaigns c ON c.id = v.campaign_id
     JOIN stores s ON s.id = v.store_id
     JOIN partners p ON p.id = s.partner_id
     LEFT JOIN users u ON u.id = v.shopper_id";

pub async fn visit<'c>(e: impl AnyExecutor<'c>, id: i64) -> Result<Option<VisitRow>, DomainError> {
    sqlx::query_as(&format!("{VISIT_SELECT} WHERE v.id = $1"))
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(internal)
}

pub async fn visit_by_link<'c>(
    e: impl AnyExecutor<'c>,
    hash: &str,
) -> Result<Option<VisitRow>, DomainError> {
    sqlx::query_as(&format!("{VISIT_SELECT} WHERE v.link_hash = $1"))
        .bind(hash)
        .fetch_optional(e)
        .await
        .map_err(internal)
}

/// Who asks for the list decides what it holds.
#[derive(Clone, Debug, Default)]
pub struct VisitQuery {
    pub campaign: Option<i64>,
    pub store: Option<i64>,
    pub shopper: Option<i64>,
    pub state: Option<&'static str>,
    /// Store staff: only announced visits, and any once signed off.
    pub staff_view: bool,
    pub limit: i64,
}

pub async fn visits<'c>(
    e: impl AnyExecutor<'c>,
    q: &VisitQuery,
) -> Result<Vec<VisitRow>, DomainError> {
    let mut sql = format!("{VISIT_SELECT} WHERE 1 = 1");
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    if q.campaign.is_some() {
        sql.push_str(&format!(" AND v.campaign_id = ${}", next()));
    }
    if q.store.is_some() {
        sql.push_str(&format!(" AND v.store_id = ${}", next()));
    }
    if q.shopper.is_some() {
        sql.push_str(&format!(" AND v.shopper_id = ${}", next()));
    }
    if q.state.is_some() {
        sql.push_str(&format!(" AND v.state = ${}", next()));
    }
    if q.staff_view {
        sql.push_str(" AND v.state <> 'cancelled' AND (v.announced = 1 OR v.state = 'signed_off')");
    }
    sql.push_str(&format!(
        " ORDER BY v.week_start DESC, v.id DESC LIMIT {}",
        q.limit.clamp(1, 500)
    ));
    let mut query = sqlx::query_as(&sql);
    if let Some(c) = q.campaign {
        query = query.bind(c);
    }
    if let Some(s) = q.store {
        query = query.bind(s);
    }
    if let Some(s) = q.shopper {
        query = query.bind(s);
    }
    if let Some(s) = q.state {
        query = query.bind(s);
    }
    query.fetch_all(e).await.map_err(internal)
}

pub struct VisitChange<'a> {
    pub id: i64,
    pub store: i64,
    pub chosen_by: &'a str,
    pub shopper: Option<i64>,
    pub shopper_name: Option<&'a str>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub announced: bool,
    pub state: &'a str,
    pub at: DateTime<Utc>,
}

pub async fn update_visit<'c>(
    e: impl AnyExecutor<'c>,
    v: &VisitChange<'_>,
) -> Result<(), DomainError> {
    sqlx::query(
        "UPDATE shopper_visits SET store_id = $2, chosen_by = $3, shopper_id = $4, shopper_name = $5,
             window_from = $6, window_to = $7, announced = $8, state = $9, updated_at = $10
         WHERE id = $1",
    )
    .bind(v.id)
    .bind(v.store)
    .bind(v.chosen_by)
    .bind(v.shopper)
    .bind(v.shopper_name)
    .bind(date_str(v.from))
    .bind(date_str(v.to))
    .bind(i64::from(v.announced))
    .bind(v.state)
    .bind(ts(v.at))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

pub async fn set_link<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    hash: &str,
    expires: DateTime<Utc>,
    name: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query(
        "UPDATE shopper_visits SET link_hash = $2, link_expires_at = $3, shopper_name = COALESCE($4, shopper_name),
             updated_at = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(hash)
    .bind(ts(expires))
    .bind(name)
    .bind(ts(at))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

// ---------- answers ----------

#[derive(sqlx::FromRow, Clone, Debug)]
pub struct AnswerRow {
    pub question_no: i64,
    pub value: String,
    pub score: Option<i64>,
}

pub async fn answers<'c>(
    e: impl AnyExecutor<'c>,
    visit: i64,
) -> Result<Vec<AnswerRow>, DomainError> {
    sqlx::query_as(
        "SELECT question_no, value, score FROM shopper_answers WHERE visit_id = $1 ORDER BY question_no LIMIT 100",
    )
    .bind(visit)
    .fetch_all(e)
    .await
    .map_err(internal)
}

pub async fn set_answer<'c>(
    e: impl AnyExecutor<'c>,
    visit: i64,
    no: i64,
    value: &str,
    score: Option<i64>,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO shopper_answers (visit_id, question_no, value, score) VALUES ($1, $2, $3, $4)
         ON CONFLICT (visit_id, question_no) DO UPDATE SET value = $3, score = $4",
    )
    .bind(visit)
    .bind(no)
    .bind(value)
    .bind(score)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

pub async fn clear_answer<'c>(
    e: impl AnyExecutor<'c>,
    visit: i64,
    no: i64,
) -> Result<(), DomainError> {
    sqlx::query("DELETE FROM shopper_answers WHERE visit_id = $1 AND question_no = $2")
        .bind(visit)
        .bind(no)
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}

pub async fn set_visited_on<'c>(
    e: impl AnyExecutor<'c>,
    visit: i64,
    day: Option<NaiveDate>,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query("UPDATE shopper_visits SET visited_on = $2, updated_at = $3 WHERE id = $1")
        .bind(visit)
        .bind(day.map(date_str))
        .bind(ts(at))
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Signs a planned visit off with its score; `false` when it was no longer planned.
#[allow(clippy::too_many_arguments)]
pub async fn sign_off<'c>(
    e: impl AnyExecutor<'c>,
    visit: i64,
    score: Option<i64>,
    passed: bool,
    critical_failed: bool,
    by: &str,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE shopper_visits SET state = 'signed_off', score = $2, passed = $3, critical_failed = $4,
             signed_off_by = $5, signed_off_at = $6, updated_at = $6
         WHERE id = $1 AND state = 'planned'",
    )
    .bind(visit)
    .bind(score)
    .bind(i64::from(passed))
    .bind(i64::from(critical_failed))
    .bind(by)
    .bind(ts(at))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() > 0)
}

/// The marketer's correction of a signed-off visit: the new score, and who corrected it.
pub async fn corrected<'c>(
    e: impl AnyExecutor<'c>,
    visit: i64,
    score: Option<i64>,
    passed: bool,
    critical_failed: bool,
    by: &str,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query(
        "UPDATE shopper_visits SET score = $2, passed = $3, critical_failed = $4, corrected_by = $5,
             corrected_at = $6, updated_at = $6 WHERE id = $1",
    )
    .bind(visit)
    .bind(score)
    .bind(i64::from(passed))
    .bind(i64::from(critical_failed))
    .bind(by)
    .bind(ts(at))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

// ---------- photos ----------

pub struct NewPhoto<'a> {
    pub visit: i64,
    pub question: Option<i64>,
    pub client_key: &'a str,
    pub content_type: &'a str,
    pub width: i64,
    pub height: i64,
    pub original_size: i64,
    pub data: &'a [u8],
    pub uploader: &'a str,
    pub at: DateTime<Utc>,
}

/// Stores a photo once per client key; `None` when this key was stored before.
pub async fn insert_photo<'c>(
    e: impl AnyExecutor<'c>,
    p: &NewPhoto<'_>,
) -> Result<Option<i64>, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO shopper_photos (visit_id, question_no, client_key, content_type, width, height, size, original_size, data, uploader, taken_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (visit_id, client_key) DO NOTHING RETURNING id",
    )
    .bind(p.visit)
    .bind(p.question)
    .bind(p.client_key)
    .bind(p.content_type)
    .bind(p.width)
    .bind(p.height)
    .bind(p.data.len() as i64)
    .bind(p.original_size)
    .bind(p.data)
    .bind(p.uploader)
    .bind(ts(p.at))
    .fetch_optional(e)
    .await
    .map_err(internal)
}

pub async fn photo_count<'c>(e: impl AnyExecutor<'c>, visit: i64) -> Result<i64, DomainError> {
    sqlx::query_scalar("SELECT COUNT(*) FROM shopper_photos WHERE visit_id = $1")
        .bind(visit)
        .fetch_one(e)
        .await
        .map_err(internal)
}

#[derive(sqlx::FromRow, Clone, Debug)]
pub struct PhotoRow {
    pub id: i64,
    pub question_no: Option<i64>,
    pub client_key: String,
    pub width: i64,
    pub height: i64,
    pub size: i64,
    pub uploader: String,
    pub taken_at: String,
}

pub async fn photos<'c>(e: impl AnyExecutor<'c>, visit: i64) -> Result<Vec<PhotoRow>, DomainError> {
    sqlx::query_as(
        "SELECT id, question_no, client_key, width, height, size, uploader, taken_at FROM shopper_photos
         WHERE visit_id = $1 ORDER BY id LIMIT 50",
    )
    .bind(visit)
    .fetch_all(e)
    .await
    .map_err(internal)
}

pub async fn photo_by_key<'c>(
    e: impl AnyExecutor<'c>,
    visit: i64,
    key: &str,
) -> Result<Option<PhotoRow>, DomainError> {
    sqlx::query_as(
        "SELECT id, question_no, client_key, width, height, size, uploader, taken_at FROM shopper_photos
         WHERE visit_id = $1 AND client_key = $2",
    )
    .bind(visit)
    .bind(key)
    .fetch_optional(e)
    .await
    .map_err(internal)
}

#[derive(sqlx::FromRow)]
pub struct PhotoData {
    pub visit_id: i64,
    pub content_type: String,
    pub data: Vec<u8>,
}

pub async fn photo<'c>(e: impl AnyExecutor<'c>, id: i64) -> Result<Option<PhotoData>, DomainError> {
    sqlx::query_as("SELECT visit_id, content_type, data FROM shopper_photos WHERE id = $1")
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(internal)
}

// ---------- results ----------

#[derive(sqlx::FromRow, Clone, Debug)]
pub struct ScoreRow {
    pub store_id: i64,
    pub week_start: String,
    pub visited_on: Option<String>,
    pub score: Option<i64>,
    pub passed: Option<i64>,
    pub id: i64,
}

/// Signed-off visits of a campaign (or of every campaign), oldest first.
pub async fn scores<'c>(
    e: impl AnyExecutor<'c>,
    campaign: Option<i64>,
    store: Option<i64>,
) -> Result<Vec<ScoreRow>, DomainError> {
    sqlx::query_as(
        "SELECT store_id, week_start, visited_on, score, passed, id FROM shopper_visits
         WHERE state = 'signed_off' AND ($1 < 0 OR campaign_id = $1) AND ($2 < 0 OR store_id = $2)
         ORDER BY week_start, id LIMIT 5000",
    )
    .bind(campaign.unwrap_or(-1))
    .bind(store.unwrap_or(-1))
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Signed-off visits of the week (item 17а).
pub async fn signed_in_week<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    week: NaiveDate,
) -> Result<Vec<(String, i64)>, DomainError> {
    sqlx::query_as(
        "SELECT s.name, CASE WHEN v.state = 'signed_off' THEN 1 ELSE 0 END FROM shopper_visits v
         JOIN stores s ON s.id = v.store_id
         WHERE v.campaign_id = $1 AND v.week_start = $2 AND v.state <> 'cancelled' ORDER BY v.id LIMIT 100",
    )
    .bind(campaign)
    .bind(date_str(week))
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// The week's open item-17а task, to close at sign-off.
pub async fn week_task<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    week: NaiveDate,
) -> Result<Option<(i64, i64)>, DomainError> {
    sqlx::query_as(
        "SELECT t.id, t.manual FROM tasks t JOIN checklist_items i ON i.id = t.item_id
         WHERE t.campaign_id = $1 AND i.builtin = 'shopper_visit' AND t.week_start = $2 AND t.state = 'open'",
    )
    .bind(campaign)
    .bind(date_str(week))
    .fetch_optional(e)
    .await
    .map_err(internal)
}

/// Opens a corrective task for a failed question (once per visit and question).
#[allow(clippy::too_many_arguments)]
pub async fn insert_corrective_task<'c>(
    e: impl AnyExecutor<'c>,
    campaign: CampaignId,
    store: i64,
    visit: i64,
    question_no: i64,
    title: &str,
    due: NaiveDate,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "INSERT INTO tasks (campaign_id, task_key, kind, store_id, title, due_on, state, shopper_visit_id, created_at, updated_at)
         VALUES ($1, $2, 'checklist', $3, $4, $5, 'open', $6, $7, $7) ON CONFLICT (task_key) DO NOTHING",
    )
    .bind(campaign)
    .bind(format!("fix:{visit}:{question_no}"))
    .bind(store)
    .bind(title)
    .bind(date_str(due))
    .bind(visit)
    .bind(ts(at))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() > 0)
}

/// The corrective tasks a visit opened: (id, title, state).
pub async fn corrective_tasks<'c>(
    e: impl AnyExecutor<'c>,
    visit: i64,
) -> Result<Vec<(i64, String, String)>, DomainError> {
    sqlx::query_as(
        "SELECT id, COALESCE(title, ''), state FROM tasks WHERE shopper_visit_id = $1 ORDER BY id LIMIT 100",
    )
    .bind(visit)
    .fetch_all(e)
    .await
    .map_err(internal)
}
