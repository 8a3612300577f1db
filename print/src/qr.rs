//! QR codes as vector graphics: one filled rectangle per horizontal run of dark modules,
//! all in one path, in module units under a scaling matrix (so the numbers are small
//! integers and the stream compresses well).
//!
//! The `qrcode` crate builds the symbol (segments, error correction, function patterns,
//! masking, format information). Its own mask *selection* scores the eight candidates
//! module by module and costs about half a millisecond per code, which alone would cap a
//! certificate sheet at ~2 000 codes per second. So the symbol is built with its
//! lower-level `Canvas`, the eight masks are scored here on bit rows (one `u64` per row
//! and per column, XOR-ing precomputed mask patterns over the data modules) with the
//! penalty rules of ISO/IEC 18004 (runs, 2×2 blocks, finder-like patterns, dark balance),
//! and the library applies the winner. Any mask decodes; the score only picks the least
//! troublesome one, as the standard asks. Symbols wider than 64 modules (version 12 and
//! up, URLs of 200+ characters) take the library's own path.

use std::sync::OnceLock;

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::types::{Color, QrError};
use qrcode::{EcLevel, QrCode, Version};

use crate::PrintError;
use crate::content::Content;

/// Light modules around the symbol, required by the standard.
pub(crate) const QUIET: usize = 4;

/// Error correction level: M recovers ~15 % damage (a fold, a pen mark) and keeps the
/// symbol small enough for large modules.
const EC: EcLevel = EcLevel::M;

const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// A finished symbol: `width` × `width` modules, row-major, `true` = dark.
pub(crate) struct Symbol {
    pub(crate) width: usize,
    dark: Vec<bool>,
}

impl Symbol {
    pub(crate) fn encode(field: &'static str, data: &str) -> Result<Symbol, PrintError> {
        let err = |e: QrError| match e {
            QrError::DataTooLong => PrintError::TextTooLong { field },
            other => PrintError::Pdf(format!("QR code for {field}: {other}")),
        };
        let bits = qrcode::bits::encode_auto(data.as_bytes(), EC).map_err(err)?;
        let version = bits.version();
        let width =
            usize::try_from(version.width()).map_err(|_| PrintError::Pdf("QR width".into()))?;
        if width > 64 {
            // Beyond version 11 the bit-row scorer does not apply; such long URLs are rare
            // enough to take the library's own (slower) path.
            let code = QrCode::with_error_correction_level(data.as_bytes(), EC).map_err(err)?;
            let dark = code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect();
            return Ok(Symbol {
                width: code.width(),
                dark,
            });
        }
        let (data, ec) =
            qrcode::ec::construct_codewords(&bits.into_bytes(), version, EC).map_err(err)?;
        let mut canvas = Canvas::new(version, EC);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data, &ec);
        let best = best_mask(&canvas, version, width)?;
        canvas.apply_mask(best);
        Ok(Symbol {
            width,
            dark: canvas
                .into_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        })
    }

    /// Side of the symbol including the quiet zone, in modules.
    pub(crate) fn modules_with_quiet_zone(&self) -> usize {
        self.width + 2 * QUIET
    }

    /// Draws the symbol with its quiet zone filling the square `x, y, side` (pt, y =
    /// bottom), in the current fill colour.
    pub(crate) fn draw(&self, c: &mut Content, x: f32, y: f32, side: f32) {
        let module = side / self.modules_with_quiet_zone() as f32;
        c.save();
        c.transform(module, x, y);
        let n = self.width;
        for row in 0..n {
            // PDF y grows upwards; row 0 is the top row.
            let py = (n - 1 - row + QUIET) as u64;
            let cells = &self.dark[row * n..(row + 1) * n];
            let mut col = 0;
            while col < n {
                if !cells[col] {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < n && cells[col] {
                    col += 1;
                }
                c.uint((start + QUIET) as u64);
                c.raw(" ");
                c.uint(py);
                c.raw(" ");
                c.uint((col - start) as u64);
                c.raw(" 1 re\n");
            }
        }
        c.raw("f\nQ\n");
    }
}

/// Per version (1..=11): which modules carry data (the ones a mask flips), and the eight
/// mask patterns, as bit rows and bit columns.
struct Tables {
    data_rows: Vec<u64>,
    data_cols: Vec<u64>,
    mask_rows: [Vec<u64>; 8],
    mask_cols: [Vec<u64>; 8],
}

/// Whether mask `k` (QR numbering, as in `MASKS`) flips the module at column `x`, row `y`.
fn flips(k: usize, x: usize, y: usize) -> bool {
    match k {
        0 => (x + y).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (x + y).is_multiple_of(3),
        4 => (x / 3 + y / 2).is_multiple_of(2),
        5 => (x * y) % 2 + (x * y) % 3 == 0,
        6 => ((x * y) % 2 + (x * y) % 3).is_multiple_of(2),
        _ => ((x + y) % 2 + (x * y) % 3).is_multiple_of(2),
    }
}

fn tables(version: Version, width: usize) -> Option<&'static Tables> {
    static TABLES: [OnceLock<Tables>; 12] = [const { OnceLock::new() }; 12];
    let Version::Normal(v) = version else {
        return None;
    };
    let slot = TABLES.get(usize::try_from(v).ok()?)?;
    let w = i16::try_from(width).ok()?;
    Some(slot.get_or_init(|| {
        let mut t = Tables {
            data_rows: vec![0; width],
            data_cols: vec![0; width],
            mask_rows: std::array::from_fn(|_| vec![0; width]),
            mask_cols: std::array::from_fn(|_| vec![0; width]),
        };
        for y in 0..width {
            for x in 0..width {
                if !qrcode::canvas::is_functional(version, w, x as i16, y as i16) {
                    t.data_rows[y] |= 1 << x;
                    t.data_cols[x] |= 1 << y;
                }
                for k in 0..8 {
                    if flips(k, x, y) {
                        t.mask_rows[k][y] |= 1 << x;
                        t.mask_cols[k][x] |= 1 << y;
                    }
                }
            }
        }
        t
    }))
}

/// Scores the eight masks on bit rows and columns of the unmasked symbol and returns the
/// one with the lowest penalty. The format information (which depends on the mask) is
/// left out of the score: it is 30 of ≥ 441 modules, and any mask decodes.
fn best_mask(canvas: &Canvas, version: Version, width: usize) -> Result<MaskPattern, PrintError> {
    let t = tables(version, width).ok_or_else(|| PrintError::Pdf("QR version tables".into()))?;
    let mut rows = [0u64; 64];
    let mut cols = [0u64; 64];
    let colors = canvas.clone().into_colors();
    for (y, row) in colors.chunks_exact(width).enumerate() {
        for (x, &c) in row.iter().enumerate() {
            if c == Color::Dark {
                rows[y] |= 1 << x;
                cols[x] |= 1 << y;
            }
        }
    }
    let mut best = (u32::MAX, MASKS[0]);
    let mut mr = [0u64; 64];
    let mut mc = [0u64; 64];
    for (k, &mask) in MASKS.iter().enumerate() {
        for i in 0..width {
            mr[i] = rows[i] ^ (t.mask_rows[k][i] & t.data_rows[i]);
            mc[i] = cols[i] ^ (t.mask_cols[k][i] & t.data_cols[i]);
        }
        let score = penalty(&mr[..width], &mc[..width], width);
        if score < best.0 {
            best = (score, mask);
        }
    }
    Ok(best.1)
}

/// ISO/IEC 18004 mask penalty (N1 + N2 + N3 + N4) of a symbol of `width` ≤ 64 given as
/// bit rows and bit columns (bit x of `rows[y]` = module (x, y) is dark).
fn penalty(rows: &[u64], cols: &[u64], width: usize) -> u32 {
    let mask = if width == 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    };
    let mut score = 0;
    let mut dark = 0;
    for &line in rows {
        dark += line.count_ones();
    }
    for &line in rows.iter().chain(cols) {
        score += runs_penalty(line, mask) + finder_penalty(line, mask);
    }
    // N2: every 2×2 block of one colour.
    let pair_mask = mask >> 1;
    for pair in rows.windows(2) {
        let same_vertically = !(pair[0] ^ pair[1]);
        let same_horizontally = !(pair[0] ^ (pair[0] >> 1));
        let blocks = same_vertically & (same_vertically >> 1) & same_horizontally & pair_mask;
        score += 3 * blocks.count_ones();
    }
    // N4: 10 points per full 5 % that the dark share deviates from one half.
    let total = (width * width) as u32;
    let deviation = (dark * 20).abs_diff(total * 10) / total;
    score + 10 * deviation
}

/// N1: 3 + (length − 5) for every run of five or more modules of one colour. A run of
/// length L ≥ 5 holds L − 4 windows of five set bits and one window that starts it, so
/// the sum is (windows) + 2 × (starts).
fn runs_penalty(line: u64, mask: u64) -> u32 {
    let mut score = 0;
    for x in [line & mask, !line & mask] {
        let windows = x & (x >> 1) & (x >> 2) & (x >> 3) & (x >> 4);
        let starts = windows & !(x << 1);
        score += windows.count_ones() + 2 * starts.count_ones();
    }
    score
}

/// N3: 40 for every dark-light-dark×3-light-dark pattern with four light modules on
/// either side (outside the symbol counts as light). Bit p of each term below says
/// something about the pattern starting at module p.
fn finder_penalty(line: u64, mask: u64) -> u32 {
    let l = line & mask;
    let pattern = l & !(l >> 1) & (l >> 2) & (l >> 3) & (l >> 4) & !(l >> 5) & (l >> 6);
    let light_after = !((l >> 7) | (l >> 8) | (l >> 9) | (l >> 10));
    let light_before = !((l << 1) | (l << 2) | (l << 3) | (l << 4));
    40 * (pattern & (light_after | light_before) & mask).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_scored_from_five_modules_on() {
        let mask = (1u64 << 21) - 1;
        // Five dark, then sixteen light (the light run counts too).
        assert_eq!(runs_penalty(0b11111, mask), 3 + (3 + 11));
        // Alternating: no runs at all.
        assert_eq!(runs_penalty(0x15_5555 & mask, mask), 0);
    }

    #[test]
    fn a_finder_like_pattern_next_to_light_modules_is_penalised() {
        let mask = (1u64 << 21) - 1;
        assert_eq!(finder_penalty(0b101_1101 << 4, mask), 40);
        // At the very edge, outside the symbol counts as light.
        assert_eq!(finder_penalty(0b101_1101, mask), 40);
        // Dark modules right before and after: not finder-like.
        assert_eq!(finder_penalty(0b1_1011_1011, mask), 0);
    }

    /// The penalty rules written out module by module, to check the bit tricks against.
    fn naive_runs_and_finders(line: u64, width: usize) -> u32 {
        let dark = |i: isize| i >= 0 && (i as usize) < width && line >> i & 1 == 1;
        let mut score = 0;
        let mut i = 0;
        while i < width {
            let mut j = i;
            while j < width && dark(j as isize) == dark(i as isize) {
                j += 1;
            }
            if j - i >= 5 {
                score += 3 + (j - i - 5) as u32;
            }
            i = j;
        }
        for p in 0..width.saturating_sub(6) as isize {
            let pattern = [true, false, true, true, true, false, true]
                .iter()
                .enumerate()
                .all(|(k, &d)| dark(p + k as isize) == d);
            let after = (7..11).all(|k| !dark(p + k));
            let before = (1..5).all(|k| !dark(p - k));
            if pattern && (after || before) {
                score += 40;
            }
        }
        score
    }

    #[test]
    fn the_bitwise_penalties_agree_with_the_rules_module_by_module() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for width in [21usize, 25, 29, 33, 57, 64] {
            let mask = if width == 64 {
                u64::MAX
            } else {
                (1u64 << width) - 1
            };
            for _ in 0..2000 {
                // xorshift: varied lines, some with long runs.
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let line = if x.is_multiple_of(3) {
                    x & (x >> 1) & (x >> 2)
                } else {
                    x
                } & mask;
                assert_eq!(
                    runs_penalty(line, mask) + finder_penalty(line, mask),
                    naive_runs_and_finders(line, width),
                    "line {line:#066b}, width {width}"
                );
            }
        }
    }

    #[test]
    fn a_long_url_takes_the_library_path_and_an_impossible_one_is_too_long() {
        let long = format!("https://clinic.example/c/{}", "K7QDM2XFR9".repeat(30));
        let s = Symbol::encode("url", &long).expect("encodes");
        assert!(s.width > 64, "{}", s.width);
        assert_eq!(s.dark.len(), s.width * s.width);
        let err = Symbol::encode("url", &"x".repeat(3000)).err();
        assert_eq!(err, Some(PrintError::TextTooLong { field: "url" }));
    }

    #[test]
    fn the_symbol_has_the_version_the_library_picks_and_a_finder_pattern_in_the_corner() {
        let s = Symbol::encode("url", "https://clinic.example/c/K7QDM2XFR9").expect("encodes");
        assert_eq!(s.width, 29);
        let reference =
            QrCode::with_error_correction_level(b"https://clinic.example/c/K7QDM2XFR9", EC)
                .expect("reference");
        assert_eq!(reference.width(), s.width);
        // Function patterns (finders, timing) are identical whatever the mask.
        for i in 0..7 {
            assert!(s.dark[i], "finder top row");
        }
    }
}
