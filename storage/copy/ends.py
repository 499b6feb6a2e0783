"""The two ends of a store copy on either engine: plain sqlite3 or asyncpg connections, reading
a table in batches, inserting rows (COPY on PostgreSQL), all in one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from storage.pg.translate import translate

BATCH = 5000
Row = tuple[Any, ...]


def quoted(name: str) -> str:
    """An identifier quoted for both engines ("window" is a reserved word on PostgreSQL)."""
    return '"' + name.replace('"', '""') + '"'


def kind_of(declared: str) -> str:
    """'int', 'text', 'bytes' or 'other' for a column's declared type on either engine."""
    t = declared.upper()
    if "INT" in t:
        return "int"
    if "CHAR" in t or "TEXT" in t or "CLOB" in t:
        return "text"
    if "BLOB" in t or "BYTEA" in t:
        return "bytes"
    return "other"


class End(Protocol):
    """One store's connection for a copy: its tables, rows, and (target) writes."""

    engine: str

    async def tables(self) -> set[str]:
        """The tables present."""

    async def columns(self, table: str) -> list[tuple[str, str]]:
        """(name, kind) of each column, in the table's order."""

    def rows(self, table: str, cols: Sequence[str], where: str = "",
             params: Sequence[object] = ()) -> AsyncIterator[list[Row]]:
        """The table's rows (those matching where), batch by batch."""

    async def fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Every row of one statement."""

    async def execute(self, sql: str, params: Sequence[object] = ()) -> None:
        """Run one statement."""

    async def insert(self, table: str, cols: Sequence[str], rows: list[Row]) -> None:
        """Insert rows (any conflict is an error)."""

    async def insert_new(self, table: str, cols: Sequence[str], rows: list[Row],
                         key: Sequence[str]) -> list[Row]:
        """Insert the rows whose keys the table does not hold yet; their keys."""

    async def advance_ids(self, table: str, col: str) -> None:
        """Move the table's id generator past its largest id."""

    async def begin(self, write: bool) -> None:
        """Start the copy's one transaction (a snapshot when reading)."""

    async def commit(self) -> None:
        """Commit the transaction."""

    async def rollback(self) -> None:
        """Roll the transaction back."""

    async def close(self) -> None:
        """Close the connection."""


def _insert_sql(table: str, cols: Sequence[str], tail: str = "") -> str:
    """INSERT INTO table (cols) VALUES (?, …) tail."""
    names = ", ".join(quoted(c) for c in cols)
    marks = ", ".join("?" for _ in cols)
    return f"INSERT INTO {quoted(table)} ({names}) VALUES ({marks}){tail}"


class SqliteEnd:
    """A copy's end on an SQLite file, through a plain sqlite3 connection."""

    engine = "sqlite"

    def __init__(self, path: Path, *, read_only: bool) -> None:
        uri = Path(path).resolve().as_uri() + ("?mode=ro" if read_only else "")
        self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
        self.conn.execute("PRAGMA foreign_keys = ON")

    async def tables(self) -> set[str]:
        """The tables present."""
        return {r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}

    async def columns(self, table: str) -> list[tuple[str, str]]:
        """(name, kind) of each column."""
        return [(r[1], kind_of(r[2] or "")) for r in self.conn.execute(
            f"PRAGMA table_info({quoted(table)})")]

    async def rows(self, table: str, cols: Sequence[str], where: str = "",
                   params: Sequence[object] = ()) -> AsyncIterator[list[Row]]:
        """The table's rows, batch by batch."""
        names = ", ".join(quoted(c) for c in cols)
        cur = self.conn.execute(
            f"SELECT {names} FROM {quoted(table)}" + (f" WHERE {where}" if where else ""),
            tuple(params))
        while batch := cur.fetchmany(BATCH):
            yield [tuple(r) for r in batch]

    async def fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Every row of one statement."""
        return [tuple(r) for r in self.conn.execute(sql, tuple(params)).fetchall()]

    async def execute(self, sql: str, params: Sequence[object] = ()) -> None:
        """Run one statement."""
        self.conn.execute(sql, tuple(params))

    async def insert(self, table: str, cols: Sequence[str], rows: list[Row]) -> None:
        """Insert rows."""
        self.conn.executemany(_insert_sql(table, cols), rows)

    async def insert_new(self, table: str, cols: Sequence[str], rows: list[Row],
                         key: Sequence[str]) -> list[Row]:
        """Insert the rows whose keys are new; their keys."""
        sql = _insert_sql(table, cols, " ON CONFLICT DO NOTHING RETURNING "
                          + ", ".join(quoted(k) for k in key))
        added = []
        for row in rows:
            got = self.conn.execute(sql, row).fetchone()
            if got is not None:
                added.append(tuple(got))
        return added

    async def advance_ids(self, table: str, col: str) -> None:
        """Nothing to do: SQLite gives the next rowid after the largest."""

    async def begin(self, write: bool) -> None:
        """BEGIN IMMEDIATE (write) or BEGIN, whose first read fixes the snapshot."""
        self.conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    async def commit(self) -> None:
        """Commit."""
        self.conn.execute("COMMIT")

    async def rollback(self) -> None:
        """Roll back, if a transaction is open."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    async def close(self) -> None:
        """Close the connection."""
        self.conn.close()


class PgEnd:
    """A copy's end on PostgreSQL, through one asyncpg connection."""

    engine = "postgresql"

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self._tx: Any = None

    @classmethod
    async def connect(cls, dsn: str) -> PgEnd:
        """Connect to the database at dsn."""
        import asyncpg

        return cls(await asyncpg.connect(dsn, timeout=10, server_settings={
            "application_name": "motcua store copy", "timezone": "UTC"}))

    async def tables(self) -> set[str]:
        """The tables present in the current schema."""
        return {r[0] for r in await self.conn.fetch(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema()")}

    async def columns(self, table: str) -> list[tuple[str, str]]:
        """(name, kind) of each column."""
        return [(r[0], kind_of(r[1])) for r in await self.conn.fetch(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = $1"
            " ORDER BY ordinal_position", table)]

    async def rows(self, table: str, cols: Sequence[str], where: str = "",
                   params: Sequence[object] = ()) -> AsyncIterator[list[Row]]:
        """The table's rows, batch by batch (a cursor inside the transaction)."""
        names = ", ".join(quoted(c) for c in cols)
        t = translate(
            f"SELECT {names} FROM {quoted(table)}" + (f" WHERE {where}" if where else ""))
        cursor = await self.conn.cursor(t.sql, *t.args(params))
        while batch := await cursor.fetch(BATCH):
            yield [tuple(r) for r in batch]

    async def fetch(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Every row of one statement."""
        t = translate(sql)
        return [tuple(r) for r in await self.conn.fetch(t.sql, *t.args(params))]

    async def execute(self, sql: str, params: Sequence[object] = ()) -> None:
        """Run one statement."""
        t = translate(sql)
        await self.conn.execute(t.sql, *t.args(params))

    async def insert(self, table: str, cols: Sequence[str], rows: list[Row]) -> None:
        """Insert rows by COPY."""
        await self.conn.copy_records_to_table(table, records=rows, columns=list(cols))

    async def insert_new(self, table: str, cols: Sequence[str], rows: list[Row],
                         key: Sequence[str]) -> list[Row]:
        """COPY the rows into a staging table, then add those whose keys are new."""
        stage = f"copy_stage_{table}"
        await self.conn.execute(
            f"CREATE TEMP TABLE {stage} (LIKE {quoted(table)}) ON COMMIT DROP")
        try:
            await self.conn.copy_records_to_table(stage, records=rows, columns=list(cols))
            names = ", ".join(quoted(c) for c in cols)
            got = await self.conn.fetch(
                f"INSERT INTO {quoted(table)} ({names}) SELECT {names} FROM {stage}"
                " ON CONFLICT DO NOTHING RETURNING " + ", ".join(quoted(k) for k in key))
        finally:
            await self.conn.execute(f"DROP TABLE {stage}")
        return [tuple(r) for r in got]

    async def advance_ids(self, table: str, col: str) -> None:
        """setval the identity's sequence to the largest id (when the table has rows)."""
        await self.conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{col}'), m)"
            f" FROM (SELECT MAX({quoted(col)}) AS m FROM {quoted(table)}) s WHERE m IS NOT NULL")

    async def begin(self, write: bool) -> None:
        """A read-write transaction, or a repeatable-read read-only snapshot."""
        self._tx = (self.conn.transaction() if write else
                    self.conn.transaction(isolation="repeatable_read", readonly=True))
        await self._tx.start()

    async def commit(self) -> None:
        """Commit."""
        await self._tx.commit()
        self._tx = None

    async def rollback(self) -> None:
        """Roll back, if a transaction is open."""
        if self._tx is not None:
            await self._tx.rollback()
            self._tx = None

    async def close(self) -> None:
        """Close the connection."""
        await self.conn.close()
