//! The two embedded faces (DejaVu Sans and DejaVu Sans Bold), parsed once per process,
//! and the record of which glyphs a document used, from which the embedded subsets are cut.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::PrintError;

const REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Which face a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Font {
    Regular = 0,
    Bold = 1,
}

impl Font {
    pub(crate) const ALL: [Font; 2] = [Font::Regular, Font::Bold];

    /// The resource name the content streams use (`/F1`, `/F2`).
    pub(crate) fn resource(self) -> &'static str {
        match self {
            Font::Regular => "F1",
            Font::Bold => "F2",
        }
    }
}

/// One parsed face: character → glyph and glyph → advance, as flat tables so that
/// measuring and setting text never touches a tree or a hash for the common (BMP) case.
pub(crate) struct Face {
    pub(crate) ttf: &'static [u8],
    pub(crate) name: &'static str,
    bmp: Vec<u16>,
    astral: HashMap<u32, u16>,
    advances: Vec<u16>,
    pub(crate) units_per_em: u16,
    pub(crate) ascent: i16,
    pub(crate) descent: i16,
    pub(crate) bbox: [i16; 4],
    pub(crate) weight: u16,
}

impl Face {
    fn load(ttf: &'static [u8], name: &'static str) -> Result<Face, String> {
        let mut warnings = Vec::new();
        let parsed = printpdf::ParsedFont::from_bytes(ttf, 0, &mut warnings)
            .ok_or_else(|| format!("cannot parse the embedded font {name}"))?;
        let mut bmp = vec![0u16; 0x1_0000];
        let mut astral = HashMap::new();
        for (&cp, &gid) in &parsed.codepoint_to_glyph {
            if gid == 0 {
                continue;
            }
            match usize::try_from(cp) {
                Ok(i) if i < bmp.len() => bmp[i] = gid,
                _ => {
                    astral.insert(cp, gid);
                }
            }
        }
        let glyphs = parsed
            .glyph_widths
            .keys()
            .next_back()
            .map_or(0, |&g| usize::from(g) + 1);
        let mut advances = vec![0u16; glyphs];
        for (&gid, &w) in &parsed.glyph_widths {
            advances[usize::from(gid)] = w;
        }
        if parsed.units_per_em == 0 {
            return Err(format!("the embedded font {name} has no units per em"));
        }
        let m = &parsed.pdf_font_metrics;
        Ok(Face {
            ttf,
            name,
            bmp,
            astral,
            advances,
            units_per_em: parsed.units_per_em,
            ascent: parsed.font_metrics.ascent,
            descent: parsed.font_metrics.descent,
            bbox: [m.x_min, m.y_min, m.x_max, m.y_max],
            weight: m.us_weight_class,
        })
    }

    /// The glyph for `ch`, or `None` when the face has none (the caller reports
    /// `MissingGlyph` instead of letting a reader draw an empty box).
    #[inline]
    pub(crate) fn glyph(&self, ch: char) -> Option<u16> {
        let cp = u32::from(ch);
        let gid = if cp < 0x1_0000 {
            self.bmp[cp as usize]
        } else {
            self.astral.get(&cp).copied().unwrap_or(0)
        };
        (gid != 0).then_some(gid)
    }

    /// Advance width of a glyph in font units.
    #[inline]
    pub(crate) fn advance(&self, gid: u16) -> u16 {
        self.advances.get(usize::from(gid)).copied().unwrap_or(0)
    }

    pub(crate) fn glyph_count(&self) -> usize {
        self.advances.len()
    }

    /// Ascender as a fraction of the em.
    pub(crate) fn ascent_em(&self) -> f32 {
        f32::from(self.ascent) / f32::from(self.units_per_em)
    }

    /// Descender (positive) as a fraction of the em.
    pub(crate) fn descent_em(&self) -> f32 {
        -f32::from(self.descent) / f32::from(self.units_per_em)
    }
}

pub(crate) struct Fonts {
    faces: [Face; 2],
}

impl Fonts {
    #[inline]
    pub(crate) fn face(&self, font: Font) -> &Face {
        &self.faces[font as usize]
    }
}

/// The faces, parsed on first use and shared by every document afterwards.
pub(crate) fn fonts() -> Result<&'static Fonts, PrintError> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Ok(Fonts {
                faces: [
                    Face::load(REGULAR_TTF, "DejaVuSans")?,
                    Face::load(BOLD_TTF, "DejaVuSans-Bold")?,
                ],
            })
        })
        .as_ref()
        .map_err(|e| PrintError::Pdf(e.clone()))
}

/// Which glyphs of each face a document (or one worker's share of it) has set, and the
/// character each one stands for (for the `/ToUnicode` map that lets readers copy and
/// search the text). Index = glyph id, value = Unicode scalar, 0 = unused.
pub(crate) struct Usage {
    chars: [Vec<u32>; 2],
}

impl Usage {
    pub(crate) fn new(fonts: &Fonts) -> Usage {
        Usage {
            chars: [
                vec![0; fonts.face(Font::Regular).glyph_count()],
                vec![0; fonts.face(Font::Bold).glyph_count()],
            ],
        }
    }

    #[inline]
    pub(crate) fn mark(&mut self, font: Font, gid: u16, ch: char) {
        if let Some(slot) = self.chars[font as usize].get_mut(usize::from(gid))
            && *slot == 0
        {
            *slot = u32::from(ch);
        }
    }

    pub(crate) fn merge(&mut self, other: &Usage) {
        for (mine, theirs) in self.chars.iter_mut().zip(&other.chars) {
            for (m, &t) in mine.iter_mut().zip(theirs) {
                if *m == 0 {
                    *m = t;
                }
            }
        }
    }

    /// The used glyphs of `font` in ascending order, with their characters.
    pub(crate) fn used(&self, font: Font) -> impl Iterator<Item = (u16, char)> + '_ {
        self.chars[font as usize]
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c != 0)
            .filter_map(|(gid, &c)| Some((u16::try_from(gid).ok()?, char::from_u32(c)?)))
    }
}
