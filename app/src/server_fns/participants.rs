//! Participants' personal data (152-FZ): search, the record, consent withdrawal, erasure.

use domain::model::*;
use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
use domain::ops;

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn search_participants(query: String) -> AppResult<Vec<ParticipantSummary>> {
    with_actor!(|st, a| ops::participants::search(&st.db, &a, &query).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_participant(id: i64) -> AppResult<ParticipantRecord> {
    with_actor!(|st, a| ops::participants::record(&st.db, &a, id).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn withdraw_participant_consent(id: i64) -> AppResult<ParticipantRecord> {
    with_actor!(|st, a| ops::participants::withdraw_consent(&st.db, &a, id).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn anonymise_participant(id: i64) -> AppResult<ParticipantRecord> {
    with_actor!(|st, a| ops::participants::anonymise(&st.db, &a, id).await)
}
