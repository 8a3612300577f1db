//! Mystery-shopper visits: the marketer's board of a campaign, the question list, one visit,
//! the overrides, outside shoppers' links and corrections; the shopper's and the store's lists;
//! the public visit of an outside shopper's link. The shopper's answers and photos go to the
//! JSON API from `public/shopper.js` (they are kept on the phone until the server has them).

use domain::shopper::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppResult;
#[cfg(feature = "ssr")]
#[allow(unused_imports)]
use domain::ids::CampaignId;
#[cfg(feature = "ssr")]
use domain::ops;

/// The marketer's shopper-visits page: the campaigns to choose from and the chosen one's board
/// (`None` when the clinic has no campaign yet).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardPage {
    /// (id, name, running)
    pub campaigns: Vec<(i64, String, bool)>,
    pub board: Option<ShopperBoard>,
    /// The clinic's date, `YYYY-MM-DD`.
    pub today: String,
}

/// One visit as its page shows it, with the clinic's date (the form's default visit day).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitPage {
    pub detail: VisitDetail,
    /// The clinic's date, `YYYY-MM-DD`.
    pub today: String,
}

/// The question list editor: the current version, when and by whom it was saved (local time),
/// and how many stores are checked a week.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionsPage {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub questionnaire: Questionnaire,
    pub saved_at: String,
    pub visits_per_week: i64,
}

/// A link just made, with its visit (the board shows it under that visit, once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MadeLink {
    pub visit_id: i64,
    pub link: VisitLink,
}

/// One question as the editor's form sends it (`questions[3][text]`…).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionRow {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub text_en: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub weight: String,
    /// A checkbox: present only when ticked.
    #[serde(default)]
    pub critical: Option<String>,
    /// Options of a choice question, one a line: `label = points`.
    #[serde(default)]
    pub choices: String,
}

/// Options as the editor shows them: one a line, `label = points`.
pub fn choices_text(choices: &[ChoiceOption]) -> String {
    choices
        .iter()
        .map(|c| format!("{} = {}", c.label, c.points))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the editor's rows into the list the domain checks; a row's problems are named by its
/// question (`q3.weight`).
#[cfg(feature = "ssr")]
fn read_rows(rows: &[QuestionRow]) -> Result<Vec<Question>, domain::DomainError> {
    use domain::ErrorCode;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let field = |name: &str| format!("q{}.{name}", i + 1);
        let kind = match QuestionKind::parse("kind", r.kind.trim()) {
            Ok(k) => k,
            Err(_) => {
                errors.push(domain::FieldError::new(
                    &field("kind"),
                    ErrorCode::InvalidChoice,
                ));
                QuestionKind::YesNo
            }
        };
        let weight = match r.weight.trim() {
            "" => 1,
            w => w.parse().unwrap_or_else(|_| {
                errors.push(domain::FieldError::new(
                    &field("weight"),
                    ErrorCode::CountOutOfRange,
                ));
                1
            }),
        };
        let mut choices = Vec::new();
        if kind == QuestionKind::Choice {
            for line in r.choices.lines().map(str::trim).filter(|l| !l.is_empty()) {
                let parsed = line
                    .rsplit_once('=')
                    .and_then(|(label, points)| Some((label.trim(), points.trim().parse().ok()?)));
                match parsed {
                    Some((label, points)) => choices.push(ChoiceOption {
                        label: label.to_owned(),
                        points,
                    }),
                    None => errors.push(domain::FieldError::new(
                        &field("choices"),
                        ErrorCode::InvalidChoice,
                    )),
                }
            }
        }
        out.push(Question {
            text: r.text.clone(),
            text_en: r.text_en.clone(),
            kind,
            weight,
            // Only a scored answer can fail a visit on its own.
            critical: kind.scored() && r.critical.as_deref().is_some_and(|c| !c.is_empty()),
            choices,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(domain::DomainError::Invalid(errors))
    }
}

#[cfg(feature = "ssr")]
fn number(field: &str, text: &str) -> Result<Option<i64>, domain::DomainError> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| domain::DomainError::field(field, domain::ErrorCode::CountOutOfRange)),
    }
}

/// The board of a campaign; with none given, the first running campaign's (else the newest).
#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_shopper_board(campaign_id: Option<i64>) -> AppResult<BoardPage> {
    with_actor!(|st, a| {
        a.may(domain::policy::Op::ManageShopperVisits)?;
        let today = st.db.clock.today();
        let list = ops::campaigns::list(&st.db, &a).await?;
        let running = |c: &domain::model::Campaign| {
            c.status == domain::types::CampaignStatus::Active
                && c.start_date <= today
                && today <= c.end_date
        };
        let chosen = campaign_id
            .or_else(|| list.iter().find(|&c| running(c)).map(|c| c.id))
            .or_else(|| {
                list.iter()
                    .find(|c| c.status == domain::types::CampaignStatus::Active)
                    .map(|c| c.id)
            })
            .or_else(|| list.first().map(|c| c.id));
        let board = match chosen {
            Some(id) => Some(ops::shopper::board(&st.db, &a, CampaignId(id)).await?),
            None => None,
        };
        Ok(BoardPage {
            campaigns: list
                .iter()
                .map(|c| (c.id, c.name.clone(), running(c)))
                .collect(),
            board,
            today: today.to_string(),
        })
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_shopper_visit(id: i64) -> AppResult<VisitPage> {
    with_actor!(|st, a| {
        let detail = ops::shopper::visit(&st.db, ops::shopper::Who::Person(&a), id).await?;
        Ok(VisitPage {
            detail,
            today: st.db.clock.today().to_string(),
        })
    })
}

/// The marketer's change to a visit (every field as the board's form sends it; `state` is the
/// button pressed: `planned` keeps or restores the visit, `cancelled` cancels it).
#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
#[allow(clippy::too_many_arguments)]
pub async fn update_shopper_visit(
    id: i64,
    #[server(default)] store_id: String,
    #[server(default)] shopper_id: String,
    #[server(default)] window_from: String,
    #[server(default)] window_to: String,
    #[server(default)] announced: Option<String>,
    #[server(default)] state: String,
) -> AppResult<VisitDetail> {
    with_actor!(|st, a| {
        let update = VisitUpdate {
            store_id: super::opt_id("store_id", &store_id)?,
            shopper_id: Some(super::opt_id("shopper_id", &shopper_id)?.unwrap_or(0)),
            shopper_name: None,
            window_from: Some(window_from),
            window_to: Some(window_to),
            announced: Some(announced.is_some_and(|v| !v.is_empty())),
            state: Some(state),
        };
        ops::shopper::update_visit(&st.db, &a, id, &update).await
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn make_shopper_link(
    id: i64,
    #[server(default)] shopper_name: String,
) -> AppResult<MadeLink> {
    with_actor!(|st, a| {
        let base = ops::settings::qr_base_url(&st.db, &st.public_url).await?;
        let link = ops::shopper::make_link(&st.db, &a, id, &shopper_name, &base).await?;
        Ok(MadeLink { visit_id: id, link })
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_shopper_questions(campaign_id: i64) -> AppResult<QuestionsPage> {
    with_actor!(|st, a| {
        let board = ops::shopper::board(&st.db, &a, CampaignId(campaign_id)).await?;
        let q = board.questionnaire;
        Ok(QuestionsPage {
            campaign_id,
            campaign_name: board.campaign_name,
            saved_at: domain::db::parse_ts(&q.created_at)
                .map(|t| st.db.clock.local_text(t))
                .unwrap_or_else(|| q.created_at.clone()),
            questionnaire: q,
            visits_per_week: board.visits_per_week,
        })
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn save_shopper_questions(
    campaign_id: i64,
    #[server(default)] pass_mark: String,
    #[server(default)] visits_per_week: String,
    #[server(default)] questions: Option<Vec<QuestionRow>>,
) -> AppResult<Questionnaire> {
    with_actor!(|st, a| {
        a.may(domain::policy::Op::ManageShopperVisits)?;
        let mut errors = Vec::new();
        let pass = number("pass_mark", &pass_mark).unwrap_or_else(|e| {
            errors.extend(e.fields().to_vec());
            None
        });
        let per_week = number("visits_per_week", &visits_per_week).unwrap_or_else(|e| {
            errors.extend(e.fields().to_vec());
            None
        });
        let list = read_rows(&questions.unwrap_or_default()).unwrap_or_else(|e| {
            errors.extend(e.fields().to_vec());
            Vec::new()
        });
        if !errors.is_empty() {
            return Err(domain::DomainError::Invalid(errors));
        }
        let input = QuestionnaireInput {
            pass_mark: pass.unwrap_or(DEFAULT_PASS_MARK),
            questions: list,
            visits_per_week: per_week,
        };
        ops::shopper::save_questionnaire(&st.db, &a, CampaignId(campaign_id), &input).await
    })
}

/// The marketer corrects a signed-off visit: `answers[q3]=…` as the form names them (a question
/// left out keeps its answer; an empty text clears it).
#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn correct_shopper_visit(
    id: i64,
    #[server(default)] visited_on: String,
    #[server(default)] answers: Option<std::collections::BTreeMap<String, String>>,
) -> AppResult<VisitDetail> {
    with_actor!(|st, a| {
        let mut list = Vec::new();
        for (key, value) in answers.unwrap_or_default() {
            let question = key
                .strip_prefix('q')
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| {
                    domain::DomainError::field(&key, domain::ErrorCode::InvalidChoice)
                })?;
            list.push(AnswerInput { question, value });
        }
        let input = AnswersInput {
            visited_on,
            answers: list,
        };
        ops::shopper::correct(&st.db, &a, id, &input).await
    })
}

/// The mystery shopper's own visits; `None` for anyone else (the home page asks for everyone,
/// so that its resources are created in the same order on the server and in the browser).
#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn my_shopper_visits() -> AppResult<Option<Vec<ShopperVisit>>> {
    with_actor!(|st, a| {
        if a.can(domain::policy::Op::DoShopperVisit) {
            let f = ops::shopper::VisitFilter::default();
            ops::shopper::visits(&st.db, &a, &f).await.map(Some)
        } else {
            Ok(None)
        }
    })
}

/// The store's visits its staff may see (announced ones ahead, signed-off ones with their
/// score); `None` for anyone but store staff.
#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn store_shopper_visits() -> AppResult<Option<Vec<ShopperVisit>>> {
    with_actor!(|st, a| {
        if a.role == domain::types::Role::StoreStaff && a.can(domain::policy::Op::ViewShopperVisits)
        {
            let f = ops::shopper::VisitFilter::default();
            ops::shopper::visits(&st.db, &a, &f).await.map(Some)
        } else {
            Ok(None)
        }
    })
}

/// Public: the visit an outside shopper's link opens (no account). Refused with
/// `LinkExpired` once it is signed off or the link has expired.
#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn link_shopper_visit(secret: String) -> AppResult<VisitPage> {
    let st = crate::ssr::state()?;
    let grant = ops::shopper::by_link(&st.db, &secret).await?;
    let detail =
        ops::shopper::visit(&st.db, ops::shopper::Who::Link(&grant), grant.visit_id()).await?;
    Ok(VisitPage {
        detail,
        today: st.db.clock.today().to_string(),
    })
}
