//! Vector drawings (the report's charts): plain shapes in the drawing's own units, y downwards
//! as in SVG, placed on a page at a scale. Text is set in the embedded fonts, so `pdftotext`
//! reads a chart's labels like the rest of the page.

use crate::content::{Content, Rgb};
use crate::fonts::{Font, Fonts};
use crate::layout::{Shaped, printable};
use crate::{Anchor, Colour, Drawing, PrintError, Shape};

/// Control-point distance for a quarter circle drawn with one cubic Bézier.
const KAPPA: f32 = 0.552_284_8;

fn rgb(c: Colour) -> Rgb {
    Rgb(
        f32::from(c.0) / 255.0,
        f32::from(c.1) / 255.0,
        f32::from(c.2) / 255.0,
    )
}

/// The colour as it looks at `opacity` over white paper (no transparency group needed).
fn over_white(c: Colour, opacity: f32) -> Rgb {
    let o = opacity.clamp(0.0, 1.0);
    let Rgb(r, g, b) = rgb(c);
    Rgb(r * o + (1.0 - o), g * o + (1.0 - o), b * o + (1.0 - o))
}

/// Draws `d` with its top-left corner at (`x`, `top`) pt, `scale` pt per drawing unit.
pub(crate) fn draw(
    c: &mut Content,
    fonts: &'static Fonts,
    d: &Drawing,
    x: f32,
    top: f32,
    scale: f32,
) -> Result<(), PrintError> {
    let px = |v: f32| x + v * scale;
    let py = |v: f32| top - v * scale;
    c.save();
    // Nothing drawn outside the drawing's box.
    c.rect(x, top - d.height * scale, d.width * scale, d.height * scale);
    c.raw("W n\n");
    for shape in &d.shapes {
        match shape {
            Shape::Rect {
                x,
                y,
                w,
                h,
                radius,
                fill,
                opacity,
            } => {
                c.fill(over_white(*fill, *opacity));
                let (w, h) = (w * scale, h * scale);
                if *radius > 0.0 {
                    let r = (radius * scale).min(w / 2.0).min(h / 2.0);
                    c.rounded_rect(px(*x), py(*y) - h, w, h, r);
                    c.raw("f\n");
                } else {
                    c.fill_rect(px(*x), py(*y) - h, w, h);
                }
            }
            Shape::Line {
                x1,
                y1,
                x2,
                y2,
                stroke,
                width,
                dash,
            } => {
                c.stroke(rgb(*stroke));
                c.line_width(width * scale);
                if let Some([on, off]) = dash {
                    c.raw("[");
                    c.num(on * scale);
                    c.num(off * scale);
                    c.raw("] 0 d\n");
                }
                c.line(px(*x1), py(*y1), px(*x2), py(*y2));
                if dash.is_some() {
                    c.raw("[] 0 d\n");
                }
            }
            Shape::Polyline {
                points,
                stroke,
                width,
            } => {
                let Some((first, rest)) = points.split_first() else {
                    continue;
                };
                c.stroke(rgb(*stroke));
                c.line_width(width * scale);
                c.raw("1 j 1 J\n");
                c.num(px(first.0));
                c.num(py(first.1));
                c.raw("m\n");
                for p in rest {
                    c.num(px(p.0));
                    c.num(py(p.1));
                    c.raw("l\n");
                }
                c.raw("S 0 j 0 J\n");
            }
            Shape::Circle { cx, cy, r, fill } => {
                c.fill(rgb(*fill));
                circle(c, px(*cx), py(*cy), r * scale);
                c.raw("f\n");
            }
            Shape::Text {
                x,
                y,
                text,
                size,
                bold,
                anchor,
                fill,
                max_width,
            } => {
                let font = if *bold { Font::Bold } else { Font::Regular };
                let text = printable(fonts, font, text);
                let shaped = Shaped::new(fonts, font, "chart", &text, false)?;
                let mut size = size * scale;
                let mut block = shaped
                    .set(size, 1.2, f32::MAX)
                    .map_err(|()| PrintError::TextTooLong { field: "chart" })?;
                let Some(line) = block.lines.first().cloned() else {
                    continue;
                };
                let mut w = block.line_width(&line);
                // A label wider than its room is set smaller rather than run into its bar.
                if let Some(max) = max_width {
                    let room = max * scale;
                    if w > room && w > 0.0 {
                        size *= room / w;
                        block = shaped
                            .set(size, 1.2, f32::MAX)
                            .map_err(|()| PrintError::TextTooLong { field: "chart" })?;
                        w = block.lines.first().map_or(0.0, |l| block.line_width(l));
                    }
                }
                let left = match anchor {
                    Anchor::Start => px(*x),
                    Anchor::Middle => px(*x) - w / 2.0,
                    Anchor::End => px(*x) - w,
                };
                c.fill(rgb(*fill));
                if let Some(line) = block.lines.first() {
                    c.text(font, size, left, py(*y), &line.glyphs);
                }
            }
        }
    }
    c.restore();
    Ok(())
}

/// A closed circle path of four Béziers (not yet painted).
fn circle(c: &mut Content, cx: f32, cy: f32, r: f32) {
    let k = r * KAPPA;
    c.num(cx + r);
    c.num(cy);
    c.raw("m\n");
    let quarters = [
        [cx + r, cy + k, cx + k, cy + r, cx, cy + r],
        [cx - k, cy + r, cx - r, cy + k, cx - r, cy],
        [cx - r, cy - k, cx - k, cy - r, cx, cy - r],
        [cx + k, cy - r, cx + r, cy - k, cx + r, cy],
    ];
    for q in quarters {
        for v in q {
            c.num(v);
        }
        c.raw("c\n");
    }
    c.raw("h\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::fonts;

    #[test]
    fn every_shape_becomes_path_or_text_operators_in_the_content_stream() {
        let f = fonts().expect("fonts");
        let teal = Colour(0x0f, 0x76, 0x6e);
        let d = Drawing {
            width: 100.0,
            height: 50.0,
            shapes: vec![
                Shape::Rect {
                    x: 10.0,
                    y: 10.0,
                    w: 30.0,
                    h: 10.0,
                    radius: 0.0,
                    fill: teal,
                    opacity: 0.5,
                },
                Shape::Line {
                    x1: 0.0,
                    y1: 40.0,
                    x2: 100.0,
                    y2: 40.0,
                    stroke: teal,
                    width: 1.0,
                    dash: Some([4.0, 3.0]),
                },
                Shape::Polyline {
                    points: vec![(0.0, 0.0), (50.0, 25.0), (100.0, 0.0)],
                    stroke: teal,
                    width: 2.0,
                },
                Shape::Circle {
                    cx: 50.0,
                    cy: 25.0,
                    r: 4.0,
                    fill: teal,
                },
                Shape::Text {
                    x: 100.0,
                    y: 48.0,
                    text: "Окупилась".into(),
                    size: 12.0,
                    bold: false,
                    anchor: Anchor::End,
                    fill: teal,
                    max_width: None,
                },
            ],
        };
        let mut c = Content::new(f);
        draw(&mut c, f, &d, 100.0, 700.0, 2.0).expect("drawn");
        let ops = String::from_utf8_lossy(&c.buf).into_owned();
        // The rectangle (top-left 10,10 → PDF's bottom-left), half-transparent teal on white.
        assert!(ops.contains("120 660 60 20 re\nf\n"), "{ops}");
        assert!(ops.contains("0.53 0.73 0.72 rg"), "{ops}");
        assert!(ops.contains("[8 6 ] 0 d"), "a dashed line: {ops}");
        assert!(ops.contains("100 700 m\n200 650 l\n300 700 l\nS"), "{ops}");
        assert_eq!(ops.matches(" c\n").count(), 4, "a circle of four curves");
        assert!(ops.contains("Tj"), "the text is text: {ops}");
        assert!(
            ops.starts_with("q\n") && ops.ends_with("Q\n"),
            "clipped: {ops}"
        );
    }
}
