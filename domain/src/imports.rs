//! Digitised paper forms (checklist items 18–19): the marketer's assistant types the partner
//! stores' paper forms into a spreadsheet; Sarafan reads it, guesses which column is which from
//! the header row, and shows what every row would do before anything is saved.
//!
//! This module is plain Rust (the browser uses the types and the guess too): the columns a row
//! may have ([`ImportField`]), the header guess ([`guess_mapping`]), how a typed cell is read
//! (consent, a certificate's number or code, a form's number), and the limits. Reading XLSX and
//! CSV files ([`read_file`]) is server-only; the rules of saving a row live in
//! `ops::imports`, which sends every row with a certificate through the hand-out rules.

use serde::{Deserialize, Serialize};

use crate::Msg;
use crate::code::Code;
use crate::error::{ErrorCode, FieldError};

#[cfg(feature = "server")]
use utoipa::ToSchema;

/// The largest file accepted (the upload route's body limit adds room for the form around it).
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// The most rows (forms) one file may hold.
pub const MAX_ROWS: usize = 5_000;
/// The most columns read from a file.
pub const MAX_COLUMNS: usize = 40;
/// The longest cell kept (longer ones are refused by the field's own limit when mapped).
pub const MAX_CELL: usize = 1_000;
/// The longest file name kept.
pub const MAX_FILE_NAME: usize = 200;
/// The most rows a preview lists on a page (the counts always cover every row).
pub const PAGE_ROWS: usize = 500;

/// What a column of the file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportField {
    Name,
    Phone,
    Email,
    Birthday,
    /// The certificate's number (its serial in the campaign, as printed: "№ 000123") or code.
    Certificate,
    /// The paper form's number (its serial).
    FormSerial,
    /// The partner store's name.
    Store,
    HeardFrom,
    Consent,
    /// The day the form was filled in.
    FormDate,
}

impl ImportField {
    pub const ALL: [ImportField; 10] = [
        ImportField::Name,
        ImportField::Phone,
        ImportField::Email,
        ImportField::Birthday,
        ImportField::Certificate,
        ImportField::FormSerial,
        ImportField::Store,
        ImportField::HeardFrom,
        ImportField::Consent,
        ImportField::FormDate,
    ];
    /// The name on the wire and in row errors (`"phone"`, `"certificate"`…).
    pub fn as_str(self) -> &'static str {
        match self {
            ImportField::Name => "name",
            ImportField::Phone => "phone",
            ImportField::Email => "email",
            ImportField::Birthday => "birthday",
            ImportField::Certificate => "certificate",
            ImportField::FormSerial => "form_serial",
            ImportField::Store => "store",
            ImportField::HeardFrom => "heard_from",
            ImportField::Consent => "consent",
            ImportField::FormDate => "form_date",
        }
    }
    pub fn parse(s: &str) -> Option<ImportField> {
        ImportField::ALL
            .into_iter()
            .find(|f| f.as_str() == s.trim())
    }
    pub fn msg(self) -> Msg {
        match self {
            ImportField::Name => Msg::PersonName,
            ImportField::Phone => Msg::Phone,
            ImportField::Email => Msg::Email,
            ImportField::Birthday => Msg::Birthday,
            ImportField::Certificate => Msg::ImportCertificate,
            ImportField::FormSerial => Msg::FormSerial,
            ImportField::Store => Msg::Store,
            ImportField::HeardFrom => Msg::HeardFrom,
            ImportField::Consent => Msg::Consent,
            ImportField::FormDate => Msg::ImportFormDate,
        }
    }
}

/// A header as compared: lower case, letters and digits only, ё as е.
fn header_key(h: &str) -> String {
    h.to_lowercase()
        .replace('ё', "е")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The field a header names, if Sarafan recognises it (Russian or English).
pub fn guess_field(header: &str) -> Option<ImportField> {
    let k = header_key(header);
    if k.is_empty() {
        return None;
    }
    let has = |stems: &[&str]| stems.iter().any(|s| k.contains(s));
    use ImportField::*;
    let field = if has(&["рожд", "birth", "dob"]) || k == "др" {
        Birthday
    } else if has(&["соглас", "consent", "agree"]) {
        Consent
    } else if has(&["дата", "date", "когда", "day"]) {
        FormDate
    } else if has(&["сертиф", "certif", "voucher", "купон", "coupon"]) || k == "code" || k == "код"
    {
        Certificate
    } else if has(&["анкет", "серийн", "serial", "form", "бланк"]) {
        FormSerial
    } else if has(&["телефон", "phone", "mobile", "моб", "сотов"]) || k.starts_with("тел")
    {
        Phone
    } else if has(&["mail", "почт"]) {
        Email
    } else if has(&[
        "магазин",
        "store",
        "shop",
        "точка",
        "партнер",
        "partner",
        "филиал",
    ]) {
        Store
    } else if has(&["откуда", "узнал", "heard", "source", "канал", "howdid"]) {
        HeardFrom
    } else if has(&[
        "фио",
        "имя",
        "фамил",
        "name",
        "участник",
        "клиент",
        "participant",
    ]) {
        Name
    } else {
        return None;
    };
    Some(field)
}

/// The guessed mapping of a header row: each field for at most one column (the first).
pub fn guess_mapping(headers: &[String]) -> Vec<Option<ImportField>> {
    let mut taken = Vec::new();
    headers
        .iter()
        .map(|h| {
            let f = guess_field(h).filter(|f| !taken.contains(f));
            if let Some(f) = f {
                taken.push(f);
            }
            f
        })
        .collect()
}

/// A mapping as the marketer chose it: one field name (or "" for "ignore") per column.
/// A field chosen for two columns is refused (naming the second column).
pub fn parse_mapping(
    columns: &[String],
    count: usize,
) -> Result<Vec<Option<ImportField>>, FieldError> {
    if columns.len() > count.max(1) {
        return Err(FieldError::new("columns", ErrorCode::TooMany));
    }
    let mut out: Vec<Option<ImportField>> = Vec::with_capacity(count);
    for c in columns {
        let f = if c.trim().is_empty() {
            None
        } else {
            Some(
                ImportField::parse(c)
                    .ok_or(FieldError::new("columns", ErrorCode::InvalidChoice))?,
            )
        };
        if f.is_some() && out.contains(&f) {
            return Err(FieldError::new("columns", ErrorCode::DuplicateInFile));
        }
        out.push(f);
    }
    out.resize(count, None);
    Ok(out)
}

/// A consent tick as typed: "да", "+", "1", "yes", "✓"… Empty is no consent; anything unclear
/// is `None`, and refused (consent is never guessed).
pub fn consent_given(cell: &str) -> Option<bool> {
    let v = cell.trim().to_lowercase().replace('ё', "е");
    let v = v.trim_end_matches('.');
    if v.is_empty() {
        return Some(false);
    }
    const YES: &[&str] = &[
        "да",
        "д",
        "+",
        "1",
        "yes",
        "y",
        "true",
        "истина",
        "v",
        "✓",
        "✔",
        "☑",
        "x",
        "х",
        "есть",
        "согласен",
        "согласна",
        "согласие",
        "подписано",
        "подпись",
        "ok",
        "ок",
    ];
    const NO: &[&str] = &["нет", "н", "-", "—", "0", "no", "n", "false", "ложь"];
    if YES.contains(&v) {
        Some(true)
    } else if NO.contains(&v) {
        Some(false)
    } else {
        None
    }
}

/// A printed number as typed: "№ 000123", "123", "0123". `None` when it is not one.
pub fn number(cell: &str) -> Option<i64> {
    let digits: String = cell
        .trim()
        .trim_start_matches(['№', 'N', 'n', '#'])
        .trim_start_matches(['o', 'O', '.'])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 12 {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

/// How a row names its certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertRef {
    Serial(i64),
    Code(Code),
}

/// A certificate as typed: its number in the campaign or its code.
pub fn certificate_ref(cell: &str) -> Result<Option<CertRef>, ErrorCode> {
    let v = cell.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if let Some(n) = number(v) {
        return Ok(Some(CertRef::Serial(n)));
    }
    match Code::parse(v) {
        Ok(c) => Ok(Some(CertRef::Code(c))),
        Err(crate::code::CodeProblem::CheckFailed) => Err(ErrorCode::CodeMistyped),
        Err(_) => Err(ErrorCode::CodeInvalid),
    }
}

/// A store's name as compared: lower case, quotes and repeated spaces gone.
pub fn store_key(name: &str) -> String {
    name.to_lowercase()
        .replace('ё', "е")
        .chars()
        .filter(|c| !matches!(c, '«' | '»' | '"' | '\'' | '“' | '”' | '„'))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// One column of an uploaded file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ImportColumn {
    pub index: i64,
    pub header: String,
    /// What the column is read as; `None`: ignored.
    pub field: Option<ImportField>,
    /// The first non-empty value under the header (shortened), to recognise the column by.
    pub sample: String,
}

/// Whom a good row's person is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RowPerson {
    /// A participant Sarafan does not know yet.
    New,
    /// Merged with the participant who has this phone (their name, e-mail and birthday stay;
    /// only empty fields are filled).
    Merged,
}

/// What a good row does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    /// A hand-out of the row's certificate (`source = paper_form`).
    HandOut,
    /// A contact without a certificate, kept with its consent.
    Contact,
}

/// One row of the file and what it does (or why it is refused).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ImportRow {
    /// The row's line in the file (the header is line 1).
    pub line: i64,
    /// The name and phone as typed (normalised when it could be); empty once the import is
    /// confirmed (the participants' records keep them).
    pub name: String,
    pub phone: String,
    pub store_name: Option<String>,
    pub form_serial: Option<i64>,
    /// The certificate the row hands out: "№ 000012 · K7QD-M2XF-R9A".
    pub certificate: Option<String>,
    pub person: Option<RowPerson>,
    pub action: Option<RowAction>,
    /// Why the row is refused (empty: it is good): `{"field": "phone", "code": "invalid_phone"}`,
    /// each naming its column's field.
    #[cfg_attr(feature = "server", schema(value_type = Vec<Object>))]
    pub errors: Vec<FieldError>,
}

impl ImportRow {
    pub fn is_good(&self) -> bool {
        self.errors.is_empty()
    }
}

/// A store a row may name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ImportStore {
    pub id: i64,
    pub name: String,
}

/// An uploaded file: its columns and mapping, and what each row would do (or did, once
/// confirmed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ImportPreview {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_name: String,
    pub file_name: String,
    pub uploaded_at: String,
    pub uploaded_by: String,
    pub confirmed: bool,
    pub confirmed_at: Option<String>,
    pub confirmed_by: Option<String>,
    pub columns: Vec<ImportColumn>,
    /// The store of rows that name none (and whose form number does not tell).
    pub default_store_id: Option<i64>,
    /// The campaign's stores, for the mapping step.
    pub stores: Vec<ImportStore>,
    pub total_rows: i64,
    pub good_rows: i64,
    pub refused_rows: i64,
    pub new_people: i64,
    pub merged_people: i64,
    pub handouts: i64,
    pub contacts: i64,
    /// Refused rows first, then good ones; at most as many as asked for.
    pub rows: Vec<ImportRow>,
    /// True when `rows` does not list every row.
    pub rows_cut: bool,
    /// When the same file (byte for byte) was already imported and confirmed for this campaign.
    pub same_file_confirmed_at: Option<String>,
}

/// One import in the campaign's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ImportSummary {
    pub id: i64,
    pub file_name: String,
    pub uploaded_at: String,
    pub uploaded_by: String,
    pub confirmed: bool,
    pub confirmed_at: Option<String>,
    pub confirmed_by: Option<String>,
    pub total_rows: i64,
    /// Confirmed: rows saved and refused; waiting: the preview's good and refused rows.
    pub saved_rows: i64,
    pub refused_rows: i64,
}

/// A new mapping: one field name per column ("" ignores the column), and the store of rows
/// that name none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct ImportMapping {
    pub columns: Vec<String>,
    #[serde(default)]
    pub default_store_id: Option<i64>,
}

/// A file read into text cells: the header row and the data rows (entirely empty rows
/// dropped), each with its line in the file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(i64, Vec<String>)>,
}

#[cfg(feature = "server")]
pub use read::read_file;

#[cfg(feature = "server")]
mod read {
    use std::io::Cursor;

    use calamine::{Data, DataType, Reader, open_workbook_auto_from_rs};

    use super::{MAX_CELL, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, Table};
    use crate::error::{DomainError, ErrorCode};

    fn file_error(code: ErrorCode) -> DomainError {
        DomainError::field("file", code)
    }

    fn cut(s: &str) -> String {
        s.trim().chars().take(MAX_CELL).collect()
    }

    /// A number as a person typed it: 79161112233.0 is "79161112233".
    fn number_text(f: f64) -> String {
        if f.fract() == 0.0 && f.abs() < 1e15 {
            format!("{}", f as i64)
        } else {
            format!("{f}")
        }
    }

    fn cell_text(d: &Data) -> String {
        match d {
            Data::Empty | Data::Error(_) => String::new(),
            Data::String(s) => cut(s),
            Data::Int(i) => i.to_string(),
            Data::Float(f) => number_text(*f),
            Data::Bool(b) => if *b { "да" } else { "нет" }.into(),
            Data::DateTime(_) | Data::DateTimeIso(_) => d
                .as_datetime()
                .map(|t| t.date().format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            Data::DurationIso(s) => cut(s),
        }
    }

    /// Reads an uploaded XLSX (the first sheet) or CSV (UTF-8 with or without a BOM, `;` or
    /// `,` separated) into text cells. Refuses, naming the `file` field: an empty or unreadable
    /// file, no header row, more than [`MAX_ROWS`] rows.
    pub fn read_file(file_name: &str, bytes: &[u8]) -> Result<Table, DomainError> {
        if bytes.is_empty() {
            return Err(file_error(ErrorCode::Required));
        }
        if bytes.len() > MAX_FILE_BYTES {
            return Err(file_error(ErrorCode::BodyTooLarge));
        }
        let lower = file_name.to_lowercase();
        // XLSX (and XLS/ODS) are zip or OLE containers; anything else is read as CSV.
        let spreadsheet = bytes.starts_with(b"PK\x03\x04")
            || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
            || lower.ends_with(".xlsx")
            || lower.ends_with(".xls")
            || lower.ends_with(".ods");
        let grid = if spreadsheet {
            spreadsheet_grid(bytes)?
        } else {
            csv_grid(bytes)?
        };
        table(grid)
    }

    fn spreadsheet_grid(bytes: &[u8]) -> Result<Vec<(i64, Vec<String>)>, DomainError> {
        let mut book = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
            .map_err(|_| file_error(ErrorCode::UnreadableFile))?;
        let range = book
            .worksheet_range_at(0)
            .ok_or(file_error(ErrorCode::NoHeaderRow))?
            .map_err(|_| file_error(ErrorCode::UnreadableFile))?;
        let mut grid = Vec::new();
        // Lines and columns as Excel shows them, even when the sheet starts lower or further right.
        let (top, left) = range.start().unwrap_or((0, 0));
        for (i, row) in range.rows().enumerate() {
            if i > MAX_ROWS + 1 + 1000 {
                return Err(file_error(ErrorCode::TooManyRows));
            }
            let mut cells = vec![String::new(); left as usize];
            cells.extend(row.iter().take(MAX_COLUMNS).map(cell_text));
            cells.truncate(MAX_COLUMNS);
            grid.push((i as i64 + i64::from(top) + 1, cells));
        }
        Ok(grid)
    }

    fn csv_grid(bytes: &[u8]) -> Result<Vec<(i64, Vec<String>)>, DomainError> {
        let text = std::str::from_utf8(bytes).map_err(|_| file_error(ErrorCode::NotUtf8))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let first = text.lines().next().unwrap_or("");
        let delimiter = if first.matches(';').count() >= first.matches(',').count() {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut grid = Vec::new();
        for rec in reader.records() {
            let rec = rec.map_err(|_| file_error(ErrorCode::UnreadableFile))?;
            if grid.len() > MAX_ROWS + 1 + 1000 {
                return Err(file_error(ErrorCode::TooManyRows));
            }
            // The line where the record starts: the reader's position is before the blank
            // lines it skipped.
            let (mut line, mut at) = rec
                .position()
                .map(|p| (p.line() as i64, p.byte() as usize))
                .unwrap_or((0, 0));
            while let Some(b @ (b'\n' | b'\r')) = text.as_bytes().get(at) {
                if *b == b'\n' {
                    line += 1;
                }
                at += 1;
            }
            grid.push((line, rec.iter().take(MAX_COLUMNS).map(cut).collect()));
        }
        Ok(grid)
    }

    /// The first non-empty row is the header; entirely empty rows are skipped.
    fn table(grid: Vec<(i64, Vec<String>)>) -> Result<Table, DomainError> {
        let mut lines = grid
            .into_iter()
            .filter(|(_, r)| r.iter().any(|c| !c.is_empty()));
        let (_, mut headers) = lines.next().ok_or(file_error(ErrorCode::NoHeaderRow))?;
        let rows: Vec<(i64, Vec<String>)> = lines.collect();
        if rows.len() > MAX_ROWS {
            return Err(file_error(ErrorCode::TooManyRows));
        }
        let width = rows
            .iter()
            .map(|(_, r)| r.len())
            .chain([headers.len()])
            .max()
            .unwrap_or(0)
            .min(MAX_COLUMNS);
        headers.resize(width, String::new());
        let rows = rows
            .into_iter()
            .map(|(n, mut r)| {
                r.resize(width, String::new());
                (n, r)
            })
            .collect();
        Ok(Table { headers, rows })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guess(hs: &[&str]) -> Vec<Option<ImportField>> {
        guess_mapping(&hs.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn russian_and_english_headers_are_recognised() {
        use ImportField::*;
        assert_eq!(
            guess(&[
                "ФИО",
                "Телефон",
                "E-mail",
                "Дата рождения",
                "Номер сертификата",
                "Номер анкеты",
                "Магазин",
                "Откуда узнали",
                "Согласие на обработку ПД",
                "Дата анкеты",
                "Комментарий"
            ]),
            [
                Some(Name),
                Some(Phone),
                Some(Email),
                Some(Birthday),
                Some(Certificate),
                Some(FormSerial),
                Some(Store),
                Some(HeardFrom),
                Some(Consent),
                Some(FormDate),
                None
            ]
        );
        assert_eq!(
            guess(&[
                "Full name",
                "Mobile phone",
                "Email",
                "Date of birth",
                "Certificate",
                "Serial number",
                "Store",
                "Heard from",
                "Consent",
                "Form date"
            ]),
            [
                Some(Name),
                Some(Phone),
                Some(Email),
                Some(Birthday),
                Some(Certificate),
                Some(FormSerial),
                Some(Store),
                Some(HeardFrom),
                Some(Consent),
                Some(FormDate)
            ]
        );
        assert_eq!(
            guess(&["Имя", "Сертификат", "Серийный номер", "Тел."]),
            [Some(Name), Some(Certificate), Some(FormSerial), Some(Phone)]
        );
    }

    #[test]
    fn a_field_is_guessed_for_one_column_only() {
        assert_eq!(
            guess(&["Телефон", "Телефон 2"]),
            [Some(ImportField::Phone), None]
        );
    }

    #[test]
    fn a_mapping_may_not_use_a_field_twice() {
        let cols = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_mapping(&cols(&["name", "", "phone"]), 4),
            Ok(vec![
                Some(ImportField::Name),
                None,
                Some(ImportField::Phone),
                None
            ])
        );
        assert_eq!(
            parse_mapping(&cols(&["phone", "phone"]), 2).map_err(|e| e.code),
            Err(ErrorCode::DuplicateInFile)
        );
        assert_eq!(
            parse_mapping(&cols(&["salary"]), 2).map_err(|e| e.code),
            Err(ErrorCode::InvalidChoice)
        );
    }

    #[test]
    fn consent_is_read_from_usual_ticks_and_never_guessed() {
        for yes in ["да", "Да", "+", "1", "yes", "✓", "x", "Согласен"] {
            assert_eq!(consent_given(yes), Some(true), "{yes}");
        }
        for no in ["", "нет", "-", "0"] {
            assert_eq!(consent_given(no), Some(false), "{no}");
        }
        assert_eq!(consent_given("может быть"), None);
    }

    #[test]
    fn a_certificate_is_named_by_its_number_or_its_code() {
        assert_eq!(certificate_ref("№ 000123"), Ok(Some(CertRef::Serial(123))));
        assert_eq!(certificate_ref("42"), Ok(Some(CertRef::Serial(42))));
        assert_eq!(certificate_ref(""), Ok(None));
        assert_eq!(certificate_ref("привет"), Err(ErrorCode::CodeInvalid));
        let code = Code::random();
        assert_eq!(
            certificate_ref(&code.display()),
            Ok(Some(CertRef::Code(code)))
        );
    }

    #[test]
    fn store_names_compare_without_quotes_case_or_spaces() {
        assert_eq!(
            store_key("Фитнес «Атлет»  на Тверской"),
            "фитнес атлет на тверской"
        );
        assert_eq!(
            store_key("ФИТНЕС \"Атлет\" на тверской"),
            "фитнес атлет на тверской"
        );
    }

    #[cfg(feature = "server")]
    #[test]
    fn a_csv_with_a_bom_and_semicolons_reads_like_a_table() {
        let csv =
            "\u{feff}ФИО;Телефон\n\nАнна Иванова;\"+7 916 111-22-33\"\n;\nОлег;8 903 000 00 00\n";
        let t = read_file("forms.csv", csv.as_bytes()).expect("csv");
        assert_eq!(t.headers, ["ФИО", "Телефон"]);
        assert_eq!(
            t.rows,
            [
                (3, vec!["Анна Иванова".into(), "+7 916 111-22-33".into()]),
                (5, vec!["Олег".into(), "8 903 000 00 00".into()])
            ]
        );
        let comma = read_file("f.csv", b"name,phone\nAnna,89161112233\n").expect("comma");
        assert_eq!(comma.rows[0].1, ["Anna", "89161112233"]);
        assert_eq!(
            read_file("f.csv", &[0xd4, 0xc8, 0xce, b'\n']).map_err(|e| e.code()),
            Err(ErrorCode::NotUtf8)
        );
        assert_eq!(
            read_file("f.csv", b"").map_err(|e| e.code()),
            Err(ErrorCode::Required)
        );
        let mut many = String::from("name;phone\n");
        for i in 0..=MAX_ROWS {
            many.push_str(&format!("a;{i}\n"));
        }
        assert_eq!(
            read_file("f.csv", many.as_bytes()).map_err(|e| e.code()),
            Err(ErrorCode::TooManyRows)
        );
    }
}
