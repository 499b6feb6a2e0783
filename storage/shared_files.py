"""Files (charts, reports) kept for a while so the bot's web server can serve them by URL."""

from __future__ import annotations

import secrets
from datetime import datetime

from storage.store import Store
from storage.timefmt import FORMAT


async def put(db: Store, filename: str, mime: str, data: bytes, now: datetime,
              expires: datetime) -> str:
    """Keep the file until `expires`; returns its random id (expired files are dropped)."""
    file_id = secrets.token_urlsafe(16)
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM shared_files WHERE expires_at < ?",
                           (now.strftime(FORMAT),))
        await conn.execute(
            "INSERT INTO shared_files (id, filename, mime, data, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (file_id, filename, mime, data, now.strftime(FORMAT), expires.strftime(FORMAT)),
        )
    return file_id


async def get(db: Store, file_id: str, now: datetime) -> tuple[str, str, bytes] | None:
    """(filename, mime, data) of a file not yet expired, else None."""
    async with db.reader.execute(
        "SELECT filename, mime, data FROM shared_files WHERE id = ? AND expires_at >= ?",
        (file_id, now.strftime(FORMAT)),
    ) as cur:
        row = await cur.fetchone()
    return None if row is None else (str(row[0]), str(row[1]), bytes(row[2]))
