"""Read the dossier code on a receipt photo: its QR code or 1-D barcode (zxing-cpp, Pillow)."""

from __future__ import annotations

import io
import logging
import warnings

import zxingcpp
from PIL import Image, ImageOps

log = logging.getLogger("motcua.receipt")

MAX_PIXELS = 40_000_000  # larger pictures are refused before decoding (decompression bombs)
WORK_SIDE = 1600  # pictures are scaled down to this longest side before decoding
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"RIFF", b"II*\x00", b"MM\x00*")
# The marks receipts carry: QR (and Micro QR), Data Matrix, Code 128 and Code 39.
FORMATS = zxingcpp.barcode_formats_from_str("QRCode,MicroQRCode,DataMatrix,Code128,Code39")
IMAGE_NAMES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".heic")

SHEET_NAMES = (".csv", ".xlsx", ".xlsm", ".xls", ".ods")


def looks_like_image(filename: str | None, mime: str | None, data: bytes) -> bool:
    """True when a file was sent as a picture (MIME, name) or its first bytes are a picture's.

    A file named as a spreadsheet is never a picture, whatever its bytes: it goes to the import,
    which tells an admin plainly what the file really is."""
    if mime and mime.lower().startswith("image/"):
        return True
    name = (filename or "").lower()
    if name.endswith(IMAGE_NAMES):
        return True
    if name.endswith(SHEET_NAMES):
        return False
    return data[:12].startswith(IMAGE_MAGIC)


def _load(data: bytes) -> Image.Image | None:
    """The picture in grey, upright (EXIF) and at most WORK_SIDE, or None when it is not one."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                return None
            image = ImageOps.exif_transpose(image) or image
            image = image.convert("L")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):
        return None
    if max(image.size) > WORK_SIDE:
        image.thumbnail((WORK_SIDE, WORK_SIDE))
    return image


def read_texts(data: bytes, max_bytes: int) -> list[str]:
    """The texts of every QR code or barcode on the picture ([] when unreadable or too large)."""
    if not data or len(data) > max_bytes:
        return []
    image = _load(data)
    if image is None:
        return []
    try:
        found = zxingcpp.read_barcodes(image, formats=FORMATS)
        if not found and max(image.size) < 1000:  # small photos: one more try, twice the size
            found = zxingcpp.read_barcodes(image.resize((image.width * 2, image.height * 2)),
                                           formats=FORMATS)
    except (RuntimeError, ValueError) as exc:
        log.warning("receipt: decoder refused the picture: %s", type(exc).__name__)
        return []
    return [r.text for r in found if r.valid and r.text]
