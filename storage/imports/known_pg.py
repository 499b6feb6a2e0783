"""The stored raw digests and row hashes of an import's dossiers, read from PostgreSQL.

The parser (storage/imports/parse.py) is synchronous code, run in the importing process beside
its event loop or in a helper process; it asks what the store holds through `KnownRows`'s
methods. Here they run on an asyncpg connection of their own, driven by a private event loop on
a thread of its own, so they can be called from plain code wherever the parser runs.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import asyncpg

from storage.units import normalise_unit_name

T = TypeVar("T")
_DIGESTS = (
    "SELECT d.raw_digest FROM dossiers d JOIN units u ON u.id = d.unit_id"
    " WHERE u.name = $1 AND d.raw_digest IS NOT NULL"
)
_ROW_HASH = (
    "SELECT d.row_hash FROM dossiers d JOIN units u ON u.id = d.unit_id"
    " WHERE u.name = $1 AND d.code = $2"
)


class PgKnownRows:
    """KnownRows (storage/imports/known.py) over a PostgreSQL store, read on first need."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._digests: dict[str, set[int]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._conn: asyncpg.Connection | None = None

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the private loop (started on first use) and wait for its result."""
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(
                target=self._loop.run_forever, name="known-rows", daemon=True
            )
            self._thread.start()
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    async def _connection(self) -> asyncpg.Connection:
        """The read connection (read committed: it sees the last commit, not the import's)."""
        if self._conn is None:
            self._conn = await asyncpg.connect(
                self.dsn, server_settings={"application_name": "motcua-import-known"}
            )
        return self._conn

    async def _fetch(self, sql: str, *args: object) -> list[Any]:
        """Every row of one query."""
        return list(await (await self._connection()).fetch(sql, *args))

    def digests(self, unit: str) -> set[int]:
        """The raw digests stored for the unit's dossiers (empty for a new unit)."""
        found = self._digests.get(unit)
        if found is None:
            rows = self._call(self._fetch(_DIGESTS, normalise_unit_name(unit)))
            found = {int(r[0]) for r in rows}
            self._digests[unit] = found
        return found

    def row_hash(self, unit: str, code: str) -> str | None:
        """The stored row_hash of one dossier (None when it is not stored)."""
        rows = self._call(self._fetch(_ROW_HASH, normalise_unit_name(unit), code))
        return None if not rows else str(rows[0][0])

    def close(self) -> None:
        """Close the connection and stop the private loop."""
        loop, self._loop = self._loop, None
        if loop is None:
            return
        if self._conn is not None:
            conn, self._conn = self._conn, None
            asyncio.run_coroutine_threadsafe(conn.close(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        loop.close()
