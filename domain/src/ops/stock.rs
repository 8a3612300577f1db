//! The stock forecast per store (checklist items 9, 11, 17б, 17в): certificates and paper
//! forms on hand, last week's pace, days of cover against the campaign's minimum, and what to
//! deliver by when. The arithmetic is [`crate::forecast`]; this gathers the counts.

use chrono::Duration;

use crate::auth::Actor;
use crate::db::{self, Db};
use crate::error::DomainError;
use crate::forecast::{self, Horizon, StoreForecast, USE_WINDOW_DAYS, Usage};
use crate::ids::CampaignId;
use crate::policy::Op;

/// The forecast of every store of a campaign (store staff: their own), the most urgent first.
pub async fn forecast(
    db: &Db,
    actor: &Actor,
    campaign: CampaignId,
) -> Result<Vec<StoreForecast>, DomainError> {
    actor.may(Op::ViewCertificates)?;
    let c = super::campaigns::get_stored(db, actor, campaign)
        .await?
        .campaign;
    super::settings::get(db).await?;
    let today = db.clock.today();
    let since = db
        .clock
        .day_start(today - Duration::days(USE_WINDOW_DAYS - 1));
    let horizon = Horizon {
        today,
        last_day: c.end_date,
        min_days: c.min_days_cover,
    };
    let rows = db::stock::usage(&db.pool, campaign, since, actor.scope().filter()).await?;
    let mut list: Vec<StoreForecast> = rows
        .into_iter()
        .map(|r| StoreForecast {
            store_id: r.store_id,
            store_name: r.store_name,
            partner_name: r.partner_name,
            certificates: forecast::forecast(
                Usage {
                    on_hand: r.certs_on_hand,
                    used: r.certs_used,
                },
                horizon,
            ),
            forms: forecast::forecast(
                Usage {
                    on_hand: r.forms_on_hand.max(0),
                    used: r.forms_used,
                },
                horizon,
            ),
        })
        .collect();
    list.sort_by_key(StoreForecast::urgency);
    Ok(list)
}
