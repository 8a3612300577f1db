//! Sarafan's printed materials as PDF: gift certificates (eight to an A4 sheet with cut
//! marks, or one per page), participant forms, posters (A4/A3), campaign regulations, and a
//! campaign's final report with its charts drawn as vectors.
//!
//! Plain data in, PDF bytes out. All text arrives translated and formatted; this crate
//! only sets it. It depends on no other crate of the workspace, so the WASM build never
//! sees it.
//!
//! # Guarantees
//!
//! * Text that does not fit its box is wrapped, then shrunk down to a floor size; if it
//!   still does not fit, the result is [`PrintError::TextTooLong`] naming the field —
//!   never an overflow and never a silent cut. Regulations flow onto further pages.
//! * Every character must exist in the embedded font (DejaVu Sans: Latin, Cyrillic,
//!   digits, `№ ₽ « » — –` …); otherwise [`PrintError::MissingGlyph`] — never an empty
//!   box on paper. The report is the one exception: it sets names typed by many people over
//!   a whole campaign, so there a character the font lacks prints as `?` rather than
//!   refusing the marketer the results. Its tables wrap long names instead of shrinking
//!   them away, and flow onto further pages.
//! * QR codes are vector (one filled rectangle per run of dark modules), error
//!   correction M, with the 4-module quiet zone; on certificates the symbol is ≥ 25 mm.
//!
//! # How the PDF is made, and why not with printpdf's page API
//!
//! The certificates must come out at ≥ 5 000 per second on two cores and ≤ 3 KB each. The
//! straightforward printpdf 0.12 route (a `PdfPage` of `Op`s per sheet, `save`) measured
//! ~830 per second, and without its heavy `text_layout` feature (azul-layout and
//! friends) printpdf 0.12 embeds the *whole* font — two DejaVu faces, 1.4 MB per PDF.
//! So this crate uses the layers printpdf itself is built on:
//!
//! * `printpdf::ParsedFont` reads the font's character map and advances (once per
//!   process), and `printpdf::cmap::ToUnicodeCMap` writes the `/ToUnicode` map that lets
//!   `pdftotext`, search and copy-paste read the Cyrillic back;
//! * `allsorts` (printpdf's font library) cuts each face down to the glyphs a document
//!   used, once per document;
//! * `lopdf` (printpdf's PDF object layer) writes the document;
//! * content streams are written directly as bytes (`content.rs`), so a page costs no
//!   allocation per drawing operation, and pages are built and deflated in parallel.
//!
//! Everything a certificate sheet repeats — the certificate's frame, title, face value,
//! validity, terms and clinic details, and the sheet's cut marks — is a form XObject
//! drawn once per document and placed with one `Do` per cell; per certificate only the
//! serial, the code, the store name and the QR code are written. Content streams address
//! glyphs by their id in the full font and the subset is mapped with `/CIDToGIDMap`, so
//! pages never wait for the subset. The stock `qrcode` mask selection alone took ~0.5 ms
//! per code; the mask is scored on bit rows here instead (see `qr.rs`).
//!
//! Measured with `cargo bench -p print` (release, two cores, Grid2x4, 1 000 and 10 000
//! certificates): ~31 000–34 000 certificates per second on an idle machine (~17 000 while
//! a compiler was busy on the other core), 577–606 bytes per certificate.
//!
//! # Fonts
//!
//! DejaVu Sans and DejaVu Sans Bold (`fonts/`, licence in `fonts/LICENSE-DejaVu.txt`) are
//! compiled in. Besides Latin, Cyrillic and the usual punctuation they happen to cover a
//! few emoji as monochrome outlines (e.g. the emoticons block, 😀); those print. Emoji
//! outside it (🎁 🌷 📞), CJK and the like are `MissingGlyph`.

mod cert;
mod content;
mod drawing;
mod fonts;
mod form;
mod layout;
mod pdf;
mod poster;
mod qr;
mod regs;
mod report;

/// The clinic as printed on every material.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Clinic {
    pub name: String,
    pub address: String,
    pub phone: String,
}

/// How certificates are placed on paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CertLayout {
    /// Eight per A4 sheet (2 columns × 4 rows of 97 × 68 mm) with cut marks.
    #[default]
    Grid2x4,
    /// One per A4 page, twice the size, with corner cut marks.
    OnePerPage,
}

/// What every certificate of a batch shares.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CertificateDesign {
    /// E.g. "Подарочный сертификат".
    pub title: String,
    /// E.g. "500 ₽".
    pub face_value: String,
    /// E.g. "Действителен до 31.03.2027".
    pub valid_until: String,
    /// Short terms; may be several sentences (line breaks are kept).
    pub terms: String,
    pub clinic: Clinic,
    pub layout: CertLayout,
}

/// One certificate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CertificateItem {
    /// E.g. "№ 000123".
    pub serial: String,
    /// Printed under the QR code, e.g. "K7QD-M2XF-R9".
    pub code: String,
    /// The QR code's content, e.g. "https://clinic.example/c/K7QDM2XFR9".
    pub url: String,
    /// The partner store's name.
    pub store: String,
}

/// Captions of the questionnaire's fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormLabels {
    pub full_name: String,
    pub phone: String,
    pub email: String,
    pub birthday: String,
    /// "How did you hear of us?"
    pub heard_from: String,
    /// The certificate's number, written in by the store when it hands one out with the form,
    /// so the typed-in form is linked to its certificate.
    pub cert_number: String,
    pub signature: String,
    pub date: String,
}

/// What every participant form of a batch shares.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormDesign {
    pub title: String,
    pub clinic: Clinic,
    pub labels: FormLabels,
    /// The consent paragraph (may be long; line breaks are kept).
    pub consent: String,
}

/// One participant form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormItem {
    pub serial: String,
    /// The QR code's content: the digital version of the form for this store.
    pub url: String,
    pub store: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaperSize {
    #[default]
    A4,
    A3,
}

/// A store's poster inviting customers to register.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Poster {
    pub size: PaperSize,
    pub headline: String,
    pub text: String,
    pub face_value: String,
    /// The QR code's content: the store's self-registration page.
    pub url: String,
    pub store: String,
    pub clinic: Clinic,
    /// Under the QR code, e.g. "Наведите камеру телефона".
    pub qr_caption: String,
}

/// A campaign's rules as a document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Regulations {
    pub title: String,
    pub campaign: String,
    /// Paragraphs separated by blank lines; lines starting with "- " or "1. " are list
    /// items.
    pub text: String,
    pub clinic: Clinic,
}

/// An RGB colour, 0–255 per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Colour(pub u8, pub u8, pub u8);

/// Where a text's `x` is: its start, middle or end (as SVG's `text-anchor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Anchor {
    #[default]
    Start,
    Middle,
    End,
}

/// One shape of a [`Drawing`], in the drawing's units with y pointing down (as in SVG).
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A filled rectangle; `(x, y)` is its top-left corner. `opacity` is how it looks over
    /// white paper (1 = solid).
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        radius: f32,
        fill: Colour,
        opacity: f32,
    },
    /// A straight line, solid or dashed (`[on, off]`).
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        stroke: Colour,
        width: f32,
        dash: Option<[f32; 2]>,
    },
    /// Connected line segments.
    Polyline {
        points: Vec<(f32, f32)>,
        stroke: Colour,
        width: f32,
    },
    /// A filled circle.
    Circle {
        cx: f32,
        cy: f32,
        r: f32,
        fill: Colour,
    },
    /// One line of text with its baseline at `y`; set smaller when wider than `max_width`.
    Text {
        x: f32,
        y: f32,
        text: String,
        size: f32,
        bold: bool,
        anchor: Anchor,
        fill: Colour,
        max_width: Option<f32>,
    },
}

/// A vector picture (a chart): `width` × `height` units of shapes, scaled onto the page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drawing {
    pub width: f32,
    pub height: f32,
    pub shapes: Vec<Shape>,
}

/// One of the report's key figures, e.g. "Прибыль, ₽" and "4 500".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

/// A column of a report table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Column {
    pub title: String,
    /// Its share of the table's width, relative to the other columns.
    pub width: f32,
    /// Right-aligned and kept on one line (shrunk a little if need be).
    pub numeric: bool,
}

/// A table of the report; it flows onto further pages with its header repeated. A cell may
/// hold several lines separated by `\n`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub title: String,
    /// A line under the title (may be empty).
    pub note: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// A bold total row at the end.
    pub total: Option<Vec<String>>,
}

/// A chart of the report under its title.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportChart {
    pub title: String,
    pub drawing: Drawing,
}

/// A campaign's final report, every text already translated and formatted.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportDoc {
    /// E.g. "Итоги акции".
    pub title: String,
    /// The clinic's name.
    pub clinic: String,
    pub campaign: String,
    /// E.g. "Сроки акции: 16.11.2026 – 31.01.2027".
    pub period: String,
    /// E.g. "Сформирован 30.11.2026 10:00".
    pub generated: String,
    /// The heading over the key figures.
    pub figures_title: String,
    pub figures: Vec<Figure>,
    /// Definitions under the key figures (may be empty).
    pub note: String,
    pub charts: Vec<ReportChart>,
    pub tables: Vec<Table>,
    /// Added to a table's title where it goes on over a page, e.g. "продолжение".
    pub continued: String,
}

/// Why a PDF could not be made. `field` is the name of the offending struct field
/// (`"title"`, `"terms"`, `"store"`, `"name"`, `"address"`, `"phone"`, `"url"`, …) so the
/// caller can translate it and point at the form field; the captions of [`FormLabels`]
/// are named `"labels.full_name"`, `"labels.phone"`, … to keep them apart from the
/// clinic's fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintError {
    /// The text does not fit its place even at the smallest allowed size (for `url`: the
    /// QR code cannot hold that much data).
    #[error("the text of `{field}` is too long to fit")]
    TextTooLong { field: &'static str },
    /// The font has no glyph for a character (emoji, CJK, …).
    #[error("the font has no glyph for {ch:?} (U+{:04X}) in `{field}`", u32::from(*ch))]
    MissingGlyph { field: &'static str, ch: char },
    /// Anything else (no items given, an internal font or PDF error).
    #[error("PDF generation failed: {0}")]
    Pdf(String),
}

/// Gift certificates: one per item, laid out as `design.layout` says.
pub fn certificates(
    design: &CertificateDesign,
    items: &[CertificateItem],
) -> Result<Vec<u8>, PrintError> {
    cert::render(design, items)
}

/// Participant forms: one A4 page per item.
pub fn forms(design: &FormDesign, items: &[FormItem]) -> Result<Vec<u8>, PrintError> {
    form::render(design, items)
}

/// A poster for one store.
pub fn poster(p: &Poster) -> Result<Vec<u8>, PrintError> {
    poster::render(p)
}

/// The regulations of a campaign: A4, as many pages as the text needs, numbered.
pub fn regulations(r: &Regulations) -> Result<Vec<u8>, PrintError> {
    regs::render(r)
}

/// A campaign's final report: A4 portrait, as many pages as its tables need, numbered.
pub fn report(doc: &ReportDoc) -> Result<Vec<u8>, PrintError> {
    report::render(doc)
}

fn no_items() -> PrintError {
    PrintError::Pdf("nothing to print: no items were given".into())
}
