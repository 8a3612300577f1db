//! The clinic settings: one row (`id = 1`), defaults until the marketer saves them.

use sqlx::any::AnyExecutor;

use super::{Db, internal, ts};
use crate::error::DomainError;
use crate::model::ClinicSettings;

pub const DEFAULT_TIME_ZONE: &str = "Europe/Moscow";

#[derive(sqlx::FromRow)]
struct SettingsRow {
    name: String,
    address: String,
    phone: String,
    public_url: String,
    time_zone: String,
    currency: String,
    weekly_check_day: i64,
    margin_percent: i64,
}

fn defaults() -> ClinicSettings {
    ClinicSettings {
        name: "Стоматологическая клиника".into(),
        address: String::new(),
        phone: String::new(),
        public_url: String::new(),
        time_zone: DEFAULT_TIME_ZONE.into(),
        currency: "RUB".into(),
        weekly_check_day: 1,
        margin_percent: crate::results::DEFAULT_MARGIN_PERCENT,
    }
}

pub async fn get<'c>(e: impl AnyExecutor<'c>) -> Result<ClinicSettings, DomainError> {
    let row: Option<SettingsRow> = sqlx::query_as(
        "SELECT name, address, phone, public_url, time_zone, currency, weekly_check_day, margin_percent FROM clinic_settings WHERE id = 1",
    )
    .fetch_optional(e)
    .await
    .map_err(internal)?;
    Ok(match row {
        Some(r) => ClinicSettings {
            name: r.name,
            address: r.address,
            phone: r.phone,
            public_url: r.public_url,
            time_zone: r.time_zone,
            currency: r.currency,
            weekly_check_day: r.weekly_check_day,
            margin_percent: r.margin_percent,
        },
        None => defaults(),
    })
}

pub async fn save<'c>(
    e: impl AnyExecutor<'c>,
    s: &ClinicSettings,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO clinic_settings (id, name, address, phone, public_url, time_zone, currency, updated_at, weekly_check_day, margin_percent)
         VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (id) DO UPDATE SET name = $1, address = $2, phone = $3, public_url = $4, time_zone = $5, currency = $6, updated_at = $7, weekly_check_day = $8, margin_percent = $9",
    )
    .bind(&s.name)
    .bind(&s.address)
    .bind(&s.phone)
    .bind(&s.public_url)
    .bind(&s.time_zone)
    .bind(&s.currency)
    .bind(ts(at))
    .bind(s.weekly_check_day)
    .bind(s.margin_percent)
    .execute(e)
    .await
    .map_err(internal)?;
    Ok(())
}

/// Reads the clinic's time zone into the clock (at start, and whenever settings are read, so
/// an instance sharing a PostgreSQL database with another follows a change made there).
pub async fn load_zone(db: &Db) -> Result<ClinicSettings, DomainError> {
    let s = get(&db.pool).await?;
    db.clock.set_zone_name(&s.time_zone);
    Ok(s)
}
