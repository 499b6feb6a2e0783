"""Renderers from one figures object: the seed report's text, JSON, .docx (and PDF), PNG."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from bot.context import AppContext
from bot.stats.chart import render_chart
from bot.stats.figures import fmt_count, fmt_rate, rate
from bot.stats.render_text import Extras, figures_text, summary_text
from bot.stats.report_docx import place_of, render_docx
from bot.stats.service import figures_to_json, leader_summary, report_files
from tests.stats_helpers import REFERENCE_JSON, SEED_FIGURES, D, insert_store, q1, reference_figures

SEED_LINES = (
    "Tổng số hồ sơ: 3474 hồ sơ. (tiếp nhận trong kỳ: 3439 hồ sơ gồm trực tiếp: 03 hồ sơ, "
    "trực tuyến: 3436 hồ sơ, tồn từ kỳ trước: 35 hồ sơ).",
    "Số hồ sơ đã giải quyết: 3422 hồ sơ. (trước hạn 3378 hồ sơ; quá hạn 02 hồ sơ; từ chối, "
    "không giải quyết 30 hồ sơ; rút hồ sơ 12 hồ sơ).",
    "Số hồ sơ đang giải quyết: 52 hồ sơ (trong hạn: 44 hồ sơ; yêu cầu bổ sung 08 hồ sơ).",
    "Tổng số thủ tục hành chính: 379 TTHC. Trong đó:",
    "Số TTHC chưa cung cấp DVCTT: 0 thủ tục; (hồ sơ phát sinh: 0 hồ sơ).",
    "Số DVCTT phát sinh hồ sơ: 16 DVCTT gồm 2926 hồ sơ (trực tuyến: 2924 hồ sơ, trực tiếp: "
    "02 hồ sơ)",
    "Số TTHC thuộc DVCTT toàn trình: 219 thủ tục; Số DVCTT phát sinh hồ sơ: 15 DVCTT gồm 483 hồ "
    "sơ (trực tuyến: 483 hồ sơ, trực tiếp: 0 hồ sơ), Hồ sơ trực tuyến toàn trình: 454 hồ sơ",
    "Tỷ lệ % DVCTT phát sinh hồ sơ: 8,18% (31/379 DVCTT).",
    "Tỷ lệ % DVCTT một phần phát sinh hồ sơ: 10%.",
    "Tỷ lệ % DVCTT toàn trình phát sinh hồ sơ: 6,85%.",
    "Tỷ lệ % hồ sơ trực tuyến trên tổng hồ sơ của các DVCTT: 99,94% (3407/3409 hồ sơ của các "
    "DVCTT).",
    "Tỷ lệ % hồ sơ trực tuyến trên tổng hồ sơ: 99,94% (3407/3409 hồ sơ của các thủ tục trong "
    "danh mục).",
    "Tỷ lệ % hồ sơ được số hóa đầu vào: 100% (3429/3429 hồ sơ thuộc thẩm quyền giải quyết).",
    "Tỷ lệ % hồ sơ được số hóa đầu ra: 100% (3380/3380 hồ sơ đã có kết quả).",
    "Tỷ lệ % hồ sơ được số hóa đầu vào và số hóa đầu ra: 100% (3380/3380 hồ sơ đã có kết "
    "quả).",
    "Hồ sơ có lưu kho: 3314 hồ sơ.",
    "Hồ sơ tái sử dụng dữ liệu số hóa: 3285 hồ sơ đạt tỷ lệ 95,80% (3285/3429 hồ sơ thuộc "
    "thẩm quyền giải quyết).",
    "Tổng số hồ sơ phát sinh phí, lệ phí: 2163 hồ sơ.",
    "Số hồ sơ thanh toán phí, lệ phí trực tuyến: 2163 hồ sơ, đạt 100%.",
)


def test_number_formats() -> None:
    """figures.md: counts zero-padded below 10, rates half-up with a decimal comma."""
    assert [fmt_count(n) for n in (0, 3, 9, 10, 3474)] == ["0", "03", "09", "10", "3474"]
    assert fmt_rate(rate(31, 379)) == "8,18%"
    assert fmt_rate(rate(16, 160)) == "10%"
    assert fmt_rate(rate(3285, 3429)) == "95,80%"
    assert fmt_rate(rate(1, 1)) == "100%"
    assert fmt_rate(rate(1, 0)) == "—" and rate(1, 0) is None
    assert rate(1, 8) == 12.5 and rate(1, 200) == 0.5 and rate(1, 400) == 0.25
    assert rate(1, 800) == 0.13  # 0.125 rounds half up


def test_reference_text_states_every_seed_figure() -> None:
    """The summary of the reference figures holds the seed report's lines and figures."""
    text = figures_text(reference_figures())
    for line in SEED_LINES:
        assert line in text
    for figure in SEED_FIGURES:
        assert figure in text
    for heading in ("Báo cáo chung", "Thống kê mức độ theo thủ tục", "Số hóa hồ sơ", "Lệ phí"):
        assert heading in text
    order = [text.index(h) for h in ("Báo cáo chung", "Thống kê mức độ", "Số hóa", "Lệ phí")]
    assert order == sorted(order)
    assert "(Từ ngày 01/01/2026 đến ngày 31/03/2026)" in text
    assert "tính đến" not in text
    assert "Tỷ lệ giải quyết đúng hạn: 99,94% (3378/3380 hồ sơ đã có kết quả)." in text
    assert len(text) <= 4096


def test_reference_json() -> None:
    """The JSON of the reference figures equals figures.md's reference numbers."""
    data = figures_to_json(reference_figures())
    assert data.pop("rate_bases")["services.online_rate"] == {
        "numerator": 3407, "denominator": 3409, "of": "hồ sơ của các DVCTT"}
    assert data.pop("period") == {"from": "2026-01-01", "to": "2026-03-31"}
    assert data.pop("unit") == "Trung tâm Phục vụ hành chính công xã Kẻ Sắt"
    assert data == REFERENCE_JSON


def test_summary_fits_one_message_with_many_units() -> None:
    """114 unit lines and long extras are cut to ≤ 4096 characters with a 'và N đơn vị khác'."""
    fig = reference_figures()
    extras = Extras(
        comparisons=["Hồ sơ tiếp nhận: tăng 5,2% so với quý trước (3269 hồ sơ)."],
        top_procedures=[(f"1.00{i}", "Thủ tục " + "rất dài " * 20, 100 - i) for i in range(5)],
        officers=[(f"CB{i:02d}", i, 1) for i in range(15)],
        units=[(f"Trung tâm Phục vụ hành chính công xã số {i}", fig) for i in range(114)],
    )
    text = summary_text(fig, extras)
    assert len(text) <= 4096
    assert "đơn vị khác" in text and "So sánh" in text and "… và 5 cán bộ khác." in text
    assert "3474" in text


def _docx_text(data: bytes) -> str:
    """All paragraph and table text of a .docx."""
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def test_docx_reads_back_with_the_figures(tmp_path: Path) -> None:
    """The report holds the header, the period, every seed figure, Nơi nhận and the signature."""
    png = render_chart(reference_figures(), [])
    data = render_docx(reference_figures(), date(2026, 4, 1), chart=png)
    text = _docx_text(data)
    for needle in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "Số: …/BC-TTPVHCC", "Kẻ Sắt, ngày 01 tháng 04 năm 2026", "BÁO CÁO",
                   "Quý I năm 2026", "(Từ ngày 01/01/2026 đến ngày 31/03/2026)",
                   "I. KẾT QUẢ ĐẠT ĐƯỢC", "1. Công tác chỉ đạo, điều hành", "a. Thuận lợi",
                   "II. PHƯƠNG HƯỚNG NHIỆM VỤ KỲ TIẾP THEO", "Nơi nhận:", "TM. TRUNG TÂM PVHCC",
                   "UBND XÃ KẺ SẮT"):  # fmt: skip
        assert needle in text
    for line in SEED_LINES:
        assert line in text
    doc = Document(io.BytesIO(data))
    sizes = {r.font.size.pt for p in doc.paragraphs for r in p.runs if r.font.size}
    names = {r.font.name for p in doc.paragraphs for r in p.runs if r.text}
    assert sizes <= {13.0, 14.0} and names == {"Times New Roman"}
    assert len(doc.inline_shapes) == 1


def test_place_of_unit() -> None:
    """The place line and the authority come from the unit's name."""
    assert place_of("Trung tâm Phục vụ hành chính công xã Kẻ Sắt") == ("Kẻ Sắt", "UBND XÃ KẺ SẮT")
    assert place_of(None) == ("……", "UBND ……")


def test_docx_converts_to_pdf(tmp_path: Path) -> None:
    """LibreOffice opens the report and converts it to PDF."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice (soffice/libreoffice) không có trên máy này")
    src = tmp_path / "bao-cao.docx"
    src.write_bytes(render_docx(reference_figures(), date(2026, 4, 1)))
    subprocess.run(
        [office, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=170,
    )  # fmt: skip
    pdf = tmp_path / "bao-cao.pdf"
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-"


def test_chart_is_a_png() -> None:
    """The chart is a PNG of a phone-friendly size."""
    data = render_chart(reference_figures(), [("T1/2026", reference_figures())])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 1800)  # 2× a 600×900 phone view (style.DPI)


async def test_report_files_and_leader_summary(ctx: AppContext) -> None:
    """From the store: .docx + .png, and a summary with comparisons and extras."""
    await insert_store(ctx.db, [
        D("2025-10-05T08:00:00", status="result", finished="2025-10-06T08:00:00"),
        D("2026-01-05T08:00:00", status="result", finished="2026-01-06T08:00:00",
          officer="CB01"),
        D("2026-01-06T08:00:00", status="result", finished="2026-01-20T08:00:00",
          due="2026-01-10T17:00:00", officer="CB02"),
        D("2026-02-06T08:00:00", procedure="P-FULL"),
    ])  # fmt: skip
    docx, png = await report_files(ctx, q1())
    assert png[:4] == b"\x89PNG" and "Quý I năm 2026" in _docx_text(docx)
    text = await leader_summary(ctx, q1())
    assert "Hồ sơ tiếp nhận: tăng 200% so với quý trước (01 hồ sơ)." in text
    assert "Thủ tục nhiều hồ sơ nhất" in text and "1. Thủ tục P-PART (P-PART): 02 hồ sơ" in text
    assert "- CB02: 01 (đã giải quyết quá hạn 01, đang quá hạn 0)" in text
    assert "Theo đơn vị" not in text  # one unit only


async def test_leader_summary_is_remembered_until_the_data_changes(ctx: AppContext) -> None:
    """A second ask is served from the cache; an import or a rating makes it fresh again."""
    from bot.stats.periods import quarter
    from bot.stats.service import leader_summary
    from storage import ratings
    from tests import pushes_helpers as h

    unit_id = await h.unit(ctx)
    d = await h.dossier(ctx, unit_id, officer="CB01", received="2026-04-01", due="2026-04-10",
                        status="returned", finished="2026-04-09")
    q2 = quarter(2026, 2)
    first = await leader_summary(ctx, q2, unit_id)
    assert len(ctx.cache) == 1 and await leader_summary(ctx, q2, unit_id) == first
    await ratings.rate(ctx.db, d, "telegram", "1", 3, ctx.now())
    rated = await leader_summary(ctx, q2, unit_id)
    assert "không hài lòng 01" in rated and len(ctx.cache) == 2
    await ratings.rate(ctx.db, d, "telegram", "1", 1, ctx.now())  # re-rating, same row
    assert "rất hài lòng 01" in await leader_summary(ctx, q2, unit_id)
    await h.dossier(ctx, unit_id, officer="CB01", received="2026-04-02", due="2026-04-10")
    assert "Tổng số hồ sơ: 01 hồ sơ" in first
    assert "Tổng số hồ sơ: 02 hồ sơ" in await leader_summary(ctx, q2, unit_id)
