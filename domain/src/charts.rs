//! Charts drawn on the server as SVG (no chart script in the browser): the funnel, weekly
//! hand-outs against redemptions, revenue and profit per store, cumulative profit with the
//! payback day. Each scales to its container (`viewBox`, width 100 %) and carries a text
//! alternative. Plain Rust: compiles for the browser too, so hydration draws the same picture.

use std::fmt::Write;

use chrono::NaiveDate;

use crate::results::{Funnel, ProfitPoint};

const INK: &str = "#1f2933";
const MUTED: &str = "#6b7280";
const BLUE: &str = "#0f766e";
const ORANGE: &str = "#c2410c";
const GRID: &str = "#e5e7eb";
const RED: &str = "#b91c1c";

/// Escapes text for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn open(w: u32, h: u32, label: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{l}" class="chart" font-family="system-ui, sans-serif" font-size="12"><title>{l}</title>"#,
        l = esc(label)
    )
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
pub fn funnel(f: &Funnel, labels: [&str; 4], title: &str) -> String {
    let values = [f.printed, f.handed_out, f.redeemed, f.bought];
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let (w, row) = (640u32, 34u32);
    let mut s = open(w, row * 4 + 8, title);
    for (i, (v, l)) in values.iter().zip(labels).enumerate() {
        let y = i as u32 * row + 4;
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
        let _ = write!(
            s,
            r#"<text x="0" y="{ty}" fill="{INK}">{l}</text><rect x="200" y="{y}" width="{bw:.1}" height="24" rx="3" fill="{BLUE}" opacity="{o}"/><text x="{tx:.1}" y="{ty}" fill="{INK}">{v}{share}</text>"#,
            ty = y + 16,
            l = esc(l),
            o = 1.0 - i as f64 * 0.18,
            tx = 200.0 + bw + 6.0,
        );
    }
    s.push_str("</svg>");
    s
}

/// Hand-outs (bars) and redemptions (dots on a line) week by week.
pub fn weekly(
    weeks: &[NaiveDate],
    handed: &[i64],
    came: &[i64],
    labels: [&str; 2],
    title: &str,
) -> String {
    let n = weeks.len().max(1);
    let (w, h, left, bottom) = (640f64, 180f64, 36f64, 28f64);
    let max = handed.iter().chain(came).copied().max().unwrap_or(0).max(1) as f64;
    let plot_h = h - bottom - 24.0;
    let step = (w - left - 8.0) / n as f64;
    let y = |v: i64| 24.0 + plot_h - v as f64 / max * plot_h;
    let mut s = open(w as u32, h as u32, title);
    let _ = write!(
        s,
        r#"<line x1="{left}" y1="{b}" x2="{w}" y2="{b}" stroke="{GRID}"/><text x="0" y="{t}" fill="{MUTED}">{max}</text><rect x="{left}" y="4" width="10" height="10" fill="{BLUE}"/><text x="{lx}" y="13" fill="{INK}">{a}</text><circle cx="{cx}" cy="9" r="4" fill="{ORANGE}"/><text x="{lx2}" y="13" fill="{INK}">{b2}</text>"#,
        b = 24.0 + plot_h,
        t = 30,
        max = max as i64,
        lx = left + 14.0,
        a = esc(labels[0]),
        cx = left + 180.0,
        lx2 = left + 188.0,
        b2 = esc(labels[1]),
    );
    let mut line = String::new();
    for (i, week) in weeks.iter().enumerate() {
        let x = left + step * i as f64;
        let hv = handed.get(i).copied().unwrap_or(0);
        let cv = came.get(i).copied().unwrap_or(0);
        let bw = (step * 0.6).max(2.0);
        let _ = write!(
            s,
            r#"<rect x="{x:.1}" y="{yy:.1}" width="{bw:.1}" height="{hh:.1}" fill="{BLUE}"><title>{d}: {hv}</title></rect>"#,
            x = x + step * 0.2,
            yy = y(hv),
            hh = (24.0 + plot_h - y(hv)).max(0.0),
            d = week.format("%d.%m"),
        );
        let cx = x + step * 0.5;
        let _ = write!(line, "{cx:.1},{:.1} ", y(cv));
        let _ = write!(
            s,
            r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="3.5" fill="{ORANGE}"><title>{d}: {cv}</title></circle>"#,
            cy = y(cv),
            d = week.format("%d.%m"),
        );
        if n <= 16 || i % (n / 8).max(1) == 0 {
            let _ = write!(
                s,
                r#"<text x="{cx:.1}" y="{ty}" fill="{MUTED}" text-anchor="middle">{d}</text>"#,
                ty = h - 8.0,
                d = week.format("%d.%m"),
            );
        }
    }
    let _ = write!(
        s,
        r#"<polyline points="{line}" fill="none" stroke="{ORANGE}" stroke-width="1.5"/></svg>"#
    );
    s
}

/// Revenue and profit per row (store or partner), horizontal bars from a zero axis; profit may
/// be negative.
pub fn revenue_profit(rows: &[(String, i64, i64)], labels: [&str; 2], title: &str) -> String {
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
    let mut s = open(w as u32, h as u32, title);
    let _ = write!(
        s,
        r#"<rect x="{name_w}" y="4" width="10" height="10" fill="{BLUE}"/><text x="{a}" y="13" fill="{INK}">{l0}</text><rect x="{b}" y="4" width="10" height="10" fill="{ORANGE}"/><text x="{c}" y="13" fill="{INK}">{l1}</text><line x1="{z:.1}" y1="18" x2="{z:.1}" y2="{h}" stroke="{GRID}"/>"#,
        a = name_w + 14.0,
        l0 = esc(labels[0]),
        b = name_w + 150.0,
        c = name_w + 164.0,
        l1 = esc(labels[1]),
        z = x(0),
    );
    for (i, (name, revenue, profit)) in rows.iter().map(|r| (&r.0, r.1, r.2)).enumerate() {
        let y = 22.0 + row * i as f64;
        let short: String = name.chars().take(24).collect();
        let (p0, p1) = (x(0.min(profit)), x(0.max(profit)));
        let _ = write!(
            s,
            r#"<text x="0" y="{ty:.1}" fill="{INK}">{n}</text><rect x="{z:.1}" y="{y:.1}" width="{rw:.1}" height="14" fill="{BLUE}"/><text x="{rx:.1}" y="{y2:.1}" fill="{MUTED}">{rt}</text><rect x="{p0:.1}" y="{yp:.1}" width="{pw:.1}" height="14" fill="{pc}"/><text x="{px:.1}" y="{yp2:.1}" fill="{MUTED}">{pt}</text>"#,
            ty = y + 20.0,
            n = esc(&short),
            z = x(0),
            rw = (x(revenue) - x(0)).max(1.0),
            rx = x(revenue) + 4.0,
            y2 = y + 11.0,
            rt = roubles(revenue),
            yp = y + 16.0,
            pw = (p1 - p0).max(1.0),
            pc = if profit < 0 { RED } else { ORANGE },
            px = p1 + 4.0,
            yp2 = y + 27.0,
            pt = roubles(profit),
        );
    }
    s.push_str("</svg>");
    s
}

/// Cumulative profit day by day, the zero line, and the payback day marked.
pub fn cumulative(
    points: &[ProfitPoint],
    payback: Option<NaiveDate>,
    payback_label: &str,
    title: &str,
) -> String {
    let (w, h, left) = (640f64, 200f64, 8f64);
    let n = points.len().max(2) as f64;
    let max = points.iter().map(|p| p.profit).max().unwrap_or(0).max(1) as f64;
    let min = points.iter().map(|p| p.profit).min().unwrap_or(0).min(0) as f64;
    let span = (max - min).max(1.0);
    let top = 20.0;
    let plot_h = h - top - 24.0;
    let x = |i: usize| left + i as f64 / (n - 1.0) * (w - left - 8.0);
    let y = |v: i64| top + (max - v as f64) / span * plot_h;
    let mut s = open(w as u32, h as u32, title);
    let _ = write!(
        s,
        r#"<line x1="{left}" y1="{z:.1}" x2="{w}" y2="{z:.1}" stroke="{MUTED}" stroke-dasharray="4 3"/><text x="{left}" y="{zt:.1}" fill="{MUTED}">0 ₽</text>"#,
        z = y(0),
        zt = y(0) - 4.0,
    );
    let mut line = String::new();
    for (i, p) in points.iter().enumerate() {
        let _ = write!(line, "{:.1},{:.1} ", x(i), y(p.profit));
    }
    let _ = write!(
        s,
        r#"<polyline points="{line}" fill="none" stroke="{BLUE}" stroke-width="2"/>"#
    );
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        let _ = write!(
            s,
            r#"<text x="{left}" y="{b}" fill="{MUTED}">{d0}</text><text x="{r}" y="{b}" fill="{MUTED}" text-anchor="end">{d1} · {v}</text>"#,
            b = h - 6.0,
            d0 = first.day.format("%d.%m.%Y"),
            r = w - 8.0,
            d1 = last.day.format("%d.%m.%Y"),
            v = roubles(last.profit),
        );
    }
    if let Some(day) = payback
        && let Some(i) = points.iter().position(|p| p.day == day)
    {
        let _ = write!(
            s,
            r#"<line x1="{px:.1}" y1="{top}" x2="{px:.1}" y2="{b}" stroke="{ORANGE}" stroke-width="1.5"/><text x="{tx:.1}" y="14" fill="{ORANGE}" text-anchor="{anchor}">{l} {d}</text>"#,
            px = x(i),
            b = h - 24.0,
            tx = x(i),
            anchor = if x(i) > w * 0.7 { "end" } else { "start" },
            l = esc(payback_label),
            d = day.format("%d.%m.%Y"),
        );
    }
    s.push_str("</svg>");
    s
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
        );
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
        let svg = cumulative(&points, Some(d(3)), "Окупилась", "Прибыль");
        assert!(svg.contains("Окупилась 03.11.2026"));
        let svg = revenue_profit(
            &[("Атлет".into(), 1_500_000, -20_000)],
            ["Выручка", "Прибыль"],
            "t",
        );
        assert!(svg.contains("15\u{202f}000 ₽") && svg.contains("−200 ₽") && svg.contains(RED));
        let svg = weekly(&[d(2), d(9)], &[5, 7], &[1, 2], ["Выдано", "Пришли"], "t");
        assert_eq!(
            svg.matches("<rect").count(),
            3,
            "a legend and a bar per week"
        );
    }
}
