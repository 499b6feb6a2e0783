"""Staff members (officers, leaders, admins), one-time invites and chat links in the store."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage import outbox
from storage.conn import Conn
from storage.dossiers import FINAL
from storage.store import Store
from storage.timefmt import FORMAT

ROLES = ("officer", "leader", "admin")
INVITE_DAYS = 7
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
_COLUMNS = "id, unit_id, name, role, officer_code"


@dataclass
class StaffMember:
    """One active or revoked staff member of a unit."""

    id: int
    unit_id: int
    name: str
    role: str
    officer_code: str | None


@dataclass
class OfficerCodeTaken(Exception):
    """The officer code is held by another active officer of the same unit."""

    def __init__(self, holder: StaffMember) -> None:
        super().__init__(holder.officer_code or "")
        self.holder = holder


@dataclass
class CodeCount:
    """How many dossiers of a unit carry one officer code: open ones and all."""

    open: int
    total: int


@dataclass
class StaffEntry:
    """A staff member as listed for admins: with link count and revocation state."""

    member: StaffMember
    links: int
    revoked: bool
    pending_invite: bool


@dataclass(frozen=True)
class Sender:
    """Who wrote a message: the staff member the chat account is linked to (None for a
    citizen), and whether the chat is recorded as having blocked the bot."""

    staff: StaffMember | None
    blocked: bool


def _row(r: Any) -> StaffMember:
    """A StaffMember from a row of _COLUMNS, column by column name."""
    return StaffMember(int(r["id"]), int(r["unit_id"]), str(r["name"]), str(r["role"]),
                       r["officer_code"])


def _stamp(now: datetime) -> str:
    """A datetime as stored local text (now is already in the settings' timezone)."""
    return now.strftime(FORMAT)


def normalise_officer_code(code: str | None) -> str | None:
    """An officer code as stored: stripped and uppercase; None when empty."""
    text = unicodedata.normalize("NFKC", code or "").strip().upper()
    return text or None


def normalise_invite(code: str) -> str:
    """An invite code as compared: uppercase, without spaces or dashes."""
    text = unicodedata.normalize("NFKC", code).upper()
    return "".join(ch for ch in text if ch.isalnum())


def _hash(code: str) -> str:
    """The stored form of an invite code."""
    return hashlib.sha256(normalise_invite(code).encode()).hexdigest()


def new_invite_code() -> str:
    """A fresh random invite code like 'K7PQ2-MX9AB' (50 bits)."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


async def create_staff(
    db: Store, *, unit_id: int, name: str, role: str, officer_code: str | None, now: datetime
) -> StaffMember:
    """Add a staff member (not yet linked to any chat)."""
    if role not in ROLES:
        raise ValueError(f"vai trò không hợp lệ: {role}")
    name = unicodedata.normalize("NFC", " ".join(name.split()))
    code = normalise_officer_code(officer_code)
    async with db.transaction() as conn:
        rows = await conn.execute_fetchall(
            "INSERT INTO staff (unit_id, name, role, officer_code, created_at) VALUES (?,?,?,?,?)"
            " RETURNING id",
            (unit_id, name, role, code, _stamp(now)),
        )
        staff_id = int(rows[0]["id"])
    return StaffMember(staff_id, unit_id, name, role, code)


async def add_invite(
    db: Store, staff_id: int, now: datetime, days: int = INVITE_DAYS
) -> tuple[str, datetime]:
    """A new one-time code for this staff member, valid `days` days: (code, expires_at)."""
    code = new_invite_code()
    expires = now + timedelta(days=days)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO staff_invites (code_hash, staff_id, created_at, expires_at)"
            " VALUES (?,?,?,?)",
            (_hash(code), staff_id, _stamp(now), _stamp(expires)),
        )
    return code, expires


async def invite(
    db: Store,
    *,
    unit_id: int,
    name: str,
    role: str,
    officer_code: str | None,
    now: datetime,
    days: int = INVITE_DAYS,
    replace: bool = False,
) -> tuple[StaffMember, str, datetime]:
    """Create a staff member and their one-time code: (member, code, expires_at).

    An officer code already held by an active officer of the unit raises OfficerCodeTaken,
    unless `replace`, which revokes that holder first.
    """
    holder = await code_holder(db, unit_id, officer_code)
    if holder is not None:
        if not replace:
            raise OfficerCodeTaken(holder)
        await revoke(db, holder.id, now, unit_id)
    member = await create_staff(
        db, unit_id=unit_id, name=name, role=role, officer_code=officer_code, now=now
    )
    code, expires = await add_invite(db, member.id, now, days)
    return member, code, expires


_LINK = (
    "INSERT INTO staff_links (channel, user_id, chat_id, staff_id, linked_at) VALUES (?,?,?,?,?)"
    " ON CONFLICT (channel, user_id) DO UPDATE SET chat_id = excluded.chat_id,"
    " staff_id = excluded.staff_id, linked_at = excluded.linked_at"
)


async def redeem_invite(
    db: Store, code: str, channel: str, user_id: str, chat_id: str, now: datetime
) -> StaffMember | None:
    """Link this chat account to the invite's staff member; None when the code is unknown,
    used, expired or its staff member revoked. A code works once."""
    if not normalise_invite(code) or len(code) > 64:
        return None
    wanted = _hash(code)
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT i.code_hash, i.expires_at, i.used_at, s.revoked_at, s.id AS staff_id"
            " FROM staff_invites i JOIN staff s ON s.id = i.staff_id WHERE i.code_hash = ?"
            + conn.dialect.for_update,  # two chats redeeming one code at once: one wins
            (wanted,),
        ) as cur:
            row = await cur.fetchone()
        if row is None or not hmac.compare_digest(str(row["code_hash"]), wanted):
            return None
        if row["used_at"] is not None or row["revoked_at"] is not None \
                or str(row["expires_at"]) < _stamp(now):
            return None
        await conn.execute(
            "UPDATE staff_invites SET used_at = ?, used_by = ? WHERE code_hash = ?",
            (_stamp(now), f"{channel}:{user_id}", wanted),
        )
        await conn.execute(
            _LINK,
            (channel, user_id, chat_id, int(row["staff_id"]), _stamp(now)),
        )
        async with conn.execute(f"SELECT {_COLUMNS} FROM staff WHERE id = ?",
                                (row["staff_id"],)) as cur:
            srow = await cur.fetchone()
    assert srow is not None  # the invite's staff member (a foreign key)
    return _row(srow)


async def link(db: Store, staff_id: int, channel: str, user_id: str, chat_id: str,
               now: datetime) -> None:
    """Link a chat account to a staff member directly (demo console, tests)."""
    async with db.transaction() as conn:
        await conn.execute(
            _LINK,
            (channel, user_id, chat_id, staff_id, _stamp(now)),
        )


async def unlink(db: Store, channel: str, user_id: str) -> None:
    """Detach a chat account from any staff member (the demo console's `/as citizen`)."""
    async with db.transaction() as conn:
        await conn.execute(
            "DELETE FROM staff_links WHERE channel = ? AND user_id = ?", (channel, user_id)
        )


_STAFF_FOR = (
    "SELECT s.id, s.unit_id, s.name, s.role, s.officer_code FROM staff_links l"
    " JOIN staff s ON s.id = l.staff_id"
    " WHERE l.channel = ? AND l.user_id = ? AND s.revoked_at IS NULL"
)


async def staff_for(db: Store, channel: str, user_id: str) -> StaffMember | None:
    """The active staff member this chat account is linked to, or None."""
    async with db.reader.execute(_STAFF_FOR, (channel, user_id)) as cur:
        row = await cur.fetchone()
    return None if row is None else _row(row)


async def identify(db: Store, channel: str, user_id: str, chat_id: str) -> Sender:
    """The sender of a message, with no hop (two reads by key on the event loop's thread, see
    storage/loop_reader.py): their staff record and whether their chat is recorded as blocked
    (outbox.unblock_chat forgets it)."""
    return await db.quick_read(_identify, channel, user_id, chat_id)


async def _identify(conn: Conn, channel: str, user_id: str, chat_id: str) -> Sender:
    """identify's two reads by key."""
    rows = await conn.execute_fetchall(_STAFF_FOR, (channel, user_id))
    blocked = await conn.execute_fetchall(
        "SELECT 1 FROM blocked_chats WHERE channel = ? AND chat_id = ?", (channel, chat_id)
    )
    return Sender(_row(rows[0]) if rows else None, bool(blocked))


async def get_staff(db: Store, staff_id: int) -> StaffMember | None:
    """The staff member with this id (active or not), or None."""
    async with db.reader.execute(f"SELECT {_COLUMNS} FROM staff WHERE id = ?", (staff_id,)) as cur:
        row = await cur.fetchone()
    return None if row is None else _row(row)


async def staff_chats(db: Store, staff_id: int) -> list[tuple[str, str]]:
    """Every chat linked to an active staff member: (channel, chat_id)."""
    async with db.reader.execute(
        "SELECT l.channel, l.chat_id FROM staff_links l JOIN staff s ON s.id = l.staff_id"
        " WHERE l.staff_id = ? AND s.revoked_at IS NULL ORDER BY l.channel, l.chat_id",
        (staff_id,),
    ) as cur:
        return [(str(r["channel"]), str(r["chat_id"])) for r in await cur.fetchall()]


async def list_staff(
    db: Store, unit_id: int | None = None, role: str | None = None
) -> list[StaffMember]:
    """Active staff members, optionally of one unit and/or role, by id."""
    sql = f"SELECT {_COLUMNS} FROM staff WHERE revoked_at IS NULL"
    params: list[object] = []
    if unit_id is not None:
        sql += " AND unit_id = ?"
        params.append(unit_id)
    if role is not None:
        sql += " AND role = ?"
        params.append(role)
    async with db.reader.execute(sql + " ORDER BY id", params) as cur:
        return [_row(r) for r in await cur.fetchall()]


async def list_entries(
    db: Store, unit_id: int | None, now: datetime, include_revoked: bool = False
) -> list[StaffEntry]:
    """Staff members for admins, with their link count and whether an invite is pending."""
    sql = (
        f"SELECT {', '.join('s.' + c.strip() for c in _COLUMNS.split(','))}, s.revoked_at,"
        " (SELECT COUNT(*) FROM staff_links l WHERE l.staff_id = s.id) AS links,"
        " EXISTS (SELECT 1 FROM staff_invites i WHERE i.staff_id = s.id"
        "         AND i.used_at IS NULL AND i.expires_at >= ?) AS pending_invite"
        " FROM staff s WHERE 1 = 1"
    )
    params: list[object] = [_stamp(now)]
    if unit_id is not None:
        sql += " AND s.unit_id = ?"
        params.append(unit_id)
    if not include_revoked:
        sql += " AND s.revoked_at IS NULL"
    async with db.reader.execute(sql + " ORDER BY s.id", params) as cur:
        rows = await cur.fetchall()
    return [StaffEntry(_row(r), int(r["links"]), r["revoked_at"] is not None,
                       bool(r["pending_invite"])) for r in rows]


async def revoke(db: Store, staff_id: int, now: datetime, unit_id: int | None = None) -> bool:
    """Revoke a staff member: unlink every chat, cancel invites, drop their pending pushes
    (reminders with citizens' names must not go out). False when not found
    (or already revoked, or of another unit when unit_id is given)."""
    async with db.transaction() as conn:
        sql = "SELECT id FROM staff WHERE id = ? AND revoked_at IS NULL"
        params: list[object] = [staff_id]
        if unit_id is not None:
            sql += " AND unit_id = ?"
            params.append(unit_id)
        async with conn.execute(sql, params) as cur:
            if await cur.fetchone() is None:
                return False
        await conn.execute("UPDATE staff SET revoked_at = ? WHERE id = ?", (_stamp(now), staff_id))
        await outbox.drop_staff_pushes(conn, staff_id)  # before the links that find old rows
        await conn.execute("DELETE FROM staff_links WHERE staff_id = ?", (staff_id,))
        await conn.execute("DELETE FROM staff_invites WHERE staff_id = ? AND used_at IS NULL",
                           (staff_id,))
    return True


async def officer_names(db: Store, unit_id: int | Sequence[int] | None) -> dict[str, str]:
    """Active staff names by officer code (for leaders' lists; one unit, several or all)."""
    sql = (
        "SELECT officer_code, name FROM staff"
        " WHERE officer_code IS NOT NULL AND revoked_at IS NULL"
    )
    params: list[object] = []
    if isinstance(unit_id, int):
        sql += " AND unit_id = ?"
        params.append(unit_id)
    elif unit_id is not None:
        sql += f" AND unit_id IN ({', '.join('?' * len(unit_id))})"
        params.extend(int(u) for u in unit_id)
    async with db.reader.execute(sql, params) as cur:
        return {str(r["officer_code"]): str(r["name"]) for r in await cur.fetchall()}


async def code_holder(db: Store, unit_id: int, officer_code: str | None) -> StaffMember | None:
    """The active staff member of the unit holding this officer code, or None."""
    code = normalise_officer_code(officer_code)
    if code is None:
        return None
    async with db.reader.execute(
        f"SELECT {_COLUMNS} FROM staff WHERE unit_id = ? AND officer_code = ?"
        " AND revoked_at IS NULL ORDER BY id LIMIT 1",
        (unit_id, code),
    ) as cur:
        row = await cur.fetchone()
    return None if row is None else _row(row)


async def officer_code_counts(db: Store, unit_id: int | None) -> dict[str, CodeCount]:
    """Every officer code the unit's dossiers carry (uppercase): open and total dossiers."""
    finals = ", ".join("?" * len(FINAL))
    sql = (
        "SELECT UPPER(TRIM(officer)) AS code,"
        f" SUM(CASE WHEN finished_at IS NULL AND status NOT IN ({finals}) THEN 1 ELSE 0 END)"
        " AS open, COUNT(*) AS total"
        " FROM dossiers WHERE officer IS NOT NULL AND TRIM(officer) <> ''"
    )
    params: list[object] = list(FINAL)
    if unit_id is not None:
        sql += " AND unit_id = ?"
        params.append(unit_id)
    async with db.reader.execute(sql + " GROUP BY 1", params) as cur:
        return {str(r["code"]): CodeCount(int(r["open"] or 0), int(r["total"]))
                for r in await cur.fetchall()}
