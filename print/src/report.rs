//! A campaign's final report: A4 portrait, the heading and the key figures on the first page,
//! then the charts (vectors) and the tables, which flow onto as many pages as they need with
//! their header row repeated. Every page is numbered "page / pages".
//!
//! The report is laid out first — each page a list of positioned items — and then drawn, so
//! the page count is known for the footers and the pages can be drawn in parallel.

use crate::content::{ACCENT, Content, INK, MUTED, Rgb, TINT, mm};
use crate::fonts::{Font, Fonts, fonts};
use crate::layout::{Align, Block, Rect, Shaped, Style, VAlign, printable};
use crate::pdf::{A4, assemble, render_pages};
use crate::{PrintError, ReportDoc, Table};

const LEFT: f32 = 18.0;
const RIGHT: f32 = 192.0;
const WIDTH: f32 = RIGHT - LEFT;
/// Where the first page's content starts, and the other pages' (below their running head).
const TOP_FIRST: f32 = 281.0;
const TOP_NEXT: f32 = 276.0;
/// Content stops here; the footer sits below.
const BOTTOM: f32 = 20.0;
/// Key figures: tiles per row and the gap between them.
const TILES: usize = 4;
const TILE_GAP: f32 = 3.0;
/// Table cell padding.
const PAD_X: f32 = 1.0;
const PAD_Y: f32 = 0.9;
/// Every other table row is shaded this lightly.
const ZEBRA: Rgb = Rgb(0.955, 0.965, 0.97);

/// Something placed on a page (pt, origin bottom-left).
enum Item {
    Text {
        block: Block,
        x: f32,
        top: f32,
        width: f32,
        align: Align,
        colour: Rgb,
    },
    Fill {
        rect: Rect,
        radius: f32,
        colour: Rgb,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
        colour: Rgb,
    },
    /// `doc.charts[index]` with its top-left corner at (`x`, `top`).
    Chart {
        index: usize,
        x: f32,
        top: f32,
        scale: f32,
    },
}

/// The pages laid out so far and where the next thing goes.
struct Flow {
    pages: Vec<Vec<Item>>,
    /// The top of the free space on the last page, pt.
    y: f32,
}

impl Flow {
    fn new() -> Flow {
        Flow {
            pages: vec![Vec::new()],
            y: mm(TOP_FIRST),
        }
    }

    fn room(&self) -> f32 {
        self.y - mm(BOTTOM)
    }

    fn page_is_empty(&self) -> bool {
        self.pages.last().is_none_or(Vec::is_empty)
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = mm(TOP_NEXT);
    }

    /// Starts a new page unless `height` fits on this one (an empty page takes anything:
    /// something taller than a page is never pushed on forever). True when a page began.
    fn need(&mut self, height: f32) -> bool {
        if height > self.room() + 0.01 && !self.page_is_empty() {
            self.new_page();
            return true;
        }
        false
    }

    fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.push(item);
        }
    }

    /// A block of text at the current position, full width; moves down past it.
    fn text(&mut self, block: Block, align: Align, colour: Rgb, gap_after: f32) {
        let h = block.height();
        self.push(Item::Text {
            block,
            x: mm(LEFT),
            top: self.y,
            width: mm(WIDTH),
            align,
            colour,
        });
        self.y -= h + gap_after;
    }
}

/// Sets `text` into `width`: at `size`, shrinking to `min` to keep it within `max_lines`
/// whole-word lines; failing that, at `min` on as many lines as it takes (long words broken).
/// Characters the font lacks print as `?` (see [`printable`]).
fn set(
    fonts: &'static Fonts,
    font: Font,
    text: &str,
    size: f32,
    min: f32,
    width: f32,
    max_lines: usize,
) -> Result<Block, PrintError> {
    let text = printable(fonts, font, text);
    let shaped = Shaped::new(fonts, font, "report", &text, true)?;
    let style = Style::new(font, size, min).leading(1.2);
    match shaped.fit("report", style, width, f32::MAX, max_lines) {
        Ok(b) => Ok(b),
        Err(_) => shaped
            .set(min, 1.2, width)
            .map_err(|()| PrintError::TextTooLong { field: "report" }),
    }
}

pub(crate) fn render(doc: &ReportDoc) -> Result<Vec<u8>, PrintError> {
    let fonts = fonts()?;
    let full = mm(WIDTH);
    let mut flow = Flow::new();

    // The heading.
    let clinic = set(fonts, Font::Bold, &doc.clinic, 10.0, 7.0, full, 2)?;
    flow.text(clinic, Align::Left, ACCENT, mm(3.0));
    let title = set(fonts, Font::Bold, &doc.title, 20.0, 14.0, full, 2)?;
    flow.text(title, Align::Left, INK, mm(2.0));
    let campaign = set(fonts, Font::Bold, &doc.campaign, 14.0, 10.0, full, 3)?;
    flow.text(campaign, Align::Left, ACCENT, mm(1.5));
    let period = set(fonts, Font::Regular, &doc.period, 10.0, 8.0, full, 2)?;
    flow.text(period, Align::Left, INK, mm(1.0));
    let generated = set(fonts, Font::Regular, &doc.generated, 8.5, 7.0, full, 2)?;
    flow.text(generated, Align::Left, MUTED, mm(3.0));
    flow.push(Item::Rule {
        x1: mm(LEFT),
        x2: mm(RIGHT),
        y: flow.y,
        width: 0.8,
        colour: ACCENT,
    });
    flow.y -= mm(6.0);

    key_figures(fonts, doc, &mut flow)?;
    charts(fonts, doc, &mut flow)?;
    for table in &doc.tables {
        self::table(fonts, table, &doc.continued, &mut flow)?;
    }

    // Running head (pages 2…) and footer.
    let head_text = [doc.title.trim(), doc.campaign.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let head = set(fonts, Font::Regular, &head_text, 8.0, 6.0, full, 1)?;
    let foot = set(
        fonts,
        Font::Regular,
        &doc.clinic,
        7.5,
        6.0,
        mm(WIDTH - 35.0),
        1,
    )?;
    let pages = flow.pages;
    let total = pages.len();
    let rendered = render_pages(fonts, total, |i, c: &mut Content| {
        if i > 0 {
            c.fill(MUTED);
            head.draw_in(
                c,
                Rect::mm(LEFT, 282.0, WIDTH, 6.0),
                Align::Center,
                VAlign::Bottom,
            );
            c.stroke(MUTED);
            c.line_width(0.3);
            c.line(mm(LEFT), mm(280.5), mm(RIGHT), mm(280.5));
        }
        for item in &pages[i] {
            draw(c, fonts, doc, item)?;
        }
        c.stroke(MUTED);
        c.line_width(0.3);
        c.line(mm(LEFT), mm(15.5), mm(RIGHT), mm(15.5));
        c.fill(MUTED);
        foot.draw_in(
            c,
            Rect::mm(LEFT, 9.5, WIDTH - 35.0, 4.0),
            Align::Left,
            VAlign::Middle,
        );
        let number = set(
            fonts,
            Font::Regular,
            &format!("{} / {}", i + 1, total),
            8.0,
            8.0,
            mm(30.0),
            1,
        )?;
        number.draw_in(
            c,
            Rect::mm(RIGHT - 30.0, 9.5, 30.0, 4.0),
            Align::Right,
            VAlign::Middle,
        );
        Ok(())
    })?;
    let info_title = if doc.campaign.trim().is_empty() {
        doc.title.clone()
    } else {
        format!("{} — {}", doc.title, doc.campaign)
    };
    assemble(fonts, &info_title, A4, rendered, Vec::new())
}

fn draw(
    c: &mut Content,
    fonts: &'static Fonts,
    doc: &ReportDoc,
    item: &Item,
) -> Result<(), PrintError> {
    match item {
        Item::Text {
            block,
            x,
            top,
            width,
            align,
            colour,
        } => {
            c.fill(*colour);
            block.draw(c, *x, *top, *width, *align);
        }
        Item::Fill {
            rect,
            radius,
            colour,
        } => {
            c.fill(*colour);
            if *radius > 0.0 {
                c.rounded_rect(rect.x, rect.y, rect.w, rect.h, *radius);
                c.raw("f\n");
            } else {
                c.fill_rect(rect.x, rect.y, rect.w, rect.h);
            }
        }
        Item::Rule {
            x1,
            x2,
            y,
            width,
            colour,
        } => {
            c.stroke(*colour);
            c.line_width(*width);
            c.line(*x1, *y, *x2, *y);
        }
        Item::Chart {
            index,
            x,
            top,
            scale,
        } => {
            if let Some(chart) = doc.charts.get(*index) {
                crate::drawing::draw(c, fonts, &chart.drawing, *x, *top, *scale)?;
            }
        }
    }
    Ok(())
}

/// A section heading kept with at least `keep` pt of what follows it.
fn heading(
    fonts: &'static Fonts,
    text: &str,
    size: f32,
    keep: f32,
    flow: &mut Flow,
) -> Result<(), PrintError> {
    if text.trim().is_empty() {
        flow.need(keep);
        return Ok(());
    }
    let block = set(fonts, Font::Bold, text, size, size * 0.8, mm(WIDTH), 3)?;
    flow.need(block.height() + mm(2.5) + keep);
    flow.text(block, Align::Left, INK, mm(2.5));
    Ok(())
}

/// The key figures as tiles, four to a row: the label above, the value in bold.
fn key_figures(fonts: &'static Fonts, doc: &ReportDoc, flow: &mut Flow) -> Result<(), PrintError> {
    if doc.figures.is_empty() {
        return Ok(());
    }
    let tile_w = (WIDTH - TILE_GAP * (TILES - 1) as f32) / TILES as f32;
    let inner = mm(tile_w - 4.0);
    let mut rows = Vec::new();
    for chunk in doc.figures.chunks(TILES) {
        let mut tiles = Vec::with_capacity(chunk.len());
        for f in chunk {
            let label = set(fonts, Font::Regular, &f.label, 7.5, 6.0, inner, 3)?;
            let value = set(fonts, Font::Bold, &f.value, 13.0, 8.0, inner, 1)?;
            tiles.push((label, value));
        }
        let h = tiles
            .iter()
            .map(|(l, v)| l.height() + v.height())
            .fold(0.0, f32::max)
            + mm(2.0 + 1.2 + 2.0);
        rows.push((tiles, h));
    }
    let first_row = rows.first().map_or(0.0, |r| r.1);
    heading(fonts, &doc.figures_title, 12.0, first_row, flow)?;
    for (tiles, h) in rows {
        flow.need(h);
        let top = flow.y;
        for (i, (label, value)) in tiles.into_iter().enumerate() {
            let x = mm(LEFT + i as f32 * (tile_w + TILE_GAP));
            flow.push(Item::Fill {
                rect: Rect::new(x, top - h, mm(tile_w), h),
                radius: mm(1.5),
                colour: TINT,
            });
            flow.push(Item::Text {
                block: label,
                x: x + mm(2.0),
                top: top - mm(2.0),
                width: inner,
                align: Align::Left,
                colour: MUTED,
            });
            // Values sit on one line across the row, whatever their labels took.
            let value_top = top - h + mm(2.0) + value.height();
            flow.push(Item::Text {
                block: value,
                x: x + mm(2.0),
                top: value_top,
                width: inner,
                align: Align::Left,
                colour: INK,
            });
        }
        flow.y -= h + mm(TILE_GAP);
    }
    if !doc.note.trim().is_empty() {
        let note = set(fonts, Font::Regular, &doc.note, 7.5, 7.5, mm(WIDTH), 100)?;
        flow.need(note.height());
        flow.text(note, Align::Left, MUTED, 0.0);
    }
    flow.y -= mm(6.0);
    Ok(())
}

/// Each chart under its heading, as wide as the text column (smaller only if it would be
/// taller than a page).
fn charts(fonts: &'static Fonts, doc: &ReportDoc, flow: &mut Flow) -> Result<(), PrintError> {
    for (index, chart) in doc.charts.iter().enumerate() {
        let d = &chart.drawing;
        if d.width <= 0.0 || d.height <= 0.0 {
            continue;
        }
        let most = mm(TOP_NEXT - BOTTOM - 20.0);
        let scale = (mm(WIDTH) / d.width).min(most / d.height);
        let h = d.height * scale;
        heading(fonts, &chart.title, 11.0, h, flow)?;
        flow.need(h);
        flow.push(Item::Chart {
            index,
            x: mm(LEFT),
            top: flow.y,
            scale,
        });
        flow.y -= h + mm(7.0);
    }
    Ok(())
}

/// One laid-out table row: its cells and height.
struct Row {
    cells: Vec<(Block, usize)>,
    height: f32,
}

/// A table under its heading; rows flow onto further pages, each page repeating the heading
/// (with "continued") and the header row. A row never splits across pages.
fn table(
    fonts: &'static Fonts,
    t: &Table,
    continued: &str,
    flow: &mut Flow,
) -> Result<(), PrintError> {
    if t.columns.is_empty() {
        return Ok(());
    }
    let weights: f32 = t.columns.iter().map(|c| c.width.max(0.1)).sum();
    let widths: Vec<f32> = t
        .columns
        .iter()
        .map(|c| mm(WIDTH) * c.width.max(0.1) / weights)
        .collect();
    let xs: Vec<f32> = widths
        .iter()
        .scan(mm(LEFT), |x, w| {
            let at = *x;
            *x += w;
            Some(at)
        })
        .collect();
    let lay = |cells: &[String], font: Font, header: bool| -> Result<Row, PrintError> {
        let mut out = Vec::with_capacity(t.columns.len());
        let mut h = 0.0f32;
        for (i, col) in t.columns.iter().enumerate() {
            let text = cells.get(i).map_or("", String::as_str);
            let inner = widths[i] - mm(2.0 * PAD_X);
            let block = if header {
                set(fonts, font, text, 6.8, 5.2, inner, 4)?
            } else if col.numeric {
                set(fonts, font, text, 7.5, 5.5, inner, 1)?
            } else {
                set(fonts, font, text, 7.5, 6.5, inner, 4)?
            };
            h = h.max(block.height());
            out.push((block, i));
        }
        Ok(Row {
            cells: out,
            height: h + mm(2.0 * PAD_Y),
        })
    };
    let header = lay(
        &t.columns
            .iter()
            .map(|c| c.title.clone())
            .collect::<Vec<_>>(),
        Font::Bold,
        true,
    )?;
    let rows = t
        .rows
        .iter()
        .map(|r| lay(r, Font::Regular, false))
        .collect::<Result<Vec<_>, _>>()?;
    let total = t
        .total
        .as_ref()
        .map(|r| lay(r, Font::Bold, false))
        .transpose()?;

    let put = |flow: &mut Flow, row: &Row, shade: Option<Rgb>| {
        let top = flow.y;
        if let Some(colour) = shade {
            flow.push(Item::Fill {
                rect: Rect::new(mm(LEFT), top - row.height, mm(WIDTH), row.height),
                radius: 0.0,
                colour,
            });
        }
        for (block, i) in &row.cells {
            let align = if t.columns[*i].numeric {
                Align::Right
            } else {
                Align::Left
            };
            flow.push(Item::Text {
                block: block.clone(),
                x: xs[*i] + mm(PAD_X),
                top: top - mm(PAD_Y),
                width: widths[*i] - mm(2.0 * PAD_X),
                align,
                colour: INK,
            });
        }
        flow.y -= row.height;
    };
    let put_header = |flow: &mut Flow| {
        put(flow, &header, Some(TINT));
        flow.push(Item::Rule {
            x1: mm(LEFT),
            x2: mm(RIGHT),
            y: flow.y,
            width: 0.5,
            colour: ACCENT,
        });
    };

    let first = rows.first().or(total.as_ref()).map_or(0.0, |r| r.height);
    let mut keep = header.height + first;
    if !t.note.trim().is_empty() {
        let note = set(fonts, Font::Regular, &t.note, 8.0, 7.0, mm(WIDTH), 6)?;
        keep += note.height() + mm(2.0);
        heading(fonts, &t.title, 12.0, keep, flow)?;
        flow.text(note, Align::Left, MUTED, mm(2.0));
    } else {
        heading(fonts, &t.title, 12.0, keep, flow)?;
    }
    put_header(flow);
    let again = |flow: &mut Flow| -> Result<(), PrintError> {
        let title = match (t.title.trim(), continued.trim()) {
            ("", _) => String::new(),
            (title, "") => title.to_owned(),
            (title, more) => format!("{title} ({more})"),
        };
        if !title.is_empty() {
            let block = set(fonts, Font::Bold, &title, 9.0, 7.0, mm(WIDTH), 2)?;
            flow.text(block, Align::Left, MUTED, mm(1.5));
        }
        put_header(flow);
        Ok(())
    };
    for (n, row) in rows.iter().enumerate() {
        if flow.need(row.height) {
            again(flow)?;
        }
        put(flow, row, (n % 2 == 1).then_some(ZEBRA));
    }
    if let Some(total) = &total {
        if flow.need(total.height + mm(0.5)) {
            again(flow)?;
        }
        flow.push(Item::Rule {
            x1: mm(LEFT),
            x2: mm(RIGHT),
            y: flow.y,
            width: 0.5,
            colour: ACCENT,
        });
        put(flow, total, None);
    }
    flow.y -= mm(8.0);
    Ok(())
}
