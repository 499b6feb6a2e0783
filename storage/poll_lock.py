"""The long-polling lock: one process at a time takes a bot's updates by getUpdates.

Telegram answers a second concurrent getUpdates consumer with 409 Conflict, and Zalo's polling
would split the updates between consumers. On PostgreSQL the lock is a session advisory lock
held on a connection of its own (not the pool's) for as long as the process polls: the server
drops it when that connection ends, so a killed process frees it at once. On SQLite one file
has one `motcua run` (storage.store_lock), so the lock is always granted.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from storage.store import Store

log = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """The signed 64-bit advisory lock key of a name (e.g. 'poll:telegram:<token digest>')."""
    digest = hashlib.sha256(f"motcua:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PollLock:
    """A named lock in the store, tried without waiting; held until release() or the process
    ends."""

    def __init__(self, db: Store, name: str) -> None:
        self.db = db
        self.name = name
        self.key = lock_key(name)
        self._conn: Any = None  # the asyncpg connection holding the lock (PostgreSQL)
        self._held = False

    @property
    def held(self) -> bool:
        """Whether this process holds the lock."""
        return self._held

    async def try_acquire(self) -> bool:
        """Take the lock if no other process holds it; True when held (now or already)."""
        if self._held:
            return True
        if self.db.engine != "postgresql":
            self._held = True
            return True
        import asyncpg

        from storage.pg.db import PgDatabase

        assert isinstance(self.db, PgDatabase)
        conn = await asyncpg.connect(
            self.db.dsn, server_settings={"application_name": "motcua-bot poll"}
        )
        try:
            got = bool(await conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key))
        except BaseException:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._conn, self._held = conn, True
        return True

    async def still_held(self) -> bool:
        """Whether the lock is still ours (False when its connection was lost, e.g. the server
        restarted: another process may hold it now)."""
        if not self._held:
            return False
        if self._conn is None:
            return True
        try:
            n = await self._conn.fetchval(
                "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = pg_backend_pid() AND objid = ($1::bigint & 4294967295)",
                self.key,
            )
        except Exception as exc:
            log.warning("the polling lock's connection failed: %s", exc)
            await self._drop()
            return False
        if int(n) == 0:
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        """Give the lock up (closing its connection frees it on the server)."""
        await self._drop()

    async def _drop(self) -> None:
        """Forget the lock and close its connection."""
        conn, self._conn, self._held = self._conn, None, False
        if conn is not None:
            try:
                await conn.close(timeout=5)
            except Exception:
                conn.terminate()
