"""The Word report (python-docx) in the seed report's layout under Nghị định 30/2020/NĐ-CP.

National motto header, 'Số: …/BC-TTPVHCC', place and date line, title with the period, section
I.2 filled with the figures in the report's wording, the narrative sections as headings for the
center to complete, 'Nơi nhận' and the signature block; Times New Roman 13–14 pt on A4.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from bot.stats.figures import Figures
from bot.stats.render_text import (
    digitization_lines,
    fee_lines,
    general_lines,
    services_lines,
)

FONT = "Times New Roman"
TO_FILL = "(Trung tâm bổ sung nội dung.)"
RECIPIENTS = (
    "- Thường trực Đảng ủy (để báo cáo);",
    "- Lãnh đạo UBND xã (để báo cáo);",
    "- Các phòng, ban chuyên môn xã;",
    "- Lưu: VT.",
)


def place_of(unit_name: str | None) -> tuple[str, str]:
    """(place, authority) from a unit name: '… xã Kẻ Sắt' → ('Kẻ Sắt', 'UBND XÃ KẺ SẮT')."""
    m = re.search(r"\b(xã|phường|thị trấn|huyện|quận|thành phố|tỉnh)\s+(.+)$", unit_name or "",
                  re.IGNORECASE)
    if not m:
        return "……", "UBND ……"
    kind, place = m[1].lower(), m[2].strip()
    return place, f"UBND {kind.upper()} {place.upper()}"


def _recipient(line: str, fig: Figures, issuer: str | None) -> str:
    """A "Nơi nhận" line with the commune's kind (xã, phường…) of the issuing unit."""
    authority = issuing_place(fig, issuer)[1]
    kind = authority.removeprefix("UBND ").split(" ")[0].lower()
    if "……" in authority or kind == "xã":
        return line
    word = "thị trấn" if kind == "thị" else kind
    return line.replace("UBND xã", f"UBND {word}").replace("chuyên môn xã", f"chuyên môn {word}")


def _font(run, size: float = 14, bold: bool = False, italic: bool = False) -> None:
    """Times New Roman at size pt (also for the East Asian font slot)."""
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    rpr = run.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)


def _para(container, text: str = "", *, size: float = 14, bold: bool = False,
          italic: bool = False, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False,
          after: float = 6):
    """Add one paragraph with a single run."""
    p = container.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Mm(12.7)
    if text:
        _font(p.add_run(text), size, bold, italic)
    return p


def _cell_lines(cell, lines: Sequence[tuple[str, bool, bool, float]], align) -> None:
    """Fill a table cell with (text, bold, italic, size) lines."""
    cell.paragraphs[0].text = ""
    first = True
    for text, bold, italic, size in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.alignment = align
        p.paragraph_format.space_after = Pt(0)
        _font(p.add_run(text), size, bold, italic)


def _setup(doc) -> None:
    """A4, Nghị định 30 margins, Times New Roman 14 as the normal style."""
    for s in doc.sections:
        s.page_height, s.page_width = Mm(297), Mm(210)
        s.top_margin, s.bottom_margin = Mm(20), Mm(20)
        s.left_margin, s.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def issuing_place(fig: Figures, issuer: str | None) -> tuple[str, str]:
    """(place, authority) from the report's unit, else from the issuing center (MOTCUA_UNIT),
    e.g. for a report over all units."""
    place, authority = place_of(fig.unit_name)
    return place_of(issuer) if "……" in authority and issuer else (place, authority)


def _header(doc, fig: Figures, today: date, issuer: str | None) -> None:
    """The two-column header: issuing body and number; national motto and place/date."""
    place, authority = issuing_place(fig, issuer)
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Mm(65), Mm(100)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _cell_lines(left, [
        (authority, False, False, 13),
        ("TRUNG TÂM PHỤC VỤ", True, False, 13),
        ("HÀNH CHÍNH CÔNG", True, False, 13),
        ("", False, False, 13),
        ("Số: …/BC-TTPVHCC", False, False, 13),
    ], center)  # fmt: skip
    _cell_lines(right, [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False, 13),
        ("Độc lập - Tự do - Hạnh phúc", True, False, 14),
        ("", False, False, 13),
        ("", False, False, 13),
        (f"{place}, ngày {today:%d} tháng {today:%m} năm {today:%Y}", False, True, 14),
    ], center)  # fmt: skip


def render_docx(
    fig: Figures, today: date, chart: bytes | None = None, issuer: str | None = None
) -> bytes:
    """The report as .docx bytes; `today` is the report's date, `chart` an optional PNG,
    `issuer` the issuing center's name (MOTCUA_UNIT) when the figures' unit names no commune."""
    doc = Document()
    _setup(doc)
    _header(doc, fig, today, issuer)
    center = WD_ALIGN_PARAGRAPH.CENTER
    label = fig.period.label()
    _para(doc, "", after=0)
    _para(doc, "BÁO CÁO", bold=True, align=center, after=0)
    where = f"tại {fig.unit_name}" if fig.unit_name else "tại Trung tâm Phục vụ hành chính công"
    _para(doc, "Kết quả thực hiện các nhiệm vụ, chỉ tiêu trong tiếp nhận và giải quyết thủ tục "
          f"hành chính {label} {where}", bold=True, align=center, after=0)
    rng = fig.period.range_text()
    if fig.as_of is not None:
        rng += f", số liệu tính đến ngày {fig.as_of:%d/%m/%Y}"
    _para(doc, f"({rng})", bold=True, align=center, after=12)
    _para(doc, "Trung tâm Phục vụ hành chính công báo cáo kết quả thực hiện các nhiệm vụ, chỉ "
          f"tiêu tiếp nhận giải quyết thủ tục hành chính {label} cụ thể như sau:", indent=True)
    _para(doc, "I. KẾT QUẢ ĐẠT ĐƯỢC", bold=True, indent=True)
    _para(doc, "1. Công tác chỉ đạo, điều hành", bold=True, indent=True)
    _para(doc, TO_FILL, italic=True, indent=True)
    _para(doc, "2. Kết quả thực hiện các nhiệm vụ, chỉ tiêu trong tiếp nhận và trả kết quả giải "
          f"quyết thủ tục hành chính {label}", bold=True, indent=True)
    _para(doc, f"- Kết quả giải quyết TTHC {label}:", bold=True, indent=True)
    for block in (general_lines(fig), services_lines(fig), digitization_lines(fig),
                  fee_lines(fig)):
        _para(doc, block[0], bold=True, indent=True)
        for line in block[1:]:
            _para(doc, line, indent=True)
    if chart:
        p = _para(doc, "", align=center)
        p.add_run().add_picture(io.BytesIO(chart), width=Mm(120))
        _para(doc, f"Biểu đồ kết quả giải quyết TTHC {label}", italic=True, size=13,
              align=center)
    _para(doc, "3. Đánh giá kết quả đạt được", bold=True, indent=True)
    _para(doc, "a. Thuận lợi", bold=True, indent=True)
    _para(doc, TO_FILL, italic=True, indent=True)
    _para(doc, "b. Một số khó khăn vướng mắc, tồn tại, hạn chế khi vận hành Trung tâm Phục vụ "
          "hành chính công", bold=True, italic=True, indent=True)
    _para(doc, TO_FILL, italic=True, indent=True)
    _para(doc, "II. PHƯƠNG HƯỚNG NHIỆM VỤ KỲ TIẾP THEO", bold=True, indent=True)
    _para(doc, TO_FILL, italic=True, indent=True)
    _para(doc, "Trên đây là Báo cáo kết quả thực hiện các nhiệm vụ, chỉ tiêu trong tiếp nhận và "
          f"giải quyết thủ tục hành chính {label} và phương hướng nhiệm vụ kỳ tiếp theo. Trung "
          "tâm Phục vụ hành chính công trân trọng báo cáo./.", indent=True)
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    _cell_lines(left, [("Nơi nhận:", True, True, 13)]
                + [(_recipient(r, fig, issuer), False, False, 13) for r in RECIPIENTS],
                WD_ALIGN_PARAGRAPH.LEFT)
    _cell_lines(right, [
        ("TM. TRUNG TÂM PVHCC", True, False, 14),
        ("GIÁM ĐỐC", True, False, 14),
        ("(Ký, ghi rõ họ tên)", False, True, 13),
        ("", False, False, 14), ("", False, False, 14), ("", False, False, 14),
    ], center)  # fmt: skip
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
