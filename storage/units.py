"""Units (the one-stop centers) in the store."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

from storage.conn import Conn
from storage.store import Store


def normalise_unit_name(name: str) -> str:
    """A unit name as stored: NFC, inner whitespace collapsed, outer removed."""
    return unicodedata.normalize("NFC", " ".join(name.split()))


async def ensure_unit(db: Store, name: str) -> int:
    """The id of the unit with this name, creating it when new (name NFC-normalised)."""
    return await db.write_in_one_hop(ensure_unit_in, name)


async def ensure_unit_in(conn: Conn, name: str) -> int:
    """ensure_unit inside a transaction the caller holds."""
    name = normalise_unit_name(name)
    await conn.execute(
        "INSERT INTO units (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (name, datetime.now(UTC).isoformat(timespec="seconds")),
    )
    rows = await conn.execute_fetchall("SELECT id FROM units WHERE name = ?", (name,))
    return int(rows[0][0])


async def find_unit(db: Store, name: str) -> int | None:
    """The id of the unit with this name, or None."""
    name = normalise_unit_name(name)
    async with db.reader.execute("SELECT id FROM units WHERE name = ?", (name,)) as cur:
        row = await cur.fetchone()
    return None if row is None else int(row[0])


async def list_units(db: Store) -> list[tuple[int, str]]:
    """Every unit as (id, name), by id."""
    async with db.reader.execute("SELECT id, name FROM units ORDER BY id") as cur:
        return [(int(r[0]), str(r[1])) for r in await cur.fetchall()]
