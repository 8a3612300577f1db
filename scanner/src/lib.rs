//! The camera's QR decoder, compiled to WebAssembly for browsers without `BarcodeDetector`.
//!
//! `public/scan.js` draws a camera frame onto a canvas and hands its RGBA pixels to
//! [`read_qr`]; whether the text is one of our certificates is decided there, for both decoders
//! alike. This crate only turns pixels into text: it knows nothing of certificates.

use wasm_bindgen::prelude::wasm_bindgen;

/// The text of the first readable QR code in an RGBA frame (`width × height` pixels, four bytes
/// each, as a canvas's `ImageData` holds them), or nothing.
#[wasm_bindgen]
pub fn read_qr(rgba: &[u8], width: u32, height: u32) -> Option<String> {
    let (w, h) = (width as usize, height as usize);
    let pixels = w.checked_mul(h)?;
    if pixels == 0 || rgba.len() < pixels.checked_mul(4)? {
        return None;
    }
    // Luma by integer Rec. 601 weights: the decoder binarises it with its own adaptive threshold.
    let luma: Vec<u8> = rgba
        .chunks_exact(4)
        .take(pixels)
        .map(|p| ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2])) >> 8) as u8)
        .collect();
    read_luma(&luma, w, h)
}

/// The text of the first readable QR code in a greyscale frame (one byte a pixel), or nothing.
pub fn read_luma(luma: &[u8], width: usize, height: usize) -> Option<String> {
    if width == 0 || height == 0 || luma.len() < width.checked_mul(height)? {
        return None;
    }
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| luma[y * width + x]);
    image
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An RGBA frame, white, with a QR code of `text` drawn at (`left`, `top`), `scale` pixels a
    /// module — what a canvas holds after drawing a camera frame of a printed code.
    fn frame_with_qr(
        text: &str,
        width: usize,
        height: usize,
        left: usize,
        top: usize,
        scale: usize,
    ) -> Vec<u8> {
        let code = qrcode::QrCode::new(text.as_bytes()).expect("the text fits a QR code");
        let modules = code.width();
        let colors = code.to_colors();
        let mut rgba = vec![255u8; width * height * 4];
        for y in 0..modules * scale {
            for x in 0..modules * scale {
                if colors[(y / scale) * modules + x / scale] == qrcode::Color::Dark {
                    let i = ((top + y) * width + left + x) * 4;
                    rgba[i..i + 3].fill(20);
                }
            }
        }
        rgba
    }

    #[test]
    fn reads_a_certificate_url_from_a_camera_sized_frame() {
        let url = "https://clinic.example/c/K7QD-M2XF-R9A";
        let rgba = frame_with_qr(url, 640, 480, 200, 120, 5);
        assert_eq!(read_qr(&rgba, 640, 480).as_deref(), Some(url));
    }

    #[test]
    fn reads_any_text_it_is_shown_whatever_it_means() {
        let rgba = frame_with_qr("https://example.com/hello", 320, 240, 40, 30, 4);
        assert_eq!(
            read_qr(&rgba, 320, 240).as_deref(),
            Some("https://example.com/hello")
        );
    }

    #[test]
    fn finds_nothing_in_a_frame_without_a_code() {
        let grey = vec![128u8; 320 * 240 * 4];
        assert_eq!(read_qr(&grey, 320, 240), None);
    }

    #[test]
    fn refuses_a_frame_shorter_than_its_stated_size_instead_of_panicking() {
        let rgba = frame_with_qr("K7QD-M2XF-R9A", 320, 240, 40, 30, 4);
        assert_eq!(read_qr(&rgba[..1000], 320, 240), None);
        assert_eq!(read_qr(&rgba, 0, 240), None);
        assert_eq!(read_qr(&rgba, u32::MAX, u32::MAX), None);
    }
}
