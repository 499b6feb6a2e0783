"""Settings, migrations and the working-day calendar."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli.main import main
from bot.config import SettingsError, load_settings
from bot.workdays import WorkCalendar
from storage.db import Database, migrations


def test_settings_defaults() -> None:
    s = load_settings(_env_file=None)
    assert s.timezone == "Asia/Ho_Chi_Minh"
    assert s.period_rule == "calendar"
    assert str(s.db_path).endswith("motcua.db")


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("MOTCUA_TIMEZONE", "Mars/Base", "MOTCUA_TIMEZONE"),
        ("MOTCUA_PERIOD_RULE", "weekly", "MOTCUA_PERIOD_RULE"),
        ("MOTCUA_EXTRA_DAYS_OFF", "31/02/2026", "MOTCUA_EXTRA_DAYS_OFF"),
        ("MOTCUA_LOOKUP_PER_MINUTE", "many", "MOTCUA_LOOKUP_PER_MINUTE"),
        ("MOTCUA_REMINDER_TIME", "25:99", "MOTCUA_REMINDER_TIME"),
    ],
)
def test_bad_setting_is_one_vietnamese_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, needle: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings(_env_file=None)
    assert needle in str(err.value)
    assert "Cấu hình sai" in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("31/02/2026", "ngày 31/02/2026 không tồn tại"),
        ("٣١/٠١/٢٠٢٦", "ngày «٣١/٠١/٢٠٢٦» không đúng dạng dd/mm/yyyy"),  # Arabic-Indic digits
        ("2026-01", "ngày «2026-01» không đúng dạng dd/mm/yyyy"),
    ],
)
def test_a_bad_extra_day_is_explained_in_vietnamese(
    monkeypatch: pytest.MonkeyPatch, value: str, reason: str
) -> None:
    """The days' setting is read by the same parser as the chat's and CLI's dates."""
    monkeypatch.setenv("MOTCUA_EXTRA_DAYS_OFF", value)
    with pytest.raises(SettingsError) as err:
        load_settings(_env_file=None)
    assert f"MOTCUA_EXTRA_DAYS_OFF — {reason} (giá trị" in str(err.value)


def test_extra_days_read_every_written_form(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_EXTRA_DAYS_OFF", "02/01/2026, 2026-04-30; 1/5/2026")
    assert load_settings(_env_file=None).extra_days_off == [
        date(2026, 1, 2), date(2026, 4, 30), date(2026, 5, 1)
    ]


def test_bad_setting_exits_2_without_traceback(tmp_path) -> None:
    env = {"MOTCUA_TIMEZONE": "Nowhere/City", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "backup", "x.db"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "MOTCUA_TIMEZONE" in proc.stderr


def test_extra_days_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_EXTRA_WORKING_DAYS", "22/08/2026, 2026-01-03")
    s = load_settings(_env_file=None)
    assert s.extra_working_days == [date(2026, 8, 22), date(2026, 1, 3)]


async def test_migrations_apply_once_and_are_recorded(tmp_path) -> None:
    path = tmp_path / "s.db"
    db = await Database.open(path)
    latest = migrations()[-1][0]
    assert await db.schema_version() == latest
    async with db.reader.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"
    async with db.reader.execute("PRAGMA foreign_keys") as cur:
        assert (await cur.fetchone())[0] == 1
    await db.close()
    db = await Database.open(path)
    assert await db.migrate() == []
    async with db.reader.execute("SELECT COUNT(*) FROM schema_version") as cur:
        assert (await cur.fetchone())[0] == len(migrations())
    await db.close()


HOLIDAYS_2026 = [
    date(2026, 1, 1),
    *[date(2026, 2, d) for d in range(16, 21)],
    date(2026, 4, 27),
    date(2026, 4, 30),
    date(2026, 5, 1),
    date(2026, 8, 31),
    date(2026, 9, 1),
    date(2026, 9, 2),
    date(2026, 11, 24),
]


@pytest.mark.parametrize("day", HOLIDAYS_2026)
def test_2026_holidays_are_not_working_days(day: date) -> None:
    assert not WorkCalendar().is_working_day(day)


def test_working_day_arithmetic_2026() -> None:
    cal = WorkCalendar()
    assert cal.is_working_day(date(2026, 2, 13))  # Friday before Tết
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)  # after Tết
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert cal.working_days_between(date(2026, 2, 24), date(2026, 2, 13)) == -2
    assert cal.next_working_day(date(2026, 12, 31)) == date(2027, 1, 4)
    assert cal.add_working_days(date(2026, 4, 25), 0) == date(2026, 4, 28)  # Sat → after 27/04
    assert not cal.is_working_day(date(2026, 4, 26))  # Sunday, Giỗ Tổ


def test_extra_days_off_and_make_up_days() -> None:
    cal = WorkCalendar(extra_days_off=[date(2026, 1, 2)], extra_working_days=[date(2026, 8, 22)])
    assert not cal.is_working_day(date(2026, 1, 2))
    assert cal.is_working_day(date(2026, 8, 22))  # a make-up Saturday
    assert cal.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)


@given(
    start=st.dates(date(2024, 1, 1), date(2028, 12, 31)),
    span=st.integers(-800, 800),
)
@settings(max_examples=200, deadline=None)
def test_working_days_between_counts_like_day_by_day(start: date, span: int) -> None:
    """The week-based count equals counting is_working_day one day at a time."""
    cal = WorkCalendar([date(2026, 3, 2)], [date(2026, 2, 7), date(2026, 2, 14)])
    end = start + timedelta(days=span)
    lo, hi = sorted((start, end))
    slow = sum(cal.is_working_day(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert cal.working_days_between(start, end) == (slow if end >= start else -slow)


def test_a_store_that_is_not_sqlite_gets_a_clear_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A damaged or foreign MOTCUA_DB_PATH: one Vietnamese line, exit 1, no hang."""
    bad = tmp_path / "hong.db"
    bad.write_text("đây không phải SQLite " * 20, encoding="utf-8")
    monkeypatch.setenv("MOTCUA_DB_PATH", str(bad))
    csv_file = tmp_path / "a.csv"
    csv_file.write_text("Mã thủ tục,Tên thủ tục,Mức độ\n1,Ten,Một phần\n", encoding="utf-8")
    assert main(["import", "procedures", str(csv_file), "--quiet"]) == 1
    assert "không phải cơ sở dữ liệu SQLite" in capsys.readouterr().err
