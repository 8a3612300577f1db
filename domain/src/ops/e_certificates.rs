//! E-certificates sent to participants (issue #15), under the campaign's own switch
//! (`send_e_certificates`): the certificate's link by SMS (and by e-mail when the participant
//! gave an address), queued in the same transaction as the hand-out or self-registration that
//! causes it. A self-registration's SMS also carries a six-digit code: typed on the certificate
//! page, it confirms the phone (until then the security rules treat it as possibly someone
//! else's: no reminders, and a store's hand-out to the real owner takes precedence).

use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand::rngs::OsRng;

use crate::auth::{hash_secret, secrets_equal};
use crate::code::Code;
use crate::db::{self, Db};
use crate::error::{DomainError, ErrorCode};
use crate::format;
use crate::messages::{Channel, EmailMode, Purpose, SmsMode, rubles};

/// How long an SMS code confirms a phone.
pub const CODE_HOURS: i64 = 48;
/// Wrong codes before the code stops working.
pub const MAX_CODE_ATTEMPTS: i64 = 5;
/// Confirmation tries per client address and hour.
pub const CONFIRM_PER_IP_HOUR: i64 = 30;

/// The SMS: the clinic, the value, the link, the date and (self-registration) the code.
pub fn sms_text(
    clinic: &str,
    face_value_kopecks: i64,
    valid_until: NaiveDate,
    url: &str,
    confirm_code: Option<&str>,
) -> String {
    let mut text = format!(
        "{clinic}: ваш сертификат на {} {url} до {}",
        rubles(face_value_kopecks),
        valid_until.format("%d.%m.%Y")
    );
    if let Some(c) = confirm_code {
        text.push_str(&format!(". Код подтверждения: {c}"));
    }
    text
}

/// The e-mail's subject and text.
pub fn email_text(
    clinic: &str,
    clinic_phone: &str,
    clinic_address: &str,
    e: &db::messages::ECertFacts,
    url: &str,
) -> (String, String) {
    let subject = format!(
        "Ваш сертификат на {} в стоматологии «{clinic}»",
        rubles(e.face_value_kopecks)
    );
    let mut text = format!(
        "Здравствуйте, {}!\n\nВаш подарочный сертификат на {} в стоматологии «{clinic}».\nНомер: {}\nСертификат с QR-кодом: {url}\nДействует до {}.\n",
        e.name,
        rubles(e.face_value_kopecks),
        Code::parse(&e.code)
            .map(|c| c.display())
            .unwrap_or_else(|_| e.code.clone()),
        e.valid_until.format("%d.%m.%Y")
    );
    if !clinic_phone.is_empty() {
        text.push_str(&format!("\nЗапись по телефону {clinic_phone}."));
    }
    if !clinic_address.is_empty() {
        text.push_str(&format!("\nАдрес: {clinic_address}."));
    }
    text.push_str(&format!(
        "\n\nВы получили это письмо, потому что оставили адрес, получая сертификат («{}»).",
        e.store_name
    ));
    (subject, text)
}

fn code_hash(handout: i64, code: &str) -> String {
    hash_secret(&format!("{handout}:{code}"))
}

/// Queues the hand-out's certificate messages inside `w` when its campaign sends
/// e-certificates and a channel is on, and the participant consents; the link is on the
/// clinic's public address (or `base_url`). `confirm`: a self-registration, whose SMS carries
/// a code. Returns whether a confirmation code went out by SMS.
pub(crate) async fn queue_in(
    w: &mut db::Write<'_>,
    base_url: &str,
    handout: i64,
    confirm: bool,
) -> Result<bool, DomainError> {
    let Some(e) = db::messages::e_cert_facts(&mut *w.tx, handout).await? else {
        return Ok(false);
    };
    if !e.send {
        return Ok(false);
    }
    let (s, _) = db::messages::settings(&mut *w.tx).await?;
    let clinic = db::settings::get(&mut *w.tx).await?;
    let base = if clinic.public_url.trim().is_empty() {
        base_url.trim()
    } else {
        clinic.public_url.trim()
    };
    if base.is_empty() {
        return Ok(false);
    }
    let code = Code::parse(&e.code).map_err(|_| DomainError::Internal)?;
    let url = super::certificates::certificate_url(base, &code);
    let at = w.at;
    let mut code_sent = false;
    if s.sms_mode != SmsMode::Off {
        let confirm = confirm.then(|| format!("{:06}", OsRng.gen_range(0..1_000_000)));
        let text = sms_text(
            &clinic.name,
            e.face_value_kopecks,
            e.valid_until,
            &url,
            confirm.as_deref(),
        );
        let key = format!("{}:sms:{}", Purpose::ECertificate.as_str(), handout);
        let m = db::messages::NewMessage {
            campaign_id: Some(e.campaign),
            patient_id: Some(e.patient),
            purpose: Purpose::ECertificate.as_str(),
            dedup_key: &key,
            channel: Channel::Sms.as_str(),
            recipient: &e.phone,
            subject: None,
            body: &text,
        };
        if db::messages::enqueue(&mut *w.tx, &m, at).await?.is_some()
            && let Some(c) = confirm
        {
            db::messages::insert_phone_code(
                &mut *w.tx,
                handout,
                &code_hash(handout, &c),
                at + Duration::hours(CODE_HOURS),
                at,
            )
            .await?;
            code_sent = true;
        }
    }
    if let Some(to) = e.email.as_deref().filter(|t| !t.is_empty())
        && s.email_mode != EmailMode::Off
    {
        let (subject, text) = email_text(
            &clinic.name,
            &format::phone(&clinic.phone),
            &clinic.address,
            &e,
            &url,
        );
        let key = format!("{}:email:{}", Purpose::ECertificate.as_str(), handout);
        let m = db::messages::NewMessage {
            campaign_id: Some(e.campaign),
            patient_id: Some(e.patient),
            purpose: Purpose::ECertificate.as_str(),
            dedup_key: &key,
            channel: Channel::Email.as_str(),
            recipient: to,
            subject: Some(&subject),
            body: &text,
        };
        db::messages::enqueue(&mut *w.tx, &m, at).await?;
    }
    Ok(code_sent)
}

/// Confirms a self-registered phone with the code its SMS carried, typed on the certificate's
/// page: at most [`MAX_CODE_ATTEMPTS`] wrong tries, within [`CODE_HOURS`] hours.
pub async fn confirm_phone(
    db: &Db,
    certificate: &str,
    sms_code: &str,
    client: &str,
) -> Result<(), DomainError> {
    crate::auth::rate_limit(
        db,
        &format!("confirm-ip:{client}"),
        CONFIRM_PER_IP_HOUR,
        3600,
    )
    .await?;
    let code =
        Code::parse(certificate).map_err(|_| DomainError::Refused(ErrorCode::CodeUnknown))?;
    let typed: String = sms_code.chars().filter(char::is_ascii_digit).collect();
    if typed.len() != 6 || sms_code.chars().count() > 20 {
        return Err(DomainError::field("sms_code", ErrorCode::SmsCodeWrong));
    }
    let actor = crate::auth::Actor {
        user_id: None,
        name: "participant (phone confirmation)".into(),
        role: crate::types::Role::StoreStaff,
        store_id: None,
        session_id: None,
    };
    let mut w = db.write(&actor).await?;
    let Some(p) = db::messages::phone_code(&mut *w.tx, &code).await? else {
        return Err(DomainError::Refused(ErrorCode::CodeUnknown));
    };
    if p.confirmed_at.is_some() {
        return Ok(());
    }
    let expired = db::parse_ts(&p.expires_at).is_none_or(|t| t < w.at);
    if expired || p.attempts >= MAX_CODE_ATTEMPTS {
        return Err(DomainError::field("sms_code", ErrorCode::SmsCodeExpired));
    }
    if !secrets_equal(&p.code_hash, &code_hash(p.handout_id, &typed)) {
        db::messages::phone_code_missed(&mut *w.tx, p.handout_id).await?;
        w.commit().await?;
        return Err(DomainError::field("sms_code", ErrorCode::SmsCodeWrong));
    }
    db::messages::phone_code_confirmed(&mut *w.tx, p.handout_id, w.at).await?;
    db::handouts::confirm(&mut *w.tx, p.handout_id).await?;
    w.audit(
        "confirm_phone",
        "handout",
        Some(p.handout_id),
        serde_json::json!({}),
    )
    .await?;
    w.commit().await
}

/// Whether the certificate's phone still waits for its SMS code (the page offers the form).
pub async fn awaits_code(db: &Db, certificate: &Code) -> Result<bool, DomainError> {
    Ok(db::messages::phone_code(&db.pool, certificate)
        .await?
        .is_some_and(|p| p.confirmed_at.is_none()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sms_carries_the_link_the_date_and_the_code() {
        let d = NaiveDate::from_ymd_opt(2027, 4, 30).expect("date");
        assert_eq!(
            sms_text(
                "Улыбка",
                50_000,
                d,
                "https://u.ru/c/K7QDM2XFR9A",
                Some("042917")
            ),
            "Улыбка: ваш сертификат на 500 рублей https://u.ru/c/K7QDM2XFR9A до 30.04.2027. Код подтверждения: 042917"
        );
    }
}
