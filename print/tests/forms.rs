mod common;

use common::{Scratch, sample};
use print::PrintError;

#[test]
fn every_form_has_its_own_page_qr_code_and_serial() {
    let scratch = Scratch::new("form-qr");
    let items = sample::form_items(3);
    let pdf = scratch.pdf(
        "forms",
        &print::forms(&sample::form_design(), &items).expect("pdf"),
    );
    assert_eq!(common::pages(&pdf), 3);
    let per_page = common::qr_codes_per_page(&pdf);
    for (page, item) in per_page.iter().zip(&items) {
        assert_eq!(
            page,
            &vec![item.url.clone()],
            "one QR code per form, its own"
        );
    }
    let text = common::text(&pdf);
    for item in &items {
        assert!(
            text.contains(&item.serial),
            "serial {} missing",
            item.serial
        );
    }
}

#[test]
fn the_form_reads_back_with_its_captions_and_the_consent() {
    let scratch = Scratch::new("form-text");
    let design = sample::form_design();
    let pdf = scratch.pdf(
        "form",
        &print::forms(&design, &sample::form_items(1)).expect("pdf"),
    );
    let text = common::text(&pdf);
    let l = &design.labels;
    for needle in [
        "Анкета участника акции",
        "Стоматология «Улыбка»",
        l.full_name.as_str(),
        l.phone.as_str(),
        l.email.as_str(),
        l.birthday.as_str(),
        l.heard_from.as_str(),
        l.cert_number.as_str(),
        l.signature.as_str(),
        l.date.as_str(),
        "№ 152-ФЗ «О персональных данных»",
        "политикой обработки персональных данных.",
        "Цветочный магазин «Флора»",
    ] {
        assert!(text.contains(needle), "{needle:?} not in: {text}");
    }
}

#[test]
fn a_long_consent_is_set_smaller_and_a_far_too_long_one_is_refused() {
    let scratch = Scratch::new("form-consent");
    let mut design = sample::form_design();
    design.consent = design.consent.repeat(3);
    let pdf = scratch.pdf(
        "form",
        &print::forms(&design, &sample::form_items(1)).expect("fits smaller"),
    );
    assert_eq!(common::text(&pdf).matches("152-ФЗ").count(), 3);

    design.consent = design.consent.repeat(10);
    let err = print::forms(&design, &sample::form_items(1)).expect_err("too long");
    assert_eq!(err, PrintError::TextTooLong { field: "consent" });
}

#[test]
fn an_emoji_in_a_caption_gives_missing_glyph_naming_the_caption() {
    let mut design = sample::form_design();
    design.labels.phone = "Телефон 📞".into();
    let err = print::forms(&design, &sample::form_items(1)).expect_err("emoji");
    assert_eq!(
        err,
        PrintError::MissingGlyph {
            field: "labels.phone",
            ch: '📞'
        }
    );
}

#[test]
fn the_certificate_number_has_its_own_field_beside_the_email() {
    let scratch = Scratch::new("form-cert-number");
    let design = sample::form_design();
    let pdf = scratch.pdf(
        "form",
        &print::forms(&design, &sample::form_items(1)).expect("pdf"),
    );
    let text = common::text(&pdf);
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in: {text}"))
    };
    let l = &design.labels;
    assert!(
        at(&l.email) < at(&l.cert_number) && at(&l.cert_number) < at(&l.heard_from),
        "the certificate number follows the e-mail, before \"how did you hear\": {text}"
    );

    let mut long = sample::form_design();
    long.labels.cert_number = "Номер подарочного сертификата ".repeat(6);
    assert_eq!(
        print::forms(&long, &sample::form_items(1)).expect_err("too long"),
        PrintError::TextTooLong {
            field: "labels.cert_number"
        }
    );
}

#[test]
fn no_forms_is_an_error() {
    assert!(matches!(
        print::forms(&sample::form_design(), &[]),
        Err(PrintError::Pdf(_))
    ));
}
