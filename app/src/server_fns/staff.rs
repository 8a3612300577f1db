//! Store staff: the phone's home figures and the regulations; the marketer's offline conflicts.

use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
#[allow(unused_imports)]
use domain::ids::{CampaignId, PartnerId, StoreId, UserId};
#[cfg(feature = "ssr")]
use domain::ops;

/// The store employee's home figures; `None` for anyone else (the home page asks for everyone,
/// so that its resources are created in the same order on the server and in the browser).
#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn staff_home() -> AppResult<Option<domain::checkin::StaffSummary>> {
    with_actor!(|st, a| {
        if a.role == domain::types::Role::StoreStaff {
            ops::handouts::staff_summary(&st.db, &a).await.map(Some)
        } else {
            Ok(None)
        }
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn read_regulations(campaign_id: i64) -> AppResult<()> {
    with_actor!(
        |st, a| ops::handouts::confirm_regulations(&st.db, &a, CampaignId(campaign_id)).await
    )
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn handout_conflicts(
    campaign_id: i64,
) -> AppResult<Vec<domain::checkin::HandoutConflict>> {
    with_actor!(|st, a| ops::handouts::conflicts(&st.db, &a, Some(CampaignId(campaign_id))).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn resolve_handout_conflict(id: i64, resolution: String) -> AppResult<()> {
    with_actor!(|st, a| ops::handouts::resolve_conflict(&st.db, &a, id, &resolution).await)
}
