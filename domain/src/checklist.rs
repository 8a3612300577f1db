//! The promotion checklist: the seed's 21 points (`shared/seeds/partner-promotion-checklist`)
//! as the clinic's editable template, when each comes due, which ones Sarafan checks by
//! itself, and the tasks a campaign gets from them. Plain Rust: compiles for the browser too.
//!
//! A campaign's tasks are *planned* by [`plan`] from its dates, stores, partners and the clinic
//! week, each with a unique key (item, store, partner, week), and created idempotently by the
//! storage layer: several app instances planning the same week never double a task, and no
//! scheduler is needed — the week's tasks appear the first time anyone looks.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;

use crate::Msg;
use crate::clock::Week;
use crate::types::{Role, string_enum};

string_enum! {
    /// When a checklist point comes due, and how many tasks it makes.
    Schedule {
        /// Once, `offset_days` before the campaign starts.
        BeforeStart => "before_start",
        /// Once, `offset_days` after the start.
        AtStart => "at_start",
        /// Once per store, `offset_days` after the start.
        PerStore => "per_store",
        /// Once per partner, `offset_days` after the start (the partner's own mailings, posts).
        PerPartner => "per_partner",
        /// Every clinic week of the campaign, due on the clinic's weekly check day.
        Weekly => "weekly",
        /// Every week, for every store.
        WeeklyPerStore => "weekly_per_store",
        /// Once, `offset_days` after the campaign's last day.
        AfterEnd => "after_end",
        /// Once, `offset_days` before the certificates expire.
        BeforeExpiry => "before_expiry",
    }
}

string_enum! {
    /// What Sarafan can tell by itself from its own data.
    AutoCheck {
        /// Item 1: the campaign's regulations text is written.
        RegulationsWritten => "regulations_written",
        /// Item 2: a printed copy delivered to the store, or the store's staff opened the PDF.
        RegulationsInStore => "regulations_in_store",
        /// Items 3, 6: every active employee of every store confirmed reading the regulations.
        StaffReadRegulations => "staff_read_regulations",
        /// Item 4: every store has an administrator with a phone.
        StoreAdmins => "store_admins",
        /// Items 7, 8: every reception account confirmed the briefing; doctors' briefings recorded.
        ClinicBriefed => "clinic_briefed",
        /// Item 9: certificates for at least the campaign's minimum days.
        CertificatesCover => "certificates_cover",
        /// Item 10: posters in the store.
        PostersInStore => "posters_in_store",
        /// Item 11: paper forms for at least the minimum days.
        FormsCover => "forms_cover",
        /// Item 12: hand-outs with contacts in every store over the last seven days.
        ContactsCollected => "contacts_collected",
        /// Item 17б: certificates a week ahead.
        CertificatesWeekAhead => "certificates_week_ahead",
        /// Item 17в: forms a week ahead.
        FormsWeekAhead => "forms_week_ahead",
        /// Item 18: the store's forms collected (returned or counted) after the end.
        FormsCollected => "forms_collected",
        /// Item 19: every paper form used has been typed in.
        FormsEntered => "forms_entered",
        /// Item 17а: the week's mystery-shopper visits are signed off.
        ShopperVisitSigned => "shopper_visit_signed",
    }
}

string_enum! {
    /// What a task needs as proof when it is done.
    Proof {
        None => "none",
        /// A link (to the post, the mailing) or a photo/screenshot.
        LinkOrPhoto => "link_or_photo",
        Photo => "photo",
    }
}

string_enum! {
    TaskState { Open => "open", Done => "done", NotApplicable => "na" }
}

string_enum! {
    /// A checklist task or a store's request for more stock.
    TaskKind { Checklist => "checklist", Request => "request" }
}

impl Schedule {
    pub fn msg(self) -> Msg {
        match self {
            Schedule::BeforeStart => Msg::ScheduleBeforeStart,
            Schedule::AtStart => Msg::ScheduleAtStart,
            Schedule::PerStore => Msg::SchedulePerStore,
            Schedule::PerPartner => Msg::SchedulePerPartner,
            Schedule::Weekly => Msg::ScheduleWeekly,
            Schedule::WeeklyPerStore => Msg::ScheduleWeeklyPerStore,
            Schedule::AfterEnd => Msg::ScheduleAfterEnd,
            Schedule::BeforeExpiry => Msg::ScheduleBeforeExpiry,
        }
    }
    pub fn per_store(self) -> bool {
        matches!(self, Schedule::PerStore | Schedule::WeeklyPerStore)
    }
    pub fn weekly(self) -> bool {
        matches!(self, Schedule::Weekly | Schedule::WeeklyPerStore)
    }
}

impl TaskState {
    pub fn msg(self) -> Msg {
        match self {
            TaskState::Open => Msg::TaskOpen,
            TaskState::Done => Msg::TaskDone,
            TaskState::NotApplicable => Msg::TaskNotApplicable,
        }
    }
}

impl AutoCheck {
    /// Checked store by store (a per-store task looks at its store only).
    pub fn per_store(self) -> bool {
        !matches!(
            self,
            AutoCheck::RegulationsWritten
                | AutoCheck::ClinicBriefed
                | AutoCheck::ShopperVisitSigned
        )
    }
    pub fn msg(self) -> Msg {
        match self {
            AutoCheck::RegulationsWritten => Msg::CheckRegulationsWritten,
            AutoCheck::RegulationsInStore => Msg::CheckRegulationsInStore,
            AutoCheck::StaffReadRegulations => Msg::CheckStaffRead,
            AutoCheck::StoreAdmins => Msg::CheckStoreAdmins,
            AutoCheck::ClinicBriefed => Msg::CheckClinicBriefed,
            AutoCheck::CertificatesCover => Msg::CheckCertificatesCover,
            AutoCheck::PostersInStore => Msg::CheckPosters,
            AutoCheck::FormsCover => Msg::CheckFormsCover,
            AutoCheck::ContactsCollected => Msg::CheckContacts,
            AutoCheck::CertificatesWeekAhead => Msg::CheckCertificatesWeek,
            AutoCheck::FormsWeekAhead => Msg::CheckFormsWeek,
            AutoCheck::FormsCollected => Msg::CheckFormsCollected,
            AutoCheck::FormsEntered => Msg::CheckFormsEntered,
            AutoCheck::ShopperVisitSigned => Msg::CheckShopperVisit,
        }
    }
}

/// One point of the seed's checklist, as Sarafan ships it.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinItem {
    /// Stable key (the template row keeps it however the clinic edits the texts).
    pub key: &'static str,
    pub code: &'static str,
    pub title: &'static str,
    pub title_en: &'static str,
    pub schedule: Schedule,
    pub offset_days: i64,
    pub role: Role,
    pub auto: Option<AutoCheck>,
    pub proof: Proof,
}

const fn item(
    key: &'static str,
    code: &'static str,
    title: &'static str,
    title_en: &'static str,
    schedule: Schedule,
    offset_days: i64,
    auto: Option<AutoCheck>,
) -> BuiltinItem {
    BuiltinItem {
        key,
        code,
        title,
        title_en,
        schedule,
        offset_days,
        role: Role::Marketer,
        auto,
        proof: Proof::None,
    }
}

const fn partner_item(
    key: &'static str,
    code: &'static str,
    title: &'static str,
    title_en: &'static str,
) -> BuiltinItem {
    BuiltinItem {
        key,
        code,
        title,
        title_en,
        schedule: Schedule::PerPartner,
        offset_days: 7,
        role: Role::Marketer,
        auto: None,
        proof: Proof::LinkOrPhoto,
    }
}

use AutoCheck as A;
use Schedule as S;

/// The seed's checklist, point by point, with its weekly routine (item 17).
pub const TEMPLATE: &[BuiltinItem] = &[
    item(
        "regulations",
        "1",
        "Написан регламент акции для сотрудников партнёра",
        "The campaign's regulations for the partner's staff are written",
        S::BeforeStart,
        14,
        Some(A::RegulationsWritten),
    ),
    item(
        "regulations_copies",
        "2",
        "В магазине есть минимум один экземпляр регламента",
        "The store has at least one copy of the regulations",
        S::PerStore,
        0,
        Some(A::RegulationsInStore),
    ),
    item(
        "staff_read",
        "3",
        "Все сотрудники партнёра ознакомлены с регламентом",
        "Every employee of the partner has read the regulations",
        S::AtStart,
        3,
        Some(A::StaffReadRegulations),
    ),
    item(
        "admins",
        "4",
        "Есть список имён и мобильных номеров администраторов всех магазинов",
        "You have the names and mobile numbers of every store's administrators",
        S::BeforeStart,
        7,
        Some(A::StoreAdmins),
    ),
    item(
        "motivation",
        "5",
        "Продумана система мотивации для сотрудников партнёра",
        "A motivation scheme for the partner's staff is worked out",
        S::BeforeStart,
        7,
        None,
    ),
    item(
        "motivation_known",
        "6",
        "Все сотрудники партнёра знают про систему мотивации (можно прописать в регламенте)",
        "Every employee of the partner knows the motivation scheme (it may be in the regulations)",
        S::AtStart,
        3,
        Some(A::StaffReadRegulations),
    ),
    BuiltinItem {
        role: Role::Reception,
        ..item(
            "clinic_briefed",
            "7",
            "Администраторы и врачи клиники в курсе акции и знают её тонкости",
            "The clinic's reception and doctors know the campaign and its details",
            S::BeforeStart,
            1,
            Some(A::ClinicBriefed),
        )
    },
    BuiltinItem {
        role: Role::Reception,
        ..item(
            "clinic_engage",
            "8",
            "Врачи и администраторы вовлекают участников акции в лечение в клинике",
            "Doctors and reception engage the campaign's participants in treatment at the clinic",
            S::AtStart,
            0,
            Some(A::ClinicBriefed),
        )
    },
    item(
        "certificates_stock",
        "9",
        "В магазине есть подарочные сертификаты минимум на 5 дней",
        "The store has gift certificates for at least 5 days",
        S::PerStore,
        0,
        Some(A::CertificatesCover),
    ),
    item(
        "posters",
        "10",
        "В магазине размещены афишки с информацией об акции",
        "Posters about the campaign are up in the store",
        S::PerStore,
        0,
        Some(A::PostersInStore),
    ),
    item(
        "forms_stock",
        "11",
        "В магазине есть анкеты участников минимум на 5 дней вперёд",
        "The store has participant forms for at least 5 days ahead",
        S::PerStore,
        0,
        Some(A::FormsCover),
    ),
    item(
        "contacts",
        "12",
        "Сотрудники партнёра собирают контактные данные участников",
        "The partner's staff collect the participants' contacts",
        S::AtStart,
        7,
        Some(A::ContactsCollected),
    ),
    partner_item(
        "partner_sms",
        "13",
        "Партнёр сделал SMS-рассылку об акции по своей базе клиентов",
        "The partner sent an SMS about the campaign to its customer base",
    ),
    partner_item(
        "partner_email",
        "14",
        "Партнёр сделал e-mail-рассылку об акции по своей базе клиентов",
        "The partner e-mailed its customer base about the campaign",
    ),
    partner_item(
        "partner_site",
        "15",
        "Партнёр разместил информацию об акции на своём сайте",
        "The partner put the campaign on its website",
    ),
    partner_item(
        "partner_social",
        "16",
        "Партнёр разместил информацию об акции в социальных сетях",
        "The partner posted the campaign on its social media pages",
    ),
    BuiltinItem {
        role: Role::MysteryShopper,
        ..item(
            "shopper_visit",
            "17а",
            "Один из магазинов проверен «тайным покупателем»",
            "One of the stores is checked by a mystery shopper",
            S::Weekly,
            0,
            Some(A::ShopperVisitSigned),
        )
    },
    item(
        "certificates_week",
        "17б",
        "В магазине достаточно сертификатов на неделю вперёд",
        "The store has enough certificates for a week ahead",
        S::WeeklyPerStore,
        0,
        Some(A::CertificatesWeekAhead),
    ),
    item(
        "forms_week",
        "17в",
        "В магазине достаточно анкет на неделю вперёд",
        "The store has enough participant forms for a week ahead",
        S::WeeklyPerStore,
        0,
        Some(A::FormsWeekAhead),
    ),
    item(
        "motivation_week",
        "17г",
        "Подведены недельные итоги мотивации и доведены до всех сотрудников партнёров",
        "The week's motivation results are summed up and told to every partner employee",
        S::Weekly,
        0,
        None,
    ),
    item(
        "week_summary",
        "17д",
        "Подведены итоги недели: сертификаты, визиты, выручка, другие услуги",
        "The week is summed up: certificates, visits, revenue, other services",
        S::Weekly,
        0,
        None,
    ),
    item(
        "forms_collected",
        "18",
        "После окончания акции анкеты собраны из магазина",
        "After the campaign the store's participant forms are collected",
        S::PerStore,
        3,
        Some(A::FormsCollected),
    ),
    item(
        "forms_entered",
        "19",
        "Данные из анкет участников переведены в электронный вид",
        "The participant forms are typed in",
        S::AfterEnd,
        7,
        Some(A::FormsEntered),
    ),
    item(
        "expiry_sms",
        "20",
        "За неделю до окончания срока сертификатов сделана SMS-рассылка всем участникам",
        "A week before the certificates expire, every participant got an SMS",
        S::BeforeExpiry,
        7,
        None,
    ),
    item(
        "results",
        "21",
        "Подведены итоги акции: затраты, сертификаты, контакты, визиты, выручка, прибыль, окупаемость",
        "The campaign's results: costs, certificates, contacts, visits, revenue, profit, payback",
        S::AfterEnd,
        14,
        None,
    ),
];

/// Item 18 is due after the end, per store: a per-store item whose offset counts from the end.
pub fn counts_from_end(key: Option<&str>) -> bool {
    key == Some("forms_collected")
}

/// A template row as stored (the clinic's version of a point).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ChecklistItem {
    pub id: i64,
    /// The seed point it came from (`None`: the clinic's own).
    pub builtin: Option<String>,
    pub position: i64,
    pub code: String,
    pub title: String,
    pub title_en: String,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub schedule: Schedule,
    pub offset_days: i64,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub role: Role,
    #[cfg_attr(feature = "server", schema(value_type = Option<String>))]
    pub auto_check: Option<AutoCheck>,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub proof: Proof,
    pub active: bool,
}

impl ChecklistItem {
    pub fn title_in(&self, lang: crate::Lang) -> &str {
        if lang == crate::Lang::En && !self.title_en.is_empty() {
            &self.title_en
        } else {
            &self.title
        }
    }
}

/// A template row as the marketer edits it (texts as typed; checked by the server).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ItemInput {
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub title_en: String,
    /// One of `before_start`, `at_start`, `per_store`, `per_partner`, `weekly`,
    /// `weekly_per_store`, `after_end`, `before_expiry`.
    pub schedule: String,
    #[serde(default)]
    pub offset_days: String,
    /// `marketer`, `reception`, `store_staff` or `mystery_shopper`.
    pub role: String,
    /// `none`, `link_or_photo` or `photo`.
    #[serde(default)]
    pub proof: String,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub position: String,
}

fn yes() -> bool {
    true
}

/// The campaign facts the plan needs.
#[derive(Clone, Debug)]
pub struct PlanCampaign {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub valid_until: NaiveDate,
}

/// The template row facts the plan needs.
#[derive(Clone, Debug)]
pub struct PlanItem {
    pub id: i64,
    pub builtin: Option<String>,
    pub schedule: Schedule,
    pub offset_days: i64,
}

/// A task the campaign should have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedTask {
    pub key: String,
    pub item_id: i64,
    pub store_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub week: Option<Week>,
    pub due_on: NaiveDate,
}

/// The clinic weeks of a campaign up to (and including) `through`.
pub fn weeks(c: &PlanCampaign, through: Week) -> Vec<Week> {
    let mut out = Vec::new();
    let mut w = Week::of(c.start);
    let last = Week::of(c.end).min(through);
    while w <= last && out.len() < 600 {
        out.push(w);
        w = w.next();
    }
    out
}

/// The due day of a week's routine: the clinic's weekly check day (1 = Monday … 7 = Sunday),
/// kept within the campaign.
pub fn weekly_due(c: &PlanCampaign, week: Week, check_day: i64) -> NaiveDate {
    let due = week.monday + Duration::days(check_day.clamp(1, 7) - 1);
    due.max(c.start).min(c.end)
}

/// The unique key of a task: campaign, point, store, partner, week.
pub fn task_key(
    campaign: i64,
    item: i64,
    store: Option<i64>,
    partner: Option<i64>,
    week: Option<Week>,
) -> String {
    let o = |v: Option<i64>| v.map_or_else(|| "-".to_owned(), |v| v.to_string());
    format!(
        "c{campaign}/i{item}/s{}/p{}/w{}",
        o(store),
        o(partner),
        week.map_or_else(|| "-".to_owned(), |w| w.monday.to_string())
    )
}

/// Every task a campaign should have by the week `through`: once-points at once, weekly
/// points for each week so far, per-store points for each store, per-partner points for each
/// partner.
pub fn plan(
    campaign: i64,
    c: &PlanCampaign,
    items: &[PlanItem],
    stores: &[i64],
    partners: &[i64],
    through: Week,
    check_day: i64,
) -> Vec<PlannedTask> {
    let mut out = Vec::new();
    let weeks = weeks(c, through);
    for it in items {
        let days = Duration::days(it.offset_days);
        let mut add = |store: Option<i64>, partner: Option<i64>, week: Option<Week>, due| {
            out.push(PlannedTask {
                key: task_key(campaign, it.id, store, partner, week),
                item_id: it.id,
                store_id: store,
                partner_id: partner,
                week,
                due_on: due,
            });
        };
        match it.schedule {
            Schedule::BeforeStart => add(None, None, None, c.start - days),
            Schedule::AtStart => add(None, None, None, c.start + days),
            Schedule::AfterEnd => add(None, None, None, c.end + days),
            Schedule::BeforeExpiry => add(None, None, None, c.valid_until - days),
            Schedule::PerStore => {
                let base = if counts_from_end(it.builtin.as_deref()) {
                    c.end
                } else {
                    c.start
                };
                for s in stores {
                    add(Some(*s), None, None, base + days);
                }
            }
            Schedule::PerPartner => {
                for p in partners {
                    add(None, Some(*p), None, c.start + days);
                }
            }
            Schedule::Weekly => {
                for w in &weeks {
                    add(None, None, Some(*w), weekly_due(c, *w, check_day));
                }
            }
            Schedule::WeeklyPerStore => {
                for w in &weeks {
                    for s in stores {
                        add(Some(*s), None, Some(*w), weekly_due(c, *w, check_day));
                    }
                }
            }
        }
    }
    out
}

/// What an automatic check saw: how many stores (or people) pass of how many, and the ones
/// that do not, with a figure each ("3,0" days, "2/5" read).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Evidence {
    pub passed: bool,
    pub ok: i64,
    pub total: i64,
    pub failing: Vec<EvidenceItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct EvidenceItem {
    pub name: String,
    pub figure: String,
}

impl Evidence {
    /// "5 of 6 stores ≥ 5 days; Лотос на Пресне: 3,0" in the reader's language.
    pub fn text(&self, check: AutoCheck, lang: crate::Lang) -> String {
        let mut s = format!(
            "{} {} {} — {}",
            self.ok,
            Msg::OfTotal.text(lang),
            self.total,
            check.msg().text(lang)
        );
        for (i, f) in self.failing.iter().enumerate() {
            if i == 5 {
                s.push_str(&format!("; … +{}", self.failing.len() - 5));
                break;
            }
            s.push_str(&format!(
                "; {}{}",
                f.name,
                if f.figure.is_empty() {
                    String::new()
                } else {
                    format!(": {}", f.figure)
                }
            ));
        }
        s
    }
}

/// One task as lists show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Task {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_name: String,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub kind: TaskKind,
    pub item_id: Option<i64>,
    /// The checklist point's number ("17б"); empty for a request.
    pub code: String,
    pub title: String,
    pub title_en: String,
    #[cfg_attr(feature = "server", schema(value_type = Option<String>))]
    pub schedule: Option<Schedule>,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub role: Role,
    #[cfg_attr(feature = "server", schema(value_type = Option<String>))]
    pub auto_check: Option<AutoCheck>,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub proof: Proof,
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
    pub partner_id: Option<i64>,
    pub partner_name: Option<String>,
    /// Monday of the task's week (weekly points).
    pub week_start: Option<NaiveDate>,
    pub due_on: NaiveDate,
    #[cfg_attr(feature = "server", schema(value_type = String))]
    pub state: TaskState,
    pub overdue: bool,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub done_by_name: Option<String>,
    /// When it was done, in the clinic's time (`dd.mm.yyyy hh:mm`).
    pub done_at: Option<String>,
    pub note: Option<String>,
    pub link: Option<String>,
    pub reach: Option<i64>,
    /// What the automatic check saw when it closed the task, or sees now for an open one.
    pub evidence: Option<Evidence>,
    pub photos: i64,
    pub comments: i64,
    /// A request for more stock: the material and how many.
    pub request_material: Option<String>,
    pub request_count: Option<i64>,
    /// A corrective task: the mystery-shopper visit whose failed question opened it.
    pub shopper_visit_id: Option<i64>,
}

impl Task {
    pub fn title_in(&self, lang: crate::Lang) -> &str {
        if lang == crate::Lang::En && !self.title_en.is_empty() {
            &self.title_en
        } else {
            &self.title
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct TaskPhoto {
    pub id: i64,
    pub width: i64,
    pub height: i64,
    pub size: i64,
    pub uploader: String,
    /// The server's time of the upload, in the clinic's time.
    pub taken_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct TaskComment {
    pub id: i64,
    pub author: String,
    pub body: String,
    pub created_at: String,
}

/// One task with its photos and comments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct TaskDetail {
    pub task: Task,
    pub photos: Vec<TaskPhoto>,
    pub comments: Vec<TaskComment>,
    /// Who the task may be assigned to (the clinic's marketers and reception).
    pub assignees: Vec<(i64, String)>,
}

/// A change to a task: its state, assignee, note, link and reach. Empty texts clear.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct TaskUpdate {
    /// `open`, `done` or `na`.
    pub state: String,
    #[serde(default)]
    pub assignee_id: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub link: String,
    #[serde(default)]
    pub reach: String,
}

/// Filters of the task list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct TaskFilter {
    /// `open` (default), `done`, `na`, `all`.
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub store_id: Option<i64>,
    /// Only tasks due on or before this day.
    #[serde(default)]
    pub due_by: Option<NaiveDate>,
}

/// The week's routine (item 17 and the other weekly points): how many of this week's tasks
/// are done.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Routine {
    pub week_start: NaiveDate,
    pub done: i64,
    pub total: i64,
    /// Per point: code, title, done, total.
    pub points: Vec<RoutinePoint>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct RoutinePoint {
    pub code: String,
    pub title: String,
    pub title_en: String,
    pub done: i64,
    pub total: i64,
}

/// A store short of something (the home page and the per-store view).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct StockAlert {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub store_id: i64,
    pub store_name: String,
    /// Certificates (`None`) or a material's name.
    pub material: Option<String>,
    pub material_en: Option<String>,
    pub on_hand: i64,
    /// Days of cover in tenths (certificates and forms).
    pub days_of_cover_x10: Option<i64>,
    /// What to deliver by when (certificates and forms).
    pub deliver: Option<crate::forecast::Delivery>,
    /// The kind's minimum per store (other materials).
    pub minimum: Option<i64>,
}

/// One campaign's week of routine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct CampaignRoutine {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub routine: Routine,
}

/// Refused offline uploads waiting for a person, per campaign.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct OpenConflicts {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub count: i64,
}

/// The marketer's home: what needs attention today.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Attention {
    pub today: NaiveDate,
    /// Open tasks due before today (the first 30; `overdue_total` counts all).
    pub overdue: Vec<Task>,
    pub overdue_total: i64,
    /// Open tasks due from today to Sunday.
    pub this_week: Vec<Task>,
    /// Stores' open requests for more stock.
    pub requests: Vec<Task>,
    pub stock_alerts: Vec<StockAlert>,
    pub routines: Vec<CampaignRoutine>,
    pub conflicts: Vec<OpenConflicts>,
}

/// A doctor's briefing on a campaign (checklist items 7–8).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct DoctorBriefing {
    pub id: i64,
    pub doctor: String,
    pub briefed_on: NaiveDate,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct BriefingInput {
    pub doctor: String,
    /// `YYYY-MM-DD` or `DD.MM.YYYY`; empty for today.
    #[serde(default)]
    pub briefed_on: String,
    #[serde(default)]
    pub note: String,
}

/// What reception reads before the campaign (items 7–8), with its confirmation state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ReceptionBriefing {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub face_value: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub valid_until: NaiveDate,
    pub terms: String,
    pub confirmed: bool,
}

/// One store at a glance: its stock, open tasks, staff and the week's hand-outs, its ledger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct StoreView {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub store_id: i64,
    pub store_name: String,
    pub partner_name: String,
    pub address: Option<String>,
    pub admin_name: Option<String>,
    pub admin_phone: Option<String>,
    pub stock: Option<crate::ledger::StoreStockRow>,
    /// The materials besides certificates and forms, in the order of `stock.levels`.
    pub kinds: Vec<crate::ledger::MaterialKind>,
    pub forms_kind_id: i64,
    pub tasks: Vec<Task>,
    pub staff: i64,
    pub staff_read: i64,
    pub unread_staff: Vec<String>,
    pub handouts_this_week: i64,
    pub history: Vec<crate::ledger::MovementRecord>,
    /// The other stores of the campaign (for moving materials).
    pub other_stores: Vec<(i64, String)>,
    /// The store's mystery-shopper results in this campaign (scores, hand-out and redemption rates).
    pub shopper: Option<crate::shopper::StoreTrend>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn campaign() -> PlanCampaign {
        // Starts on a Wednesday, ends on a Friday three weeks later.
        PlanCampaign {
            start: d(2026, 11, 18),
            end: d(2026, 12, 4),
            valid_until: d(2027, 1, 31),
        }
    }

    #[test]
    fn the_template_has_the_seeds_twenty_one_points_and_its_weekly_routine() {
        let codes: Vec<&str> = TEMPLATE.iter().map(|i| i.code).collect();
        for n in 1..=21 {
            if n == 17 {
                for sub in ["17а", "17б", "17в", "17г", "17д"] {
                    assert!(codes.contains(&sub), "{sub}");
                }
            } else {
                assert!(codes.contains(&n.to_string().as_str()), "{n}");
            }
        }
        let keys: std::collections::HashSet<_> = TEMPLATE.iter().map(|i| i.key).collect();
        assert_eq!(keys.len(), TEMPLATE.len(), "keys are unique");
    }

    #[test]
    fn weekly_points_come_each_week_up_to_this_one_and_per_store_points_per_store() {
        let items = [
            PlanItem {
                id: 1,
                builtin: None,
                schedule: Schedule::Weekly,
                offset_days: 0,
            },
            PlanItem {
                id: 2,
                builtin: None,
                schedule: Schedule::WeeklyPerStore,
                offset_days: 0,
            },
            PlanItem {
                id: 3,
                builtin: None,
                schedule: Schedule::BeforeStart,
                offset_days: 7,
            },
        ];
        let this_week = Week::of(d(2026, 11, 25));
        let p = plan(9, &campaign(), &items, &[10, 11], &[5], this_week, 1);
        // Weeks of 16 and 23 November: 2 weekly + 2 × 2 per store + 1 once.
        assert_eq!(p.len(), 7);
        // The first week's Monday is before the start: due on the start day.
        let first = p.iter().find(|t| t.item_id == 1).expect("weekly");
        assert_eq!(first.due_on, d(2026, 11, 18));
        assert_eq!(first.key, "c9/i1/s-/p-/w2026-11-16");
        let once = p.iter().find(|t| t.item_id == 3).expect("once");
        assert_eq!(once.due_on, d(2026, 11, 11));
        // The campaign's last week: a Friday check day is the last day.
        let last = plan(
            9,
            &campaign(),
            &items[..1],
            &[],
            &[],
            Week::of(d(2027, 1, 1)),
            5,
        );
        assert_eq!(last.len(), 3, "never beyond the campaign's last week");
        assert_eq!(last[2].due_on, d(2026, 12, 4));
        // Planning again gives the same keys.
        assert_eq!(
            p,
            plan(9, &campaign(), &items, &[10, 11], &[5], this_week, 1)
        );
    }
}
