"""Test helpers for pushes: units, staff with chats, dossiers and status events in the store."""

from __future__ import annotations

from datetime import datetime

from bot.context import AppContext
from bot.workdays import WorkCalendar
from storage import staff as staff_store
from storage.staff import StaffMember
from storage.units import ensure_unit

UNIT = "Trung tâm Phục vụ hành chính công xã Kẻ Sắt"


async def unit(ctx: AppContext, name: str = UNIT) -> int:
    """The test unit's id."""
    return await ensure_unit(ctx.db, name)


async def staff(
    ctx: AppContext,
    unit_id: int,
    name: str,
    role: str,
    code: str | None,
    chats: list[tuple[str, str]],
) -> StaffMember:
    """A staff member linked to these (channel, chat_id) chats."""
    member = await staff_store.create_staff(
        ctx.db, unit_id=unit_id, name=name, role=role, officer_code=code, now=ctx.now()
    )
    for channel, chat_id in chats:
        await staff_store.link(ctx.db, member.id, channel, chat_id, chat_id, ctx.now())
    return member


_n = [0]


async def dossier(
    ctx: AppContext,
    unit_id: int,
    *,
    officer: str | None,
    received: str,
    due: str,
    status: str = "processing",
    finished: str | None = None,
    channel: str = "truc_tiep",
    note: str | None = None,
    code: str | None = None,
) -> int:
    """Insert one dossier (times 'YYYY-MM-DD' or full local text); returns its id."""
    _n[0] += 1
    code = code or f"000.00.12.H31-260101-{_n[0]:04d}"

    def full(t: str | None) -> str | None:
        """A day becomes its 08:00 time."""
        return None if t is None else (t if "T" in t else f"{t}T08:00:00")

    async with ctx.db.transaction() as conn:
        rows = await conn.execute_fetchall(
            "INSERT INTO dossiers (unit_id, code, procedure_code, procedure_name, applicant,"
            " phone_last4, channel, received_at, due_at, finished_at, status, status_at, officer,"
            " supplement_note, row_hash, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " RETURNING id",
            (
                unit_id,
                code,
                "1.000001",
                "Đăng ký khai sinh",
                "Nguyễn Văn An",
                "1234",
                channel,
                full(received),
                full(due),
                full(finished),
                status,
                full(finished or received),
                officer,
                note,
                "h",
                full(received),
            ),
        )
        return int(rows[0]["id"])


async def status_event(
    ctx: AppContext, dossier_id: int, old: str | None, new: str, run_id: int
) -> int:
    """Record a status change (and move the dossier to it) within import run run_id."""
    async with ctx.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO import_runs (id, kind, file_name, started_at, outcome)"
            " VALUES (?, 'dossiers', 'ho-so.csv', '2026-04-15T08:00:00', 'done')"
            " ON CONFLICT DO NOTHING",
            (run_id,),
        )
        await conn.execute("UPDATE dossiers SET status = ? WHERE id = ?", (new, dossier_id))
        rows = await conn.execute_fetchall(
            "INSERT INTO status_events (dossier_id, old_status, new_status, status_at,"
            " import_run_id, recorded_at) VALUES (?,?,?,?,?,?) RETURNING id",
            (dossier_id, old, new, "2026-04-15T08:00:00", run_id, "2026-04-15T08:00:00"),
        )
        return int(rows[0]["id"])


def at(ctx: AppContext, text: str) -> datetime:
    """A local time 'YYYY-MM-DD HH:MM' in the settings' timezone."""
    return datetime.fromisoformat(text).replace(tzinfo=ctx.settings.tz)


def with_settings(ctx: AppContext, **values: object) -> AppContext:
    """The context with changed settings (and its calendar rebuilt)."""
    ctx.settings = ctx.settings.model_copy(update=values)
    ctx.calendar = WorkCalendar.from_settings(ctx.settings)
    return ctx
