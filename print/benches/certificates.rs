//! Certificate sheets (Grid2x4) for 1 000 and 10 000 certificates: best of three runs.
//! The project's acceptance: ≥ 5 000 certificates per second, ≤ 3 KB per certificate.
//! Run with `cargo bench -p print`.

#[path = "../tests/common/sample.rs"]
mod sample;

use std::time::{Duration, Instant};

use print::CertLayout;

fn main() {
    let design = sample::certificate_design(CertLayout::Grid2x4);
    // Warm-up: the fonts are parsed once per process.
    if let Err(e) = print::certificates(&design, &sample::certificate_items(8)) {
        eprintln!("certificates failed: {e}");
        std::process::exit(1);
    }
    let mut failed = false;
    for n in [1_000usize, 10_000] {
        let items = sample::certificate_items(n);
        let mut best = Duration::MAX;
        let mut bytes = 0;
        for _ in 0..3 {
            let start = Instant::now();
            let pdf = match print::certificates(&design, &items) {
                Ok(pdf) => pdf,
                Err(e) => {
                    eprintln!("certificates failed: {e}");
                    std::process::exit(1);
                }
            };
            best = best.min(start.elapsed());
            bytes = pdf.len();
        }
        let secs = best.as_secs_f64();
        let per_second = n as f64 / secs;
        let per_cert = bytes as f64 / n as f64;
        println!(
            "{n:>6} certificates: {secs:.3} s, {per_second:.0} certificates/s, {bytes} bytes, {per_cert:.0} bytes/certificate"
        );
        failed |= per_second < 5_000.0 || per_cert > 3_072.0;
    }
    if failed {
        println!("below target: ≥ 5 000 certificates/s and ≤ 3 KB/certificate");
    }
}
