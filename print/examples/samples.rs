//! Writes one PDF of each kind into the directory given as the argument (default
//! `/tmp/print-samples`), for looking at: `cargo run -p print --example samples`.

#[path = "../tests/common/sample.rs"]
mod sample;

use print::{CertLayout, PaperSize};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "/tmp/print-samples".into());
    std::fs::create_dir_all(&dir)?;
    let write = |name: &str, bytes: Vec<u8>| -> std::io::Result<()> {
        let path = format!("{dir}/{name}.pdf");
        println!("{path}: {} bytes", bytes.len());
        std::fs::write(path, bytes)
    };
    let items = sample::certificate_items(8);
    write("certificates-grid", print::certificates(&sample::certificate_design(CertLayout::Grid2x4), &items)?)?;
    write("certificates-single", print::certificates(&sample::certificate_design(CertLayout::OnePerPage), &items[..2])?)?;
    write("form", print::forms(&sample::form_design(), &sample::form_items(2))?)?;
    write("poster-a4", print::poster(&sample::poster(PaperSize::A4))?)?;
    write("poster-a3", print::poster(&sample::poster(PaperSize::A3))?)?;
    write("regulations", print::regulations(&sample::regulations(12))?)?;
    Ok(())
}
