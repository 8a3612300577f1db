//! People, invites, sessions and API tokens.
//!
//! The marketer invites each person with a one-time link (shown as a QR code); opening it on a
//! phone signs the person in with a long-lived session tied to their role and store.

use chrono::Duration;

use crate::auth::{self, Actor, INVITE_DAYS, hash_secret, new_secret};
use crate::db::{self, Db, people::NewPerson};
use crate::error::{Check, DomainError, ErrorCode};
use crate::ids::{StoreId, UserId};
use crate::model::{
    ApiTokenInfo, InviteInfo, InviteState, Me, NewInvite, Person, PersonInput, SessionInfo,
};
use crate::policy::Op;
use crate::types::{Email, Phone, Role, required_text};

struct ValidPerson {
    name: String,
    phone: Option<String>,
    email: Option<String>,
    role: Role,
    store_id: Option<StoreId>,
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
                    self.store_id.map(StoreId)
                } else {
                    None
                },
            }),
            _ => Err(DomainError::Internal),
        }
    }
}

async fn insert_person(w: &mut db::Write<'_>, v: &ValidPerson) -> Result<UserId, DomainError> {
    if let Some(store) = v.store_id
        && db::partners::store(&mut *w.tx, store).await?.is_none()
    {
        return Err(DomainError::field("store_id", ErrorCode::InvalidChoice));
    }
    let at = w.at;
    db::people::insert_person(
        &mut *w.tx,
        &NewPerson {
            name: &v.name,
            phone: v.phone.as_deref(),
            email: v.email.as_deref(),
            role: v.role,
            store_id: v.store_id,
            password_hash: None,
        },
        at,
    )
    .await
}

/// Adds a person without an invite (e.g. from the shell or the API).
pub async fn create_person(
    db: &Db,
    actor: &Actor,
    input: &PersonInput,
) -> Result<Person, DomainError> {
    actor.may(Op::ManagePeople)?;
    let v = input.parse()?;
    let mut w = db.write(actor).await?;
    let id = insert_person(&mut w, &v).await?;
    w.audit(
        "create",
        "person",
        Some(id.get()),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    get_person(db, actor, id).await
}

/// Sets a person's password (so a marketer can sign in by e-mail). Used by `sarafan user`.
pub async fn set_password(
    db: &Db,
    actor: &Actor,
    person_id: UserId,
    password: &str,
) -> Result<(), DomainError> {
    actor.may(Op::ManagePeople)?;
    auth::check_password_strength(password)?;
    let hash = auth::hash_password(password)?;
    let mut w = db.write(actor).await?;
    if !db::people::set_password(&mut *w.tx, person_id, &hash).await? {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    w.audit(
        "set_password",
        "person",
        Some(person_id.get()),
        serde_json::json!({}),
    )
    .await?;
    w.commit().await
}

pub async fn list_people(db: &Db, actor: &Actor) -> Result<Vec<Person>, DomainError> {
    actor.may(Op::ManagePeople)?;
    db::people::list_people(&db.pool).await
}

/// A person: the marketer sees anyone, everyone else only themself.
pub async fn get_person(db: &Db, actor: &Actor, id: UserId) -> Result<Person, DomainError> {
    if actor.user_id != Some(id) {
        actor.may(Op::ManagePeople)?;
    }
    db::people::person(&db.pool, id)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))
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

/// Deactivates a person who left (their sessions end at once, open invites are revoked) or
/// brings them back. Nobody deactivates themself (the clinic would lose its marketer).
pub async fn set_active(
    db: &Db,
    actor: &Actor,
    person_id: UserId,
    active: bool,
) -> Result<Person, DomainError> {
    actor.may(Op::ManagePeople)?;
    if !active && actor.user_id == Some(person_id) {
        return Err(DomainError::Refused(ErrorCode::Forbidden));
    }
    let mut w = db.write(actor).await?;
    let at = w.at;
    if !db::people::set_active(&mut *w.tx, person_id, active).await? {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    if !active {
        db::people::end_sessions_of(&mut *w.tx, person_id, at).await?;
        db::people::revoke_open_invites(&mut *w.tx, person_id, at).await?;
    }
    w.audit(
        if active { "activate" } else { "deactivate" },
        "person",
        Some(person_id.get()),
        serde_json::json!({}),
    )
    .await?;
    w.commit().await?;
    get_person(db, actor, person_id).await
}

/// A link as an SVG QR code, ready to show on screen.
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
    actor.may(Op::ManagePeople)?;
    let v = input.parse()?;
    let mut w = db.write(actor).await?;
    let person_id = insert_person(&mut w, &v).await?;
    let (secret, invite_id) = insert_invite(&mut w, person_id).await?;
    w.audit(
        "invite",
        "person",
        Some(person_id.get()),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    finish_invite(db, invite_id, &secret, base_url).await
}

/// A fresh invite for an existing person (the old one lost or expired).
pub async fn reinvite(
    db: &Db,
    actor: &Actor,
    person_id: UserId,
    base_url: &str,
) -> Result<NewInvite, DomainError> {
    actor.may(Op::ManagePeople)?;
    let person = get_person(db, actor, person_id).await?;
    if !person.active {
        return Err(DomainError::Refused(ErrorCode::Forbidden));
    }
    let mut w = db.write(actor).await?;
    // The new link replaces any older one still lying around.
    let at = w.at;
    db::people::revoke_open_invites(&mut *w.tx, person_id, at).await?;
    let (secret, invite_id) = insert_invite(&mut w, person_id).await?;
    w.audit(
        "reinvite",
        "person",
        Some(person_id.get()),
        serde_json::json!({}),
    )
    .await?;
    w.commit().await?;
    finish_invite(db, invite_id, &secret, base_url).await
}

async fn insert_invite(
    w: &mut db::Write<'_>,
    person_id: UserId,
) -> Result<(String, i64), DomainError> {
    let secret = new_secret();
    let (at, by) = (w.at, w.actor.user_id);
    let id = db::people::insert_invite(
        &mut *w.tx,
        &hash_secret(&secret),
        person_id,
        by,
        at,
        at + Duration::days(INVITE_DAYS),
    )
    .await?;
    Ok((secret, id))
}

async fn finish_invite(
    db: &Db,
    invite_id: i64,
    secret: &str,
    base_url: &str,
) -> Result<NewInvite, DomainError> {
    let invite = db::people::invite(&db.pool, invite_id, db.now())
        .await?
        .ok_or(DomainError::Internal)?;
    let url = format!("{}/invite/{secret}", base_url.trim_end_matches('/'));
    Ok(NewInvite {
        qr_svg: qr_svg(&url),
        url,
        invite,
    })
}

pub async fn list_invites(db: &Db, actor: &Actor) -> Result<Vec<InviteInfo>, DomainError> {
    actor.may(Op::ManagePeople)?;
    db::people::invites(&db.pool, db.now()).await
}

pub async fn revoke_invite(db: &Db, actor: &Actor, invite_id: i64) -> Result<(), DomainError> {
    actor.may(Op::ManagePeople)?;
    let mut w = db.write(actor).await?;
    let at = w.at;
    if !db::people::revoke_invite(&mut *w.tx, invite_id, at).await? {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    w.audit("revoke", "invite", Some(invite_id), serde_json::json!({}))
        .await?;
    w.commit().await
}

/// What an invite link is for, without using it (the page shows "You are invited as …").
pub async fn invite_preview(
    db: &Db,
    secret: &str,
    client: &str,
) -> Result<InviteInfo, DomainError> {
    auth::rate_limit(db, &format!("invite:{client}"), 30, 15 * 60).await?;
    let info = db::people::invite_by_hash(&db.pool, &hash_secret(secret), db.now())
        .await?
        .ok_or(DomainError::Refused(ErrorCode::InviteInvalid))?;
    match info.state {
        InviteState::Pending => Ok(info),
        InviteState::Used => Err(DomainError::Refused(ErrorCode::InviteUsed)),
        InviteState::Expired => Err(DomainError::Refused(ErrorCode::InviteExpired)),
        InviteState::Revoked => Err(DomainError::Refused(ErrorCode::InviteRevoked)),
    }
}

/// Uses an invite: exactly once, then signs the person in.
pub async fn accept_invite(
    db: &Db,
    secret: &str,
    client: &str,
    user_agent: Option<&str>,
) -> Result<auth::SignedIn, DomainError> {
    let info = invite_preview(db, secret, client).await?;
    let person = UserId(info.person_id);
    let me = Actor {
        user_id: Some(person),
        name: info.person_name.clone(),
        role: info.role,
        ..Actor::system()
    };
    let mut w = db.write(&me).await?;
    let at = w.at;
    // The conditional update makes a second use fail even when two phones race.
    if !db::people::use_invite(&mut *w.tx, &hash_secret(secret), at).await? {
        return Err(DomainError::Refused(ErrorCode::InviteUsed));
    }
    let session = auth::create_session(&mut w, person, info.role, user_agent).await?;
    w.audit("accept", "invite", Some(info.id), serde_json::json!({}))
        .await?;
    w.commit().await?;
    Ok(auth::SignedIn {
        secret: session,
        role: info.role,
    })
}

/// Whose sessions an actor may see and end: the marketer everyone's, others their own.
fn sessions_of(actor: &Actor) -> Option<UserId> {
    if actor.can(Op::ManagePeople) {
        None
    } else {
        Some(actor.user_id.unwrap_or(UserId(-2)))
    }
}

/// Live sessions: the marketer sees everyone's, others their own.
pub async fn list_sessions(db: &Db, actor: &Actor) -> Result<Vec<SessionInfo>, DomainError> {
    actor.may(Op::OwnSessions)?;
    let rows = db::people::live_sessions(&db.pool, sessions_of(actor), db.now()).await?;
    rows.into_iter()
        .map(|r| {
            Ok(SessionInfo {
                id: r.id,
                person_name: r.name,
                role: Role::parse("role", &r.role).map_err(|_| DomainError::Internal)?,
                user_agent: r.user_agent,
                created_at: r.created_at,
                current: actor.session_id == Some(r.id),
            })
        })
        .collect()
}

pub async fn end_session(db: &Db, actor: &Actor, session_id: i64) -> Result<(), DomainError> {
    actor.may(Op::OwnSessions)?;
    let mut w = db.write(actor).await?;
    let at = w.at;
    if !db::people::end_session(&mut *w.tx, session_id, sessions_of(actor), at).await? {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    w.audit("end", "session", Some(session_id), serde_json::json!({}))
        .await?;
    w.commit().await
}

/// The longest an API token may be made to last.
pub const MAX_TOKEN_DAYS: i64 = 3650;

/// Creates an API token (valid for `valid_days`, or until revoked); the secret is returned once
/// and only its hash is kept.
pub async fn create_token(
    db: &Db,
    actor: &Actor,
    name: &str,
    role: Role,
    store_id: Option<StoreId>,
    valid_days: Option<i64>,
) -> Result<String, DomainError> {
    actor.may(Op::ManageApiTokens)?;
    let name = required_text("name", name, 100).map_err(|e| DomainError::Invalid(vec![e]))?;
    if role == Role::StoreStaff && store_id.is_none() {
        return Err(DomainError::field("store_id", ErrorCode::StoreRequired));
    }
    if valid_days.is_some_and(|d| !(1..=MAX_TOKEN_DAYS).contains(&d)) {
        return Err(DomainError::field("valid_days", ErrorCode::CountOutOfRange));
    }
    let secret = format!("sf_{}", new_secret());
    let mut w = db.write(actor).await?;
    let at = w.at;
    let expires = valid_days.map(|d| at + Duration::days(d));
    let id = db::people::insert_token(
        &mut *w.tx,
        &hash_secret(&secret),
        &name,
        role,
        store_id,
        at,
        expires,
    )
    .await?;
    w.audit(
        "create",
        "api_token",
        Some(id),
        serde_json::json!({"name": name, "role": role}),
    )
    .await?;
    w.commit().await?;
    Ok(secret)
}

pub async fn list_tokens(db: &Db, actor: &Actor) -> Result<Vec<ApiTokenInfo>, DomainError> {
    actor.may(Op::ManageApiTokens)?;
    db::people::tokens(&db.pool).await
}

pub async fn revoke_token(db: &Db, actor: &Actor, id: i64) -> Result<(), DomainError> {
    actor.may(Op::ManageApiTokens)?;
    let mut w = db.write(actor).await?;
    let at = w.at;
    if !db::people::revoke_token(&mut *w.tx, id, at).await? {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    w.audit("revoke", "api_token", Some(id), serde_json::json!({}))
        .await?;
    w.commit().await
}
