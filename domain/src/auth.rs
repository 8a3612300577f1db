//! Who is asking: the [`Actor`] behind a request, sessions, passwords, the first-start setup,
//! API tokens and rate limits. What the actor may do is decided by [`crate::policy`].
//!
//! Secrets (session, invite, setup and API tokens) are 256-bit random values; only their
//! SHA-256 is stored, so a copy of the database signs nobody in.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::Duration;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::db::{self, Db, people::NewPerson};
use crate::error::{Check, DomainError, ErrorCode};
use crate::ids::{StoreId, UserId};
use crate::policy::{self, Op, StoreScope};
use crate::types::{Email, Role, required_text};

/// The longest a session lasts (a store's counter phone); the cookie lives as long.
pub const SESSION_DAYS: i64 = 90;
/// The clinic's own people (marketer, reception, shoppers) sign in again after two weeks, and
/// after 12 hours without using Sarafan.
pub const CLINIC_SESSION_DAYS: i64 = 14;
pub const CLINIC_IDLE_HOURS: i64 = 12;
/// How often "last used" of a session or API token is written (not on every request).
pub const TOUCH_EVERY_SECS: i64 = 60;
/// How long the first-start setup link works.
pub const SETUP_LINK_HOURS: i64 = 24;
/// How long an invite link stays valid.
pub const INVITE_DAYS: i64 = 7;
/// Setup attempts allowed per client address in one window.
pub const LOGIN_LIMIT: i64 = 10;
pub const LOGIN_WINDOW_SECS: i64 = 15 * 60;
/// Failed sign-ins for one account from one address that cost nothing; each further failure
/// doubles the wait before the next try from that address (1 s, 2 s, 4 s … at most 15 minutes).
pub const SIGN_IN_FREE_FAILURES: i64 = 5;
pub const SIGN_IN_MAX_WAIT_SECS: i64 = 15 * 60;
/// A failure streak is forgotten a day after its last failure.
pub const SIGN_IN_FORGET_HOURS: i64 = 24;
/// Failed sign-ins (any accounts) from one address in [`LOGIN_WINDOW_SECS`] before that
/// address must wait for the window to pass.
pub const SIGN_IN_FAILURES_PER_ADDRESS: i64 = 30;
/// The longest e-mail address (RFC 5321) and password looked at.
pub const MAX_EMAIL: usize = 254;
pub const MAX_PASSWORD: usize = 200;

/// The person (or integration) behind a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<UserId>,
    pub name: String,
    pub role: Role,
    /// Set for store staff: the only store they may see.
    pub store_id: Option<StoreId>,
    pub session_id: Option<i64>,
}

impl Actor {
    /// The shell: `sarafan demo`, `sarafan user` and friends act as the system (a marketer).
    pub fn system() -> Actor {
        Actor {
            user_id: None,
            name: "system".into(),
            role: Role::Marketer,
            store_id: None,
            session_id: None,
        }
    }

    /// Refuses unless the access policy lets this actor's role perform `op`.
    pub fn may(&self, op: Op) -> Result<(), DomainError> {
        if policy::allows(self.role, op) {
            Ok(())
        } else {
            Err(DomainError::Refused(ErrorCode::Forbidden))
        }
    }

    /// True when the policy lets this actor perform `op` (for what to show, not to refuse).
    pub fn can(&self, op: Op) -> bool {
        policy::allows(self.role, op)
    }

    /// The stores this actor is limited to.
    pub fn scope(&self) -> StoreScope {
        StoreScope::of(self.role, self.store_id)
    }

    /// Refuses unless the actor may perform `op` on this store.
    pub fn may_in_store(&self, op: Op, store: StoreId) -> Result<(), DomainError> {
        self.may(op)?;
        if self.scope().includes(store) {
            Ok(())
        } else {
            Err(DomainError::Refused(ErrorCode::Forbidden))
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

/// A rate-limit bucket as stored: short keys as they are, long ones (an e-mail typed by an
/// attacker, say) by their hash, so a key never grows the database beyond a fixed size.
fn bucket_key(bucket: &str) -> String {
    if bucket.len() <= 120 {
        bucket.to_owned()
    } else {
        format!("h:{}", hash_secret(bucket))
    }
}

/// The start of the current fixed window of `window_secs`, in Unix seconds.
fn window_start(db: &Db, window_secs: i64) -> i64 {
    let now = db.now().timestamp();
    now - now.rem_euclid(window_secs)
}

/// Counts one attempt in `bucket`; refuses once `limit` attempts fell in the current window.
/// Kept in the database so that several app instances share the count.
pub async fn rate_limit(
    db: &Db,
    bucket: &str,
    limit: i64,
    window_secs: i64,
) -> Result<(), DomainError> {
    let window = window_start(db, window_secs);
    let mut conn = db.pool.acquire().await.map_err(db::internal)?;
    let hits = db::people::hit(&mut conn, &bucket_key(bucket), window).await?;
    if hits > limit {
        Err(DomainError::Refused(ErrorCode::RateLimited))
    } else {
        Ok(())
    }
}

/// How long one account must wait, from one address, after `failures` failed sign-ins in a row.
pub fn sign_in_wait(failures: i64) -> Duration {
    if failures < SIGN_IN_FREE_FAILURES {
        return Duration::zero();
    }
    let doublings = (failures - SIGN_IN_FREE_FAILURES).min(20) as u32;
    Duration::seconds(2_i64.pow(doublings).min(SIGN_IN_MAX_WAIT_SECS))
}

/// How long a session of a role lasts: a store's counter phone keeps it for a season; the
/// clinic's own people, who see figures and personal data, for two weeks.
pub fn session_lifetime(role: Role) -> Duration {
    match role {
        Role::StoreStaff => Duration::days(SESSION_DAYS),
        _ => Duration::days(CLINIC_SESSION_DAYS),
    }
}

/// How long a session of a role may sit unused before it ends (`None`: no idle limit).
pub fn idle_limit(role: Role) -> Option<Duration> {
    match role {
        Role::StoreStaff => None,
        _ => Some(Duration::hours(CLINIC_IDLE_HOURS)),
    }
}

/// Creates a session for a person inside a change; returns its secret (goes into the cookie).
pub async fn create_session(
    w: &mut db::Write<'_>,
    user_id: UserId,
    role: Role,
    user_agent: Option<&str>,
) -> Result<String, DomainError> {
    let secret = new_secret();
    let ua = user_agent.map(|u| u.chars().take(200).collect::<String>());
    db::people::insert_session(
        &mut *w.tx,
        &hash_secret(&secret),
        user_id,
        ua.as_deref(),
        w.at,
        w.at + session_lifetime(role),
    )
    .await?;
    Ok(secret)
}

fn actor_from_row(row: db::people::ActorRow, token: bool) -> Result<Actor, DomainError> {
    Ok(Actor {
        user_id: (!token).then_some(UserId(row.id)),
        name: if token {
            format!("token:{}", row.name)
        } else {
            row.name.clone()
        },
        role: row.role()?,
        store_id: row.store_id,
        session_id: row.session_id,
    })
}

/// The person a session cookie belongs to, if the session is live: not ended, not past its
/// role's lifetime, not idle too long, and the person not deactivated.
pub async fn session_actor(db: &Db, secret: &str) -> Result<Option<Actor>, DomainError> {
    if secret.len() != 64 {
        return Ok(None);
    }
    let Some(row) = db::people::session_by_hash(&db.pool, &hash_secret(secret)).await? else {
        return Ok(None);
    };
    let now = db.now();
    if row.expires_at()?.is_none_or(|e| e < now) {
        return Ok(None);
    }
    let last = row.last_used()?;
    if let (Some(limit), Some(last)) = (idle_limit(row.role()?), last)
        && now - last > limit
    {
        return Ok(None);
    }
    if last.is_none_or(|l| now - l > Duration::seconds(TOUCH_EVERY_SECS))
        && let Some(id) = row.session_id
    {
        db::people::touch_session(&db.pool, id, now).await?;
    }
    actor_from_row(row, false).map(Some)
}

/// The integration behind a bearer token, if the token is live (not revoked, not expired).
pub async fn token_actor(db: &Db, secret: &str) -> Result<Option<Actor>, DomainError> {
    if secret.len() > 100 {
        return Ok(None);
    }
    let Some(row) = db::people::token_by_hash(&db.pool, &hash_secret(secret)).await? else {
        return Ok(None);
    };
    let now = db.now();
    if row.expires_at()?.is_some_and(|e| e < now) {
        return Ok(None);
    }
    if row
        .last_used()?
        .is_none_or(|l| now - l > Duration::seconds(TOUCH_EVERY_SECS))
    {
        db::people::touch_token(&db.pool, row.id, now).await?;
    }
    actor_from_row(row, true).map(Some)
}

pub async fn end_session_by_secret(db: &Db, secret: &str) -> Result<(), DomainError> {
    db::people::end_session_by_hash(&db.pool, &hash_secret(secret), db.now()).await
}

/// A new session: its secret (for the cookie) and the role, which decides the landing page.
pub struct SignedIn {
    pub secret: String,
    pub role: Role,
}

/// Signs a person in by e-mail and password.
///
/// Failures are throttled per (account, client address) with growing waits
/// ([`sign_in_wait`]), and per address across accounts; the right password from an address that
/// has not failed always works, so nobody can lock an account out by guessing at it. Over-long
/// input is refused before anything is stored.
pub async fn login(
    db: &Db,
    email: &str,
    password: &str,
    client: &str,
    user_agent: Option<&str>,
) -> Result<SignedIn, DomainError> {
    let email = email.trim().to_lowercase();
    if email.chars().count() > MAX_EMAIL {
        return Err(DomainError::field("email", ErrorCode::TooLong));
    }
    if password.chars().count() > MAX_PASSWORD {
        return Err(DomainError::field("password", ErrorCode::TooLong));
    }
    let client: String = client.chars().take(64).collect();
    let now = db.now();
    let address_bucket = format!("login-fail-ip:{client}");
    let address_window = window_start(db, LOGIN_WINDOW_SECS);
    if db::people::hits(&db.pool, &address_bucket, address_window).await?
        >= SIGN_IN_FAILURES_PER_ADDRESS
    {
        return Err(DomainError::Refused(ErrorCode::RateLimited));
    }
    if let Some((failures, last)) = db::people::login_failures(&db.pool, &email, &client).await?
        && now - last < Duration::hours(SIGN_IN_FORGET_HOURS)
        && now < last + sign_in_wait(failures)
    {
        return Err(DomainError::Refused(ErrorCode::RateLimited));
    }
    let (id, role, hash) = match db::people::credentials(&db.pool, &email).await? {
        Some((id, role, hash)) => (Some(id), role, hash),
        None => (None, Role::Marketer, None),
    };
    let ok = verify_password(password, hash.as_deref().unwrap_or(dummy_hash()));
    match (id, ok && hash.is_some()) {
        (Some(id), true) => {
            let me = Actor {
                user_id: Some(id),
                role,
                ..Actor::system()
            };
            let mut w = db.write(&me).await?;
            let secret = create_session(&mut w, id, role, user_agent).await?;
            db::people::clear_login_failures(&mut *w.tx, &email, Some(&client)).await?;
            w.audit("sign_in", "user", Some(id.get()), serde_json::json!({}))
                .await?;
            w.commit().await?;
            Ok(SignedIn { secret, role })
        }
        _ => {
            let forget_before = now - Duration::hours(SIGN_IN_FORGET_HOURS);
            db::people::record_login_failure(&db.pool, &email, &client, now, forget_before).await?;
            let mut conn = db.pool.acquire().await.map_err(db::internal)?;
            db::people::hit(&mut conn, &bucket_key(&address_bucket), address_window).await?;
            Err(DomainError::Refused(ErrorCode::BadCredentials))
        }
    }
}

/// Forgets an account's failed sign-ins from every address (`sarafan user unlock`).
pub async fn unlock(db: &Db, email: &str) -> Result<(), DomainError> {
    db::people::clear_login_failures(&db.pool, &email.trim().to_lowercase(), None).await
}

/// True while no marketer exists: the first start offers a setup link.
pub async fn needs_setup(db: &Db) -> Result<bool, DomainError> {
    Ok(db::people::count_marketers(&db.pool).await? == 0)
}

/// Creates a one-time setup secret (printed to the console as a link).
pub async fn create_setup_token(db: &Db) -> Result<String, DomainError> {
    let secret = new_secret();
    db::people::insert_setup_token(&db.pool, &hash_secret(&secret), db.now()).await?;
    Ok(secret)
}

/// Checks a setup secret without using it: unused, at most [`SETUP_LINK_HOURS`] old, and no
/// marketer exists yet.
pub async fn setup_token_valid(db: &Db, secret: &str) -> Result<bool, DomainError> {
    let want = hash_secret(secret);
    let since = db.now() - Duration::hours(SETUP_LINK_HOURS);
    let rows = db::people::unused_setup_hashes(&db.pool, since).await?;
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
    let mut check = Check::new();
    let name = check.take(required_text("name", name, 100));
    let email = check.take(Email::parse("email", email));
    if let Err(DomainError::Invalid(f)) = check_password_strength(password) {
        for e in f {
            check.push(&e.field, e.code);
        }
    }
    check.finish()?;
    let (Some(name), Some(email)) = (name, email) else {
        return Err(DomainError::Internal);
    };
    let hash = hash_password(password)?;
    let sys = Actor::system();
    let mut w = db.write(&sys).await?;
    if !db::people::use_setup_token(&mut *w.tx, &hash_secret(secret), w.at).await? {
        return Err(DomainError::Refused(ErrorCode::SetupDone));
    }
    let at = w.at;
    let id = db::people::insert_person(
        &mut *w.tx,
        &NewPerson {
            name: &name,
            phone: None,
            email: Some(email.as_str()),
            role: Role::Marketer,
            store_id: None,
            password_hash: Some(&hash),
        },
        at,
    )
    .await?;
    let me = Actor {
        user_id: Some(id),
        name: name.clone(),
        ..Actor::system()
    };
    w.actor = me;
    w.audit(
        "setup",
        "user",
        Some(id.get()),
        serde_json::json!({"email": email.as_str()}),
    )
    .await?;
    let session = create_session(&mut w, id, Role::Marketer, user_agent).await?;
    w.commit().await?;
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_failed_sign_ins_cost_nothing_then_each_doubles_the_wait() {
        for n in 0..SIGN_IN_FREE_FAILURES {
            assert_eq!(sign_in_wait(n), Duration::zero(), "{n}");
        }
        assert_eq!(sign_in_wait(5), Duration::seconds(1));
        assert_eq!(sign_in_wait(6), Duration::seconds(2));
        assert_eq!(sign_in_wait(12), Duration::seconds(128));
        assert_eq!(sign_in_wait(40), Duration::seconds(SIGN_IN_MAX_WAIT_SECS));
        assert_eq!(
            sign_in_wait(i64::MAX),
            Duration::seconds(SIGN_IN_MAX_WAIT_SECS)
        );
    }

    #[test]
    fn a_long_rate_limit_key_is_stored_by_its_hash() {
        assert_eq!(
            bucket_key("login-fail-ip:10.0.0.1"),
            "login-fail-ip:10.0.0.1"
        );
        let long = format!("join-phone:{}", "9".repeat(2_000_000));
        assert!(bucket_key(&long).len() < 70);
    }
}
