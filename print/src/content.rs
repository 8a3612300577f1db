//! A PDF content stream written straight into a byte buffer. Numbers are written with at
//! most two decimals (1/100 pt is far below anything a printer resolves) and text as
//! two-byte glyph ids (`Identity-H`), so no per-operation allocation happens.

use crate::fonts::{Font, Fonts, Usage};
use crate::layout::Glyph;

/// Points per millimetre.
pub(crate) const MM: f32 = 72.0 / 25.4;

/// Millimetres to points.
#[inline]
pub(crate) fn mm(v: f32) -> f32 {
    v * MM
}

/// An RGB colour, components 0..=1.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rgb(pub f32, pub f32, pub f32);

/// The clinic's accent: a calm dental teal.
pub(crate) const ACCENT: Rgb = Rgb(0.0, 0.42, 0.48);
/// A pale tint of the accent for bands and badges.
pub(crate) const TINT: Rgb = Rgb(0.88, 0.95, 0.96);
/// Body text: near-black prints crisper than a grey and softer than pure black.
pub(crate) const INK: Rgb = Rgb(0.12, 0.12, 0.14);
/// Secondary text (captions, serials).
pub(crate) const MUTED: Rgb = Rgb(0.38, 0.40, 0.43);
pub(crate) const BLACK: Rgb = Rgb(0.0, 0.0, 0.0);
pub(crate) const WHITE: Rgb = Rgb(1.0, 1.0, 1.0);

const HEX: &[u8; 16] = b"0123456789ABCDEF";

pub(crate) struct Content {
    pub(crate) buf: Vec<u8>,
    pub(crate) usage: Usage,
}

impl Content {
    pub(crate) fn new(fonts: &Fonts) -> Content {
        Content {
            buf: Vec::with_capacity(32 * 1024),
            usage: Usage::new(fonts),
        }
    }

    #[inline]
    pub(crate) fn raw(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// Writes a number followed by a space.
    #[inline]
    pub(crate) fn num(&mut self, v: f32) {
        let hundredths = (f64::from(v) * 100.0).round() as i64;
        if hundredths < 0 {
            self.buf.push(b'-');
        }
        let a = hundredths.unsigned_abs();
        self.uint(a / 100);
        let frac = a % 100;
        if frac != 0 {
            self.buf.push(b'.');
            self.buf.push(b'0' + (frac / 10) as u8);
            if !frac.is_multiple_of(10) {
                self.buf.push(b'0' + (frac % 10) as u8);
            }
        }
        self.buf.push(b' ');
    }

    /// Writes a non-negative integer followed by nothing.
    #[inline]
    pub(crate) fn uint(&mut self, mut v: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.buf.extend_from_slice(&digits[i..]);
    }

    pub(crate) fn save(&mut self) {
        self.raw("q\n");
    }

    pub(crate) fn restore(&mut self) {
        self.raw("Q\n");
    }

    /// Concatenates a scale-and-translate matrix to the CTM.
    pub(crate) fn transform(&mut self, scale: f32, x: f32, y: f32) {
        self.num(scale);
        self.raw("0 0 ");
        self.num(scale);
        self.num(x);
        self.num(y);
        self.raw("cm\n");
    }

    pub(crate) fn fill(&mut self, c: Rgb) {
        self.num(c.0);
        self.num(c.1);
        self.num(c.2);
        self.raw("rg\n");
    }

    pub(crate) fn stroke(&mut self, c: Rgb) {
        self.num(c.0);
        self.num(c.1);
        self.num(c.2);
        self.raw("RG\n");
    }

    pub(crate) fn line_width(&mut self, w: f32) {
        self.num(w);
        self.raw("w\n");
    }

    pub(crate) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.num(x);
        self.num(y);
        self.num(w);
        self.num(h);
        self.raw("re\n");
    }

    pub(crate) fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.rect(x, y, w, h);
        self.raw("f\n");
    }

    pub(crate) fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.num(x1);
        self.num(y1);
        self.raw("m ");
        self.num(x2);
        self.num(y2);
        self.raw("l S\n");
    }

    /// A rectangle with rounded corners as a closed path (not yet painted).
    pub(crate) fn rounded_rect(&mut self, x: f32, y: f32, w: f32, h: f32, r: f32) {
        // Control-point distance for a quarter circle drawn with one cubic Bézier.
        let k = r * 0.552_284_8;
        let (x2, y2) = (x + w, y + h);
        self.num(x + r);
        self.num(y);
        self.raw("m ");
        self.num(x2 - r);
        self.num(y);
        self.raw("l ");
        self.curve(x2 - r + k, y, x2, y + r - k, x2, y + r);
        self.num(x2);
        self.num(y2 - r);
        self.raw("l ");
        self.curve(x2, y2 - r + k, x2 - r + k, y2, x2 - r, y2);
        self.num(x + r);
        self.num(y2);
        self.raw("l ");
        self.curve(x + r - k, y2, x, y2 - r + k, x, y2 - r);
        self.num(x);
        self.num(y + r);
        self.raw("l ");
        self.curve(x, y + r - k, x + r - k, y, x + r, y);
        self.raw("h\n");
    }

    fn curve(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x3: f32, y3: f32) {
        for v in [x1, y1, x2, y2, x3, y3] {
            self.num(v);
        }
        self.raw("c\n");
    }

    /// Paints a form XObject by resource name.
    pub(crate) fn draw_xobject(&mut self, name: &str) {
        self.raw("/");
        self.raw(name);
        self.raw(" Do\n");
    }

    /// One line of already shaped text with its baseline starting at (`x`, `y`).
    pub(crate) fn text(&mut self, font: Font, size: f32, x: f32, y: f32, glyphs: &[Glyph]) {
        if glyphs.is_empty() {
            return;
        }
        self.raw("BT /");
        self.raw(font.resource());
        self.raw(" ");
        self.num(size);
        self.raw("Tf ");
        self.num(x);
        self.num(y);
        self.raw("Td <");
        self.buf.reserve(glyphs.len() * 4 + 12);
        for g in glyphs {
            let [hi, lo] = g.gid.to_be_bytes();
            self.buf.extend_from_slice(&[
                HEX[usize::from(hi >> 4)],
                HEX[usize::from(hi & 15)],
                HEX[usize::from(lo >> 4)],
                HEX[usize::from(lo & 15)],
            ]);
            self.usage.mark(font, g.gid, g.ch);
        }
        self.raw("> Tj ET\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(v: f32) -> String {
        let fonts = crate::fonts::fonts().expect("fonts");
        let mut c = Content::new(fonts);
        c.num(v);
        String::from_utf8(c.buf).expect("ascii")
    }

    #[test]
    fn numbers_are_written_with_at_most_two_decimals() {
        assert_eq!(written(0.0), "0 ");
        assert_eq!(written(12.0), "12 ");
        assert_eq!(written(12.5), "12.5 ");
        assert_eq!(written(12.345), "12.35 ");
        assert_eq!(written(-3.07), "-3.07 ");
        assert_eq!(written(841.89), "841.89 ");
    }
}
