//! People, invites and sessions.

use domain::model::*;
use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
#[allow(unused_imports)]
use domain::ids::{CampaignId, PartnerId, StoreId, UserId};
#[cfg(feature = "ssr")]
use domain::ops;

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn list_people() -> AppResult<Vec<Person>> {
    with_actor!(|st, a| ops::people::list_people(&st.db, &a).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn list_invites() -> AppResult<Vec<InviteInfo>> {
    with_actor!(|st, a| ops::people::list_invites(&st.db, &a).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn invite_person(
    name: String,
    phone: String,
    email: String,
    role: String,
    store_id: String,
) -> AppResult<NewInvite> {
    with_actor!(|st, a| {
        let input = PersonInput {
            name,
            phone,
            email,
            role,
            store_id: super::opt_id("store_id", &store_id)?,
        };
        ops::people::invite(&st.db, &a, &input, &st.base_url().await).await
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn reinvite(person_id: i64) -> AppResult<NewInvite> {
    with_actor!(
        |st, a| ops::people::reinvite(&st.db, &a, UserId(person_id), &st.base_url().await).await
    )
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn revoke_invite(id: i64) -> AppResult<()> {
    with_actor!(|st, a| ops::people::revoke_invite(&st.db, &a, id).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn list_sessions() -> AppResult<Vec<SessionInfo>> {
    with_actor!(|st, a| ops::people::list_sessions(&st.db, &a).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn end_session(id: i64) -> AppResult<()> {
    with_actor!(|st, a| ops::people::end_session(&st.db, &a, id).await)
}

/// Deactivates a person who left (signed out at once) or brings them back.
#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn set_person_active(person_id: i64, active: bool) -> AppResult<Person> {
    with_actor!(|st, a| ops::people::set_active(&st.db, &a, UserId(person_id), active).await)
}
