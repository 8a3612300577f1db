//! A campaign's data for Excel (issue #14): participants, hand-outs, redemptions and visits, one
//! row each, with the columns `crate::exports` lists, written as XLSX or CSV by `crate::export`.
//! The marketer's alone ([`Op::ExportData`]); every export is recorded in the audit log, as a
//! participant's own export is, because the participants' file carries full phones.
//!
//! Times are the clinic's wall clock, money is kopecks written as roubles. A file holds at most
//! [`MAX_ROWS`] rows, oldest first; a campaign with more gets a note under the rows.
//! Participants whose data was erased stay, without the person (the name says "data erased",
//! no phone), so their certificates, visits and revenue still add up to the final report.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use crate::auth::Actor;
use crate::code::Code;
use crate::db::{self, Db, exports as rows};
use crate::error::DomainError;
use crate::export::{self, Cell, Table};
use crate::exports::{ExportFormat, ExportKind, MAX_ROWS};
use crate::ids::CampaignId;
use crate::model::Campaign;
use crate::policy::Op;
use crate::results::within_window;
use crate::{Lang, Msg};

/// A file to hand over.
#[derive(Clone, Debug)]
pub struct Download {
    /// ASCII, for every client: `participants-12.xlsx`.
    pub file_name: String,
    /// In the reader's language: `Участники — Зима.xlsx`.
    pub local_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// One of the campaign's exports as a file, recorded in the audit log.
pub async fn download(
    db: &Db,
    actor: &Actor,
    campaign_id: CampaignId,
    kind: ExportKind,
    format: ExportFormat,
    lang: Lang,
) -> Result<Download, DomainError> {
    actor.may(Op::ExportData)?;
    let c = super::campaign(db, campaign_id).await?;
    let table = table(db, &c, kind).await?;
    let rows = table.rows.len();
    // Writing 200 000 rows takes a second or two of CPU: off the async workers.
    let bytes = tokio::task::spawn_blocking(move || match format {
        ExportFormat::Xlsx => export::table_xlsx(&table, lang),
        ExportFormat::Csv => Ok(export::table_csv(&table, lang)),
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "export");
        DomainError::Internal
    })??;
    let mut w = db.write(actor).await?;
    w.audit(
        "export",
        "campaign",
        Some(c.id),
        serde_json::json!({"data": kind.slug(), "format": format.slug(), "rows": rows}),
    )
    .await?;
    w.commit().await?;
    Ok(Download {
        file_name: format!("{}-{}.{}", kind.slug(), c.id, format.slug()),
        local_name: format!(
            "{} — {}.{}",
            kind.title().text(lang),
            file_safe(&c.name),
            format.slug()
        ),
        content_type: format.content_type(),
        bytes,
    })
}

/// A campaign's name as part of a file name: no path separators or characters Windows refuses,
/// at most 80 characters.
fn file_safe(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|ch| {
            if ch.is_control() || "/\\:*?\"<>|".contains(ch) {
                '_'
            } else {
                ch
            }
        })
        .take(80)
        .collect();
    safe.trim().to_owned()
}

/// The table of one export (no policy check: the caller checks).
async fn table(db: &Db, c: &Campaign, kind: ExportKind) -> Result<Table, DomainError> {
    let id = CampaignId(c.id);
    // One row more than a file holds tells whether it was cut.
    let limit = MAX_ROWS as i64 + 1;
    let at = Clinic { db, c };
    let rows = match kind {
        ExportKind::Participants => {
            // Every record of every participant is needed to count them: the results' bound.
            let all = db::results::MAX_ROWS;
            participants(
                &at,
                rows::handouts(&db.pool, id, all).await?,
                rows::contacts(&db.pool, id, all).await?,
                rows::redemptions(&db.pool, id, all).await?,
                rows::visits(&db.pool, id, all).await?,
            )?
        }
        ExportKind::Handouts => rows::handouts(&db.pool, id, limit)
            .await?
            .into_iter()
            .map(|h| at.handout(h))
            .collect::<Result<_, _>>()?,
        ExportKind::Redemptions => rows::redemptions(&db.pool, id, limit)
            .await?
            .into_iter()
            .map(|r| at.redemption(r))
            .collect::<Result<_, _>>()?,
        ExportKind::Visits => rows::visits(&db.pool, id, limit)
            .await?
            .into_iter()
            .map(|v| at.visit(v))
            .collect::<Result<_, _>>()?,
    };
    Ok(capped(kind, rows))
}

/// The first [`MAX_ROWS`] rows, with a note when there were more.
fn capped(kind: ExportKind, mut rows: Vec<Vec<Cell>>) -> Table {
    let cut = rows.len() > MAX_ROWS;
    rows.truncate(MAX_ROWS);
    Table {
        name: kind.title(),
        columns: kind.columns(),
        rows,
        note: cut.then_some(Msg::ExportRowsCut),
    }
}

/// The campaign and the clinic's clock the rows are read with.
struct Clinic<'a> {
    db: &'a Db,
    c: &'a Campaign,
}

impl Clinic<'_> {
    /// A stored moment on the clinic's wall clock.
    fn local(&self, stamp: &str) -> Result<NaiveDateTime, DomainError> {
        Ok(self.db.clock.local(db::stored_ts(stamp)?).naive_local())
    }

    fn day(&self, stamp: &str) -> Result<NaiveDate, DomainError> {
        Ok(self.local(stamp)?.date())
    }

    fn handout(&self, h: rows::HandoutRow) -> Result<Vec<Cell>, DomainError> {
        let status = match h.state.as_str() {
            "redeemed" => Msg::CertRedeemed,
            "voided" => Msg::CertVoided,
            _ if h.undone > 0 => Msg::CertUndone,
            _ => Msg::CertNotRedeemed,
        };
        let consent = if h.person.consent_withdrawn_at.is_some() {
            Msg::ConsentWithdrawnShort
        } else {
            Msg::ConsentStands
        };
        let phone = match (&h.person.anonymised_at, &h.person.phone) {
            (None, Some(p)) => Cell::Text(crate::format::masked_phone(p)),
            _ => Cell::Empty,
        };
        Ok(vec![
            Cell::Int(h.serial),
            Cell::Text(code(h.code)),
            Cell::DateTime(self.local(&h.happened_at)?),
            Cell::Text(h.store_name),
            Cell::Text(h.partner_name),
            Cell::text(h.employee_name),
            Cell::Label(source(&h.source)),
            person_name(&h.person),
            phone,
            Cell::Label(consent),
            Cell::Label(status),
        ])
    }

    fn redemption(&self, r: rows::RedemptionRow) -> Result<Vec<Cell>, DomainError> {
        let undone_at = r.undone_at.as_deref().map(|t| self.local(t)).transpose()?;
        Ok(vec![
            Cell::Int(r.serial),
            Cell::Text(code(r.code)),
            Cell::DateTime(self.local(&r.redeemed_at)?),
            Cell::text(r.store_name),
            Cell::text(r.employee_name),
            // The discount was given only while the redemption stands.
            match undone_at {
                None => Cell::Money(self.c.face_value.kopecks()),
                Some(_) => Cell::Empty,
            },
            Cell::Text(r.redeemed_by_name),
            undone_at.map_or(Cell::Empty, Cell::DateTime),
            Cell::text(r.undo_reason),
        ])
    }

    /// Is the visit the campaign's, and how many days after its redemption did it happen?
    fn window(&self, visited_on: NaiveDate, redeemed_at: &str) -> Result<(bool, i64), DomainError> {
        let redeemed_on = self.day(redeemed_at)?;
        Ok((
            within_window(visited_on, redeemed_on, self.c.attribution_days),
            (visited_on - redeemed_on).num_days(),
        ))
    }

    fn visit(&self, v: rows::VisitRow) -> Result<Vec<Cell>, DomainError> {
        let on = db::stored_date(&v.visited_on)?;
        let (inside, days) = self.window(on, &v.redeemed_at)?;
        let services: Vec<&str> = v.services.lines().filter(|s| !s.is_empty()).collect();
        Ok(vec![
            Cell::Date(on),
            Cell::Int(v.serial),
            Cell::Text(code(v.code)),
            Cell::text(v.store_name),
            Cell::text(v.employee_name),
            Cell::Money(v.amount_kopecks),
            Cell::text((!services.is_empty()).then(|| services.join(", "))),
            Cell::text(v.doctor),
            Cell::Label(if inside { Msg::Yes } else { Msg::No }),
            Cell::Label(if v.is_first != 0 {
                Msg::VisitFirst
            } else {
                Msg::VisitLater
            }),
            Cell::Int(days),
        ])
    }
}

/// A certificate code as printed: `K7QD-M2XF-R9A`.
fn code(stored: String) -> String {
    Code::parse(&stored).map(|c| c.display()).unwrap_or(stored)
}

fn source(stored: &str) -> Msg {
    match stored {
        "paper_form" => Msg::FromPaperForm,
        "self" => Msg::SourceSelf,
        _ => Msg::SourceStaff,
    }
}

/// The participant's name, or "data erased".
fn person_name(p: &rows::Person) -> Cell {
    match (&p.anonymised_at, &p.patient_name) {
        (None, Some(n)) => Cell::Text(n.clone()),
        (None, None) => Cell::Empty,
        (Some(_), _) => Cell::Label(Msg::Anonymised),
    }
}

/// One participant of the campaign, gathered from their records.
struct Participant {
    /// Their first record's moment (the row order).
    since: NaiveDateTime,
    name: Cell,
    phone: Cell,
    withdrawn: bool,
    source: Msg,
    /// The first consent recorded in the campaign: when, which text.
    consent: Option<(NaiveDateTime, String)>,
    store: Option<String>,
    partner: Option<String>,
    employee: Option<String>,
    certificates: i64,
    redeemed: i64,
    visits: i64,
    revenue: i64,
}

impl Participant {
    fn new(at: NaiveDateTime, p: &rows::Person, source: Msg) -> Participant {
        Participant {
            since: at,
            name: person_name(p),
            phone: match (&p.anonymised_at, &p.phone) {
                (None, Some(phone)) => Cell::Text(phone.clone()),
                _ => Cell::Empty,
            },
            withdrawn: p.consent_withdrawn_at.is_some(),
            source,
            consent: None,
            store: None,
            partner: None,
            employee: None,
            certificates: 0,
            redeemed: 0,
            visits: 0,
            revenue: 0,
        }
    }

    /// Keeps the earlier of two consents.
    fn consented(&mut self, at: NaiveDateTime, version: String) {
        if self.consent.as_ref().is_none_or(|(first, _)| at < *first) {
            self.consent = Some((at, version));
        }
    }

    fn cells(self) -> Vec<Cell> {
        let (consent_on, version) = match self.consent {
            Some((at, v)) => (Cell::Date(at.date()), Cell::Text(v)),
            None => (Cell::Empty, Cell::Empty),
        };
        vec![
            self.name,
            self.phone,
            Cell::Label(self.source),
            consent_on,
            version,
            Cell::Label(if self.withdrawn { Msg::Yes } else { Msg::No }),
            Cell::text(self.store),
            Cell::text(self.partner),
            Cell::text(self.employee),
            Cell::Int(self.certificates),
            Cell::Int(self.redeemed),
            Cell::Int(self.visits),
            Cell::Money(self.revenue),
        ]
    }
}

/// A row per participant: everyone with a hand-out, a paper-form contact or a live redemption
/// in the campaign, in the order they first appeared. The store and employee are those of the
/// first hand-out (else the form's store, else the redemption's); visits and revenue count
/// within the attribution window, as the final report counts them.
fn participants(
    at: &Clinic<'_>,
    handouts: Vec<rows::HandoutRow>,
    contacts: Vec<rows::ContactRow>,
    redemptions: Vec<rows::RedemptionRow>,
    visits: Vec<rows::VisitRow>,
) -> Result<Vec<Vec<Cell>>, DomainError> {
    let mut people: HashMap<i64, Participant> = HashMap::new();
    // Hand-outs come oldest first: the first one met is the participant's first.
    for h in handouts {
        let Some(id) = h.person.patient_id else {
            continue;
        };
        let when = at.local(&h.happened_at)?;
        let p = people.entry(id).or_insert_with(|| {
            let mut p = Participant::new(when, &h.person, source(&h.source));
            p.store = Some(h.store_name.clone());
            p.partner = Some(h.partner_name.clone());
            p.employee = h.employee_name.clone();
            p
        });
        p.certificates += 1;
        p.consented(at.local(&h.consent_at)?, h.consent_version);
    }
    for f in contacts {
        let Some(id) = f.person.patient_id else {
            continue;
        };
        let when = at.local(&f.consent_at)?;
        let p = people.entry(id).or_insert_with(|| {
            let mut p = Participant::new(when, &f.person, Msg::SourceFormContact);
            p.store = Some(f.store_name.clone());
            p.partner = Some(f.partner_name.clone());
            p
        });
        p.consented(when, f.consent_version);
    }
    for r in redemptions.into_iter().filter(|r| r.undone_at.is_none()) {
        let Some(id) = r.person.patient_id else {
            continue;
        };
        let when = at.local(&r.redeemed_at)?;
        let p = people.entry(id).or_insert_with(|| {
            let mut p = Participant::new(when, &r.person, Msg::SourceRedeemedOnly);
            p.store = r.store_name.clone();
            p.partner = r.partner_name.clone();
            p.employee = r.employee_name.clone();
            p
        });
        p.redeemed += 1;
    }
    for v in visits {
        let Some(p) = v.patient_id.and_then(|id| people.get_mut(&id)) else {
            continue;
        };
        let (inside, _) = at.window(db::stored_date(&v.visited_on)?, &v.redeemed_at)?;
        if inside {
            p.visits += 1;
            p.revenue += v.amount_kopecks;
        }
    }
    let mut list: Vec<(i64, Participant)> = people.into_iter().collect();
    list.sort_by_key(|(id, p)| (p.since, *id));
    Ok(list.into_iter().map(|(_, p)| p.cells()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: i64) -> Vec<Cell> {
        vec![Cell::Int(i)]
    }

    #[test]
    fn a_file_holds_at_most_the_cap_and_says_when_it_was_cut() {
        let full = capped(ExportKind::Visits, (0..MAX_ROWS as i64).map(row).collect());
        assert_eq!((full.rows.len(), full.note), (MAX_ROWS, None));
        let over = capped(ExportKind::Visits, (0..=MAX_ROWS as i64).map(row).collect());
        assert_eq!(over.rows.len(), MAX_ROWS);
        assert_eq!(over.note, Some(Msg::ExportRowsCut));
        assert_eq!(
            over.rows.last(),
            Some(&row(MAX_ROWS as i64 - 1)),
            "the oldest rows stay"
        );
    }

    #[test]
    fn a_campaigns_name_is_made_safe_for_a_file_name() {
        assert_eq!(
            file_safe("Зима 2026/27: «Улыбка»?"),
            "Зима 2026_27_ «Улыбка»_"
        );
        assert_eq!(file_safe(&"я".repeat(200)).chars().count(), 80);
    }
}
