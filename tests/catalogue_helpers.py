"""The demo's catalogue on either engine: the session's demo store (tests/citizen_helpers.py)
copied for a test, as a file on SQLite or table by table into the PostgreSQL test database."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.context import AppContext
from bot.workdays import WorkCalendar
from storage.engine import open_store
from tests.citizen_helpers import DEMO_NOW
from tests.pg_helpers import pg_test_database

TABLES = ("units", "procedures", "dossiers")  # what the catalogue search reads, in key order


async def copy_tables(source: Path, url: str, tables: tuple[str, ...] = TABLES) -> None:
    """Copy these tables of a SQLite store into the migrated PostgreSQL store at url (COPY, the
    store's triggers firing as for any insert), then move each identity past the copied ids."""
    import asyncpg

    lite = sqlite3.connect(source)
    pg = await asyncpg.connect(url)
    try:
        for table in tables:
            wanted = {str(r[0]) for r in await pg.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = $1",
                table)}
            columns = [str(r[1]) for r in lite.execute(f"PRAGMA table_info({table})")
                       if str(r[1]) in wanted]
            rows = lite.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id").fetchall()
            await pg.copy_records_to_table(table, records=rows, columns=columns)
            await pg.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")
    finally:
        lite.close()
        await pg.close()


@pytest.fixture
async def demo_catalogue_ctx(demo_store: Path, tmp_path: Path,
                             engine: str) -> AsyncIterator[AppContext]:
    """An app context on the demo's catalogue and dossiers (SQLite: a copy of the whole demo
    store; PostgreSQL: its units, procedures and dossiers), the clock at the demo's today."""
    path = tmp_path / "demo-copy.db"
    url = None
    if engine == "postgresql":
        url = pg_test_database()
    else:
        shutil.copyfile(demo_store, path)
    settings = Settings(db_path=path, database_url=url, _env_file=None)  # type: ignore[call-arg]
    db = await open_store(settings.store_url)
    if url is not None:
        await copy_tables(demo_store, url)
    ctx = AppContext(settings, db, WorkCalendar.from_settings(settings), clock=lambda: DEMO_NOW)
    yield ctx
    await db.close()
