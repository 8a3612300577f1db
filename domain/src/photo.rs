//! Photo evidence from a phone: recognised by its content (not its name or declared type),
//! turned upright from its EXIF orientation, and shrunk to a JPEG of about 300 KB that every
//! app instance serves from the database.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::error::{DomainError, ErrorCode};

/// The largest upload accepted (a phone's full-size photo fits).
pub const MAX_UPLOAD: usize = 10 * 1024 * 1024;
/// What a stored photo aims at.
pub const TARGET_SIZE: usize = 300 * 1024;
/// The longest side kept (plenty to read a poster or a shelf on a screen).
pub const MAX_SIDE: u32 = 1600;
/// Pictures claiming more pixels than this are refused before decoding (decompression bombs).
const MAX_PIXELS_SIDE: u32 = 12_000;

/// A photo ready to store.
#[derive(Debug)]
pub struct Prepared {
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
}

fn not_image() -> DomainError {
    DomainError::field("photo", ErrorCode::NotAnImage)
}

/// Checks, turns and shrinks an uploaded photo. CPU work: call from a blocking thread.
pub fn prepare(bytes: &[u8]) -> Result<Prepared, DomainError> {
    if bytes.len() > MAX_UPLOAD {
        return Err(DomainError::field("photo", ErrorCode::PhotoTooLarge));
    }
    let format = image::guess_format(bytes).map_err(|_| not_image())?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(not_image());
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_PIXELS_SIDE);
    limits.max_image_height = Some(MAX_PIXELS_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| not_image())?;
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| not_image())?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    shrink(img)
}

fn encode(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, DomainError> {
    let mut out = Vec::new();
    let rgb = img.to_rgb8();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&rgb)
        .map_err(|_| DomainError::Internal)?;
    Ok(out)
}

/// Downscales to [`MAX_SIDE`] and lowers quality, then size, until the JPEG is near
/// [`TARGET_SIZE`].
fn shrink(img: DynamicImage) -> Result<Prepared, DomainError> {
    let mut img = if img.width().max(img.height()) > MAX_SIDE {
        img.thumbnail(MAX_SIDE, MAX_SIDE)
    } else {
        img
    };
    loop {
        for quality in [82u8, 72, 62] {
            let data = encode(&img, quality)?;
            if data.len() <= TARGET_SIZE || img.width().max(img.height()) <= 480 && quality == 62 {
                return Ok(Prepared {
                    width: img.width(),
                    height: img.height(),
                    data,
                    content_type: "image/jpeg",
                });
            }
        }
        let side = img.width().max(img.height()) * 4 / 5;
        img = img.thumbnail(side, side);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noisy_png(w: u32, h: u32) -> Vec<u8> {
        // Noise compresses badly: a worst case for the size target.
        let mut seed = 7u32;
        let img = image::RgbImage::from_fn(w, h, |_, _| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let b = seed.to_le_bytes();
            image::Rgb([b[1], b[2], b[3]])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .expect("png");
        out
    }

    #[test]
    fn a_large_photo_is_shrunk_to_about_300_kb() {
        let p = prepare(&noisy_png(1800, 1200)).expect("photo");
        assert!(p.data.len() <= TARGET_SIZE, "{} bytes", p.data.len());
        assert!(p.width <= MAX_SIDE && p.height <= MAX_SIDE);
        let (w, h) = (i64::from(p.width), i64::from(p.height));
        assert!((w * 2 - h * 3).abs() <= 3, "the shape is kept: {w}×{h}");
        assert_eq!(
            image::guess_format(&p.data).expect("format"),
            ImageFormat::Jpeg
        );
    }

    #[test]
    fn text_renamed_to_jpg_is_not_a_photo() {
        let e = prepare(b"%PDF-1.7 this is not a picture").expect_err("refused");
        assert_eq!(e.code(), ErrorCode::NotAnImage);
        // A GIF is a picture, but not one a phone camera makes.
        let e = prepare(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;").expect_err("refused");
        assert_eq!(e.code(), ErrorCode::NotAnImage);
        let e = prepare(&vec![0xFF; MAX_UPLOAD + 1]).expect_err("refused");
        assert_eq!(e.code(), ErrorCode::PhotoTooLarge);
    }
}
