//! Materials without codes in the stores (checklist items 2, 10, 11, 18): the marketer's
//! ledger of deliveries, counts, returns and moves; store staff's counts and requests for more
//! from their phone; the stock board (stores × materials) with the certificates' and forms'
//! forecast.

use crate::auth::Actor;
use crate::db::{self, Db};
use crate::error::{Check, DomainError, ErrorCode, FieldError};
use crate::ids::{CampaignId, StoreId};
use crate::ledger::{
    CountInput, KindInput, Level, MaterialKind, Movement, MovementInput, MovementRecord,
    StaffRequest, StaffStock, StockBoard, StockRequestInput, StoreStockRow,
};
use crate::policy::Op;
use crate::types::{optional_text, required_text};

/// Most units of a material one movement or count may carry.
pub const MAX_QUANTITY: i64 = 100_000;
/// Most material kinds a clinic may have.
pub const MAX_KINDS: i64 = 50;
/// Most open requests a store may have at once.
pub const MAX_OPEN_REQUESTS: i64 = 20;

fn quantity(field: &str, text: &str, zero_ok: bool) -> Result<i64, FieldError> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let min = if zero_ok { 0 } else { 1 };
    match digits.parse::<i64>() {
        Ok(n) if (min..=MAX_QUANTITY).contains(&n) => Ok(n),
        _ if digits.is_empty() => Err(FieldError::new(field, ErrorCode::Required)),
        _ => Err(FieldError::new(field, ErrorCode::CountOutOfRange)),
    }
}

/// Every material kind (archived ones too, marked).
pub async fn kinds(db: &Db, actor: &Actor) -> Result<Vec<MaterialKind>, DomainError> {
    if !actor.can(Op::ReportStock) {
        actor.may(Op::ManageMaterials)?;
    }
    db::materials::kinds(&db.pool).await
}

impl KindInput {
    fn parse(&self) -> Result<(String, String, i64), DomainError> {
        let mut c = Check::new();
        let name = c.take(required_text("material_name", &self.name, 100));
        let name_en = c.take(optional_text("material_name_en", &self.name_en, 100));
        let min = if self.per_store_min.trim().is_empty() {
            Some(0)
        } else {
            c.take(quantity("per_store_min", &self.per_store_min, true))
        };
        c.finish()?;
        match (name, name_en, min) {
            (Some(n), Some(e), Some(m)) => Ok((n, e.unwrap_or_default(), m)),
            _ => Err(DomainError::Internal),
        }
    }
}

pub async fn create_kind(
    db: &Db,
    actor: &Actor,
    input: &KindInput,
) -> Result<MaterialKind, DomainError> {
    actor.may(Op::ManageMaterials)?;
    let (name, name_en, min) = input.parse()?;
    let mut w = db.write(actor).await?;
    if db::materials::count_kinds(&mut *w.tx).await? >= MAX_KINDS {
        return Err(DomainError::field("material_name", ErrorCode::TooMany));
    }
    let id = db::materials::insert_kind(&mut *w.tx, &name, &name_en, min, w.at).await?;
    w.audit(
        "create",
        "material_kind",
        Some(id),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    kind(db, id).await
}

pub async fn update_kind(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: &KindInput,
) -> Result<MaterialKind, DomainError> {
    actor.may(Op::ManageMaterials)?;
    let (name, name_en, min) = input.parse()?;
    let old = kind(db, id).await?;
    if old.is_forms() && input.archived {
        // Paper forms carry the campaign's QR codes: the forecast needs them.
        return Err(DomainError::field("archived", ErrorCode::InvalidChoice));
    }
    let mut w = db.write(actor).await?;
    db::materials::update_kind(&mut *w.tx, id, &name, &name_en, min, input.archived).await?;
    w.audit(
        "update",
        "material_kind",
        Some(id),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    kind(db, id).await
}

async fn kind(db: &Db, id: i64) -> Result<MaterialKind, DomainError> {
    db::materials::kinds(&db.pool)
        .await?
        .into_iter()
        .find(|k| k.id == id)
        .ok_or(DomainError::Refused(ErrorCode::NotFound))
}

/// The id of the built-in paper-forms kind.
pub async fn forms_kind(db: &Db) -> Result<i64, DomainError> {
    db::materials::kinds(&db.pool)
        .await?
        .into_iter()
        .find(MaterialKind::is_forms)
        .map(|k| k.id)
        .ok_or(DomainError::Internal)
}

fn record_of(db: &Db, r: db::materials::MovementRow) -> Result<MovementRecord, DomainError> {
    let at = r.at()?;
    Ok(MovementRecord {
        id: r.id,
        store_id: r.store_id,
        kind_id: r.kind_id,
        kind_name: r.kind_name,
        kind_name_en: r.kind_name_en,
        movement: Movement::parse("movement", &r.movement).map_err(|_| DomainError::Internal)?,
        quantity: r.quantity,
        delta: r.delta,
        level_after: r.level_after,
        other_store_name: r.other_store_name,
        note: r.note,
        actor: r.actor,
        happened_at: db.clock.local_text(at),
        happened_on: db.clock.date_of(at),
    })
}

struct ValidMovement {
    store: StoreId,
    kind: MaterialKind,
    movement: Movement,
    quantity: i64,
    to_store: Option<StoreId>,
    note: Option<String>,
}

async fn check_movement(
    db: &Db,
    campaign: CampaignId,
    input: &MovementInput,
) -> Result<ValidMovement, DomainError> {
    let mut c = Check::new();
    let movement = c.take(Movement::parse("movement", &input.movement));
    let note = c.take(optional_text("note", &input.note, 500));
    c.finish()?;
    let (Some(movement), Some(note)) = (movement, note) else {
        return Err(DomainError::Internal);
    };
    if movement == Movement::MovedIn {
        // The receiving line is written with its moved_out.
        return Err(DomainError::field("movement", ErrorCode::InvalidChoice));
    }
    let quantity = quantity("quantity", &input.quantity, movement == Movement::Counted)
        .map_err(|e| DomainError::Invalid(vec![e]))?;
    let kind = kind(db, input.kind_id)
        .await
        .map_err(|_| DomainError::field("kind_id", ErrorCode::InvalidChoice))?;
    if kind.archived {
        return Err(DomainError::field("kind_id", ErrorCode::InvalidChoice));
    }
    let store = StoreId(input.store_id);
    if !db::partners::store_in_campaign(&db.pool, store, campaign).await? {
        return Err(DomainError::field(
            "store_id",
            ErrorCode::StoreNotInCampaign,
        ));
    }
    let to_store = match (movement, input.to_store_id) {
        (Movement::MovedOut, Some(to)) if to != store.get() => {
            if !db::partners::store_in_campaign(&db.pool, StoreId(to), campaign).await? {
                return Err(DomainError::field(
                    "to_store_id",
                    ErrorCode::StoreNotInCampaign,
                ));
            }
            Some(StoreId(to))
        }
        (Movement::MovedOut, _) => {
            return Err(DomainError::field("to_store_id", ErrorCode::Required));
        }
        _ => None,
    };
    Ok(ValidMovement {
        store,
        kind,
        movement,
        quantity,
        to_store,
        note,
    })
}

/// Writes one movement (and, for a move, the receiving store's line) in one transaction.
async fn write_movement(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
    v: &ValidMovement,
) -> Result<i64, DomainError> {
    let mut w = db.write(actor).await?;
    let level = |rows: Vec<db::materials::LevelRow>| rows.first().map(|r| r.level).unwrap_or(0);
    let before =
        level(db::materials::levels(&mut *w.tx, campaign, Some(v.store), Some(v.kind.id)).await?);
    let (delta, after) = match v.movement {
        Movement::Counted => (v.quantity - before, v.quantity),
        m => (m.delta(v.quantity), before + m.delta(v.quantity)),
    };
    if after < 0 {
        return Err(DomainError::field("quantity", ErrorCode::NotEnoughStock));
    }
    let actor_name = actor.name.clone();
    let at = w.at;
    let line = |store, movement, quantity, delta, level_after, other| db::materials::NewMovement {
        campaign,
        store,
        kind: v.kind.id,
        movement,
        quantity,
        delta,
        level_after,
        other_store: other,
        note: v.note.as_deref(),
        actor_id: actor.user_id.map(|u| u.get()),
        actor: &actor_name,
        at,
    };
    let id = db::materials::record(
        &mut w.tx,
        &line(v.store, v.movement, v.quantity, delta, after, v.to_store),
    )
    .await?;
    if let Some(to) = v.to_store {
        let there =
            level(db::materials::levels(&mut *w.tx, campaign, Some(to), Some(v.kind.id)).await?);
        db::materials::record(
            &mut w.tx,
            &line(
                to,
                Movement::MovedIn,
                v.quantity,
                v.quantity,
                there + v.quantity,
                Some(v.store),
            ),
        )
        .await?;
    }
    w.audit(
        v.movement.as_str(),
        "material_movement",
        Some(id),
        serde_json::json!({
            "campaign_id": campaign.get(), "store_id": v.store.get(), "kind_id": v.kind.id,
            "quantity": v.quantity, "delta": delta, "to_store_id": v.to_store.map(StoreId::get),
        }),
    )
    .await?;
    w.commit().await?;
    Ok(id)
}

/// The marketer records a delivery, a count, a return or a move.
pub async fn record_movement(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
    input: &MovementInput,
) -> Result<MovementRecord, DomainError> {
    actor.may(Op::ManageMaterials)?;
    super::campaigns::get_stored(db, actor, campaign).await?;
    let v = check_movement(db, campaign, input).await?;
    let id = write_movement(db, actor, campaign, &v).await?;
    history(db, actor, campaign, Some(v.store), 50)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(DomainError::Internal)
}

/// A store's ledger, newest first (the marketer: any store or all; staff: their own).
pub async fn history(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
    store: Option<StoreId>,
    limit: i64,
) -> Result<Vec<MovementRecord>, DomainError> {
    let store = if actor.can(Op::ManageMaterials) {
        store
    } else {
        actor.may(Op::ReportStock)?;
        super::partners::may_see_campaign(db, actor, campaign).await?;
        actor.scope().filter()
    };
    db::materials::history(&db.pool, campaign, store, limit.clamp(1, 500))
        .await?
        .into_iter()
        .map(|r| record_of(db, r))
        .collect()
}

/// A store employee counts a material in their store (sets its level).
pub async fn staff_count(
    db: &Db,
    actor: &Actor,
    input: &CountInput,
) -> Result<MovementRecord, DomainError> {
    actor.may(Op::ReportStock)?;
    let store = actor
        .store_id
        .ok_or(DomainError::Refused(ErrorCode::Forbidden))?;
    let campaign = CampaignId(input.campaign_id);
    super::partners::may_see_campaign(db, actor, campaign).await?;
    let v = check_movement(
        db,
        campaign,
        &MovementInput {
            store_id: store.get(),
            kind_id: input.kind_id,
            movement: Movement::Counted.as_str().into(),
            quantity: input.quantity.clone(),
            to_store_id: None,
            note: input.note.clone(),
        },
    )
    .await?;
    let id = write_movement(db, actor, campaign, &v).await?;
    history(db, actor, campaign, Some(store), 50)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(DomainError::Internal)
}

/// A store asks for more certificates or a material: a task for the marketer, due today.
pub async fn request_more(
    db: &Db,
    actor: &Actor,
    input: &StockRequestInput,
) -> Result<i64, DomainError> {
    actor.may(Op::ReportStock)?;
    let store = actor
        .store_id
        .ok_or(DomainError::Refused(ErrorCode::Forbidden))?;
    let campaign = CampaignId(input.campaign_id);
    super::partners::may_see_campaign(db, actor, campaign).await?;
    let mut c = Check::new();
    let count = if input.quantity.trim().is_empty() {
        Some(None)
    } else {
        c.take(quantity("quantity", &input.quantity, false).map(Some))
    };
    let note = c.take(optional_text("note", &input.note, 500));
    c.finish()?;
    let (Some(count), Some(note)) = (count, note) else {
        return Err(DomainError::Internal);
    };
    if let Some(k) = input.kind_id {
        let k = kind(db, k)
            .await
            .map_err(|_| DomainError::field("kind_id", ErrorCode::InvalidChoice))?;
        if k.archived {
            return Err(DomainError::field("kind_id", ErrorCode::InvalidChoice));
        }
    }
    let mut w = db.write(actor).await?;
    if db::tasks::open_requests_of_store(&mut *w.tx, store).await? >= MAX_OPEN_REQUESTS {
        return Err(DomainError::Refused(ErrorCode::TooMany));
    }
    let key = format!("request/{}", crate::auth::new_secret());
    let id = db::tasks::insert_request(
        &mut *w.tx,
        &db::tasks::NewRequest {
            campaign,
            store,
            key: &key,
            kind_id: input.kind_id,
            count,
            note: note.as_deref(),
            by: actor.user_id.map(|u| u.get()),
            due: db.clock.date_of(w.at),
            at: w.at,
        },
    )
    .await?;
    w.audit(
        "request",
        "task",
        Some(id),
        serde_json::to_value(input).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    Ok(id)
}

fn level_of(db: &Db, r: &db::materials::LevelRow, kind: &MaterialKind) -> Level {
    Level {
        kind_id: r.kind_id,
        level: r.level.max(0),
        counted_at: r
            .counted_at
            .as_deref()
            .and_then(db::parse_ts)
            .map(|t| db.clock.local_text(t)),
        below_min: r.level < kind.per_store_min,
    }
}

/// The stock board: every store × certificates and forms (with their forecast) and the
/// level of every other material; the most urgent first.
pub async fn board(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
) -> Result<StockBoard, DomainError> {
    actor.may(Op::ManageCertificates)?;
    let c = super::campaigns::get_stored(db, actor, campaign)
        .await?
        .campaign;
    let forecast = super::stock::forecast(db, actor, campaign).await?;
    let kinds: Vec<MaterialKind> = db::materials::kinds(&db.pool)
        .await?
        .into_iter()
        .filter(|k| !k.archived)
        .collect();
    let forms_kind_id = kinds
        .iter()
        .find(|k| k.is_forms())
        .map(|k| k.id)
        .ok_or(DomainError::Internal)?;
    let others: Vec<MaterialKind> = kinds.iter().filter(|k| !k.is_forms()).cloned().collect();
    let levels = db::materials::levels(&db.pool, campaign, None, None).await?;
    let mut by_store: std::collections::HashMap<i64, Vec<db::materials::LevelRow>> =
        std::collections::HashMap::new();
    for l in levels {
        by_store.entry(l.store_id).or_default().push(l);
    }
    let rows = forecast
        .into_iter()
        .map(|f| {
            let mine = by_store.remove(&f.store_id).unwrap_or_default();
            let levels = others
                .iter()
                .map(|k| match mine.iter().find(|l| l.kind_id == k.id) {
                    Some(l) => level_of(db, l, k),
                    None => Level {
                        kind_id: k.id,
                        level: 0,
                        counted_at: None,
                        below_min: k.per_store_min > 0,
                    },
                })
                .collect();
            StoreStockRow {
                store_id: f.store_id,
                store_name: f.store_name,
                partner_name: f.partner_name,
                certificates: f.certificates,
                forms: f.forms,
                levels,
            }
        })
        .collect();
    Ok(StockBoard {
        campaign_id: c.id,
        min_days_cover: c.min_days_cover,
        kinds: others,
        forms_kind_id,
        rows,
    })
}

/// The store employee's stock page: the levels in their store for its current campaign, and
/// the store's requests. `None` when the store takes part in no running campaign.
pub async fn staff_stock(db: &Db, actor: &Actor) -> Result<Option<StaffStock>, DomainError> {
    actor.may(Op::ReportStock)?;
    let store = actor
        .store_id
        .ok_or(DomainError::Refused(ErrorCode::Forbidden))?;
    let Some((campaign, campaign_name)) = db::handouts::current_campaign(&db.pool, store).await?
    else {
        return Ok(None);
    };
    let store_name = db::handouts::store_name(&db.pool, store)
        .await?
        .unwrap_or_default();
    let kinds: Vec<MaterialKind> = db::materials::kinds(&db.pool)
        .await?
        .into_iter()
        .filter(|k| !k.archived)
        .collect();
    let rows = db::materials::levels(&db.pool, campaign, Some(store), None).await?;
    let levels = kinds
        .iter()
        .filter_map(|k| {
            rows.iter()
                .find(|r| r.kind_id == k.id)
                .map(|r| level_of(db, r, k))
        })
        .collect();
    let on_hand = super::stock::forecast(db, actor, campaign)
        .await?
        .into_iter()
        .find(|f| f.store_id == store.get())
        .map(|f| f.certificates.on_hand)
        .unwrap_or(0);
    let requests = db::tasks::list(
        &db.pool,
        &db::tasks::Query {
            campaign: Some(campaign),
            store: Some(store),
            kind: Some("request"),
            newest_first: true,
            limit: 20,
            ..Default::default()
        },
    )
    .await?
    .into_iter()
    .map(|t| StaffRequest {
        id: t.id,
        material: t.request_material.unwrap_or_default(),
        count: t.request_count,
        note: t.note,
        done: t.state != "open",
        created_at: t.due_on,
    })
    .collect();
    Ok(Some(StaffStock {
        campaign_id: campaign.get(),
        campaign_name,
        store_name,
        certificates_on_hand: on_hand,
        kinds,
        levels,
        requests,
    }))
}
