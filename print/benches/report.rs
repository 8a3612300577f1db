//! The final report at the size of the server's report benchmark: 100 stores and 300 employees
//! (every row printed, so the tables run over several pages), with its charts; best of five.
//! Run with `cargo bench -p print --bench report`.

#[path = "../tests/common/sample.rs"]
mod sample;

use std::time::{Duration, Instant};

fn main() {
    let doc = sample::report(300);
    let mut best = Duration::MAX;
    let mut bytes = 0;
    for _ in 0..5 {
        let start = Instant::now();
        match print::report(&doc) {
            Ok(pdf) => bytes = pdf.len(),
            Err(e) => {
                eprintln!("report failed: {e}");
                std::process::exit(1);
            }
        }
        best = best.min(start.elapsed());
    }
    println!(
        "report of {} stores and {} employees: {:.1} ms, {} KB",
        doc.tables[0].rows.len(),
        doc.tables[1].rows.len(),
        best.as_secs_f64() * 1000.0,
        bytes / 1024
    );
}
