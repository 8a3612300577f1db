mod common;

use common::{Scratch, sample};
use print::{PaperSize, PrintError};

#[test]
fn the_a4_poster_has_one_qr_code_to_the_store_page_and_its_texts() {
    let scratch = Scratch::new("poster-a4");
    let poster = sample::poster(PaperSize::A4);
    let pdf = scratch.pdf("poster", &print::poster(&poster).expect("pdf"));
    assert_eq!(common::pages(&pdf), 1);
    assert!(
        common::info(&pdf).contains("(A4)"),
        "{}",
        common::info(&pdf)
    );
    assert_eq!(
        common::qr_codes_per_page(&pdf),
        vec![vec![poster.url.clone()]]
    );
    let text = common::text(&pdf);
    for needle in [
        "Подарок от соседей — скидка у стоматолога",
        "500 ₽",
        "Зарегистрируйтесь за минуту",
        "Наведите камеру телефона",
        "Цветочный магазин «Флора»",
        "Стоматология «Улыбка»",
        "Москва, ул. Тверская, 12",
        "+7 495 123-45-67",
    ] {
        assert!(text.contains(needle), "{needle:?} not in: {text}");
    }
}

#[test]
fn the_a3_poster_is_a3_and_its_qr_code_decodes() {
    let scratch = Scratch::new("poster-a3");
    let poster = sample::poster(PaperSize::A3);
    let pdf = scratch.pdf("poster", &print::poster(&poster).expect("pdf"));
    assert!(
        common::info(&pdf).contains("(A3)"),
        "{}",
        common::info(&pdf)
    );
    assert_eq!(
        common::qr_codes_per_page(&pdf),
        vec![vec![poster.url.clone()]]
    );
    assert!(common::text(&pdf).contains("Наведите камеру телефона"));
}

#[test]
fn a_headline_too_long_for_the_poster_gives_text_too_long_naming_headline() {
    let mut poster = sample::poster(PaperSize::A4);
    poster.headline = "Подарок от соседей — скидка у стоматолога. ".repeat(10);
    assert_eq!(
        print::poster(&poster).err(),
        Some(PrintError::TextTooLong { field: "headline" })
    );
}

#[test]
fn an_emoji_in_the_qr_caption_gives_missing_glyph() {
    let mut poster = sample::poster(PaperSize::A4);
    poster.qr_caption = "Наведите камеру 📷".into();
    assert_eq!(
        print::poster(&poster).err(),
        Some(PrintError::MissingGlyph {
            field: "qr_caption",
            ch: '📷'
        })
    );
}
