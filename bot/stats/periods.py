"""Report periods: quarters (calendar or cut-off-15 rule), months, years, date ranges; parsing.

Only quarters follow `period_rule`: with `cutoff15` (Nghị định 09/2019/NĐ-CP) a quarter runs
from the 15th of the month before it to the 14th of its last month. Months and years are
always calendar ones. A quarter, month or year typed without a year means the current year,
or the year before when that one has not started yet ("quý 4" typed in January).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from storage.normalize import fold_spaces as fold  # 'Tháng 03/2026' → 'thang 03/2026'
from storage.normalize import is_ascii_digits

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
ROMAN_OUT = {1: "I", 2: "II", 3: "III", 4: "IV"}
RULES = ("calendar", "cutoff15")


class PeriodError(Exception):
    """A period that cannot be used; the message is one Vietnamese sentence."""


def fmt_day(day: date) -> str:
    """A day as dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")


def _add_months(year: int, month_: int, delta: int) -> tuple[int, int]:
    """(year, month) shifted by delta months."""
    index = year * 12 + (month_ - 1) + delta
    return index // 12, index % 12 + 1


def _last_day(year: int, month_: int) -> date:
    """The last day of a month."""
    y, m = _add_months(year, month_, 1)
    return date(y, m, 1) - timedelta(days=1)


def _check_rule(rule: str) -> None:
    """Refuse an unknown period rule."""
    if rule not in RULES:
        raise PeriodError(f"Quy tắc kỳ báo cáo «{rule}» không hợp lệ (calendar hoặc cutoff15).")


def _check_year(year: int) -> None:
    """Refuse a year outside 1900–9998."""
    if not 1900 <= year <= 9998:
        raise PeriodError(f"Năm {year} không hợp lệ.")


@dataclass(frozen=True)
class Period:
    """A whole-day period [start, end] with its kind and (for quarter/month/year) its number."""

    start: date
    end: date
    kind: str  # "quarter" | "month" | "year" | "range"
    year: int | None = None
    number: int | None = None  # quarter 1-4 / month 1-12

    @property
    def rule(self) -> str:
        """The quarter rule this period was built with ('calendar' unless a cut-off quarter)."""
        return "cutoff15" if self.kind == "quarter" and self.start.day == 15 else "calendar"

    @property
    def days(self) -> int:
        """The number of days in the period."""
        return (self.end - self.start).days + 1

    def label(self) -> str:
        """The Vietnamese name: 'Quý I năm 2026', 'Tháng 3 năm 2026', 'Năm 2026', or the range."""
        if self.kind == "quarter":
            return f"Quý {ROMAN_OUT[self.number or 1]} năm {self.year}"
        if self.kind == "month":
            return f"Tháng {self.number} năm {self.year}"
        if self.kind == "year":
            return f"Năm {self.year}"
        return self.range_text()

    def range_text(self) -> str:
        """'Từ ngày 01/01/2026 đến ngày 31/03/2026'."""
        return f"Từ ngày {fmt_day(self.start)} đến ngày {fmt_day(self.end)}"

    def short_name(self) -> str:
        """The word for the previous one in comparisons: 'quý', 'tháng', 'năm' or 'kỳ'."""
        return {"quarter": "quý", "month": "tháng", "year": "năm"}.get(self.kind, "kỳ")

    def _shift(self, steps: int) -> Period:
        """The period `steps` periods of the same kind later (negative: earlier)."""
        if self.kind == "quarter":
            y, q = divmod((self.year or 0) * 4 + (self.number or 1) - 1 + steps, 4)
            return quarter(y, q + 1, self.rule)
        if self.kind == "month":
            y, m = _add_months(self.year or 0, self.number or 1, steps)
            return month(y, m)
        if self.kind == "year":
            return year_period((self.year or 0) + steps)
        shift = timedelta(days=self.days * steps)
        return Period(self.start + shift, self.end + shift, "range")

    def previous(self) -> Period:
        """The period of the same kind just before (a range: same length, ending the day before)."""
        return self._shift(-1)

    def next(self) -> Period:
        """The period of the same kind just after."""
        return self._shift(1)

    def year_before(self) -> Period:
        """The same period one year earlier (29/02 becomes 28/02)."""
        if self.kind == "quarter":
            return self._shift(-4)
        if self.kind == "month":
            return self._shift(-12)
        if self.kind == "year":
            return self._shift(-1)
        return Period(_minus_year(self.start), _minus_year(self.end), "range")


def _minus_year(day: date) -> date:
    """The same day a year before (29/02 → 28/02)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def quarter(year: int, n: int, rule: str = "calendar") -> Period:
    """Quarter n (1-4) of year under the rule ('calendar' or 'cutoff15')."""
    _check_rule(rule)
    _check_year(year)
    if not 1 <= n <= 4:
        raise PeriodError(f"Quý {n} không hợp lệ: quý chỉ từ 1 đến 4 (I–IV).")
    first = 3 * n - 2
    if rule == "cutoff15":
        y, m = _add_months(year, first, -1)
        return Period(date(y, m, 15), date(year, first + 2, 14), "quarter", year, n)
    return Period(date(year, first, 1), _last_day(year, first + 2), "quarter", year, n)


def month(year: int, m: int) -> Period:
    """Calendar month m (1-12) of year."""
    _check_year(year)
    if not 1 <= m <= 12:
        raise PeriodError(f"Tháng {m} không hợp lệ: tháng chỉ từ 1 đến 12.")
    return Period(date(year, m, 1), _last_day(year, m), "month", year, m)


def year_period(year: int) -> Period:
    """Calendar year."""
    _check_year(year)
    return Period(date(year, 1, 1), date(year, 12, 31), "year", year)


def date_range(start: date, end: date) -> Period:
    """Any whole-day range; end before start is refused."""
    if end < start:
        raise PeriodError(
            f"Ngày kết thúc {fmt_day(end)} trước ngày bắt đầu {fmt_day(start)}."
        )
    return Period(start, end, "range")


def current_quarter(today: date, rule: str = "calendar") -> Period:
    """The quarter (under the rule) that contains today."""
    _check_rule(rule)
    for year in (today.year, today.year + 1):
        for n in range(1, 5):
            p = quarter(year, n, rule)
            if p.start <= today <= p.end:
                return p
    raise PeriodError("Không xác định được quý hiện tại.")  # pragma: no cover


def current_month(today: date) -> Period:
    """The calendar month containing today."""
    return month(today.year, today.month)


_NUM = r"(\d{1,2}|iv|iii|ii|i)"
_YEAR = r"(?:\s*(?:[/\-.]|nam)?\s*(\d{4}))?"
_QUARTER = re.compile(rf"^(?:quy|q)\s*\.?\s*{_NUM}{_YEAR}$")
_MONTH = re.compile(r"^(?:thang|t)\s*\.?\s*(\d{1,2})" + _YEAR + "$")
_BARE_MONTH = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{4})$")
_YEAR_ONLY = re.compile(r"^(?:nam\s*)?(\d{4})$")
_DAY = r"(\d{1,4}[/\-.]\d{1,2}[/\-.]\d{1,4})"
_RANGE = re.compile(rf"^(?:tu\s*(?:ngay)?\s*)?{_DAY}\s*(?:-|–|—|\.\.|den ngay|den|toi)\s*{_DAY}$")


def parse_day(text: str) -> date:
    """A day typed dd/mm/yyyy (or d/m/yyyy, yyyy-mm-dd); PeriodError when it does not exist."""
    parts = re.split(r"[/\-.]", text.strip())
    if len(parts) != 3 or not all(is_ascii_digits(p) for p in parts):  # '²' is no digit
        raise PeriodError(f"Ngày «{text}» không đúng dạng dd/mm/yyyy.")
    a, b, c = (int(p) for p in parts)
    y, m, d = (a, b, c) if len(parts[0]) == 4 else (c, b, a)
    if y < 1900 or y > 9998:
        raise PeriodError(f"Ngày «{text}» không đúng dạng dd/mm/yyyy.")
    try:
        return date(y, m, d)
    except ValueError:
        raise PeriodError(f"Ngày {d:02d}/{m:02d}/{y} không tồn tại.") from None


def _default_year(make: Callable[[int], Period], today: date) -> Period:
    """The period built for today's year, or the year before when it has not started yet."""
    p = make(today.year)
    return p if p.start <= today else make(today.year - 1)


def _number(token: str) -> int:
    """A quarter number written 1-4 or I-IV."""
    return ROMAN[token] if token in ROMAN else int(token)


def _relative(t: str, today: date, rule: str) -> Period | None:
    """'quý này', 'quý trước', 'tháng này', 'tháng trước', 'năm nay', 'năm trước'."""
    table = {
        "quy nay": lambda: current_quarter(today, rule),
        "quy truoc": lambda: current_quarter(today, rule).previous(),
        "thang nay": lambda: current_month(today),
        "thang truoc": lambda: current_month(today).previous(),
        "nam nay": lambda: year_period(today.year),
        "nam truoc": lambda: year_period(today.year - 1),
        "nam ngoai": lambda: year_period(today.year - 1),
    }
    make = table.get(t)
    return make() if make else None


def _parse(t: str, today: date, rule: str) -> Period | None:
    """The period written in folded text t, or None when no form matches."""
    found = _relative(t, today, rule)
    if found is not None:
        return found
    if m := _QUARTER.match(t):
        n = _number(m[1])
        if m[2]:
            return quarter(int(m[2]), n, rule)
        return _default_year(lambda y: quarter(y, n, rule), today)
    if m := _MONTH.match(t) or _BARE_MONTH.match(t):
        mm = int(m[1])
        if m[2]:
            return month(int(m[2]), mm)
        month(today.year, mm)  # validates the month number
        return _default_year(lambda y: month(y, mm), today)
    if m := _YEAR_ONLY.match(t):
        return year_period(int(m[1]))
    if m := _RANGE.match(t):
        return date_range(parse_day(m[1]), parse_day(m[2]))
    return None


def parse_period(text: str, today: date, rule: str = "calendar") -> Period:
    """Read a period as leaders type it ('quý I', 'Q1/2026', 'tháng 03/2026', 'nam 2026', ranges).

    Raises PeriodError (Vietnamese) for an unknown form, month 13, quarter 5, a day that does
    not exist, an end before the start, or a period that starts after today.
    """
    _check_rule(rule)
    t = fold(text).strip(" .")
    period = _parse(t, today, rule)
    if period is None:
        raise PeriodError(
            f"Không hiểu kỳ báo cáo «{text.strip()}». Ví dụ: quý 1 2026, Q1/2026, tháng 3/2026, "
            "năm 2026, 01/01/2026-31/03/2026."
        )
    check_not_future(period, today)
    return period


def check_not_future(period: Period, today: date) -> None:
    """Refuse a period that starts after today."""
    if period.start > today:
        raise PeriodError(
            f"{period.label()} chưa bắt đầu (từ ngày {fmt_day(period.start)}); "
            "chưa có số liệu để thống kê."
        )
