//! Participants' personal data, as 152-FZ asks: the marketer finds a person (by name, phone or
//! certificate code), shows or hands over everything kept about them, records a withdrawal of
//! consent (no message is sent after it), and erases the person on request — keeping the counts
//! and money of the reports, without the person.

use crate::auth::Actor;
use crate::code::Code;
use crate::db::{self, Db, participants::Search};
use crate::error::{DomainError, ErrorCode};
use crate::model::{ParticipantRecord, ParticipantSummary};
use crate::policy::Op;
use crate::types::Phone;

/// The most participants one search lists.
pub const MAX_FOUND: i64 = 50;

/// Finds participants by phone (any usual way of writing it), certificate code, or a part of
/// the name; an empty query lists the latest.
pub async fn search(
    db: &Db,
    actor: &Actor,
    query: &str,
) -> Result<Vec<ParticipantSummary>, DomainError> {
    actor.may(Op::ManageParticipants)?;
    let q = query.trim();
    if q.chars().count() > 200 {
        return Err(DomainError::field("query", ErrorCode::TooLong));
    }
    let phone = Phone::parse("query", q).ok();
    let code = Code::parse(q).ok();
    let name = q.to_lowercase();
    let by = match (&phone, &code) {
        _ if q.is_empty() => Search::Latest,
        (Some(p), _) => Search::Phone(p.as_str()),
        (None, Some(c)) => Search::Code(c),
        _ => Search::Name(&name),
    };
    db::participants::search(&db.pool, by, MAX_FOUND).await
}

/// Everything Sarafan keeps about one participant.
pub async fn record(db: &Db, actor: &Actor, id: i64) -> Result<ParticipantRecord, DomainError> {
    actor.may(Op::ManageParticipants)?;
    let mut conn = db.pool.acquire().await.map_err(db::internal)?;
    db::participants::record(&mut conn, id)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))
}

/// The record handed over to the person who asked for it; the hand-over is logged.
pub async fn export(db: &Db, actor: &Actor, id: i64) -> Result<ParticipantRecord, DomainError> {
    let r = record(db, actor, id).await?;
    let mut w = db.write(actor).await?;
    w.audit("export", "participant", Some(id), serde_json::json!({}))
        .await?;
    w.commit().await?;
    Ok(r)
}

/// The participant withdrew consent: recorded with its date; no message is sent after it.
pub async fn withdraw_consent(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<ParticipantRecord, DomainError> {
    actor.may(Op::ManageParticipants)?;
    let mut w = db.write(actor).await?;
    let at = w.at;
    if !db::participants::withdraw_consent(&mut *w.tx, id, at).await? {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    // Messages still waiting for them are never sent.
    db::messages::drop_without_consent(&mut *w.tx, at).await?;
    w.audit(
        "withdraw_consent",
        "participant",
        Some(id),
        serde_json::json!({}),
    )
    .await?;
    w.commit().await?;
    record(db, actor, id).await
}

/// Erases a participant's personal data on request (consent withdrawn at the same time).
pub async fn anonymise(db: &Db, actor: &Actor, id: i64) -> Result<ParticipantRecord, DomainError> {
    actor.may(Op::ManageParticipants)?;
    let mut w = db.write(actor).await?;
    let at = w.at;
    if !db::participants::anonymise(&mut w.tx, id, at).await? {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    db::messages::drop_without_consent(&mut *w.tx, at).await?;
    db::messages::forget_patient(&mut *w.tx, id).await?;
    w.audit("anonymise", "participant", Some(id), serde_json::json!({}))
        .await?;
    w.commit().await?;
    record(db, actor, id).await
}
