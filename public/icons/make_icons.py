#!/usr/bin/env python3
"""Regenerate Sarafan's PWA icons and favicon.

Art: a teal (#0f766e) rounded square with a white speech bubble holding a
teal Cyrillic "С" (DejaVu Sans Bold). The maskable variant fills the whole
canvas with teal and keeps the bubble inside the central 80% safe zone.

Usage (needs Pillow: `pip install pillow`):
    python3 public/icons/make_icons.py
"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
PUBLIC = HERE.parent
TEAL = (15, 118, 110, 255)
WHITE = (255, 255, 255, 255)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SS = 4  # supersampling factor for smooth edges


def draw_bubble(d: ImageDraw.ImageDraw, box, size_ref):
    """White speech bubble with a tail at bottom-left and a teal "С" inside."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    body = (x0, y0, x1, y0 + h * 0.80)
    d.rounded_rectangle(body, radius=w * 0.24, fill=WHITE)
    # Tail: a triangle hanging from the lower-left of the bubble body.
    tail = [
        (x0 + w * 0.20, body[3] - w * 0.05),
        (x0 + w * 0.46, body[3] - w * 0.05),
        (x0 + w * 0.14, y1),
    ]
    d.polygon(tail, fill=WHITE)
    # The letter, centred in the bubble body.
    font = ImageFont.truetype(FONT, int(h * 0.62))
    cx, cy = (body[0] + body[2]) / 2, (body[1] + body[3]) / 2
    d.text((cx, cy), "С", font=font, fill=TEAL, anchor="mm")


def render(size: int, maskable: bool) -> Image.Image:
    n = size * SS
    img = Image.new("RGBA", (n, n), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if maskable:
        # Full-bleed background; the OS applies its own mask shape.
        d.rectangle((0, 0, n, n), fill=TEAL)
        inner = n * 0.80          # safe zone: central 80% (circle of r=0.4n)
        bw = inner * 0.62         # bubble sized so its corners stay inside the circle
    else:
        d.rounded_rectangle((0, 0, n - 1, n - 1), radius=n * 0.22, fill=TEAL)
        bw = n * 0.62
    bh = bw * 0.92
    x0 = (n - bw) / 2
    y0 = (n - bh) / 2 + bh * 0.05
    draw_bubble(d, (x0, y0, x0 + bw, y0 + bh), n)
    return img.resize((size, size), Image.LANCZOS)


def main():
    HERE.mkdir(parents=True, exist_ok=True)
    render(192, False).save(HERE / "icon-192.png", optimize=True)
    render(512, False).save(HERE / "icon-512.png", optimize=True)
    render(512, True).save(HERE / "icon-maskable-512.png", optimize=True)
    # iOS ignores transparency (it fills black), so use the full-bleed art.
    render(180, True).convert("RGB").save(HERE / "apple-touch-icon.png", optimize=True)
    # Multi-size favicon from a large render.
    render(256, False).save(PUBLIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
