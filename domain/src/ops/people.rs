//! People, invites, sessions and API tokens.
//!
//! The marketer invites each person with a one-time link (shown as a QR code); opening it on a
//! phone signs the person in with a long-lived session tied to their role and store.

use chrono::{Duration, Utc};
use sqlx::Row;

use crate::auth::{self, Actor, INVITE_DAYS, hash_secret, new_secret};
use crate::db::{Db, Tx, internal, now, parse_ts, ts, unique_violation};
use crate::error::{Check, DomainError, ErrorCode};
use crate::model::{
    ApiTokenInfo, InviteInfo, InviteState, Me, NewInvite, Person, PersonInput, SessionInfo,
};
use crate::types::{Email, Phone, Role, required_text};

struct ValidPerson {
    name: String,
    phone: Option<String>,
    email: Option<String>,
    role: Role,
    store_id: Option<i64>,
}

impl PersonInput {
    fn parse(&self) -> Result<ValidPerson, DomainError> {
        let mut c = Check::new();
        let name = c.take(required_text("name", &self.name, 200));
        let phone = c.take(Phone::parse_optional("phone", &self.phone));
        let email = c.take(Email::parse_optional("email", &self.email));
        let role = c.take(Role::parse("role", &self.role));
        if role == Some(Role::StoreStaff) && self.store_id.is_none() {
            c.push("store_id", ErrorCode::StoreRequired);
        }
        c.finish()?;
        match (name, phone, email, role) {
            (Some(name), Some(phone), Some(email), Some(role)) => Ok(ValidPerson {
                name,
                phone: phone.map(Phone::into_string),
                email: email.map(Email::into_string),
                role,
                store_id: if role == Role::StoreStaff {
                    self.store_id
                } else {
                    None
                },
            }),
            _ => Err(DomainError::Internal),
        }
    }
}

async fn insert_person(tx: &mut Tx, v: &ValidPerson) -> Result<i64, DomainError> {
    if let Some(store) = v.store_id {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stores WHERE id = $1")
            .bind(store)
            .fetch_one(&mut **tx)
            .await
            .map_err(internal)?;
        if n == 0 {
            return Err(DomainError::field("store_id", ErrorCode::InvalidChoice));
        }
    }
    sqlx::query_scalar(
        "INSERT INTO users (name, phone, email, role, store_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&v.name)
    .bind(&v.phone)
    .bind(&v.email)
    .bind(v.role.as_str())
    .bind(v.store_id)
    .bind(now())
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| if unique_violation(&e).is_some() { DomainError::field("email", ErrorCode::DuplicateEmail) } else { internal(e) })
}

/// Adds a person without an invite (e.g. from the shell or the API).
pub async fn create_person(
    db: &Db,
    actor: &Actor,
    input: &PersonInput,
) -> Result<Person, DomainError> {
    actor.require_marketer()?;
    let v = input.parse()?;
    let mut tx = db.begin().await?;
    let id = insert_person(&mut tx, &v).await?;
    super::audit(
        &mut tx,
        actor,
        "create",
        "person",
        Some(id),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    get_person(db, actor, id).await
}

/// Sets a person's password (so a marketer can sign in by e-mail). Used by `sarafan user`.
pub async fn set_password(
    db: &Db,
    actor: &Actor,
    person_id: i64,
    password: &str,
) -> Result<(), DomainError> {
    actor.require_marketer()?;
    auth::check_password_strength(password)?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(auth::hash_password(password)?)
        .bind(person_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    super::audit(
        &mut tx,
        actor,
        "set_password",
        "person",
        Some(person_id),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

const PERSON_SELECT: &str =
    "SELECT u.id, u.name, u.phone, u.email, u.role, u.store_id, s.name AS store_name, u.active
    FROM users u LEFT JOIN stores s ON s.id = u.store_id";

fn person_from_row(r: &sqlx::any::AnyRow) -> Result<Person, DomainError> {
    let role: String = r.try_get("role").map_err(internal)?;
    Ok(Person {
        id: r.try_get("id").map_err(internal)?,
        name: r.try_get("name").map_err(internal)?,
        phone: r.try_get("phone").map_err(internal)?,
        email: r.try_get("email").map_err(internal)?,
        role: Role::parse("role", &role).map_err(|_| DomainError::Internal)?,
        store_id: r.try_get("store_id").map_err(internal)?,
        store_name: r.try_get("store_name").map_err(internal)?,
        active: r.try_get::<i64, _>("active").map_err(internal)? == 1,
    })
}

pub async fn list_people(db: &Db, actor: &Actor) -> Result<Vec<Person>, DomainError> {
    actor.require_marketer()?;
    let rows = sqlx::query(&format!("{PERSON_SELECT} ORDER BY u.role, u.name"))
        .fetch_all(&db.pool)
        .await
        .map_err(internal)?;
    rows.iter().map(person_from_row).collect()
}

pub async fn get_person(db: &Db, actor: &Actor, id: i64) -> Result<Person, DomainError> {
    if actor.user_id != Some(id) {
        actor.require_marketer()?;
    }
    let row = sqlx::query(&format!("{PERSON_SELECT} WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
    person_from_row(&row)
}

/// Who is signed in, for the page header and navigation.
pub async fn me(db: &Db, actor: &Actor) -> Result<Me, DomainError> {
    let id = actor
        .user_id
        .ok_or(DomainError::Refused(ErrorCode::Unauthorized))?;
    let p = get_person(db, actor, id).await?;
    Ok(Me {
        id: p.id,
        name: p.name,
        role: p.role,
        store_id: p.store_id,
        store_name: p.store_name,
    })
}

/// The invite link as an SVG QR code, ready to show on screen.
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(220, 220)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// Creates a person and their one-time invite link (valid for [`INVITE_DAYS`]).
pub async fn invite(
    db: &Db,
    actor: &Actor,
    input: &PersonInput,
    base_url: &str,
) -> Result<NewInvite, DomainError> {
    actor.require_marketer()?;
    let v = input.parse()?;
    let mut tx = db.begin().await?;
    let person_id = insert_person(&mut tx, &v).await?;
    let (secret, invite_id) = insert_invite(&mut tx, actor, person_id).await?;
    super::audit(
        &mut tx,
        actor,
        "invite",
        "person",
        Some(person_id),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    finish_invite(db, actor, invite_id, &secret, base_url).await
}

/// A fresh invite for an existing person (the old one lost or expired).
pub async fn reinvite(
    db: &Db,
    actor: &Actor,
    person_id: i64,
    base_url: &str,
) -> Result<NewInvite, DomainError> {
    actor.require_marketer()?;
    get_person(db, actor, person_id).await?;
    let mut tx = db.begin().await?;
    let (secret, invite_id) = insert_invite(&mut tx, actor, person_id).await?;
    super::audit(
        &mut tx,
        actor,
        "reinvite",
        "person",
        Some(person_id),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    finish_invite(db, actor, invite_id, &secret, base_url).await
}

async fn insert_invite(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
) -> Result<(String, i64), DomainError> {
    let secret = new_secret();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO invites (token_hash, user_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(hash_secret(&secret))
    .bind(person_id)
    .bind(actor.user_id)
    .bind(now())
    .bind(ts(Utc::now() + Duration::days(INVITE_DAYS)))
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?;
    Ok((secret, id))
}

async fn finish_invite(
    db: &Db,
    actor: &Actor,
    invite_id: i64,
    secret: &str,
    base_url: &str,
) -> Result<NewInvite, DomainError> {
    let invite = list_invites(db, actor)
        .await?
        .into_iter()
        .find(|i| i.id == invite_id)
        .ok_or(DomainError::Internal)?;
    let url = format!("{}/invite/{secret}", base_url.trim_end_matches('/'));
    Ok(NewInvite {
        qr_svg: qr_svg(&url),
        url,
        invite,
    })
}

const INVITE_SELECT: &str = "SELECT i.id, i.user_id, u.name, u.role, s.name AS store_name, i.expires_at, i.used_at, i.revoked_at
    FROM invites i JOIN users u ON u.id = i.user_id LEFT JOIN stores s ON s.id = u.store_id";

fn invite_from_row(r: &sqlx::any::AnyRow) -> Result<InviteInfo, DomainError> {
    let role: String = r.try_get("role").map_err(internal)?;
    let expires_at: String = r.try_get("expires_at").map_err(internal)?;
    let used: Option<String> = r.try_get("used_at").map_err(internal)?;
    let revoked: Option<String> = r.try_get("revoked_at").map_err(internal)?;
    let state = if revoked.is_some() {
        InviteState::Revoked
    } else if used.is_some() {
        InviteState::Used
    } else if parse_ts(&expires_at).is_none_or(|e| e < Utc::now()) {
        InviteState::Expired
    } else {
        InviteState::Pending
    };
    Ok(InviteInfo {
        id: r.try_get("id").map_err(internal)?,
        person_id: r.try_get("user_id").map_err(internal)?,
        person_name: r.try_get("name").map_err(internal)?,
        role: Role::parse("role", &role).map_err(|_| DomainError::Internal)?,
        store_name: r.try_get("store_name").map_err(internal)?,
        expires_at,
        state,
    })
}

pub async fn list_invites(db: &Db, actor: &Actor) -> Result<Vec<InviteInfo>, DomainError> {
    actor.require_marketer()?;
    let rows = sqlx::query(&format!("{INVITE_SELECT} ORDER BY i.id DESC LIMIT 200"))
        .fetch_all(&db.pool)
        .await
        .map_err(internal)?;
    rows.iter().map(invite_from_row).collect()
}

pub async fn revoke_invite(db: &Db, actor: &Actor, invite_id: i64) -> Result<(), DomainError> {
    actor.require_marketer()?;
    let mut tx = db.begin().await?;
    let r = sqlx::query("UPDATE invites SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND used_at IS NULL")
        .bind(now())
        .bind(invite_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    if r.rows_affected() == 0 {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    super::audit(
        &mut tx,
        actor,
        "revoke",
        "invite",
        Some(invite_id),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// What an invite link is for, without using it (the page shows "You are invited as …").
pub async fn invite_preview(
    db: &Db,
    secret: &str,
    client: &str,
) -> Result<InviteInfo, DomainError> {
    auth::rate_limit(db, &format!("invite:{client}"), 30, 15 * 60).await?;
    let row = sqlx::query(&format!("{INVITE_SELECT} WHERE i.token_hash = $1"))
        .bind(hash_secret(secret))
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?
        .ok_or(DomainError::Refused(ErrorCode::InviteInvalid))?;
    let info = invite_from_row(&row)?;
    match info.state {
        InviteState::Pending => Ok(info),
        InviteState::Used => Err(DomainError::Refused(ErrorCode::InviteUsed)),
        InviteState::Expired => Err(DomainError::Refused(ErrorCode::InviteExpired)),
        InviteState::Revoked => Err(DomainError::Refused(ErrorCode::InviteRevoked)),
    }
}

/// Uses an invite: exactly once, then signs the person in. Returns the session secret.
pub async fn accept_invite(
    db: &Db,
    secret: &str,
    client: &str,
    user_agent: Option<&str>,
) -> Result<String, DomainError> {
    let info = invite_preview(db, secret, client).await?;
    let mut tx = db.begin().await?;
    // The conditional update makes a second use fail even when two phones race.
    let r = sqlx::query("UPDATE invites SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND revoked_at IS NULL")
        .bind(now())
        .bind(hash_secret(secret))
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    if r.rows_affected() != 1 {
        return Err(DomainError::Refused(ErrorCode::InviteUsed));
    }
    let session = auth::create_session(&mut tx, info.person_id, user_agent).await?;
    let actor = Actor {
        user_id: Some(info.person_id),
        name: info.person_name.clone(),
        ..Actor::system()
    };
    super::audit(
        &mut tx,
        &actor,
        "accept",
        "invite",
        Some(info.id),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(session)
}

/// Live sessions: the marketer sees everyone's, others their own.
pub async fn list_sessions(db: &Db, actor: &Actor) -> Result<Vec<SessionInfo>, DomainError> {
    let only = if actor.role == Role::Marketer {
        -1
    } else {
        actor.user_id.unwrap_or(-2)
    };
    let rows = sqlx::query(
        "SELECT s.id, u.name, u.role, s.user_agent, s.created_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.ended_at IS NULL AND s.expires_at > $1 AND ($2 = -1 OR s.user_id = $2) ORDER BY s.id DESC LIMIT 500",
    )
    .bind(now())
    .bind(only)
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role").map_err(internal)?;
            let id: i64 = r.try_get("id").map_err(internal)?;
            Ok(SessionInfo {
                id,
                person_name: r.try_get("name").map_err(internal)?,
                role: Role::parse("role", &role).map_err(|_| DomainError::Internal)?,
                user_agent: r.try_get("user_agent").map_err(internal)?,
                created_at: r.try_get("created_at").map_err(internal)?,
                current: actor.session_id == Some(id),
            })
        })
        .collect()
}

pub async fn end_session(db: &Db, actor: &Actor, session_id: i64) -> Result<(), DomainError> {
    let mut tx = db.begin().await?;
    let only = if actor.role == Role::Marketer {
        -1
    } else {
        actor.user_id.unwrap_or(-2)
    };
    let r = sqlx::query("UPDATE sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL AND ($3 = -1 OR user_id = $3)")
        .bind(now())
        .bind(session_id)
        .bind(only)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    if r.rows_affected() == 0 {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    super::audit(
        &mut tx,
        actor,
        "end",
        "session",
        Some(session_id),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// Creates an API token; the secret is returned once and only its hash is kept.
pub async fn create_token(
    db: &Db,
    actor: &Actor,
    name: &str,
    role: Role,
    store_id: Option<i64>,
) -> Result<String, DomainError> {
    actor.require_marketer()?;
    let name = required_text("name", name, 100).map_err(|e| DomainError::Invalid(vec![e]))?;
    if role == Role::StoreStaff && store_id.is_none() {
        return Err(DomainError::field("store_id", ErrorCode::StoreRequired));
    }
    let secret = format!("sf_{}", new_secret());
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (token_hash, name, role, store_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(hash_secret(&secret))
    .bind(&name)
    .bind(role.as_str())
    .bind(store_id)
    .bind(now())
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    super::audit(
        &mut tx,
        actor,
        "create",
        "api_token",
        Some(id),
        serde_json::json!({"name": name, "role": role}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(secret)
}

pub async fn list_tokens(db: &Db, actor: &Actor) -> Result<Vec<ApiTokenInfo>, DomainError> {
    actor.require_marketer()?;
    let rows = sqlx::query(
        "SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY id DESC",
    )
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role").map_err(internal)?;
            Ok(ApiTokenInfo {
                id: r.try_get("id").map_err(internal)?,
                name: r.try_get("name").map_err(internal)?,
                role: Role::parse("role", &role).map_err(|_| DomainError::Internal)?,
                created_at: r.try_get("created_at").map_err(internal)?,
                revoked: r
                    .try_get::<Option<String>, _>("revoked_at")
                    .map_err(internal)?
                    .is_some(),
            })
        })
        .collect()
}

pub async fn revoke_token(db: &Db, actor: &Actor, id: i64) -> Result<(), DomainError> {
    actor.require_marketer()?;
    let mut tx = db.begin().await?;
    let r =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    if r.rows_affected() == 0 {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    super::audit(
        &mut tx,
        actor,
        "revoke",
        "api_token",
        Some(id),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}
