"""Periods: quarters under both rules, months, years, ranges, and what leaders type."""

from __future__ import annotations

from datetime import date

import pytest

from bot.stats.periods import (
    Period,
    PeriodError,
    current_quarter,
    month,
    parse_period,
    quarter,
    year_period,
)

TODAY = date(2026, 4, 15)


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("quy1", date(2026, 1, 1), date(2026, 3, 31), "quarter"),
        ("quý I", date(2026, 1, 1), date(2026, 3, 31), "quarter"),
        ("Q1/2026", date(2026, 1, 1), date(2026, 3, 31), "quarter"),
        ("quy 1 2026", date(2026, 1, 1), date(2026, 3, 31), "quarter"),
        ("Quý IV năm 2025", date(2025, 10, 1), date(2025, 12, 31), "quarter"),
        ("quý 4", date(2025, 10, 1), date(2025, 12, 31), "quarter"),  # not started: year before
        ("thang 3/2026", date(2026, 3, 1), date(2026, 3, 31), "month"),
        ("tháng 03/2026", date(2026, 3, 1), date(2026, 3, 31), "month"),
        ("tháng 2 năm 2024", date(2024, 2, 1), date(2024, 2, 29), "month"),
        ("nam 2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("năm 2025", date(2025, 1, 1), date(2025, 12, 31), "year"),
        ("01/01/2026-31/03/2026", date(2026, 1, 1), date(2026, 3, 31), "range"),
        ("1/1/2026 đến 31/3/2026", date(2026, 1, 1), date(2026, 3, 31), "range"),
        ("2026-01-01 - 2026-03-31", date(2026, 1, 1), date(2026, 3, 31), "range"),
        ("quý này", date(2026, 4, 1), date(2026, 6, 30), "quarter"),
        ("quý trước", date(2026, 1, 1), date(2026, 3, 31), "quarter"),
        ("tháng trước", date(2026, 3, 1), date(2026, 3, 31), "month"),
    ],
)
def test_parse_forms(text: str, start: date, end: date, kind: str) -> None:
    """Every form of issue 5 reads to the right period."""
    p = parse_period(text, TODAY)
    assert (p.start, p.end, p.kind) == (start, end, kind)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("thang 13/2026", "Tháng 13 không hợp lệ"),
        ("quý 5 2026", "Quý 5 không hợp lệ"),
        ("quy 3 2026", "chưa bắt đầu"),
        ("năm 2027", "chưa bắt đầu"),
        ("31/03/2026-01/01/2026", "trước ngày bắt đầu"),
        ("31/02/2026-01/03/2026", "không tồn tại"),
        ("hôm qua", "Không hiểu kỳ báo cáo"),
    ],
)
def test_parse_errors(text: str, words: str) -> None:
    """Future periods, month 13, end before start, impossible days: a Vietnamese sentence."""
    with pytest.raises(PeriodError, match=words):
        parse_period(text, TODAY)


def test_cutoff15_quarters() -> None:
    """Nghị định 09/2019: Q1 2026 = 15/12/2025–14/03/2026; the rule carries to previous()."""
    q = quarter(2026, 1, "cutoff15")
    assert (q.start, q.end) == (date(2025, 12, 15), date(2026, 3, 14))
    assert q.label() == "Quý I năm 2026"
    assert q.previous() == quarter(2025, 4, "cutoff15")
    assert q.next() == quarter(2026, 2, "cutoff15")
    assert q.year_before() == quarter(2025, 1, "cutoff15")
    assert parse_period("Q1/2026", TODAY, "cutoff15") == q
    assert current_quarter(date(2026, 3, 15), "cutoff15") == quarter(2026, 2, "cutoff15")
    assert current_quarter(date(2025, 12, 20), "cutoff15") == q


def test_labels_and_neighbours() -> None:
    """Labels as in the report; previous/next/year_before of every kind."""
    assert quarter(2026, 1).label() == "Quý I năm 2026"
    assert month(2026, 3).label() == "Tháng 3 năm 2026"
    assert year_period(2026).label() == "Năm 2026"
    rng = Period(date(2026, 1, 1), date(2026, 3, 31), "range")
    assert rng.label() == "Từ ngày 01/01/2026 đến ngày 31/03/2026"
    assert quarter(2026, 1).previous() == quarter(2025, 4)
    assert quarter(2026, 2).previous().end == date(2026, 3, 31)
    assert month(2026, 1).previous() == month(2025, 12)
    assert month(2026, 12).next() == month(2027, 1)
    assert year_period(2026).year_before() == year_period(2025)
    assert rng.previous() == Period(date(2025, 10, 3), date(2025, 12, 31), "range")
    leap = Period(date(2024, 2, 29), date(2024, 3, 1), "range")
    assert leap.year_before().start == date(2023, 2, 28)


def test_constructors_refuse_bad_numbers() -> None:
    """quarter/month refuse numbers out of range; an unknown rule is refused."""
    with pytest.raises(PeriodError):
        quarter(2026, 0)
    with pytest.raises(PeriodError):
        month(2026, 13)
    with pytest.raises(PeriodError):
        quarter(2026, 1, "weekly")
