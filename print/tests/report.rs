mod common;

use common::{Scratch, sample};

#[test]
fn a_report_with_150_employees_flows_over_several_numbered_pages_and_loses_no_row() {
    let scratch = Scratch::new("report-long");
    let pdf = scratch.pdf("report", &print::report(&sample::report(150)).expect("pdf"));
    let pages = common::pages(&pdf);
    assert!(pages >= 4, "{pages} page(s)");
    let text = common::text(&pdf);
    let squeezed = text.replace(" / ", "/");
    for page in 1..=pages {
        assert!(
            squeezed.contains(&format!("{page}/{pages}")),
            "page number {page} / {pages} missing"
        );
    }
    for i in 1..=150 {
        assert!(
            text.contains(&format!("Сотрудник {i:03} Иванова-Петрова")),
            "employee {i} missing"
        );
    }
    assert!(
        text.contains("По сотрудникам (продолжение)"),
        "the table's heading is repeated where it goes on"
    );
    for needle in [
        "Итоги акции",
        "Стоматология «Улыбка»",
        "Сформирован 30.11.2026 10:00",
        "Главные цифры",
        "Прибыль, ₽",
        "517 000",
        "14.03.2027",
        "Воронка акции",
        "Пришли по сертификату",
        "Итого затрат",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from the text");
    }
}

#[test]
fn the_charts_are_vectors_not_pictures_and_their_labels_are_text() {
    let scratch = Scratch::new("report-charts");
    let pdf = scratch.pdf("report", &print::report(&sample::report(3)).expect("pdf"));
    let images = common::images(&pdf);
    assert_eq!(
        images.lines().count(),
        2,
        "pdfimages lists only its header: no bitmap in the report\n{images}"
    );
    let text = common::text(&pdf);
    assert!(text.contains("Купили другие услуги") && text.contains("Апрель"));
    // The funnel's bars are painted: the chart's area is not blank paper.
    let bars = common::gray_region(&pdf, 1, 70.0, 120.0, 100.0, 80.0);
    let dark = bars.pixels.iter().filter(|&&p| p < 160).count();
    assert!(dark > 2000, "only {dark} dark pixels where the charts are");
}

#[test]
fn a_character_the_font_lacks_prints_as_a_question_mark_in_the_report() {
    let mut doc = sample::report(3);
    doc.tables[0].rows[0][0] = "Цветы 🌷 у метро".into();
    doc.charts[0].drawing.shapes.push(print::Shape::Text {
        x: 0.0,
        y: 10.0,
        text: "🎁".into(),
        size: 12.0,
        bold: true,
        anchor: print::Anchor::Start,
        fill: print::Colour(0, 0, 0),
        max_width: None,
    });
    let scratch = Scratch::new("report-glyph");
    let pdf = scratch.pdf("report", &print::report(&doc).expect("pdf"));
    assert!(common::text(&pdf).contains("Цветы ? у метро"));
}

#[test]
fn an_empty_report_is_still_one_page() {
    let doc = print::ReportDoc {
        title: "Итоги акции".into(),
        ..Default::default()
    };
    let scratch = Scratch::new("report-empty");
    let pdf = scratch.pdf("report", &print::report(&doc).expect("pdf"));
    assert_eq!(common::pages(&pdf), 1);
}
