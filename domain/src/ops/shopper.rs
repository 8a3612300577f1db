//! Mystery-shopper visits (checklist item 17а): the campaign's question list (versioned), the
//! weekly rotation (created by key the first time anyone looks, like the checklist's weeks),
//! the shopper's answers and photos (an account, or an outside shopper's link), sign-off with
//! its score, corrective tasks for failed questions, the marketer's recorded corrections, and
//! the stores' trends.
//!
//! Who sees a visit: the marketer, all; a shopper account, the visits assigned to it; an
//! outside shopper, the one visit of their link until it is signed off or the link expires;
//! store staff, their own store's visits once signed off — and before only when announced.

use chrono::{Duration, NaiveDate};

use crate::auth::Actor;
use crate::db::{self, Db};
use crate::error::{Check, DomainError, ErrorCode};
use crate::ids::CampaignId;
use crate::policy::Op;
use crate::shopper::{
    self, AnswerInput, AnsweredQuestion, AnswersInput, Candidate, CorrectiveTask, Question,
    Questionnaire, QuestionnaireInput, ShopperBoard, ShopperVisit, StoreTrend, TrendPoint,
    VisitDetail, VisitLink, VisitPhoto, VisitState, VisitUpdate,
};
use crate::types::{CampaignStatus, Role, optional_text};

/// How long after its window an outside shopper's link keeps working.
pub const LINK_GRACE_DAYS: i64 = 2;
/// The longest outside shopper's name.
pub const MAX_SHOPPER_NAME: usize = 120;
/// Days a corrective task gets.
pub const CORRECTIVE_DAYS: i64 = 7;

/// An outside shopper's link, checked: the one visit it opens, and who is behind it.
#[derive(Clone, Debug)]
pub struct LinkGrant {
    visit: i64,
    actor: Actor,
}

impl LinkGrant {
    pub fn visit_id(&self) -> i64 {
        self.visit
    }
}

/// Who fills a visit in: a signed-in person, or an outside shopper's link.
#[derive(Clone, Copy, Debug)]
pub enum Who<'a> {
    Person(&'a Actor),
    Link(&'a LinkGrant),
}

impl Who<'_> {
    fn actor(&self) -> &Actor {
        match self {
            Who::Person(a) => a,
            Who::Link(g) => &g.actor,
        }
    }
}

fn visit_of(db: &Db, r: db::shopper::VisitRow) -> ShopperVisit {
    let date = |s: &str| db::stored_date(s).unwrap_or_else(|_| db.clock.today());
    let local = |s: &Option<String>| {
        s.as_deref()
            .and_then(db::parse_ts)
            .map(|t| db.clock.local_text(t))
    };
    ShopperVisit {
        id: r.id,
        campaign_id: r.campaign_id,
        campaign_name: r.campaign_name,
        store_id: r.store_id,
        store_name: r.store_name,
        partner_name: r.partner_name,
        store_address: r.store_address,
        opening_hours: r.opening_hours,
        week_start: date(&r.week_start),
        chosen_by: r.chosen_by,
        reason: r
            .reason
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok()),
        shopper_id: r.shopper_id,
        shopper_name: r.shopper_account.or(r.shopper_name),
        link_expires: if r.link_hash.is_some() {
            local(&r.link_expires_at)
        } else {
            None
        },
        window_from: date(&r.window_from),
        window_to: date(&r.window_to),
        announced: r.announced != 0,
        state: VisitState::parse("state", &r.state).unwrap_or(VisitState::Planned),
        visited_on: r
            .visited_on
            .as_deref()
            .and_then(|d| db::stored_date(d).ok()),
        score: r.score,
        passed: r.passed.map(|p| p != 0),
        critical_failed: r.critical_failed != 0,
        signed_off_at: local(&r.signed_off_at),
        signed_off_by: r.signed_off_by,
        corrected_at: local(&r.corrected_at),
        corrected_by: r.corrected_by,
        answers: r.answers,
        photos: r.photos,
    }
}

fn questionnaire_of(r: db::shopper::QuestionnaireRow) -> Result<Questionnaire, DomainError> {
    Ok(Questionnaire {
        id: r.id,
        campaign_id: r.campaign_id,
        version: r.version,
        pass_mark: r.pass_mark,
        questions: serde_json::from_str(&r.questions).map_err(|e| {
            tracing::error!(error = %e, "unreadable question list");
            DomainError::Internal
        })?,
        created_by: r.created_by,
        created_at: r.created_at,
    })
}

/// The campaign's current question list; the default one the first time.
async fn current_list(db: &Db, campaign: CampaignId) -> Result<Questionnaire, DomainError> {
    if let Some(r) = db::shopper::latest_questionnaire(&db.pool, campaign).await? {
        return questionnaire_of(r);
    }
    let json = serde_json::to_string(&shopper::default_questions()).unwrap_or_default();
    let mut w = db.write(&Actor::system()).await?;
    let made = db::shopper::insert_questionnaire(
        &mut *w.tx,
        campaign,
        1,
        shopper::DEFAULT_PASS_MARK,
        &json,
        "Sarafan",
        w.at,
    )
    .await?;
    w.commit().await?;
    let _ = made;
    db::shopper::latest_questionnaire(&db.pool, campaign)
        .await?
        .ok_or(DomainError::Internal)
        .and_then(questionnaire_of)
}

/// The question list a visit is answered with (the version it keeps).
async fn visit_list(db: &Db, id: i64) -> Result<Questionnaire, DomainError> {
    db::shopper::questionnaire(&db.pool, id)
        .await?
        .ok_or(DomainError::Internal)
        .and_then(questionnaire_of)
}

// ---------- the question list ----------

pub async fn questionnaire(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
) -> Result<Questionnaire, DomainError> {
    actor.may(Op::ManageShopperVisits)?;
    super::campaign(db, campaign).await?;
    current_list(db, campaign).await
}

/// Saves a new version of the list. Visits answered with an older one keep it; planned
/// visits nobody has started move to the new one.
pub async fn save_questionnaire(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
    input: &QuestionnaireInput,
) -> Result<Questionnaire, DomainError> {
    actor.may(Op::ManageShopperVisits)?;
    super::campaign(db, campaign).await?;
    shopper::check_input(input)?;
    let current = current_list(db, campaign).await?;
    let questions = shopper::normalise(input);
    let mut w = db.write(actor).await?;
    let unchanged = questions == current.questions && input.pass_mark == current.pass_mark;
    let version = current.version + 1;
    if !unchanged {
        let json = serde_json::to_string(&questions).unwrap_or_default();
        if !db::shopper::insert_questionnaire(
            &mut *w.tx,
            campaign,
            version,
            input.pass_mark,
            &json,
            &actor.name,
            w.at,
        )
        .await?
        {
            // Someone saved a version at the same moment: theirs stands, try again.
            return Err(DomainError::field("questions", ErrorCode::KeyReused));
        }
        let new = db::shopper::latest_questionnaire(&mut *w.tx, campaign)
            .await?
            .ok_or(DomainError::Internal)?;
        let moved = db::shopper::move_unanswered_to(&mut *w.tx, campaign, new.id).await?;
        w.audit(
            "save_questions",
            "campaign",
            Some(campaign.get()),
            serde_json::json!({ "version": version, "questions": questions.len(), "pass_mark": input.pass_mark, "visits_moved": moved }),
        )
        .await?;
    }
    if let Some(n) = input.visits_per_week {
        db::shopper::set_visits_per_week(&mut *w.tx, campaign, n).await?;
        w.audit(
            "shopper_visits_per_week",
            "campaign",
            Some(campaign.get()),
            serde_json::json!({ "visits_per_week": n }),
        )
        .await?;
    }
    w.commit().await?;
    current_list(db, campaign).await
}

// ---------- the rotation ----------

/// Creates this clinic week's visits of a running campaign: as many as the campaign asks for,
/// the stores checked longest ago first (ties: the lowest hand-out rate), each assigned to the
/// shopper account with the fewest visits. Idempotent and safe from several instances (one key
/// per campaign, week and slot). Returns how many it made.
pub async fn ensure_week(db: &Db, campaign_id: CampaignId) -> Result<usize, DomainError> {
    let c = super::campaign(db, campaign_id).await?;
    let today = db.clock.today();
    if c.status != CampaignStatus::Active || today < c.start_date || today > c.end_date {
        return Ok(0);
    }
    let week = db.clock.this_week();
    let wanted = db::shopper::visits_per_week(&db.pool, campaign_id)
        .await?
        .clamp(0, shopper::MAX_VISITS_PER_WEEK) as usize;
    let keys: Vec<String> = (0..wanted)
        .map(|slot| format!("{}:{}:{slot}", campaign_id.get(), week.monday))
        .collect();
    let existing = db::shopper::week_keys(&db.pool, campaign_id, week.monday).await?;
    let missing: Vec<&String> = keys.iter().filter(|k| !existing.contains(k)).collect();
    if missing.is_empty() {
        return Ok(0);
    }
    let list = current_list(db, campaign_id).await?;
    let since = db.now() - Duration::days(shopper::RATE_DAYS);
    let candidates: Vec<Candidate> = db::shopper::candidates(&db.pool, campaign_id, since)
        .await?
        .into_iter()
        .map(|r| Candidate {
            store_id: r.store_id,
            last_checked: r
                .last_checked
                .as_deref()
                .and_then(|d| db::stored_date(d).ok()),
            recent_handouts: r.recent,
        })
        .collect();
    let mut w = db.write(&Actor::system()).await?;
    let mut taken = db::shopper::week_stores(&mut *w.tx, campaign_id, week.monday).await?;
    let mut shoppers = db::shopper::shoppers_load(&mut *w.tx, campaign_id).await?;
    let mut made = 0;
    for key in missing {
        let Some(choice) = shopper::choose(&candidates, &taken, 1).into_iter().next() else {
            break;
        };
        // The shopper with the fewest visits of this campaign.
        shoppers.sort_by_key(|s| (s.2, s.0));
        let shopper = shoppers.first_mut().map(|s| {
            s.2 += 1;
            s.0
        });
        let reason = serde_json::to_string(&choice).unwrap_or_default();
        let id = db::shopper::insert_visit(
            &mut *w.tx,
            &db::shopper::NewVisit {
                campaign: campaign_id,
                store: choice.store_id,
                key,
                week: week.monday,
                questionnaire: list.id,
                chosen_by: "rotation",
                reason: Some(&reason),
                shopper,
                from: week.monday.max(c.start_date),
                to: week.sunday().min(c.end_date),
                announced: false,
                at: w.at,
            },
        )
        .await?;
        if let Some(id) = id {
            taken.push(choice.store_id);
            made += 1;
            w.audit(
                "rotation",
                "shopper_visit",
                Some(id),
                serde_json::json!({ "store_id": choice.store_id, "week": week.monday.to_string(), "shopper_id": shopper }),
            )
            .await?;
        }
    }
    w.commit().await?;
    Ok(made)
}

async fn running_campaign_ids(db: &Db) -> Result<Vec<i64>, DomainError> {
    let mut conn = db.pool.acquire().await.map_err(db::internal)?;
    Ok(db::campaigns::list(&mut conn, None)
        .await?
        .into_iter()
        .filter(|c| c.campaign.status == CampaignStatus::Active)
        .map(|c| c.campaign.id)
        .collect())
}

/// Makes this week's visits of every running campaign.
pub async fn ensure_all_weeks(db: &Db) -> Result<usize, DomainError> {
    let mut made = 0;
    for id in running_campaign_ids(db).await? {
        made += ensure_week(db, CampaignId(id)).await?;
    }
    Ok(made)
}

// ---------- who sees and fills a visit ----------

async fn visit_row(db: &Db, id: i64) -> Result<db::shopper::VisitRow, DomainError> {
    db::shopper::visit(&db.pool, id)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))
}

/// The one rule of who may see a visit.
fn may_see(who: Who<'_>, v: &db::shopper::VisitRow) -> Result<(), DomainError> {
    let hidden = DomainError::Refused(ErrorCode::NotFound);
    match who {
        Who::Link(g) => {
            if g.visit == v.id {
                Ok(())
            } else {
                Err(hidden)
            }
        }
        Who::Person(a) => {
            a.may(Op::ViewShopperVisits)?;
            match a.role {
                Role::Marketer => Ok(()),
                Role::MysteryShopper
                    if v.shopper_id.is_some() && v.shopper_id == a.user_id.map(|u| u.get()) =>
                {
                    Ok(())
                }
                Role::StoreStaff
                    if a.scope().includes(crate::ids::StoreId(v.store_id))
                        && v.state != "cancelled"
                        && (v.announced != 0 || v.state == "signed_off") =>
                {
                    Ok(())
                }
                // An unannounced visit does not exist for the store's staff until it is done.
                _ => Err(hidden),
            }
        }
    }
}

/// The one rule of who may answer: the visit's shopper (account or link) while it is planned.
fn may_fill(who: Who<'_>, v: &db::shopper::VisitRow) -> Result<(), DomainError> {
    match who {
        Who::Link(g) if g.visit == v.id => {}
        Who::Link(_) => return Err(DomainError::Refused(ErrorCode::NotFound)),
        Who::Person(a) => {
            a.may(Op::DoShopperVisit)?;
            if v.shopper_id.is_none() || v.shopper_id != a.user_id.map(|u| u.get()) {
                return Err(DomainError::Refused(ErrorCode::NotFound));
            }
        }
    }
    match v.state.as_str() {
        "planned" => Ok(()),
        "signed_off" => Err(DomainError::Refused(ErrorCode::VisitLocked)),
        _ => Err(DomainError::Refused(ErrorCode::NotFound)),
    }
}

/// Checks an outside shopper's link: it opens its visit until the visit is signed off or the
/// link expires (an offline phone may send its answers several times before that).
pub async fn by_link(db: &Db, secret: &str) -> Result<LinkGrant, DomainError> {
    let secret = secret.trim();
    if secret.is_empty() || secret.len() > 128 {
        return Err(DomainError::Refused(ErrorCode::LinkExpired));
    }
    let v = db::shopper::visit_by_link(&db.pool, &crate::auth::hash_secret(secret))
        .await?
        .ok_or(DomainError::Refused(ErrorCode::LinkExpired))?;
    let expired = v
        .link_expires_at
        .as_deref()
        .and_then(db::parse_ts)
        .is_none_or(|t| t < db.now());
    if expired || v.state != "planned" {
        return Err(DomainError::Refused(ErrorCode::LinkExpired));
    }
    Ok(LinkGrant {
        visit: v.id,
        actor: Actor {
            user_id: None,
            name: v
                .shopper_name
                .clone()
                .unwrap_or_else(|| "тайный покупатель".into()),
            role: Role::MysteryShopper,
            store_id: None,
            session_id: None,
        },
    })
}

// ---------- reading ----------

#[derive(Clone, Debug, Default)]
pub struct VisitFilter {
    pub campaign_id: Option<i64>,
    pub store_id: Option<i64>,
    /// `planned`, `signed_off`, `cancelled`; empty for all.
    pub state: String,
}

/// Visits the person may see, newest week first (at most 500).
pub async fn visits(
    db: &Db,
    actor: &Actor,
    f: &VisitFilter,
) -> Result<Vec<ShopperVisit>, DomainError> {
    actor.may(Op::ViewShopperVisits)?;
    let state = match f.state.trim() {
        "" => None,
        "planned" => Some("planned"),
        "signed_off" => Some("signed_off"),
        "cancelled" => Some("cancelled"),
        _ => return Err(DomainError::field("state", ErrorCode::InvalidChoice)),
    };
    if actor.role != Role::StoreStaff {
        ensure_all_weeks(db).await?;
    }
    let mut q = db::shopper::VisitQuery {
        campaign: f.campaign_id,
        store: f.store_id,
        state,
        limit: 500,
        ..Default::default()
    };
    match actor.role {
        Role::Marketer => {}
        Role::MysteryShopper => q.shopper = Some(actor.user_id.map(|u| u.get()).unwrap_or(-1)),
        Role::StoreStaff => {
            q.store = Some(actor.scope().filter().map(|s| s.get()).unwrap_or(-1));
            if f.store_id.is_some_and(|s| Some(s) != q.store) {
                return Ok(Vec::new());
            }
            q.staff_view = true;
        }
        _ => return Err(DomainError::Refused(ErrorCode::Forbidden)),
    }
    Ok(db::shopper::visits(&db.pool, &q)
        .await?
        .into_iter()
        .map(|r| visit_of(db, r))
        .collect())
}

/// A visit with its questions, answers, photos and corrective tasks.
pub async fn visit(db: &Db, who: Who<'_>, id: i64) -> Result<VisitDetail, DomainError> {
    let v = visit_row(db, id).await?;
    may_see(who, &v)?;
    detail(db, who, v).await
}

async fn detail(
    db: &Db,
    who: Who<'_>,
    v: db::shopper::VisitRow,
) -> Result<VisitDetail, DomainError> {
    let list = visit_list(db, v.questionnaire_id).await?;
    let answers = db::shopper::answers(&db.pool, v.id).await?;
    let photos: Vec<VisitPhoto> = db::shopper::photos(&db.pool, v.id)
        .await?
        .into_iter()
        .map(|p| photo_of(db, p))
        .collect();
    let points: Vec<Option<i64>> = (1..=list.questions.len() as i64)
        .map(|no| {
            answers
                .iter()
                .find(|a| a.question_no == no)
                .and_then(|a| a.score)
        })
        .collect();
    let preview = shopper::score(&list.questions, list.pass_mark, &points);
    let questions = list
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let no = i as i64 + 1;
            let a = answers.iter().find(|a| a.question_no == no);
            AnsweredQuestion {
                no,
                question: q.clone(),
                value: a.map(|a| a.value.clone()),
                points: a.and_then(|a| a.score),
                failed: preview.failed.contains(&i),
                photos: photos
                    .iter()
                    .filter(|p| p.question_no == Some(no))
                    .map(|p| p.id)
                    .collect(),
            }
        })
        .collect();
    let tasks = db::shopper::corrective_tasks(&db.pool, v.id)
        .await?
        .into_iter()
        .map(|(id, title, state)| CorrectiveTask { id, title, state })
        .collect();
    let editable = match who {
        Who::Person(a) if a.role == Role::Marketer => v.state == "signed_off",
        _ => may_fill(who, &v).is_ok(),
    };
    // Store staff see the result, not who checked them or how to reach the shopper's link.
    let staff = matches!(who, Who::Person(a) if a.role == Role::StoreStaff);
    let mut visit = visit_of(db, v);
    if staff {
        visit.shopper_id = None;
        visit.shopper_name = None;
        visit.link_expires = None;
        visit.reason = None;
    }
    Ok(VisitDetail {
        visit,
        questionnaire_version: list.version,
        pass_mark: list.pass_mark,
        questions,
        photos,
        tasks,
        preview,
        editable,
    })
}

// ---------- the shopper's answers ----------

/// A question's number and its answer as stored (value, points), or `None` to clear it.
type ReadAnswer = (i64, Option<(String, Option<i64>)>);

/// Checks answers against the visit's list; every problem named by its question (`q3`).
fn read_answers(
    questions: &[Question],
    input: &[AnswerInput],
) -> Result<Vec<ReadAnswer>, DomainError> {
    let mut c = Check::new();
    let mut out = Vec::new();
    if input.len() > shopper::MAX_QUESTIONS {
        return Err(DomainError::field("answers", ErrorCode::TooMany));
    }
    for a in input {
        let field = format!("q{}", a.question);
        let Some(q) = usize::try_from(a.question - 1)
            .ok()
            .and_then(|i| questions.get(i))
        else {
            c.push(&field, ErrorCode::InvalidChoice);
            continue;
        };
        if a.value.trim().is_empty() {
            out.push((a.question, None));
            continue;
        }
        if let Some(v) = c.take(shopper::read_answer(q, &field, &a.value)) {
            out.push((a.question, Some(v)));
        }
    }
    c.finish()?;
    Ok(out)
}

fn read_visit_day(text: &str) -> Result<Option<NaiveDate>, DomainError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| DomainError::field("visited_on", ErrorCode::InvalidDate))
}

async fn write_answers(
    w: &mut db::Write<'_>,
    db: &Db,
    visit: i64,
    questions: &[Question],
    input: &AnswersInput,
) -> Result<(), DomainError> {
    let answers = read_answers(questions, &input.answers)?;
    if let Some(day) = read_visit_day(&input.visited_on)? {
        if day > db.clock.today() {
            return Err(DomainError::field("visited_on", ErrorCode::InFuture));
        }
        db::shopper::set_visited_on(&mut *w.tx, visit, Some(day), w.at).await?;
    }
    for (no, a) in &answers {
        match a {
            Some((value, points)) => {
                db::shopper::set_answer(&mut *w.tx, visit, *no, value, *points).await?
            }
            None => db::shopper::clear_answer(&mut *w.tx, visit, *no).await?,
        }
    }
    Ok(())
}

/// Saves the shopper's answers (some or all; sent again from an offline phone, the same
/// answers land the same). The visit stays open until sign-off.
pub async fn save_answers(
    db: &Db,
    who: Who<'_>,
    id: i64,
    input: &AnswersInput,
) -> Result<VisitDetail, DomainError> {
    let v = visit_row(db, id).await?;
    may_fill(who, &v)?;
    let list = visit_list(db, v.questionnaire_id).await?;
    let mut w = db.write(who.actor()).await?;
    // Re-read under the write: a sign-off may have happened meanwhile.
    let v = db::shopper::visit(&mut *w.tx, id)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
    may_fill(who, &v)?;
    write_answers(&mut w, db, id, &list.questions, input).await?;
    w.audit(
        "answers",
        "shopper_visit",
        Some(id),
        serde_json::json!({ "answers": input.answers.len() }),
    )
    .await?;
    w.commit().await?;
    visit(db, who, id).await
}

/// Attaches a photo taken in the form (checked by content, turned upright, shrunk to about
/// 300 KB). The same `client_key` sent again returns the photo stored the first time.
pub async fn add_photo(
    db: &Db,
    who: Who<'_>,
    id: i64,
    question: Option<i64>,
    client_key: &str,
    bytes: Vec<u8>,
) -> Result<VisitPhoto, DomainError> {
    let v = visit_row(db, id).await?;
    let key = client_key.trim();
    if key.is_empty() || key.len() > 64 {
        return Err(DomainError::field("key", ErrorCode::Required));
    }
    // A repeated upload of a photo already stored answers with it, even after sign-off.
    if let Some(p) = db::shopper::photo_by_key(&db.pool, id, key).await? {
        may_see(who, &v)?;
        return Ok(photo_of(db, p));
    }
    may_fill(who, &v)?;
    let list = visit_list(db, v.questionnaire_id).await?;
    if let Some(q) = question
        && (q < 1 || q > list.questions.len() as i64)
    {
        return Err(DomainError::field("question", ErrorCode::InvalidChoice));
    }
    if db::shopper::photo_count(&db.pool, id).await? >= shopper::MAX_VISIT_PHOTOS {
        return Err(DomainError::field("photo", ErrorCode::TooMany));
    }
    let original_size = bytes.len() as i64;
    let prepared = tokio::task::spawn_blocking(move || crate::photo::prepare(&bytes))
        .await
        .map_err(|_| DomainError::Internal)??;
    let mut w = db.write(who.actor()).await?;
    let v = db::shopper::visit(&mut *w.tx, id)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
    may_fill(who, &v)?;
    if db::shopper::photo_count(&mut *w.tx, id).await? >= shopper::MAX_VISIT_PHOTOS {
        return Err(DomainError::field("photo", ErrorCode::TooMany));
    }
    let uploader = who.actor().name.clone();
    let pid = db::shopper::insert_photo(
        &mut *w.tx,
        &db::shopper::NewPhoto {
            visit: id,
            question,
            client_key: key,
            content_type: prepared.content_type,
            width: i64::from(prepared.width),
            height: i64::from(prepared.height),
            original_size,
            data: &prepared.data,
            uploader: &uploader,
            at: w.at,
        },
    )
    .await?;
    if let Some(pid) = pid {
        w.audit(
            "photo",
            "shopper_visit",
            Some(id),
            serde_json::json!({ "photo_id": pid, "question": question, "size": prepared.data.len(), "original_size": original_size }),
        )
        .await?;
    }
    w.commit().await?;
    db::shopper::photo_by_key(&db.pool, id, key)
        .await?
        .map(|p| photo_of(db, p))
        .ok_or(DomainError::Internal)
}

fn photo_of(db: &Db, p: db::shopper::PhotoRow) -> VisitPhoto {
    VisitPhoto {
        id: p.id,
        question_no: p.question_no,
        client_key: p.client_key,
        width: p.width,
        height: p.height,
        size: p.size,
        uploader: p.uploader,
        taken_at: db::parse_ts(&p.taken_at)
            .map(|t| db.clock.local_text(t))
            .unwrap_or_default(),
    }
}

/// A stored photo, for whoever may see its visit.
pub async fn photo(db: &Db, who: Who<'_>, id: i64) -> Result<(String, Vec<u8>), DomainError> {
    if let Who::Person(a) = who {
        a.may(Op::ViewShopperVisits)?;
    }
    let p = db::shopper::photo(&db.pool, id)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
    let v = visit_row(db, p.visit_id).await?;
    may_see(who, &v)?;
    Ok((p.content_type, p.data))
}

/// Opens a corrective task for each failed question (once per visit and question).
async fn open_corrective_tasks(
    w: &mut db::Write<'_>,
    db: &Db,
    v: &db::shopper::VisitRow,
    questions: &[Question],
    failed: &[usize],
) -> Result<usize, DomainError> {
    let due = db.clock.today() + Duration::days(CORRECTIVE_DAYS);
    let mut made = 0;
    for &i in failed {
        let Some(q) = questions.get(i) else { continue };
        let title = format!(
            "Тайный покупатель, {}: исправить — «{}»",
            v.store_name, q.text
        );
        let title: String = title.chars().take(300).collect();
        if db::shopper::insert_corrective_task(
            &mut *w.tx,
            CampaignId(v.campaign_id),
            v.store_id,
            v.id,
            i as i64 + 1,
            &title,
            due,
            w.at,
        )
        .await?
        {
            made += 1;
        }
    }
    Ok(made)
}

/// Signs the visit off: every scored question must be answered and every photo question have a
/// photo; the visit is scored and locked, each failed question opens a corrective task for the
/// store, and the week's item 17а is done once the week's visits are signed off. The link stops
/// working.
pub async fn sign_off(
    db: &Db,
    who: Who<'_>,
    id: i64,
    input: Option<&AnswersInput>,
) -> Result<VisitDetail, DomainError> {
    let v = visit_row(db, id).await?;
    // A repeated sign-off from an offline phone answers with the signed-off visit.
    if v.state == "signed_off" && may_see(who, &v).is_ok() {
        return detail(db, who, v).await;
    }
    may_fill(who, &v)?;
    // The week's checklist tasks exist before the visit closes item 17а.
    super::checklist::ensure_tasks(db, CampaignId(v.campaign_id)).await?;
    let list = visit_list(db, v.questionnaire_id).await?;
    let mut w = db.write(who.actor()).await?;
    let v = db::shopper::visit(&mut *w.tx, id)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
    may_fill(who, &v)?;
    if let Some(input) = input {
        write_answers(&mut w, db, id, &list.questions, input).await?;
    }
    let answers = db::shopper::answers(&mut *w.tx, id).await?;
    let photos = db::shopper::photos(&mut *w.tx, id).await?;
    let mut c = Check::new();
    let points: Vec<Option<i64>> = list
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let no = i as i64 + 1;
            let a = answers.iter().find(|a| a.question_no == no);
            if q.kind.scored() && a.is_none() {
                c.push(&format!("q{no}"), ErrorCode::Required);
            }
            if q.kind == shopper::QuestionKind::Photo
                && !photos.iter().any(|p| p.question_no == Some(no))
            {
                c.push(&format!("q{no}"), ErrorCode::Required);
            }
            a.and_then(|a| a.score)
        })
        .collect();
    c.finish()?;
    let visited_on: Option<NaiveDate> = db::shopper::visit(&mut *w.tx, id)
        .await?
        .and_then(|r| r.visited_on)
        .and_then(|d| db::stored_date(&d).ok());
    if visited_on.is_none() {
        db::shopper::set_visited_on(&mut *w.tx, id, Some(db.clock.today()), w.at).await?;
    }
    let s = shopper::score(&list.questions, list.pass_mark, &points);
    let signer = who.actor().label();
    if !db::shopper::sign_off(
        &mut *w.tx,
        id,
        s.score,
        s.passed,
        s.critical_failed,
        &signer,
        w.at,
    )
    .await?
    {
        return Err(DomainError::Refused(ErrorCode::VisitLocked));
    }
    let tasks = open_corrective_tasks(&mut w, db, &v, &list.questions, &s.failed).await?;
    // Item 17а of the visit's week.
    let week = db::stored_date(&v.week_start)?;
    let week_visits =
        db::shopper::signed_in_week(&mut *w.tx, CampaignId(v.campaign_id), week).await?;
    let needed = db::shopper::visits_per_week(&mut *w.tx, CampaignId(v.campaign_id)).await?;
    let ok = week_visits.iter().filter(|r| r.1 > 0).count() as i64;
    if ok >= needed
        && ok == week_visits.len() as i64
        && let Some((task, _)) =
            db::shopper::week_task(&mut *w.tx, CampaignId(v.campaign_id), week).await?
    {
        let evidence = crate::checklist::Evidence {
            passed: true,
            ok,
            total: week_visits.len() as i64,
            failing: Vec::new(),
        };
        let json = serde_json::to_string(&evidence).unwrap_or_default();
        if db::tasks::auto_close(&mut *w.tx, task, &json, super::checklist::AUTO_ACTOR, w.at)
            .await?
        {
            w.audit(
                "auto_done",
                "task",
                Some(task),
                serde_json::json!({ "evidence": evidence }),
            )
            .await?;
        }
    }
    w.audit(
        "sign_off",
        "shopper_visit",
        Some(id),
        serde_json::json!({ "score": s.score, "passed": s.passed, "critical_failed": s.critical_failed, "failed": s.failed, "tasks": tasks }),
    )
    .await?;
    w.commit().await?;
    visit(db, who, id).await
}

/// The marketer corrects a signed-off visit's answers: rescored, on the record (the change log
/// keeps the answers before and after; the visit shows who corrected it and when).
pub async fn correct(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &AnswersInput,
) -> Result<VisitDetail, DomainError> {
    actor.may(Op::ManageShopperVisits)?;
    let v = visit_row(db, id).await?;
    if v.state != "signed_off" {
        return Err(DomainError::field("state", ErrorCode::InvalidChoice));
    }
    let list = visit_list(db, v.questionnaire_id).await?;
    let mut w = db.write(actor).await?;
    let before = db::shopper::answers(&mut *w.tx, id).await?;
    write_answers(&mut w, db, id, &list.questions, input).await?;
    let after = db::shopper::answers(&mut *w.tx, id).await?;
    let points: Vec<Option<i64>> = (1..=list.questions.len() as i64)
        .map(|no| {
            after
                .iter()
                .find(|a| a.question_no == no)
                .and_then(|a| a.score)
        })
        .collect();
    let s = shopper::score(&list.questions, list.pass_mark, &points);
    db::shopper::corrected(
        &mut *w.tx,
        id,
        s.score,
        s.passed,
        s.critical_failed,
        &actor.label(),
        w.at,
    )
    .await?;
    let tasks = open_corrective_tasks(&mut w, db, &v, &list.questions, &s.failed).await?;
    let pairs = |rows: &[db::shopper::AnswerRow]| {
        rows.iter()
            .map(|a| (a.question_no, a.value.clone()))
            .collect::<Vec<_>>()
    };
    w.audit(
        "correct",
        "shopper_visit",
        Some(id),
        serde_json::json!({ "before": pairs(&before), "after": pairs(&after), "score_before": v.score, "score": s.score, "tasks": tasks }),
    )
    .await?;
    w.commit().await?;
    visit(db, Who::Person(actor), id).await
}

// ---------- the marketer's changes ----------

fn read_day(field: &str, text: &Option<String>) -> Result<Option<NaiveDate>, DomainError> {
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| DomainError::field(field, ErrorCode::InvalidDate)),
    }
}

/// Puts another store in (an override), assigns a shopper, sets the window and whether the
/// store is told, or cancels. A signed-off visit is not changed here (see [`correct`]).
pub async fn update_visit(
    db: &Db,
    actor: &Actor,
    id: i64,
    u: &VisitUpdate,
) -> Result<VisitDetail, DomainError> {
    actor.may(Op::ManageShopperVisits)?;
    let v = visit_row(db, id).await?;
    if v.state == "signed_off" {
        return Err(DomainError::Refused(ErrorCode::VisitLocked));
    }
    let mut c = Check::new();
    let from = c
        .take(
            read_day("window_from", &u.window_from)
                .map_err(|_| crate::FieldError::new("window_from", ErrorCode::InvalidDate)),
        )
        .flatten()
        .unwrap_or_else(|| db::stored_date(&v.window_from).unwrap_or(db.clock.today()));
    let to = c
        .take(
            read_day("window_to", &u.window_to)
                .map_err(|_| crate::FieldError::new("window_to", ErrorCode::InvalidDate)),
        )
        .flatten()
        .unwrap_or_else(|| db::stored_date(&v.window_to).unwrap_or(db.clock.today()));
    if to < from {
        c.push("window_to", ErrorCode::EndBeforeStart);
    }
    let name = c
        .take(optional_text(
            "shopper_name",
            u.shopper_name.as_deref().unwrap_or(""),
            MAX_SHOPPER_NAME,
        ))
        .flatten();
    let state = match u.state.as_deref().map(str::trim) {
        None | Some("") => v.state.clone(),
        Some("planned") => "planned".into(),
        Some("cancelled") => "cancelled".into(),
        Some(_) => {
            c.push("state", ErrorCode::InvalidChoice);
            v.state.clone()
        }
    };
    c.finish()?;
    let stores = db::tasks::campaign_stores(&db.pool, CampaignId(v.campaign_id)).await?;
    let store = u.store_id.unwrap_or(v.store_id);
    if !stores.iter().any(|s| s.0 == store) {
        return Err(DomainError::field(
            "store_id",
            ErrorCode::StoreNotInCampaign,
        ));
    }
    let shopper = match u.shopper_id {
        None => v.shopper_id,
        Some(0) => None,
        Some(s) => {
            let shoppers = db::shopper::shoppers_load(&db.pool, CampaignId(v.campaign_id)).await?;
            if !shoppers.iter().any(|x| x.0 == s) {
                return Err(DomainError::field("shopper_id", ErrorCode::InvalidChoice));
            }
            Some(s)
        }
    };
    let chosen_by = if store != v.store_id {
        "marketer"
    } else {
        v.chosen_by.as_str()
    };
    let mut w = db.write(actor).await?;
    db::shopper::update_visit(
        &mut *w.tx,
        &db::shopper::VisitChange {
            id,
            store,
            chosen_by,
            shopper,
            shopper_name: name.as_deref().or(v.shopper_name.as_deref()),
            from,
            to,
            announced: u.announced.unwrap_or(v.announced != 0),
            state: &state,
            at: w.at,
        },
    )
    .await?;
    w.audit(
        "update",
        "shopper_visit",
        Some(id),
        serde_json::json!({ "store_id": store, "was_store_id": v.store_id, "shopper_id": shopper, "window": [from.to_string(), to.to_string()], "announced": u.announced, "state": state }),
    )
    .await?;
    w.commit().await?;
    visit(db, Who::Person(actor), id).await
}

/// Makes an outside shopper's link (a new one replaces the old). It works until the visit is
/// signed off or [`LINK_GRACE_DAYS`] after the window closes.
pub async fn make_link(
    db: &Db,
    actor: &Actor,
    id: i64,
    shopper_name: &str,
    base_url: &str,
) -> Result<VisitLink, DomainError> {
    actor.may(Op::ManageShopperVisits)?;
    let v = visit_row(db, id).await?;
    if v.state != "planned" {
        return Err(DomainError::Refused(ErrorCode::VisitLocked));
    }
    let name = optional_text("shopper_name", shopper_name, MAX_SHOPPER_NAME)
        .map_err(|e| DomainError::Invalid(vec![e]))?;
    let secret = crate::auth::new_secret();
    let to = db::stored_date(&v.window_to)?;
    let expires = db.clock.day_start(to + Duration::days(LINK_GRACE_DAYS + 1));
    let mut w = db.write(actor).await?;
    db::shopper::set_link(
        &mut *w.tx,
        id,
        &crate::auth::hash_secret(&secret),
        expires,
        name.as_deref(),
        w.at,
    )
    .await?;
    w.audit(
        "link",
        "shopper_visit",
        Some(id),
        serde_json::json!({ "shopper_name": name, "expires_at": db::ts(expires) }),
    )
    .await?;
    w.commit().await?;
    let path = format!("/v/{secret}");
    Ok(VisitLink {
        url: format!("{}{path}", base_url.trim_end_matches('/')),
        path,
        expires_at: db.clock.local_text(expires),
    })
}

// ---------- results ----------

/// Each store's scores over the campaign beside its hand-outs and redemptions.
pub async fn trends(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
) -> Result<Vec<StoreTrend>, DomainError> {
    actor.may(Op::ManageShopperVisits)?;
    store_trends(db, campaign).await
}

pub(crate) async fn store_trends(
    db: &Db,
    campaign: CampaignId,
) -> Result<Vec<StoreTrend>, DomainError> {
    let scores = db::shopper::scores(&db.pool, Some(campaign.get()), None).await?;
    let counts = db::checkin::counts(&db.pool, campaign).await?;
    let since = db.now() - Duration::days(shopper::RATE_DAYS);
    let rates = db::shopper::candidates(&db.pool, campaign, since).await?;
    let stores = db::shopper::campaign_stores(&db.pool, campaign).await?;
    Ok(stores
        .into_iter()
        .map(|(store_id, store_name, partner_name)| {
            let points: Vec<TrendPoint> = scores
                .iter()
                .filter(|s| s.store_id == store_id)
                .map(|s| TrendPoint {
                    week_start: db::stored_date(&s.week_start).unwrap_or(db.clock.today()),
                    visit_id: s.id,
                    score: s.score,
                    passed: s.passed.is_some_and(|p| p != 0),
                })
                .collect();
            let mine = counts.iter().filter(|f| f.store_id == Some(store_id));
            let handouts = mine.clone().map(|f| f.handed_out).sum();
            let redeemed = mine.map(|f| f.redeemed).sum();
            let latest = points.last();
            let before = points.len().checked_sub(2).and_then(|i| points.get(i));
            StoreTrend {
                store_id,
                partner_name,
                store_name,
                latest: latest.and_then(|p| p.score),
                latest_passed: latest.map(|p| p.passed),
                change: match (latest.and_then(|p| p.score), before.and_then(|p| p.score)) {
                    (Some(a), Some(b)) => Some(a - b),
                    _ => None,
                },
                last_checked: scores
                    .iter()
                    .filter(|s| s.store_id == store_id)
                    .filter_map(|s| s.visited_on.as_deref())
                    .filter_map(|d| db::stored_date(d).ok())
                    .max(),
                handouts,
                redeemed,
                redemption_pct: (handouts > 0).then(|| (redeemed * 100 + handouts / 2) / handouts),
                rate_x10: shopper::rate_x10(
                    rates
                        .iter()
                        .find(|r| r.store_id == store_id)
                        .map(|r| r.recent)
                        .unwrap_or(0),
                ),
                scores: points,
            }
        })
        .collect())
}

/// The latest signed-off score of each store (any campaign when `campaign` is `None`).
pub async fn latest_scores(
    db: &Db,
    campaign: Option<i64>,
) -> Result<std::collections::HashMap<i64, i64>, DomainError> {
    let mut out = std::collections::HashMap::new();
    for s in db::shopper::scores(&db.pool, campaign, None).await? {
        if let Some(score) = s.score {
            out.insert(s.store_id, score);
        }
    }
    Ok(out)
}

/// The campaign's shopper-visits page.
pub async fn board(
    db: &Db,
    actor: &Actor,
    campaign_id: CampaignId,
) -> Result<ShopperBoard, DomainError> {
    actor.may(Op::ManageShopperVisits)?;
    let c = super::campaign(db, campaign_id).await?;
    ensure_week(db, campaign_id).await?;
    let questionnaire = current_list(db, campaign_id).await?;
    let visits: Vec<ShopperVisit> = db::shopper::visits(
        &db.pool,
        &db::shopper::VisitQuery {
            campaign: Some(campaign_id.get()),
            limit: 500,
            ..Default::default()
        },
    )
    .await?
    .into_iter()
    .map(|r| visit_of(db, r))
    .collect();
    let week = db.clock.this_week().monday;
    let shoppers = db::shopper::shoppers_load(&db.pool, campaign_id)
        .await?
        .into_iter()
        .map(|s| (s.0, s.1))
        .collect();
    Ok(ShopperBoard {
        campaign_id: c.id,
        campaign_name: c.name,
        visits_per_week: db::shopper::visits_per_week(&db.pool, campaign_id).await?,
        questionnaire,
        this_week: visits
            .iter()
            .filter(|v| v.week_start == week)
            .cloned()
            .collect(),
        visits,
        trends: store_trends(db, campaign_id).await?,
        shoppers,
        stores: db::tasks::campaign_stores(&db.pool, campaign_id).await?,
    })
}
