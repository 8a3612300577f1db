//! Printed materials: gathers a campaign's data through `domain::ops` (which checks the role)
//! and renders it with the `print` crate. Rendering is CPU work: it runs on the blocking pool,
//! one document at a time per server process, so a 10 000-certificate print never starves
//! the pages and the API.

use domain::auth::Actor;
use domain::db::Db;
use domain::model::{Campaign, CampaignTexts};
use domain::ops;
use domain::ops::certificates::CertFilter;
use domain::texts::{self, Fill};
use domain::{DomainError, ErrorCode, Lang, format};
use tokio::sync::Semaphore;

/// The most certificates in one PDF (a store's stock or a serial range; split larger prints).
pub const MAX_PER_PDF: i64 = 20_000;

static RENDER: Semaphore = Semaphore::const_new(1);

/// A rendered document and the file name to offer.
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub file_name: String,
}

/// The base URL printed in QR codes.
pub async fn public_url(db: &Db, server_public_url: &str) -> Result<String, DomainError> {
    ops::settings::qr_base_url(db, server_public_url).await
}

/// Everything printed about a campaign, with defaults and placeholders filled in.
struct Context {
    campaign: Campaign,
    texts: CampaignTexts,
    clinic: print::Clinic,
    face_value: String,
}

async fn context(
    db: &Db,
    actor: &Actor,
    campaign_id: i64,
    lang: Lang,
) -> Result<Context, DomainError> {
    let campaign = ops::campaigns::get(db, actor, campaign_id).await?;
    let settings = ops::settings::get(db).await?;
    let own = ops::certificates::texts(db, actor, campaign_id).await?;
    let face_value = format::money(campaign.face_value, lang);
    let until = format::date(campaign.valid_until, lang);
    let phone = format::phone(&settings.phone);
    let fill = Fill {
        value: &face_value,
        until: &until,
        clinic: &settings.name,
        phone: &phone,
        address: &settings.address,
        campaign: &campaign.name,
    };
    let texts = texts::effective(&own, &fill, lang);
    let clinic = print::Clinic {
        name: settings.name.clone(),
        address: settings.address.clone(),
        phone,
    };
    Ok(Context {
        campaign,
        texts,
        clinic,
        face_value,
    })
}

/// Maps a layout problem to the field the marketer can fix.
fn print_error(e: print::PrintError) -> DomainError {
    let field = |f: &str| -> String {
        match f {
            "title" => "cert_title",
            "terms" => "cert_text",
            "consent" => "consent_text",
            "headline" => "poster_headline",
            "text" => "poster_text",
            "name" => "clinic_name",
            "address" => "clinic_address",
            "phone" => "clinic_phone",
            "store" => "store_name",
            other => other,
        }
        .to_owned()
    };
    match e {
        print::PrintError::TextTooLong { field: f } => {
            DomainError::field(&field(f), ErrorCode::TextDoesNotFit)
        }
        print::PrintError::MissingGlyph { field: f, .. } => {
            DomainError::field(&field(f), ErrorCode::MissingGlyph)
        }
        print::PrintError::Pdf(msg) => {
            tracing::error!(%msg, "PDF rendering failed");
            DomainError::Internal
        }
    }
}

async fn render<F>(job: F) -> Result<Vec<u8>, DomainError>
where
    F: FnOnce() -> Result<Vec<u8>, print::PrintError> + Send + 'static,
{
    let _permit = RENDER.acquire().await.map_err(|_| DomainError::Internal)?;
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|_| DomainError::Internal)?
        .map_err(print_error)
}

/// Certificates of a campaign (a store's, a batch's or a serial range), 8 per page or 1 per page.
pub async fn certificates(
    db: &Db,
    actor: &Actor,
    campaign_id: i64,
    filter: &CertFilter,
    one_per_page: bool,
    server_public_url: &str,
    lang: Lang,
) -> Result<Pdf, DomainError> {
    actor.require_marketer()?;
    let ctx = context(db, actor, campaign_id, lang).await?;
    let url = public_url(db, server_public_url).await?;
    let mut f = filter.clone();
    f.limit = Some(MAX_PER_PDF + 1);
    let certs = ops::certificates::list(db, actor, campaign_id, &f, &url).await?;
    if certs.is_empty() {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    if certs.len() as i64 > MAX_PER_PDF {
        return Err(DomainError::field("count", ErrorCode::CountOutOfRange));
    }
    let until_label = match lang {
        Lang::Ru => format!(
            "Действителен до {}",
            format::date(ctx.campaign.valid_until, lang)
        ),
        Lang::En => format!(
            "Valid until {}",
            format::date(ctx.campaign.valid_until, lang)
        ),
    };
    let unallocated = match lang {
        Lang::Ru => "—",
        Lang::En => "—",
    };
    let items: Vec<print::CertificateItem> = certs
        .iter()
        .map(|c| print::CertificateItem {
            serial: format!("№ {:06}", c.serial),
            code: c.code.clone(),
            url: c.url.clone(),
            store: c.store_name.clone().unwrap_or_else(|| unallocated.into()),
        })
        .collect();
    let design = print::CertificateDesign {
        title: ctx.texts.cert_title.clone(),
        face_value: ctx.face_value.clone(),
        valid_until: until_label,
        terms: ctx.texts.cert_text.clone(),
        clinic: ctx.clinic.clone(),
        layout: if one_per_page {
            print::CertLayout::OnePerPage
        } else {
            print::CertLayout::Grid2x4
        },
    };
    let (first, last) = (certs[0].serial, certs[certs.len() - 1].serial);
    let bytes = render(move || print::certificates(&design, &items)).await?;
    Ok(Pdf {
        bytes,
        file_name: format!("certificates-{campaign_id}-{first:06}-{last:06}.pdf"),
    })
}

/// The URL of a store's digital participant form and self-registration page.
pub fn store_form_url(public_url: &str, campaign_id: i64, store_id: i64) -> String {
    format!("{public_url}/join/{campaign_id}/{store_id}")
}

/// Paper participant forms of a form batch, one per page, each with its serial number.
pub async fn forms(
    db: &Db,
    actor: &Actor,
    form_batch_id: i64,
    server_public_url: &str,
    lang: Lang,
) -> Result<Pdf, DomainError> {
    let batch = ops::certificates::form_batch(db, actor, form_batch_id).await?;
    let ctx = context(db, actor, batch.campaign_id, lang).await?;
    let url = public_url(db, server_public_url).await?;
    let form_url = store_form_url(&url, batch.campaign_id, batch.store_id);
    let items: Vec<print::FormItem> = (batch.first_serial..=batch.last_serial)
        .map(|n| print::FormItem {
            serial: format!("№ {n:06}"),
            url: format!("{form_url}?form={n}"),
            store: batch.store_name.clone(),
        })
        .collect();
    let labels = match lang {
        Lang::Ru => print::FormLabels {
            full_name: "Фамилия, имя".into(),
            phone: "Мобильный телефон".into(),
            email: "Эл. почта".into(),
            birthday: "Дата рождения".into(),
            heard_from: "Как вы узнали о нашей клинике?".into(),
            signature: "Подпись".into(),
            date: "Дата".into(),
        },
        Lang::En => print::FormLabels {
            full_name: "Full name".into(),
            phone: "Mobile phone".into(),
            email: "E-mail".into(),
            birthday: "Date of birth".into(),
            heard_from: "How did you hear of our clinic?".into(),
            signature: "Signature".into(),
            date: "Date".into(),
        },
    };
    let title = match lang {
        Lang::Ru => format!("Анкета участника акции «{}»", ctx.campaign.name),
        Lang::En => format!("Participant form: {}", ctx.campaign.name),
    };
    let design = print::FormDesign {
        title,
        clinic: ctx.clinic.clone(),
        labels,
        consent: ctx.texts.consent_text.clone(),
    };
    let bytes = render(move || print::forms(&design, &items)).await?;
    Ok(Pdf {
        bytes,
        file_name: format!(
            "forms-{}-{:06}-{:06}.pdf",
            batch.campaign_id, batch.first_serial, batch.last_serial
        ),
    })
}

/// A store's poster, A4 or A3, with the QR code of its self-registration page.
pub async fn poster(
    db: &Db,
    actor: &Actor,
    campaign_id: i64,
    store_id: i64,
    a3: bool,
    server_public_url: &str,
    lang: Lang,
) -> Result<Pdf, DomainError> {
    actor.require_marketer()?;
    let ctx = context(db, actor, campaign_id, lang).await?;
    let store = ops::partners::get_store(db, actor, store_id).await?;
    if !ctx.campaign.partner_ids.contains(&store.partner_id) {
        return Err(DomainError::field(
            "store_id",
            ErrorCode::StoreNotInCampaign,
        ));
    }
    let url = public_url(db, server_public_url).await?;
    let poster = print::Poster {
        size: if a3 {
            print::PaperSize::A3
        } else {
            print::PaperSize::A4
        },
        headline: ctx.texts.poster_headline.clone(),
        text: ctx.texts.poster_text.clone(),
        face_value: ctx.face_value.clone(),
        url: store_form_url(&url, campaign_id, store_id),
        store: store.name.clone(),
        clinic: ctx.clinic.clone(),
        qr_caption: match lang {
            Lang::Ru => "Наведите камеру телефона на QR-код".into(),
            Lang::En => "Point your phone camera at the QR code".into(),
        },
    };
    let bytes = render(move || print::poster(&poster)).await?;
    Ok(Pdf {
        bytes,
        file_name: format!(
            "poster-{campaign_id}-{store_id}-{}.pdf",
            if a3 { "a3" } else { "a4" }
        ),
    })
}

/// The campaign's regulations for partner staff.
pub async fn regulations(
    db: &Db,
    actor: &Actor,
    campaign_id: i64,
    lang: Lang,
) -> Result<Pdf, DomainError> {
    actor.require(&[
        domain::types::Role::Marketer,
        domain::types::Role::StoreStaff,
    ])?;
    let ctx = context(db, actor, campaign_id, lang).await?;
    let doc = print::Regulations {
        title: match lang {
            Lang::Ru => "Регламент акции".into(),
            Lang::En => "Campaign regulations".into(),
        },
        campaign: ctx.campaign.name.clone(),
        text: ctx.texts.regulations.clone(),
        clinic: ctx.clinic.clone(),
    };
    let bytes = render(move || print::regulations(&doc)).await?;
    Ok(Pdf {
        bytes,
        file_name: format!("regulations-{campaign_id}.pdf"),
    })
}
