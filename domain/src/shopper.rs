//! Mystery-shopper visits (checklist item 17а): the question lists and how a visit is scored,
//! and the weekly rotation that picks the store. Plain Rust: compiles for the browser too.
//!
//! **Scoring.** Each scored answer is worth 0–100: yes = 100, no = 0, a score of 1–5 or 1–10
//! mapped linearly (1 → 0, the top → 100), a choice by its option's points. The visit's score
//! is the weighted mean of its scored answers, rounded; free text and photos are not scored.
//! An answer below [`FAIL_BELOW`] fails its question; a failed *critical* question fails the
//! visit whatever the score; otherwise the visit passes at the list's pass mark.
//!
//! **Rotation.** Each clinic week, per campaign, the stores checked longest ago come first
//! (never checked before all), ties broken by the lowest hand-out rate over the last 14 days,
//! then by the store's number. The marketer may put another store in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;

use crate::error::{Check, DomainError, ErrorCode};
use crate::types::string_enum;

/// An answer worth less than this (of 100) fails its question.
pub const FAIL_BELOW: i64 = 50;
/// The default pass mark of a visit.
pub const DEFAULT_PASS_MARK: i64 = 80;
/// Limits of a question list.
pub const MAX_QUESTIONS: usize = 40;
pub const MAX_QUESTION_TEXT: usize = 300;
pub const MAX_CHOICES: usize = 10;
pub const MAX_CHOICE_LABEL: usize = 100;
pub const MAX_WEIGHT: i64 = 10;
/// The longest free-text answer.
pub const MAX_ANSWER_TEXT: usize = 2000;
/// Photos per visit.
pub const MAX_VISIT_PHOTOS: i64 = 20;
/// Visits a campaign may ask for per week.
pub const MAX_VISITS_PER_WEEK: i64 = 10;
/// Days over which the rotation compares stores' hand-out rates.
pub const RATE_DAYS: i64 = 14;

string_enum! {
    /// How a question is answered.
    QuestionKind {
        YesNo => "yes_no",
        /// A score from 1 to 5.
        Score5 => "score5",
        /// A score from 1 to 10.
        Score10 => "score10",
        /// One of the question's options, each worth its points.
        Choice => "choice",
        /// Free text (not scored).
        Text => "text",
        /// A photo taken in the form (not scored).
        Photo => "photo",
    }
}

string_enum! {
    /// Where a visit stands.
    VisitState {
        /// Chosen (and perhaps assigned); the shopper may answer and change answers.
        Planned => "planned",
        /// The shopper signed it off: locked; only the marketer corrects it, on the record.
        SignedOff => "signed_off",
        Cancelled => "cancelled",
    }
}

impl QuestionKind {
    pub fn scored(self) -> bool {
        !matches!(self, QuestionKind::Text | QuestionKind::Photo)
    }
    pub fn msg(self) -> crate::Msg {
        use crate::Msg;
        match self {
            QuestionKind::YesNo => Msg::KindYesNo,
            QuestionKind::Score5 => Msg::KindScore5,
            QuestionKind::Score10 => Msg::KindScore10,
            QuestionKind::Choice => Msg::KindChoice,
            QuestionKind::Text => Msg::KindText,
            QuestionKind::Photo => Msg::KindPhoto,
        }
    }
}

impl VisitState {
    pub fn msg(self) -> crate::Msg {
        use crate::Msg;
        match self {
            VisitState::Planned => Msg::VisitPlanned,
            VisitState::SignedOff => Msg::VisitSignedOff,
            VisitState::Cancelled => Msg::VisitCancelled,
        }
    }
}

/// An option of a choice question and its points (0–100).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ChoiceOption {
    pub label: String,
    pub points: i64,
}

/// One question of a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Question {
    pub text: String,
    #[serde(default)]
    pub text_en: String,
    /// `yes_no`, `score5`, `score10`, `choice`, `text` or `photo`.
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub kind: QuestionKind,
    /// 1–10; unscored kinds ignore it.
    #[serde(default = "one")]
    pub weight: i64,
    /// A failed critical question fails the visit on its own.
    #[serde(default)]
    pub critical: bool,
    /// Options of a choice question.
    #[serde(default)]
    pub choices: Vec<ChoiceOption>,
}

fn one() -> i64 {
    1
}

impl Question {
    pub fn text_in(&self, lang: crate::Lang) -> &str {
        if lang == crate::Lang::En && !self.text_en.is_empty() {
            &self.text_en
        } else {
            &self.text
        }
    }
}

/// A campaign's question list, one version of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Questionnaire {
    pub id: i64,
    pub campaign_id: i64,
    pub version: i64,
    /// A visit passes at this score (0–100) unless a critical question failed.
    pub pass_mark: i64,
    pub questions: Vec<Question>,
    pub created_by: String,
    pub created_at: String,
}

/// A new version of a question list, as the marketer sends it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct QuestionnaireInput {
    pub pass_mark: i64,
    pub questions: Vec<Question>,
    /// How many stores are checked each week (1 when absent).
    #[serde(default)]
    pub visits_per_week: Option<i64>,
}

fn q(text: &str, text_en: &str, kind: QuestionKind, weight: i64, critical: bool) -> Question {
    Question {
        text: text.into(),
        text_en: text_en.into(),
        kind,
        weight,
        critical,
        choices: Vec::new(),
    }
}

/// The default list, written from the seed's intent (item 17а and what the promotion needs from
/// a store's staff).
pub fn default_questions() -> Vec<Question> {
    use QuestionKind::*;
    let mut offer = q(
        "Когда сотрудник предложил сертификат?",
        "When did the employee offer the certificate?",
        Choice,
        2,
        false,
    );
    offer.choices = vec![
        ChoiceOption {
            label: "Сам, до оплаты".into(),
            points: 100,
        },
        ChoiceOption {
            label: "Сам, после оплаты".into(),
            points: 70,
        },
        ChoiceOption {
            label: "Только когда я спросил(а)".into(),
            points: 30,
        },
        ChoiceOption {
            label: "Не предложил".into(),
            points: 0,
        },
    ];
    vec![
        q(
            "Сотрудник сам рассказал об акции, без вопроса покупателя",
            "The employee mentioned the promotion unprompted",
            YesNo,
            3,
            true,
        ),
        offer,
        q(
            "Сотрудник объяснил условия: номинал, срок действия, что сертификат бесплатный",
            "The employee explained the terms: face value, validity, that it is free",
            Score5,
            2,
            false,
        ),
        q(
            "Попросил имя и телефон и согласие на обработку персональных данных",
            "Asked for a name, a phone number and consent to process personal data",
            YesNo,
            2,
            true,
        ),
        q(
            "Плакат акции виден у входа или у кассы",
            "The promotion's poster is visible at the entrance or the till",
            YesNo,
            1,
            false,
        ),
        q(
            "Сертификаты и анкеты есть в наличии",
            "Certificates and forms are in stock",
            YesNo,
            2,
            false,
        ),
        q(
            "Вежливость и доброжелательность сотрудника",
            "The employee's politeness and friendliness",
            Score10,
            1,
            false,
        ),
        q(
            "Фото плаката или стойки с сертификатами",
            "A photo of the poster or the certificate stand",
            Photo,
            1,
            false,
        ),
        q(
            "Что запомнилось, что стоит исправить",
            "What stood out, what should be fixed",
            Text,
            1,
            false,
        ),
    ]
}

/// Checks a list the marketer sends; every problem is named by its field (`questions.3.text`).
pub fn check_input(input: &QuestionnaireInput) -> Result<(), DomainError> {
    let mut c = Check::new();
    if !(0..=100).contains(&input.pass_mark) {
        c.push("pass_mark", ErrorCode::CountOutOfRange);
    }
    if input
        .visits_per_week
        .is_some_and(|n| !(1..=MAX_VISITS_PER_WEEK).contains(&n))
    {
        c.push("visits_per_week", ErrorCode::CountOutOfRange);
    }
    if input.questions.is_empty() {
        c.push("questions", ErrorCode::Required);
    }
    if input.questions.len() > MAX_QUESTIONS {
        c.push("questions", ErrorCode::TooMany);
    }
    for (i, q) in input.questions.iter().enumerate().take(MAX_QUESTIONS) {
        let f = |name: &str| format!("q{}.{name}", i + 1);
        if q.text.trim().is_empty() {
            c.push(&f("text"), ErrorCode::Required);
        }
        if q.text.chars().count() > MAX_QUESTION_TEXT
            || q.text_en.chars().count() > MAX_QUESTION_TEXT
        {
            c.push(&f("text"), ErrorCode::TooLong);
        }
        if !(1..=MAX_WEIGHT).contains(&q.weight) {
            c.push(&f("weight"), ErrorCode::CountOutOfRange);
        }
        if q.critical && !q.kind.scored() {
            c.push(&f("critical"), ErrorCode::InvalidChoice);
        }
        match q.kind {
            QuestionKind::Choice => {
                if q.choices.len() < 2 {
                    c.push(&f("choices"), ErrorCode::Required);
                }
                if q.choices.len() > MAX_CHOICES {
                    c.push(&f("choices"), ErrorCode::TooMany);
                }
                for o in &q.choices {
                    if o.label.trim().is_empty() || o.label.chars().count() > MAX_CHOICE_LABEL {
                        c.push(&f("choices"), ErrorCode::TooLong);
                    }
                    if !(0..=100).contains(&o.points) {
                        c.push(&f("choices"), ErrorCode::CountOutOfRange);
                    }
                }
            }
            _ if !q.choices.is_empty() => c.push(&f("choices"), ErrorCode::InvalidChoice),
            _ => {}
        }
    }
    c.finish()
}

/// A list as stored: texts trimmed, unscored questions never critical.
pub fn normalise(input: &QuestionnaireInput) -> Vec<Question> {
    input
        .questions
        .iter()
        .map(|q| Question {
            text: q.text.trim().to_owned(),
            text_en: q.text_en.trim().to_owned(),
            kind: q.kind,
            weight: q.weight,
            critical: q.critical && q.kind.scored(),
            choices: q
                .choices
                .iter()
                .map(|o| ChoiceOption {
                    label: o.label.trim().to_owned(),
                    points: o.points,
                })
                .collect(),
        })
        .collect()
}

/// Reads an answer to a question: the stored value and its points (`None` for unscored kinds).
/// `field` names the question in errors (`q3`).
pub fn read_answer(
    question: &Question,
    field: &str,
    value: &str,
) -> Result<(String, Option<i64>), crate::FieldError> {
    let bad = || crate::FieldError::new(field, ErrorCode::InvalidChoice);
    let v = value.trim();
    let scale = |top: i64| -> Result<(String, Option<i64>), crate::FieldError> {
        let n: i64 = v.parse().map_err(|_| bad())?;
        if !(1..=top).contains(&n) {
            return Err(bad());
        }
        Ok((
            n.to_string(),
            Some(((n - 1) * 100 + (top - 1) / 2) / (top - 1)),
        ))
    };
    match question.kind {
        QuestionKind::YesNo => match v {
            "yes" | "да" | "true" => Ok(("yes".into(), Some(100))),
            "no" | "нет" | "false" => Ok(("no".into(), Some(0))),
            _ => Err(bad()),
        },
        QuestionKind::Score5 => scale(5),
        QuestionKind::Score10 => scale(10),
        QuestionKind::Choice => {
            let n: usize = v.parse().map_err(|_| bad())?;
            let o = question.choices.get(n).ok_or_else(bad)?;
            Ok((n.to_string(), Some(o.points)))
        }
        QuestionKind::Text => {
            if v.chars().count() > MAX_ANSWER_TEXT {
                return Err(crate::FieldError::new(field, ErrorCode::TooLong));
            }
            Ok((v.to_owned(), None))
        }
        // A photo question's answer is its photos; a note may go with them.
        QuestionKind::Photo => {
            if v.chars().count() > MAX_ANSWER_TEXT {
                return Err(crate::FieldError::new(field, ErrorCode::TooLong));
            }
            Ok((v.to_owned(), None))
        }
    }
}

/// A visit's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct VisitScore {
    /// 0–100; `None` when no scored question was answered.
    pub score: Option<i64>,
    pub passed: bool,
    pub critical_failed: bool,
    /// Positions (0-based) of the questions that failed.
    pub failed: Vec<usize>,
}

/// Scores a visit from each question's points (`None`: unanswered or unscored).
pub fn score(questions: &[Question], pass_mark: i64, points: &[Option<i64>]) -> VisitScore {
    let mut sum = 0i64;
    let mut weights = 0i64;
    let mut failed = Vec::new();
    let mut critical_failed = false;
    for (i, q) in questions.iter().enumerate() {
        if !q.kind.scored() {
            continue;
        }
        let Some(p) = points.get(i).copied().flatten() else {
            continue;
        };
        sum += p * q.weight;
        weights += q.weight;
        if p < FAIL_BELOW {
            failed.push(i);
            critical_failed |= q.critical;
        }
    }
    let score = (weights > 0).then(|| (sum * 2 + weights) / (weights * 2));
    VisitScore {
        passed: !critical_failed && score.is_some_and(|s| s >= pass_mark),
        score,
        critical_failed,
        failed,
    }
}

/// A store the rotation may choose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub store_id: i64,
    /// The day of its last signed-off visit in this campaign.
    pub last_checked: Option<NaiveDate>,
    /// Hand-outs over the last [`RATE_DAYS`] days.
    pub recent_handouts: i64,
}

/// Why the rotation chose a store, for the marketer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Choice {
    pub store_id: i64,
    pub last_checked: Option<NaiveDate>,
    /// Hand-outs per day over the last 14 days, in tenths.
    pub rate_x10: i64,
}

/// Hand-outs per day in tenths.
pub fn rate_x10(handouts: i64) -> i64 {
    (handouts * 10 + RATE_DAYS / 2) / RATE_DAYS
}

/// The rotation: the `count` stores to check this week, in order, leaving out `taken`.
pub fn choose(candidates: &[Candidate], taken: &[i64], count: usize) -> Vec<Choice> {
    let mut c: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| !taken.contains(&c.store_id))
        .collect();
    c.sort_by_key(|c| (c.last_checked, c.recent_handouts, c.store_id));
    c.into_iter()
        .take(count)
        .map(|c| Choice {
            store_id: c.store_id,
            last_checked: c.last_checked,
            rate_x10: rate_x10(c.recent_handouts),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    #[test]
    fn the_default_list_is_valid_and_asks_what_the_seed_wants_checked() {
        let list = default_questions();
        check_input(&QuestionnaireInput {
            pass_mark: DEFAULT_PASS_MARK,
            questions: list.clone(),
            visits_per_week: None,
        })
        .expect("the default list is valid");
        assert!(list.iter().any(|q| q.critical));
        assert!(list.iter().any(|q| q.kind == QuestionKind::Photo));
        assert!(list.iter().all(|q| !q.text_en.is_empty()));
    }

    #[test]
    fn scores_are_mapped_to_a_hundred_and_weighted() {
        let s5 = q("a", "", QuestionKind::Score5, 1, false);
        let s10 = q("b", "", QuestionKind::Score10, 1, false);
        assert_eq!(read_answer(&s5, "q1", "1").expect("an answer").1, Some(0));
        assert_eq!(read_answer(&s5, "q1", "3").expect("an answer").1, Some(50));
        assert_eq!(read_answer(&s5, "q1", "5").expect("an answer").1, Some(100));
        assert_eq!(
            read_answer(&s10, "q2", "10").expect("an answer").1,
            Some(100)
        );
        assert_eq!(read_answer(&s10, "q2", "4").expect("an answer").1, Some(33));
        assert!(read_answer(&s5, "q1", "6").is_err());
        // yes (weight 3) = 100, no (weight 1) = 0 → 75.
        let list = vec![
            q("a", "", QuestionKind::YesNo, 3, false),
            q("b", "", QuestionKind::YesNo, 1, false),
            q("c", "", QuestionKind::Text, 5, false),
        ];
        let s = score(&list, 70, &[Some(100), Some(0), None]);
        assert_eq!(s.score, Some(75));
        assert!(s.passed);
        assert_eq!(s.failed, vec![1]);
        assert!(!score(&list, 80, &[Some(100), Some(0), None]).passed);
    }

    #[test]
    fn a_failed_critical_question_fails_the_visit_whatever_the_score() {
        let list = vec![
            q("a", "", QuestionKind::YesNo, 1, true),
            q("b", "", QuestionKind::YesNo, 9, false),
        ];
        let s = score(&list, 50, &[Some(0), Some(100)]);
        assert_eq!(s.score, Some(90));
        assert!(s.critical_failed);
        assert!(!s.passed);
    }

    #[test]
    fn the_rotation_takes_the_store_checked_longest_ago_then_the_slowest() {
        let c = |id, last: Option<NaiveDate>, h| Candidate {
            store_id: id,
            last_checked: last,
            recent_handouts: h,
        };
        let stores = vec![
            c(1, Some(d(11, 2)), 0),
            c(2, Some(d(11, 9)), 0),
            c(3, None, 40),
            c(4, None, 12),
        ];
        let picked = choose(&stores, &[], 2);
        assert_eq!(
            picked.iter().map(|p| p.store_id).collect::<Vec<_>>(),
            vec![4, 3]
        );
        assert_eq!(picked[0].rate_x10, 9);
        assert_eq!(choose(&stores, &[4, 3], 1)[0].store_id, 1);
    }
}

// ---------- what the API and the pages show ----------

/// A visit as lists show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ShopperVisit {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_name: String,
    pub store_id: i64,
    pub store_name: String,
    pub partner_name: String,
    pub store_address: Option<String>,
    pub opening_hours: Option<String>,
    /// Monday of the visit's clinic week.
    pub week_start: NaiveDate,
    /// `rotation` or `marketer`.
    pub chosen_by: String,
    /// Why the rotation chose the store: when it was last checked, its hand-out rate.
    pub reason: Option<Choice>,
    pub shopper_id: Option<i64>,
    /// The shopper's account name, or the outside shopper's name.
    pub shopper_name: Option<String>,
    /// An outside shopper's link exists (and until when it works).
    pub link_expires: Option<String>,
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    pub announced: bool,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub state: VisitState,
    pub visited_on: Option<NaiveDate>,
    pub score: Option<i64>,
    pub passed: Option<bool>,
    pub critical_failed: bool,
    pub signed_off_at: Option<String>,
    pub signed_off_by: Option<String>,
    pub corrected_at: Option<String>,
    pub corrected_by: Option<String>,
    pub answers: i64,
    pub photos: i64,
}

/// One question of a visit with its answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct AnsweredQuestion {
    /// 1-based, as the form and errors name it (`q3`).
    pub no: i64,
    pub question: Question,
    pub value: Option<String>,
    /// The answer's points (0–100); `None` when unscored or unanswered.
    pub points: Option<i64>,
    pub failed: bool,
    /// Photo ids taken for this question.
    pub photos: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct VisitPhoto {
    pub id: i64,
    pub question_no: Option<i64>,
    /// The key the phone sent it with (a repeated upload lands once).
    pub client_key: String,
    pub width: i64,
    pub height: i64,
    pub size: i64,
    pub uploader: String,
    pub taken_at: String,
}

/// A corrective task a failed question opened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct CorrectiveTask {
    pub id: i64,
    pub title: String,
    pub state: String,
}

/// A visit with its questions, answers, photos and the tasks it opened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct VisitDetail {
    pub visit: ShopperVisit,
    pub questionnaire_version: i64,
    pub pass_mark: i64,
    pub questions: Vec<AnsweredQuestion>,
    pub photos: Vec<VisitPhoto>,
    pub tasks: Vec<CorrectiveTask>,
    /// The score the answers give now (before sign-off: a preview).
    pub preview: VisitScore,
    /// The person asking may still change the answers.
    pub editable: bool,
}

/// One answer as the form sends it: the question's number (1-based) and the value (`yes`/`no`,
/// a score, a choice's 0-based index, free text; empty clears it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct AnswerInput {
    pub question: i64,
    #[serde(default)]
    pub value: String,
}

/// The shopper's answers (all or some of them), with the day of the visit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct AnswersInput {
    /// `YYYY-MM-DD`; empty keeps what was saved.
    #[serde(default)]
    pub visited_on: String,
    #[serde(default)]
    pub answers: Vec<AnswerInput>,
}

/// The marketer's change to a visit: another store (an override), the shopper, the window,
/// announced or not, cancelled.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct VisitUpdate {
    pub store_id: Option<i64>,
    /// A mystery-shopper account; 0 takes the account off.
    pub shopper_id: Option<i64>,
    /// An outside shopper's name (with a link).
    pub shopper_name: Option<String>,
    pub window_from: Option<String>,
    pub window_to: Option<String>,
    pub announced: Option<bool>,
    /// `planned` or `cancelled`.
    pub state: Option<String>,
}

/// An outside shopper's link: shown once, only its hash is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct VisitLink {
    /// The path to give the shopper (`/v/<secret>`); prefix the clinic's public address.
    pub path: String,
    pub url: String,
    pub expires_at: String,
}

/// One store's mystery-shopper results beside its promotion figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct StoreTrend {
    pub store_id: i64,
    pub store_name: String,
    pub partner_name: String,
    /// Signed-off visits, oldest first: (Monday of the week, score).
    pub scores: Vec<TrendPoint>,
    pub latest: Option<i64>,
    pub latest_passed: Option<bool>,
    /// The latest score minus the one before.
    pub change: Option<i64>,
    pub last_checked: Option<NaiveDate>,
    pub handouts: i64,
    pub redeemed: i64,
    /// Redeemed of handed out, in percent.
    pub redemption_pct: Option<i64>,
    /// Hand-outs per day over the last 14 days, in tenths.
    pub rate_x10: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct TrendPoint {
    pub week_start: NaiveDate,
    pub visit_id: i64,
    pub score: Option<i64>,
    pub passed: bool,
}

/// The shopper-visits page of a campaign: the question list, this week's visits, every visit,
/// the stores' trends, the shoppers to assign.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ShopperBoard {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub visits_per_week: i64,
    pub questionnaire: Questionnaire,
    pub this_week: Vec<ShopperVisit>,
    pub visits: Vec<ShopperVisit>,
    pub trends: Vec<StoreTrend>,
    /// Mystery-shopper accounts: (id, name).
    pub shoppers: Vec<(i64, String)>,
    /// The campaign's stores: (id, name).
    pub stores: Vec<(i64, String)>,
}
