"""The store's own connection thread (storage/connection.py): one hop per call, public APIs only."""

from __future__ import annotations

import ast
import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

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


OURS = ("bot", "storage")  # our packages: importing one of their private names is not a library's


def private_uses(source: str) -> list[str]:
    """Every use of another object's private name in source: `obj._x` where obj is not self or
    cls (a library's object or module, or another of ours), `getattr(obj, "_x")` and friends,
    and `from library import _x`. Dunders (`__x__`) are public."""

    def private(name: str) -> bool:
        return name.startswith("_") and not name.endswith("__")

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and private(node.attr):
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                found.append(ast.unparse(node))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "setattr", "hasattr", "delattr")
              and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)
              and isinstance(node.args[1].value, str) and private(node.args[1].value)):
            found.append(ast.unparse(node))
        elif (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
              and node.module.split(".")[0] not in OURS):
            found += [f"from {node.module} import {a.name}" for a in node.names if private(a.name)]
    return found


def test_the_scan_finds_what_issue_15_removed() -> None:
    source = """
import argparse
from argparse import _SubParsersAction
from storage.stats import _in_list
def register(sub: argparse._SubParsersAction) -> None: ...
rpr = run._element.get_or_add_rPr()
async def rebuild(db):
    async with db._write_lock: ...
saved = argparse._, getattr(site, "_server")
class Conn:
    def open(self):
        self._thread.start(), cls._made, self.__class__.__name__, super().__init__()
"""
    assert sorted(private_uses(source)) == [
        "argparse._", "argparse._SubParsersAction", "db._write_lock",
        "from argparse import _SubParsersAction", "getattr(site, '_server')", "run._element"]


def test_bot_and_storage_use_no_private_name_of_another_object() -> None:
    """Issue 15: no `obj._x` of a library's object or module (the writer once ran aiosqlite's
    `_execute`, the CLI swapped argparse's `_`), nor of another of our objects."""
    root = Path(__file__).parents[1]
    found = [f"{p.relative_to(root)}: {use}" for package in OURS
             for p in sorted((root / package).rglob("*.py"))
             for use in private_uses(p.read_text(encoding="utf-8"))]
    assert found == []
