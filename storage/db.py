"""Connect to the SQLite store: pragmas, one writer and one reader connection, migrations.

Each connection is a plain sqlite3 connection on a thread of its own (storage/connection.py):
a statement, or a whole function of many statements, is one hop from the event loop."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from storage.connection import Connection, is_busy
from storage.dialect import SQLITE, Dialect
from storage.inline import InlineConn, drive
from storage.loop_reader import LoopReader

T = TypeVar("T")
log = logging.getLogger(__name__)
BUSY_TIMEOUT_MS = 10_000
# How long the bot's own writes wait their turn behind another process's write transaction (an
# import of hundreds of thousands of rows holds the lock for tens of seconds) before failing.
WRITE_WAIT_SECONDS = 900.0
_COUNTED = ("dossiers", "procedures", "units", "staff")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations(engine: str = "sqlite") -> list[tuple[int, str, str]]:
    """The numbered migrations shipped for an engine, in order: (version, name, sql) — SQLite's
    in storage/migrations, PostgreSQL's in storage/migrations/postgresql."""
    found = []
    folder = resources.files("storage.migrations")
    if engine != "sqlite":
        folder = folder.joinpath(engine)
    for entry in folder.iterdir():
        m = _MIGRATION_NAME.match(entry.name)
        if m:
            found.append((int(m[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration numbers: {versions}")
    return found


async def _configure(
    conn: Connection, *, read_only: bool, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> None:
    """Apply the pragmas every connection needs (WAL, busy timeout, foreign keys)."""
    await conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA synchronous = NORMAL")
    if read_only:
        await conn.execute("PRAGMA query_only = ON")


class Database:
    """The store: one writer connection (serialised by a lock) and one reader connection.

    Another process (an import) may hold SQLite's write lock far longer than the busy timeout:
    a write transaction here then waits its turn (BEGIN IMMEDIATE retried until
    `write_wait_seconds`), on the writer's thread, never blocking the event loop.
    """

    dialect: Dialect = SQLITE
    engine = "sqlite"

    def __init__(
        self,
        path: Path,
        writer: Connection,
        reader: Connection,
        write_wait_seconds: float = WRITE_WAIT_SECONDS,
    ):
        self.path = path
        self.writer = writer
        self.reader = reader
        self.write_wait_seconds = write_wait_seconds
        self._write_lock = asyncio.Lock()
        # Per-message identity reads without a hop (storage/loop_reader.py); set by open().
        self.loop_reader: LoopReader | None = None

    @classmethod
    async def open(
        cls,
        path: Path | str,
        *,
        migrate: bool = True,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        write_wait_seconds: float = WRITE_WAIT_SECONDS,
    ) -> Database:
        """Open (creating if needed) the store at path and apply pending migrations."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        opened: list[Connection] = []
        try:
            writer = await Connection.open(path, "motcua-store-writer")
            opened.append(writer)
            await writer.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            await writer.execute("PRAGMA journal_mode = WAL")
            await _configure(writer, read_only=False, busy_timeout_ms=busy_timeout_ms)
            reader = await Connection.open(path, "motcua-store-reader")
            opened.append(reader)
            db_ = cls(path, writer, reader, write_wait_seconds)
            await _configure(db_.reader, read_only=True, busy_timeout_ms=busy_timeout_ms)
            if migrate:
                await db_.migrate()
            db_.loop_reader = LoopReader(path, reader)
        except BaseException:
            for conn in opened:  # never leave a connection thread behind (the process would hang)
                await conn.close()
            raise
        return db_

    @property
    def url(self) -> str:
        """The store's address (`sqlite:///…`)."""
        return f"sqlite:///{self.path}"

    async def read(self, fn: Callable[..., Coroutine[Any, Any, T]], *args: object) -> T:
        """fn(conn, *args), a storage coroutine of reads, on the reader's thread in one hop."""
        return await self.reader.call(fn, *args)

    async def quick_read(self, fn: Callable[..., Coroutine[Any, Any, T]], *args: object) -> T:
        """fn(conn, *args) for a tiny indexed read: on the event loop's thread with no hop, or
        on the reader's thread when a lock is met (storage/loop_reader.py)."""
        if self.loop_reader is None:
            return await self.reader.call(fn, *args)
        return await self.loop_reader.read(fn, *args)

    async def close(self) -> None:
        """Close every connection."""
        if self.loop_reader is not None:
            self.loop_reader.close()
        await self.reader.close()
        await self.writer.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """A short write transaction (BEGIN IMMEDIATE) on the writer; rolls back on error."""
        async with self._write_lock:
            await self._begin()
            try:
                yield self.writer
            except BaseException:
                await self.writer.execute("ROLLBACK")
                raise
            await self.writer.execute("COMMIT")

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE on the writer, waiting its turn while another process writes."""
        await self._in_turn(lambda: self.writer.execute("BEGIN IMMEDIATE"))

    async def _in_turn(self, op: Callable[[], Awaitable[object]]) -> None:
        """Run a statement that takes the write lock, again and again while SQLite says busy
        (each try waits up to the busy timeout on the writer's thread), until the deadline."""
        waited = _Waiting(self.write_wait_seconds)
        while True:
            try:
                await op()
                return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc) or waited.over() or self.writer.in_transaction:
                    raise
            await waited.pause()

    async def run_in_writer(self, fn: Callable[..., T], *args: object) -> T:
        """Run fn(sqlite3_connection, *args) on the writer's own thread, in one hop.

        For bulk work (the importer's batches) inside `transaction()`: the event loop is free
        meanwhile."""
        return await self.writer.run(fn, *args)

    async def run_alone_in_writer(self, fn: Callable[..., T], *args: object) -> T:
        """Run fn(sqlite3_connection, *args) on the writer's thread while no other write of this
        Database runs (its write lock held); fn begins and ends its own transaction."""
        async with self._write_lock:
            return await self.run_in_writer(fn, *args)

    async def write_in_one_hop(
        self, fn: Callable[..., Coroutine[Any, Any, T]], *args: object
    ) -> T:
        """A short write transaction done entirely on the writer thread: BEGIN IMMEDIATE,
        fn(conn, *args) (a storage coroutine), COMMIT (ROLLBACK on error) — one hop instead of
        one per statement, for the writes every message makes (rate-limit counters)."""

        def run(conn: sqlite3.Connection) -> T:
            """The transaction on the writer thread (_StoreBusy when another process writes)."""
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if is_busy(exc):
                    raise _StoreBusy from exc
                raise
            try:
                result = drive(fn(InlineConn(conn), *args))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

        async with self._write_lock:
            waited = _Waiting(self.write_wait_seconds)
            while True:
                try:
                    return await self.run_in_writer(run)
                except _StoreBusy:
                    if waited.over():
                        raise sqlite3.OperationalError("database is locked") from None
                await waited.pause()

    async def schema_version(self) -> int:
        """The highest migration applied (0 for a new store)."""
        async with self.writer.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_version'"
        ) as cur:
            if await cur.fetchone() is None:
                return 0
        sql = "SELECT COALESCE(MAX(version), 0) AS version FROM schema_version"
        async with self.writer.execute(sql) as cur:
            row = await cur.fetchone()
        return int(row["version"])

    async def migrate(self) -> list[str]:
        """Apply every shipped migration the store has not recorded; returns the names applied.

        By the recorded set, not the highest number: a migration numbered below one already
        applied (work merged from a branch) still runs once."""
        async with self._write_lock:
            await self._in_turn(lambda: self.writer.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            ))
        done = await self._applied_versions()
        applied = []
        for version, name, sql in migrations():
            if version in done:
                continue
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            script = (
                f"BEGIN IMMEDIATE;\n{sql}\n"
                f"INSERT INTO schema_version (version, name, applied_at) "
                f"VALUES ({version}, '{name}', '{stamp}');\nCOMMIT;"
            )
            async with self._write_lock:
                try:
                    await self._in_turn(partial(self.writer.executescript, script))
                except Exception:
                    if self.writer.in_transaction:
                        await self.writer.execute("ROLLBACK")
                    raise
            applied.append(name)
        return applied

    async def _applied_versions(self) -> set[int]:
        """The versions recorded in schema_version."""
        async with self.reader.execute("SELECT version FROM schema_version") as cur:
            return {int(r["version"]) for r in await cur.fetchall()}

    async def is_empty(self) -> bool:
        """True when the store holds no dossier and no procedure."""
        async with self.reader.execute(
            "SELECT (SELECT COUNT(*) FROM dossiers) + (SELECT COUNT(*) FROM procedures) AS n"
        ) as cur:
            row = await cur.fetchone()
        return int(row["n"]) == 0

    async def table_counts(self, tables: tuple[str, ...] = _COUNTED) -> dict[str, int]:
        """Row counts of those tables that exist (read-only; for `motcua check`)."""
        async with self.reader.execute("SELECT name FROM sqlite_master WHERE type='table'") as cur:
            present = {str(r["name"]) for r in await cur.fetchall()}
        if "schema_version" not in present:
            raise sqlite3.DatabaseError("không có bảng schema_version")
        out: dict[str, int] = {}
        for table in tables:
            if table in present:
                async with self.reader.execute(f"SELECT COUNT(*) AS n FROM {table}") as cur:
                    out[table] = int((await cur.fetchone())["n"])
        return out


class _StoreBusy(Exception):
    """BEGIN IMMEDIATE found the store busy: write_in_one_hop tries again after a pause."""


class _Waiting:
    """A write waiting its turn: the deadline, and short pauses between tries (logged once)."""

    def __init__(self, seconds: float) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + seconds
        self.tries = 0

    def over(self) -> bool:
        """True once the deadline has passed (the caller then raises)."""
        return time.monotonic() >= self.deadline

    async def pause(self) -> None:
        """Sleep a little (the event loop is free meanwhile) before trying again."""
        self.tries += 1
        if self.tries == 1:
            log.info("the store is being written by another process: waiting for its turn")
        await asyncio.sleep(min(0.05 * self.tries, 0.5))
