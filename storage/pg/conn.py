"""`storage.conn.Conn` over one asyncpg connection (or over a pool, a connection per statement)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterable, Sequence
from typing import Any

import asyncpg

from storage.conn import Params
from storage.dialect import POSTGRESQL, Dialect
from storage.pg.translate import rowcount, translate


class PgCursor:
    """A statement's outcome on PostgreSQL: every row already fetched, and the rows changed."""

    def __init__(self, rows: Sequence[Any], changed: int) -> None:
        self._rows = list(rows)
        self.rowcount = changed
        self.lastrowid = None  # PostgreSQL has none: use RETURNING id
        self.description = (
            [(name, None, None, None, None, None, None) for name in self._rows[0].keys()]  # noqa: SIM118
            if self._rows else None
        )

    async def fetchone(self) -> Any:
        """The next row, or None."""
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int = 256) -> list[Any]:
        """Up to size more rows."""
        out, self._rows = self._rows[:size], self._rows[size:]
        return out

    async def fetchall(self) -> list[Any]:
        """Every remaining row."""
        out, self._rows = self._rows, []
        return out

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Any]:
        """Every remaining row."""
        while self._rows:
            yield self._rows.pop(0)

    async def close(self) -> None:
        """Nothing to let go of: the rows are in memory."""
        self._rows = []


class _PgStatement:
    """`conn.execute(...)` on PostgreSQL: awaited, or used as `async with … as cursor`."""

    def __init__(self, pending: Any) -> None:
        self._pending = pending

    def __await__(self) -> Generator[Any, None, PgCursor]:
        return self._pending.__await__()  # type: ignore[no-any-return,unused-ignore]

    async def __aenter__(self) -> PgCursor:
        cursor: PgCursor = await self._pending
        return cursor

    async def __aexit__(self, *exc: object) -> None:
        return None


async def run_statement(conn: asyncpg.Connection, sql: str, params: Params) -> PgCursor:
    """One statement of the store's SQL on an asyncpg connection."""
    t = translate(sql)
    args = t.args(params)
    if t.returns_rows:
        return PgCursor(await conn.fetch(t.sql, *args), -1)
    if not args:  # asyncpg then uses the simple protocol: several statements are allowed
        return PgCursor([], rowcount(await conn.execute(t.sql)))
    return PgCursor([], rowcount(await conn.execute(t.sql, *args)))


class PgConn:
    """`storage.conn.Conn` over one asyncpg connection (inside its transaction, if any)."""

    dialect: Dialect = POSTGRESQL

    def __init__(self, raw: asyncpg.Connection) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Params = ()) -> _PgStatement:
        """Run one statement."""
        return _PgStatement(run_statement(self.raw, sql, params))

    async def execute_fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        """Every row of one statement."""
        t = translate(sql)
        return list(await self.raw.fetch(t.sql, *t.args(params)))

    def executemany(self, sql: str, rows: Iterable[Params]) -> _PgStatement:
        """Run one statement for each parameter set."""
        return _PgStatement(self._many(sql, rows))

    async def _many(self, sql: str, rows: Iterable[Params]) -> PgCursor:
        """executemany's work."""
        t = translate(sql)
        batch = [t.args(r) for r in rows]
        if batch:
            await self.raw.executemany(t.sql, batch)
        return PgCursor([], len(batch))


class PoolConn:
    """`storage.conn.Conn` over a pool: each statement on a connection of its own, committed
    at once (the store's `reader` and `writer` outside any transaction)."""

    dialect: Dialect = POSTGRESQL

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    def execute(self, sql: str, params: Params = ()) -> _PgStatement:
        """Run one statement."""
        return _PgStatement(self._one(sql, params))

    async def _one(self, sql: str, params: Params) -> PgCursor:
        """execute's work, on a connection of the pool."""
        async with self.pool.acquire() as raw:
            return await run_statement(raw, sql, params)

    async def execute_fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        """Every row of one statement."""
        async with self.pool.acquire() as raw:
            return await PgConn(raw).execute_fetchall(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> _PgStatement:
        """Run one statement for each parameter set, in one transaction."""
        return _PgStatement(self._many(sql, rows))

    async def _many(self, sql: str, rows: Iterable[Params]) -> PgCursor:
        """executemany's work, on a connection of the pool."""
        async with self.pool.acquire() as raw, raw.transaction():
            return await PgConn(raw).executemany(sql, rows)
