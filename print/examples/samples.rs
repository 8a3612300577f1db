//! Writes one PDF of each kind into the directory given as the argument (default
//! `/tmp/print-samples`), for looking at: `cargo run -p print --example samples`.

#[path = "../tests/common/sample.rs"]
mod sample;

use print::{CertLayout, PaperSize};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/print-samples".into());
    std::fs::create_dir_all(&dir)?;
    let write = |name: &str, bytes: Vec<u8>| -> std::io::Result<()> {
        let path = format!("{dir}/{name}.pdf");
        println!("{path}: {} bytes", bytes.len());
        std::fs::write(path, bytes)
    };
    let items = sample::certificate_items(8);
    write(
        "certificates-grid",
        print::certificates(&sample::certificate_design(CertLayout::Grid2x4), &items)?,
    )?;
    write(
        "certificates-single",
        print::certificates(
            &sample::certificate_design(CertLayout::OnePerPage),
            &items[..2],
        )?,
    )?;
    write(
        "form",
        print::forms(&sample::form_design(), &sample::form_items(2))?,
    )?;
    write("poster-a4", print::poster(&sample::poster(PaperSize::A4))?)?;
    write("poster-a3", print::poster(&sample::poster(PaperSize::A3))?)?;
    write("regulations", print::regulations(&sample::regulations(12))?)?;
    write("report", print::report(&sample::report(300))?)?;

    // Texts near the limits, to see the wrapping and shrinking.
    let mut long = sample::certificate_design(CertLayout::Grid2x4);
    long.title = "Подарочный сертификат на стоматологические услуги".into();
    long.face_value = "15 000 ₽".into();
    long.valid_until = "Действителен до 31 декабря 2027 года включительно".into();
    long.terms = format!(
        "{} Для записи назовите код сертификата администратору.",
        long.terms
    );
    long.clinic.name = "Стоматологическая клиника доктора Иванова «Белоснежная улыбка»".into();
    long.clinic.address =
        "Московская область, г. Красногорск, бульвар Строителей, д. 4, корп. 1, пом. 12".into();
    let mut long_items = sample::certificate_items(8);
    for item in &mut long_items {
        item.serial = format!("№ 00{}", item.serial.trim_start_matches("№ "));
        item.store =
            "Магазин товаров для дома и сада «Зелёный уголок» на Центральной площади".into();
    }
    write(
        "certificates-long-texts",
        print::certificates(&long, &long_items)?,
    )?;
    Ok(())
}
