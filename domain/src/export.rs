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

/// A results line's figures as cells, in [`FIGURES`] order (revenue in roubles).
fn figures_cells(f: &Figures) -> [Cell; 8] {
    [
        Cell::Int(f.handed_out),
        Cell::Int(f.contacts),
        Cell::Int(f.came),
        Cell::Int(f.bought),
        Cell::Int(f.visits),
        Cell::Money(f.revenue_first),
        Cell::Money(f.revenue_later),
        Cell::Money(f.revenue()),
    ]
}

struct Formats {
    header: Format,
    date: Format,
    datetime: Format,
    money: Format,
    note: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold().set_background_color("#E6F2F1"),
            date: Format::new().set_num_format("dd.mm.yyyy"),
            datetime: Format::new().set_num_format("dd.mm.yyyy hh:mm"),
            money: Format::new().set_num_format("#,##0.00\\ \"₽\""),
            note: Format::new().set_italic(),
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

/// The header of a weekly sheet: the line's names, the week, the figures.
fn weekly_columns(names: &[Msg]) -> Vec<Msg> {
    names
        .iter()
        .chain([Msg::ColWeek].iter())
        .chain(FIGURES.iter())
        .copied()
        .collect()
}

/// A row per line and week: the line's labels, the week's Monday, its figures.
fn long_rows(
    s: &WeeklySummary,
    lines: &[WeeklyLine],
    labels: impl Fn(&WeeklyLine) -> Vec<String>,
) -> Vec<Vec<Cell>> {
    let mut out = Vec::new();
    for l in lines {
        for (w, f) in s.weeks.iter().zip(&l.weeks) {
            let mut row: Vec<Cell> = labels(l).into_iter().map(Cell::Text).collect();
            row.push(Cell::Date(*w));
            row.extend(figures_cells(f));
            out.push(row);
        }
    }
    out
}

/// The week's summary as a workbook: by store, by employee, and the campaign's total, one row
/// per week.
pub fn weekly_summary_xlsx(s: &WeeklySummary, lang: Lang) -> Result<Vec<u8>, DomainError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    let sheets = [
        (
            Msg::SheetStores,
            vec![Msg::Store],
            long_rows(s, &s.stores, |l| vec![l.store_name.clone()]),
        ),
        (
            Msg::SheetEmployees,
            vec![Msg::Employee, Msg::Store],
            long_rows(s, &s.employees, |l| {
                vec![
                    l.employee_name.clone().unwrap_or_default(),
                    l.store_name.clone(),
                ]
            }),
        ),
        (
            Msg::SheetTotal,
            vec![Msg::CampaignCol],
            long_rows(s, std::slice::from_ref(&s.total), |_| {
                vec![s.campaign_name.clone()]
            }),
        ),
    ];
    for (name, names, rows) in &sheets {
        table_sheet(
            wb.add_worksheet(),
            name.text(lang),
            &weekly_columns(names),
            rows,
            &f,
            lang,
        )
        .map_err(internal)?;
    }
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
    let rows = long_rows(s, &s.stores, |l| vec![l.store_name.clone()]);
    csv_lines(&weekly_columns(&[Msg::Store]), &rows, lang).into_bytes()
}

/// A typed cell of a table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// A word of Sarafan's (yes, no, a status), written in the reader's language.
    Label(Msg),
    Int(i64),
    /// Kopecks, written as roubles.
    Money(i64),
    Date(chrono::NaiveDate),
    /// The clinic's wall clock (already in its time zone).
    DateTime(chrono::NaiveDateTime),
    Empty,
}

impl Cell {
    /// Text, or nothing for `None`.
    pub fn text(s: Option<String>) -> Cell {
        s.map_or(Cell::Empty, Cell::Text)
    }

    /// A column's width in characters, by what its cells hold.
    fn width(&self) -> f64 {
        match self {
            Cell::Text(_) | Cell::Label(_) => 24.0,
            Cell::Int(_) => 10.0,
            Cell::Money(_) => 14.0,
            Cell::Date(_) => 12.0,
            Cell::DateTime(_) => 17.0,
            Cell::Empty => 12.0,
        }
    }

    /// As a CSV field: dates dd.mm.yyyy, times dd.mm.yyyy HH:MM, roubles with a decimal comma.
    fn csv(&self, lang: Lang) -> String {
        match self {
            Cell::Text(s) => csv_field(s),
            Cell::Label(m) => csv_field(m.text(lang)),
            Cell::Int(v) => v.to_string(),
            Cell::Money(v) => csv_money(*v),
            Cell::Date(d) => d.format("%d.%m.%Y").to_string(),
            Cell::DateTime(t) => t.format("%d.%m.%Y %H:%M").to_string(),
            Cell::Empty => String::new(),
        }
    }
}

fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// A table to hand over as a spreadsheet: a sheet of an XLSX, or a CSV.
#[derive(Clone, Debug)]
pub struct Table {
    /// The sheet's name.
    pub name: Msg,
    /// The header row.
    pub columns: &'static [Msg],
    /// Cells in the order of `columns`.
    pub rows: Vec<Vec<Cell>>,
    /// A note under the rows (an export cut at its cap says so).
    pub note: Option<Msg>,
}

/// One table as a workbook of one sheet.
pub fn table_xlsx(t: &Table, lang: Lang) -> Result<Vec<u8>, DomainError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    table_sheet(
        wb.add_worksheet(),
        t.name.text(lang),
        t.columns,
        &t.rows,
        &f,
        lang,
    )
    .and_then(|ws| match t.note {
        // Below the filtered range, after an empty row: never taken for data.
        Some(note) => ws
            .write_string_with_format(t.rows.len() as u32 + 2, 0, note.text(lang), &f.note)
            .map(|_| ()),
        None => Ok(()),
    })
    .map_err(internal)?;
    wb.save_to_buffer().map_err(internal)
}

/// One table as CSV: a BOM, `;` between fields, the note (if any) after an empty line.
pub fn table_csv(t: &Table, lang: Lang) -> Vec<u8> {
    let mut out = csv_lines(t.columns, &t.rows, lang);
    if let Some(note) = t.note {
        out.push_str("\r\n");
        out.push_str(&csv_field(note.text(lang)));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// The BOM, the header line and a line per row.
fn csv_lines(columns: &[Msg], rows: &[Vec<Cell>], lang: Lang) -> String {
    let mut out = String::from("\u{feff}");
    let header: Vec<String> = columns.iter().map(|m| csv_field(m.text(lang))).collect();
    out.push_str(&header.join(";"));
    out.push_str("\r\n");
    for row in rows {
        let fields: Vec<String> = row.iter().map(|c| c.csv(lang)).collect();
        out.push_str(&fields.join(";"));
        out.push_str("\r\n");
    }
    out
}

/// A sheet of typed cells under a bold header row: frozen, with filters, columns as wide as
/// their header and what they hold need.
fn table_sheet<'w>(
    ws: &'w mut Worksheet,
    name: &str,
    headers: &[Msg],
    rows: &[Vec<Cell>],
    f: &Formats,
    lang: Lang,
) -> Result<&'w mut Worksheet, XlsxError> {
    use chrono::Timelike;
    ws.set_name(name)?;
    for (col, m) in headers.iter().enumerate() {
        let title = m.text(lang);
        ws.write_string_with_format(0, col as u16, title, &f.header)?;
        let held = rows
            .iter()
            .take(50)
            .filter_map(|r| r.get(col))
            .find(|c| **c != Cell::Empty)
            .map_or(12.0, Cell::width);
        // Room for the header and its filter button, within reason.
        let header = (title.chars().count() as f64 + 4.0).min(32.0);
        ws.set_column_width(col as u16, held.max(header))?;
    }
    for (i, cells) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, cell) in cells.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => {
                    ws.write_string(row, c, s)?;
                }
                Cell::Label(m) => {
                    ws.write_string(row, c, m.text(lang))?;
                }
                Cell::Int(v) => {
                    ws.write_number(row, c, *v as f64)?;
                }
                Cell::Money(v) => {
                    ws.write_number_with_format(row, c, *v as f64 / 100.0, &f.money)?;
                }
                Cell::Date(d) => {
                    ws.write_date_with_format(row, c, &excel_date(*d)?, &f.date)?;
                }
                Cell::DateTime(t) => {
                    let at = excel_date(t.date())?.and_hms(
                        t.hour() as u16,
                        t.minute() as u8,
                        t.second() as f64,
                    )?;
                    ws.write_datetime_with_format(row, c, &at, &f.datetime)?;
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
    Ok(ws)
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
    let mut cells = vec![
        Cell::Text(l.name.clone()),
        Cell::Text(l.partner_name.clone()),
        Cell::Int(l.printed),
    ];
    cells.extend(figures_cells(&l.figures));
    cells.extend([
        Cell::Money(l.discount),
        Cell::Money(l.costs),
        Cell::Money(l.profit),
        l.roi_percent.map_or(Cell::Empty, Cell::Int),
        l.shopper_score.map_or(Cell::Empty, Cell::Int),
    ]);
    cells
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
    let rows: Vec<Vec<Cell>> = r
        .stores
        .iter()
        .chain(std::iter::once(&r.total))
        .map(report_cells)
        .collect();
    csv_lines(&REPORT_COLUMNS, &rows, lang).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn table(note: Option<Msg>) -> Table {
        Table {
            name: Msg::ExportVisits,
            columns: &[
                Msg::Store,
                Msg::Count,
                Msg::Amount,
                Msg::Date,
                Msg::ColHandedOutAt,
            ],
            rows: vec![vec![
                Cell::Text("Лотос; на Пресне".into()),
                Cell::Int(3),
                Cell::Money(-150_005),
                Cell::Date(day(2026, 11, 30)),
                Cell::DateTime(day(2026, 11, 29).and_hms_opt(23, 30, 0).expect("time")),
            ]],
            note,
        }
    }

    #[test]
    fn a_csv_has_a_bom_semicolons_a_decimal_comma_and_the_clinics_times() {
        let csv = String::from_utf8(table_csv(&table(None), Lang::Ru)).expect("UTF-8");
        assert_eq!(
            csv,
            "\u{feff}Магазин;Количество;Сумма, ₽;Дата;Выдан\r\n\
             \"Лотос; на Пресне\";3;-1500,05;30.11.2026;29.11.2026 23:30\r\n"
        );
    }

    #[test]
    fn a_cut_table_ends_with_its_note_after_an_empty_line() {
        let csv = String::from_utf8(table_csv(&table(Some(Msg::ExportRowsCut)), Lang::En))
            .expect("UTF-8");
        assert!(
            csv.ends_with("29.11.2026 23:30\r\n\r\nOnly the first 200,000 rows are shown: a file holds no more.\r\n"),
            "{csv}"
        );
    }

    #[test]
    #[ignore = "a measurement (README): cargo test -p domain --lib -- --ignored --nocapture"]
    fn a_file_of_the_most_rows_is_written_in_seconds() {
        let row = table(None).rows.remove(0);
        let mut t = table(None);
        t.columns = crate::exports::ExportKind::Handouts.columns();
        let wide: Vec<Cell> = (0..t.columns.len())
            .map(|i| row[i % row.len()].clone())
            .collect();
        t.rows = vec![wide; crate::exports::MAX_ROWS];
        let started = std::time::Instant::now();
        let xlsx = table_xlsx(&t, Lang::Ru).expect("xlsx");
        let xlsx_took = started.elapsed();
        let started = std::time::Instant::now();
        let csv = table_csv(&t, Lang::Ru);
        println!(
            "{} rows × {} columns: XLSX {} KB in {:?}, CSV {} KB in {:?}",
            t.rows.len(),
            t.columns.len(),
            xlsx.len() / 1024,
            xlsx_took,
            csv.len() / 1024,
            started.elapsed()
        );
    }
}
