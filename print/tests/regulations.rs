mod common;

use common::{Scratch, sample};
use print::PrintError;

#[test]
fn long_regulations_flow_onto_more_pages_with_page_numbers_and_nothing_lost() {
    let scratch = Scratch::new("regs-long");
    let paragraphs = 30;
    let pdf = scratch.pdf(
        "regs",
        &print::regulations(&sample::regulations(paragraphs)).expect("pdf"),
    );
    let pages = common::pages(&pdf);
    assert!(pages > 1, "{pages} page(s)");
    let text = common::text(&pdf);
    // pdftotext's layout heuristics sometimes drop the spaces around the slash.
    let squeezed = text.replace(" / ", "/");
    for page in 1..=pages {
        assert!(
            squeezed.contains(&format!("{page}/{pages}")),
            "page number {page} / {pages} missing"
        );
    }
    assert_eq!(
        text.matches("Сертификат даёт скидку 500 ₽").count(),
        paragraphs
    );
    for needle in [
        "Правила проведения акции",
        "«Подарок от соседей» — весна 2027",
        "совершеннолетние посетители магазинов-партнёров;",
        "Предъявите сертификат в регистратуре до начала приёма.",
        "опубликовав изменения на сайте клиники.",
    ] {
        assert!(text.contains(needle), "{needle:?} missing");
    }
}

#[test]
fn short_regulations_fit_on_one_page() {
    let scratch = Scratch::new("regs-short");
    let pdf = scratch.pdf(
        "regs",
        &print::regulations(&sample::regulations(0)).expect("pdf"),
    );
    assert_eq!(common::pages(&pdf), 1);
    assert!(common::text(&pdf).replace(" / ", "/").contains("1/1"));
}

#[test]
fn an_emoji_in_the_regulations_gives_missing_glyph_naming_text() {
    let mut regs = sample::regulations(1);
    regs.text.push_str("\n\nЖдём вас на приёме! 🎉");
    assert_eq!(
        print::regulations(&regs).err(),
        Some(PrintError::MissingGlyph {
            field: "text",
            ch: '🎉'
        })
    );
}

#[test]
fn a_title_too_long_for_the_heading_gives_text_too_long_naming_title() {
    let mut regs = sample::regulations(1);
    regs.title = "Правила проведения акции ".repeat(20);
    assert_eq!(
        print::regulations(&regs).err(),
        Some(PrintError::TextTooLong { field: "title" })
    );
}
