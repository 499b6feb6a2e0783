"""An admin's upload leaves the bot process's garbage collector on, during the import and after."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

from bot.context import AppContext
from bot.core.router import Core
from bot.core.types import Attachment
from tests.core_helpers import ask, sample_world, staff_world
from tests.test_importer import row, write_csv


async def test_a_chat_upload_never_switches_the_bot_process_gc_off(
    ctx: AppContext, tmp_path: Path
) -> None:
    """Sampled on the event loop while the import runs: the collector stays enabled."""
    await staff_world(ctx, await sample_world(ctx))
    core = Core(ctx)
    data = write_csv(tmp_path / "ho-so.csv", [row(n) for n in range(1, 60)]).read_bytes()
    seen: list[bool] = []
    done = asyncio.Event()

    async def sample() -> None:
        """Record gc.isenabled() at every turn of the loop until the upload is answered."""
        while not done.is_set():
            seen.append(gc.isenabled())
            await asyncio.sleep(0)

    assert gc.isenabled()
    sampler = asyncio.create_task(sample())
    replies = await ask(core, "", user="admin", attachment=Attachment("ho-so.csv", data))
    done.set()
    await sampler
    assert "Thêm mới 59" in replies[0].text
    assert len(seen) > 3 and all(seen)
    assert gc.isenabled()
