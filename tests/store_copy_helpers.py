"""Stores for the `motcua store copy` tests: the demo store (built once by the real `motcua
demo`), a second commune's store, the second PostgreSQL database, and snapshots to compare."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from tests.pg_helpers import PG_URL, run_sync
from tests.telegram_helpers import run_motcua

SECOND_UNIT = "Trung tâm Phục vụ hành chính công xã An Lão"
PG_URL2 = PG_URL.rstrip("/") + "2"  # e.g. motcua_test2: copies between two databases
_built: dict[str, Path] = {}


async def demo_store(folder: Path, name: str = "demo.db") -> Path:
    """A copy (in folder) of the demo store that `motcua demo --no-chat` loads (built once)."""
    if "demo" not in _built:
        home = Path(folder).parent / "demo-built"
        home.mkdir(exist_ok=True)
        code, _, err = await run_motcua(
            ["demo", "--no-chat"], {"MOTCUA_DB_PATH": str(home / "demo.db")}, home, 120)
        assert code == 0, err
        _built["demo"] = home / "demo.db"
    target = folder / name
    shutil.copy(_built["demo"], target)
    return target


async def second_commune(folder: Path) -> Path:
    """Another commune's store: the demo's data under another unit's name, fewer dossiers."""
    path = await demo_store(folder, "an-lao.db")
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE units SET name = ?", (SECOND_UNIT,))
        conn.execute("UPDATE dossiers SET applicant = applicant || ' (AL)'")
    conn.close()
    drop_dossiers(path, 7)
    return path


def drop_dossiers(path: Path, every: int) -> None:
    """Delete every n-th dossier of an SQLite store with its events, subscriptions, ratings
    (a later export of the commune)."""
    conn = sqlite3.connect(path)
    with conn:
        for child in ("status_events", "subscriptions", "ratings"):
            conn.execute(f"DELETE FROM {child} WHERE dossier_id % ? = 0", (every,))
        conn.execute("DELETE FROM dossiers WHERE id % ? = 0", (every,))
    conn.close()


async def _empty(url: str) -> None:
    """Drop everything in the database at url (created when missing)."""
    import asyncpg

    try:
        conn = await asyncpg.connect(url, timeout=5)
    except asyncpg.InvalidCatalogNameError:
        admin = await asyncpg.connect(PG_URL, timeout=5)
        try:
            await admin.execute(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"')
        finally:
            await admin.close()
        conn = await asyncpg.connect(url, timeout=5)
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()


def empty_pg(url: str) -> str:
    """The database at url, emptied (its whole schema) for a test; returns url."""
    run_sync(_empty(url))
    return url


def sqlite_snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of an SQLite store, sorted (to tell it did not change)."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'")]
        return {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}")), key=repr)
                for t in tables}
    finally:
        conn.close()


async def pg_snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of a PostgreSQL store, sorted."""
    import asyncpg

    conn = await asyncpg.connect(url, timeout=5)
    try:
        tables = [r[0] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {t: sorted((tuple(r) for r in await conn.fetch(f'SELECT * FROM "{t}"')), key=repr)
                for t in tables}
    finally:
        await conn.close()
