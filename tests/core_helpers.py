"""Test helpers for the core: insert units, procedures, dossiers and staff; talk to a Core."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from bot.context import AppContext
from bot.core.router import Core
from bot.core.text import fold
from bot.core.types import Attachment, Incoming, Reply
from storage import staff as staff_store
from storage.staff import StaffMember
from storage.units import ensure_unit

UNIT = "Trung tâm Phục vụ hành chính công xã Kẻ Sắt"
OTHER_UNIT = "Trung tâm Phục vụ hành chính công xã Thanh Hà"
PREFIX = "000.00.12.H31"

# Fixed "now" of the ctx fixture: Wed 15/04/2026 09:00.
D_OK = f"{PREFIX}-260401-0001"  # processing, due Mon 20/04, CB01
D_LATE = f"{PREFIX}-260320-0002"  # processing, due Fri 10/04 → 3 working days late, CB01
D_LATE2 = f"{PREFIX}-260325-0003"  # received, due Mon 13/04, CB02
D_SUPP = f"{PREFIX}-260402-0004"  # supplement requested, due 14/04 (clock paused), CB01
D_DONE = f"{PREFIX}-260301-0005"  # returned early (05/03, due 10/03)
D_SOON = f"{PREFIX}-260410-0006"  # processing, due Thu 16/04, CB01
D_POST = f"{PREFIX}-260315-0007"  # result sent by post, on time
D_OTHER = "000.00.15.H56-260401-0001"  # another unit, same date and ordinal as D_OK

PHONE4 = {D_OK: "2468", D_LATE: "1111", D_LATE2: "2222", D_SUPP: "3333", D_DONE: "4444",
          D_SOON: "6666", D_POST: "7777", D_OTHER: "8888"}
ID4 = {D_OK: "4321", D_LATE: "9991", D_LATE2: "9992", D_SUPP: "9993", D_DONE: "9994",
       D_SOON: "9996", D_POST: "9997", D_OTHER: "9998"}
APPLICANT = {D_OK: "Nguyễn Văn An", D_LATE: "Trần Thị Bích Ngọc", D_LATE2: "Lê Văn Cường",
             D_SUPP: "Phạm Thị Dung", D_DONE: "Hoàng Văn Em", D_SOON: "Đỗ Thị Giang",
             D_POST: "Vũ Văn Hùng", D_OTHER: "Ngô Thị Khánh"}
OFFICER_NAMES = {"CB01": "Nguyễn Thị Hoa", "CB02": "Trần Văn Hải"}


@dataclass
class World:
    """What sample_world inserted."""

    unit_id: int
    other_unit_id: int
    dossier_ids: dict[str, int] = field(default_factory=dict)


def _stamp(now: datetime) -> str:
    """Stored local text."""
    return now.strftime("%Y-%m-%dT%H:%M:%S")


async def add_procedure(
    ctx: AppContext, unit_id: int, code: str, name: str, level: str = "toan_trinh",
    days: int | None = 5, fee_text: str | None = None,
) -> None:
    """Insert one catalogue entry."""
    async with ctx.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO procedures (unit_id, code, name, name_search, field, level, days,"
            " fee_text, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (unit_id, code, name, fold(name), None, level, days, fee_text, _stamp(ctx.now())),
        )


async def add_dossier(
    ctx: AppContext, unit_id: int, code: str, *, procedure_code: str = "1.001",
    procedure_name: str | None = None, applicant: str = "Nguyễn Văn An",
    phone_last4: str | None = "5678", id_last4: str | None = "4321", channel: str = "truc_tiep",
    received: str = "2026-04-01T08:00:00", due: str = "2026-04-20T17:00:00",
    finished: str | None = None, status: str = "processing", officer: str | None = "CB01",
    supplement_note: str | None = None,
) -> int:
    """Insert one dossier directly; returns its id."""
    digest = hashlib.sha256(code.encode()).hexdigest()
    async with ctx.db.transaction() as conn:
        rows = await conn.execute_fetchall(
            "INSERT INTO dossiers (unit_id, code, procedure_code, procedure_name, applicant,"
            " phone_last4, id_last4, channel, received_at, due_at, finished_at, status, status_at,"
            " officer, supplement_note, row_hash, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
            (unit_id, code, procedure_code, procedure_name, applicant, phone_last4, id_last4,
             channel, received, due, finished, status, finished or received, officer,
             supplement_note, digest, _stamp(ctx.now())),
        )
        return int(rows[0]["id"])


async def set_status(ctx: AppContext, dossier_id: int, status: str) -> None:
    """Change a dossier's status directly."""
    async with ctx.db.transaction() as conn:
        await conn.execute("UPDATE dossiers SET status = ? WHERE id = ?", (status, dossier_id))


async def sample_world(ctx: AppContext) -> World:
    """Two units, a small catalogue and one dossier of each interesting kind."""
    unit = await ensure_unit(ctx.db, UNIT)
    other = await ensure_unit(ctx.db, OTHER_UNIT)
    world = World(unit, other)
    await add_procedure(ctx, unit, "1.001", "Đăng ký khai sinh", "toan_trinh", 3, "Miễn phí")
    await add_procedure(ctx, unit, "1.002", "Đăng ký kết hôn", "mot_phan", 5, "Miễn lệ phí")
    await add_procedure(ctx, unit, "2.001", "Chứng thực bản sao từ bản chính", "mot_phan", 1,
                        "2.000 đồng/trang")
    await add_procedure(ctx, unit, "3.001", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu",
                        "khong", 30, None)
    specs = {
        D_OK: dict(status="processing", received="2026-04-01T08:00:00",
                   due="2026-04-20T17:00:00"),
        D_LATE: dict(status="processing", received="2026-03-20T08:00:00",
                     due="2026-04-10T17:00:00", procedure_code="1.002"),
        D_LATE2: dict(status="received", received="2026-03-25T08:00:00",
                      due="2026-04-13T17:00:00", officer="CB02", procedure_code="2.001"),
        D_SUPP: dict(status="supplement", received="2026-04-02T08:00:00",
                     due="2026-04-14T17:00:00",
                     supplement_note="Bổ sung bản sao giấy chứng nhận kết hôn"),
        D_DONE: dict(status="returned", received="2026-03-01T08:00:00",
                     due="2026-03-10T17:00:00", finished="2026-03-05T10:00:00"),
        D_SOON: dict(status="processing", received="2026-04-10T08:00:00",
                     due="2026-04-16T17:00:00"),
        D_POST: dict(status="result", received="2026-03-15T08:00:00", due="2026-03-20T17:00:00",
                     finished="2026-03-20T15:00:00", channel="buu_chinh"),
    }
    for code, spec in specs.items():
        world.dossier_ids[code] = await add_dossier(
            ctx, unit, code, applicant=APPLICANT[code], phone_last4=PHONE4[code],
            id_last4=ID4[code], **spec,  # type: ignore[arg-type]
        )
    world.dossier_ids[D_OTHER] = await add_dossier(
        ctx, other, D_OTHER, applicant=APPLICANT[D_OTHER], phone_last4=PHONE4[D_OTHER],
        id_last4=ID4[D_OTHER], officer="CB09",
    )
    return world


async def add_staff(
    ctx: AppContext, role: str, name: str, *, unit_id: int, officer_code: str | None = None,
    channel: str = "test", user_id: str | None = None,
) -> StaffMember:
    """Create a staff member and link a chat account to it (user_id defaults to the role)."""
    member = await staff_store.create_staff(
        ctx.db, unit_id=unit_id, name=name, role=role, officer_code=officer_code, now=ctx.now()
    )
    uid = user_id or role
    await staff_store.link(ctx.db, member.id, channel, uid, uid, ctx.now())
    return member


async def staff_world(ctx: AppContext, world: World) -> dict[str, StaffMember]:
    """An officer (CB01), another officer (CB02), a leader and an admin, linked as user ids
    'officer', 'officer2', 'leader', 'admin' on channel 'test'."""
    return {
        "officer": await add_staff(ctx, "officer", OFFICER_NAMES["CB01"], unit_id=world.unit_id,
                                   officer_code="CB01"),
        "officer2": await add_staff(ctx, "officer", OFFICER_NAMES["CB02"], unit_id=world.unit_id,
                                    officer_code="CB02", user_id="officer2"),
        "leader": await add_staff(ctx, "leader", "Lãnh Đạo Một", unit_id=world.unit_id),
        "admin": await add_staff(ctx, "admin", "Quản Trị Một", unit_id=world.unit_id),
    }


def msg(text: str = "", user: str = "citizen", channel: str = "test",
        attachment: Attachment | None = None, is_button: bool = False) -> Incoming:
    """An Incoming from user on channel (chat id = user id)."""
    return Incoming(channel=channel, user_id=user, chat_id=user, text=text,
                    attachment=attachment, is_button=is_button)


async def ask(core: Core, text: str, user: str = "citizen", max_text: int = 4096,
              **kw: object) -> list[Reply]:
    """Send one message and return the replies."""
    return await core.handle(msg(text, user, **kw), max_text)  # type: ignore[arg-type]


def joined(replies: list[Reply]) -> str:
    """Every reply's text and button labels, one string."""
    parts = []
    for r in replies:
        parts.append(r.text)
        parts.extend(b.label for row in r.buttons for b in row)
    return "\n".join(parts)
