//! Clinic settings: name, address and phone printed on certificates, the public URL in QR
//! codes, the time zone the clinic clock runs in.

use crate::auth::Actor;
use crate::db::{self, Db};
use crate::error::{Check, DomainError, ErrorCode};
use crate::model::ClinicSettings;
use crate::policy::Op;
use crate::types::{Phone, optional_text, required_text};

pub use crate::db::settings::DEFAULT_TIME_ZONE;

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

/// The clinic settings. Anyone may read them: they are printed on every certificate.
pub async fn get(db: &Db) -> Result<ClinicSettings, DomainError> {
    db::settings::load_zone(db).await
}

impl ClinicSettings {
    /// Checks every field; the currency is always roubles.
    pub fn parse(&self) -> Result<ClinicSettings, DomainError> {
        let mut c = Check::new();
        let name = c.take(required_text("clinic_name", &self.name, 200));
        let address = c.take(optional_text("address", &self.address, 300));
        let phone = c.take(Phone::parse_optional("phone", &self.phone));
        let public_url = self.public_url.trim().trim_end_matches('/').to_owned();
        let has_scheme = public_url.starts_with("http://") || public_url.starts_with("https://");
        if (!public_url.is_empty() && !has_scheme)
            || public_url.chars().any(char::is_whitespace)
            || public_url.len() > 300
        {
            c.push("public_url", ErrorCode::InvalidChoice);
        }
        let tz = self.time_zone.trim();
        let tz = if tz.is_empty() { DEFAULT_TIME_ZONE } else { tz };
        if tz.len() > 64 || tz.parse::<chrono_tz::Tz>().is_err() {
            c.push("time_zone", ErrorCode::InvalidChoice);
        }
        if !(1..=7).contains(&self.weekly_check_day) {
            c.push("weekly_check_day", ErrorCode::InvalidChoice);
        }
        if !(0..=100).contains(&self.margin_percent) {
            c.push("margin_percent", ErrorCode::CountOutOfRange);
        }
        c.finish()?;
        Ok(ClinicSettings {
            name: name.unwrap_or_default(),
            address: address.flatten().unwrap_or_default(),
            phone: phone.flatten().map(|p| p.into_string()).unwrap_or_default(),
            public_url,
            time_zone: tz.to_owned(),
            currency: "RUB".into(),
            weekly_check_day: self.weekly_check_day,
            margin_percent: self.margin_percent,
        })
    }
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    input: &ClinicSettings,
) -> Result<ClinicSettings, DomainError> {
    actor.may(Op::ManageSettings)?;
    let settings = input.parse()?;
    let mut w = db.write(actor).await?;
    db::settings::save(&mut *w.tx, &settings, w.at).await?;
    w.audit(
        "update",
        "clinic_settings",
        Some(1),
        serde_json::to_value(&settings).unwrap_or_default(),
    )
    .await?;
    w.commit().await?;
    db.clock.set_zone_name(&settings.time_zone);
    Ok(settings)
}
