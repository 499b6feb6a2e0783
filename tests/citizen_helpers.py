"""Test helpers for citizens' features: the demo store, built once per session and copied."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.context import AppContext
from bot.demo.generate import AS_OF, dossiers
from bot.demo.load import load_demo
from bot.demo.receipts import write_receipts
from bot.demo.write import UNIT
from bot.workdays import WorkCalendar
from storage.db import Database

DEMO_NOW = AS_OF.replace(tzinfo=Settings(_env_file=None).tz)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the demo data set (loaded once for the session; copy it to write)."""
    out = tmp_path_factory.mktemp("citizen-demo")
    path = out / "demo.db"

    async def go() -> None:
        """Load the demo into a new store and close it cleanly."""
        ctx = await AppContext.open(Settings(db_path=path, _env_file=None))  # type: ignore[call-arg]
        try:
            await load_demo(ctx)
        finally:
            await ctx.close()

    asyncio.run(go())
    return path


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's receipt images (bien-nhan/*.png) written once for the session, with
    bien-nhan/codes.txt listing the code each holds, file by file."""
    out = tmp_path_factory.mktemp("citizen-demo-files")
    written = write_receipts(out / "bien-nhan", dossiers(), UNIT)
    (out / "bien-nhan" / "codes.txt").write_text("\n".join(r.code for r in written))
    return out


@pytest.fixture
async def demo_ctx(demo_store: Path, tmp_path: Path) -> AsyncIterator[AppContext]:
    """An app context on a copy of the demo store, the clock fixed at the demo's today."""
    path = tmp_path / "demo-copy.db"
    shutil.copyfile(demo_store, path)
    settings = Settings(db_path=path, _env_file=None)  # type: ignore[call-arg]
    db = await Database.open(path)
    ctx = AppContext(settings, db, WorkCalendar.from_settings(settings), clock=lambda: DEMO_NOW)
    yield ctx
    await db.close()
