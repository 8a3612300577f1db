//! Accounts: people (`users`), their sessions, invites, API tokens, the first-start setup
//! token, and the rate-limit counters shared by every app instance.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use sqlx::any::AnyExecutor;

use super::{flag, internal, stored_ts, ts, unique_violation};
use crate::error::{DomainError, ErrorCode};
use crate::ids::{StoreId, UserId};
use crate::model::{ApiTokenInfo, InviteInfo, InviteState, Person};
use crate::types::Role;

fn role(s: &str) -> Result<Role, DomainError> {
    Role::parse("role", s).map_err(|_| DomainError::Internal)
}

// ---------- people ----------

pub struct NewPerson<'a> {
    pub name: &'a str,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub role: Role,
    pub store_id: Option<StoreId>,
    pub password_hash: Option<&'a str>,
}

pub async fn insert_person<'c>(
    e: impl AnyExecutor<'c>,
    p: &NewPerson<'_>,
    at: DateTime<Utc>,
) -> Result<UserId, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO users (name, phone, email, role, store_id, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(p.name)
    .bind(p.phone)
    .bind(p.email)
    .bind(p.role.as_str())
    .bind(p.store_id)
    .bind(p.password_hash)
    .bind(ts(at))
    .fetch_one(e)
    .await
    .map_err(|e| {
        if unique_violation(&e).is_some() {
            DomainError::field("email", ErrorCode::DuplicateEmail)
        } else {
            internal(e)
        }
    })
}

pub async fn set_password<'c>(
    e: impl AnyExecutor<'c>,
    id: UserId,
    hash: &str,
) -> Result<bool, DomainError> {
    let r = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: UserId,
    name: String,
    phone: Option<String>,
    email: Option<String>,
    role: String,
    store_id: Option<StoreId>,
    store_name: Option<String>,
    active: i64,
}

impl PersonRow {
    fn into_person(self) -> Result<Person, DomainError> {
        Ok(Person {
            id: self.id.get(),
            name: self.name,
            phone: self.phone,
            email: self.email,
            role: role(&self.role)?,
            store_id: self.store_id.map(StoreId::get),
            store_name: self.store_name,
            active: flag(self.active),
        })
    }
}

const PERSON_SELECT: &str =
    "SELECT u.id, u.name, u.phone, u.email, u.role, u.store_id, s.name AS store_name, u.active
    FROM users u LEFT JOIN stores s ON s.id = u.store_id";

pub async fn list_people<'c>(e: impl AnyExecutor<'c>) -> Result<Vec<Person>, DomainError> {
    let rows: Vec<PersonRow> = sqlx::query_as(&format!("{PERSON_SELECT} ORDER BY u.role, u.name"))
        .fetch_all(e)
        .await
        .map_err(internal)?;
    rows.into_iter().map(PersonRow::into_person).collect()
}

pub async fn person<'c>(
    e: impl AnyExecutor<'c>,
    id: UserId,
) -> Result<Option<Person>, DomainError> {
    let row: Option<PersonRow> = sqlx::query_as(&format!("{PERSON_SELECT} WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(internal)?;
    row.map(PersonRow::into_person).transpose()
}

pub async fn count_marketers<'c>(e: impl AnyExecutor<'c>) -> Result<i64, DomainError> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'marketer'")
        .fetch_one(e)
        .await
        .map_err(internal)
}

/// The id, role and password hash of an active person with this e-mail.
pub async fn credentials<'c>(
    e: impl AnyExecutor<'c>,
    email: &str,
) -> Result<Option<(UserId, Role, Option<String>)>, DomainError> {
    let row: Option<(UserId, String, Option<String>)> =
        sqlx::query_as("SELECT id, role, password_hash FROM users WHERE email = $1 AND active = 1")
            .bind(email)
            .fetch_optional(e)
            .await
            .map_err(internal)?;
    row.map(|(id, r, hash)| Ok((id, role(&r)?, hash)))
        .transpose()
}

// ---------- sessions ----------

pub async fn insert_session<'c>(
    e: impl AnyExecutor<'c>,
    token_hash: &str,
    user: UserId,
    user_agent: Option<&str>,
    at: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, user_agent, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user)
    .bind(user_agent)
    .bind(ts(at))
    .bind(ts(expires))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

/// Who a live session or token belongs to, as stored.
#[derive(sqlx::FromRow)]
pub struct ActorRow {
    /// The person (session) or the token (API token).
    pub id: i64,
    pub name: String,
    pub role: String,
    pub store_id: Option<StoreId>,
    pub session_id: Option<i64>,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
}

impl ActorRow {
    pub fn role(&self) -> Result<Role, DomainError> {
        role(&self.role)
    }
    pub fn expires_at(&self) -> Result<Option<DateTime<Utc>>, DomainError> {
        self.expires_at.as_deref().map(stored_ts).transpose()
    }
    pub fn last_used(&self) -> Result<Option<DateTime<Utc>>, DomainError> {
        self.last_used_at.as_deref().map(stored_ts).transpose()
    }
}

pub async fn session_by_hash<'c>(
    e: impl AnyExecutor<'c>,
    token_hash: &str,
) -> Result<Option<ActorRow>, DomainError> {
    sqlx::query_as(
        "SELECT u.id, u.name, u.role, u.store_id, s.id AS session_id, s.expires_at,
                COALESCE(s.last_seen_at, s.created_at) AS last_used_at
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.ended_at IS NULL AND u.active = 1",
    )
    .bind(token_hash)
    .fetch_optional(e)
    .await
    .map_err(internal)
}

pub async fn token_by_hash<'c>(
    e: impl AnyExecutor<'c>,
    token_hash: &str,
) -> Result<Option<ActorRow>, DomainError> {
    sqlx::query_as(
        "SELECT id, name, role, store_id, CAST(NULL AS BIGINT) AS session_id, expires_at, last_used_at
         FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(e)
    .await
    .map_err(internal)
}

pub async fn touch_session<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
        .bind(ts(at))
        .bind(id)
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}

pub async fn touch_token<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(ts(at))
        .bind(id)
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}

pub async fn end_session_by_hash<'c>(
    e: impl AnyExecutor<'c>,
    token_hash: &str,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query("UPDATE sessions SET ended_at = $1 WHERE token_hash = $2 AND ended_at IS NULL")
        .bind(ts(at))
        .bind(token_hash)
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub user_agent: Option<String>,
    pub created_at: String,
}

/// Live sessions, of one person or (`None`) of everyone; newest first, at most 500.
pub async fn live_sessions<'c>(
    e: impl AnyExecutor<'c>,
    of: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Vec<SessionRow>, DomainError> {
    sqlx::query_as(
        "SELECT s.id, u.name, u.role, s.user_agent, s.created_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.ended_at IS NULL AND s.expires_at > $1 AND ($2 = -1 OR s.user_id = $2) ORDER BY s.id DESC LIMIT 500",
    )
    .bind(ts(now))
    .bind(of.map(UserId::get).unwrap_or(-1))
    .fetch_all(e)
    .await
    .map_err(internal)
}

/// Ends a live session (of `of` only, when given); false if there was none.
pub async fn end_session<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    of: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL AND ($3 = -1 OR user_id = $3)",
    )
    .bind(ts(at))
    .bind(id)
    .bind(of.map(UserId::get).unwrap_or(-1))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

/// Marks a person active or not; false if there is no such person.
pub async fn set_active<'c>(
    e: impl AnyExecutor<'c>,
    id: UserId,
    active: bool,
) -> Result<bool, DomainError> {
    let r = sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(i64::from(active))
        .bind(id)
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

/// Ends every live session of a person.
pub async fn end_sessions_of<'c>(
    e: impl AnyExecutor<'c>,
    id: UserId,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query("UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL")
        .bind(ts(at))
        .bind(id)
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Revokes a person's invites that were not used yet (a new one replaces them).
pub async fn revoke_open_invites<'c>(
    e: impl AnyExecutor<'c>,
    id: UserId,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query(
        "UPDATE invites SET revoked_at = $1 WHERE user_id = $2 AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(ts(at))
    .bind(id)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

// ---------- invites ----------

pub async fn insert_invite<'c>(
    e: impl AnyExecutor<'c>,
    token_hash: &str,
    person: UserId,
    by: Option<UserId>,
    at: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO invites (token_hash, user_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(token_hash)
    .bind(person)
    .bind(by)
    .bind(ts(at))
    .bind(ts(expires))
    .fetch_one(e)
    .await
    .map_err(internal)
}

#[derive(sqlx::FromRow)]
struct InviteRow {
    id: i64,
    user_id: i64,
    name: String,
    role: String,
    store_name: Option<String>,
    expires_at: String,
    used_at: Option<String>,
    revoked_at: Option<String>,
}

impl InviteRow {
    fn into_info(self, now: DateTime<Utc>) -> Result<InviteInfo, DomainError> {
        let expires = stored_ts(&self.expires_at)?;
        let state = if self.revoked_at.is_some() {
            InviteState::Revoked
        } else if self.used_at.is_some() {
            InviteState::Used
        } else if expires < now {
            InviteState::Expired
        } else {
            InviteState::Pending
        };
        Ok(InviteInfo {
            id: self.id,
            person_id: self.user_id,
            person_name: self.name,
            role: role(&self.role)?,
            store_name: self.store_name,
            expires_at: self.expires_at,
            state,
        })
    }
}

const INVITE_SELECT: &str = "SELECT i.id, i.user_id, u.name, u.role, s.name AS store_name, i.expires_at, i.used_at, i.revoked_at
    FROM invites i JOIN users u ON u.id = i.user_id LEFT JOIN stores s ON s.id = u.store_id";

/// The latest 200 invites.
pub async fn invites<'c>(
    e: impl AnyExecutor<'c>,
    now: DateTime<Utc>,
) -> Result<Vec<InviteInfo>, DomainError> {
    let rows: Vec<InviteRow> =
        sqlx::query_as(&format!("{INVITE_SELECT} ORDER BY i.id DESC LIMIT 200"))
            .fetch_all(e)
            .await
            .map_err(internal)?;
    rows.into_iter().map(|r| r.into_info(now)).collect()
}

pub async fn invite<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<InviteInfo>, DomainError> {
    let row: Option<InviteRow> = sqlx::query_as(&format!("{INVITE_SELECT} WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(e)
        .await
        .map_err(internal)?;
    row.map(|r| r.into_info(now)).transpose()
}

pub async fn invite_by_hash<'c>(
    e: impl AnyExecutor<'c>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<InviteInfo>, DomainError> {
    let row: Option<InviteRow> =
        sqlx::query_as(&format!("{INVITE_SELECT} WHERE i.token_hash = $1"))
            .bind(token_hash)
            .fetch_optional(e)
            .await
            .map_err(internal)?;
    row.map(|r| r.into_info(now)).transpose()
}

pub async fn revoke_invite<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE invites SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND used_at IS NULL",
    )
    .bind(ts(at))
    .bind(id)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

/// Marks an invite used; false when it was used or revoked meanwhile (two phones racing).
pub async fn use_invite<'c>(
    e: impl AnyExecutor<'c>,
    token_hash: &str,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE invites SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(ts(at))
    .bind(token_hash)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

// ---------- the first-start setup token ----------

pub async fn insert_setup_token<'c>(
    e: impl AnyExecutor<'c>,
    token_hash: &str,
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
        .bind(token_hash)
        .bind(ts(at))
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Unused setup tokens created since `since`.
pub async fn unused_setup_hashes<'c>(
    e: impl AnyExecutor<'c>,
    since: DateTime<Utc>,
) -> Result<Vec<String>, DomainError> {
    sqlx::query_scalar(
        "SELECT token_hash FROM setup_tokens WHERE used_at IS NULL AND created_at >= $1",
    )
    .bind(ts(since))
    .fetch_all(e)
    .await
    .map_err(internal)
}

pub async fn use_setup_token<'c>(
    e: impl AnyExecutor<'c>,
    token_hash: &str,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r = sqlx::query(
        "UPDATE setup_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(ts(at))
    .bind(token_hash)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

// ---------- API tokens ----------

pub async fn insert_token<'c>(
    e: impl AnyExecutor<'c>,
    token_hash: &str,
    name: &str,
    role: Role,
    store: Option<StoreId>,
    at: DateTime<Utc>,
    expires: Option<DateTime<Utc>>,
) -> Result<i64, DomainError> {
    sqlx::query_scalar(
        "INSERT INTO api_tokens (token_hash, name, role, store_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(token_hash)
    .bind(name)
    .bind(role.as_str())
    .bind(store)
    .bind(ts(at))
    .bind(expires.map(ts))
    .fetch_one(e)
    .await
    .map_err(internal)
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    name: String,
    role: String,
    created_at: String,
    revoked_at: Option<String>,
}

pub async fn tokens<'c>(e: impl AnyExecutor<'c>) -> Result<Vec<ApiTokenInfo>, DomainError> {
    let rows: Vec<TokenRow> = sqlx::query_as(
        "SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY id DESC LIMIT 500",
    )
    .fetch_all(e)
    .await
    .map_err(internal)?;
    rows.into_iter()
        .map(|r| {
            Ok(ApiTokenInfo {
                id: r.id,
                name: r.name,
                role: role(&r.role)?,
                created_at: r.created_at,
                revoked: r.revoked_at.is_some(),
            })
        })
        .collect()
}

pub async fn revoke_token<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let r =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(ts(at))
            .bind(id)
            .execute(e)
            .await
            .map_err(internal)?;
    Ok(r.rows_affected() == 1)
}

// ---------- rate limits ----------

/// Counts one hit in a fixed window; returns the hits so far in that window.
pub async fn hit(
    conn: &mut AnyConnection,
    bucket: &str,
    window_start: i64,
) -> Result<i64, DomainError> {
    let hits: i64 = sqlx::query_scalar(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
         RETURNING hits",
    )
    .bind(bucket)
    .bind(window_start)
    .fetch_one(&mut *conn)
    .await
    .map_err(internal)?;
    // Old windows are of no use; sweep them now and then (not on every new key: a flood of
    // new keys must not turn into a flood of table scans).
    if hits == 1 && rand::random::<u8>() < 4 {
        let _ = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(window_start - 86_400)
            .execute(&mut *conn)
            .await;
    }
    Ok(hits)
}

/// The hits counted so far in a window (without counting one more).
pub async fn hits<'c>(
    e: impl AnyExecutor<'c>,
    bucket: &str,
    window_start: i64,
) -> Result<i64, DomainError> {
    let n: Option<i64> =
        sqlx::query_scalar("SELECT hits FROM rate_limits WHERE bucket = $1 AND window_start = $2")
            .bind(bucket)
            .bind(window_start)
            .fetch_optional(e)
            .await
            .map_err(internal)?;
    Ok(n.unwrap_or(0))
}

// ---------- failed sign-ins ----------

/// Failed sign-ins of an account from one address in a row, and when the last one was.
pub async fn login_failures<'c>(
    e: impl AnyExecutor<'c>,
    email: &str,
    client: &str,
) -> Result<Option<(i64, DateTime<Utc>)>, DomainError> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT failures, last_failure_at FROM login_throttle WHERE email = $1 AND client = $2",
    )
    .bind(email)
    .bind(client)
    .fetch_optional(e)
    .await
    .map_err(internal)?;
    row.map(|(n, at)| Ok((n, stored_ts(&at)?))).transpose()
}

/// Counts a failure; a streak whose last failure is older than `forget_before` starts over.
pub async fn record_login_failure<'c>(
    e: impl AnyExecutor<'c>,
    email: &str,
    client: &str,
    at: DateTime<Utc>,
    forget_before: DateTime<Utc>,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO login_throttle (email, client, failures, last_failure_at) VALUES ($1, $2, 1, $3)
         ON CONFLICT (email, client) DO UPDATE SET
            failures = CASE WHEN login_throttle.last_failure_at < $4 THEN 1 ELSE login_throttle.failures + 1 END,
            last_failure_at = $3",
    )
    .bind(email)
    .bind(client)
    .bind(ts(at))
    .bind(ts(forget_before))
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

/// Forgets failures of an account: from one address, or (`None`) from all.
pub async fn clear_login_failures<'c>(
    e: impl AnyExecutor<'c>,
    email: &str,
    client: Option<&str>,
) -> Result<(), DomainError> {
    sqlx::query("DELETE FROM login_throttle WHERE email = $1 AND ($2 = '' OR client = $2)")
        .bind(email)
        .bind(client.unwrap_or(""))
        .execute(e)
        .await
        .map_err(internal)?;
    Ok(())
}
