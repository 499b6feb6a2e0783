"""Units (the one-stop centers) in the store."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import aiosqlite

from storage.db import Database


async def ensure_unit(db: Database, name: str) -> int:
    """The id of the unit with this name, creating it when new (name NFC-normalised)."""
    async with db.transaction() as conn:
        return await ensure_unit_in(conn, name)


async def ensure_unit_in(conn: aiosqlite.Connection, name: str) -> int:
    """ensure_unit inside a transaction the caller already holds."""
    name = unicodedata.normalize("NFC", " ".join(name.split()))
    await conn.execute(
        "INSERT OR IGNORE INTO units (name, created_at) VALUES (?, ?)",
        (name, datetime.now(UTC).isoformat(timespec="seconds")),
    )
    async with conn.execute("SELECT id FROM units WHERE name = ?", (name,)) as cur:
        row = await cur.fetchone()
    return int(row[0])


async def find_unit(db: Database, name: str) -> int | None:
    """The id of the unit with this name, or None."""
    name = unicodedata.normalize("NFC", " ".join(name.split()))
    async with db.reader.execute("SELECT id FROM units WHERE name = ?", (name,)) as cur:
        row = await cur.fetchone()
    return None if row is None else int(row[0])


async def list_units(db: Database) -> list[tuple[int, str]]:
    """Every unit as (id, name), by id."""
    async with db.reader.execute("SELECT id, name FROM units ORDER BY id") as cur:
        return [(int(r[0]), str(r[1])) for r in await cur.fetchall()]
