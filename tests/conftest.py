"""Shared fixtures: settings pointing at a temporary store, an opened store, an app context."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.context import AppContext
from bot.workdays import WorkCalendar
from storage.engine import open_store
from storage.store import Store
from tests.pg_helpers import ENGINES, pg_test_database

if TYPE_CHECKING:
    from bot.core.router import Core
    from tests.core_helpers import World

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


TESTS_UNIT = "Trung tâm Phục vụ hành chính công xã Kẻ Sắt"


@pytest.fixture(autouse=True, scope="session")
def _tests_unit() -> None:
    """MOTCUA_UNIT has no default (issue 18): the tests' center, also for fixtures wider than
    one test (set before them; a test may still remove it)."""
    import os

    os.environ["MOTCUA_UNIT"] = TESTS_UNIT


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's MOTCUA_* variables or .env file."""
    import os

    for key in list(os.environ):
        if key.startswith("MOTCUA_"):
            monkeypatch.delenv(key)
    # MOTCUA_UNIT has no default (issue 18); the tests' center, unless a test removes it.
    monkeypatch.setenv("MOTCUA_UNIT", TESTS_UNIT)
    monkeypatch.chdir(tmp_path)


def pytest_configure(config: pytest.Config) -> None:
    """The `engines` mark: a test (or module, with `pytestmark`) that runs on both engines."""
    config.addinivalue_line("markers", "engines: run on SQLite and on PostgreSQL")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test using the store runs on SQLite; those marked `engines` on PostgreSQL too."""
    if "engine" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("engines") is not None
        metafunc.parametrize("engine", list(ENGINES) if both else ["sqlite"], scope="function")


@pytest.fixture
def settings(tmp_path: Path, engine: str) -> Settings:
    """Settings with the store in a temporary folder (SQLite) or the emptied test database."""
    url = pg_test_database() if engine == "postgresql" else None
    return Settings(  # type: ignore[call-arg]
        db_path=tmp_path / "motcua.db", database_url=url, _env_file=None
    )


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Store]:
    """A migrated, empty store."""
    database = await open_store(settings.store_url)
    yield database
    await database.close()


@pytest.fixture
def fixed_now() -> datetime:
    """The fixed "now" of the tests that use the ctx fixture: 15/04/2026 09:00 local."""
    return datetime(2026, 4, 15, 9, 0, tzinfo=TZ)


@pytest.fixture
async def ctx(settings: Settings, db: Store, fixed_now: datetime) -> AppContext:
    """An app context on the temporary store with a fixed clock."""
    return AppContext(settings, db, WorkCalendar.from_settings(settings), clock=lambda: fixed_now)


@pytest.fixture
async def world(ctx: AppContext) -> World:
    """The sample world (two units, a catalogue, a dossier of each kind) with linked staff."""
    from tests.core_helpers import sample_world, staff_world

    made = await sample_world(ctx)
    await staff_world(ctx, made)
    return made


@pytest.fixture
async def core(ctx: AppContext, world: World) -> Core:
    """The real Core on the sample world with linked staff."""
    from bot.core.router import Core

    return Core(ctx)
