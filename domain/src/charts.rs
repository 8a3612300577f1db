//! Charts drawn on the server (no chart script in the browser): the funnel, weekly hand-outs
//! against redemptions, revenue and profit per store, cumulative profit with the payback day.
//!
//! Each chart is built once as plain shapes ([`Chart`]) and then rendered: [`Chart::to_svg`]
//! for the pages (scales to its container with `viewBox` and width 100 %, and carries a text
//! alternative), and the printable report converts the same shapes to the `print` crate's
//! vector drawing (`crate::report_pdf`). Plain Rust with no dependencies: compiles for the
//! browser too, so hydration draws the same picture.

use std::fmt::Write;

use chrono::NaiveDate;

use crate::i18n::{Lang, Msg};
use crate::results::{FinalReport, Funnel, ProfitPoint};

/// An RGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Colour(pub u8, pub u8, pub u8);

impl Colour {
    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

pub const INK: Colour = Colour(0x1f, 0x29, 0x33);
pub const MUTED: Colour = Colour(0x6b, 0x72, 0x80);
pub const BLUE: Colour = Colour(0x0f, 0x76, 0x6e);
pub const ORANGE: Colour = Colour(0xc2, 0x41, 0x0c);
pub const GRID: Colour = Colour(0xe5, 0xe7, 0xeb);
pub const RED: Colour = Colour(0xb9, 0x1c, 0x1c);

/// The font size every chart's text is set at unless it says otherwise.
pub const TEXT_SIZE: f64 = 12.0;

/// Where a text's `x` is: its start, middle or end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// One shape, in the chart's units, y downwards.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A filled rectangle from its top-left corner; `tip` is a hover text on the page.
    Rect {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        radius: f64,
        fill: Colour,
        opacity: f64,
        tip: Option<String>,
    },
    Line {
        x1: f64,
        y1: f64,
        x2: f64,
        y2: f64,
        stroke: Colour,
        width: f64,
        /// Dash and gap lengths.
        dash: Option<(f64, f64)>,
    },
    Polyline {
        points: Vec<(f64, f64)>,
        stroke: Colour,
        width: f64,
    },
    Circle {
        cx: f64,
        cy: f64,
        r: f64,
        fill: Colour,
        tip: Option<String>,
    },
    /// One line of text with its baseline at `y`. `max_width` is the room it has: print
    /// (with its own, wider font) sets it smaller if it would not fit.
    Text {
        x: f64,
        y: f64,
        text: String,
        fill: Colour,
        anchor: Anchor,
        bold: bool,
        size: f64,
        max_width: Option<f64>,
    },
}

/// A chart as plain shapes: `width` × `height` units, and its title (the text alternative).
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub shapes: Vec<Shape>,
}

/// Escapes text for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A coordinate with at most one decimal ("200", "12.5").
fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

impl Chart {
    fn new(width: f64, height: f64, title: &str) -> Chart {
        Chart {
            width,
            height,
            title: title.to_owned(),
            shapes: Vec::new(),
        }
    }

    fn text(&mut self, x: f64, y: f64, text: impl Into<String>, fill: Colour, anchor: Anchor) {
        self.shapes.push(Shape::Text {
            x,
            y,
            text: text.into(),
            fill,
            anchor,
            bold: false,
            size: TEXT_SIZE,
            max_width: None,
        });
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: Colour) {
        self.shapes.push(Shape::Rect {
            x,
            y,
            w,
            h,
            radius: 0.0,
            fill,
            opacity: 1.0,
            tip: None,
        });
    }

    fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: Colour) {
        self.shapes.push(Shape::Line {
            x1,
            y1,
            x2,
            y2,
            stroke,
            width: 1.0,
            dash: None,
        });
    }

    /// The chart as an SVG element that scales to its container.
    pub fn to_svg(&self) -> String {
        let title = esc(&self.title);
        let mut s = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{title}" class="chart" font-family="system-ui, sans-serif" font-size="{size}"><title>{title}</title>"#,
            w = n(self.width),
            h = n(self.height),
            size = n(TEXT_SIZE),
        );
        let tip = |tip: &Option<String>| {
            tip.as_ref()
                .map(|t| format!("<title>{}</title>", esc(t)))
                .unwrap_or_default()
        };
        for shape in &self.shapes {
            let _ = match shape {
                Shape::Rect {
                    x,
                    y,
                    w,
                    h,
                    radius,
                    fill,
                    opacity,
                    tip: t,
                } => {
                    let _ = write!(
                        s,
                        r#"<rect x="{}" y="{}" width="{}" height="{}""#,
                        n(*x),
                        n(*y),
                        n(*w),
                        n(*h)
                    );
                    if *radius > 0.0 {
                        let _ = write!(s, r#" rx="{}""#, n(*radius));
                    }
                    let _ = write!(s, r#" fill="{}""#, fill.hex());
                    if *opacity < 1.0 {
                        let _ = write!(s, r#" opacity="{:.2}""#, opacity.max(0.0));
                    }
                    match t {
                        Some(_) => write!(s, ">{}</rect>", tip(t)),
                        None => write!(s, "/>"),
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
                    let _ = write!(
                        s,
                        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}""#,
                        n(*x1),
                        n(*y1),
                        n(*x2),
                        n(*y2),
                        stroke.hex()
                    );
                    if *width != 1.0 {
                        let _ = write!(s, r#" stroke-width="{}""#, n(*width));
                    }
                    if let Some((on, off)) = dash {
                        let _ = write!(s, r#" stroke-dasharray="{} {}""#, n(*on), n(*off));
                    }
                    write!(s, "/>")
                }
                Shape::Polyline {
                    points,
                    stroke,
                    width,
                } => {
                    let pts: Vec<String> = points
                        .iter()
                        .map(|(x, y)| format!("{},{}", n(*x), n(*y)))
                        .collect();
                    write!(
                        s,
                        r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{}"/>"#,
                        pts.join(" "),
                        stroke.hex(),
                        n(*width)
                    )
                }
                Shape::Circle {
                    cx,
                    cy,
                    r,
                    fill,
                    tip: t,
                } => {
                    let _ = write!(
                        s,
                        r#"<circle cx="{}" cy="{}" r="{}" fill="{}""#,
                        n(*cx),
                        n(*cy),
                        n(*r),
                        fill.hex()
                    );
                    match t {
                        Some(_) => write!(s, ">{}</circle>", tip(t)),
                        None => write!(s, "/>"),
                    }
                }
                Shape::Text {
                    x,
                    y,
                    text,
                    fill,
                    anchor,
                    bold,
                    size,
                    max_width: _,
                } => {
                    let _ = write!(
                        s,
                        r#"<text x="{}" y="{}" fill="{}""#,
                        n(*x),
                        n(*y),
                        fill.hex()
                    );
                    match anchor {
                        Anchor::Start => {}
                        Anchor::Middle => s.push_str(r#" text-anchor="middle""#),
                        Anchor::End => s.push_str(r#" text-anchor="end""#),
                    }
                    if *bold {
                        s.push_str(r#" font-weight="bold""#);
                    }
                    if *size != TEXT_SIZE {
                        let _ = write!(s, r#" font-size="{}""#, n(*size));
                    }
                    write!(s, ">{}</text>", esc(text))
                }
            };
        }
        s.push_str("</svg>");
        s
    }
}

/// Whole roubles with thin spaces: `12 500 ₽`.
pub fn roubles(kopecks: i64) -> String {
    let r = kopecks / 100;
    let digits = r.abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    format!("{}{out} ₽", if r < 0 { "−" } else { "" })
}

/// Printed → handed out → redeemed → bought other services, each with its share of the step
/// before.
pub fn funnel(f: &Funnel, labels: [&str; 4], title: &str) -> Chart {
    let values = [f.printed, f.handed_out, f.redeemed, f.bought];
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let (w, row) = (640.0, 34.0);
    let mut c = Chart::new(w, row * 4.0 + 8.0, title);
    for (i, (v, l)) in values.iter().zip(labels).enumerate() {
        let y = i as f64 * row + 4.0;
        let bw = (*v as f64 / max as f64 * 380.0).max(2.0);
        let share = if i == 0 {
            String::new()
        } else {
            let before = values[i - 1];
            if before > 0 {
                format!(" · {}%", v * 100 / before)
            } else {
                String::new()
            }
        };
        c.shapes.push(Shape::Text {
            x: 0.0,
            y: y + 16.0,
            text: l.to_owned(),
            fill: INK,
            anchor: Anchor::Start,
            bold: false,
            size: TEXT_SIZE,
            max_width: Some(194.0),
        });
        c.shapes.push(Shape::Rect {
            x: 200.0,
            y,
            w: bw,
            h: 24.0,
            radius: 3.0,
            fill: BLUE,
            opacity: 1.0 - i as f64 * 0.18,
            tip: None,
        });
        c.text(
            200.0 + bw + 6.0,
            y + 16.0,
            format!("{v}{share}"),
            INK,
            Anchor::Start,
        );
    }
    c
}

/// Hand-outs (bars) and redemptions (dots on a line) week by week.
pub fn weekly(
    weeks: &[NaiveDate],
    handed: &[i64],
    came: &[i64],
    labels: [&str; 2],
    title: &str,
) -> Chart {
    let n = weeks.len().max(1);
    let (w, h, left, bottom) = (640f64, 180f64, 36f64, 28f64);
    let max = handed.iter().chain(came).copied().max().unwrap_or(0).max(1) as f64;
    let plot_h = h - bottom - 24.0;
    let step = (w - left - 8.0) / n as f64;
    let y = |v: i64| 24.0 + plot_h - v as f64 / max * plot_h;
    let mut c = Chart::new(w, h, title);
    let base = 24.0 + plot_h;
    c.line((left, base), (w, base), GRID);
    c.text(0.0, 30.0, (max as i64).to_string(), MUTED, Anchor::Start);
    c.rect(left, 4.0, 10.0, 10.0, BLUE);
    c.text(left + 14.0, 13.0, labels[0], INK, Anchor::Start);
    c.shapes.push(Shape::Circle {
        cx: left + 180.0,
        cy: 9.0,
        r: 4.0,
        fill: ORANGE,
        tip: None,
    });
    c.text(left + 188.0, 13.0, labels[1], INK, Anchor::Start);
    let mut line = Vec::with_capacity(weeks.len());
    let mut dots = Vec::with_capacity(weeks.len());
    for (i, week) in weeks.iter().enumerate() {
        let x = left + step * i as f64;
        let hv = handed.get(i).copied().unwrap_or(0);
        let cv = came.get(i).copied().unwrap_or(0);
        let bw = (step * 0.6).max(2.0);
        let day = week.format("%d.%m").to_string();
        c.shapes.push(Shape::Rect {
            x: x + step * 0.2,
            y: y(hv),
            w: bw,
            h: (base - y(hv)).max(0.0),
            radius: 0.0,
            fill: BLUE,
            opacity: 1.0,
            tip: Some(format!("{day}: {hv}")),
        });
        let cx = x + step * 0.5;
        line.push((cx, y(cv)));
        dots.push(Shape::Circle {
            cx,
            cy: y(cv),
            r: 3.5,
            fill: ORANGE,
            tip: Some(format!("{day}: {cv}")),
        });
        if n <= 16 || i % (n / 8).max(1) == 0 {
            c.text(cx, h - 8.0, day, MUTED, Anchor::Middle);
        }
    }
    // The line under its dots.
    c.shapes.push(Shape::Polyline {
        points: line,
        stroke: ORANGE,
        width: 1.5,
    });
    c.shapes.extend(dots);
    c
}

/// Revenue and profit per row (store or partner), horizontal bars from a zero axis; profit may
/// be negative.
pub fn revenue_profit(rows: &[(String, i64, i64)], labels: [&str; 2], title: &str) -> Chart {
    let rows: Vec<&(String, i64, i64)> = rows.iter().take(12).collect();
    let (w, row, name_w) = (640f64, 40f64, 170f64);
    let max = rows
        .iter()
        .flat_map(|r| [r.1.abs(), r.2.abs()])
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let min = rows.iter().map(|r| r.2.min(0)).min().unwrap_or(0) as f64;
    let span = max - min;
    let plot_w = w - name_w - 90.0;
    let x = |v: i64| name_w + (v as f64 - min) / span * plot_w;
    let h = 22.0 + row * rows.len().max(1) as f64;
    let mut c = Chart::new(w, h, title);
    c.rect(name_w, 4.0, 10.0, 10.0, BLUE);
    c.text(name_w + 14.0, 13.0, labels[0], INK, Anchor::Start);
    c.rect(name_w + 150.0, 4.0, 10.0, 10.0, ORANGE);
    c.text(name_w + 164.0, 13.0, labels[1], INK, Anchor::Start);
    c.line((x(0), 18.0), (x(0), h), GRID);
    for (i, (name, revenue, profit)) in rows.iter().map(|r| (&r.0, r.1, r.2)).enumerate() {
        let y = 22.0 + row * i as f64;
        let short: String = name.chars().take(24).collect();
        let (p0, p1) = (x(0.min(profit)), x(0.max(profit)));
        c.shapes.push(Shape::Text {
            x: 0.0,
            y: y + 20.0,
            text: short,
            fill: INK,
            anchor: Anchor::Start,
            bold: false,
            size: TEXT_SIZE,
            max_width: Some(name_w - 4.0),
        });
        c.rect(x(0), y, (x(revenue) - x(0)).max(1.0), 14.0, BLUE);
        c.text(
            x(revenue) + 4.0,
            y + 11.0,
            roubles(revenue),
            MUTED,
            Anchor::Start,
        );
        c.rect(
            p0,
            y + 16.0,
            (p1 - p0).max(1.0),
            14.0,
            if profit < 0 { RED } else { ORANGE },
        );
        c.text(p1 + 4.0, y + 27.0, roubles(profit), MUTED, Anchor::Start);
    }
    c
}

/// Cumulative profit day by day, the zero line, and the payback day marked.
pub fn cumulative(
    points: &[ProfitPoint],
    payback: Option<NaiveDate>,
    payback_label: &str,
    title: &str,
) -> Chart {
    let (w, h, left) = (640f64, 200f64, 8f64);
    let n = points.len().max(2) as f64;
    let max = points.iter().map(|p| p.profit).max().unwrap_or(0).max(1) as f64;
    let min = points.iter().map(|p| p.profit).min().unwrap_or(0).min(0) as f64;
    let span = (max - min).max(1.0);
    let top = 20.0;
    let plot_h = h - top - 24.0;
    let x = |i: usize| left + i as f64 / (n - 1.0) * (w - left - 8.0);
    let y = |v: i64| top + (max - v as f64) / span * plot_h;
    let mut c = Chart::new(w, h, title);
    c.shapes.push(Shape::Line {
        x1: left,
        y1: y(0),
        x2: w,
        y2: y(0),
        stroke: MUTED,
        width: 1.0,
        dash: Some((4.0, 3.0)),
    });
    c.text(left, y(0) - 4.0, "0 ₽", MUTED, Anchor::Start);
    c.shapes.push(Shape::Polyline {
        points: points
            .iter()
            .enumerate()
            .map(|(i, p)| (x(i), y(p.profit)))
            .collect(),
        stroke: BLUE,
        width: 2.0,
    });
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        c.text(
            left,
            h - 6.0,
            first.day.format("%d.%m.%Y").to_string(),
            MUTED,
            Anchor::Start,
        );
        c.text(
            w - 8.0,
            h - 6.0,
            format!("{} · {}", last.day.format("%d.%m.%Y"), roubles(last.profit)),
            MUTED,
            Anchor::End,
        );
    }
    if let Some(day) = payback
        && let Some(i) = points.iter().position(|p| p.day == day)
    {
        c.shapes.push(Shape::Line {
            x1: x(i),
            y1: top,
            x2: x(i),
            y2: h - 24.0,
            stroke: ORANGE,
            width: 1.5,
            dash: None,
        });
        c.text(
            x(i),
            14.0,
            format!("{payback_label} {}", day.format("%d.%m.%Y")),
            ORANGE,
            if x(i) > w * 0.7 {
                Anchor::End
            } else {
                Anchor::Start
            },
        );
    }
    c
}

/// The final report's charts in `lang`: what its page shows and its PDF prints.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportCharts {
    pub funnel: Chart,
    /// Hand-outs and redemptions of the whole campaign, week by week.
    pub weekly: Chart,
    /// The same for the six busiest stores (titled with the store's name).
    pub busiest_stores: Vec<Chart>,
    pub revenue_profit: Chart,
    pub cumulative: Chart,
}

/// Builds the final report's charts.
pub fn report(r: &FinalReport, lang: Lang) -> ReportCharts {
    let funnel = funnel(
        &r.funnel,
        [
            Msg::FunnelPrinted.text(lang),
            Msg::FunnelHandedOut.text(lang),
            Msg::FunnelRedeemed.text(lang),
            Msg::FunnelBought.text(lang),
        ],
        Msg::ChartFunnel.text(lang),
    );
    let totals: (Vec<i64>, Vec<i64>) = (0..r.weeks.len())
        .map(|i| {
            r.weekly.iter().fold((0, 0), |(h, c), l| {
                let f = l.weeks.get(i);
                (
                    h + f.map_or(0, |f| f.handed_out),
                    c + f.map_or(0, |f| f.came),
                )
            })
        })
        .unzip();
    let labels = [
        Msg::FunnelHandedOut.text(lang),
        Msg::FunnelRedeemed.text(lang),
    ];
    let weekly_total = weekly(
        &r.weeks,
        &totals.0,
        &totals.1,
        labels,
        Msg::ChartWeekly.text(lang),
    );
    let mut busiest: Vec<_> = r.weekly.iter().collect();
    busiest.sort_by_key(|l| std::cmp::Reverse(l.total.handed_out));
    let busiest_stores = busiest
        .iter()
        .take(6)
        .map(|l| {
            let h: Vec<i64> = l.weeks.iter().map(|f| f.handed_out).collect();
            let c: Vec<i64> = l.weeks.iter().map(|f| f.came).collect();
            weekly(&r.weeks, &h, &c, labels, &l.store_name)
        })
        .collect();
    let rp: Vec<(String, i64, i64)> = r
        .stores
        .iter()
        .map(|l| (l.name.clone(), l.figures.revenue(), l.profit))
        .collect();
    ReportCharts {
        funnel,
        weekly: weekly_total,
        busiest_stores,
        revenue_profit: revenue_profit(
            &rp,
            [Msg::ColRevenue.text(lang), Msg::ColProfit.text(lang)],
            Msg::ChartRevenueProfit.text(lang),
        ),
        cumulative: cumulative(
            &r.cumulative,
            r.payback_on,
            Msg::PaybackOn.text(lang),
            Msg::ChartCumulative.text(lang),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_well_formed_svg_with_their_text_alternative() {
        let f = Funnel {
            printed: 1000,
            handed_out: 400,
            redeemed: 100,
            bought: 20,
        };
        let svg = funnel(
            &f,
            ["Напечатано", "Выдано", "Пришли", "Купили"],
            "Воронка <акции>",
        )
        .to_svg();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Воронка &lt;акции&gt;"));
        assert!(svg.contains("400 · 40%") && svg.contains("20 · 20%"));
        let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).expect("day");
        let points = vec![
            ProfitPoint {
                day: d(2),
                profit: -50_000,
            },
            ProfitPoint {
                day: d(3),
                profit: 10_000,
            },
        ];
        let svg = cumulative(&points, Some(d(3)), "Окупилась", "Прибыль").to_svg();
        assert!(svg.contains("Окупилась 03.11.2026"));
        let svg = revenue_profit(
            &[("Атлет".into(), 1_500_000, -20_000)],
            ["Выручка", "Прибыль"],
            "t",
        )
        .to_svg();
        assert!(
            svg.contains("15\u{202f}000 ₽") && svg.contains("−200 ₽") && svg.contains(&RED.hex())
        );
        let svg = weekly(&[d(2), d(9)], &[5, 7], &[1, 2], ["Выдано", "Пришли"], "t").to_svg();
        assert_eq!(
            svg.matches("<rect").count(),
            3,
            "a legend and a bar per week"
        );
    }

    #[test]
    fn the_svg_is_written_from_the_shapes_with_their_attributes() {
        let mut c = Chart::new(100.0, 50.0, "t & u");
        c.shapes.push(Shape::Rect {
            x: 1.0,
            y: 2.25,
            w: 10.0,
            h: 5.0,
            radius: 3.0,
            fill: BLUE,
            opacity: 0.82,
            tip: Some("a<b".into()),
        });
        c.shapes.push(Shape::Line {
            x1: 0.0,
            y1: 1.0,
            x2: 100.0,
            y2: 1.0,
            stroke: MUTED,
            width: 1.5,
            dash: Some((4.0, 3.0)),
        });
        c.text(99.0, 40.0, "end", INK, Anchor::End);
        let svg = c.to_svg();
        assert!(svg.contains(r#"aria-label="t &amp; u""#), "{svg}");
        assert!(
            svg.contains(r##"<rect x="1" y="2.3" width="10" height="5" rx="3" fill="#0f766e" opacity="0.82"><title>a&lt;b</title></rect>"##),
            "{svg}"
        );
        assert!(
            svg.contains(r##"<line x1="0" y1="1" x2="100" y2="1" stroke="#6b7280" stroke-width="1.5" stroke-dasharray="4 3"/>"##),
            "{svg}"
        );
        assert!(
            svg.contains(r##"<text x="99" y="40" fill="#1f2933" text-anchor="end">end</text>"##),
            "{svg}"
        );
    }
}
