//! The home page: the marketer's overview, the mystery shopper's list of stores.

use domain::model::*;
use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
#[allow(unused_imports)]
use domain::ids::{CampaignId, PartnerId, StoreId, UserId};
#[cfg(feature = "ssr")]
use domain::ops;

/// What the marketer's home shows.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OverviewData {
    pub campaigns: Vec<Campaign>,
    pub partners: usize,
    pub stores: usize,
    pub people: usize,
    pub pending_invites: usize,
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn overview() -> AppResult<OverviewData> {
    with_actor!(|st, a| {
        a.may(domain::policy::Op::ViewOverview)?;
        Ok(OverviewData {
            campaigns: ops::campaigns::list(&st.db, &a).await?,
            partners: ops::partners::list_partners(&st.db, &a).await?.len(),
            stores: ops::partners::list_stores(&st.db, &a, None).await?.len(),
            people: ops::people::list_people(&st.db, &a).await?.len(),
            pending_invites: ops::people::list_invites(&st.db, &a)
                .await?
                .iter()
                .filter(|i| i.state == InviteState::Pending)
                .count(),
        })
    })
}

/// The mystery shopper's home: running campaigns and the stores to visit; `None` for anyone
/// else (the home page asks for everyone, so that its resources are created in the same order
/// on the server and in the browser).
#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn shopper_home() -> AppResult<Option<Vec<ShopperCampaign>>> {
    with_actor!(|st, a| {
        if a.can(domain::policy::Op::ShopperHome) {
            ops::partners::shopper_overview(&st.db, &a).await.map(Some)
        } else {
            Ok(None)
        }
    })
}
