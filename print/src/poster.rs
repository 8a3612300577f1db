//! A store's poster. Designed on A4; A3 is the same design scaled by √2 (A3 is exactly
//! A4 enlarged), so both read the same from across a shop.

use crate::content::{ACCENT, BLACK, Content, INK, MUTED, TINT, WHITE, mm};
use crate::fonts::{Font, fonts};
use crate::layout::{Align, Rect, Style, VAlign, fit};
use crate::pdf::{A3, A4, assemble, render_pages};
use crate::qr::Symbol;
use crate::{PaperSize, Poster, PrintError};

const LEFT: f32 = 15.0;
const WIDTH: f32 = 180.0;
/// The QR square, quiet zone included (mm on A4): the symbol itself is 55–60 mm.
const QR_SIDE: f32 = 70.0;

pub(crate) fn render(p: &Poster) -> Result<Vec<u8>, PrintError> {
    let fonts = fonts()?;
    let page = match p.size {
        PaperSize::A4 => A4,
        PaperSize::A3 => A3,
    };
    let scale = page.w / A4.w;

    let band = fit(
        fonts,
        "name",
        &p.clinic.name,
        Style::new(Font::Bold, 22.0, 12.0).leading(1.1),
        mm(WIDTH),
        mm(19.0),
        2,
    )?;
    let headline = fit(
        fonts,
        "headline",
        &p.headline,
        Style::new(Font::Bold, 36.0, 16.0).leading(1.1),
        mm(WIDTH),
        mm(36.0),
        3,
    )?;
    let value = fit(
        fonts,
        "face_value",
        &p.face_value,
        Style::new(Font::Bold, 64.0, 24.0),
        mm(112.0),
        mm(28.0),
        1,
    )?;
    let text = fit(
        fonts,
        "text",
        &p.text,
        Style::new(Font::Regular, 16.0, 9.0).leading(1.3),
        mm(170.0),
        mm(44.0),
        usize::MAX,
    )?;
    let caption = fit(
        fonts,
        "qr_caption",
        &p.qr_caption,
        Style::new(Font::Bold, 15.0, 9.0),
        mm(WIDTH),
        mm(7.0),
        1,
    )?;
    let store = fit(
        fonts,
        "store",
        &p.store,
        Style::new(Font::Regular, 12.0, 8.0),
        mm(WIDTH),
        mm(6.0),
        1,
    )?;
    let address = fit(
        fonts,
        "address",
        &p.clinic.address,
        Style::new(Font::Regular, 11.0, 7.0),
        mm(WIDTH),
        mm(5.5),
        1,
    )?;
    let phone = fit(
        fonts,
        "phone",
        &p.clinic.phone,
        Style::new(Font::Bold, 12.0, 7.0),
        mm(WIDTH),
        mm(5.5),
        1,
    )?;
    let symbol = Symbol::encode("url", &p.url)?;

    let pages = render_pages(fonts, 1, |_, c: &mut Content| {
        c.save();
        c.transform(scale, 0.0, 0.0);
        // Accent band with the clinic's name.
        c.fill(ACCENT);
        c.fill_rect(0.0, mm(264.0), mm(210.0), mm(33.0));
        c.fill(WHITE);
        band.draw_in(
            c,
            Rect::mm(LEFT, 270.0, WIDTH, 21.0),
            Align::Center,
            VAlign::Middle,
        );

        c.fill(ACCENT);
        headline.draw_in(
            c,
            Rect::mm(LEFT, 222.0, WIDTH, 37.0),
            Align::Center,
            VAlign::Middle,
        );

        // The face value on a tinted badge.
        c.fill(TINT);
        c.rounded_rect(mm(45.0), mm(186.0), mm(120.0), mm(32.0), mm(6.0));
        c.raw("f\n");
        c.fill(ACCENT);
        value.draw_in(
            c,
            Rect::mm(49.0, 188.0, 112.0, 28.0),
            Align::Center,
            VAlign::Middle,
        );

        c.fill(INK);
        text.draw_in(
            c,
            Rect::mm(20.0, 136.0, 170.0, 44.0),
            Align::Center,
            VAlign::Middle,
        );

        c.fill(BLACK);
        let qr_y = 60.0;
        symbol.draw(c, mm(105.0 - QR_SIDE / 2.0), mm(qr_y), mm(QR_SIDE));
        c.fill(INK);
        caption.draw_in(
            c,
            Rect::mm(LEFT, 52.0, WIDTH, 7.0),
            Align::Center,
            VAlign::Middle,
        );
        c.fill(MUTED);
        store.draw_in(
            c,
            Rect::mm(LEFT, 45.0, WIDTH, 6.0),
            Align::Center,
            VAlign::Middle,
        );

        // Footer: the clinic's address and phone.
        c.stroke(ACCENT);
        c.line_width(0.8);
        c.line(mm(LEFT), mm(27.0), mm(LEFT + WIDTH), mm(27.0));
        c.fill(INK);
        address.draw_in(
            c,
            Rect::mm(LEFT, 19.0, WIDTH, 5.5),
            Align::Center,
            VAlign::Middle,
        );
        c.fill(ACCENT);
        phone.draw_in(
            c,
            Rect::mm(LEFT, 12.0, WIDTH, 5.5),
            Align::Center,
            VAlign::Middle,
        );
        c.restore();
        Ok(())
    })?;
    assemble(fonts, &p.headline, page, pages, Vec::new())
}
