//! Who is asking: sessions, passwords, invites, API tokens and rate limits.
//!
//! Secrets (session, invite, setup and API tokens) are 256-bit random values; only their
//! SHA-256 is stored, so a copy of the database signs nobody in.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Duration, Utc};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use sqlx::Row;
use subtle::ConstantTimeEq;

use crate::db::{Db, Tx, internal, now, parse_ts, ts};
use crate::error::{DomainError, ErrorCode};
use crate::types::Role;

/// How long a browser session lasts. Staff sign in once from an invite and keep the phone.
pub const SESSION_DAYS: i64 = 180;
/// How long an invite link stays valid.
pub const INVITE_DAYS: i64 = 7;
/// Failed sign-ins allowed per address or IP in one window.
pub const LOGIN_LIMIT: i64 = 10;
pub const LOGIN_WINDOW_SECS: i64 = 15 * 60;

/// The person (or integration) behind a request, with what they may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
    pub role: Role,
    /// Set for store staff: the only store they may see.
    pub store_id: Option<i64>,
    pub session_id: Option<i64>,
}

impl Actor {
    /// The shell: `sarafan demo`, `sarafan user` and friends act as the system.
    pub fn system() -> Actor {
        Actor {
            user_id: None,
            name: "system".into(),
            role: Role::Marketer,
            store_id: None,
            session_id: None,
        }
    }
    pub fn require(&self, roles: &[Role]) -> Result<(), DomainError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(DomainError::Refused(ErrorCode::Forbidden))
        }
    }
    pub fn require_marketer(&self) -> Result<(), DomainError> {
        self.require(&[Role::Marketer])
    }
    /// Store staff may only touch their own store; everyone else with access may touch any.
    pub fn require_store(&self, store_id: i64) -> Result<(), DomainError> {
        match self.role {
            Role::Marketer | Role::Reception => Ok(()),
            Role::StoreStaff if self.store_id == Some(store_id) => Ok(()),
            _ => Err(DomainError::Refused(ErrorCode::Forbidden)),
        }
    }
    pub fn label(&self) -> String {
        match self.user_id {
            Some(id) => format!("{} (#{id})", self.name),
            None => self.name.clone(),
        }
    }
}

/// A new random secret, hex-encoded (64 characters).
pub fn new_secret() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.trim().as_bytes()))
}

/// Constant-time equality of two secrets' hashes.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

pub fn hash_password(password: &str) -> Result<String, DomainError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "argon2 hashing failed");
            DomainError::Internal
        })
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the e-mail is unknown, so timing does not tell which e-mails exist.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

pub fn check_password_strength(password: &str) -> Result<(), DomainError> {
    if password.chars().count() < 10 {
        return Err(DomainError::field("password", ErrorCode::PasswordTooShort));
    }
    if password.chars().count() > 200 {
        return Err(DomainError::field("password", ErrorCode::TooLong));
    }
    Ok(())
}

/// Counts one attempt in `bucket`; refuses once `limit` attempts fell in the current window.
/// Kept in the database so that several app instances share the count.
pub async fn rate_limit(
    db: &Db,
    bucket: &str,
    limit: i64,
    window_secs: i64,
) -> Result<(), DomainError> {
    let now = Utc::now().timestamp();
    let window = now - now.rem_euclid(window_secs);
    let hits: i64 = sqlx::query_scalar(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
         RETURNING hits",
    )
    .bind(bucket)
    .bind(window)
    .fetch_one(&db.pool)
    .await
    .map_err(internal)?;
    // Old windows are of no use; sweep them now and then.
    if hits == 1 {
        let _ = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(window - 86_400)
            .execute(&db.pool)
            .await;
    }
    if hits > limit {
        Err(DomainError::Refused(ErrorCode::RateLimited))
    } else {
        Ok(())
    }
}

/// Creates a session for a person and returns its secret (goes into the cookie).
pub async fn create_session(
    tx: &mut Tx,
    user_id: i64,
    user_agent: Option<&str>,
) -> Result<String, DomainError> {
    let secret = new_secret();
    let ua = user_agent.map(|u| u.chars().take(200).collect::<String>());
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, user_agent, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash_secret(&secret))
    .bind(user_id)
    .bind(ua)
    .bind(now())
    .bind(ts(Utc::now() + Duration::days(SESSION_DAYS)))
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    Ok(secret)
}

fn actor_from_row(row: &sqlx::any::AnyRow, session_id: Option<i64>) -> Result<Actor, DomainError> {
    let role: String = row.try_get("role").map_err(internal)?;
    Ok(Actor {
        user_id: Some(row.try_get("id").map_err(internal)?),
        name: row.try_get("name").map_err(internal)?,
        role: Role::parse("role", &role).map_err(|_| DomainError::Internal)?,
        store_id: row.try_get("store_id").map_err(internal)?,
        session_id,
    })
}

/// The person a session cookie belongs to, if the session is live.
pub async fn session_actor(db: &Db, secret: &str) -> Result<Option<Actor>, DomainError> {
    if secret.len() != 64 {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT s.id AS session_id, s.expires_at, u.id, u.name, u.role, u.store_id
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.ended_at IS NULL AND u.active = 1",
    )
    .bind(hash_secret(secret))
    .fetch_optional(&db.pool)
    .await
    .map_err(internal)?;
    let Some(row) = row else { return Ok(None) };
    let expires: String = row.try_get("expires_at").map_err(internal)?;
    if parse_ts(&expires).is_none_or(|e| e < Utc::now()) {
        return Ok(None);
    }
    let sid: i64 = row.try_get("session_id").map_err(internal)?;
    actor_from_row(&row, Some(sid)).map(Some)
}

/// The integration behind a bearer token, if the token is live.
pub async fn token_actor(db: &Db, secret: &str) -> Result<Option<Actor>, DomainError> {
    let row = sqlx::query("SELECT id, name, role, store_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(hash_secret(secret))
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?;
    let Some(row) = row else { return Ok(None) };
    let role: String = row.try_get("role").map_err(internal)?;
    let name: String = row.try_get("name").map_err(internal)?;
    Ok(Some(Actor {
        user_id: None,
        name: format!("token:{name}"),
        role: Role::parse("role", &role).map_err(|_| DomainError::Internal)?,
        store_id: row.try_get("store_id").map_err(internal)?,
        session_id: None,
    }))
}

pub async fn end_session_by_secret(db: &Db, secret: &str) -> Result<(), DomainError> {
    sqlx::query("UPDATE sessions SET ended_at = $1 WHERE token_hash = $2 AND ended_at IS NULL")
        .bind(now())
        .bind(hash_secret(secret))
        .execute(&db.pool)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Signs a marketer in by e-mail and password. Rate-limited per e-mail and per client address.
pub async fn login(
    db: &Db,
    email: &str,
    password: &str,
    client: &str,
    user_agent: Option<&str>,
) -> Result<String, DomainError> {
    let email = email.trim().to_lowercase();
    rate_limit(
        db,
        &format!("login-ip:{client}"),
        LOGIN_LIMIT * 3,
        LOGIN_WINDOW_SECS,
    )
    .await?;
    rate_limit(
        db,
        &format!("login-email:{email}"),
        LOGIN_LIMIT,
        LOGIN_WINDOW_SECS,
    )
    .await?;
    let row = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1 AND active = 1")
        .bind(&email)
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?;
    let (id, hash) = match row {
        Some(r) => (
            Some(r.try_get::<i64, _>("id").map_err(internal)?),
            r.try_get::<Option<String>, _>("password_hash")
                .map_err(internal)?,
        ),
        None => (None, None),
    };
    let ok = verify_password(password, hash.as_deref().unwrap_or(dummy_hash()));
    match (id, ok && hash.is_some()) {
        (Some(id), true) => {
            let mut tx = db.begin().await?;
            let secret = create_session(&mut tx, id, user_agent).await?;
            crate::ops::audit(
                &mut tx,
                &Actor {
                    user_id: Some(id),
                    ..Actor::system()
                },
                "sign_in",
                "user",
                Some(id),
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await.map_err(internal)?;
            Ok(secret)
        }
        _ => Err(DomainError::Refused(ErrorCode::BadCredentials)),
    }
}

/// True while no marketer exists: the first start offers a setup link.
pub async fn needs_setup(db: &Db) -> Result<bool, DomainError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'marketer'")
        .fetch_one(&db.pool)
        .await
        .map_err(internal)?;
    Ok(n == 0)
}

/// Creates a one-time setup secret (printed to the console as a link).
pub async fn create_setup_token(db: &Db) -> Result<String, DomainError> {
    let secret = new_secret();
    sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
        .bind(hash_secret(&secret))
        .bind(now())
        .execute(&db.pool)
        .await
        .map_err(internal)?;
    Ok(secret)
}

/// Checks a setup secret without using it.
pub async fn setup_token_valid(db: &Db, secret: &str) -> Result<bool, DomainError> {
    let want = hash_secret(secret);
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT token_hash FROM setup_tokens WHERE used_at IS NULL")
            .fetch_all(&db.pool)
            .await
            .map_err(internal)?;
    Ok(rows.iter().any(|h| secrets_equal(h, &want)) && needs_setup(db).await?)
}

/// Uses the setup secret to create the first marketer and sign them in.
pub async fn complete_setup(
    db: &Db,
    secret: &str,
    name: &str,
    email: &str,
    password: &str,
    client: &str,
    user_agent: Option<&str>,
) -> Result<String, DomainError> {
    rate_limit(
        db,
        &format!("setup:{client}"),
        LOGIN_LIMIT,
        LOGIN_WINDOW_SECS,
    )
    .await?;
    if !setup_token_valid(db, secret).await? {
        return Err(if needs_setup(db).await? {
            DomainError::Refused(ErrorCode::InviteInvalid)
        } else {
            DomainError::Refused(ErrorCode::SetupDone)
        });
    }
    let mut check = crate::error::Check::new();
    let name = check.take(crate::types::required_text("name", name, 100));
    let email = check.take(crate::types::Email::parse("email", email));
    if let Err(DomainError::Invalid(f)) = check_password_strength(password) {
        for e in f {
            check.push(&e.field, e.code);
        }
    }
    check.finish()?;
    let (Some(name), Some(email)) = (name, email) else {
        return Err(DomainError::Internal);
    };
    let mut tx = db.begin().await?;
    let used = sqlx::query(
        "UPDATE setup_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(now())
    .bind(hash_secret(secret))
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    if used.rows_affected() != 1 {
        return Err(DomainError::Refused(ErrorCode::SetupDone));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (name, email, role, password_hash, created_at) VALUES ($1, $2, 'marketer', $3, $4) RETURNING id",
    )
    .bind(&name)
    .bind(email.as_str())
    .bind(hash_password(password)?)
    .bind(now())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| {
        if crate::db::unique_violation(&e).is_some() { DomainError::field("email", ErrorCode::DuplicateEmail) } else { internal(e) }
    })?;
    let actor = Actor {
        user_id: Some(id),
        name: name.clone(),
        ..Actor::system()
    };
    crate::ops::audit(
        &mut tx,
        &actor,
        "setup",
        "user",
        Some(id),
        serde_json::json!({"email": email.as_str()}),
    )
    .await?;
    let session = create_session(&mut tx, id, user_agent).await?;
    tx.commit().await.map_err(internal)?;
    Ok(session)
}
