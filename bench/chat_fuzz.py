"""The long chat fuzz: generated hostile messages per role through the real core; counts crashes.

    python bench/chat_fuzz.py [--per-role 100000] [--seed 14] [--batch 64] [--roles ...]

Builds the test suite's sample store (tests/core_helpers.py: two units, eight dossiers, staff),
then sends --per-role messages from each role made by tests/fuzz_messages.Generator: digits of
eight scripts (fullwidth, superscript, Arabic-Indic, …), zero-width and RTL marks, codes with odd
separators, button data (hs:, rate:, caidat:, …), every command. Counts the exceptions the core
caught and logged, and the answers breaking a promise (crash apology, exception name shown,
reply too long, a citizen shown a full name or an applicant without the 4 digits). Prints one
Markdown row per role with the time per message (min/median/max over blocks of 1,000) and the
counts; exits 1 when anything was found. The same generator runs 10,000 per role in
tests/test_core_fuzz.py.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings
from bot.context import AppContext
from bot.core.router import Core
from bot.workdays import WorkCalendar
from storage.db import Database
from tests.core_helpers import sample_world, staff_world
from tests.fuzz_messages import ROLES, fuzz

BLOCK = 1000
NOW = datetime(2026, 4, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # the tests' fixed clock


async def run(per_role: int, seed: int, batch: int, roles: list[str]) -> int:
    """Fuzz each role on a fresh sample store; print the table; the number of findings."""
    total = 0
    print("| role | messages | exceptions | broken promises | ms/message min / median / max |")
    print("|---|---:|---:|---:|---|")
    for role in roles:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(db_path=Path(tmp) / "fuzz.db", _env_file=None,  # type: ignore[call-arg]
                                lookup_per_minute=10**9, lookup_per_day=10**9)
            db = await Database.open(settings.db_path)
            ctx = AppContext(settings, db, WorkCalendar.from_settings(settings), clock=lambda: NOW)
            await staff_world(ctx, await sample_world(ctx))
            core = Core(ctx)
            crashes, found, times = 0, Counter[str](), []
            examples: dict[str, str] = {}
            for block in range(0, per_role, BLOCK):
                n = min(BLOCK, per_role - block)
                started = time.perf_counter()
                c, f = await fuzz(core, role, n, seed * 1_000_003 + block, batch)
                times.append((time.perf_counter() - started) / n * 1000)
                crashes += c
                for problem, text in f:
                    found[problem] += 1
                    examples.setdefault(problem, text)
            await db.close()
        total += crashes + sum(found.values())
        print(f"| {role} | {per_role:,} | {crashes} | {sum(found.values())} | "
              f"{min(times):.2f} / {statistics.median(times):.2f} / {max(times):.2f} |")
        for problem, text in examples.items():
            print(f"  {problem} ×{found[problem]}: {text!r}", file=sys.stderr)
    return total


def main() -> None:
    """Parse the arguments and run."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--per-role", type=int, default=100_000, help="messages per role")
    ap.add_argument("--seed", type=int, default=14, help="the generator's seed")
    ap.add_argument("--batch", type=int, default=64, help="messages handled concurrently")
    ap.add_argument("--roles", nargs="*", default=list(ROLES), choices=ROLES)
    args = ap.parse_args()
    started = time.perf_counter()
    found = asyncio.run(run(args.per_role, args.seed, args.batch, args.roles))
    print(f"\n{found} findings in {time.perf_counter() - started:.0f} s")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
