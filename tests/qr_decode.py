#!/usr/bin/env python3
"""Prints the text of every QR code in the given PNG files, one per line (all files in order).

The tests' QR decoder: zxing-cpp (PyPI `zxing-cpp`, with `pillow`). zbarimg misses about one
code in 200 on full A4 pages with eight codes (each decodes alone), so it is not used for
counting. Install: python3 -m pip install zxing-cpp pillow
"""
import sys

try:
    import zxingcpp
    from PIL import Image
except ImportError as e:  # a clear message instead of a stack trace
    sys.exit(f"qr_decode.py needs zxing-cpp and pillow: python3 -m pip install zxing-cpp pillow ({e})")

# Every QR code Sarafan prints is a link. On a full page zxing-cpp now and then also "finds" a
# short number in the print around a code (seen once: "1280" beside a poster's QR, for one
# random test port), so only links are reported.
for path in sys.argv[1:]:
    for code in zxingcpp.read_barcodes(Image.open(path), formats=zxingcpp.BarcodeFormat.QRCode):
        if "://" in code.text:
            print(code.text)
