"""Receipt images of a few demo dossiers: a "Giấy tiếp nhận hồ sơ" with its code and QR code."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import segno
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

from bot.demo.generate import Dossier

SIZE = (1280, 960)
KINDS = ("qr-url", "qr-code", "barcode", "qr-url")  # the mark on each receipt, in order
LOOKUP_URL = "https://dichvucong.kesat.example.vn/tra-cuu-ho-so?ma="
_FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
_BOLD = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class Receipt:
    """One receipt image written: its file and the dossier code it holds."""

    path: Path
    code: str
    kind: str  # "qr-url" | "qr-code" | "barcode"


def _qr(content: str, scale: int) -> Image.Image:
    """A QR code of content as a PIL image."""
    buf = io.BytesIO()
    segno.make(content, error="m").save(buf, kind="png", scale=scale, border=4)
    buf.seek(0)
    return Image.open(buf).convert("L")


def _barcode(content: str) -> Image.Image:
    """A Code 128 barcode of content as a PIL image."""
    import numpy as np

    image = zxingcpp.create_barcode(content, zxingcpp.BarcodeFormat.Code128).to_image(scale=2)
    return Image.fromarray(np.array(image)).convert("L")


def render(d: Dossier, unit: str, kind: str) -> bytes:
    """A receipt-like PNG: the form's title, the dossier's code and dates, and its code mark."""
    page = Image.new("L", SIZE, 250)
    draw = ImageDraw.Draw(page)
    big, bold, small = (ImageFont.truetype(str(_BOLD), 34), ImageFont.truetype(str(_BOLD), 26),
                        ImageFont.truetype(str(_FONT), 24))
    draw.text((60, 40), unit.upper(), font=small, fill=20)
    draw.text((60, 110), "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", font=big, fill=0)
    lines = [
        ("Mã hồ sơ: " + d.code, bold),
        ("Thủ tục: " + d.procedure.name[:60], small),
        (f"Ngày tiếp nhận: {d.received:%d/%m/%Y %H:%M}", small),
        (f"Ngày hẹn trả kết quả: {d.due:%d/%m/%Y}", small),
        ("Tra cứu: gửi mã hồ sơ hoặc ảnh mã bên cạnh cho bot của Trung tâm.", small),
    ]
    for n, (text, font) in enumerate(lines):
        draw.text((60, 200 + 56 * n), text, font=font, fill=0)
    if kind == "barcode":
        mark = _barcode(d.code)
        page.paste(mark, ((SIZE[0] - mark.width) // 2, 620))
    else:
        mark = _qr(LOOKUP_URL + d.code if kind == "qr-url" else d.code, scale=8)
        page.paste(mark, (SIZE[0] - mark.width - 60, SIZE[1] - mark.height - 60))
    out = io.BytesIO()
    page.save(out, format="PNG", optimize=True)
    return out.getvalue()


def pick(ds: list[Dossier]) -> list[Dossier]:
    """A few demo dossiers worth a receipt: open on time, supplement requested, result ready."""
    wanted = ("processing", "supplement", "result", "received")
    out: list[Dossier] = []
    for status in wanted:
        for d in reversed(ds):
            if d.status == status and d not in out:
                out.append(d)
                break
    return out


def write_receipts(outdir: Path, ds: list[Dossier], unit: str) -> list[Receipt]:
    """Write the receipt images into outdir; returns what each holds."""
    outdir.mkdir(parents=True, exist_ok=True)
    out = []
    for n, (d, kind) in enumerate(zip(pick(ds), KINDS, strict=False), 1):
        path = outdir / f"bien-nhan-{n}.png"
        path.write_bytes(render(d, unit, kind))
        out.append(Receipt(path, d.code, kind))
    return out
