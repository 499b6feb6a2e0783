"""Quality, measured: 300+ citizens' messages from the demo data — intent accuracy ≥ 98 % and
zero answers about a wrong dossier, through the real Core on the demo store."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from bot.context import AppContext
from bot.core.router import Core
from bot.handlers.talk import decide
from tests.citizen_helpers import demo_ctx, demo_store  # noqa: F401  (fixtures)
from tests.core_helpers import ask, joined

MESSAGES = Path(__file__).parent / "data" / "citizen_messages.csv"
DEMO_CODE = re.compile(r"000\.34\.27\.H31-\d{6}-\d{4}")  # the demo unit's codes


def rows() -> list[dict[str, str]]:
    """The messages with their expected intent and dossier."""
    with MESSAGES.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_data_set_is_large_and_varied() -> None:
    """At least 300 messages, every intent present, most without accents or with codes."""
    data = rows()
    assert len(data) >= 300
    intents = {r["intent"] for r in data}
    assert intents >= {"lookup_code", "near_code", "follow", "unfollow", "lookup", "catalogue",
                       "contact", "help", "thanks", "greeting", "unknown"}
    assert sum(1 for r in data if r["dossier"]) >= 100


def test_intent_accuracy_is_at_least_98_percent() -> None:
    """The intent table (and the code finder) get ≥ 98 % of the messages right."""
    data = rows()
    wrong = [(r["message"], r["intent"], decide(r["message"])[0]) for r in data
             if decide(r["message"])[0] != r["intent"]]
    assert len(wrong) <= 0.02 * len(data), wrong


async def test_no_answer_is_about_a_wrong_dossier(demo_ctx: AppContext) -> None:  # noqa: F811
    """Every answer names only the expected dossier (or none at all)."""
    core = Core(demo_ctx)
    wrong: list[tuple[str, str, list[str]]] = []
    missed: list[str] = []
    for n, row in enumerate(rows()):
        replies = await ask(core, row["message"], user=f"q{n}")
        shown = set(DEMO_CODE.findall(joined(replies)))
        shown |= {c for r in replies for line in r.buttons for b in line
                  for c in DEMO_CODE.findall(b.data)}
        expected = {row["dossier"]} if row["dossier"] else set()
        if shown - expected:
            wrong.append((row["message"], row["dossier"], sorted(shown)))
        if row["intent"] in ("lookup_code", "follow", "near_code") and not shown:
            missed.append(row["message"])
    assert wrong == []
    assert missed == []
