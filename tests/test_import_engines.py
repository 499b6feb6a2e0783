"""Imports on both engines: the same counts and events whatever the grouping of the writes, and
lookups that answer, seeing the old rows, while an import is being written (no table lock)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bot.context import AppContext
from storage.conn import Conn
from storage.imports import ImportLimits, parallel, pipeline, write_pg
from tests.import_helpers import import_dossiers
from tests.test_importer import HEADER, count, row, write_csv

pytestmark = pytest.mark.engines

WITH_UNIT = [*HEADER, "Đơn vị"]
OPEN = {"Trạng thái": "Đang xử lý", "Ngày kết thúc xử lý": ""}
# Lock modes an INSERT/UPDATE takes on a table: none of them conflicts with a reader's.
ROW_LOCKS = {"AccessShareLock", "RowShareLock", "RowExclusiveLock"}


def code(n: int) -> str:
    """The stored code of row(n)."""
    return str(row(n)[1]).upper()


async def status_of(ctx: AppContext, unit: str, n: int) -> str | None:
    """A citizen's lookup: the status of one dossier by its unit and code (None if absent)."""
    sql = (
        "SELECT d.status FROM dossiers d JOIN units u ON u.id = d.unit_id"
        " WHERE u.name = ? AND d.code = ?"
    )
    async with ctx.db.reader.execute(sql, (unit, code(n))) as cur:
        found = await cur.fetchone()
    return None if found is None else str(found[0])


async def events(ctx: AppContext) -> list[tuple[str, str | None, str, bool]]:
    """(code, old status, new status, event's unit is its dossier's) of every status event."""
    sql = (
        "SELECT d.code, e.old_status, e.new_status, e.unit_id = d.unit_id FROM status_events e"
        " JOIN dossiers d ON d.id = e.dossier_id ORDER BY e.id"
    )
    async with ctx.db.reader.execute(sql) as cur:
        return [(str(r[0]), r[1], str(r[2]), bool(r[3])) for r in await cur.fetchall()]


async def test_writes_in_many_groups_give_the_same_counts_and_events(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two units, merged by groups of 700 on PostgreSQL (one batch a chunk on SQLite): a first
    load, then a file where some rows change status, some only content, some are new."""
    monkeypatch.setattr(write_pg, "MERGE_ROWS", 700)
    units = {"Xã Hòa An": range(1, 2001), "Xã Bình Minh": range(2001, 3001)}
    first = [[*row(n, **OPEN), unit] for unit, ns in units.items() for n in ns]
    s = await import_dossiers(ctx, write_csv(tmp_path / "a.csv", first, header=WITH_UNIT))
    assert (s.inserted, s.updated, s.unchanged, s.status_changes) == (3000, 0, 0, 0)
    got = await events(ctx)
    assert len(got) == 3000 and all(old is None and same for _, old, _, same in got)

    second = []
    for unit, ns in units.items():
        for n in ns:
            if n % 3 == 0:  # the status changes
                second.append([*row(n), unit])
            elif n % 3 == 1:  # only the applicant's name: updated, no event
                second.append([*row(n, **OPEN, **{"Chủ hồ sơ": "Trần Thị Bình"}), unit])
            else:  # the same
                second.append([*row(n, **OPEN), unit])
    second += [[*row(n), "Xã Tân Lập"] for n in range(1, 301)]  # a new unit: all new
    s = await import_dossiers(ctx, write_csv(tmp_path / "b.csv", second, header=WITH_UNIT))
    changed, renamed, same = 1000, 1000, 1000
    assert (s.inserted, s.updated, s.unchanged) == (300, changed + renamed, same)
    assert s.status_changes == changed and s.run_id > 0
    got = (await events(ctx))[3000:]
    assert len(got) == 300 + changed and all(same for *_, same in got)
    assert sorted(old or "" for _, old, _, _ in got) == [""] * 300 + ["processing"] * changed
    assert await count(ctx, "dossiers") == 3300
    again = await import_dossiers(ctx, write_csv(tmp_path / "c.csv", second, header=WITH_UNIT))
    assert (again.inserted, again.updated, again.status_changes) == (0, 0, 0)
    assert again.unchanged == 3300 and await count(ctx, "status_events") == 3000 + 300 + changed


async def table_locks(ctx: AppContext) -> set[str]:
    """The lock modes other sessions hold on dossiers and status_events (PostgreSQL)."""
    sql = (
        "SELECT DISTINCT mode FROM pg_locks WHERE pid <> pg_backend_pid() AND granted"
        " AND relation IN ('dossiers'::regclass, 'status_events'::regclass)"
    )
    async with ctx.db.reader.execute(sql) as cur:
        return {str(r[0]) for r in await cur.fetchall()}


async def lookups_while_held(
    ctx: AppContext, unit: str, n: int, written: asyncio.Event, task: asyncio.Task[object]
) -> float:
    """Lookups while the import writes, then while it is held open after its last write: each
    sees the old rows; the slowest one's seconds. On PostgreSQL, the locks held are checked."""
    during = 0
    while not written.is_set() and not task.done():  # while the rows are being written
        assert await asyncio.wait_for(status_of(ctx, unit, 1 + during % n), 30) == "processing"
        during += 1
        await asyncio.sleep(0.001)
    await asyncio.wait_for(written.wait(), 120)
    slowest = 0.0
    for i in range(1, n + 2001, 97):  # held open: written, not committed
        started = time.perf_counter()
        found = await asyncio.wait_for(status_of(ctx, unit, i), 30)
        slowest = max(slowest, time.perf_counter() - started)
        assert found == ("processing" if i <= n else None), i
    if ctx.db.engine == "postgresql":
        locks = await table_locks(ctx)
        assert "RowExclusiveLock" in locks and locks <= ROW_LOCKS, locks
    assert not task.done()  # every lookup answered before the import ended
    return slowest


async def test_lookups_answer_during_an_import_and_see_the_old_rows_until_its_commit(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import of 8,000 rows is held open after its last write, before its commit: lookups by
    code on another connection answer (within a generous bound) and see the old rows; after the
    commit, the new ones. On PostgreSQL the import holds no lock a reader waits for."""
    unit = "Xã Hòa An"
    n = 6000
    opened = [row(i, **OPEN) for i in range(1, n + 1)]
    await import_dossiers(ctx, write_csv(tmp_path / "a.csv", opened), unit=unit)
    written, release = asyncio.Event(), asyncio.Event()
    finish_run = pipeline._finish_run

    async def held(conn: Conn, summary: pipeline.ImportSummary) -> None:
        """Every row written, the run recorded: wait before the import commits."""
        await finish_run(conn, summary)
        written.set()
        await release.wait()

    monkeypatch.setattr(pipeline, "_finish_run", held)
    closed = [row(i) for i in range(1, n + 2001)]  # every status changes; 2,000 new dossiers
    path = write_csv(tmp_path / "b.csv", closed)
    task = asyncio.create_task(import_dossiers(ctx, path, unit=unit))
    try:
        slowest = await lookups_while_held(ctx, unit, n, written, task)
    finally:  # a failed check must not leave the import (and its connection) waiting
        release.set()
    assert slowest < 10  # none waited for the import
    s = await asyncio.wait_for(task, 120)
    assert (s.updated, s.inserted, s.status_changes) == (n, 2000, n)
    assert await status_of(ctx, unit, 1) == "returned"
    assert await status_of(ctx, unit, n + 2000) == "returned"


def test_the_store_url_reaches_the_parser_process_in_its_environment_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PostgreSQL URL holds a password: never on the helper's command line (any user of the
    machine may read it), only in its environment, from which the helper takes it back."""
    seen: list[tuple[list[str], dict[str, str] | None]] = []

    def capture(command: list[str], env: dict[str, str] | None = None) -> object:
        """Note what the helper would be started with."""
        seen.append((command, env))
        return None

    monkeypatch.setattr(parallel, "helper_items", capture)
    url = "postgresql://motcua:bi-mat@127.0.0.1:5432/kho"
    parallel.parse_in_helper(tmp_path / "a.csv", "dossiers", "Asia/Ho_Chi_Minh", "", url,
                             ImportLimits(), None)
    command, env = seen[0]
    assert not any("bi-mat" in word for word in command)
    assert env is not None and env[parallel._STORE_ENV] == url
    parallel.parse_in_helper(tmp_path / "a.csv", "dossiers", "Asia/Ho_Chi_Minh", "", "x.db",
                             ImportLimits(), None)
    assert seen[1][1] is None and "x.db" in seen[1][0]  # a store file: as before
