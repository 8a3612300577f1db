//! Printed materials as PDFs: certificate sheets, paper participant forms, store posters and
//! the regulations for partner staff. The rules (who may print what, which stores belong to the
//! campaign, how many certificates fit one file, the wording) live here; the `print` crate
//! only lays out plain data.
//!
//! Rendering is CPU work: it runs on Tokio's blocking pool, one document at a time per server
//! process, so a 20 000-certificate print never starves the pages and the API.

use std::sync::{Arc, LazyLock};

use tokio::sync::Semaphore;

use crate::auth::Actor;
use crate::db::Db;
use crate::error::{DomainError, ErrorCode};
use crate::format;
use crate::i18n::{Lang, Msg};
use crate::ids::{CampaignId, StoreId};
use crate::model::{Campaign, CampaignTexts};
use crate::ops::certificates::CertFilter;
use crate::policy::Op;

/// The most certificates in one PDF (a store's stock or a serial range; split larger prints).
pub const MAX_PER_PDF: i64 = 20_000;

/// One document at a time per process. The permit lives inside the rendering job, so a client
/// that gives up does not free the renderer while its document is still being drawn.
static RENDER: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(1)));

/// A rendered document and the file name to offer.
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub file_name: String,
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
    campaign_id: CampaignId,
    lang: Lang,
) -> Result<Context, DomainError> {
    let campaign = super::campaigns::get(db, actor, campaign_id).await?;
    let settings = super::settings::get(db).await?;
    let own = crate::db::campaigns::texts(&db.pool, campaign_id)
        .await?
        .ok_or(DomainError::Refused(ErrorCode::NotFound))?;
    let texts = crate::texts::printed(
        &own,
        &crate::texts::CampaignFacts {
            campaign_name: &campaign.name,
            face_value: campaign.face_value,
            valid_until: campaign.valid_until,
            settings: &settings,
        },
        lang,
    );
    let clinic = print::Clinic {
        name: settings.name.clone(),
        address: settings.address.clone(),
        phone: format::phone(&settings.phone),
    };
    Ok(Context {
        face_value: format::money(campaign.face_value, lang),
        campaign,
        texts,
        clinic,
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

pub(crate) async fn render<F>(job: F) -> Result<Vec<u8>, DomainError>
where
    F: FnOnce() -> Result<Vec<u8>, print::PrintError> + Send + 'static,
{
    let permit = RENDER
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| DomainError::Internal)?;
    tokio::task::spawn_blocking(move || {
        let bytes = job();
        drop(permit);
        bytes
    })
    .await
    .map_err(|_| DomainError::Internal)?
    .map_err(print_error)
}

/// The base URL printed in QR codes.
async fn qr_base(db: &Db, server_public_url: &str) -> Result<String, DomainError> {
    super::settings::qr_base_url(db, server_public_url).await
}

/// Certificates of a campaign (a store's, a batch's or a serial range), 8 per page or 1 per page.
pub async fn certificates(
    db: &Db,
    actor: &Actor,
    campaign_id: CampaignId,
    filter: &CertFilter,
    one_per_page: bool,
    server_public_url: &str,
    lang: Lang,
) -> Result<Pdf, DomainError> {
    actor.may(Op::PrintMaterials)?;
    let ctx = context(db, actor, campaign_id, lang).await?;
    let url = qr_base(db, server_public_url).await?;
    let mut f = filter.clone();
    f.limit = Some(MAX_PER_PDF + 1);
    let certs = super::certificates::list(db, actor, campaign_id, &f, &url).await?;
    if certs.is_empty() {
        return Err(DomainError::Refused(ErrorCode::NotFound));
    }
    if certs.len() as i64 > MAX_PER_PDF {
        return Err(DomainError::field("count", ErrorCode::CountOutOfRange));
    }
    let until = format::date(ctx.campaign.valid_until, lang);
    let items: Vec<print::CertificateItem> = certs
        .iter()
        .map(|c| print::CertificateItem {
            serial: format!("№ {:06}", c.serial),
            code: c.code.clone(),
            url: c.url.clone(),
            store: c.store_name.clone().unwrap_or_else(|| "—".into()),
        })
        .collect();
    let design = print::CertificateDesign {
        title: ctx.texts.cert_title.clone(),
        face_value: ctx.face_value.clone(),
        valid_until: Msg::PrintValidUntil.text(lang).replace("{date}", &until),
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
pub fn store_form_url(public_url: &str, campaign: CampaignId, store: StoreId) -> String {
    format!("{public_url}/join/{campaign}/{store}")
}

/// Paper participant forms of a form batch, one per page, each with its serial number.
pub async fn forms(
    db: &Db,
    actor: &Actor,
    form_batch_id: i64,
    server_public_url: &str,
    lang: Lang,
) -> Result<Pdf, DomainError> {
    actor.may(Op::PrintMaterials)?;
    let batch = super::certificates::form_batch(db, actor, form_batch_id).await?;
    let campaign = CampaignId(batch.campaign_id);
    let ctx = context(db, actor, campaign, lang).await?;
    let url = qr_base(db, server_public_url).await?;
    let form_url = store_form_url(&url, campaign, StoreId(batch.store_id));
    let items: Vec<print::FormItem> = (batch.first_serial..=batch.last_serial)
        .map(|n| print::FormItem {
            serial: format!("№ {n:06}"),
            url: format!("{form_url}?form={n}"),
            store: batch.store_name.clone(),
        })
        .collect();
    let labels = print::FormLabels {
        full_name: Msg::FormFullName.text(lang).into(),
        phone: Msg::FormMobile.text(lang).into(),
        email: Msg::Email.text(lang).into(),
        birthday: Msg::Birthday.text(lang).into(),
        heard_from: Msg::FormHeardFrom.text(lang).into(),
        cert_number: Msg::FormCertNumber.text(lang).into(),
        signature: Msg::FormSignature.text(lang).into(),
        date: Msg::Date.text(lang).into(),
    };
    let design = print::FormDesign {
        title: Msg::FormTitle
            .text(lang)
            .replace("{campaign}", &ctx.campaign.name),
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
    campaign_id: CampaignId,
    store_id: StoreId,
    a3: bool,
    server_public_url: &str,
    lang: Lang,
) -> Result<Pdf, DomainError> {
    actor.may(Op::PrintMaterials)?;
    let ctx = context(db, actor, campaign_id, lang).await?;
    let store = super::partners::get_store(db, actor, store_id).await?;
    if !ctx.campaign.partner_ids.contains(&store.partner_id) {
        return Err(DomainError::field(
            "store_id",
            ErrorCode::StoreNotInCampaign,
        ));
    }
    let url = qr_base(db, server_public_url).await?;
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
        qr_caption: Msg::PosterQrCaption.text(lang).into(),
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

/// The campaign's regulations for partner staff (store staff: of their own campaigns).
pub async fn regulations(
    db: &Db,
    actor: &Actor,
    campaign_id: CampaignId,
    lang: Lang,
) -> Result<Pdf, DomainError> {
    actor.may(Op::ViewCampaignTexts)?;
    super::partners::may_see_campaign(db, actor, campaign_id).await?;
    let ctx = context(db, actor, campaign_id, lang).await?;
    if let Some(store) = actor.store_id {
        // Checklist item 2: the store has the regulations (kept the first time).
        let mut w = db.write(actor).await?;
        let user = actor.user_id.map(|u| u.get());
        if crate::db::checks::record_download(&mut *w.tx, campaign_id, store, user, w.at).await? {
            w.audit(
                "download",
                "regulations",
                Some(campaign_id.get()),
                serde_json::json!({ "store_id": store.get() }),
            )
            .await?;
        }
        w.commit().await?;
    }
    let doc = print::Regulations {
        title: Msg::RegulationsTitle.text(lang).into(),
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
