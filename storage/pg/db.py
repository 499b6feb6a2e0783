"""The store on PostgreSQL: a pool of asyncpg connections, short transactions, migrations.

Several bot processes may share one database: every write is a transaction of its own, row
locks and unique keys keep them from doing anything twice, and migrations run under an
advisory lock so that processes starting together apply each one once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from storage.db import migrations
from storage.dialect import POSTGRESQL, Dialect
from storage.pg.conn import PgConn, PoolConn

T = TypeVar("T")
log = logging.getLogger(__name__)
_COUNTED = ("dossiers", "procedures", "units", "staff")
# Advisory lock keys (one 64-bit number each, chosen once): migrations; the long-polling intake.
MIGRATION_LOCK = 0x6D6F746375610001
RETRIES = 5  # a write transaction that meets a deadlock or a serialisation failure is retried
_RETRYABLE = (asyncpg.exceptions.DeadlockDetectedError, asyncpg.exceptions.SerializationError)


def masked(url: str) -> str:
    """The URL with its password replaced by ***, for logs and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class PgDatabase:
    """The store in a PostgreSQL database, shared by every process given its URL."""

    dialect: Dialect = POSTGRESQL
    engine = "postgresql"

    def __init__(self, dsn: str, pool: asyncpg.Pool) -> None:
        self.dsn = dsn
        self.pool = pool
        self.reader = PoolConn(pool)
        self.writer = PoolConn(pool)
        self.path = None  # no file: code that needs one (SQLite's backup) asks `engine` first

    @property
    def url(self) -> str:
        """The database URL, without its password."""
        return masked(self.dsn)

    @classmethod
    async def open(
        cls, dsn: str, *, migrate: bool = True, min_size: int = 1, max_size: int = 8
    ) -> PgDatabase:
        """Connect a pool to the database at dsn and apply pending migrations."""
        pool = await asyncpg.create_pool(
            dsn, min_size=min_size, max_size=max_size,
            server_settings={"application_name": "motcua-bot", "timezone": "UTC"},
        )
        opened = cls(dsn, pool)
        try:
            if migrate:
                await opened.migrate()
        except BaseException:
            await pool.close()
            raise
        return opened

    async def __aenter__(self) -> PgDatabase:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close every connection of the pool."""
        await self.pool.close()

    async def read(self, fn: Callable[..., Coroutine[Any, Any, T]], *args: object) -> T:
        """fn(conn, *args), a storage coroutine of reads, on one snapshot of the data."""
        async with self.pool.acquire() as raw, raw.transaction(
            isolation="repeatable_read", readonly=True
        ):
            return await fn(PgConn(raw), *args)

    async def quick_read(self, fn: Callable[..., Coroutine[Any, Any, T]], *args: object) -> T:
        """fn(conn, *args) for a tiny indexed read (a pooled connection, no transaction)."""
        async with self.pool.acquire() as raw:
            return await fn(PgConn(raw), *args)

    async def write_in_one_hop(
        self, fn: Callable[..., Coroutine[Any, Any, T]], *args: object
    ) -> T:
        """fn(conn, *args) in one write transaction, retried on a deadlock or a serialisation
        failure (fn must then be safe to run again: it is, as it saw its writes rolled back)."""
        for attempt in range(RETRIES):
            try:
                async with self.pool.acquire() as raw, raw.transaction():
                    return await fn(PgConn(raw), *args)
            except _RETRYABLE:
                if attempt == RETRIES - 1:
                    raise
                await asyncio.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgConn]:
        """A short write transaction (rolled back on error)."""
        async with self.pool.acquire() as raw, raw.transaction():
            yield PgConn(raw)

    async def schema_version(self) -> int:
        """The highest migration applied (0 for a new store)."""
        async with self.pool.acquire() as raw:
            if await raw.fetchval("SELECT to_regclass('schema_version')") is None:
                return 0
            return int(await raw.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))

    async def migrate(self) -> list[str]:
        """Apply every shipped PostgreSQL migration the store has not recorded, each in its own
        transaction, under an advisory lock (processes starting together apply each once)."""
        applied: list[str] = []
        async with self.pool.acquire() as raw:
            await raw.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                await raw.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version ("
                    " version INTEGER PRIMARY KEY, name TEXT COLLATE \"C\" NOT NULL,"
                    " applied_at TEXT COLLATE \"C\" NOT NULL)"
                )
                done = {int(r[0]) for r in await raw.fetch("SELECT version FROM schema_version")}
                for version, name, sql in migrations("postgresql"):
                    if version in done:
                        continue
                    stamp = datetime.now(UTC).isoformat(timespec="seconds")
                    async with raw.transaction():
                        await raw.execute(sql)
                        await raw.execute(
                            "INSERT INTO schema_version (version, name, applied_at)"
                            " VALUES ($1, $2, $3)", version, name, stamp,
                        )
                    applied.append(name)
            finally:
                await raw.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
        return applied

    async def is_empty(self) -> bool:
        """True when the store holds no dossier and no procedure."""
        async with self.pool.acquire() as raw:
            n = await raw.fetchval(
                "SELECT (SELECT COUNT(*) FROM dossiers) + (SELECT COUNT(*) FROM procedures)"
            )
        return int(n) == 0

    async def table_counts(self, tables: tuple[str, ...] = _COUNTED) -> dict[str, int]:
        """Row counts of those tables that exist (read-only; for `motcua check`)."""
        async with self.pool.acquire() as raw:
            present = {
                str(r[0]) for r in await raw.fetch(
                    "SELECT table_name FROM information_schema.tables"
                    " WHERE table_schema = current_schema()"
                )
            }
            if "schema_version" not in present:
                raise asyncpg.exceptions.UndefinedTableError("không có bảng schema_version")
            return {
                t: int(await raw.fetchval(f"SELECT COUNT(*) FROM {t}"))
                for t in tables if t in present
            }
