//! Gift certificates. One certificate is a 97 × 68 mm cell; the parts every certificate
//! shares are a form XObject (`/C`), the sheet's cut marks another (`/S`), and per
//! certificate only the serial, QR code, code and store are written.

use std::collections::HashMap;

use crate::content::{ACCENT, BLACK, Content, INK, MUTED, TINT, mm};
use crate::fonts::{Font, Fonts, fonts};
use crate::layout::{Align, Block, Rect, Stacked, Style, VAlign, fit, fit_stack};
use crate::pdf::{A4, Form, assemble, deflate, render_pages};
use crate::qr::Symbol;
use crate::{CertLayout, CertificateDesign, CertificateItem, PrintError, no_items};

/// A certificate, mm.
const CELL_W: f32 = 97.0;
const CELL_H: f32 = 68.0;
const COLS: usize = 2;
const ROWS: usize = 4;
/// Scale of a certificate printed alone on a page.
const SINGLE_SCALE: f32 = 2.0;

/// Where the per-certificate parts go, in cell millimetres (x, y = bottom, w, h).
const SERIAL: [f32; 4] = [57.5, 60.2, 34.0, 4.0];
/// The QR code's square, quiet zone included: 34 mm leaves the symbol itself
/// 26.6 mm (version 3) to 27.2 mm (version 4).
const QR: [f32; 4] = [59.5, 26.0, 34.0, 34.0];
const CODE: [f32; 4] = [59.5, 21.0, 34.0, 4.6];
const STORE: [f32; 4] = [59.5, 5.0, 34.0, 15.5];

fn rect(b: [f32; 4]) -> Rect {
    Rect::mm(b[0], b[1], b[2], b[3])
}

const STORE_STYLE: Style = Style::new(Font::Regular, 8.0, 6.0).leading(1.15);

pub(crate) fn render(
    design: &CertificateDesign,
    items: &[CertificateItem],
) -> Result<Vec<u8>, PrintError> {
    if items.is_empty() {
        return Err(no_items());
    }
    let fonts = fonts()?;

    // The shared parts first: an error there is the design's, whatever the items.
    let mut shared = Content::new(fonts);
    draw_design(&mut shared, fonts, design)?;
    let cell_form = Form {
        name: "C",
        width: mm(CELL_W),
        height: mm(CELL_H),
        content: deflate(&shared.buf)?,
    };
    shared.buf.clear();
    let (per_page, origins, scale, grid, cols, rows) = match design.layout {
        CertLayout::Grid2x4 => {
            let grid = (
                (210.0 - CELL_W * COLS as f32) / 2.0,
                (297.0 - CELL_H * ROWS as f32) / 2.0,
            );
            (COLS * ROWS, grid_origins(grid), 1.0, grid, COLS, ROWS)
        }
        CertLayout::OnePerPage => {
            let (w, h) = (CELL_W * SINGLE_SCALE, CELL_H * SINGLE_SCALE);
            let at = ((210.0 - w) / 2.0, (297.0 - h) / 2.0);
            (1, vec![at], SINGLE_SCALE, at, 1, 1)
        }
    };
    draw_cut_marks(
        &mut shared,
        grid,
        cols,
        rows,
        CELL_W * scale,
        CELL_H * scale,
    );
    let sheet_form = Form {
        name: "S",
        width: A4.w,
        height: A4.h,
        content: deflate(&shared.buf)?,
    };

    // Store names repeat across a batch: fit each distinct one once.
    let mut stores: HashMap<&str, Block> = HashMap::new();
    for item in items {
        if !stores.contains_key(item.store.as_str()) {
            let r = rect(STORE);
            let block = fit(fonts, "store", &item.store, STORE_STYLE, r.w, r.h, 3)?;
            stores.insert(item.store.as_str(), block);
        }
    }

    let page_count = items.len().div_ceil(per_page);
    let mut pages = render_pages(fonts, page_count, |page, c| {
        c.draw_xobject("S");
        let first = page * per_page;
        let on_page = &items[first..(first + per_page).min(items.len())];
        for (item, &(ox, oy)) in on_page.iter().zip(&origins) {
            c.save();
            c.transform(scale, mm(ox), mm(oy));
            c.draw_xobject("C");
            draw_item(c, fonts, item, &stores)?;
            c.restore();
        }
        Ok(())
    })?;
    pages.usage.merge(&shared.usage);
    assemble(fonts, &design.title, A4, pages, vec![cell_form, sheet_form])
}

/// Bottom-left corners of the eight cells (mm), row by row from the top, for a grid
/// whose bottom-left corner is `(x0, y0)`.
fn grid_origins((x0, y0): (f32, f32)) -> Vec<(f32, f32)> {
    let mut v = Vec::with_capacity(COLS * ROWS);
    for row in 0..ROWS {
        for col in 0..COLS {
            v.push((
                x0 + col as f32 * CELL_W,
                y0 + (ROWS - 1 - row) as f32 * CELL_H,
            ));
        }
    }
    v
}

/// Cut marks outside the grid on every cutting line, and small crosses where inner
/// cutting lines meet. `origin` is the bottom-left corner of the grid (mm).
fn draw_cut_marks(c: &mut Content, origin: (f32, f32), cols: usize, rows: usize, w: f32, h: f32) {
    let (x0, y0) = origin;
    let (x1, y1) = (x0 + cols as f32 * w, y0 + rows as f32 * h);
    let (gap, len) = (1.5, 5.0);
    c.stroke(BLACK);
    c.line_width(0.3);
    for i in 0..=cols {
        let x = mm(x0 + i as f32 * w);
        c.line(x, mm(y1 + gap), x, mm(y1 + gap + len));
        c.line(x, mm(y0 - gap), x, mm(y0 - gap - len));
    }
    for j in 0..=rows {
        let y = mm(y0 + j as f32 * h);
        c.line(mm(x0 - gap), y, mm(x0 - gap - len), y);
        c.line(mm(x1 + gap), y, mm(x1 + gap + len), y);
    }
    let arm = 1.5;
    for i in 1..cols {
        for j in 1..rows {
            let (x, y) = (x0 + i as f32 * w, y0 + j as f32 * h);
            c.line(mm(x - arm), mm(y), mm(x + arm), mm(y));
            c.line(mm(x), mm(y - arm), mm(x), mm(y + arm));
        }
    }
    // Where inner lines meet the grid's outer edge.
    for i in 1..cols {
        let x = x0 + i as f32 * w;
        c.line(mm(x), mm(y0), mm(x), mm(y0 + arm));
        c.line(mm(x), mm(y1), mm(x), mm(y1 - arm));
    }
    for j in 1..rows {
        let y = y0 + j as f32 * h;
        c.line(mm(x0), mm(y), mm(x0 + arm), mm(y));
        c.line(mm(x1), mm(y), mm(x1 - arm), mm(y));
    }
}

/// Everything a certificate shares, in cell coordinates (pt).
fn draw_design(
    c: &mut Content,
    fonts: &'static Fonts,
    d: &CertificateDesign,
) -> Result<(), PrintError> {
    // Frame, and a tinted panel behind the face value.
    c.stroke(ACCENT);
    c.line_width(0.9);
    c.rounded_rect(
        mm(2.5),
        mm(2.5),
        mm(CELL_W - 5.0),
        mm(CELL_H - 5.0),
        mm(3.0),
    );
    c.raw("S\n");
    c.fill(TINT);
    c.rounded_rect(mm(5.0), mm(40.5), mm(52.0), mm(14.0), mm(2.0));
    c.raw("f\n");

    // The face value keeps 3 mm clear of the panel's sides.
    let left = 8.0;
    let width = 46.0;
    let title = fit(
        fonts,
        "title",
        &d.title,
        Style::new(Font::Bold, 12.0, 7.0).leading(1.1),
        mm(52.0),
        mm(8.5),
        2,
    )?;
    c.fill(ACCENT);
    title.draw_in(
        c,
        Rect::mm(5.0, 55.5, 52.0, 8.5),
        Align::Left,
        VAlign::Middle,
    );

    let value = fit(
        fonts,
        "face_value",
        &d.face_value,
        Style::new(Font::Bold, 28.0, 12.0),
        mm(width),
        mm(12.0),
        1,
    )?;
    c.fill(INK);
    value.draw_in(
        c,
        Rect::mm(left, 41.5, width, 12.0),
        Align::Center,
        VAlign::Middle,
    );

    // Validity (one or two lines) under the panel, then the terms in what is left
    // above the clinic's details.
    let valid = fit(
        fonts,
        "valid_until",
        &d.valid_until,
        Style::new(Font::Bold, 8.0, 6.0).leading(1.1),
        mm(52.0),
        mm(5.6),
        2,
    )?;
    let valid_top = mm(39.6);
    c.fill(INK);
    valid.draw(c, mm(5.0), valid_top, mm(52.0), Align::Left);

    let terms_top = valid_top - valid.height() - mm(1.2);
    let terms_bottom = mm(20.0);
    let terms = fit(
        fonts,
        "terms",
        &d.terms,
        Style::new(Font::Regular, 7.0, 6.0).leading(1.15),
        mm(52.0),
        terms_top - terms_bottom,
        usize::MAX,
    )?;
    terms.draw(c, mm(5.0), terms_top, mm(52.0), Align::Left);

    // Clinic: a hairline, then name, address, phone from the top down.
    c.stroke(ACCENT);
    c.line_width(0.4);
    c.line(mm(5.0), mm(18.8), mm(57.0), mm(18.8));
    let clinic = fit_stack(
        fonts,
        &[
            Stacked {
                field: "name",
                text: &d.clinic.name,
                style: Style::new(Font::Bold, 8.0, 6.0).leading(1.1),
                max_lines: 2,
            },
            Stacked {
                field: "address",
                text: &d.clinic.address,
                style: Style::new(Font::Regular, 7.0, 6.0).leading(1.1),
                max_lines: 2,
            },
            Stacked {
                field: "phone",
                text: &d.clinic.phone,
                style: Style::new(Font::Regular, 7.0, 6.0),
                max_lines: 1,
            },
        ],
        mm(52.0),
        mm(17.8 - 4.0),
        mm(0.6),
    )?;
    let mut top = mm(17.8);
    for (i, block) in clinic.iter().enumerate() {
        c.fill(if i == 0 { ACCENT } else { INK });
        block.draw(c, mm(5.0), top, mm(52.0), Align::Left);
        if !block.lines.is_empty() {
            top -= block.height() + mm(0.6);
        }
    }
    Ok(())
}

/// The parts that differ per certificate, in cell coordinates (pt).
fn draw_item(
    c: &mut Content,
    fonts: &'static Fonts,
    item: &CertificateItem,
    stores: &HashMap<&str, Block>,
) -> Result<(), PrintError> {
    let serial_box = rect(SERIAL);
    let serial = fit(
        fonts,
        "serial",
        &item.serial,
        Style::new(Font::Regular, 8.0, 6.0),
        serial_box.w,
        serial_box.h,
        1,
    )?;
    let code_box = rect(CODE);
    let code = fit(
        fonts,
        "code",
        &item.code,
        Style::new(Font::Bold, 10.0, 6.0),
        code_box.w,
        code_box.h,
        1,
    )?;
    let symbol = Symbol::encode("url", &item.url)?;

    c.fill(MUTED);
    serial.draw_in(c, serial_box, Align::Right, VAlign::Middle);
    c.fill(BLACK);
    let q = rect(QR);
    symbol.draw(c, q.x, q.y, q.w);
    c.fill(INK);
    code.draw_in(c, code_box, Align::Center, VAlign::Middle);
    if let Some(store) = stores.get(item.store.as_str()) {
        store.draw_in(c, rect(STORE), Align::Center, VAlign::Top);
    }
    Ok(())
}
