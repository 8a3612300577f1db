//! Clinic settings: one row, created with defaults on first use.

use sqlx::Row;

use crate::auth::Actor;
use crate::db::{Db, internal, now};
use crate::error::{Check, DomainError, ErrorCode};
use crate::model::ClinicSettings;
use crate::types::{Phone, optional_text, required_text};

pub const DEFAULT_TIME_ZONE: &str = "Europe/Moscow";

/// The base URL printed in QR codes: the clinic's setting if set, else the server's own.
pub async fn qr_base_url(db: &Db, server_public_url: &str) -> Result<String, DomainError> {
    let s = get(db).await?;
    let url = if s.public_url.trim().is_empty() {
        server_public_url
    } else {
        s.public_url.trim()
    };
    Ok(url.trim_end_matches('/').to_owned())
}

/// Today's date at the clinic (its time zone decides when a certificate expires).
pub fn today(time_zone: &str) -> chrono::NaiveDate {
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::Europe::Moscow);
    chrono::Utc::now().with_timezone(&tz).date_naive()
}

/// The clinic settings; anyone signed in may read them (they are printed on certificates).
pub async fn get(db: &Db) -> Result<ClinicSettings, DomainError> {
    let row = sqlx::query("SELECT name, address, phone, public_url, time_zone, currency FROM clinic_settings WHERE id = 1")
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?;
    Ok(match row {
        Some(r) => ClinicSettings {
            name: r.try_get("name").map_err(internal)?,
            address: r.try_get("address").map_err(internal)?,
            phone: r.try_get("phone").map_err(internal)?,
            public_url: r.try_get("public_url").map_err(internal)?,
            time_zone: r.try_get("time_zone").map_err(internal)?,
            currency: r.try_get("currency").map_err(internal)?,
        },
        None => ClinicSettings {
            name: "Стоматологическая клиника".into(),
            address: String::new(),
            phone: String::new(),
            public_url: String::new(),
            time_zone: DEFAULT_TIME_ZONE.into(),
            currency: "RUB".into(),
        },
    })
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    input: &ClinicSettings,
) -> Result<ClinicSettings, DomainError> {
    actor.require_marketer()?;
    let mut c = Check::new();
    let name = c.take(required_text("clinic_name", &input.name, 200));
    let address = c.take(optional_text("address", &input.address, 300));
    let phone = c.take(Phone::parse_optional("phone", &input.phone));
    let public_url = input.public_url.trim().trim_end_matches('/').to_owned();
    let has_scheme = public_url.starts_with("http://") || public_url.starts_with("https://");
    if (!public_url.is_empty() && !has_scheme)
        || public_url.chars().any(char::is_whitespace)
        || public_url.len() > 300
    {
        c.push("public_url", ErrorCode::InvalidChoice);
    }
    let tz = input.time_zone.trim();
    let tz = if tz.is_empty() { DEFAULT_TIME_ZONE } else { tz };
    if tz.parse::<chrono_tz::Tz>().is_err() {
        c.push("time_zone", ErrorCode::InvalidChoice);
    }
    c.finish()?;
    let settings = ClinicSettings {
        name: name.unwrap_or_default(),
        address: address.flatten().unwrap_or_default(),
        phone: phone.flatten().map(|p| p.into_string()).unwrap_or_default(),
        public_url,
        time_zone: tz.to_owned(),
        currency: "RUB".into(),
    };
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO clinic_settings (id, name, address, phone, public_url, time_zone, currency, updated_at)
         VALUES (1, $1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET name = $1, address = $2, phone = $3, public_url = $4, time_zone = $5, currency = $6, updated_at = $7",
    )
    .bind(&settings.name)
    .bind(&settings.address)
    .bind(&settings.phone)
    .bind(&settings.public_url)
    .bind(&settings.time_zone)
    .bind(&settings.currency)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    super::audit(
        &mut tx,
        actor,
        "update",
        "clinic_settings",
        Some(1),
        serde_json::to_value(&settings).unwrap_or_default(),
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(settings)
}
