"""The Word report's appendix (issue 17): the index estimate table and, for a leader of several
units, the ranking table — appended to the .docx made by report_docx (kept unchanged)."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from bot.stats.figures import fmt_rate
from bot.stats.index766 import NOT_COMPUTABLE, SOURCE_LINE, IndexEstimate
from bot.stats.ranking import Ranking
from bot.stats.render_index import fmt_points

FONT = "Times New Roman"


def _para(doc: DocxDocument, text: str, bold: bool = False, italic: bool = False,
          size: float = 13, center: bool = False) -> None:
    """One paragraph in the report's font."""
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold, run.italic, run.font.size, run.font.name = bold, italic, Pt(size), FONT
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _table(doc: DocxDocument, header: list[str], rows: list[list[str]]) -> None:
    """A bordered table with a bold header row, 11 pt."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size, run.font.name = True, Pt(11), FONT
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            run = cell.paragraphs[0].add_run(text)
            run.font.size, run.font.name = Pt(11), FONT


def add_index_appendix(docx: bytes, est: IndexEstimate, ranking: Ranking | None = None) -> bytes:
    """The report with an appendix: the estimate per indicator (and the ranking table)."""
    doc = Document(io.BytesIO(docx))
    doc.add_page_break()
    _para(doc, "PHỤ LỤC", bold=True, size=14, center=True)
    _para(doc, f"Ước tính Chỉ số phục vụ (Bộ chỉ số 766) — {est.period.label()}", bold=True,
          size=14, center=True)
    if not est.has_data:
        _para(doc, "Kỳ này chưa có hồ sơ nào, nên chưa ước tính được chỉ số.", italic=True)
    else:
        rows = [[i.rule.id, i.rule.name, fmt_rate(i.rate) if i.points is not None else "—",
                 f"{fmt_points(i.points)}/{i.rule.max_points}", i.rule.rule_text()]
                for i in est.indicators]
        rows.append(["", "Tạm tính", "", f"{fmt_points(est.subtotal)}/{est.subtotal_max}", ""])
        _table(doc, ["Mã", "Chỉ số", "Tỷ lệ", "Điểm", "Cách tính"], rows)
        _para(doc, "Chưa tính được: " + "; ".join(
            f"{i} {name} ({pts} điểm)" for i, name, pts, _ in NOT_COMPUTABLE) + ".", size=12)
        late = len(est.late)
        if late:
            _para(doc, f"Hồ sơ trễ hạn tính ở chỉ số 2.1: {late} hồ sơ (danh sách: /chiso).",
                  size=12)
    _para(doc, SOURCE_LINE, italic=True, size=12)
    if ranking is not None and ranking.ranked:
        _para(doc, f"Xếp hạng các đơn vị — {ranking.metric.label}", bold=True, size=14,
              center=True)
        _table(doc, ["Hạng", "Đơn vị", "Giá trị"],
               [[str(r.rank), r.name, ranking.metric.shown(r.value or 0)]
                for r in ranking.ranked])
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
