"""The store's datetime format: local wall-clock text 'YYYY-MM-DDTHH:MM:SS' in the settings' tz."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from typing import overload
from zoneinfo import ZoneInfo

FORMAT = "%Y-%m-%dT%H:%M:%S"


def to_db(value: datetime, tz: tzinfo | None) -> str:
    """Store an aware datetime as local text in tz (a naive one is taken as already local;
    tz None: an aware one's own zone)."""
    if value.tzinfo is not None and tz is not None:
        value = value.astimezone(tz)
    return value.strftime(FORMAT)


@overload
def from_db(text: str, tz: ZoneInfo) -> datetime: ...
@overload
def from_db(text: str | None, tz: ZoneInfo) -> datetime | None: ...
def from_db(text: str | None, tz: ZoneInfo) -> datetime | None:
    """Read stored local text back as an aware datetime in tz."""
    if text is None:
        return None
    return datetime.strptime(text[:19], FORMAT).replace(tzinfo=tz)


def day_start(day: date) -> str:
    """The stored text of 00:00:00 on a local day (a period's first instant)."""
    return datetime.combine(day, time(0, 0, 0)).strftime(FORMAT)


def day_end(day: date) -> str:
    """The stored text of 23:59:59 on a local day (a period's last instant)."""
    return datetime.combine(day, time(23, 59, 59)).strftime(FORMAT)
