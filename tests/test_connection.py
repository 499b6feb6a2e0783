"""The store's own connection thread (storage/connection.py): one hop per call, public APIs only."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from pathlib import Path

import pytest

from storage import connection as connection_module
from storage.connection import CHUNK, Connection
from storage.db import Database


async def test_run_executes_a_whole_function_on_the_connections_thread(tmp_path: Path) -> None:
    conn = await Connection.open(tmp_path / "a.db", "test-thread")
    seen: list[str] = []

    def work(raw: sqlite3.Connection, n: int) -> int:
        seen.append(threading.current_thread().name)
        raw.execute("CREATE TABLE t (x INTEGER)")
        raw.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(n)])
        return int(raw.execute("SELECT SUM(x) FROM t").fetchone()[0])

    assert await conn.run(work, 10) == 45
    assert seen == ["test-thread"]
    await conn.close()
    with pytest.raises(sqlite3.ProgrammingError):
        await conn.run(work, 1)


async def test_statements_fetch_beyond_the_first_chunk_and_errors_reach_the_caller(
    tmp_path: Path,
) -> None:
    conn = await Connection.open(tmp_path / "b.db")
    await conn.execute("CREATE TABLE t (x INTEGER)")
    cur = await conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(CHUNK * 2 + 5)])
    assert cur.rowcount == CHUNK * 2 + 5
    async with conn.execute("SELECT x FROM t ORDER BY x") as cur:
        assert (await cur.fetchone())["x"] == 0
        assert [r[0] for r in await cur.fetchmany(3)] == [1, 2, 3]
        rest = await cur.fetchall()
    assert [r[0] for r in rest] == list(range(4, CHUNK * 2 + 5))
    async with conn.execute("SELECT x FROM t ORDER BY x") as cur:
        assert len([row async for row in cur]) == CHUNK * 2 + 5
    async with conn.execute("SELECT x FROM t") as cur:  # closed before it is read to the end
        await cur.fetchone()
    added = await conn.execute("INSERT INTO t VALUES (?)", (-1,))
    assert added.lastrowid == CHUNK * 2 + 6
    assert [tuple(r) for r in await conn.execute_fetchall("SELECT MIN(x) FROM t")] == [(-1,)]
    with pytest.raises(sqlite3.OperationalError):
        await conn.execute("SELECT nothing FROM nowhere")
    assert not conn.in_transaction
    await conn.close()


async def test_closing_the_store_ends_its_threads(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    db = await Database.open(tmp_path / "c.db")
    assert {t.name for t in set(threading.enumerate()) - before} == {
        "motcua-store-writer", "motcua-store-reader"}
    await db.close()
    assert set(threading.enumerate()) - before == set()


async def test_run_alone_in_writer_waits_for_the_write_in_progress(tmp_path: Path) -> None:
    """What the figures' counters rebuild through: never inside another write's transaction."""
    db = await Database.open(tmp_path / "d.db", migrate=False)
    async with db.transaction():
        alone = asyncio.create_task(db.run_alone_in_writer(lambda raw: raw.in_transaction))
        await asyncio.sleep(0)  # the task starts while the transaction is open
    assert await alone is False
    await db.close()


def test_storage_uses_no_private_attribute_of_a_library() -> None:
    """Issue 15: no `obj._x` of a library object (the writer once ran aiosqlite's `_execute`)."""
    root = Path(connection_module.__file__).parent
    private = re.compile(r"\b(?:writer|reader|aiosqlite|conn|sqlite3)\._[a-z]")
    found = [f"{p.name}: {line.strip()}" for p in root.rglob("*.py")
             for line in p.read_text(encoding="utf-8").splitlines() if private.search(line)]
    assert found == []
