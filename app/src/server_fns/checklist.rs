//! The checklist, its tasks and the materials ledger: the marketer's daily tool, staff's
//! counts and requests, reception's briefing.

use domain::checklist::*;
use domain::ledger::*;
use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
#[allow(unused_imports)]
use domain::ids::{CampaignId, StoreId};
#[cfg(feature = "ssr")]
use domain::ops;

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_attention() -> AppResult<Option<Attention>> {
    with_actor!(|st, a| {
        // The home page asks for everyone (its resources are made in one order on the server
        // and in the browser); only the marketer gets an answer.
        if a.can(domain::policy::Op::ViewChecklist) {
            ops::checklist::attention(&st.db, &a).await.map(Some)
        } else {
            Ok(None)
        }
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn list_tasks(
    campaign_id: Option<i64>,
    state: String,
    store_id: Option<i64>,
) -> AppResult<Vec<Task>> {
    let filter = TaskFilter {
        state,
        store_id,
        due_by: None,
    };
    with_actor!(|st, a| match campaign_id {
        Some(c) => ops::checklist::campaign_tasks(&st.db, &a, CampaignId(c), &filter).await,
        None => ops::checklist::all_tasks(&st.db, &a, &filter).await,
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_task(id: i64) -> AppResult<TaskDetail> {
    with_actor!(|st, a| ops::checklist::task(&st.db, &a, id).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn save_task(
    id: i64,
    state: String,
    #[server(default)] assignee_id: String,
    #[server(default)] note: String,
    #[server(default)] link: String,
    #[server(default)] reach: String,
) -> AppResult<Task> {
    let input = TaskUpdate {
        state,
        assignee_id,
        note,
        link,
        reach,
    };
    with_actor!(|st, a| ops::checklist::update_task(&st.db, &a, id, &input).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn add_task_comment(id: i64, body: String) -> AppResult<TaskComment> {
    with_actor!(|st, a| ops::checklist::add_comment(&st.db, &a, id, &body).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn checklist_template() -> AppResult<Vec<ChecklistItem>> {
    with_actor!(|st, a| ops::checklist::template(&st.db, &a).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
#[allow(clippy::too_many_arguments)]
pub async fn save_checklist_item(
    id: Option<i64>,
    code: String,
    title: String,
    #[server(default)] title_en: String,
    schedule: String,
    #[server(default)] offset_days: String,
    role: String,
    #[server(default)] proof: String,
    #[server(default)] active: Option<String>,
    #[server(default)] position: String,
) -> AppResult<ChecklistItem> {
    let input = ItemInput {
        code,
        title,
        title_en,
        schedule,
        offset_days,
        role,
        proof,
        // A checkbox sends its value only when ticked.
        active: active.is_some(),
        position,
    };
    with_actor!(|st, a| ops::checklist::save_item(&st.db, &a, id, &input).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_stock_board(campaign_id: i64) -> AppResult<StockBoard> {
    with_actor!(|st, a| ops::ledger::board(&st.db, &a, CampaignId(campaign_id)).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
#[allow(clippy::too_many_arguments)]
pub async fn record_movement(
    campaign_id: i64,
    store_id: i64,
    kind_id: i64,
    movement: String,
    quantity: String,
    #[server(default)] to_store_id: String,
    #[server(default)] note: String,
) -> AppResult<MovementRecord> {
    with_actor!(|st, a| {
        let input = MovementInput {
            store_id,
            kind_id,
            movement,
            quantity,
            to_store_id: super::opt_id("to_store_id", &to_store_id)?,
            note,
        };
        ops::ledger::record_movement(&st.db, &a, CampaignId(campaign_id), &input).await
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn store_overview(campaign_id: i64, store_id: i64) -> AppResult<StoreView> {
    with_actor!(|st, a| ops::checklist::store_view(
        &st.db,
        &a,
        CampaignId(campaign_id),
        StoreId(store_id)
    )
    .await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn my_stock() -> AppResult<Option<StaffStock>> {
    with_actor!(|st, a| ops::ledger::staff_stock(&st.db, &a).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn count_stock(
    campaign_id: i64,
    kind_id: i64,
    quantity: String,
    #[server(default)] note: String,
) -> AppResult<MovementRecord> {
    let input = CountInput {
        campaign_id,
        kind_id,
        quantity,
        note,
    };
    with_actor!(|st, a| ops::ledger::staff_count(&st.db, &a, &input).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn request_stock(
    campaign_id: i64,
    #[server(default)] kind_id: String,
    #[server(default)] quantity: String,
    #[server(default)] note: String,
) -> AppResult<i64> {
    with_actor!(|st, a| {
        let input = StockRequestInput {
            campaign_id,
            kind_id: super::opt_id("kind_id", &kind_id)?,
            quantity,
            note,
        };
        ops::ledger::request_more(&st.db, &a, &input).await
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn material_kinds() -> AppResult<Vec<MaterialKind>> {
    with_actor!(|st, a| ops::ledger::kinds(&st.db, &a).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn save_material_kind(
    id: Option<i64>,
    name: String,
    #[server(default)] name_en: String,
    #[server(default)] per_store_min: String,
    #[server(default)] archived: Option<String>,
) -> AppResult<MaterialKind> {
    let input = KindInput {
        name,
        name_en,
        per_store_min,
        archived: archived.is_some(),
    };
    with_actor!(|st, a| match id {
        Some(id) => ops::ledger::update_kind(&st.db, &a, id, &input).await,
        None => ops::ledger::create_kind(&st.db, &a, &input).await,
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn doctor_briefings(campaign_id: i64) -> AppResult<Vec<DoctorBriefing>> {
    with_actor!(|st, a| ops::checklist::briefings(&st.db, &a, CampaignId(campaign_id)).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn record_doctor_briefing(
    campaign_id: i64,
    doctor: String,
    #[server(default)] briefed_on: String,
    #[server(default)] note: String,
) -> AppResult<DoctorBriefing> {
    let input = BriefingInput {
        doctor,
        briefed_on,
        note,
    };
    with_actor!(|st, a| ops::checklist::record_briefing(
        &st.db,
        &a,
        CampaignId(campaign_id),
        &input
    )
    .await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn reception_briefings() -> AppResult<Vec<ReceptionBriefing>> {
    with_actor!(|st, a| {
        if a.can(domain::policy::Op::ConfirmBriefing) {
            ops::checklist::reception_briefings(&st.db, &a).await
        } else {
            Ok(Vec::new())
        }
    })
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn confirm_briefing(campaign_id: i64) -> AppResult<()> {
    with_actor!(|st, a| ops::checklist::confirm_briefing(&st.db, &a, CampaignId(campaign_id)).await)
}
