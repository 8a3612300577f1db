//! Campaign regulations: a plain A4 document. The text flows onto as many pages as it
//! needs; every page carries the clinic's name and "page / pages".

use crate::content::{ACCENT, Content, INK, MUTED, Rgb, mm};
use crate::fonts::{Font, Fonts, fonts};
use crate::layout::{Align, Block, Glyph, Rect, Shaped, Style, VAlign, fit};
use crate::pdf::{A4, assemble, render_pages};
use crate::{PrintError, Regulations};

const LEFT: f32 = 22.0;
const RIGHT: f32 = 190.0;
const WIDTH: f32 = RIGHT - LEFT;
const TOP: f32 = 277.0;
/// Body text stops here; the footer sits below.
const BOTTOM: f32 = 24.0;
const BODY: f32 = 10.5;
const LEADING: f32 = 1.38;
const PARAGRAPH_GAP: f32 = 3.0;
const ITEM_GAP: f32 = 1.2;
/// Indent of list item text (the marker hangs in it).
const INDENT: f32 = 7.0;

/// A piece of text placed on a page (pt).
struct Run {
    font: Font,
    size: f32,
    x: f32,
    baseline: f32,
    glyphs: Vec<Glyph>,
}

enum Kind {
    Paragraph,
    Bullet,
    Numbered(String),
}

/// Splits the text into paragraphs and list items.
fn blocks(text: &str) -> Vec<(Kind, String)> {
    let mut out: Vec<(Kind, String)> = Vec::new();
    let mut open = false;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            open = false;
            continue;
        }
        if let Some(rest) = ["- ", "• ", "– ", "— "]
            .iter()
            .find_map(|m| line.strip_prefix(m))
        {
            out.push((Kind::Bullet, rest.trim().to_string()));
            open = true;
            continue;
        }
        if let Some((number, rest)) = numbered(line) {
            out.push((Kind::Numbered(number.to_string()), rest.trim().to_string()));
            open = true;
            continue;
        }
        match out.last_mut() {
            Some((_, text)) if open => {
                text.push(' ');
                text.push_str(line);
            }
            _ => {
                out.push((Kind::Paragraph, line.to_string()));
                open = true;
            }
        }
    }
    out
}

/// "12. text" or "3) text" → ("12.", "text").
fn numbered(line: &str) -> Option<(&str, &str)> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = &line[digits..];
    (rest.starts_with(". ") || rest.starts_with(") ")).then(|| (&line[..digits + 1], &rest[2..]))
}

pub(crate) fn render(r: &Regulations) -> Result<Vec<u8>, PrintError> {
    let fonts = fonts()?;
    let name = fit(
        fonts,
        "name",
        &r.clinic.name,
        Style::new(Font::Bold, 9.5, 7.0),
        mm(WIDTH),
        mm(4.5),
        1,
    )?;
    let contact = format!("{} · {}", r.clinic.address.trim(), r.clinic.phone.trim());
    let address = Shaped::new(fonts, Font::Regular, "address", &r.clinic.address, false)?;
    Shaped::new(fonts, Font::Regular, "phone", &r.clinic.phone, false)?;
    let contact = if address.is_empty() {
        r.clinic.phone.clone()
    } else {
        contact
    };
    let contact = fit(
        fonts,
        "address",
        &contact,
        Style::new(Font::Regular, 8.5, 6.5).leading(1.15),
        mm(WIDTH),
        mm(7.5),
        2,
    )?;
    let title = fit(
        fonts,
        "title",
        &r.title,
        Style::new(Font::Bold, 17.0, 12.0).leading(1.15),
        mm(WIDTH),
        mm(22.0),
        3,
    )?;
    let campaign = fit(
        fonts,
        "campaign",
        &r.campaign,
        Style::new(Font::Bold, 12.5, 9.0).leading(1.2),
        mm(WIDTH),
        mm(16.0),
        3,
    )?;
    let header = fit(
        fonts,
        "title",
        &r.title,
        Style::new(Font::Regular, 8.0, 6.0),
        mm(WIDTH),
        mm(7.0),
        2,
    )?;
    let footer_name = fit(
        fonts,
        "name",
        &r.clinic.name,
        Style::new(Font::Regular, 8.0, 6.0),
        mm(130.0),
        mm(3.5),
        1,
    )?;

    // First-page heading, measured to know where the body starts.
    let mut y = mm(TOP);
    let mut first: Vec<(f32, &Block, Align, Rgb)> = Vec::new();
    first.push((y, &name, Align::Left, ACCENT));
    y -= name.height() + mm(1.0);
    first.push((y, &contact, Align::Left, MUTED));
    y -= contact.height() + mm(3.0);
    let rule = y;
    y -= mm(8.0);
    first.push((y, &title, Align::Center, INK));
    y -= title.height() + mm(3.0);
    first.push((y, &campaign, Align::Center, ACCENT));
    y -= campaign.height() + mm(8.0);

    let pages = flow(fonts, &r.text, y)?;
    let total = pages.len();
    let rendered = render_pages(fonts, total, |i, c: &mut Content| {
        if i == 0 {
            for &(top, block, align, colour) in &first {
                c.fill(colour);
                block.draw(c, mm(LEFT), top, mm(WIDTH), align);
            }
            c.stroke(ACCENT);
            c.line_width(0.8);
            c.line(mm(LEFT), rule, mm(RIGHT), rule);
        } else {
            c.fill(MUTED);
            header.draw_in(
                c,
                Rect::mm(LEFT, 281.0, WIDTH, 7.0),
                Align::Center,
                VAlign::Bottom,
            );
            c.stroke(MUTED);
            c.line_width(0.3);
            c.line(mm(LEFT), mm(279.5), mm(RIGHT), mm(279.5));
        }
        c.fill(INK);
        for run in &pages[i] {
            c.text(run.font, run.size, run.x, run.baseline, &run.glyphs);
        }
        // Footer: clinic on the left, "page / pages" on the right.
        c.stroke(MUTED);
        c.line_width(0.3);
        c.line(mm(LEFT), mm(17.0), mm(RIGHT), mm(17.0));
        c.fill(MUTED);
        footer_name.draw_in(
            c,
            Rect::mm(LEFT, 11.0, 130.0, 3.5),
            Align::Left,
            VAlign::Middle,
        );
        let number = format!("{} / {}", i + 1, total);
        let number = fit(
            fonts,
            "text",
            &number,
            Style::fixed(Font::Regular, 8.0),
            mm(30.0),
            mm(3.5),
            1,
        )?;
        number.draw_in(
            c,
            Rect::mm(RIGHT - 30.0, 11.0, 30.0, 3.5),
            Align::Right,
            VAlign::Middle,
        );
        Ok(())
    })?;
    assemble(fonts, &r.title, A4, rendered, Vec::new())
}

/// Lays the body out into pages of runs; the first page's body starts at `first_top` (pt).
fn flow(fonts: &'static Fonts, text: &str, first_top: f32) -> Result<Vec<Vec<Run>>, PrintError> {
    let mut pages: Vec<Vec<Run>> = vec![Vec::new()];
    let mut y = first_top;
    let bottom = mm(BOTTOM);
    let top_of_next = mm(TOP);
    let mut previous: Option<bool> = None; // was the previous block a list item?
    let blocks = blocks(text);
    // List text is indented past the widest marker ("•", "9.", "12.").
    let mut markers = Vec::with_capacity(blocks.len());
    let mut indent_all = mm(INDENT);
    for (kind, _) in &blocks {
        let marker = match kind {
            Kind::Paragraph => None,
            Kind::Bullet => Some("•"),
            Kind::Numbered(n) => Some(n.as_str()),
        };
        let block = match marker {
            Some(m) => Some(
                Shaped::new(fonts, Font::Regular, "text", m, false)?
                    .set(BODY, LEADING, mm(WIDTH))
                    .map_err(|()| PrintError::TextTooLong { field: "text" })?,
            ),
            None => None,
        };
        if let Some(b) = &block {
            let w = b.lines.iter().map(|l| b.line_width(l)).fold(0.0, f32::max);
            indent_all = indent_all.max(w + mm(2.5));
        }
        markers.push(block);
    }
    for ((kind, body), marker) in blocks.into_iter().zip(markers) {
        let is_item = !matches!(kind, Kind::Paragraph);
        let indent = if is_item { indent_all } else { 0.0 };
        let block = Shaped::new(fonts, Font::Regular, "text", &body, false)?
            .set(BODY, LEADING, mm(WIDTH) - indent)
            .map_err(|()| PrintError::TextTooLong { field: "text" })?;
        if let Some(prev_item) = previous {
            y -= mm(if prev_item && is_item {
                ITEM_GAP
            } else {
                PARAGRAPH_GAP
            });
        }
        previous = Some(is_item);
        let line_h = block.leading;
        let ascent = block.ascent();
        let descent = block.size * 0.24;
        // Keep at least two lines of a paragraph together at the foot of a page.
        let keep = block.lines.len().min(2) as f32;
        if y - ascent - (keep - 1.0) * line_h - descent < bottom
            && !pages.last().is_none_or(Vec::is_empty)
        {
            pages.push(Vec::new());
            y = top_of_next;
        }
        for (n, line) in block.lines.iter().enumerate() {
            if y - ascent - descent < bottom {
                pages.push(Vec::new());
                y = top_of_next;
            }
            let baseline = y - ascent;
            let page = pages
                .last_mut()
                .ok_or_else(|| PrintError::Pdf("no page".into()))?;
            if n == 0
                && let Some(m) = &marker
                && let Some(ml) = m.lines.first()
            {
                // Bullets hang at the margin; numbers are right-aligned before the text.
                let x = if matches!(kind, Kind::Bullet) {
                    mm(LEFT + 1.0)
                } else {
                    mm(LEFT) + indent - mm(1.8) - m.line_width(ml)
                };
                page.push(Run {
                    font: Font::Regular,
                    size: BODY,
                    x,
                    baseline,
                    glyphs: ml.glyphs.clone(),
                });
            }
            page.push(Run {
                font: Font::Regular,
                size: BODY,
                x: mm(LEFT) + indent,
                baseline,
                glyphs: line.glyphs.clone(),
            });
            y -= line_h;
        }
        // `y` now sits one leading below the last baseline's top; undo the extra.
        y += line_h - (ascent + descent);
    }
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_split_into_paragraphs_and_list_items() {
        let b = blocks(
            "Первый абзац\nпродолжается.\n\n- пункт один\n- пункт два\n12. Двенадцатый\nхвост\n\nКонец.",
        );
        let kinds: Vec<String> = b
            .iter()
            .map(|(k, t)| match k {
                Kind::Paragraph => format!("P:{t}"),
                Kind::Bullet => format!("B:{t}"),
                Kind::Numbered(n) => format!("N{n}:{t}"),
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                "P:Первый абзац продолжается.",
                "B:пункт один",
                "B:пункт два",
                "N12.:Двенадцатый хвост",
                "P:Конец.",
            ]
        );
    }
}
