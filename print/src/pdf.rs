//! Document assembly on `lopdf`: pages whose content streams were built (and compressed)
//! in parallel, shared form XObjects, and the two fonts embedded once per document as
//! subsets of exactly the glyphs used.

use std::io::Write;
use std::thread;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat, dictionary};

use crate::PrintError;
use crate::content::Content;
use crate::fonts::{Font, Fonts, Usage};

/// Page size in points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page {
    pub(crate) w: f32,
    pub(crate) h: f32,
}

pub(crate) const A4: Page = Page {
    w: 595.2756,
    h: 841.8898,
};
pub(crate) const A3: Page = Page {
    w: 841.8898,
    h: 1190.5512,
};

/// A form XObject: drawn once, placed many times with `/name Do`.
pub(crate) struct Form {
    pub(crate) name: &'static str,
    pub(crate) width: f32,
    pub(crate) height: f32,
    /// Compressed content stream.
    pub(crate) content: Vec<u8>,
}

/// Deflate level 3. On certificate sheets it gives ~580 bytes per certificate; level 6
/// saves another ~90 bytes at half the speed, and level 1 (miniz's fast mode) doubles the
/// size for a small gain. Compression is still the largest share of the time.
pub(crate) fn deflate(raw: &[u8]) -> Result<Vec<u8>, PrintError> {
    let mut z = ZlibEncoder::new(Vec::with_capacity(raw.len() / 3 + 64), Compression::new(3));
    z.write_all(raw)
        .map_err(|e| PrintError::Pdf(e.to_string()))?;
    z.finish().map_err(|e| PrintError::Pdf(e.to_string()))
}

/// Compressed page content streams and the glyphs they use.
pub(crate) struct Pages {
    pub(crate) streams: Vec<Vec<u8>>,
    pub(crate) usage: Usage,
}

/// Builds `count` pages with `draw(page_index, content)`, on as many threads as there are
/// cores (each takes a contiguous run of pages), compressing each page as it is done.
pub(crate) fn render_pages<F>(
    fonts: &'static Fonts,
    count: usize,
    draw: F,
) -> Result<Pages, PrintError>
where
    F: Fn(usize, &mut Content) -> Result<(), PrintError> + Sync,
{
    let run = |range: std::ops::Range<usize>| -> Result<Pages, PrintError> {
        let mut c = Content::new(fonts);
        let mut streams = Vec::with_capacity(range.len());
        for i in range {
            draw(i, &mut c)?;
            streams.push(deflate(&c.buf)?);
            c.buf.clear();
        }
        Ok(Pages {
            streams,
            usage: c.usage,
        })
    };
    let workers = thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(count)
        .max(1);
    if workers == 1 {
        return run(0..count);
    }
    let per = count.div_ceil(workers);
    let results: Vec<thread::Result<Result<Pages, PrintError>>> = thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let range = (w * per).min(count)..((w + 1) * per).min(count);
                let run = &run;
                s.spawn(move || run(range))
            })
            .collect();
        handles.into_iter().map(|h| h.join()).collect()
    });
    let mut all = Pages {
        streams: Vec::with_capacity(count),
        usage: Usage::new(fonts),
    };
    for r in results {
        let part = r.map_err(|_| PrintError::Pdf("a page worker panicked".into()))??;
        all.streams.extend(part.streams);
        all.usage.merge(&part.usage);
    }
    Ok(all)
}

/// A stream that is already compressed.
fn flate_stream(dict: Dictionary, compressed: Vec<u8>) -> Stream {
    let mut dict = dict;
    dict.set("Filter", "FlateDecode");
    let mut s = Stream::new(dict, compressed);
    s.allows_compression = false;
    s
}

/// A text string (document info) as UTF-16BE with a byte-order mark.
fn text_string(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// Writes the document: `pages` (all of size `page`), the shared `forms`, and the fonts
/// cut down to the glyphs in `usage`.
pub(crate) fn assemble(
    fonts: &'static Fonts,
    title: &str,
    page: Page,
    pages: Pages,
    forms: Vec<Form>,
) -> Result<Vec<u8>, PrintError> {
    let mut doc = Document::with_version("1.4");
    doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;

    let mut font_dict = Dictionary::new();
    for font in Font::ALL {
        if let Some(id) = embed_font(&mut doc, fonts, font, &pages.usage)? {
            font_dict.set(font.resource(), id);
        }
    }
    let font_res = doc.add_object(font_dict);
    let form_res = doc.add_object(dictionary! { "Font" => font_res });

    let mut xobjects = Dictionary::new();
    for form in forms {
        let dict = dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), Object::Real(form.width), Object::Real(form.height)],
            "Resources" => form_res,
        };
        let id = doc.add_object(flate_stream(dict, form.content));
        xobjects.set(form.name, id);
    }
    let resources = doc.add_object(dictionary! {
        "Font" => font_res,
        "XObject" => xobjects,
    });

    let pages_id = doc.new_object_id();
    let mut kids = Vec::with_capacity(pages.streams.len());
    for stream in pages.streams {
        let contents = doc.add_object(flate_stream(Dictionary::new(), stream));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => contents,
        });
        kids.push(Object::Reference(page_id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(page.w), Object::Real(page.h)],
            "Resources" => resources,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    let info = doc.add_object(dictionary! {
        "Title" => text_string(title),
        "Producer" => text_string("Sarafan print"),
    });
    doc.trailer.set("Root", catalog);
    doc.trailer.set("Info", info);

    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| PrintError::Pdf(e.to_string()))?;
    Ok(out)
}

/// Embeds `font` as a CID-keyed TrueType subset. Content streams address glyphs by their
/// ids in the full font (so pages can be written before the subset exists, on any
/// thread); `/CIDToGIDMap` maps those ids to the renumbered subset glyphs.
fn embed_font(
    doc: &mut Document,
    fonts: &Fonts,
    font: Font,
    usage: &Usage,
) -> Result<Option<ObjectId>, PrintError> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile, subset};

    let used: Vec<(u16, char)> = usage.used(font).filter(|&(gid, _)| gid != 0).collect();
    let Some(&(max_gid, _)) = used.last() else {
        return Ok(None);
    };
    let face = fonts.face(font);
    let err = |e: String| PrintError::Pdf(format!("font {}: {e}", face.name));

    // .notdef first, then the used glyphs in order: subset glyph i+1 is used[i].
    let ids: Vec<u16> = std::iter::once(0).chain(used.iter().map(|u| u.0)).collect();
    let file = ReadScope::new(face.ttf)
        .read::<FontData<'_>>()
        .map_err(|e| err(e.to_string()))?;
    let provider = file.table_provider(0).map_err(|e| err(e.to_string()))?;
    let program = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|e| err(e.to_string()))?;

    let mut cid_to_gid = vec![0u8; 2 * (usize::from(max_gid) + 1)];
    for (new, &(gid, _)) in used.iter().enumerate() {
        let new = u16::try_from(new + 1).map_err(|_| err("too many glyphs".into()))?;
        let at = 2 * usize::from(gid);
        cid_to_gid[at..at + 2].copy_from_slice(&new.to_be_bytes());
    }

    let upm = f32::from(face.units_per_em);
    let scale = |v: i32| (v as f32 * 1000.0 / upm).round() as i64;
    // /W: runs of consecutive ids share one array.
    let mut widths: Vec<Object> = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut run_start = 0u16;
    let mut prev: Option<u16> = None;
    for &(gid, _) in &used {
        if prev.is_some_and(|p| p + 1 != gid) {
            widths.push(i64::from(run_start).into());
            widths.push(Object::Array(std::mem::take(&mut run)));
        }
        if run.is_empty() {
            run_start = gid;
        }
        run.push(scale(i32::from(face.advance(gid))).into());
        prev = Some(gid);
    }
    widths.push(i64::from(run_start).into());
    widths.push(Object::Array(run));

    let tag = match font {
        Font::Regular => "SRFNRG",
        Font::Bold => "SRFNBD",
    };
    let base_name = format!("{tag}+{}", face.name);
    let cmap = printpdf::cmap::ToUnicodeCMap {
        mappings: used
            .iter()
            .map(|&(gid, ch)| (u32::from(gid), vec![u32::from(ch)]))
            .collect(),
    }
    .to_cmap_string(tag);

    let program_len = program.len() as i64;
    let file_id = doc.add_object(flate_stream(
        dictionary! { "Length1" => program_len },
        crate::pdf::deflate(&program)?,
    ));
    let [x_min, y_min, x_max, y_max] = face.bbox.map(i32::from).map(scale);
    let ascent = scale(i32::from(face.ascent));
    let stem_v = if face.weight == 0 {
        80
    } else {
        50 + ((f32::from(face.weight) / 65.0).powi(2)).round() as i64
    };
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => base_name.clone(),
        "Flags" => 32,
        "FontBBox" => vec![x_min.into(), y_min.into(), x_max.into(), y_max.into()],
        "ItalicAngle" => 0,
        "Ascent" => ascent,
        "Descent" => scale(i32::from(face.descent)),
        "CapHeight" => ascent,
        "StemV" => stem_v,
        "FontFile2" => file_id,
    });
    let map_id = doc.add_object(flate_stream(Dictionary::new(), deflate(&cid_to_gid)?));
    let to_unicode = doc.add_object(flate_stream(Dictionary::new(), deflate(cmap.as_bytes())?));
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => base_name.clone(),
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "W" => widths,
        "CIDToGIDMap" => map_id,
    });
    Ok(Some(doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => base_name,
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Reference(cid_font)],
        "ToUnicode" => to_unicode,
    })))
}
