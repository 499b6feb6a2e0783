"""One person flooding lookups from 200 chats at once: how many are served against the limit.

    python bench/chat_flood.py [--chats 200] [--limit 10] [--rounds 5]

On the test suite's sample store, each round sends --chats lookups of a real code at once
(asyncio.gather) from one person, each from its own group chat, through two paths:
  * atomic — Core.handle as shipped: storage.ratelimit.take checks and spends in one
    BEGIN IMMEDIATE transaction before the dossier is read;
  * check-then-spend — the peer, the mechanism before issue 14: read the counters, look the
    dossier up, then add to the counters (three steps, reproduced here on the same store).
Every round uses a new person (fresh counters) and a per-minute limit of --limit. Prints, per
path, the lookups served (min / median / max over rounds) and the wall time of a round, and the
ratio of the medians.
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
from bot.core.types import Incoming
from bot.workdays import WorkCalendar
from storage import ratelimit
from storage.db import Database
from storage.dossiers import find_by_code
from tests.core_helpers import D_OK, sample_world

NOW = datetime(2026, 4, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # the tests' fixed clock


async def atomic(core: Core, user: str, chats: int) -> int:
    """The shipped path: lookups served out of `chats` sent at once."""
    answers = await asyncio.gather(*(core.handle(
        Incoming(channel="bench", user_id=user, chat_id=f"g{i}", text=D_OK)) for i in range(chats)))
    return sum("Đang xử lý" in a[0].text for a in answers)


async def check_then_spend(db: Database, user: str, chats: int, limit: int) -> int:
    """The peer: read the counter, look up, then spend — as the code did before issue 14."""

    async def one() -> bool:
        """One lookup in three steps."""
        async with db.reader.execute(
            "SELECT used FROM rate_limits WHERE channel = 'bench' AND user_id = ?"
            " AND bucket = 'lookup' AND window = ?", (user, f"m:{NOW:%Y-%m-%dT%H:%M}"),
        ) as cur:
            row = await cur.fetchone()
        if row is not None and row[0] >= limit:
            return False
        found = await find_by_code(db, D_OK)
        await ratelimit.spend(db, "bench", user, "lookup", NOW, 1)
        return bool(found)

    return sum(await asyncio.gather(*(one() for _ in range(chats))))


def _row(name: str, served: list[int], times: list[float]) -> str:
    """One Markdown row: served and ms per round, min / median / max."""
    return (f"| {name} | {min(served)} / {statistics.median(served):g} / {max(served)} | "
            f"{min(times):.0f} / {statistics.median(times):.0f} / {max(times):.0f} |")


async def run(chats: int, limit: int, rounds: int) -> None:
    """Alternate the two paths for `rounds` rounds on one store; print the table."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db_path=Path(tmp) / "flood.db", _env_file=None,  # type: ignore[call-arg]
                            lookup_per_minute=limit, lookup_per_day=10**6)
        db = await Database.open(settings.db_path)
        ctx = AppContext(settings, db, WorkCalendar.from_settings(settings), clock=lambda: NOW)
        await sample_world(ctx)
        core = Core(ctx)
        results: dict[str, tuple[list[int], list[float]]] = {"atomic": ([], []),
                                                             "check-then-spend": ([], [])}
        for r in range(rounds):
            for name in results:
                user = f"{name}-{r}"
                started = time.perf_counter()
                if name == "atomic":
                    served = await atomic(core, user, chats)
                else:
                    served = await check_then_spend(db, user, chats, limit)
                results[name][0].append(served)
                results[name][1].append((time.perf_counter() - started) * 1000)
        await db.close()
    print(f"{chats} lookups at once from {chats} chats of one person, limit {limit} a minute, "
          f"{rounds} rounds\n")
    print("| path | lookups served min / median / max | ms per round min / median / max |")
    print("|---|---|---|")
    for name, (served, times) in results.items():
        print(_row(name, served, times))
    a, p = (statistics.median(results[n][0]) for n in results)
    ta, tp = (statistics.median(results[n][1]) for n in results)
    print(f"\nserved, check-then-spend / atomic: {p / a:.1f}×; "
          f"time of a round, atomic / check-then-spend: {ta / tp:.2f}×")


def main() -> None:
    """Parse the arguments and run."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--chats", type=int, default=200)
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    asyncio.run(run(args.chats, args.limit, args.rounds))


if __name__ == "__main__":
    main()
