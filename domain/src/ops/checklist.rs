//! The promotion checklist as the marketer's daily tool: the clinic's template, each
//! campaign's tasks (created when first needed, idempotently), the automatic checks that
//! close tasks from Sarafan's own data with their evidence, photo evidence and comments, the
//! clinic's briefings, and the home page's "what needs attention today".

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use crate::auth::Actor;
use crate::checklist::{
    self, Attention, AutoCheck, BriefingInput, CampaignRoutine, ChecklistItem, DoctorBriefing,
    Evidence, EvidenceItem, ItemInput, OpenConflicts, PlanCampaign, PlanItem, Proof,
    ReceptionBriefing, Routine, Schedule, StockAlert, StoreView, Task, TaskComment, TaskDetail,
    TaskFilter, TaskKind, TaskPhoto, TaskState, TaskUpdate,
};
use crate::db::{self, Db};
use crate::error::{Check, DomainError, ErrorCode, FieldError};
use crate::forecast::WEEK_AHEAD_DAYS;
use crate::ids::{CampaignId, StoreId};
use crate::ledger::{FORMS, POSTERS, REGULATIONS, StockBoard};
use crate::model::Campaign;
use crate::policy::Op;
use crate::types::{CampaignStatus, Role, optional_text, required_text};

/// Most template points a clinic may have.
pub const MAX_ITEMS: usize = 100;
/// Most photos and comments on one task.
pub const MAX_PHOTOS: i64 = 20;
pub const MAX_COMMENTS: i64 = 200;
/// Who closes a task when an automatic check passes.
pub const AUTO_ACTOR: &str = "Sarafan";

// ---------- the template ----------

fn item_of(r: db::tasks::ItemRow) -> Result<ChecklistItem, DomainError> {
    let bad = |_| DomainError::Internal;
    Ok(ChecklistItem {
        id: r.id,
        builtin: r.builtin,
        position: r.position,
        code: r.code,
        title: r.title,
        title_en: r.title_en,
        schedule: Schedule::parse("schedule", &r.schedule).map_err(bad)?,
        offset_days: r.offset_days,
        role: Role::parse("role", &r.role).map_err(bad)?,
        auto_check: r
            .auto_check
            .as_deref()
            .and_then(|a| AutoCheck::parse("auto_check", a).ok()),
        proof: Proof::parse("proof", &r.proof).map_err(bad)?,
        active: r.active != 0,
    })
}

/// The clinic's checklist template, in order.
pub async fn template(db: &Db, actor: &Actor) -> Result<Vec<ChecklistItem>, DomainError> {
    actor.may(Op::ViewChecklist)?;
    db::tasks::items(&db.pool)
        .await?
        .into_iter()
        .map(item_of)
        .collect()
}

struct ValidItem {
    code: String,
    title: String,
    title_en: String,
    schedule: Schedule,
    offset_days: i64,
    role: Role,
    proof: Proof,
    position: Option<i64>,
}

impl ItemInput {
    fn parse(&self) -> Result<ValidItem, DomainError> {
        let mut c = Check::new();
        let code = c.take(required_text("code", &self.code, 10));
        let title = c.take(required_text("title", &self.title, 300));
        let title_en = c.take(optional_text("title_en", &self.title_en, 300));
        let schedule = c.take(Schedule::parse("schedule", &self.schedule));
        let offset = c.take(small_number("offset_days", &self.offset_days, 0, 365));
        let role = c.take(Role::parse("role", &self.role));
        let proof = if self.proof.trim().is_empty() {
            Some(Proof::None)
        } else {
            c.take(Proof::parse("proof", &self.proof))
        };
        let position = if self.position.trim().is_empty() {
            Some(None)
        } else {
            c.take(small_number("position", &self.position, 0, 100_000).map(Some))
        };
        c.finish()?;
        match (
            code, title, title_en, schedule, offset, role, proof, position,
        ) {
            (
                Some(code),
                Some(title),
                Some(title_en),
                Some(schedule),
                Some(offset_days),
                Some(role),
                Some(proof),
                Some(position),
            ) => Ok(ValidItem {
                code,
                title,
                title_en: title_en.unwrap_or_default(),
                schedule,
                offset_days,
                role,
                proof,
                position,
            }),
            _ => Err(DomainError::Internal),
        }
    }
}

fn small_number(field: &str, text: &str, min: i64, max: i64) -> Result<i64, FieldError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(min);
    }
    match t.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(FieldError::new(field, ErrorCode::CountOutOfRange)),
    }
}

/// Adds a point to the template (`id: None`) or changes one. A changed schedule replaces the
/// point's open tasks that nobody has touched.
pub async fn save_item(
    db: &Db,
    actor: &Actor,
    id: Option<i64>,
    input: &ItemInput,
) -> Result<ChecklistItem, DomainError> {
    actor.may(Op::ManageChecklist)?;
    let v = input.parse()?;
    let mut w = db.write(actor).await?;
    let items = db::tasks::items(&mut *w.tx).await?;
    let old = match id {
        Some(id) => Some(
            items
                .iter()
                .find(|i| i.id == id)
                .cloned()
                .ok_or(DomainError::Refused(ErrorCode::NotFound))?,
        ),
        None if items.len() >= MAX_ITEMS => {
            return Err(DomainError::field("title", ErrorCode::TooMany));
        }
        None => None,
    };
    let position = v.position.unwrap_or_else(|| match &old {
        Some(o) => o.position,
        None => items.iter().map(|i| i.position).max().unwrap_or(0) + 10,
    });
    let fields = db::tasks::ItemFields {
        position,
        code: &v.code,
        title: &v.title,
        title_en: &v.title_en,
        schedule: v.schedule.as_str(),
        offset_days: v.offset_days,
        role: v.role.as_str(),
        proof: v.proof.as_str(),
        active: input.active,
    };
    let at = w.at;
    let id = match (&old, id) {
        (Some(o), Some(id)) => {
            db::tasks::update_item(&mut *w.tx, id, &fields, at).await?;
            if o.schedule != v.schedule.as_str() || o.offset_days != v.offset_days {
                db::tasks::drop_untouched_tasks(&mut *w.tx, id).await?;
            }
            id
        }
        _ => db::tasks::insert_item(&mut *w.tx, &fields, at).await?,
    };
    w.audit(
        if old.is_some() { "update" } else { "create" },
        "checklist_item",
        Some(id),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    db::tasks::item(&db.pool, id)
        .await?
        .ok_or(DomainError::Internal)
        .and_then(item_of)
}

// ---------- creating a campaign's tasks ----------

/// Creates the tasks a campaign should have by this clinic week (once-points, each week's
/// routine so far, per store and per partner). Idempotent and safe from several instances at
/// once: each task has a unique key, and a fingerprint of the campaign's shape (template,
/// stores, partners, dates, week) says when there is nothing to do. Returns how many it made.
pub async fn ensure_tasks(db: &Db, campaign: CampaignId) -> Result<usize, DomainError> {
    let settings = super::settings::get(db).await?;
    let c = {
        let mut conn = db.pool.acquire().await.map_err(db::internal)?;
        db::campaigns::get(&mut conn, campaign)
            .await?
            .ok_or(DomainError::Refused(ErrorCode::NotFound))?
            .campaign
    };
    let items: Vec<PlanItem> = db::tasks::items(&db.pool)
        .await?
        .into_iter()
        .filter(|i| i.active != 0)
        .filter_map(|i| {
            Some(PlanItem {
                id: i.id,
                schedule: Schedule::parse("schedule", &i.schedule).ok()?,
                offset_days: i.offset_days,
                builtin: i.builtin,
            })
        })
        .collect();
    let stores: Vec<i64> = db::tasks::campaign_stores(&db.pool, campaign)
        .await?
        .into_iter()
        .map(|s| s.0)
        .collect();
    let week = db.clock.this_week();
    let plan_campaign = PlanCampaign {
        start: c.start_date,
        end: c.end_date,
        valid_until: c.valid_until,
    };
    let fingerprint = crate::auth::hash_secret(&format!(
        "{:?}|{:?}|{:?}|{:?}|{}|{}",
        (c.start_date, c.end_date, c.valid_until),
        items
            .iter()
            .map(|i| (i.id, i.schedule.as_str(), i.offset_days))
            .collect::<Vec<_>>(),
        stores,
        c.partner_ids,
        week.monday,
        settings.weekly_check_day
    ));
    if db::tasks::generated(&db.pool, campaign, &fingerprint).await? {
        return Ok(0);
    }
    let planned = checklist::plan(
        campaign.get(),
        &plan_campaign,
        &items,
        &stores,
        &c.partner_ids,
        week,
        settings.weekly_check_day,
    );
    let existing = db::tasks::checklist_keys(&db.pool, campaign).await?;
    let missing: Vec<_> = planned
        .iter()
        .filter(|t| !existing.contains(&t.key))
        .collect();
    let mut w = db.write(&Actor::system()).await?;
    let mut made = 0;
    for t in &missing {
        if db::tasks::insert_planned(&mut *w.tx, campaign, t, w.at).await? {
            made += 1;
        }
    }
    db::tasks::mark_generated(&mut *w.tx, campaign, &fingerprint, w.at).await?;
    if made > 0 {
        w.audit(
            "create_tasks",
            "checklist",
            Some(campaign.get()),
            serde_json::json!({ "tasks": made, "week": week.monday.to_string() }),
        )
        .await?;
    }
    w.commit().await?;
    Ok(made)
}

/// The campaigns whose tasks the home page keeps current: drafts being prepared and running
/// ones (a finished campaign's remaining tasks stay listed).
async fn live_campaigns(db: &Db) -> Result<Vec<Campaign>, DomainError> {
    let mut conn = db.pool.acquire().await.map_err(db::internal)?;
    Ok(db::campaigns::list(&mut conn, None)
        .await?
        .into_iter()
        .map(|c| c.campaign)
        .collect())
}

// ---------- automatic checks ----------

/// Everything the checks of one campaign read, gathered once.
struct Facts {
    regulations_written: bool,
    /// The stock board's rows: certificates' and forms' forecast, other materials' levels.
    forecast: Vec<crate::ledger::StoreStockRow>,
    stores: Vec<db::checks::StoreFacts>,
    unread: Vec<(i64, String)>,
    reception: Vec<(String, i64)>,
    doctors: i64,
    /// (store, kind builtin key) → level, and each kind's minimum.
    levels: HashMap<(i64, String), i64>,
    minimum: HashMap<String, i64>,
    forms_after_end: Vec<db::materials::FormsAfterEnd>,
    /// This week's mystery-shopper visits: (store, signed off), and how many the week needs.
    shopper_visits: Vec<(String, i64)>,
    shopper_needed: i64,
}

/// Reads what the `needs` checks look at (and nothing else).
async fn facts(
    db: &Db,
    c: &Campaign,
    board: Option<StockBoard>,
    needs: &std::collections::HashSet<AutoCheck>,
) -> Result<Facts, DomainError> {
    use AutoCheck as A;
    let campaign = CampaignId(c.id);
    let any = |checks: &[AutoCheck]| checks.iter().any(|c| needs.contains(c));
    // "This week" for the hand-outs of item 12: the seven days up to now.
    let week_start = db.now() - Duration::days(7);
    let regulations_written = if any(&[A::RegulationsWritten]) {
        let texts = db::campaigns::texts(&db.pool, campaign)
            .await?
            .unwrap_or_default();
        !texts.regulations.trim().is_empty()
    } else {
        false
    };
    let board = match board {
        Some(b) => b,
        None => super::ledger::board(db, &Actor::system(), campaign).await?,
    };
    let mut levels = HashMap::new();
    for r in &board.rows {
        for (k, l) in board.kinds.iter().zip(&r.levels) {
            if let Some(b) = &k.builtin {
                levels.insert((r.store_id, b.clone()), l.level);
            }
        }
    }
    let minimum = board
        .kinds
        .iter()
        .filter_map(|k| k.builtin.clone().map(|b| (b, k.per_store_min)))
        .collect();
    let after_end = db.clock.day_start(c.end_date + Duration::days(1));
    let per_store = [
        A::RegulationsInStore,
        A::StaffReadRegulations,
        A::StoreAdmins,
        A::ContactsCollected,
    ];
    Ok(Facts {
        regulations_written,
        stores: if any(&per_store) {
            db::checks::stores(&db.pool, campaign, week_start).await?
        } else {
            Vec::new()
        },
        unread: if any(&[A::StaffReadRegulations]) {
            db::checks::unread_staff(&db.pool, campaign).await?
        } else {
            Vec::new()
        },
        reception: if any(&[A::ClinicBriefed]) {
            db::checks::reception(&db.pool, campaign).await?
        } else {
            Vec::new()
        },
        doctors: if any(&[A::ClinicBriefed]) {
            db::checks::doctor_briefings(&db.pool, campaign).await?
        } else {
            0
        },
        levels,
        minimum,
        forms_after_end: if any(&[A::FormsCollected, A::FormsEntered]) {
            db::materials::forms_after(&db.pool, campaign, board.forms_kind_id, after_end).await?
        } else {
            Vec::new()
        },
        shopper_visits: if any(&[A::ShopperVisitSigned]) {
            db::shopper::signed_in_week(&db.pool, campaign, db.clock.this_week().monday).await?
        } else {
            Vec::new()
        },
        shopper_needed: if any(&[A::ShopperVisitSigned]) {
            db::shopper::visits_per_week(&db.pool, campaign).await?
        } else {
            0
        },
        forecast: board.rows,
    })
}

fn days(x10: Option<i64>) -> String {
    x10.map(|d| format!("{},{}", d / 10, d % 10))
        .unwrap_or_else(|| "—".into())
}

/// Store by store: (store id, name, passes, figure).
fn per_store(check: AutoCheck, f: &Facts) -> Vec<(i64, String, bool, String)> {
    let name = |id: i64| {
        f.forecast
            .iter()
            .find(|s| s.store_id == id)
            .map(|s| s.store_name.clone())
            .unwrap_or_default()
    };
    let level =
        |store: i64, key: &str| f.levels.get(&(store, key.to_owned())).copied().unwrap_or(0);
    let min = |key: &str| f.minimum.get(key).copied().unwrap_or(1).max(1);
    match check {
        AutoCheck::RegulationsInStore => f
            .stores
            .iter()
            .map(|s| {
                let copies = level(s.store_id, REGULATIONS);
                let ok = copies >= 1 || s.downloaded > 0;
                (s.store_id, s.store_name.clone(), ok, copies.to_string())
            })
            .collect(),
        AutoCheck::StaffReadRegulations => f
            .stores
            .iter()
            .map(|s| {
                let unread: Vec<&str> = f
                    .unread
                    .iter()
                    .filter(|u| u.0 == s.store_id)
                    .map(|u| u.1.as_str())
                    .collect();
                (
                    s.store_id,
                    s.store_name.clone(),
                    s.staff > 0 && s.staff_read == s.staff,
                    format!("{}/{} {}", s.staff_read, s.staff, unread.join(", "))
                        .trim()
                        .to_owned(),
                )
            })
            .collect(),
        AutoCheck::StoreAdmins => f
            .stores
            .iter()
            .map(|s| {
                (
                    s.store_id,
                    s.store_name.clone(),
                    s.has_admin != 0,
                    String::new(),
                )
            })
            .collect(),
        AutoCheck::ContactsCollected => f
            .stores
            .iter()
            .map(|s| {
                (
                    s.store_id,
                    s.store_name.clone(),
                    s.handouts_since > 0,
                    s.handouts_since.to_string(),
                )
            })
            .collect(),
        AutoCheck::PostersInStore => f
            .stores
            .iter()
            .map(|s| {
                let n = level(s.store_id, POSTERS);
                (
                    s.store_id,
                    s.store_name.clone(),
                    n >= min(POSTERS),
                    n.to_string(),
                )
            })
            .collect(),
        AutoCheck::CertificatesCover | AutoCheck::FormsCover => f
            .forecast
            .iter()
            .map(|r| {
                let fc = if check == AutoCheck::CertificatesCover {
                    r.certificates
                } else {
                    r.forms
                };
                (
                    r.store_id,
                    r.store_name.clone(),
                    fc.on_hand > 0 && !fc.alert,
                    days(fc.days_of_cover_x10),
                )
            })
            .collect(),
        AutoCheck::CertificatesWeekAhead | AutoCheck::FormsWeekAhead => f
            .forecast
            .iter()
            .map(|r| {
                let fc = if check == AutoCheck::CertificatesWeekAhead {
                    r.certificates
                } else {
                    r.forms
                };
                let week = fc
                    .days_of_cover_x10
                    .is_some_and(|d| d >= WEEK_AHEAD_DAYS * 10)
                    || fc.lasts_to_end;
                (
                    r.store_id,
                    r.store_name.clone(),
                    fc.on_hand > 0 && week,
                    days(fc.days_of_cover_x10),
                )
            })
            .collect(),
        AutoCheck::FormsCollected => f
            .forms_after_end
            .iter()
            .map(|r| (r.store_id, name(r.store_id), r.collected > 0, String::new()))
            .collect(),
        AutoCheck::FormsEntered => f
            .forms_after_end
            .iter()
            .map(|r| {
                let missing = (-r.last_count_delta.unwrap_or(0) - r.entered_after_count).max(0);
                (
                    r.store_id,
                    name(r.store_id),
                    r.last_count_delta.is_some() && missing == 0,
                    missing.to_string(),
                )
            })
            .collect(),
        AutoCheck::RegulationsWritten
        | AutoCheck::ClinicBriefed
        | AutoCheck::ShopperVisitSigned => Vec::new(),
    }
}

/// What a check sees for the campaign, or for one store of it.
fn evaluate(check: AutoCheck, store: Option<i64>, f: &Facts) -> Evidence {
    let rows: Vec<(String, bool, String)> = match check {
        AutoCheck::RegulationsWritten => {
            vec![(String::new(), f.regulations_written, String::new())]
        }
        AutoCheck::ClinicBriefed => {
            let mut rows: Vec<_> = f
                .reception
                .iter()
                .map(|(n, read)| (n.clone(), *read > 0, String::new()))
                .collect();
            rows.push((
                crate::Msg::Doctors.text(crate::Lang::Ru).to_owned(),
                f.doctors > 0,
                f.doctors.to_string(),
            ));
            rows
        }
        AutoCheck::ShopperVisitSigned => {
            let mut rows: Vec<_> = f
                .shopper_visits
                .iter()
                .map(|(store, signed)| (store.clone(), *signed > 0, String::new()))
                .collect();
            // Visits the rotation has not made yet still count as missing.
            let missing = (f.shopper_needed - rows.len() as i64).max(0);
            for _ in 0..missing {
                rows.push(("—".into(), false, String::new()));
            }
            rows
        }
        _ => per_store(check, f)
            .into_iter()
            .filter(|r| store.is_none_or(|s| s == r.0))
            .map(|r| (r.1, r.2, r.3))
            .collect(),
    };
    let ok = rows.iter().filter(|r| r.1).count() as i64;
    let total = rows.len() as i64;
    Evidence {
        passed: total > 0 && ok == total,
        ok,
        total,
        failing: rows
            .into_iter()
            .filter(|r| !r.1)
            .take(50)
            .map(|r| EvidenceItem {
                name: r.0,
                figure: r.2,
            })
            .collect(),
    }
}

/// May the check decide this task now? Points about the end wait for the end; a week's
/// routine is judged during its week only (a past week left open stays for a person to
/// decide: today's stock says nothing about last week's).
fn window_open(
    t: &db::tasks::CheckRow,
    today: NaiveDate,
    this_week: NaiveDate,
    end: NaiveDate,
) -> bool {
    if t.week_start
        .as_deref()
        .is_some_and(|week| week != this_week.to_string())
    {
        return false;
    }
    let after_end = t.schedule.as_deref() == Some(Schedule::AfterEnd.as_str())
        || checklist::counts_from_end(t.item_builtin.as_deref());
    let check_after_end = matches!(
        t.auto_check.as_deref(),
        Some("forms_collected" | "forms_entered")
    );
    !(after_end || check_after_end) || today > end
}

/// Runs the checks of a campaign's open automatic tasks: closes those that pass (unless a
/// person reopened them) and returns what each open one sees now.
async fn run_checks(
    db: &Db,
    c: &Campaign,
    rows: &[db::tasks::CheckRow],
    board: Option<StockBoard>,
) -> Result<HashMap<i64, Evidence>, DomainError> {
    let (today, this_week) = (db.clock.today(), db.clock.this_week().monday);
    let due: Vec<(&db::tasks::CheckRow, AutoCheck)> = rows
        .iter()
        .filter(|t| window_open(t, today, this_week, c.end_date))
        .filter_map(|t| {
            t.auto_check
                .as_deref()
                .and_then(|a| AutoCheck::parse("auto_check", a).ok())
                .map(|check| (t, check))
        })
        .collect();
    let mut seen = HashMap::new();
    if due.is_empty() {
        return Ok(seen);
    }
    let needs = due.iter().map(|d| d.1).collect();
    let f = facts(db, c, board, &needs).await?;
    let mut close = Vec::new();
    for (t, check) in due {
        let store = if check.per_store() { t.store_id } else { None };
        let e = evaluate(check, store, &f);
        if e.passed && t.manual == 0 {
            close.push((t.id, e.clone()));
        }
        seen.insert(t.id, e);
    }
    if !close.is_empty() {
        let mut w = db.write(&Actor::system()).await?;
        for (id, e) in &close {
            let json = serde_json::to_string(e).unwrap_or_default();
            if db::tasks::auto_close(&mut *w.tx, *id, &json, AUTO_ACTOR, w.at).await? {
                w.audit(
                    "auto_done",
                    "task",
                    Some(*id),
                    serde_json::json!({ "evidence": e }),
                )
                .await?;
            }
        }
        w.commit().await?;
    }
    Ok(seen)
}

// ---------- reading tasks ----------

fn task_of(db: &Db, r: db::tasks::TaskRow, today: NaiveDate, live: Option<&Evidence>) -> Task {
    let due = db::stored_date(&r.due_on).unwrap_or(today);
    let state = TaskState::parse("state", &r.state).unwrap_or(TaskState::Open);
    let stored: Option<Evidence> = r
        .evidence
        .as_deref()
        .and_then(|e| serde_json::from_str(e).ok());
    Task {
        id: r.id,
        campaign_id: r.campaign_id,
        campaign_name: r.campaign_name,
        kind: TaskKind::parse("kind", &r.kind).unwrap_or(TaskKind::Checklist),
        item_id: r.item_id,
        code: r.code,
        title: r.title,
        title_en: r.title_en,
        schedule: r
            .schedule
            .as_deref()
            .and_then(|s| Schedule::parse("schedule", s).ok()),
        role: Role::parse("role", &r.role).unwrap_or(Role::Marketer),
        auto_check: r
            .auto_check
            .as_deref()
            .and_then(|a| AutoCheck::parse("auto_check", a).ok()),
        proof: Proof::parse("proof", &r.proof).unwrap_or(Proof::None),
        store_id: r.store_id,
        store_name: r.store_name,
        partner_id: r.partner_id,
        partner_name: r.partner_name,
        week_start: r
            .week_start
            .as_deref()
            .and_then(|w| db::stored_date(w).ok()),
        due_on: due,
        overdue: state == TaskState::Open && due < today,
        state,
        assignee_id: r.assignee_id,
        assignee_name: r.assignee_name,
        done_by_name: r.done_by_name,
        done_at: r
            .done_at
            .as_deref()
            .and_then(db::parse_ts)
            .map(|t| db.clock.local_text(t)),
        note: r.note,
        link: r.link,
        reach: r.reach,
        evidence: live.cloned().or(stored),
        photos: r.photos,
        comments: r.comments,
        request_material: r.request_material,
        request_count: r.request_count,
        shopper_visit_id: r.shopper_visit_id,
    }
}

fn state_filter(s: &str) -> Result<Option<&'static str>, DomainError> {
    match s.trim() {
        "" | "open" => Ok(Some("open")),
        "done" => Ok(Some("done")),
        "na" => Ok(Some("na")),
        "all" => Ok(None),
        _ => Err(DomainError::field("state", ErrorCode::InvalidChoice)),
    }
}

/// Creates the tasks that are due and runs the automatic checks of the open tasks they may
/// decide now (this week's routine and the one-off points); returns what each check sees.
async fn refresh(
    db: &Db,
    campaigns: &[Campaign],
    store: Option<StoreId>,
    boards: &HashMap<i64, StockBoard>,
) -> Result<HashMap<i64, Evidence>, DomainError> {
    for c in campaigns {
        ensure_tasks(db, CampaignId(c.id)).await?;
    }
    let week = db.clock.this_week().monday;
    let mut seen = HashMap::new();
    for c in campaigns {
        let open = db::tasks::checkable(&db.pool, CampaignId(c.id), week, store).await?;
        seen.extend(run_checks(db, c, &open, boards.get(&c.id).cloned()).await?);
    }
    Ok(seen)
}

/// Tasks and their live check results, after creating what is due and running the checks.
async fn gather(
    db: &Db,
    campaigns: &[Campaign],
    q: &db::tasks::Query,
) -> Result<Vec<Task>, DomainError> {
    let seen = refresh(db, campaigns, q.store, &HashMap::new()).await?;
    let today = db.clock.today();
    Ok(db::tasks::list(&db.pool, q)
        .await?
        .into_iter()
        .map(|r| {
            let live = seen.get(&r.id);
            task_of(db, r, today, live)
        })
        .collect())
}

/// A campaign's tasks (`TaskFilter`: state, store, due by), soonest first.
pub async fn campaign_tasks(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
    filter: &TaskFilter,
) -> Result<Vec<Task>, DomainError> {
    actor.may(Op::ViewChecklist)?;
    let c = super::campaigns::get_stored(db, actor, campaign)
        .await?
        .campaign;
    let q = db::tasks::Query {
        campaign: Some(campaign),
        store: filter.store_id.map(StoreId),
        state: state_filter(&filter.state)?,
        due_by: filter.due_by,
        limit: 2000,
        ..Default::default()
    };
    gather(db, &[c], &q).await
}

/// Open tasks of every campaign (the tasks page), soonest first.
pub async fn all_tasks(
    db: &Db,
    actor: &Actor,
    filter: &TaskFilter,
) -> Result<Vec<Task>, DomainError> {
    actor.may(Op::ViewChecklist)?;
    let live: Vec<Campaign> = live_campaigns(db)
        .await?
        .into_iter()
        .filter(|c| c.status != CampaignStatus::Finished)
        .collect();
    let q = db::tasks::Query {
        store: filter.store_id.map(StoreId),
        state: state_filter(&filter.state)?,
        due_by: filter.due_by,
        limit: 1000,
        ..Default::default()
    };
    gather(db, &live, &q).await
}

async fn task_row(db: &Db, id: i64) -> Result<db::tasks::TaskRow, DomainError> {
    db::tasks::get(&db.pool, id)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))
}

/// One task with its photos, comments, and who it may be assigned to.
pub async fn task(db: &Db, actor: &Actor, id: i64) -> Result<TaskDetail, DomainError> {
    actor.may(Op::ViewChecklist)?;
    let row = task_row(db, id).await?;
    let live = if row.state == "open" && row.auto_check.is_some() {
        let mut conn = db.pool.acquire().await.map_err(db::internal)?;
        let c = db::campaigns::get(&mut conn, CampaignId(row.campaign_id))
            .await?
            .ok_or(DomainError::Internal)?
            .campaign;
        drop(conn);
        run_checks(db, &c, &[db::tasks::CheckRow::from(&row)], None).await?
    } else {
        HashMap::new()
    };
    let row = task_row(db, id).await?;
    let today = db.clock.today();
    let task = task_of(db, row, today, live.get(&id));
    let photos = db::tasks::photos(&db.pool, id)
        .await?
        .into_iter()
        .map(|p| TaskPhoto {
            id: p.id,
            width: p.width,
            height: p.height,
            size: p.size,
            uploader: p.uploader,
            taken_at: db::parse_ts(&p.taken_at)
                .map(|t| db.clock.local_text(t))
                .unwrap_or_default(),
        })
        .collect();
    let comments = db::tasks::comments(&db.pool, id)
        .await?
        .into_iter()
        .map(|c| TaskComment {
            id: c.id,
            author: c.author,
            body: c.body,
            created_at: db::parse_ts(&c.created_at)
                .map(|t| db.clock.local_text(t))
                .unwrap_or_default(),
        })
        .collect();
    Ok(TaskDetail {
        task,
        photos,
        comments,
        assignees: db::tasks::assignees(&db.pool).await?,
    })
}

// ---------- changing tasks ----------

/// Marks a task done, not applicable or open again; assigns it; keeps the note, link and
/// reach. A point that needs proof is done only with its link or photo.
pub async fn update_task(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &TaskUpdate,
) -> Result<Task, DomainError> {
    actor.may(Op::ManageTasks)?;
    let mut c = Check::new();
    let state = c.take(TaskState::parse("state", &input.state));
    let note = c.take(optional_text("note", &input.note, 2000));
    let link = c.take(
        optional_text("link", &input.link, 500).and_then(|l| match l {
            Some(l) if !(l.starts_with("https://") || l.starts_with("http://")) => {
                Err(FieldError::new("link", ErrorCode::InvalidChoice))
            }
            l => Ok(l),
        }),
    );
    let reach = if input.reach.trim().is_empty() {
        Some(None)
    } else {
        c.take(small_number("reach", &input.reach, 0, 100_000_000).map(Some))
    };
    let assignee = if input.assignee_id.trim().is_empty() {
        Some(None)
    } else {
        c.take(
            input
                .assignee_id
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| FieldError::new("assignee_id", ErrorCode::InvalidChoice)),
        )
    };
    c.finish()?;
    let (Some(state), Some(note), Some(link), Some(reach), Some(assignee)) =
        (state, note, link, reach, assignee)
    else {
        return Err(DomainError::Internal);
    };
    let row = task_row(db, id).await?;
    let people = db::tasks::assignees(&db.pool).await?;
    if assignee.is_some_and(|a| !people.iter().any(|p| p.0 == a)) {
        return Err(DomainError::field("assignee_id", ErrorCode::InvalidChoice));
    }
    let proof = Proof::parse("proof", &row.proof).unwrap_or(Proof::None);
    if state == TaskState::Done && row.state != "done" {
        let photos = db::tasks::photo_count(&db.pool, id).await?;
        match proof {
            Proof::LinkOrPhoto if link.is_none() && photos == 0 => {
                return Err(DomainError::field("link", ErrorCode::ProofRequired));
            }
            Proof::Photo if photos == 0 => {
                return Err(DomainError::field("photo", ErrorCode::ProofRequired));
            }
            _ => {}
        }
    }
    let mut w = db.write(actor).await?;
    let closing = state != TaskState::Open;
    let was_closed = row.state != "open";
    let (done_by, done_by_name, done_at) = match (closing, was_closed) {
        // Closed now by this person.
        (true, false) => (
            actor.user_id.map(|u| u.get()),
            Some(actor.name.clone()),
            Some(w.at),
        ),
        // Stays closed: who closed it stays.
        (true, true) => (
            None,
            row.done_by_name.clone(),
            row.done_at.as_deref().and_then(db::parse_ts),
        ),
        (false, _) => (None, None, None),
    };
    let change = db::tasks::TaskChange {
        state: state.as_str(),
        assignee,
        note: note.as_deref(),
        link: link.as_deref(),
        reach,
        manual: !closing && was_closed,
        done_by: if closing && was_closed { None } else { done_by },
        done_by_name: done_by_name.as_deref(),
        done_at,
        at: w.at,
    };
    db::tasks::update(&mut *w.tx, id, &change).await?;
    w.audit(
        "update",
        "task",
        Some(id),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    let today = db.clock.today();
    Ok(task_of(db, task_row(db, id).await?, today, None))
}

pub async fn add_comment(
    db: &Db,
    actor: &Actor,
    id: i64,
    body: &str,
) -> Result<TaskComment, DomainError> {
    actor.may(Op::ManageTasks)?;
    let body = required_text("comment", body, 2000).map_err(|e| DomainError::Invalid(vec![e]))?;
    task_row(db, id).await?;
    let mut w = db.write(actor).await?;
    if db::tasks::comment_count(&mut *w.tx, id).await? >= MAX_COMMENTS {
        return Err(DomainError::field("comment", ErrorCode::TooMany));
    }
    let cid = db::tasks::insert_comment(
        &mut *w.tx,
        id,
        actor.user_id.map(|u| u.get()),
        &actor.name,
        &body,
        w.at,
    )
    .await?;
    w.audit(
        "comment",
        "task",
        Some(id),
        serde_json::json!({ "comment_id": cid }),
    )
    .await?;
    let at = w.at;
    w.commit().await?;
    Ok(TaskComment {
        id: cid,
        author: actor.name.clone(),
        body,
        created_at: db.clock.local_text(at),
    })
}

/// Attaches a photo: checked by content, turned upright, shrunk to about 300 KB, timestamped
/// by the server, stored in the database.
pub async fn add_photo(
    db: &Db,
    actor: &Actor,
    id: i64,
    bytes: Vec<u8>,
) -> Result<TaskPhoto, DomainError> {
    actor.may(Op::ManageTasks)?;
    task_row(db, id).await?;
    if db::tasks::photo_count(&db.pool, id).await? >= MAX_PHOTOS {
        return Err(DomainError::field("photo", ErrorCode::TooMany));
    }
    let original_size = bytes.len() as i64;
    let prepared = tokio::task::spawn_blocking(move || crate::photo::prepare(&bytes))
        .await
        .map_err(|_| DomainError::Internal)??;
    let mut w = db.write(actor).await?;
    if db::tasks::photo_count(&mut *w.tx, id).await? >= MAX_PHOTOS {
        return Err(DomainError::field("photo", ErrorCode::TooMany));
    }
    let pid = db::tasks::insert_photo(
        &mut *w.tx,
        &db::tasks::NewPhoto {
            task: id,
            content_type: prepared.content_type,
            width: i64::from(prepared.width),
            height: i64::from(prepared.height),
            original_size,
            data: &prepared.data,
            by: actor.user_id.map(|u| u.get()),
            uploader: &actor.name,
            at: w.at,
        },
    )
    .await?;
    w.audit(
        "photo",
        "task",
        Some(id),
        serde_json::json!({ "photo_id": pid, "size": prepared.data.len(), "original_size": original_size }),
    )
    .await?;
    let at = w.at;
    w.commit().await?;
    Ok(TaskPhoto {
        id: pid,
        width: i64::from(prepared.width),
        height: i64::from(prepared.height),
        size: prepared.data.len() as i64,
        uploader: actor.name.clone(),
        taken_at: db.clock.local_text(at),
    })
}

/// A stored photo: its type and bytes.
pub async fn photo(db: &Db, actor: &Actor, id: i64) -> Result<(String, Vec<u8>), DomainError> {
    actor.may(Op::ViewChecklist)?;
    let p = db::tasks::photo(&db.pool, id)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
    let _ = p.task_id;
    Ok((p.content_type, p.data))
}

// ---------- the home page ----------

/// What needs the marketer's attention today: overdue and this week's tasks, stores' requests,
/// stock alerts, the week's routine per campaign, conflicts to resolve.
pub async fn attention(db: &Db, actor: &Actor) -> Result<Attention, DomainError> {
    actor.may(Op::ViewChecklist)?;
    let today = db.clock.today();
    let week = db.clock.this_week();
    let running: Vec<Campaign> = live_campaigns(db)
        .await?
        .into_iter()
        .filter(|c| c.status != CampaignStatus::Finished)
        .collect();
    // Each running campaign's stock board, read once for the checks and the alerts.
    let mut boards = HashMap::new();
    for c in running
        .iter()
        .filter(|c| c.status == CampaignStatus::Active)
    {
        boards.insert(
            c.id,
            super::ledger::board(db, &Actor::system(), CampaignId(c.id)).await?,
        );
    }
    let seen = refresh(db, &running, None, &boards).await?;
    let read = |q: db::tasks::Query| {
        let seen = &seen;
        async move {
            Ok::<_, DomainError>(
                db::tasks::list(&db.pool, &q)
                    .await?
                    .into_iter()
                    .map(|r| {
                        let live = seen.get(&r.id);
                        task_of(db, r, today, live)
                    })
                    .collect::<Vec<Task>>(),
            )
        }
    };
    let open = db::tasks::Query {
        state: Some("open"),
        running_only: true,
        kind: Some("checklist"),
        ..Default::default()
    };
    let overdue_q = db::tasks::Query {
        due_by: Some(today - Duration::days(1)),
        limit: 30,
        ..open.clone()
    };
    let overdue_total = db::tasks::count(&db.pool, &overdue_q).await?;
    let overdue = read(overdue_q).await?;
    let this_week = read(db::tasks::Query {
        due_from: Some(today),
        due_by: Some(week.sunday()),
        limit: 50,
        ..open.clone()
    })
    .await?;
    let requests = read(db::tasks::Query {
        kind: Some("request"),
        limit: 50,
        ..open
    })
    .await?;
    let mut routines = Vec::new();
    let mut stock_alerts = Vec::new();
    for c in running
        .iter()
        .filter(|c| c.status == CampaignStatus::Active)
    {
        let id = CampaignId(c.id);
        let points = db::tasks::routine(&db.pool, id, week.monday).await?;
        routines.push(CampaignRoutine {
            campaign_id: c.id,
            campaign_name: c.name.clone(),
            routine: Routine {
                week_start: week.monday,
                done: points.iter().map(|p| p.done).sum(),
                total: points.iter().map(|p| p.total).sum(),
                points,
            },
        });
        if let Some(board) = boards.get(&c.id) {
            stock_alerts.extend(alerts(db, c, board).await?);
        }
    }
    let conflicts = db::tasks::open_conflicts(&db.pool)
        .await?
        .into_iter()
        .map(|(campaign_id, campaign_name, count)| OpenConflicts {
            campaign_id,
            campaign_name,
            count,
        })
        .collect();
    Ok(Attention {
        today,
        overdue_total,
        overdue,
        this_week,
        requests,
        stock_alerts,
        routines,
        conflicts,
    })
}

/// A campaign's stock alerts: stores below the minimum days of certificates or forms, or
/// below a material's minimum.
async fn alerts(db: &Db, c: &Campaign, board: &StockBoard) -> Result<Vec<StockAlert>, DomainError> {
    let mut out = Vec::new();
    for r in &board.rows {
        let mut push = |material: Option<(&str, &str)>, on_hand, days, deliver, minimum| {
            out.push(StockAlert {
                campaign_id: c.id,
                campaign_name: c.name.clone(),
                store_id: r.store_id,
                store_name: r.store_name.clone(),
                material: material.map(|m| m.0.to_owned()),
                material_en: material.map(|m| m.1.to_owned()),
                on_hand,
                days_of_cover_x10: days,
                deliver,
                minimum,
            });
        };
        if r.certificates.alert {
            push(
                None,
                r.certificates.on_hand,
                r.certificates.days_of_cover_x10,
                r.certificates.deliver,
                None,
            );
        }
        let forms_kind = db::materials::kinds(&db.pool)
            .await?
            .into_iter()
            .find(|k| k.builtin.as_deref() == Some(FORMS));
        if r.forms.alert {
            let (n, e) = forms_kind
                .as_ref()
                .map(|k| (k.name.clone(), k.name_en.clone()))
                .unwrap_or_default();
            push(
                Some((&n, &e)),
                r.forms.on_hand,
                r.forms.days_of_cover_x10,
                r.forms.deliver,
                None,
            );
        }
        for (k, l) in board.kinds.iter().zip(&r.levels) {
            if l.below_min {
                push(
                    Some((&k.name, &k.name_en)),
                    l.level,
                    None,
                    None,
                    Some(k.per_store_min),
                );
            }
        }
    }
    Ok(out)
}

// ---------- one store at a glance ----------

pub async fn store_view(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
    store: StoreId,
) -> Result<StoreView, DomainError> {
    actor.may(Op::ViewChecklist)?;
    let c = super::campaigns::get_stored(db, actor, campaign)
        .await?
        .campaign;
    if !db::partners::store_in_campaign(&db.pool, store, campaign).await? {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    let s = super::partners::get_store(db, actor, store).await?;
    let tasks = gather(
        db,
        std::slice::from_ref(&c),
        &db::tasks::Query {
            campaign: Some(campaign),
            store: Some(store),
            limit: 500,
            ..Default::default()
        },
    )
    .await?;
    let board = super::ledger::board(db, actor, campaign).await?;
    let week_start = db.now() - Duration::days(7);
    let facts = db::checks::stores(&db.pool, campaign, week_start).await?;
    let mine = facts.iter().find(|f| f.store_id == store.get());
    let unread = db::checks::unread_staff(&db.pool, campaign)
        .await?
        .into_iter()
        .filter(|u| u.0 == store.get())
        .map(|u| u.1)
        .collect();
    let partner_name = super::partners::get_partner(db, actor, crate::ids::PartnerId(s.partner_id))
        .await
        .map(|p| p.name)
        .unwrap_or_default();
    Ok(StoreView {
        campaign_id: c.id,
        campaign_name: c.name,
        store_id: s.id,
        store_name: s.name,
        partner_name,
        address: s.address,
        admin_name: s.admin_name,
        admin_phone: s.admin_phone,
        stock: board.rows.into_iter().find(|r| r.store_id == store.get()),
        kinds: board.kinds,
        forms_kind_id: board.forms_kind_id,
        tasks,
        staff: mine.map(|m| m.staff).unwrap_or(0),
        staff_read: mine.map(|m| m.staff_read).unwrap_or(0),
        unread_staff: unread,
        handouts_this_week: mine.map(|m| m.handouts_since).unwrap_or(0),
        history: super::ledger::history(db, actor, campaign, Some(store), 100).await?,
        other_stores: db::tasks::campaign_stores(&db.pool, campaign)
            .await?
            .into_iter()
            .filter(|o| o.0 != store.get())
            .collect(),
        shopper: super::shopper::store_trends(db, campaign)
            .await?
            .into_iter()
            .find(|t| t.store_id == store.get()),
    })
}

// ---------- briefings (items 7–8) ----------

pub async fn record_briefing(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
    input: &BriefingInput,
) -> Result<DoctorBriefing, DomainError> {
    actor.may(Op::RecordBriefings)?;
    super::campaigns::get_stored(db, actor, campaign).await?;
    let mut c = Check::new();
    let doctor = c.take(required_text("doctor", &input.doctor, 200));
    let note = c.take(optional_text("note", &input.note, 500));
    let on = if input.briefed_on.trim().is_empty() {
        Some(db.clock.today())
    } else {
        c.take(crate::types::parse_date("briefed_on", &input.briefed_on))
    };
    c.finish()?;
    let (Some(doctor), Some(note), Some(on)) = (doctor, note, on) else {
        return Err(DomainError::Internal);
    };
    if on > db.clock.today() {
        return Err(DomainError::field("briefed_on", ErrorCode::InFuture));
    }
    let mut w = db.write(actor).await?;
    if db::tasks::briefings(&mut *w.tx, campaign).await?.len() >= 500 {
        return Err(DomainError::field("doctor", ErrorCode::TooMany));
    }
    let id = db::tasks::insert_briefing(
        &mut *w.tx,
        campaign,
        &doctor,
        on,
        note.as_deref(),
        actor.user_id.map(|u| u.get()),
        w.at,
    )
    .await?;
    w.audit(
        "brief_doctor",
        "campaign",
        Some(campaign.get()),
        serde_json::json!({ "doctor": doctor, "on": on.to_string() }),
    )
    .await?;
    w.commit().await?;
    Ok(DoctorBriefing {
        id,
        doctor,
        briefed_on: on,
        note,
    })
}

pub async fn briefings(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
) -> Result<Vec<DoctorBriefing>, DomainError> {
    actor.may(Op::ViewChecklist)?;
    db::tasks::briefings(&db.pool, campaign)
        .await?
        .into_iter()
        .map(|b| {
            Ok(DoctorBriefing {
                id: b.id,
                doctor: b.doctor,
                briefed_on: db::stored_date(&b.briefed_on)?,
                note: b.note,
            })
        })
        .collect()
}

/// Reception's briefings: the running campaigns, each with whether this person confirmed it.
pub async fn reception_briefings(
    db: &Db,
    actor: &Actor,
) -> Result<Vec<ReceptionBriefing>, DomainError> {
    actor.may(Op::ConfirmBriefing)?;
    let user = actor
        .user_id
        .ok_or(DomainError::Refused(ErrorCode::Forbidden))?;
    let mut out = Vec::new();
    for c in live_campaigns(db).await? {
        if c.status == CampaignStatus::Finished && c.valid_until < db.clock.today() {
            continue;
        }
        let confirmed = db::handouts::regulations_read(&db.pool, CampaignId(c.id), user).await?;
        out.push(ReceptionBriefing {
            campaign_id: c.id,
            campaign_name: c.name,
            face_value: c.face_value.kopecks(),
            start_date: c.start_date,
            end_date: c.end_date,
            valid_until: c.valid_until,
            terms: c.terms,
            confirmed,
        });
    }
    Ok(out)
}

/// A reception account confirms it knows the campaign (items 7–8).
pub async fn confirm_briefing(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
) -> Result<(), DomainError> {
    actor.may(Op::ConfirmBriefing)?;
    super::campaigns::get_stored(db, actor, campaign).await?;
    let user = actor
        .user_id
        .ok_or(DomainError::Refused(ErrorCode::Forbidden))?;
    let mut w = db.write(actor).await?;
    let at = w.at;
    if db::handouts::confirm_regulations(&mut *w.tx, campaign, user, at).await? {
        w.audit(
            "briefed",
            "campaign",
            Some(campaign.get()),
            serde_json::json!({}),
        )
        .await?;
    }
    w.commit().await
}
