//! (server) The final report as a printable document for the `print` crate: the key figures,
//! the four charts — the very shapes the page draws as SVG (`crate::charts`), converted here to
//! `print`'s vector drawing — and the tables by partner, store and employee, and the costs by
//! category. Every text is translated and formatted here; `print` only sets it.

use crate::charts::{self, Anchor, Chart, Colour, Shape};
use crate::format;
use crate::i18n::{Lang, Msg};
use crate::results::{FinalReport, ReportLine};
use crate::types::{CostCategory, Money};

/// The report of `r` for the clinic named `clinic`, made at `generated` (the clinic's wall
/// clock, e.g. "30.11.2026 10:00").
pub fn document(r: &FinalReport, clinic: &str, generated: &str, lang: Lang) -> print::ReportDoc {
    let t = |m: Msg| m.text(lang).to_owned();
    let money = |k: i64| format::amount(Money(k), lang);
    let date = |d| format::date(d, lang);
    let total = &r.total;
    let f = &total.figures;
    let period = match (r.start_date, r.end_date) {
        (Some(from), Some(to)) => {
            format!("{}: {} – {}", t(Msg::ReportPeriod), date(from), date(to))
        }
        _ => String::new(),
    };
    let payback = r
        .payback_on
        .map(date)
        .unwrap_or_else(|| t(Msg::NotYetPaidBack));
    let figures = [
        (Msg::ColPrinted, r.funnel.printed.to_string()),
        (Msg::ColHandedOut, f.handed_out.to_string()),
        (Msg::ColContacts, f.contacts.to_string()),
        (Msg::ColCame, f.came.to_string()),
        (Msg::ColBought, f.bought.to_string()),
        (Msg::ColVisits, f.visits.to_string()),
        (Msg::ColRevenueFirst, money(f.revenue_first)),
        (Msg::ColRevenueLater, money(f.revenue_later)),
        (Msg::ColRevenue, money(f.revenue())),
        (Msg::ColDiscount, money(total.discount)),
        (Msg::ColCosts, money(total.costs)),
        (Msg::ColProfit, money(total.profit)),
        (Msg::ColRoi, roi(total)),
        (Msg::PaybackOn, payback),
        (Msg::MarginPercent, format!("{}%", r.margin_percent)),
        (Msg::AttributionDays, r.attribution_days.to_string()),
    ]
    .into_iter()
    .map(|(label, value)| print::Figure {
        label: t(label),
        value,
    })
    .collect();

    let c = charts::report(r, lang);
    let charts = [c.funnel, c.weekly, c.revenue_profit, c.cumulative]
        .iter()
        .map(|chart| print::ReportChart {
            title: chart.title.clone(),
            drawing: drawing(chart),
        })
        .collect();

    let line_row = |l: &ReportLine, name: String, printed: bool| {
        let mut row = vec![name];
        if printed {
            row.push(l.printed.to_string());
        }
        row.extend([
            l.figures.handed_out.to_string(),
            l.figures.came.to_string(),
            l.figures.bought.to_string(),
            money(l.figures.revenue()),
        ]);
        if printed {
            row.push(money(l.discount));
        }
        row.extend([money(l.costs), money(l.profit), roi(l)]);
        row
    };
    // Short headers: ten columns share the width of a portrait page.
    let columns = |first: Msg, printed: bool| {
        let mut cols = vec![column(t(first), 2.4, false)];
        if printed {
            cols.push(column(t(Msg::FunnelPrinted), 1.3, true));
        }
        cols.extend([
            column(t(Msg::FunnelHandedOut), 1.0, true),
            column(t(Msg::ColCame), 0.95, true),
            column(t(Msg::ColBought), 1.0, true),
            column(t(Msg::ColRevenue), 1.3, true),
        ]);
        if printed {
            cols.push(column(t(Msg::ColDiscountShort), 1.2, true));
        }
        cols.extend([
            column(t(Msg::ColCosts), 1.3, true),
            column(t(Msg::ColProfit), 1.4, true),
            column(t(Msg::ColRoi), 1.0, true),
        ]);
        cols
    };
    // A second line under a name: a store's partner, an employee's store.
    let named = |l: &ReportLine| {
        if l.partner_name.is_empty() || l.partner_name == l.name {
            l.name.clone()
        } else {
            format!("{}\n{}", l.name, l.partner_name)
        }
    };
    let partners = print::Table {
        title: t(Msg::SheetPartners),
        note: t(Msg::PartnerComparisonHint),
        columns: columns(Msg::Partner, true),
        rows: r
            .partners
            .iter()
            .map(|l| line_row(l, l.name.clone(), true))
            .collect(),
        total: Some(line_row(total, t(Msg::SheetTotal), true)),
    };
    let stores = print::Table {
        title: t(Msg::SheetStores),
        note: String::new(),
        columns: columns(Msg::Store, true),
        rows: r
            .stores
            .iter()
            .map(|l| line_row(l, named(l), true))
            .collect(),
        total: None,
    };
    let employees = print::Table {
        title: t(Msg::SheetEmployees),
        note: String::new(),
        columns: columns(Msg::Employee, false),
        rows: r
            .employees
            .iter()
            .map(|l| line_row(l, named(l), false))
            .collect(),
        total: None,
    };
    let costs = print::Table {
        title: t(Msg::SheetCosts),
        note: String::new(),
        columns: vec![
            column(t(Msg::CostCategory), 3.0, false),
            column(t(Msg::ColCosts), 1.0, true),
        ],
        rows: r
            .costs
            .iter()
            .map(|k| {
                let name = CostCategory::parse("category", &k.category)
                    .map(|c| t(c.msg()))
                    .unwrap_or_else(|_| k.category.clone());
                vec![name, money(k.amount)]
            })
            .collect(),
        total: Some(vec![
            t(Msg::CostTotal),
            money(r.costs.iter().map(|k| k.amount).sum()),
        ]),
    };

    print::ReportDoc {
        title: t(Msg::ReportTitle),
        clinic: clinic.to_owned(),
        campaign: r.campaign_name.clone(),
        period,
        generated: format!("{} {generated}", t(Msg::ReportGenerated)),
        figures_title: t(Msg::ReportKeyFigures),
        figures,
        note: t(Msg::ReportDefinitions),
        charts,
        tables: vec![partners, stores, employees, costs],
        continued: t(Msg::ReportContinued),
    }
}

fn column(title: String, width: f32, numeric: bool) -> print::Column {
    print::Column {
        title,
        width,
        numeric,
    }
}

fn roi(l: &ReportLine) -> String {
    l.roi_percent
        .map(|p| format!("{p}%"))
        .unwrap_or_else(|| "—".into())
}

fn colour(c: Colour) -> print::Colour {
    print::Colour(c.0, c.1, c.2)
}

/// A chart's shapes as `print`'s vector drawing (hover tips have no place on paper).
pub fn drawing(c: &Chart) -> print::Drawing {
    let v = |x: f64| x as f32;
    let shapes = c
        .shapes
        .iter()
        .map(|s| match s {
            Shape::Rect {
                x,
                y,
                w,
                h,
                radius,
                fill,
                opacity,
                tip: _,
            } => print::Shape::Rect {
                x: v(*x),
                y: v(*y),
                w: v(*w),
                h: v(*h),
                radius: v(*radius),
                fill: colour(*fill),
                opacity: v(*opacity),
            },
            Shape::Line {
                x1,
                y1,
                x2,
                y2,
                stroke,
                width,
                dash,
            } => print::Shape::Line {
                x1: v(*x1),
                y1: v(*y1),
                x2: v(*x2),
                y2: v(*y2),
                stroke: colour(*stroke),
                width: v(*width),
                dash: dash.map(|(on, off)| [v(on), v(off)]),
            },
            Shape::Polyline {
                points,
                stroke,
                width,
            } => print::Shape::Polyline {
                points: points.iter().map(|&(x, y)| (v(x), v(y))).collect(),
                stroke: colour(*stroke),
                width: v(*width),
            },
            Shape::Circle {
                cx,
                cy,
                r,
                fill,
                tip: _,
            } => print::Shape::Circle {
                cx: v(*cx),
                cy: v(*cy),
                r: v(*r),
                fill: colour(*fill),
            },
            Shape::Text {
                x,
                y,
                text,
                fill,
                anchor,
                bold,
                size,
                max_width,
            } => print::Shape::Text {
                x: v(*x),
                y: v(*y),
                text: text.clone(),
                size: v(*size),
                bold: *bold,
                anchor: match anchor {
                    Anchor::Start => print::Anchor::Start,
                    Anchor::Middle => print::Anchor::Middle,
                    Anchor::End => print::Anchor::End,
                },
                fill: colour(*fill),
                max_width: max_width.map(v),
            },
        })
        .collect();
    print::Drawing {
        width: v(c.width),
        height: v(c.height),
        shapes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{CostLine, Figures, Funnel, ProfitPoint};
    use chrono::NaiveDate;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    #[test]
    fn the_document_carries_the_reports_figures_charts_and_tables_formatted() {
        let line = |name: &str, partner: &str, profit: i64| ReportLine {
            id: Some(1),
            name: name.into(),
            partner_name: partner.into(),
            printed: 3,
            figures: Figures {
                handed_out: 2,
                came: 1,
                revenue_first: 1_000_000,
                revenue_later: 500_000,
                ..Figures::default()
            },
            discount: 50_000,
            costs: 150_000,
            profit,
            roi_percent: Some(300),
            shopper_score: None,
        };
        let r = FinalReport {
            campaign_name: "Зима".into(),
            start_date: Some(d(11, 16)),
            end_date: Some(d(12, 31)),
            margin_percent: 40,
            attribution_days: 30,
            funnel: Funnel {
                printed: 6,
                handed_out: 3,
                redeemed: 2,
                bought: 1,
            },
            total: line("Зима", "", 300_000),
            partners: vec![line("Лотос", "Лотос", 300_000)],
            stores: vec![line("Лотос на Пресне", "Лотос", 450_000)],
            employees: vec![line("Анна", "Лотос на Пресне", 0)],
            costs: vec![CostLine {
                category: "printing".into(),
                amount: 300_000,
            }],
            cumulative: vec![
                ProfitPoint {
                    day: d(11, 16),
                    profit: -300_000,
                },
                ProfitPoint {
                    day: d(11, 18),
                    profit: 100_000,
                },
            ],
            payback_on: Some(d(11, 18)),
            ..FinalReport::default()
        };
        let doc = document(&r, "Улыбка", "30.11.2026 10:00", Lang::Ru);
        assert_eq!(doc.period, "Сроки акции: 16.11.2026 – 31.12.2026");
        assert_eq!(doc.generated, "Сформирован 30.11.2026 10:00");
        let figure = |label: &str| {
            doc.figures
                .iter()
                .find(|f| f.label == label)
                .map(|f| f.value.clone())
        };
        assert_eq!(figure("Прибыль, ₽").as_deref(), Some("3\u{202f}000"));
        assert_eq!(figure("ROI, %").as_deref(), Some("300%"));
        assert_eq!(figure("Окупилась").as_deref(), Some("18.11.2026"));
        assert_eq!(
            doc.charts
                .iter()
                .map(|c| c.title.as_str())
                .collect::<Vec<_>>(),
            [
                "Воронка акции",
                "Выдачи и визиты по неделям",
                "Выручка и прибыль по магазинам",
                "Прибыль нарастающим итогом"
            ]
        );
        let stores = &doc.tables[1];
        assert_eq!(stores.rows[0][0], "Лотос на Пресне\nЛотос");
        assert_eq!(stores.rows[0].len(), stores.columns.len());
        assert_eq!(doc.tables[2].rows[0].len(), doc.tables[2].columns.len());
        assert_eq!(
            doc.tables[0].total.as_ref().map(|t| t[0].as_str()),
            Some("Итого по акции")
        );
        assert_eq!(doc.tables[3].rows[0], ["Печать", "3\u{202f}000"]);
    }

    #[test]
    fn a_chart_converts_shape_for_shape() {
        let chart = charts::cumulative(
            &[
                ProfitPoint {
                    day: d(11, 2),
                    profit: -50_000,
                },
                ProfitPoint {
                    day: d(11, 3),
                    profit: 10_000,
                },
            ],
            Some(d(11, 3)),
            "Окупилась",
            "Прибыль",
        );
        let drawing = drawing(&chart);
        assert_eq!(drawing.shapes.len(), chart.shapes.len());
        assert_eq!((drawing.width, drawing.height), (640.0, 200.0));
        assert!(drawing.shapes.iter().any(|s| matches!(
            s,
            print::Shape::Text { text, anchor: print::Anchor::End, .. } if text == "Окупилась 03.11.2026"
        )));
        assert!(
            drawing
                .shapes
                .iter()
                .any(|s| matches!(s, print::Shape::Line { dash: Some(d), .. } if *d == [4.0, 3.0]))
        );
    }
}
