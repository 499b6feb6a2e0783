"""Tiny indexed reads on the event loop's own thread, with no hop: a sender's identity per message.

A hop to a connection's thread costs more (p50 ≈ 0.15 ms) than the read itself (≈ 0.02 ms for a
primary-key lookup), so `LoopReader.read(fn, *args)` runs fn on a read-only connection in the
calling thread. It never waits for a lock: its busy timeout is 0, and a read that meets one
(SQLITE_BUSY or LOCKED, rare in WAL mode: a reader waits only while a crashed writer's WAL is
recovered) is handed to the reader thread instead, so the event loop is never held by SQLite for
longer than one small read. Only functions that read a handful of rows by key belong here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from storage.connection import Connection, is_busy
from storage.inline import InlineConn, drive

T = TypeVar("T")


class LoopReader:
    """A read-only sqlite3 connection used on the event loop's thread; falls back to `reader`."""

    def __init__(self, path: Path, fallback: Connection) -> None:
        self._sqlite: sqlite3.Connection | None = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False
        )
        self._sqlite.row_factory = sqlite3.Row
        self._sqlite.execute("PRAGMA busy_timeout = 0")
        self._sqlite.execute("PRAGMA query_only = ON")
        self.fallback = fallback
        self.fallbacks = 0  # reads handed to the reader thread (tests and benchmarks read it)

    async def read(self, fn: Callable[..., Coroutine[Any, Any, T]], *args: Any) -> T:
        """fn(conn, *args), a storage coroutine, here and at once; on the reader's thread if a
        lock is met."""
        if self._sqlite is not None:
            try:
                return drive(fn(InlineConn(self._sqlite), *args))
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
            self.fallbacks += 1
        return await self.fallback.call(fn, *args)

    def close(self) -> None:
        """Close the connection (later reads go to the reader thread)."""
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None

