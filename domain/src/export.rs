//! Spreadsheets for people who work in Excel: XLSX (typed cells, dates, roubles, a frozen
//! header row, filters; rust_xlsxwriter) and CSV (UTF-8 with a BOM and `;` between fields, so
//! Excel with Russian settings opens the Cyrillic and the columns right).

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::error::DomainError;
use crate::results::{Figures, WeeklyLine, WeeklySummary};
use crate::{Lang, Msg};

fn internal(e: XlsxError) -> DomainError {
    tracing::error!(error = %e, "spreadsheet");
    DomainError::Internal
}

/// The figure columns of every results sheet, after the row's names and its week.
const FIGURES: [Msg; 8] = [
    Msg::ColHandedOut,
    Msg::ColContacts,
    Msg::ColCame,
    Msg::ColBought,
    Msg::ColVisits,
    Msg::ColRevenueFirst,
    Msg::ColRevenueLater,
    Msg::ColRevenue,
];

fn figures_values(f: &Figures) -> [i64; 8] {
    [
        f.handed_out,
        f.contacts,
        f.came,
        f.bought,
        f.visits,
        f.revenue_first,
        f.revenue_later,
        f.revenue(),
    ]
}

/// Money columns (kopecks in, roubles out).
fn is_money(col: usize) -> bool {
    col >= 5
}

struct Formats {
    header: Format,
    date: Format,
    money: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold().set_background_color("#E6F2F1"),
            date: Format::new().set_num_format("dd.mm.yyyy"),
            money: Format::new().set_num_format("#,##0.00\\ \"₽\""),
        }
    }
}

/// Kopecks as roubles with a decimal comma, for CSV: `-1500,00`.
fn csv_money(v: i64) -> String {
    format!(
        "{}{},{:02}",
        if v < 0 { "-" } else { "" },
        v.abs() / 100,
        v.abs() % 100
    )
}

fn sheet(
    ws: &mut Worksheet,
    name: &str,
    names: &[Msg],
    rows: &[(Vec<String>, chrono::NaiveDate, [i64; 8])],
    f: &Formats,
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let mut col = 0u16;
    for m in names
        .iter()
        .chain([Msg::ColWeek].iter())
        .chain(FIGURES.iter())
    {
        ws.write_string_with_format(0, col, m.text(lang), &f.header)?;
        ws.set_column_width(col, if col < names.len() as u16 { 28 } else { 14 })?;
        col += 1;
    }
    for (i, (labels, week, values)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let mut c = 0u16;
        for l in labels {
            ws.write_string(row, c, l)?;
            c += 1;
        }
        use chrono::Datelike;
        let d = ExcelDateTime::from_ymd(week.year() as u16, week.month() as u8, week.day() as u8)?;
        ws.write_date_with_format(row, c, &d, &f.date)?;
        c += 1;
        for (j, v) in values.iter().enumerate() {
            if is_money(j) {
                ws.write_number_with_format(row, c, *v as f64 / 100.0, &f.money)?;
            } else {
                ws.write_number(row, c, *v as f64)?;
            }
            c += 1;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, rows.len() as u32, col - 1)?;
    Ok(())
}

fn long_rows(
    s: &WeeklySummary,
    lines: &[WeeklyLine],
    labels: impl Fn(&WeeklyLine) -> Vec<String>,
) -> Vec<(Vec<String>, chrono::NaiveDate, [i64; 8])> {
    let mut out = Vec::new();
    for l in lines {
        for (w, f) in s.weeks.iter().zip(&l.weeks) {
            out.push((labels(l), *w, figures_values(f)));
        }
    }
    out
}

/// The week's summary as a workbook: by store, by employee, and the campaign's total, one row
/// per week.
pub fn weekly_summary_xlsx(s: &WeeklySummary, lang: Lang) -> Result<Vec<u8>, DomainError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    let stores = long_rows(s, &s.stores, |l| vec![l.store_name.clone()]);
    sheet(
        wb.add_worksheet(),
        Msg::SheetStores.text(lang),
        &[Msg::Store],
        &stores,
        &f,
        lang,
    )
    .map_err(internal)?;
    let employees = long_rows(s, &s.employees, |l| {
        vec![
            l.employee_name.clone().unwrap_or_default(),
            l.store_name.clone(),
        ]
    });
    sheet(
        wb.add_worksheet(),
        Msg::SheetEmployees.text(lang),
        &[Msg::Employee, Msg::Store],
        &employees,
        &f,
        lang,
    )
    .map_err(internal)?;
    let total = long_rows(s, std::slice::from_ref(&s.total), |_| {
        vec![s.campaign_name.clone()]
    });
    sheet(
        wb.add_worksheet(),
        Msg::SheetTotal.text(lang),
        &[Msg::CampaignCol],
        &total,
        &f,
        lang,
    )
    .map_err(internal)?;
    wb.save_to_buffer().map_err(internal)
}

fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The summary by store as CSV: a BOM, `;` between fields, dates as dd.mm.yyyy, roubles with a
/// decimal comma.
pub fn weekly_summary_csv(s: &WeeklySummary, lang: Lang) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let header: Vec<String> = [Msg::Store, Msg::ColWeek]
        .iter()
        .chain(FIGURES.iter())
        .map(|m| csv_field(m.text(lang)))
        .collect();
    out.push_str(&header.join(";"));
    out.push_str("\r\n");
    for (labels, week, values) in long_rows(s, &s.stores, |l| vec![l.store_name.clone()]) {
        let mut fields: Vec<String> = labels.iter().map(|l| csv_field(l)).collect();
        fields.push(week.format("%d.%m.%Y").to_string());
        for (j, v) in values.iter().enumerate() {
            fields.push(if is_money(j) {
                csv_money(*v)
            } else {
                v.to_string()
            });
        }
        out.push_str(&fields.join(";"));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// A typed cell of a report table.
#[derive(Clone, Debug)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// Kopecks, written as roubles.
    Money(i64),
    Date(chrono::NaiveDate),
    Empty,
}

fn table_sheet(
    ws: &mut Worksheet,
    name: &str,
    headers: &[Msg],
    rows: &[Vec<Cell>],
    f: &Formats,
    lang: Lang,
) -> Result<(), XlsxError> {
    use chrono::Datelike;
    ws.set_name(name)?;
    for (col, m) in headers.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, m.text(lang), &f.header)?;
        ws.set_column_width(col as u16, if col < 2 { 28 } else { 14 })?;
    }
    for (i, cells) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, cell) in cells.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => {
                    ws.write_string(row, c, s)?;
                }
                Cell::Int(v) => {
                    ws.write_number(row, c, *v as f64)?;
                }
                Cell::Money(v) => {
                    ws.write_number_with_format(row, c, *v as f64 / 100.0, &f.money)?;
                }
                Cell::Date(d) => {
                    let d =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    ws.write_date_with_format(row, c, &d, &f.date)?;
                }
                Cell::Empty => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(
        0,
        0,
        rows.len() as u32,
        headers.len().saturating_sub(1) as u16,
    )?;
    Ok(())
}

/// The columns of a final report's line, after its name and partner.
pub const REPORT_COLUMNS: [Msg; 16] = [
    Msg::ColName,
    Msg::Partner,
    Msg::ColPrinted,
    Msg::ColHandedOut,
    Msg::ColContacts,
    Msg::ColCame,
    Msg::ColBought,
    Msg::ColVisits,
    Msg::ColRevenueFirst,
    Msg::ColRevenueLater,
    Msg::ColRevenue,
    Msg::ColDiscount,
    Msg::ColCosts,
    Msg::ColProfit,
    Msg::ColRoi,
    Msg::ColShopperScore,
];

/// One report line as cells, in [`REPORT_COLUMNS`] order.
pub fn report_cells(l: &crate::results::ReportLine) -> Vec<Cell> {
    let f = &l.figures;
    vec![
        Cell::Text(l.name.clone()),
        Cell::Text(l.partner_name.clone()),
        Cell::Int(l.printed),
        Cell::Int(f.handed_out),
        Cell::Int(f.contacts),
        Cell::Int(f.came),
        Cell::Int(f.bought),
        Cell::Int(f.visits),
        Cell::Money(f.revenue_first),
        Cell::Money(f.revenue_later),
        Cell::Money(f.revenue()),
        Cell::Money(l.discount),
        Cell::Money(l.costs),
        Cell::Money(l.profit),
        l.roi_percent.map_or(Cell::Empty, Cell::Int),
        l.shopper_score.map_or(Cell::Empty, Cell::Int),
    ]
}

/// The final report as a workbook: partners and the total, stores, employees, costs, and the
/// cumulative profit day by day.
pub fn final_report_xlsx(
    r: &crate::results::FinalReport,
    lang: Lang,
) -> Result<Vec<u8>, DomainError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    let mut partners: Vec<Vec<Cell>> = r.partners.iter().map(report_cells).collect();
    partners.push(report_cells(&r.total));
    let sheets: [(Msg, Vec<Vec<Cell>>); 3] = [
        (Msg::SheetPartners, partners),
        (
            Msg::SheetStores,
            r.stores.iter().map(report_cells).collect(),
        ),
        (
            Msg::SheetEmployees,
            r.employees.iter().map(report_cells).collect(),
        ),
    ];
    for (name, rows) in &sheets {
        table_sheet(
            wb.add_worksheet(),
            name.text(lang),
            &REPORT_COLUMNS,
            rows,
            &f,
            lang,
        )
        .map_err(internal)?;
    }
    let costs: Vec<Vec<Cell>> = r
        .costs
        .iter()
        .map(|c| {
            let name = crate::types::CostCategory::parse("category", &c.category)
                .map(|k| k.msg().text(lang).to_owned())
                .unwrap_or_else(|_| c.category.clone());
            vec![Cell::Text(name), Cell::Money(c.amount)]
        })
        .collect();
    table_sheet(
        wb.add_worksheet(),
        Msg::SheetCosts.text(lang),
        &[Msg::CostCategory, Msg::Amount],
        &costs,
        &f,
        lang,
    )
    .map_err(internal)?;
    let profit: Vec<Vec<Cell>> = r
        .cumulative
        .iter()
        .map(|p| vec![Cell::Date(p.day), Cell::Money(p.profit)])
        .collect();
    table_sheet(
        wb.add_worksheet(),
        Msg::SheetProfit.text(lang),
        &[Msg::Date, Msg::ColCumulativeProfit],
        &profit,
        &f,
        lang,
    )
    .map_err(internal)?;
    wb.save_to_buffer().map_err(internal)
}

/// The final report by store as CSV (BOM, `;`, decimal comma), the campaign's total last.
pub fn final_report_csv(r: &crate::results::FinalReport, lang: Lang) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let header: Vec<String> = REPORT_COLUMNS
        .iter()
        .map(|m| csv_field(m.text(lang)))
        .collect();
    out.push_str(&header.join(";"));
    out.push_str("\r\n");
    for l in r.stores.iter().chain(std::iter::once(&r.total)) {
        let fields: Vec<String> = report_cells(l)
            .into_iter()
            .map(|c| match c {
                Cell::Text(s) => csv_field(&s),
                Cell::Int(v) => v.to_string(),
                Cell::Money(v) => csv_money(v),
                Cell::Date(d) => d.format("%d.%m.%Y").to_string(),
                Cell::Empty => String::new(),
            })
            .collect();
        out.push_str(&fields.join(";"));
        out.push_str("\r\n");
    }
    out.into_bytes()
}
