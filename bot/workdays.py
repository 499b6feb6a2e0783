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

    @classmethod
    def from_settings(cls, settings: object) -> WorkCalendar:
        """Build the calendar from Settings.extra_days_off / extra_working_days."""
        return cls(
            getattr(settings, "extra_days_off", ()), getattr(settings, "extra_working_days", ())
        )

    def holiday_name(self, day: date) -> str | None:
        """The public holiday's name on this day, if any."""
        return self._holidays.get(day)

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

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when end ≤ start; negative when end < start."""
        if end == start:
            return 0
        sign, lo, hi = (1, start, end) if end > start else (-1, end, start)
        count = 0
        day = lo + timedelta(days=1)
        while day <= hi:
            if self.is_working_day(day):
                count += 1
            day += timedelta(days=1)
        return sign * count

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after day."""
        return self.add_working_days(day, 1)
