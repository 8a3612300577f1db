//! Results and motivation: the campaign's final report and week-over-week summary, the
//! motivation standings with the marketer's rules, payouts and reviews, and a store
//! employee's own standing.

use domain::motivation::{Payout, Review, Rules, StaffStanding, Standings};
use domain::results::{FinalReport, WeeklySummary};
use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
use domain::ids::CampaignId;
#[cfg(feature = "ssr")]
use domain::ops;

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_final_report(campaign_id: i64) -> AppResult<FinalReport> {
    with_actor!(|st, a| ops::results::final_report(&st.db, &a, CampaignId(campaign_id)).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_weekly_summary(campaign_id: i64) -> AppResult<WeeklySummary> {
    with_actor!(|st, a| ops::results::weekly_summary(&st.db, &a, CampaignId(campaign_id)).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_motivation(campaign_id: i64) -> AppResult<Standings> {
    with_actor!(|st, a| ops::motivation::standings(&st.db, &a, CampaignId(campaign_id)).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn save_motivation_rules(
    campaign_id: i64,
    #[server(default)] per_handout: String,
    #[server(default)] handout_when_redeemed: Option<String>,
    #[server(default)] per_redemption: String,
    #[server(default)] per_buyer: String,
    #[server(default)] weekly_cap: String,
) -> AppResult<Rules> {
    let input = domain::motivation::RulesInput {
        per_handout,
        handout_when_redeemed: handout_when_redeemed.is_some(),
        per_redemption,
        per_buyer,
        weekly_cap,
    };
    with_actor!(
        |st, a| ops::motivation::save_rules(&st.db, &a, CampaignId(campaign_id), &input).await
    )
}

#[cfg(feature = "ssr")]
fn week_of(text: &str) -> Result<domain::clock::Week, domain::DomainError> {
    domain::types::parse_date("week", text)
        .map(domain::clock::Week::of)
        .map_err(|e| domain::DomainError::Invalid(vec![e]))
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn pay_motivation_week(campaign_id: i64, week: String) -> AppResult<Payout> {
    with_actor!(|st, a| ops::motivation::pay_week(
        &st.db,
        &a,
        CampaignId(campaign_id),
        week_of(&week)?.monday
    )
    .await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn review_motivation(
    campaign_id: i64,
    week: String,
    employee_id: i64,
    decision: String,
    #[server(default)] note: String,
) -> AppResult<Review> {
    with_actor!(|st, a| ops::motivation::review(
        &st.db,
        &a,
        CampaignId(campaign_id),
        week_of(&week)?.monday,
        employee_id,
        &decision,
        &note
    )
    .await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn my_standing() -> AppResult<Option<StaffStanding>> {
    with_actor!(|st, a| ops::motivation::staff_standing(&st.db, &a).await)
}
