//! Participants as the marketer looks them up: search, everything kept about one person,
//! consent withdrawal and erasure on request.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use sqlx::any::AnyExecutor;

use super::{internal, stored_date, ts};
use crate::code::Code;
use crate::error::DomainError;
use crate::model::{
    ParticipantContact, ParticipantHandout, ParticipantRecord, ParticipantSummary, ParticipantVisit,
};
use crate::types::Money;

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    name: String,
    phone: String,
    email: Option<String>,
    handouts: i64,
    visits: i64,
    consent_withdrawn_at: Option<String>,
    anonymised_at: Option<String>,
}

const SUMMARY_SELECT: &str = "SELECT p.id, p.name, p.phone, p.email,
        (SELECT COUNT(*) FROM handouts h WHERE h.patient_id = p.id) AS handouts,
        (SELECT COUNT(*) FROM visits v WHERE v.patient_id = p.id) AS visits,
        p.consent_withdrawn_at, p.anonymised_at
    FROM patients p";

/// How a participant is looked for.
pub enum Search<'a> {
    Phone(&'a str),
    Code(&'a Code),
    /// A lower-cased part of the name.
    Name(&'a str),
    /// The latest participants.
    Latest,
}

pub async fn search<'c>(
    e: impl AnyExecutor<'c>,
    by: Search<'_>,
    limit: i64,
) -> Result<Vec<ParticipantSummary>, DomainError> {
    let (cond, arg) = match by {
        Search::Phone(p) => ("p.phone = $1", p.to_owned()),
        Search::Code(c) => (
            "p.id IN (SELECT h.patient_id FROM handouts h JOIN certificates c ON c.id = h.certificate_id WHERE c.code = $1
                      UNION SELECT r.patient_id FROM redemptions r JOIN certificates c ON c.id = r.certificate_id WHERE c.code = $1)",
            c.as_str().to_owned(),
        ),
        Search::Name(n) => ("p.name_key LIKE $1", format!("%{n}%")),
        Search::Latest => ("$1 = ''", String::new()),
    };
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "{SUMMARY_SELECT} WHERE {cond} ORDER BY p.id DESC LIMIT $2"
    ))
    .bind(arg)
    .bind(limit)
    .fetch_all(e)
    .await
    .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|r| ParticipantSummary {
            id: r.id,
            phone: if r.anonymised_at.is_some() {
                String::new()
            } else {
                r.phone
            },
            name: r.name,
            email: r.email,
            handouts: r.handouts,
            visits: r.visits,
            consent_withdrawn_at: r.consent_withdrawn_at,
            anonymised_at: r.anonymised_at,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: i64,
    name: String,
    phone: String,
    email: Option<String>,
    birthday: Option<String>,
    created_at: String,
    consent_withdrawn_at: Option<String>,
    anonymised_at: Option<String>,
}

#[derive(sqlx::FromRow)]
struct HandoutRow {
    campaign_name: String,
    store_name: String,
    employee_name: Option<String>,
    code: String,
    state: String,
    source: String,
    happened_at: String,
    participant_name: Option<String>,
    participant_email: Option<String>,
    heard_from: Option<String>,
    consent_version: String,
    consent_at: String,
    confirmed: i64,
}

#[derive(sqlx::FromRow)]
struct ContactRow {
    campaign_name: String,
    store_name: String,
    form_serial: Option<i64>,
    participant_name: Option<String>,
    participant_email: Option<String>,
    heard_from: Option<String>,
    consent_version: String,
    consent_at: String,
    recorded_by_name: String,
    recorded_at: String,
    import_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct VisitRow {
    visited_on: String,
    amount_kopecks: i64,
    services: String,
    doctor: Option<String>,
    store_name: Option<String>,
}

/// Everything kept about one participant.
pub async fn record(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<ParticipantRecord>, DomainError> {
    let person: Option<PersonRow> = sqlx::query_as(
        "SELECT id, name, phone, email, birthday, created_at, consent_withdrawn_at, anonymised_at FROM patients WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(internal)?;
    let Some(p) = person else { return Ok(None) };
    let handouts: Vec<HandoutRow> = sqlx::query_as(
        "SELECT k.name AS campaign_name, s.name AS store_name, u.name AS employee_name, c.code, c.state,
                h.source, h.happened_at, h.participant_name, h.participant_email, h.heard_from,
                h.consent_version, h.consent_at, h.confirmed
         FROM handouts h JOIN certificates c ON c.id = h.certificate_id JOIN campaigns k ON k.id = h.campaign_id
         JOIN stores s ON s.id = h.store_id LEFT JOIN users u ON u.id = h.employee_id
         WHERE h.patient_id = $1 ORDER BY h.happened_at, h.id LIMIT 1000",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let contacts: Vec<ContactRow> = sqlx::query_as(
        "SELECT k.name AS campaign_name, s.name AS store_name, f.form_serial, f.participant_name,
                f.participant_email, f.heard_from, f.consent_version, f.consent_at, f.recorded_by_name,
                f.recorded_at, f.import_id
         FROM form_contacts f JOIN campaigns k ON k.id = f.campaign_id JOIN stores s ON s.id = f.store_id
         WHERE f.patient_id = $1 ORDER BY f.consent_at, f.id LIMIT 1000",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    let visits: Vec<VisitRow> = sqlx::query_as(
        "SELECT v.visited_on, v.amount_kopecks, v.services, v.doctor, s.name AS store_name
         FROM visits v LEFT JOIN stores s ON s.id = v.store_id
         WHERE v.patient_id = $1 ORDER BY v.visited_on, v.id LIMIT 1000",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .map_err(internal)?;
    Ok(Some(ParticipantRecord {
        id: p.id,
        phone: if p.anonymised_at.is_some() {
            String::new()
        } else {
            p.phone
        },
        name: p.name,
        email: p.email,
        birthday: p.birthday,
        created_at: p.created_at,
        consent_withdrawn_at: p.consent_withdrawn_at,
        anonymised_at: p.anonymised_at,
        handouts: handouts
            .into_iter()
            .map(|h| {
                Ok(ParticipantHandout {
                    campaign_name: h.campaign_name,
                    store_name: h.store_name,
                    employee_name: h.employee_name,
                    code: Code::parse(&h.code).map(|c| c.display()).unwrap_or(h.code),
                    certificate_state: super::certificates::state(&h.state)?,
                    source: h.source,
                    happened_at: h.happened_at,
                    typed_name: h.participant_name,
                    typed_email: h.participant_email,
                    heard_from: h.heard_from,
                    consent_version: h.consent_version,
                    consent_at: h.consent_at,
                    phone_confirmed: h.confirmed != 0,
                })
            })
            .collect::<Result<_, DomainError>>()?,
        visits: visits
            .into_iter()
            .map(|v| {
                Ok(ParticipantVisit {
                    visited_on: stored_date(&v.visited_on)?,
                    amount: Money(v.amount_kopecks),
                    services: v
                        .services
                        .split('\n')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    doctor: v.doctor,
                    store_name: v.store_name,
                })
            })
            .collect::<Result<_, DomainError>>()?,
        form_contacts: contacts
            .into_iter()
            .map(|c| ParticipantContact {
                campaign_name: c.campaign_name,
                store_name: c.store_name,
                form_serial: c.form_serial,
                typed_name: c.participant_name,
                typed_email: c.participant_email,
                heard_from: c.heard_from,
                consent_version: c.consent_version,
                consent_at: c.consent_at,
                recorded_by: c.recorded_by_name,
                recorded_at: c.recorded_at,
                import_id: c.import_id,
            })
            .collect(),
    }))
}

/// Records that a participant withdrew consent (the first time counts).
pub async fn withdraw_consent<'c>(
    e: impl AnyExecutor<'c>,
    id: i64,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let n = sqlx::query(
        "UPDATE patients SET consent_withdrawn_at = COALESCE(consent_withdrawn_at, $1), updated_at = $1 WHERE id = $2",
    )
    .bind(ts(at))
    .bind(id)
    .execute(e)
    .await
    .map_err(internal)?
    .rows_affected();
    Ok(n == 1)
}

/// Erases a participant's personal data: the name, phone, e-mail and birthday, the spellings
/// typed at each hand-out and "how they heard of us", and refused uploads carrying their phone.
/// Hand-outs, redemptions, visits and money stay (the reports keep their counts), no longer tied
/// to anyone identifiable.
pub async fn anonymise(
    conn: &mut AnyConnection,
    id: i64,
    at: DateTime<Utc>,
) -> Result<bool, DomainError> {
    let phone: Option<String> =
        sqlx::query_scalar("SELECT phone FROM patients WHERE id = $1 AND anonymised_at IS NULL")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(internal)?;
    let Some(phone) = phone else { return Ok(false) };
    let at = ts(at);
    sqlx::query(
        "UPDATE patients SET name = $1, name_key = $2, phone = $3, email = NULL, birthday = NULL,
            anonymised_at = $4, consent_withdrawn_at = COALESCE(consent_withdrawn_at, $4), updated_at = $4
         WHERE id = $5",
    )
    .bind("—")
    .bind("")
    // The phone column is unique and required: a placeholder no real number can equal.
    .bind(format!("erased:{id}"))
    .bind(&at)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    sqlx::query(
        "UPDATE handouts SET participant_name = NULL, participant_email = NULL, heard_from = NULL WHERE patient_id = $1",
    )
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    sqlx::query(
        "UPDATE form_contacts SET participant_name = NULL, participant_email = NULL, heard_from = NULL WHERE patient_id = $1",
    )
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
    // Spreadsheets of paper forms waiting for confirmation that carry this phone go.
    for (import, cells) in super::imports::waiting_cells(&mut *conn).await? {
        let rows: Vec<(i64, Vec<String>)> = serde_json::from_str(&cells).unwrap_or_default();
        let carries = rows.iter().any(|(_, r)| {
            r.iter()
                .any(|c| crate::types::Phone::parse("phone", c).is_ok_and(|p| p.as_str() == phone))
        });
        if carries {
            super::imports::delete_waiting(&mut *conn, import).await?;
        }
    }
    sqlx::query("UPDATE visits SET note = NULL WHERE patient_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(internal)?;
    // Refused offline uploads keep what was typed, however it was typed; those with this
    // phone go.
    let kept: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, payload FROM handout_conflicts LIMIT 100000")
            .fetch_all(&mut *conn)
            .await
            .map_err(internal)?;
    for (conflict, payload) in kept {
        let typed = serde_json::from_str::<crate::checkin::HandoutInput>(&payload)
            .ok()
            .and_then(|i| crate::types::Phone::parse("phone", &i.phone).ok());
        if typed.is_some_and(|p| p.as_str() == phone) {
            sqlx::query("DELETE FROM handout_conflicts WHERE id = $1")
                .bind(conflict)
                .execute(&mut *conn)
                .await
                .map_err(internal)?;
        }
    }
    Ok(true)
}
