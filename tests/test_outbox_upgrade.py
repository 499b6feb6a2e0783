"""A store made before migrations 0012/0013 is upgraded: the status cursor starts at its newest
event (no old change pushed again) and pending staff pushes get their staff member, so that a
revoke drops them."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from bot.config import Settings
from bot.context import AppContext
from bot.push.status import catch_up
from bot.workdays import WorkCalendar
from storage import outbox
from storage import staff as staff_store
from storage.db import Database, migrations

OLD = [
    "INSERT INTO units (id, name, created_at) VALUES (1, 'Xã Kẻ Sắt', '2026-04-01T08:00:00')",
    "INSERT INTO dossiers (id, unit_id, code, procedure_code, applicant, channel, received_at,"
    " due_at, status, status_at, row_hash, updated_at) VALUES (1, 1, '000.00.12.H31-260401-0001',"
    " '1.001', 'Nguyễn Văn An', 'truc_tiep', '2026-04-01T08:00:00', '2026-04-10T08:00:00',"
    " 'processing', '2026-04-02T08:00:00', 'h', '2026-04-02T08:00:00')",
    "INSERT INTO status_events (dossier_id, old_status, new_status, status_at, recorded_at)"
    " VALUES (1, NULL, 'received', '2026-04-01T08:00:00', '2026-04-01T08:00:00'),"
    " (1, 'received', 'processing', '2026-04-02T08:00:00', '2026-04-02T08:00:00')",
    "INSERT INTO subscriptions (dossier_id, channel, user_id, chat_id, created_at)"
    " VALUES (1, 'telegram', '11', '11', '2026-04-01T09:00:00')",
    "INSERT INTO staff (id, unit_id, name, role, officer_code, created_at)"
    " VALUES (7, 1, 'Trần Thị Bình', 'officer', 'CB01', '2026-04-01T08:00:00')",
    "INSERT INTO staff_links (channel, user_id, chat_id, staff_id, linked_at)"
    " VALUES ('telegram', '501', '501', 7, '2026-04-01T08:00:00')",
    "INSERT INTO outbox (channel, chat_id, kind, payload, idem_key, created_at) VALUES"
    " ('telegram', '501', 'remind', '{\"text\": \"Chào Trần Thị Bình\"}',"
    " 'remind:CB01:2026-04-15:telegram:501', '2026-04-15T07:30:00')",
]


def old_store(path: Path) -> None:
    """A store with the migrations before 0012 only, an event already pushed, a queued reminder."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                 " applied_at TEXT NOT NULL)")
    for version, name, sql in migrations():
        if version < 12:
            conn.executescript(f"BEGIN;\n{sql}\nCOMMIT;")
            conn.execute("INSERT INTO schema_version VALUES (?, ?, '2026-04-01')", (version, name))
    for sql in OLD:
        conn.execute(sql)
    conn.close()


async def test_an_old_store_is_upgraded_without_pushing_old_changes(
    settings: Settings, tmp_path: Path, fixed_now: datetime
) -> None:
    """Cursor at the newest event; the queued reminder gets staff 7 and goes on revoke."""
    path = tmp_path / "old.db"
    old_store(path)
    db = await Database.open(path)
    try:
        calendar = WorkCalendar.from_settings(settings)
        ctx = AppContext(settings, db, calendar, clock=lambda: fixed_now)
        assert await db.schema_version() >= 13
        assert await catch_up(ctx) == 0  # the old change had its push queued the old way
        async with db.reader.execute("SELECT staff_id FROM outbox") as cur:
            assert [r[0] for r in await cur.fetchall()] == [7]
        assert await staff_store.revoke(db, 7, ctx.now()) is True
        assert await outbox.rows_by_state(db, "pending") == []
    finally:
        await db.close()
