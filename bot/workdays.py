"""Working days: Vietnam public holidays (the `holidays` package) plus extra days from settings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import holidays


class WorkCalendar:
    """Monday–Friday minus public holidays and extra days off, plus make-up working days."""

    def __init__(
        self, extra_days_off: Iterable[date] = (), extra_working_days: Iterable[date] = ()
    ) -> None:
        self._holidays = holidays.country_holidays("VN")
        self._off = frozenset(extra_days_off)
        self._on = frozenset(extra_working_days)
        self._off_by_year: dict[int, frozenset[date]] = {}

    @classmethod
    def from_settings(cls, settings: object) -> WorkCalendar:
        """Build the calendar from Settings.extra_days_off / extra_working_days."""
        return cls(
            getattr(settings, "extra_days_off", ()), getattr(settings, "extra_working_days", ())
        )

    def is_working_day(self, day: date) -> bool:
        """True on a day the center is open."""
        if day in self._on:
            return True
        if day in self._off or day in self._holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """The day n working days after start (n = 0: start itself, or the next working day)."""
        day = start
        if n <= 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        while n > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def _days_off_in(self, year: int) -> frozenset[date]:
        """Weekdays of a year that are not working days (holidays and extra days off)."""
        if year not in self._off_by_year:
            found = {d for d in holidays.country_holidays("VN", years=year) if d.weekday() < 5}
            found |= {d for d in self._off if d.year == year and d.weekday() < 5}
            self._off_by_year[year] = frozenset(found - self._on)
        return self._off_by_year[year]

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when end ≤ start; negative when end < start.

        Computed by weeks, not day by day, so a dossier years overdue costs no more than one
        due tomorrow.
        """
        if end == start:
            return 0
        sign, lo, hi = (1, start, end) if end > start else (-1, end, start)
        count = _weekdays(lo, hi)
        for year in range(lo.year, hi.year + 1):
            count -= sum(1 for d in self._days_off_in(year) if lo < d <= hi)
        count += sum(1 for d in self._on if lo < d <= hi and d.weekday() >= 5)
        return sign * count

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after day."""
        return self.add_working_days(day, 1)


def _weekdays(lo: date, hi: date) -> int:
    """Monday–Friday days in (lo, hi], for lo < hi."""
    days = (hi - lo).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    day = lo + timedelta(days=weeks * 7)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    return count
