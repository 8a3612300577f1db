//! Text fitting: shape a string into glyphs (refusing characters the face lacks), wrap it
//! into a box, and shrink it down to a floor if it does not fit. Nothing is ever cut: a
//! text that does not fit at the floor size is a `TextTooLong` error.

use crate::PrintError;
use crate::content::Content;
use crate::fonts::{Face, Font, Fonts};

/// A glyph and the character it was set for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Glyph {
    pub(crate) gid: u16,
    pub(crate) ch: char,
}

/// How a text is set and how far it may shrink.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub(crate) font: Font,
    /// Preferred size, pt.
    pub(crate) max: f32,
    /// Smallest acceptable size, pt.
    pub(crate) min: f32,
    /// Baseline-to-baseline distance as a multiple of the size.
    pub(crate) leading: f32,
}

impl Style {
    pub(crate) const fn new(font: Font, max: f32, min: f32) -> Style {
        Style {
            font,
            max,
            min,
            leading: 1.22,
        }
    }

    pub(crate) const fn fixed(font: Font, size: f32) -> Style {
        Style::new(font, size, size)
    }

    pub(crate) const fn leading(mut self, leading: f32) -> Style {
        self.leading = leading;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// A text shaped into words; paragraphs are separated by line breaks in the source.
pub(crate) struct Shaped {
    font: Font,
    face: &'static Face,
    glyphs: Vec<Glyph>,
    /// (first glyph, end glyph, width in font units)
    words: Vec<(usize, usize, u32)>,
    /// (first word, end word); an empty range is a blank line.
    paras: Vec<(usize, usize)>,
    space: Glyph,
    space_units: u32,
    units_per_em: f32,
    ascent: f32,
    descent: f32,
}

/// One set line: glyphs and width in font units.
#[derive(Debug, Clone, Default)]
pub(crate) struct Line {
    pub(crate) glyphs: Vec<Glyph>,
    pub(crate) units: u32,
}

/// Lines set at one size, ready to draw.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub(crate) font: Font,
    pub(crate) size: f32,
    /// Baseline-to-baseline distance, pt.
    pub(crate) leading: f32,
    pub(crate) lines: Vec<Line>,
    units_per_em: f32,
    ascent: f32,
    descent: f32,
}

impl Shaped {
    /// Shapes `text`. With `multiline`, `\n` starts a new line; otherwise it is a space.
    pub(crate) fn new(
        fonts: &'static Fonts,
        font: Font,
        field: &'static str,
        text: &str,
        multiline: bool,
    ) -> Result<Shaped, PrintError> {
        let face = fonts.face(font);
        let space_gid = face
            .glyph(' ')
            .ok_or(PrintError::MissingGlyph { field, ch: ' ' })?;
        let mut s = Shaped {
            font,
            face,
            glyphs: Vec::with_capacity(text.len()),
            words: Vec::new(),
            paras: Vec::new(),
            space: Glyph {
                gid: space_gid,
                ch: ' ',
            },
            space_units: u32::from(face.advance(space_gid)),
            units_per_em: f32::from(face.units_per_em),
            ascent: face.ascent_em(),
            descent: face.descent_em(),
        };
        let mut word_start = 0;
        let mut word_units = 0u32;
        let mut para_start = 0;
        for ch in text.chars() {
            match ch {
                '\r' => {}
                ' ' | '\t' => {
                    s.end_word(&mut word_start, &mut word_units);
                }
                '\n' if multiline => {
                    s.end_word(&mut word_start, &mut word_units);
                    s.paras.push((para_start, s.words.len()));
                    para_start = s.words.len();
                }
                '\n' => s.end_word(&mut word_start, &mut word_units),
                _ => {
                    let gid = face
                        .glyph(ch)
                        .ok_or(PrintError::MissingGlyph { field, ch })?;
                    s.glyphs.push(Glyph { gid, ch });
                    word_units += u32::from(face.advance(gid));
                }
            }
        }
        s.end_word(&mut word_start, &mut word_units);
        s.paras.push((para_start, s.words.len()));
        // Blank lines at the start and the end carry nothing.
        while s.paras.last().is_some_and(|p| p.0 == p.1) {
            s.paras.pop();
        }
        let leading_blank = s.paras.iter().take_while(|p| p.0 == p.1).count();
        s.paras.drain(..leading_blank);
        Ok(s)
    }

    fn end_word(&mut self, start: &mut usize, units: &mut u32) {
        if self.glyphs.len() > *start {
            self.words.push((*start, self.glyphs.len(), *units));
        }
        *start = self.glyphs.len();
        *units = 0;
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Greedy line breaking at `max_units` per line. Returns the number of lines, or
    /// `None` when a word is wider than a line and `break_words` is off, or when more than
    /// `max_lines` lines would be needed. With `out`, the lines are also built.
    fn wrap(
        &self,
        max_units: u32,
        break_words: bool,
        max_lines: usize,
        mut out: Option<&mut Vec<Line>>,
    ) -> Option<usize> {
        let mut count = 0usize;
        let mut line = Line::default();
        let mut open = false;
        let building = out.is_some();
        let mut push = |line: &mut Line, open: &mut bool, count: &mut usize| -> bool {
            *count += 1;
            if let Some(out) = out.as_deref_mut() {
                out.push(std::mem::take(line));
            } else {
                line.units = 0;
            }
            *open = false;
            *count <= max_lines
        };
        for &(first, end) in &self.paras {
            for &(gs, ge, units) in &self.words[first..end] {
                let gap = if open { self.space_units } else { 0 };
                if open && line.units + gap + units <= max_units {
                    line.units += gap + units;
                    if building {
                        line.glyphs.push(self.space);
                        line.glyphs.extend_from_slice(&self.glyphs[gs..ge]);
                    }
                    continue;
                }
                if open && !push(&mut line, &mut open, &mut count) {
                    return None;
                }
                if units <= max_units {
                    line.units = units;
                    if building {
                        line.glyphs.extend_from_slice(&self.glyphs[gs..ge]);
                    }
                    open = true;
                    continue;
                }
                if !break_words {
                    return None;
                }
                // A word wider than the line: break it between characters.
                for g in &self.glyphs[gs..ge] {
                    let w = u32::from(self.advance_of(g.gid));
                    if open && line.units + w > max_units && !push(&mut line, &mut open, &mut count)
                    {
                        return None;
                    }
                    if !open && w > max_units {
                        return None;
                    }
                    line.units += w;
                    if building {
                        line.glyphs.push(*g);
                    }
                    open = true;
                }
            }
            // End of a paragraph (or a blank line) closes the line.
            if (open || first == end) && !push(&mut line, &mut open, &mut count) {
                return None;
            }
        }
        Some(count)
    }

    fn advance_of(&self, gid: u16) -> u16 {
        self.face.advance(gid)
    }

    fn block_height(&self, lines: usize, size: f32, leading: f32) -> f32 {
        if lines == 0 {
            return 0.0;
        }
        size * (self.ascent + self.descent) + (lines - 1) as f32 * size * leading
    }

    fn units_for(&self, width: f32, size: f32) -> u32 {
        // A hair of tolerance so a line that fits exactly is not broken by rounding.
        ((width * self.units_per_em / size) + 0.5).max(0.0) as u32
    }

    /// Sets the text at a fixed size into lines no wider than `width`, breaking words that
    /// are wider than a line (used for running text that flows across pages).
    pub(crate) fn set(&self, size: f32, leading: f32, width: f32) -> Result<Block, ()> {
        let mut lines = Vec::new();
        self.wrap(
            self.units_for(width, size),
            true,
            usize::MAX,
            Some(&mut lines),
        )
        .ok_or(())?;
        Ok(self.block(size, leading, lines))
    }

    fn block(&self, size: f32, leading: f32, lines: Vec<Line>) -> Block {
        Block {
            font: self.font,
            size,
            leading: size * leading,
            lines,
            units_per_em: self.units_per_em,
            ascent: self.ascent,
            descent: self.descent,
        }
    }

    /// The largest size from `style.max` down to `style.min` at which the text fits in a
    /// `width` × `height` box in at most `max_lines` lines.
    pub(crate) fn fit(
        &self,
        field: &'static str,
        style: Style,
        width: f32,
        height: f32,
        max_lines: usize,
    ) -> Result<Block, PrintError> {
        if self.is_empty() {
            return Ok(self.block(style.max, style.leading, Vec::new()));
        }
        // Whole words first; breaking inside words only when no size keeps them whole.
        for break_words in [false, true] {
            let mut size = style.max;
            loop {
                let units = self.units_for(width, size);
                if let Some(n) = self.wrap(units, break_words, max_lines, None)
                    && self.block_height(n, size, style.leading) <= height + 0.01
                {
                    let mut lines = Vec::with_capacity(n);
                    self.wrap(units, break_words, max_lines, Some(&mut lines));
                    return Ok(self.block(size, style.leading, lines));
                }
                if size <= style.min {
                    break;
                }
                size = ((size * 0.96 * 4.0).floor() / 4.0).max(style.min);
            }
        }
        Err(PrintError::TextTooLong { field })
    }
}

/// `text` with every character `font` lacks replaced by `?`. For the report, which sets names
/// typed by many people over a whole campaign: one emoji in a store's name must not stop the
/// marketer printing the results, and a `?` on paper is visible, never an empty box.
pub(crate) fn printable<'a>(
    fonts: &'static Fonts,
    font: Font,
    text: &'a str,
) -> std::borrow::Cow<'a, str> {
    let face = fonts.face(font);
    let ok = |ch: char| matches!(ch, ' ' | '\t' | '\n' | '\r') || face.glyph(ch).is_some();
    if text.chars().all(ok) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|ch| if ok(ch) { ch } else { '?' })
            .collect(),
    )
}

/// Shapes and fits in one go.
#[allow(clippy::too_many_arguments)]
pub(crate) fn fit(
    fonts: &'static Fonts,
    field: &'static str,
    text: &str,
    style: Style,
    width: f32,
    height: f32,
    max_lines: usize,
) -> Result<Block, PrintError> {
    Shaped::new(fonts, style.font, field, text, max_lines > 1)?
        .fit(field, style, width, height, max_lines)
}

/// One text of a [`fit_stack`].
pub(crate) struct Stacked<'a> {
    pub(crate) field: &'static str,
    pub(crate) text: &'a str,
    pub(crate) style: Style,
    pub(crate) max_lines: usize,
}

/// Fits several texts stacked top to bottom (`gap` pt apart) into one `width` × `height`
/// box, shrinking them together (each down to its own floor) until the stack fits. When
/// it cannot, the error names the text that takes the most lines at the floor.
pub(crate) fn fit_stack(
    fonts: &'static Fonts,
    texts: &[Stacked<'_>],
    width: f32,
    height: f32,
    gap: f32,
) -> Result<Vec<Block>, PrintError> {
    let shaped = texts
        .iter()
        .map(|t| Shaped::new(fonts, t.style.font, t.field, t.text, t.max_lines > 1))
        .collect::<Result<Vec<_>, _>>()?;
    let mut step = 0.0f32;
    loop {
        let mut at_floor = true;
        let mut blocks = Vec::with_capacity(texts.len());
        let mut too_wide = None;
        for (t, s) in texts.iter().zip(&shaped) {
            let size = (t.style.max - step).max(t.style.min);
            at_floor &= size <= t.style.min;
            let style = Style {
                max: size,
                min: size,
                ..t.style
            };
            match s.fit(t.field, style, width, f32::MAX, t.max_lines) {
                Ok(b) => blocks.push(b),
                Err(_) => too_wide = too_wide.or(Some(t.field)),
            }
        }
        if too_wide.is_none() {
            let texts_shown = blocks.iter().filter(|b| !b.lines.is_empty()).count();
            let used = blocks.iter().map(Block::height).sum::<f32>()
                + gap * texts_shown.saturating_sub(1) as f32;
            if used <= height + 0.01 {
                return Ok(blocks);
            }
        }
        if at_floor {
            let longest = blocks
                .iter()
                .zip(texts)
                .max_by_key(|(b, _)| b.lines.len())
                .map(|(_, t)| t.field);
            let field = too_wide.or(longest).unwrap_or("text");
            return Err(PrintError::TextTooLong { field });
        }
        step += 0.25;
    }
}

impl Block {
    /// Height from the top of the first line to the bottom of the last, pt.
    pub(crate) fn height(&self) -> f32 {
        if self.lines.is_empty() {
            return 0.0;
        }
        self.size * (self.ascent + self.descent) + (self.lines.len() - 1) as f32 * self.leading
    }

    pub(crate) fn line_width(&self, line: &Line) -> f32 {
        line.units as f32 * self.size / self.units_per_em
    }

    /// Distance from the top of a line to its baseline, pt.
    pub(crate) fn ascent(&self) -> f32 {
        self.size * self.ascent
    }

    /// Draws the lines with the top of the first at `top`, aligned within `x..x + width`.
    pub(crate) fn draw(&self, c: &mut Content, x: f32, top: f32, width: f32, align: Align) {
        let mut baseline = top - self.ascent();
        for line in &self.lines {
            let lx = match align {
                Align::Left => x,
                Align::Center => x + (width - self.line_width(line)) / 2.0,
                Align::Right => x + width - self.line_width(line),
            };
            c.text(self.font, self.size, lx, baseline, &line.glyphs);
            baseline -= self.leading;
        }
    }

    /// Draws the lines centred vertically in the box `x, y, width, height` (y = bottom).
    pub(crate) fn draw_in(&self, c: &mut Content, r: Rect, align: Align, valign: VAlign) {
        let top = match valign {
            VAlign::Top => r.y + r.h,
            VAlign::Middle => r.y + (r.h + self.height()) / 2.0,
            VAlign::Bottom => r.y + self.height(),
        };
        self.draw(c, r.x, top, r.w, align);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VAlign {
    Top,
    Middle,
    Bottom,
}

/// A box in points, origin bottom-left.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rect {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) w: f32,
    pub(crate) h: f32,
}

impl Rect {
    pub(crate) const fn new(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect { x, y, w, h }
    }

    /// A box given in millimetres.
    pub(crate) fn mm(x: f32, y: f32, w: f32, h: f32) -> Rect {
        use crate::content::mm;
        Rect::new(mm(x), mm(y), mm(w), mm(h))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::fonts;

    fn lines(block: &Block) -> Vec<String> {
        block
            .lines
            .iter()
            .map(|l| l.glyphs.iter().map(|g| g.ch).collect())
            .collect()
    }

    #[test]
    fn text_that_fits_is_set_at_the_preferred_size_on_one_line() {
        let f = fonts().expect("fonts");
        let b = fit(
            f,
            "t",
            "Подарочный сертификат",
            Style::new(Font::Bold, 10.0, 6.0),
            400.0,
            20.0,
            3,
        )
        .expect("fits");
        assert_eq!(b.size, 10.0);
        assert_eq!(lines(&b), vec!["Подарочный сертификат"]);
    }

    #[test]
    fn text_wraps_at_spaces_then_shrinks_then_fails() {
        let f = fonts().expect("fonts");
        let text = "Не суммируется с другими акциями и не обменивается на деньги";
        let wrapped = fit(
            f,
            "terms",
            text,
            Style::new(Font::Regular, 8.0, 6.0),
            120.0,
            200.0,
            10,
        )
        .expect("fits");
        assert_eq!(wrapped.size, 8.0);
        assert!(wrapped.lines.len() > 1);
        assert!(wrapped.lines.iter().all(|l| wrapped.line_width(l) <= 120.0));
        assert_eq!(lines(&wrapped).join(" "), text);

        let shrunk = fit(
            f,
            "terms",
            text,
            Style::new(Font::Regular, 12.0, 6.0),
            120.0,
            30.0,
            10,
        )
        .expect("fits smaller");
        assert!(shrunk.size < 12.0 && shrunk.size >= 6.0, "{}", shrunk.size);
        assert!(shrunk.height() <= 30.01);

        let err = fit(
            f,
            "terms",
            text,
            Style::new(Font::Regular, 8.0, 6.0),
            120.0,
            10.0,
            10,
        )
        .expect_err("cannot fit");
        assert_eq!(err, PrintError::TextTooLong { field: "terms" });
    }

    #[test]
    fn a_character_the_font_lacks_is_reported_with_its_field() {
        let f = fonts().expect("fonts");
        let err = fit(
            f,
            "store",
            "Цветы 🌷",
            Style::new(Font::Regular, 8.0, 6.0),
            400.0,
            20.0,
            1,
        )
        .expect_err("emoji");
        assert_eq!(
            err,
            PrintError::MissingGlyph {
                field: "store",
                ch: '🌷'
            }
        );
        for ch in "Ёё№₽«»—–0123456789ABCxyz".chars() {
            assert!(
                f.face(Font::Regular).glyph(ch).is_some(),
                "regular lacks {ch}"
            );
            assert!(f.face(Font::Bold).glyph(ch).is_some(), "bold lacks {ch}");
        }
    }

    #[test]
    fn a_stack_shrinks_together_and_names_its_longest_text_when_it_cannot_fit() {
        let f = fonts().expect("fonts");
        let texts = [
            Stacked {
                field: "name",
                text: "Стоматологическая клиника доктора Иванова «Белоснежная улыбка»",
                style: Style::new(Font::Bold, 8.0, 6.0),
                max_lines: 2,
            },
            Stacked {
                field: "address",
                text: "Московская область, г. Красногорск, бульвар Строителей, д. 4, корп. 1",
                style: Style::new(Font::Regular, 7.0, 6.0),
                max_lines: 2,
            },
        ];
        let roomy = fit_stack(f, &texts, 250.0, 100.0, 2.0).expect("fits");
        assert_eq!((roomy[0].size, roomy[1].size), (8.0, 7.0));
        let tight_height = roomy.iter().map(Block::height).sum::<f32>() + 2.0 - 4.0;
        let tight = fit_stack(f, &texts, 250.0, tight_height, 2.0).expect("fits smaller");
        assert!(tight[0].size < 8.0 && tight[1].size < 7.0);
        assert!(tight.iter().map(Block::height).sum::<f32>() + 2.0 <= tight_height + 0.01);
        let err = fit_stack(f, &texts, 250.0, 12.0, 2.0).expect_err("too little room");
        assert!(
            matches!(
                err,
                PrintError::TextTooLong {
                    field: "name" | "address"
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn an_overlong_word_is_broken_only_when_no_size_keeps_it_whole() {
        let f = fonts().expect("fonts");
        let word = "Оченьдлинноесловобезпробеловкотороеневлезает";
        let b = fit(
            f,
            "x",
            word,
            Style::new(Font::Regular, 10.0, 8.0),
            60.0,
            200.0,
            20,
        )
        .expect("fits");
        assert!(b.lines.len() > 1);
        assert_eq!(lines(&b).concat(), word);
        assert!(b.lines.iter().all(|l| b.line_width(l) <= 60.0));
    }
}
