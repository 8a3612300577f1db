//! Who may do what: the one access policy of Sarafan.
//!
//! Two rules, and nothing else decides access:
//! 1. **Role × operation** ([`allowed_roles`]): a table, checked by the compiler to cover every
//!    [`Op`].
//! 2. **Store scope** ([`StoreScope`]): store staff see and touch only their own store (and the
//!    campaigns their store's partner takes part in); everyone else is not bound to a store.
//!
//! Server functions, the JSON API, PDF downloads and the CLI reach data only through
//! `domain::ops`, which asks [`crate::auth::Actor::may`] first. The pages use the same table for
//! the navigation, the landing page and page gating ([`PAGES`]). Compiles for the browser too.

use serde::{Deserialize, Serialize};

use crate::Msg;
use crate::ids::StoreId;
use crate::types::Role;

/// Everything a person can ask Sarafan to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    // ---- the marketer's work ----
    /// The home page's campaign overview and counters.
    ViewOverview,
    /// Create and change campaigns, their partners and dates.
    ManageCampaigns,
    /// The costs ledger, cost totals, partners' internal notes, attribution: the clinic's own
    /// figures, never shown to partner staff.
    ViewClinicFigures,
    ManageCosts,
    ManagePartners,
    /// People, invites, everyone's sessions.
    ManagePeople,
    ManageSettings,
    ManageApiTokens,
    ViewAuditLog,
    /// Certificate batches, moves between stores, voiding, paper-form batches, printed texts.
    ManageCertificates,
    /// Certificate sheets, paper forms and posters as PDFs.
    PrintMaterials,
    /// Offline uploads the server refused, kept for a person to resolve.
    ResolveConflicts,
    /// The clinic's list of services offered at a visit.
    ManageServices,
    /// Find participants, show and export their data, record a consent withdrawal, erase them.
    ManageParticipants,
    /// Import digitised paper forms (a spreadsheet) into a campaign: upload, map, preview,
    /// confirm; the history of imports.
    ImportForms,
    /// The promotion checklist: campaigns' tasks, their evidence, the store view.
    ViewChecklist,
    /// Do, assign, comment and photograph tasks.
    ManageTasks,
    /// Edit the clinic's checklist template.
    ManageChecklist,
    /// The materials ledger: deliveries, counts, returns, moves; material kinds.
    ManageMaterials,
    /// Record a doctor's briefing (doctors have no accounts).
    RecordBriefings,
    /// Motivation: the rules, every employee's standing, reviews of held bonuses, payouts.
    ManageMotivation,
    /// Weekly and final results with profit and payback, their charts, PDF and spreadsheets.
    ViewResults,
    /// A campaign's participants (full phones), hand-outs, redemptions and visits as
    /// spreadsheets, row by row; every export is logged.
    ExportData,
    /// Messages to participants: the outbox, its states and reasons, sending a failed or
    /// unknown message again.
    ManageMessages,

    // ---- reads several roles share (store staff: scoped) ----
    /// Campaigns: name, dates, face value, status, terms (no costs).
    ViewCampaigns,
    /// Partners and stores: names, addresses, administrators (no internal notes).
    ViewPartners,
    /// Where the certificates are (store staff: their store's).
    ViewCertificates,
    /// The texts a campaign prints, and its regulations PDF (store staff: their campaigns).
    ViewCampaignTexts,
    /// Hand-outs (store staff: their store's; phones masked).
    ViewHandouts,

    // ---- store staff ----
    /// Record a certificate given to a participant.
    HandOut,
    /// The staff home: the store's figures and the regulations.
    StaffHome,
    ConfirmRegulations,
    /// One's own and one's store's motivation standing this week.
    ViewOwnStanding,
    /// Count the store's materials and ask the clinic for more.
    ReportStock,

    // ---- reception ----
    /// Check a code and see its verdict.
    CheckIn,
    Redeem,
    /// Undo a redemption (reception the same day; the marketer any time, see
    /// [`undo_any_day`]).
    UndoRedemption,
    RecordVisit,
    ViewVisits,
    ViewServices,
    /// Confirm the campaign's briefing for the clinic's reception (checklist items 7–8).
    ConfirmBriefing,

    // ---- mystery shoppers ----
    /// The shopper's home: the stores taking part, with addresses and hours.
    ShopperHome,
    /// Answer an assigned visit's questions, take its photos, sign it off.
    DoShopperVisit,
    /// Mystery-shopper visits (the marketer: all; a shopper: those assigned to them; store
    /// staff: their store's, once done or when announced).
    ViewShopperVisits,
    /// The question lists, the rotation and its overrides, assigning shoppers and links,
    /// correcting a signed-off visit, the stores' trends.
    ManageShopperVisits,

    // ---- everyone signed in ----
    /// See and end one's own sessions.
    OwnSessions,
}

use Role::*;

const MARKETER: &[Role] = &[Marketer];
const EVERYONE: &[Role] = &[Marketer, Reception, StoreStaff, MysteryShopper];
const FRONT_DESK: &[Role] = &[Marketer, Reception];
const STAFF_AND_MARKETER: &[Role] = &[Marketer, StoreStaff];

/// The table: which roles may perform an operation.
pub fn allowed_roles(op: Op) -> &'static [Role] {
    use Op::*;
    match op {
        ViewOverview | ManageCampaigns | ViewClinicFigures | ManageCosts | ManagePartners
        | ManagePeople | ManageSettings | ManageApiTokens | ViewAuditLog | ManageCertificates
        | PrintMaterials | ResolveConflicts | ManageServices | ManageParticipants | ImportForms
        | ViewChecklist | ManageTasks | ManageChecklist | ManageMaterials | RecordBriefings
        | ManageShopperVisits | ManageMotivation | ViewResults => MARKETER,
        ExportData | ManageMessages => MARKETER,
        ViewCampaigns | ViewPartners | OwnSessions => EVERYONE,
        ViewCertificates | ViewCampaignTexts | ViewHandouts | HandOut => STAFF_AND_MARKETER,
        StaffHome | ConfirmRegulations | ReportStock | ViewOwnStanding => &[StoreStaff],
        CheckIn | Redeem | UndoRedemption | RecordVisit | ViewVisits | ViewServices => FRONT_DESK,
        ConfirmBriefing => &[Reception],
        ShopperHome | DoShopperVisit => &[MysteryShopper],
        ViewShopperVisits => &[Marketer, MysteryShopper, StoreStaff],
    }
}

/// True when `role` may perform `op` (before the store scope is applied).
pub fn allows(role: Role, op: Op) -> bool {
    allowed_roles(op).contains(&role)
}

/// Which stores a person's reads and writes are limited to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StoreScope {
    /// Any store (the clinic's own people).
    AnyStore,
    /// Only this store (store staff).
    Only(StoreId),
    /// No store at all (store staff whose account lost its store).
    NoStore,
}

impl StoreScope {
    /// The one store-scope rule.
    pub fn of(role: Role, own_store: Option<StoreId>) -> StoreScope {
        match (role, own_store) {
            (StoreStaff, Some(s)) => StoreScope::Only(s),
            (StoreStaff, None) => StoreScope::NoStore,
            _ => StoreScope::AnyStore,
        }
    }
    pub fn includes(self, store: StoreId) -> bool {
        match self {
            StoreScope::AnyStore => true,
            StoreScope::Only(s) => s == store,
            StoreScope::NoStore => false,
        }
    }
    /// The store to filter by, `None` for all.
    pub fn filter(self) -> Option<StoreId> {
        match self {
            StoreScope::AnyStore => None,
            StoreScope::Only(s) => Some(s),
            StoreScope::NoStore => Some(StoreId(-1)),
        }
    }
}

/// Reception may undo a redemption only on the day it was made; the marketer on any day.
pub fn undo_any_day(role: Role) -> bool {
    role == Marketer
}

/// A page of the app: its path pattern, who may open it, and its place in the navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// Path pattern as the router writes it (`:id` for a parameter).
    pub path: &'static str,
    /// `None`: public (no sign-in). `Some(op)`: signed in and allowed to perform `op`.
    pub op: Option<Op>,
    /// `None` with a sign-in: any signed-in person (the home page adapts to the role).
    pub signed_in: bool,
    /// The label in the navigation bar, if the page has a place there.
    pub nav: Option<Msg>,
}

const fn public(path: &'static str) -> Page {
    Page {
        path,
        op: None,
        signed_in: false,
        nav: None,
    }
}

const fn private(path: &'static str, op: Op, nav: Option<Msg>) -> Page {
    Page {
        path,
        op: Some(op),
        signed_in: true,
        nav,
    }
}

/// Every page, in navigation order.
pub const PAGES: &[Page] = &[
    Page {
        path: "/",
        op: None,
        signed_in: true,
        nav: Some(Msg::NavHome),
    },
    private("/campaigns", Op::ManageCampaigns, Some(Msg::NavCampaigns)),
    private("/tasks", Op::ViewChecklist, Some(Msg::NavTasks)),
    private("/tasks/:id", Op::ViewChecklist, None),
    private("/checklist", Op::ManageChecklist, None),
    private("/campaigns/:id", Op::ManageCampaigns, None),
    private("/campaigns/:id/certificates", Op::ManageCertificates, None),
    private("/campaigns/:id/stock", Op::ManageCertificates, None),
    private("/campaigns/:id/stores/:store", Op::ViewChecklist, None),
    private("/campaigns/:id/report", Op::ViewResults, None),
    private("/campaigns/:id/motivation", Op::ManageMotivation, None),
    private("/stock", Op::ReportStock, Some(Msg::NavStock)),
    private(
        "/shopper-visits",
        Op::ManageShopperVisits,
        Some(Msg::NavShopperVisits),
    ),
    private("/shopper-visits/:id", Op::ViewShopperVisits, None),
    private(
        "/campaigns/:id/shopper-questions",
        Op::ManageShopperVisits,
        None,
    ),
    private("/handout", Op::StaffHome, None),
    private("/checkin", Op::CheckIn, Some(Msg::NavCheckin)),
    private("/partners", Op::ManagePartners, Some(Msg::NavPartners)),
    private("/partners/:id", Op::ManagePartners, None),
    private(
        "/participants",
        Op::ManageParticipants,
        Some(Msg::NavParticipants),
    ),
    private("/participants/:id", Op::ManageParticipants, None),
    private("/messages", Op::ManageMessages, Some(Msg::NavMessages)),
    private("/campaigns/:id/import", Op::ImportForms, None),
    private("/people", Op::ManagePeople, Some(Msg::NavPeople)),
    private("/settings", Op::ManageSettings, Some(Msg::NavSettings)),
    public("/login"),
    public("/setup/:token"),
    public("/invite/:token"),
    public("/c/:code"),
    public("/join/:campaign/:store"),
    public("/v/:secret"),
];

impl Page {
    /// True when `path` (a real path, no query) is this page.
    pub fn matches(&self, path: &str) -> bool {
        let want: Vec<&str> = self.path.split('/').filter(|s| !s.is_empty()).collect();
        let got: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        want.len() == got.len()
            && want
                .iter()
                .zip(&got)
                .all(|(w, g)| w.starts_with(':') || w == g)
    }
    /// May a person of this role open the page? (`None`: signed out.)
    pub fn open_to(&self, role: Option<Role>) -> bool {
        match (self.signed_in, role) {
            (false, _) => true,
            (true, None) => false,
            (true, Some(r)) => self.op.is_none_or(|op| allows(r, op)),
        }
    }
}

/// The page at `path`, if it is one of ours.
pub fn page_at(path: &str) -> Option<&'static Page> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    PAGES.iter().find(|p| p.matches(path))
}

/// Where a person lands after signing in: the home page, which shows each role its own work
/// (the marketer's overview, the staff hand-out form, reception's check-in, the shopper's list).
pub fn landing(_role: Role) -> &'static str {
    "/"
}

/// The navigation bar of a role: every page with a label that the role may open.
pub fn nav(role: Role) -> Vec<(&'static str, Msg)> {
    let items: Vec<(&'static str, Msg)> = PAGES
        .iter()
        .filter(|p| p.open_to(Some(role)))
        .filter_map(|p| p.nav.map(|m| (p.path, m)))
        .collect();
    // A lone "home" link is no navigation at all.
    if items.len() == 1 { Vec::new() } else { items }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_marketer_sees_the_clinics_own_figures() {
        assert!(allows(Marketer, Op::ViewClinicFigures));
        for r in [Reception, StoreStaff, MysteryShopper] {
            assert!(!allows(r, Op::ViewClinicFigures), "{r}");
            assert!(!allows(r, Op::ManageCosts), "{r}");
        }
    }

    #[test]
    fn store_staff_are_kept_to_their_store() {
        let s = StoreScope::of(StoreStaff, Some(StoreId(7)));
        assert!(s.includes(StoreId(7)));
        assert!(!s.includes(StoreId(8)));
        assert_eq!(s.filter(), Some(StoreId(7)));
        assert!(!StoreScope::of(StoreStaff, None).includes(StoreId(7)));
        assert!(StoreScope::of(Reception, Some(StoreId(7))).includes(StoreId(8)));
        assert_eq!(StoreScope::of(Marketer, None).filter(), None);
    }

    #[test]
    fn pages_are_found_by_path_and_gated_by_role() {
        let p = page_at("/campaigns/12/certificates?store=3").expect("page");
        assert_eq!(p.path, "/campaigns/:id/certificates");
        assert!(p.open_to(Some(Marketer)));
        assert!(!p.open_to(Some(StoreStaff)));
        assert!(!p.open_to(None));
        assert!(page_at("/c/K7QD-M2XF-R9A").is_some_and(|p| p.open_to(None)));
        assert!(page_at("/checkin").is_some_and(|p| p.open_to(Some(Reception))));
        assert!(page_at("/").is_some_and(|p| p.open_to(Some(MysteryShopper))));
        assert!(page_at("/nowhere").is_none());
    }

    #[test]
    fn the_navigation_comes_from_the_page_table() {
        let paths = |r| nav(r).into_iter().map(|(p, _)| p).collect::<Vec<_>>();
        assert_eq!(
            paths(Marketer),
            [
                "/",
                "/campaigns",
                "/tasks",
                "/shopper-visits",
                "/checkin",
                "/partners",
                "/participants",
                "/messages",
                "/people",
                "/settings"
            ]
        );
        assert_eq!(paths(Reception), ["/", "/checkin"]);
        assert_eq!(paths(StoreStaff), ["/", "/stock"]);
        assert!(paths(MysteryShopper).is_empty());
    }
}
