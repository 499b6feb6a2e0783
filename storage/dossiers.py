"""Dossier queries for chat: lookup by code, an officer's open/overdue/due-soon lists, a unit's
late dossiers, and a list grouped by officer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from storage.conn import Conn
from storage.store import Store
from storage.timefmt import day_end, day_start, from_db

FINAL = ("result", "returned", "rejected", "stopped", "withdrawn")
_OPEN = (
    "d.finished_at IS NULL"
    " AND d.status NOT IN ('result', 'returned', 'rejected', 'stopped', 'withdrawn')"
)
_LATE_ELIGIBLE = _OPEN + " AND d.status NOT IN ('supplement','payment')"

_SELECT = (
    "SELECT d.id, d.unit_id, u.name AS unit_name, d.code, d.procedure_code,"
    " COALESCE(p.name, d.procedure_name, d.procedure_code) AS procedure_name, d.applicant,"
    " d.phone_last4, d.id_last4,"
    " d.channel, d.received_at, d.due_at, d.finished_at, d.returned_at, d.status, d.status_at,"
    " d.officer, d.supplement_note"
    " FROM dossiers d JOIN units u ON u.id = d.unit_id"
    " LEFT JOIN procedures p ON p.unit_id = d.unit_id AND p.code = d.procedure_code"
)


@dataclass
class Dossier:
    """One dossier as the chat needs it (times are stored local text)."""

    id: int
    unit_id: int
    unit_name: str
    code: str
    procedure_code: str
    procedure_name: str
    applicant: str
    phone_last4: str | None
    id_last4: str | None
    channel: str
    received_at: str
    due_at: str
    finished_at: str | None
    returned_at: str | None
    status: str
    status_at: str
    officer: str | None
    supplement_note: str | None

    def received(self, tz: ZoneInfo) -> datetime:
        """received_at as an aware datetime."""
        return from_db(self.received_at, tz)

    def due(self, tz: ZoneInfo) -> datetime:
        """due_at as an aware datetime."""
        return from_db(self.due_at, tz)

    @property
    def due_day(self) -> date:
        """The due date's calendar day."""
        return date.fromisoformat(self.due_at[:10])

    @property
    def received_day(self) -> date:
        """The day received."""
        return date.fromisoformat(self.received_at[:10])

    @property
    def finished_day(self) -> date | None:
        """The day processing finished, if it has."""
        return date.fromisoformat(self.finished_at[:10]) if self.finished_at else None

    @property
    def is_final(self) -> bool:
        """True in a final status."""
        return self.status in FINAL


_FIELDS = tuple(f.name for f in fields(Dossier))


def _dossier(row: Any) -> Dossier:
    """A Dossier from a row of _SELECT, column by column name."""
    return Dossier(**{name: row[name] for name in _FIELDS})


@dataclass(frozen=True)
class Found:
    """What a code typed in a chat designates: the dossiers, and the codes among them that
    this chat account follows."""

    dossiers: list[Dossier]
    followed: frozenset[str]


def code_prefix(code: str) -> str:
    """The unit part of a dossier code: what comes before its first '-' ('000.00.12.H31')."""
    return code.split("-", 1)[0]


async def units_of_codes(conn: Conn, codes: Iterable[str]) -> list[int] | None:
    """The units holding codes of these codes' prefixes (table code_units, migration 0026);
    None when a code has no '-' or its prefix is unknown: the caller then asks every unit."""
    codes = list(codes)
    if any("-" not in c for c in codes):
        return None
    prefixes = sorted({code_prefix(c) for c in codes})
    rows = await conn.execute_fetchall(
        "SELECT prefix, unit_id FROM code_units WHERE " + conn.dialect.in_list("prefix"),
        (conn.dialect.list_param(prefixes),),
    )
    if {str(r["prefix"]) for r in rows} != set(prefixes):
        return None
    return sorted({int(r["unit_id"]) for r in rows})


async def select_by_codes(conn: Conn, codes: list[str]) -> list[Dossier]:
    """The dossiers with exactly these codes (one per unit at most for each), read from the
    units their prefixes name — a store spread by unit asks those units' machines only."""
    if not codes:
        return []
    units = await units_of_codes(conn, codes)
    sql = _SELECT + " WHERE " + conn.dialect.in_list("d.code")
    params = [conn.dialect.list_param(codes)]
    if units is not None:
        sql += " AND " + conn.dialect.in_list("d.unit_id")
        params.append(conn.dialect.list_param(units))
    rows = await conn.execute_fetchall(sql + " ORDER BY d.id", params)
    return [_dossier(r) for r in rows]


async def select_by_code(conn: Conn, code: str) -> list[Dossier]:
    """The dossiers with exactly this code (one per unit at most)."""
    return await select_by_codes(conn, [code])


async def select_by_ids(conn: Conn, ids: Iterable[int],
                        unit_ids: Iterable[int] | None = None) -> dict[int, Dossier]:
    """The dossiers with these ids (of these units, when the caller knows them: the key on a
    store spread by unit), by id (e.g. inside the caller's write transaction)."""
    sql = _SELECT + " WHERE " + conn.dialect.in_list("d.id")
    params = [conn.dialect.list_param(sorted(set(ids)))]
    if unit_ids is not None:
        sql += " AND " + conn.dialect.in_list("d.unit_id")
        params.append(conn.dialect.list_param(sorted(set(unit_ids))))
    rows = await conn.execute_fetchall(sql, params)
    return {d.id: d for d in map(_dossier, rows)}


async def select_for_chat(conn: Conn, code: str | None, tail: str, channel: str,
                          user_id: str) -> Found:
    """The dossiers a typed code designates (the full code, else its tail resolved from the
    data) and which of them this chat account follows."""
    found = await (select_by_code(conn, code) if code is not None
                   else select_by_tail(conn, tail))
    codes = sorted({d.code for d in found})
    if not codes:
        return Found(found, frozenset())
    dialect = conn.dialect
    rows = await conn.execute_fetchall(
        "SELECT d.code FROM subscriptions s"
        " JOIN dossiers d ON d.unit_id = s.unit_id AND d.id = s.dossier_id"
        " WHERE s.channel = ? AND s.user_id = ? AND " + dialect.in_list("s.unit_id")
        + " AND " + dialect.in_list("d.code"),
        (channel, user_id, dialect.list_param(sorted({d.unit_id for d in found})),
         dialect.list_param(codes)),
    )
    return Found(found, frozenset(str(r["code"]) for r in rows))


async def find_by_code(db: Store, code: str) -> list[Dossier]:
    """The dossiers with exactly this code (one per unit at most)."""
    return await db.read(select_by_code, code)


async def code_prefixes(db: Store, limit: int = 1000) -> list[str]:
    """The distinct parts before the first '-' of stored codes ('000.00.12.H31')."""
    return await db.read(select_code_prefixes, limit)


async def select_code_prefixes(conn: Conn, limit: int = 1000) -> list[str]:
    """The distinct parts before the first '-' of stored codes ('000.00.12.H31'), from the
    small table code_units (migration 0026)."""
    rows = await conn.execute_fetchall(
        "SELECT DISTINCT prefix FROM code_units ORDER BY prefix LIMIT ?", (limit,)
    )
    return [str(r["prefix"]) for r in rows]


async def find_by_tail(db: Store, tail: str) -> list[Dossier]:
    """The dossiers whose code ends with this typed tail (see select_by_tail)."""
    return await db.read(select_by_tail, tail)


async def select_by_tail(conn: Conn, tail: str) -> list[Dossier]:
    """The dossiers whose code ends with this typed tail at a part boundary
    ('H31-260101-0001', '12.H31-260101-0001', '260101-0001'); the unit parts come from the data."""
    head, _, rest = tail.partition("-")
    candidates: list[str] = []
    for prefix in await select_code_prefixes(conn):
        if rest and "-" in rest:  # head is the unit part (or its tail)
            if prefix == head or prefix.endswith("." + head):
                candidates.append(f"{prefix}-{rest}")
        else:  # only date and ordinal were typed
            candidates.append(f"{prefix}-{tail}")
    return await select_by_codes(conn, candidates)


def _unit_filter(unit_id: int | Sequence[int] | None, params: list[object]) -> str:
    """An ' AND d.unit_id = ?' clause when unit_id is given (' IN (…)' for several units)."""
    if unit_id is None:
        return ""
    if not isinstance(unit_id, int):
        params.extend(int(u) for u in unit_id)
        return f" AND d.unit_id IN ({', '.join('?' * len(unit_id))})"
    params.append(unit_id)
    return " AND d.unit_id = ?"


async def officer_overdue(
    db: Store, officer: str, today: date, unit_id: int | None = None, limit: int = 200
) -> list[Dossier]:
    """This officer's open dossiers due before today (not waiting for the citizen), oldest first."""
    params: list[object] = [officer, day_start(today)]
    sql = _SELECT + f" WHERE d.officer = ? AND {_LATE_ELIGIBLE} AND d.due_at < ?"
    sql += _unit_filter(unit_id, params) + " ORDER BY d.due_at, d.code LIMIT ?"
    params.append(limit)
    async with db.reader.execute(sql, params) as cur:
        return [_dossier(r) for r in await cur.fetchall()]


async def officer_due_soon(
    db: Store, officer: str, today: date, until: date, unit_id: int | None = None,
    limit: int = 200,
) -> list[Dossier]:
    """This officer's open dossiers due from today to `until` (inclusive), soonest first."""
    params: list[object] = [officer, day_start(today), day_end(until)]
    sql = _SELECT + f" WHERE d.officer = ? AND {_LATE_ELIGIBLE} AND d.due_at >= ? AND d.due_at <= ?"
    sql += _unit_filter(unit_id, params) + " ORDER BY d.due_at, d.code LIMIT ?"
    params.append(limit)
    async with db.reader.execute(sql, params) as cur:
        return [_dossier(r) for r in await cur.fetchall()]


async def officer_open(
    db: Store, officer: str, offset: int, limit: int, unit_id: int | None = None
) -> tuple[list[Dossier], int]:
    """One page of this officer's open dossiers by due date, and how many there are."""
    params: list[object] = [officer]
    where = f" WHERE d.officer = ? AND {_OPEN}" + _unit_filter(unit_id, params)
    async with db.reader.execute("SELECT COUNT(*) AS n FROM dossiers d" + where, params) as cur:
        total = int((await cur.fetchone())["n"])
    async with db.reader.execute(
        _SELECT + where + " ORDER BY d.due_at, d.code LIMIT ? OFFSET ?", [*params, limit, offset]
    ) as cur:
        rows = [_dossier(r) for r in await cur.fetchall()]
    return rows, total


async def unit_overdue(
    db: Store, unit_id: int | Sequence[int] | None, today: date, limit: int = 2000
) -> list[Dossier]:
    """A unit's open dossiers due before today (not waiting for the citizen), by officer then
    due date (unit_id None: every unit)."""
    params: list[object] = [day_start(today)]
    sql = _SELECT + f" WHERE {_LATE_ELIGIBLE} AND d.due_at < ?" + _unit_filter(unit_id, params)
    sql += " ORDER BY COALESCE(d.officer, ''), d.due_at, d.code LIMIT ?"
    params.append(limit)
    async with db.reader.execute(sql, params) as cur:
        return [_dossier(r) for r in await cur.fetchall()]


def group_by_officer(rows: list[Dossier]) -> dict[str, list[Dossier]]:
    """Dossiers (a unit's late ones, for /quahan) by officer code ('' for none), in order."""
    groups: dict[str, list[Dossier]] = {}
    for row in rows:
        groups.setdefault(row.officer or "", []).append(row)
    return groups


async def busiest_officer(db: Store, unit_id: int | None = None) -> str | None:
    """The officer code with the most open dossiers (the demo console's simulated officer)."""
    params: list[object] = []
    sql = (f"SELECT d.officer, COUNT(*) AS n FROM dossiers d WHERE d.officer IS NOT NULL"
           f" AND {_OPEN}" + _unit_filter(unit_id, params) + " GROUP BY d.officer"
           " ORDER BY n DESC, d.officer LIMIT 1")
    async with db.reader.execute(sql, params) as cur:
        row = await cur.fetchone()
    return None if row is None else str(row["officer"])
