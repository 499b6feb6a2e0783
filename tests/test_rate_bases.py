"""Rates with their denominators (issue 18, item 11): shown where not obvious, in text, JSON
and the Word report, and always the very fraction the figure is computed from; the report's
header names the issuing commune (item 2)."""

from __future__ import annotations

import io
from datetime import date

from docx import Document

from bot.stats.figures import Figures, rate
from bot.stats.render_bases import rate_bases
from bot.stats.render_json import figures_to_json
from bot.stats.render_text import figures_text
from bot.stats.report_docx import render_docx
from tests.stats_helpers import reference_figures

ISSUE_EXAMPLE = "99,94% (3407/3409 hồ sơ của các DVCTT)"


def _value(fig: Figures, key: str) -> float | None:
    """The rate a dotted figures.md key names."""
    obj: object = fig
    for part in key.split("."):
        obj = getattr(obj, part)
    return obj  # type: ignore[return-value]


def test_each_base_is_the_fraction_behind_its_rate() -> None:
    """numerator/denominator rounds to the figure itself, for every rate listed."""
    fig = reference_figures()
    bases = rate_bases(fig)
    assert set(bases) >= {"services.online_rate", "digitization.reuse_rate",
                          "resolved.on_time_rate"}
    for key, base in bases.items():
        assert rate(base.numerator, base.denominator) == _value(fig, key), key
    assert (bases["digitization.reuse_rate"].numerator,
            bases["digitization.reuse_rate"].denominator) == (3285, 3429)


def test_bases_in_text_json_and_word() -> None:
    """The issue's example reads the same in the chat/CLI text, the JSON and the .docx."""
    fig = reference_figures()
    assert ISSUE_EXAMPLE in figures_text(fig)
    assert "95,80% (3285/3429 hồ sơ thuộc thẩm quyền giải quyết)" in figures_text(fig)
    data = figures_to_json(fig)
    assert data["services"]["online_rate"] == 99.94  # the figure itself is unchanged
    assert data["rate_bases"]["services.online_rate"]["denominator"] == 3409
    doc = Document(io.BytesIO(render_docx(fig, date(2026, 4, 1))))
    assert any(ISSUE_EXAMPLE in p.text for p in doc.paragraphs)


def test_no_denominator_prints_a_dash_alone() -> None:
    """A rate without a denominator stays '—', without '(0/0 …)'."""
    fig = reference_figures()
    fig.base.in_scope = 0
    fig.digitization.reuse_rate = None
    assert "đạt tỷ lệ —." in figures_text(fig)


def test_report_header_from_the_issuing_center() -> None:
    """A report over all units takes its UBND and place from MOTCUA_UNIT (a ward here)."""
    fig = reference_figures("Tất cả đơn vị (2)")
    doc = Document(io.BytesIO(render_docx(
        fig, date(2026, 4, 1), issuer="Trung tâm Phục vụ hành chính công phường Hà Đông")))
    text = "\n".join(p.text for t in doc.tables for row in t.rows for c in row.cells
                     for p in c.paragraphs)
    assert "UBND PHƯỜNG HÀ ĐÔNG" in text and "Hà Đông, ngày 01 tháng 04 năm 2026" in text
    assert "Lãnh đạo UBND phường (để báo cáo);" in text
