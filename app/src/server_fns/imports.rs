//! Imports of digitised paper forms (checklist items 18–19): the campaign's history, one
//! import's preview, a new mapping, the confirmation. The file itself is uploaded by the page's
//! form to `POST /api/v1/campaigns/{id}/imports`, which comes back to the page.

use domain::imports::{ImportPreview, ImportSummary};
use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
use domain::ops;

/// The most rows a page shows (the counts cover all).
#[cfg(feature = "ssr")]
const PAGE_ROWS: Option<usize> = Some(domain::imports::PAGE_ROWS);

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn form_import_history(campaign_id: i64) -> AppResult<Vec<ImportSummary>> {
    with_actor!(
        |st, a| ops::imports::history(&st.db, &a, domain::ids::CampaignId(campaign_id)).await
    )
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_form_import(id: i64) -> AppResult<ImportPreview> {
    with_actor!(|st, a| ops::imports::get(&st.db, &a, id, PAGE_ROWS).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn set_form_import_mapping(
    id: i64,
    #[server(default)] columns: Vec<String>,
    #[server(default)] default_store_id: String,
) -> AppResult<ImportPreview> {
    with_actor!(|st, a| {
        let store = super::opt_id("default_store_id", &default_store_id)?;
        let mapping = domain::imports::ImportMapping {
            columns,
            default_store_id: store,
        };
        ops::imports::set_mapping(&st.db, &a, id, &mapping).await?;
        ops::imports::get(&st.db, &a, id, PAGE_ROWS).await
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn confirm_form_import(id: i64) -> AppResult<ImportPreview> {
    with_actor!(|st, a| ops::imports::confirm(&st.db, &a, id, PAGE_ROWS).await)
}
