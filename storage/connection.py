"""One plain sqlite3 connection on a thread of its own: statements, or whole functions, in one hop.

Through a Connection the event loop never touches SQLite (the one exception is
storage/loop_reader.py's reads by key, which never wait for a lock): `await conn.run(fn, *args)`
runs `fn(sqlite3_connection, *args)` on the connection's thread and hands back its result
(one hop, however many statements fn runs); `await conn.execute(sql, params)` is the same for
one statement, returning its first rows already fetched, so
`async with conn.execute(...) as cur: await cur.fetchone()` is one hop.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Generator,
    Iterable,
    Mapping,
    Sequence,
)
from pathlib import Path
from queue import SimpleQueue
from typing import Any, TypeVar

from storage.dialect import SQLITE, Dialect
from storage.inline import InlineConn, drive

T = TypeVar("T")
Params = Sequence[object] | Mapping[str, object]
CHUNK = 256  # rows fetched with a statement in the same hop; more are fetched on demand
_STOP = object()


def _settle(future: asyncio.Future[Any], result: object, error: BaseException | None) -> None:
    """Give the waiting coroutine its result (unless it stopped waiting)."""
    if future.done():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


def _serve(jobs: SimpleQueue[tuple[asyncio.Future[Any] | None, Callable[[], object]]]) -> None:
    """The connection's thread: run queued jobs in order until told to stop."""
    while True:
        future, job = jobs.get()
        try:
            result, error = job(), None
        except BaseException as exc:
            result, error = None, exc
        if future is not None:
            future.get_loop().call_soon_threadsafe(_settle, future, result, error)
        if result is _STOP:
            return


def is_busy(exc: BaseException) -> bool:
    """True when SQLite said another connection holds the lock (SQLITE_BUSY, 'locked')."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


class Cursor:
    """A statement's outcome: rowcount, lastrowid, description, and its rows (fetched ahead)."""

    def __init__(self, conn: Connection, cursor: sqlite3.Cursor, rows: list[Any], more: bool):
        self._conn = conn
        self._cursor = cursor
        self._rows = rows
        self._more = more  # the statement may have rows beyond those fetched
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid
        self.description = cursor.description

    async def _fill(self) -> None:
        """Fetch the next chunk of rows (one hop)."""
        if self._more:
            rows = await self._conn.run(lambda _c: self._cursor.fetchmany(CHUNK))
            self._more = len(rows) == CHUNK
            self._rows.extend(rows)

    async def fetchone(self) -> Any:
        """The next row, or None."""
        if not self._rows:
            await self._fill()
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int = CHUNK) -> list[Any]:
        """Up to size more rows."""
        while len(self._rows) < size and self._more:
            await self._fill()
        out, self._rows = self._rows[:size], self._rows[size:]
        return out

    async def fetchall(self) -> list[Any]:
        """Every remaining row."""
        if self._more:
            rest = await self._conn.run(lambda _c: self._cursor.fetchall())
            self._more = False
            self._rows.extend(rest)
        out, self._rows = self._rows, []
        return out

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Any]:
        """Every remaining row, a chunk per hop."""
        while True:
            row = await self.fetchone()
            if row is None:
                return
            yield row

    async def close(self) -> None:
        """Let go of the statement (on the connection's thread, without waiting for it)."""
        if self._more:
            self._more = False
            self._conn.post(self._cursor.close)
        self._rows = []


class _Statement:
    """`conn.execute(...)`: awaited, or used as `async with … as cursor` (closed at the end)."""

    def __init__(self, pending: Awaitable[Cursor]) -> None:
        self._pending = pending
        self._cursor: Cursor | None = None

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self._pending.__await__()

    async def __aenter__(self) -> Cursor:
        self._cursor = await self._pending
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        if self._cursor is not None:
            await self._cursor.close()


class Connection:
    """A sqlite3 connection owned by one thread; every call is one hop to that thread."""

    dialect: Dialect = SQLITE

    def __init__(self, name: str) -> None:
        self._jobs: SimpleQueue[tuple[asyncio.Future[Any] | None, Callable[[], object]]] = (
            SimpleQueue()
        )
        self._thread = threading.Thread(target=_serve, args=(self._jobs,), name=name, daemon=True)
        self._sqlite: sqlite3.Connection | None = None
        self.hops = 0  # calls made to the thread so far (tests and benchmarks count them)

    @classmethod
    async def open(cls, path: Path | str, name: str = "motcua-store") -> Connection:
        """Start the thread and connect there (autocommit: transactions are explicit)."""
        opened = cls(name)
        await opened.start(path)
        return opened

    async def start(self, path: Path | str) -> None:
        """Start the thread and connect to path on it (once; open() does it for a new one)."""
        self._thread.start()

        def connect() -> sqlite3.Connection:
            """The connection, made on its own thread."""
            made = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            made.row_factory = sqlite3.Row
            return made

        try:
            self._sqlite = await self._call(connect)
        except BaseException:
            self.post(lambda: _STOP)
            raise

    def _call(self, job: Callable[[], T]) -> asyncio.Future[T]:
        """Queue job for the thread; a future of its result."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self.hops += 1
        self._jobs.put((future, job))
        return future

    def post(self, job: Callable[[], object]) -> None:
        """Queue job for the thread without waiting for it."""
        self._jobs.put((None, job))

    @property
    def raw(self) -> sqlite3.Connection:
        """The sqlite3 connection (use it only on the connection's thread, inside run)."""
        if self._sqlite is None:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        return self._sqlite

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(sqlite3_connection, *args) on the connection's thread, in one hop."""
        sqlite = self.raw
        return await self._call(lambda: fn(sqlite, *args))

    async def call(self, fn: Callable[..., Coroutine[Any, Any, T]], *args: Any) -> T:
        """fn(conn, *args), a storage coroutine over `storage.conn.Conn`, run to its end on the
        connection's thread: one hop, however many statements it runs (storage/inline.py)."""
        sqlite = self.raw
        return await self._call(lambda: drive(fn(InlineConn(sqlite), *args)))

    def execute(self, sql: str, params: Params = ()) -> _Statement:
        """Run one statement; its first rows come back in the same hop."""

        def job(conn: sqlite3.Connection) -> Cursor:
            """The statement and its first chunk of rows."""
            cur = conn.execute(sql, params)
            rows = cur.fetchmany(CHUNK) if cur.description is not None else []
            return Cursor(self, cur, rows, len(rows) == CHUNK)

        return _Statement(self.run(job))

    async def execute_fetchall(self, sql: str, params: Params = ()) -> list[Any]:
        """Every row of one statement, in one hop."""
        return await self.run(lambda conn: conn.execute(sql, params).fetchall())

    def executemany(self, sql: str, rows: Iterable[Params]) -> _Statement:
        """Run one statement for each parameter set, in one hop."""

        def job(conn: sqlite3.Connection) -> Cursor:
            """The statement over every row."""
            return Cursor(self, conn.executemany(sql, rows), [], False)

        return _Statement(self.run(job))

    def executescript(self, script: str) -> _Statement:
        """Run a script of statements, in one hop."""

        def job(conn: sqlite3.Connection) -> Cursor:
            """The script."""
            return Cursor(self, conn.executescript(script), [], False)

        return _Statement(self.run(job))

    @property
    def in_transaction(self) -> bool:
        """True while a transaction is open on this connection."""
        return self.raw.in_transaction

    @property
    def total_changes(self) -> int:
        """Rows changed since the connection opened."""
        return self.raw.total_changes

    async def close(self) -> None:
        """Close the connection and end its thread (once every queued job has run)."""
        if self._sqlite is None:
            return
        sqlite, self._sqlite = self._sqlite, None

        def stop() -> object:
            """Close on the thread, then stop serving."""
            sqlite.close()
            return _STOP

        await self._call(stop)
        self._thread.join()
