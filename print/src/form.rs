//! Participant forms: an A4 questionnaire per item, with lines to write on (the certificate's
//! number among them, so a typed-in form is linked to its certificate), the consent
//! paragraph with a tick box, signature and date lines, the serial and a QR code to the
//! digital version of the form. The page itself is a form XObject; per item only the
//! serial, store and QR code are written.

use crate::content::{ACCENT, BLACK, Content, INK, MM, MUTED, mm};
use crate::fonts::{Font, Fonts, fonts};
use crate::layout::{Align, Rect, Style, VAlign, fit};
use crate::pdf::{A4, Form, assemble, deflate, render_pages};
use crate::qr::Symbol;
use crate::{FormDesign, FormItem, PrintError, no_items};

const LEFT: f32 = 18.0;
const RIGHT: f32 = 192.0;
const WIDTH: f32 = RIGHT - LEFT;

/// QR square (quiet zone included) at the top right, and the serial and store under it.
const QR: Rect = Rect::new(160.0, 247.0, 32.0, 32.0);
const SERIAL: Rect = Rect::new(156.0, 241.5, 40.0, 5.0);
const STORE: Rect = Rect::new(150.0, 232.5, 46.0, 8.5);
/// Footer: the serial again, so a loose page can still be matched.
const FOOTER: Rect = Rect::new(LEFT, 10.0, WIDTH, 4.0);

const CAPTION: Style = Style::new(Font::Regular, 9.0, 7.0);

pub(crate) fn render(design: &FormDesign, items: &[FormItem]) -> Result<Vec<u8>, PrintError> {
    if items.is_empty() {
        return Err(no_items());
    }
    let fonts = fonts()?;
    let mut shared = Content::new(fonts);
    draw_page(&mut shared, fonts, design)?;
    let form = Form {
        name: "P",
        width: A4.w,
        height: A4.h,
        content: deflate(&shared.buf)?,
    };
    let mut pages = render_pages(fonts, items.len(), |i, c| {
        c.draw_xobject("P");
        draw_item(c, fonts, &items[i])
    })?;
    pages.usage.merge(&shared.usage);
    assemble(fonts, &design.title, A4, pages, vec![form])
}

fn mm_rect(r: Rect) -> Rect {
    Rect::mm(r.x, r.y, r.w, r.h)
}

fn draw_page(c: &mut Content, fonts: &'static Fonts, d: &FormDesign) -> Result<(), PrintError> {
    // Header: clinic on the left (the QR code takes the right).
    let head_w = 128.0;
    let name = fit(
        fonts,
        "name",
        &d.clinic.name,
        Style::new(Font::Bold, 13.0, 9.0).leading(1.1),
        mm(head_w),
        mm(11.0),
        2,
    )?;
    let address = fit(
        fonts,
        "address",
        &d.clinic.address,
        Style::new(Font::Regular, 9.5, 7.0),
        mm(head_w),
        mm(8.0),
        2,
    )?;
    let phone = fit(
        fonts,
        "phone",
        &d.clinic.phone,
        Style::new(Font::Regular, 9.5, 7.0),
        mm(head_w),
        mm(4.5),
        1,
    )?;
    let mut top = mm(279.0);
    c.fill(ACCENT);
    name.draw(c, mm(LEFT), top, mm(head_w), Align::Left);
    top -= name.height() + mm(1.2);
    c.fill(MUTED);
    address.draw(c, mm(LEFT), top, mm(head_w), Align::Left);
    top -= address.height() + mm(0.8);
    phone.draw(c, mm(LEFT), top, mm(head_w), Align::Left);

    let title = fit(
        fonts,
        "title",
        &d.title,
        Style::new(Font::Bold, 18.0, 11.0).leading(1.15),
        mm(head_w),
        mm(16.0),
        3,
    )?;
    c.fill(INK);
    title.draw_in(
        c,
        Rect::mm(LEFT, 233.0, head_w, 16.0),
        Align::Left,
        VAlign::Bottom,
    );

    c.stroke(ACCENT);
    c.line_width(0.8);
    c.line(mm(LEFT), mm(229.0), mm(RIGHT), mm(229.0));

    // Fields: a caption and a line to write on (two for "how did you hear of us").
    let l = &d.labels;
    let half = (WIDTH - 8.0) / 2.0;
    field(
        c,
        fonts,
        "labels.full_name",
        &l.full_name,
        LEFT,
        222.0,
        WIDTH,
        1,
    )?;
    field(c, fonts, "labels.phone", &l.phone, LEFT, 204.0, half, 1)?;
    field(
        c,
        fonts,
        "labels.birthday",
        &l.birthday,
        LEFT + half + 8.0,
        204.0,
        half,
        1,
    )?;
    field(c, fonts, "labels.email", &l.email, LEFT, 186.0, half, 1)?;
    field(
        c,
        fonts,
        "labels.cert_number",
        &l.cert_number,
        LEFT + half + 8.0,
        186.0,
        half,
        1,
    )?;
    field(
        c,
        fonts,
        "labels.heard_from",
        &l.heard_from,
        LEFT,
        168.0,
        WIDTH,
        2,
    )?;

    // Consent: a tick box and the paragraph beside it.
    let consent_top = 137.0;
    let consent_bottom = 44.0; // leaves room for the signature lines under it
    c.stroke(INK);
    c.line_width(0.8);
    c.rect(mm(LEFT), mm(consent_top - 4.6), mm(4.5), mm(4.5));
    c.raw("S\n");
    let text_x = LEFT + 8.0;
    let consent = fit(
        fonts,
        "consent",
        &d.consent,
        Style::new(Font::Regular, 10.0, 6.0).leading(1.3),
        mm(RIGHT - text_x),
        mm(consent_top - consent_bottom),
        usize::MAX,
    )?;
    c.fill(INK);
    consent.draw(
        c,
        mm(text_x),
        mm(consent_top),
        mm(RIGHT - text_x),
        Align::Left,
    );

    // Signature and date: lines with captions under them, a little below the consent
    // (but never lower than the footer allows).
    let sig_y = (consent_top - consent.height() / MM - 24.0).max(30.0);
    let sig_w = 100.0;
    let date_x = LEFT + sig_w + 14.0;
    c.stroke(BLACK);
    c.line_width(0.5);
    c.line(mm(LEFT), mm(sig_y), mm(LEFT + sig_w), mm(sig_y));
    c.line(mm(date_x), mm(sig_y), mm(RIGHT), mm(sig_y));
    let sig = fit(
        fonts,
        "labels.signature",
        &l.signature,
        CAPTION,
        mm(sig_w),
        mm(4.5),
        1,
    )?;
    let date = fit(
        fonts,
        "labels.date",
        &l.date,
        CAPTION,
        mm(RIGHT - date_x),
        mm(4.5),
        1,
    )?;
    c.fill(MUTED);
    sig.draw(c, mm(LEFT), mm(sig_y - 1.5), mm(sig_w), Align::Left);
    date.draw(
        c,
        mm(date_x),
        mm(sig_y - 1.5),
        mm(RIGHT - date_x),
        Align::Left,
    );

    c.stroke(MUTED);
    c.line_width(0.3);
    c.line(mm(LEFT), mm(16.0), mm(RIGHT), mm(16.0));
    Ok(())
}

/// A caption with `lines` writing lines under it; `top` is the caption's top (mm).
#[allow(clippy::too_many_arguments)]
fn field(
    c: &mut Content,
    fonts: &'static Fonts,
    name: &'static str,
    caption: &str,
    x: f32,
    top: f32,
    width: f32,
    lines: usize,
) -> Result<(), PrintError> {
    let block = fit(fonts, name, caption, CAPTION, mm(width), mm(4.5), 1)?;
    c.fill(MUTED);
    block.draw(c, mm(x), mm(top), mm(width), Align::Left);
    c.stroke(MUTED);
    c.line_width(0.5);
    for i in 0..lines {
        let y = top - 12.0 - 10.0 * i as f32;
        c.line(mm(x), mm(y), mm(x + width), mm(y));
    }
    Ok(())
}

fn draw_item(c: &mut Content, fonts: &'static Fonts, item: &FormItem) -> Result<(), PrintError> {
    let serial_box = mm_rect(SERIAL);
    let serial = fit(
        fonts,
        "serial",
        &item.serial,
        Style::new(Font::Bold, 10.0, 7.0),
        serial_box.w,
        serial_box.h,
        1,
    )?;
    let store_box = mm_rect(STORE);
    let store = fit(
        fonts,
        "store",
        &item.store,
        Style::new(Font::Regular, 8.0, 6.0).leading(1.1),
        store_box.w,
        store_box.h,
        2,
    )?;
    let footer_box = mm_rect(FOOTER);
    let footer = fit(
        fonts,
        "serial",
        &item.serial,
        Style::new(Font::Regular, 8.0, 6.0),
        footer_box.w,
        footer_box.h,
        1,
    )?;
    let symbol = Symbol::encode("url", &item.url)?;

    c.fill(BLACK);
    let q = mm_rect(QR);
    symbol.draw(c, q.x, q.y, q.w);
    c.fill(INK);
    serial.draw_in(c, serial_box, Align::Center, VAlign::Middle);
    c.fill(MUTED);
    store.draw_in(c, store_box, Align::Center, VAlign::Top);
    footer.draw_in(c, footer_box, Align::Right, VAlign::Middle);
    Ok(())
}
