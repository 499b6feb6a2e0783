"""What a channel's calls to the core cost per message: one `Core.answer()` (replies and the role
after the message, issue 15) beside the two calls the Telegram channel made before it
(`Core.handle()`, then `Core.role_of()` for the menu), on the same Core in the same process.

    /work/venv/bin/python bench/channel_calls.py [--blocks 20] [--per-block 200]

The store is the tests' sample world (two units, a dossier of each kind, linked staff); the
messages are citizens' lookups (code alone, code + 4 digits) and officers' /sapden. Blocks of
messages alternate between the two ways; prints min / median / max milliseconds per message of
each and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings
from bot.context import AppContext
from bot.core.router import Core
from bot.workdays import WorkCalendar
from storage.db import Database
from tests.core_helpers import D_OK, PHONE4, UNIT, msg, sample_world, staff_world

NOW = datetime(2026, 4, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
MESSAGES = [(f"/tracuu {D_OK} {PHONE4[D_OK]}", "citizen"), (D_OK, "citizen2"),
            ("/sapden", "officer")]


async def block(core: Core, n: int, two_calls: bool) -> float:
    """Milliseconds per message for n messages, the old way (two calls) or the new (one)."""
    started = time.perf_counter()
    for i in range(n):
        text, user = MESSAGES[i % len(MESSAGES)]
        incoming = msg(text, user)
        if two_calls:
            await core.handle(incoming, 4096)
            await core.role_of(incoming.channel, incoming.user_id)
        else:
            await core.answer(incoming, 4096)
    return (time.perf_counter() - started) * 1000 / n


async def main() -> None:
    """Build the store, time the blocks, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--blocks", type=int, default=20)
    parser.add_argument("--per-block", type=int, default=200)
    opts = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="motcua-calls-"))
    settings = Settings(db_path=folder / "m.db", unit=UNIT, lookup_per_minute=10**9,  # type: ignore[call-arg]
                        lookup_per_day=10**9, _env_file=None)
    db = await Database.open(settings.db_path)
    ctx = AppContext(settings, db, WorkCalendar.from_settings(settings), clock=lambda: NOW)
    try:
        world = await sample_world(ctx)
        await staff_world(ctx, world)
        core = Core(ctx)
        await block(core, 50, True)  # warm-up
        await block(core, 50, False)
        old: list[float] = []
        new: list[float] = []
        for i in range(opts.blocks):
            for two_calls in ((True, False) if i % 2 else (False, True)):
                (old if two_calls else new).append(await block(core, opts.per_block, two_calls))
    finally:
        await db.close()
    print(f"{opts.blocks} blocks of {opts.per_block} messages each way, alternating")
    print("| calls per message | min ms | median ms | max ms |")
    print("|---|---:|---:|---:|")
    for name, values in (("handle() + role_of() (before)", old), ("answer() (after)", new)):
        print(f"| {name} | {min(values):.3f} | {statistics.median(values):.3f} | "
              f"{max(values):.3f} |")
    print(f"\nafter / before (medians): {statistics.median(new) / statistics.median(old):.2f}")


if __name__ == "__main__":
    asyncio.run(main())
