//! Reading the PDFs back the way a person or a scanner would: poppler-utils (`pdftoppm`,
//! `pdftotext`, `pdfinfo`, `pdffonts`) and zxing-cpp (`tests/qr_decode.py`). CI installs them;
//! without them the tests fail and say what to install.
#![allow(dead_code)]

pub mod sample;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Render resolution for the QR checks: what a cheap office scan gives.
pub const DPI: u32 = 150;

const INSTALL: &str =
    "install them with: apt-get install -y poppler-utils; python3 -m pip install zxing-cpp pillow";

/// Runs an external tool, failing the test with a clear message if it is missing.
fn run(program: &str, args: &[&str]) -> Output {
    match Command::new(program).args(args).output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!(
                "`{program}` is not installed; these tests need poppler-utils and zbar-tools — {INSTALL}"
            )
        }
        Err(e) => panic!("cannot run `{program}`: {e}"),
    }
}

fn run_ok(program: &str, args: &[&str]) -> String {
    let out = run(program, args);
    assert!(
        out.status.success(),
        "`{program} {}` failed ({}): {}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A directory of its own for one test, removed afterwards.
pub struct Scratch {
    pub dir: PathBuf,
}

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "print-test-{}-{}-{name}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch { dir }
    }

    /// Writes the PDF and checks that it is one (`pdfinfo` accepts it).
    pub fn pdf(&self, name: &str, bytes: &[u8]) -> PathBuf {
        assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
        let path = self.dir.join(format!("{name}.pdf"));
        std::fs::write(&path, bytes).expect("write pdf");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `pdfinfo`'s fields.
pub fn info(pdf: &Path) -> String {
    run_ok("pdfinfo", &[s(pdf)])
}

pub fn pages(pdf: &Path) -> usize {
    let info = info(pdf);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in pdfinfo output:\n{info}"))
}

/// The text as `pdftotext` extracts it, with every run of whitespace made one space (so
/// a title wrapped onto two lines still reads as one phrase).
pub fn text(pdf: &Path) -> String {
    let raw = run_ok("pdftotext", &[s(pdf), "-"]);
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `pdfimages -list`: a header of two lines, then one line per bitmap.
pub fn images(pdf: &Path) -> String {
    run_ok("pdfimages", &["-list", s(pdf)])
}

/// `pdffonts`' table.
pub fn fonts(pdf: &Path) -> String {
    run_ok("pdffonts", &[s(pdf)])
}

/// Renders every page to PNG at [`DPI`]; returns the files in page order.
pub fn render(pdf: &Path) -> Vec<PathBuf> {
    let prefix = pdf.with_extension("");
    run_ok(
        "pdftoppm",
        &["-r", &DPI.to_string(), "-png", s(pdf), s(&prefix)],
    );
    png_pages(&prefix)
}

fn png_pages(prefix: &Path) -> Vec<PathBuf> {
    let dir = prefix.parent().expect("parent");
    let stem = prefix.file_name().and_then(|n| n.to_str()).expect("stem");
    let mut files: Vec<(usize, PathBuf)> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            let n = name
                .strip_prefix(stem)?
                .strip_prefix('-')?
                .strip_suffix(".png")?;
            Some((n.parse().ok()?, p))
        })
        .collect();
    files.sort();
    files.into_iter().map(|(_, p)| p).collect()
}

/// Every QR code in a picture, as decoded text, read by zxing-cpp through the workspace's
/// `tests/qr_decode.py` (zbarimg misses about one code in 200 on full A4 pages).
pub fn qr_codes(png: &Path) -> Vec<String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/qr_decode.py");
    let out = run("python3", &[script, s(png)]);
    assert!(
        out.status.success(),
        "QR decoding failed on {}: {}",
        png.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// All QR codes of all pages, per page.
pub fn qr_codes_per_page(pdf: &Path) -> Vec<Vec<String>> {
    render(pdf).iter().map(|p| qr_codes(p)).collect()
}

pub fn set<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> BTreeSet<String> {
    items.into_iter().map(Into::into).collect()
}

/// A grey-scale rendering of one page region: `pdftoppm -gray` writes a binary PGM,
/// simple enough to read here. `x`, `y`, `w`, `h` in millimetres from the top-left.
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

pub fn gray_region(pdf: &Path, page: usize, x: f32, y: f32, w: f32, h: f32) -> Gray {
    let px = |mm: f32| ((mm / 25.4 * DPI as f32).round() as i64).to_string();
    let prefix = PathBuf::from(format!("{}-gray", s(&pdf.with_extension(""))));
    let page = page.to_string();
    run_ok(
        "pdftoppm",
        &[
            "-r",
            &DPI.to_string(),
            "-gray",
            "-singlefile",
            "-f",
            &page,
            "-l",
            &page,
            "-x",
            &px(x),
            "-y",
            &px(y),
            "-W",
            &px(w),
            "-H",
            &px(h),
            s(pdf),
            s(&prefix),
        ],
    );
    let bytes = std::fs::read(format!("{}.pgm", s(&prefix))).expect("read pgm");
    // Header: "P5", width, height, maxval, each separated by whitespace, then one byte.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5", "pdftoppm -gray did not write a binary PGM");
    let width: usize = fields[1].parse().expect("width");
    let height: usize = fields[2].parse().expect("height");
    let pixels = bytes[i + 1..].to_vec();
    assert_eq!(pixels.len(), width * height, "PGM size");
    Gray {
        width,
        height,
        pixels,
    }
}

impl Gray {
    /// Bounding box (x0, y0, x1, y1) of the dark pixels, in pixels.
    pub fn dark_bounds(&self) -> Option<(usize, usize, usize, usize)> {
        let mut b: Option<(usize, usize, usize, usize)> = None;
        for y in 0..self.height {
            for x in 0..self.width {
                if self.pixels[y * self.width + x] < 128 {
                    b = Some(match b {
                        None => (x, y, x, y),
                        Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
                    });
                }
            }
        }
        b
    }
}

pub fn px_to_mm(px: usize) -> f32 {
    px as f32 * 25.4 / DPI as f32
}
