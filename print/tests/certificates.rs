mod common;

use common::{Scratch, sample};
use print::{CertLayout, CertificateItem, PrintError};

fn grid() -> print::CertificateDesign {
    sample::certificate_design(CertLayout::Grid2x4)
}

#[test]
fn every_qr_on_a_certificate_sheet_decodes_to_its_url() {
    let scratch = Scratch::new("cert-qr");
    let items = sample::certificate_items(19);
    let pdf = scratch.pdf("sheet", &print::certificates(&grid(), &items).expect("pdf"));
    assert_eq!(common::pages(&pdf), 3, "19 certificates at 8 per page");
    let per_page = common::qr_codes_per_page(&pdf);
    assert_eq!(
        per_page.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![8, 8, 3]
    );
    let decoded = common::set(per_page.into_iter().flatten());
    assert_eq!(decoded, common::set(items.iter().map(|i| i.url.clone())));
}

#[test]
fn a_one_page_sheet_of_eight_certificates_has_exactly_eight_qr_codes() {
    let scratch = Scratch::new("cert-eight");
    let items = sample::certificate_items(8);
    let pdf = scratch.pdf("sheet", &print::certificates(&grid(), &items).expect("pdf"));
    assert_eq!(common::pages(&pdf), 1);
    let codes = common::qr_codes_per_page(&pdf).concat();
    assert_eq!(codes.len(), 8, "{codes:?}");
    assert_eq!(
        common::set(codes),
        common::set(items.iter().map(|i| i.url.clone()))
    );
}

#[test]
fn the_certificate_text_reads_back_in_russian_with_codes_and_serials() {
    let scratch = Scratch::new("cert-text");
    let items = sample::certificate_items(10);
    let pdf = scratch.pdf("sheet", &print::certificates(&grid(), &items).expect("pdf"));
    let text = common::text(&pdf);
    for needle in [
        "Подарочный сертификат",
        "500 ₽",
        "Действителен до 31.03.2027",
        "Не суммируется с другими акциями.",
        "Стоматология «Улыбка»",
        "Москва, ул. Тверская, 12",
        "+7 495 123-45-67",
        "Кофейня «Зерно»",
    ] {
        assert!(text.contains(needle), "{needle:?} not in: {text}");
    }
    for item in &items {
        assert!(text.contains(&item.code), "code {} missing", item.code);
        assert!(
            text.contains(&item.serial),
            "serial {} missing",
            item.serial
        );
    }
    // The design is drawn once and placed per certificate, yet every certificate shows it.
    assert_eq!(text.matches("500 ₽ на первичный").count(), items.len());
}

#[test]
fn one_certificate_per_page_puts_each_on_its_own_page_with_its_qr_code() {
    let scratch = Scratch::new("cert-single");
    let items = sample::certificate_items(3);
    let design = sample::certificate_design(CertLayout::OnePerPage);
    let pdf = scratch.pdf(
        "single",
        &print::certificates(&design, &items).expect("pdf"),
    );
    assert_eq!(common::pages(&pdf), 3);
    let per_page = common::qr_codes_per_page(&pdf);
    for (page, item) in per_page.iter().zip(&items) {
        assert_eq!(page, &vec![item.url.clone()]);
    }
    let text = common::text(&pdf);
    assert!(text.contains("Подарочный сертификат") && text.contains(&items[2].code));
}

#[test]
fn qr_codes_on_certificates_are_at_least_25_mm_wide() {
    let scratch = Scratch::new("cert-size");
    let items = sample::certificate_items(8);
    let pdf = scratch.pdf("sheet", &print::certificates(&grid(), &items).expect("pdf"));
    // The first cell's QR column (the grid starts 8 mm from the left and 12.5 mm from
    // the top; the QR square is 59.5–93.5 mm across and 8–42 mm down the 68 mm cell).
    // Its quiet zone keeps everything else out, so the dark pixels are the symbol.
    let region = common::gray_region(&pdf, 1, 8.0 + 59.5, 12.5 + 8.0, 34.0, 34.0);
    let (x0, y0, x1, y1) = region.dark_bounds().expect("a QR code in the first cell");
    let (w, h) = (common::px_to_mm(x1 - x0 + 1), common::px_to_mm(y1 - y0 + 1));
    assert!(w >= 25.0 && h >= 25.0, "QR symbol is {w:.1} × {h:.1} mm");
    assert!(
        (w - h).abs() < 0.5,
        "QR symbol is not square: {w:.1} × {h:.1} mm"
    );
    // The quiet zone (4 modules) is light: nothing dark touches the square's edge.
    assert!(x0 > 5 && y0 > 5 && x1 < region.width - 6 && y1 < region.height - 6);
}

#[test]
fn the_fonts_are_embedded_as_subsets_that_keep_the_pdf_small() {
    let scratch = Scratch::new("cert-fonts");
    let bytes = print::certificates(&grid(), &sample::certificate_items(8)).expect("pdf");
    let pdf = scratch.pdf("sheet", &bytes);
    let fonts = common::fonts(&pdf);
    let embedded: Vec<&str> = fonts.lines().filter(|l| l.contains("DejaVuSans")).collect();
    assert_eq!(embedded.len(), 2, "{fonts}");
    for line in embedded {
        // columns: emb sub uni
        assert!(
            line.contains("yes yes yes"),
            "not an embedded subset with a Unicode map: {line}"
        );
    }
    // Each DejaVu face is ~0.7 MB whole.
    assert!(bytes.len() < 80_000, "{} bytes for one sheet", bytes.len());
}

#[test]
fn a_thousand_certificates_take_less_than_3_kb_each() {
    let items = sample::certificate_items(1000);
    let bytes = print::certificates(&grid(), &items).expect("pdf");
    let per_certificate = bytes.len() / items.len();
    assert!(
        per_certificate <= 3 * 1024,
        "{per_certificate} bytes per certificate"
    );
}

#[test]
fn terms_too_long_for_the_certificate_give_text_too_long_naming_terms() {
    let mut design = grid();
    design.terms = "Сертификат даёт скидку на первичный приём и лечение. ".repeat(12);
    let err = print::certificates(&design, &sample::certificate_items(1)).expect_err("too long");
    assert_eq!(err, PrintError::TextTooLong { field: "terms" });
}

#[test]
fn terms_a_little_too_long_are_shrunk_rather_than_refused() {
    let scratch = Scratch::new("cert-shrink");
    let mut design = grid();
    design.terms = format!(
        "{} Срок действия указан на сертификате; запись по телефону клиники.",
        design.terms
    );
    let pdf = scratch.pdf(
        "sheet",
        &print::certificates(&design, &sample::certificate_items(1)).expect("fits"),
    );
    assert!(common::text(&pdf).contains("запись по телефону клиники."));
}

#[test]
fn a_long_store_name_wraps_and_an_impossibly_long_one_is_refused() {
    let scratch = Scratch::new("cert-store");
    let mut items = sample::certificate_items(1);
    items[0].store = "Магазин товаров для дома и сада «Зелёный уголок»".into();
    let pdf = scratch.pdf(
        "sheet",
        &print::certificates(&grid(), &items).expect("wraps"),
    );
    assert!(common::text(&pdf).contains("«Зелёный уголок»"));

    items[0].store = "Очень длинное название магазина ".repeat(8);
    let err = print::certificates(&grid(), &items).expect_err("too long");
    assert_eq!(err, PrintError::TextTooLong { field: "store" });
}

/// The longest texts a certificate takes (the samples example prints them too).
fn long_texts() -> (print::CertificateDesign, Vec<CertificateItem>) {
    let mut design = grid();
    design.title = "Подарочный сертификат на стоматологические услуги".into();
    design.face_value = "15 000 ₽".into();
    design.valid_until = "Действителен до 31 декабря 2027 года включительно".into();
    design.terms = format!(
        "{} Для записи назовите код сертификата администратору.",
        design.terms
    );
    design.clinic.name = "Стоматологическая клиника доктора Иванова «Белоснежная улыбка»".into();
    design.clinic.address =
        "Московская область, г. Красногорск, бульвар Строителей, д. 4, корп. 1, пом. 12".into();
    let mut items = sample::certificate_items(8);
    for item in &mut items {
        item.store =
            "Магазин товаров для дома и сада «Зелёный уголок» на Центральной площади".into();
    }
    (design, items)
}

#[test]
fn long_texts_shrink_inside_the_certificate_frame_and_never_spill_past_it() {
    let scratch = Scratch::new("cert-long");
    let (design, items) = long_texts();
    let pdf = scratch.pdf(
        "sheet",
        &print::certificates(&design, &items).expect("fits"),
    );
    let text = common::text(&pdf);
    for needle in [
        "стоматологические услуги",
        "15 000 ₽",
        "года включительно",
        "администратору.",
        "«Белоснежная улыбка»",
        "корп. 1, пом. 12",
        "на Центральной площади",
    ] {
        assert!(text.contains(needle), "{needle:?} not in: {text}");
    }
    // The frame is drawn 2.5 mm inside the first certificate's edge and everything else
    // keeps at least 3.5 mm from the edge: on both sides of the frame line there is only
    // paper. Strips along all four sides, clear of the rounded corners and the cut marks.
    let (left, top, right, bottom) = (8.0, 12.5, 105.0, 80.5);
    for (from, to) in [(0.3, 2.1), (2.9, 3.4)] {
        let depth = to - from;
        let strips = [
            ("top", left + 6.0, top + from, 85.0, depth),
            ("bottom", left + 6.0, bottom - to, 85.0, depth),
            ("left", left + from, top + 6.0, depth, 56.0),
            ("right", right - to, top + 6.0, depth, 56.0),
        ];
        for (side, x, y, w, h) in strips {
            let region = common::gray_region(&pdf, 1, x, y, w, h);
            assert!(
                region.dark_bounds().is_none(),
                "ink {from}–{to} mm inside the {side} edge of the first certificate"
            );
        }
    }
}

#[test]
fn an_emoji_gives_missing_glyph_naming_the_field_and_the_character() {
    let mut items = sample::certificate_items(3);
    items[2].store = "Цветы 🌷".into();
    let err = print::certificates(&grid(), &items).expect_err("emoji");
    assert_eq!(
        err,
        PrintError::MissingGlyph {
            field: "store",
            ch: '🌷'
        }
    );

    let mut design = grid();
    design.title = "Подарок 🎁".into();
    let err = print::certificates(&design, &sample::certificate_items(1)).expect_err("emoji");
    assert_eq!(
        err,
        PrintError::MissingGlyph {
            field: "title",
            ch: '🎁'
        }
    );

    let mut design = grid();
    design.clinic.name = "歯科".into();
    let err = print::certificates(&design, &sample::certificate_items(1)).expect_err("CJK");
    assert_eq!(
        err,
        PrintError::MissingGlyph {
            field: "name",
            ch: '歯'
        }
    );
}

#[test]
fn a_url_too_long_for_a_qr_code_is_refused_naming_url() {
    let items = vec![CertificateItem {
        url: format!("https://clinic.example/c/{}", "X".repeat(4000)),
        ..sample::certificate_items(1).remove(0)
    }];
    let err = print::certificates(&grid(), &items).expect_err("too long");
    assert_eq!(err, PrintError::TextTooLong { field: "url" });
}

#[test]
fn no_certificates_is_an_error_not_an_empty_document() {
    assert!(matches!(
        print::certificates(&grid(), &[]),
        Err(PrintError::Pdf(_))
    ));
}
