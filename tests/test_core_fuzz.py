"""Fuzzing Core.handle: 10,000 generated hostile messages per role, arbitrary unicode, control
characters, 100 kB messages, every command with every role — never an exception or an apology,
always ≥ 1 reply within the limit, no personal data without the 4 digits."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.context import AppContext
from bot.core.router import CAPTION_MAX, ERROR, Core
from bot.core.types import Attachment, Reply
from bot.handlers import standard_routes
from bot.workdays import WorkCalendar
from storage.db import Database
from tests.core_helpers import D_OK, PHONE4, msg, sample_world, staff_world
from tests.fuzz_messages import fuzz

pytestmark = pytest.mark.engines

USERS = ["citizen", "officer", "leader", "admin"]
ODD_ARGS = ["", "0", "-1", "99999999999999999999", "quy9", "13/2026", "31/02/2026 01/01/2026",
            "%", "_", "'; DROP TABLE dossiers; --", "\u202e\u0000", "đ" * 300, D_OK,
            f"{D_OK} {PHONE4[D_OK]}", "hs:abc", "1 2 3 4 5 6 7 8 9", "🙂" * 50, "\\", "quy1 2026",
            "thang 3/2026", "nam 2026", "01/01/2026 31/03/2026", "canbo Ai Đó CB01"]


class World:
    """A Core on a sample store, driven from synchronous hypothesis tests."""

    def __init__(self, tmp: Path) -> None:
        """Open the store on a private event loop and fill it."""
        self.loop = asyncio.new_event_loop()
        now = datetime(2026, 4, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
        s = Settings(db_path=tmp / "fuzz.db", _env_file=None,  # type: ignore[call-arg]
                     lookup_per_minute=1_000_000, lookup_per_day=1_000_000)
        self.db = self.loop.run_until_complete(Database.open(s.db_path))
        self.ctx = AppContext(s, self.db, WorkCalendar.from_settings(s), clock=lambda: now)
        world = self.loop.run_until_complete(sample_world(self.ctx))
        self.loop.run_until_complete(staff_world(self.ctx, world))
        self.core = Core(self.ctx)

    def send(self, text: str, user: str, max_text: int = 4096, **kw: object) -> list[Reply]:
        """Send one message and check the core's promises; returns the replies."""
        replies = self.loop.run_until_complete(
            self.core.handle(msg(text, user, **kw), max_text))  # type: ignore[arg-type]
        check(replies, max_text)
        return replies

    def close(self) -> None:
        """Close the store and the loop."""
        self.loop.run_until_complete(self.db.close())
        self.loop.close()


def check(replies: list[Reply], max_text: int) -> None:
    """≥ 1 reply, texts within the limit, captions within 1024, no apology for a crash."""
    assert replies, "no reply"
    for r in replies:
        assert isinstance(r, Reply)
        limit = max_text if r.kind == "text" else min(max_text, CAPTION_MAX)
        assert len(r.text) <= limit, (len(r.text), limit)
        assert r.text != ERROR, "a handler raised"
        assert r.text or r.kind != "text" or r.buttons


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """The fuzzing world."""
    w = World(tmp_path)
    yield w
    w.close()


GENERATED = 10_000  # messages per role from tests/fuzz_messages.py (100,000: bench/chat_fuzz.py)
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@pytest.mark.parametrize("role", USERS)
def test_ten_thousand_generated_messages(world: World, role: str) -> None:
    """10,000 hostile messages (digits of 8 scripts, invisible and RTL marks, odd separators,
    button data): no exception, no apology, no exception name, no data without the 4 digits."""
    crashes, found = world.loop.run_until_complete(
        fuzz(world.core, role, GENERATED, seed=14 + USERS.index(role)))
    assert crashes == 0
    assert found == []


@FUZZ
@given(text=st.text(max_size=300), user=st.sampled_from(USERS),
       max_text=st.one_of(st.integers(1, 80), st.integers(64, 4096)), button=st.booleans())
def test_arbitrary_unicode(world: World, text: str, user: str, max_text: int,
                           button: bool) -> None:
    world.send(text, user, max_text, is_button=button)


@FUZZ
@given(text=st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp",
                                                              "Mn"]), max_size=200),
       user=st.sampled_from(USERS))
def test_control_and_invisible_characters(world: World, text: str, user: str) -> None:
    world.send(text, user)
    world.send("/tracuu" + text + D_OK + text, user)


@FUZZ
@given(name=st.sampled_from(sorted(set(standard_routes().all_names()) | {"x", "tracuu@bot"})),
       args=st.lists(st.one_of(st.sampled_from(ODD_ARGS), st.text(max_size=40)), max_size=5),
       user=st.sampled_from(USERS), max_text=st.integers(64, 4096))
def test_commands_with_odd_arguments(world: World, name: str, args: list[str], user: str,
                                     max_text: int) -> None:
    world.send(f"/{name} " + " ".join(args), user, max_text)


def test_every_command_with_every_role(world: World) -> None:
    names = standard_routes().all_names()
    assert len(names) > 20
    for name in names:
        for user in USERS:
            for args in ("", "quy1 2026", D_OK, "1", "x" * 5000):
                world.send(f"/{name} {args}", user)
            world.send(f"/{name} {'y' * 100_000}", user, 4096)


@pytest.mark.parametrize("text", [
    "x" * 100_000, "a " * 50_000, "\n" * 100_000, "/tracuu " + "9" * 100_000,
    "/thutuc " + "khai sinh " * 10_000, "tra cứu " + "đ" * 100_000, D_OK * 4000,
    "🙂" * 100_000, "/quy1 " + "2026 " * 20_000, "\x00" * 100_000,
])
def test_hundred_kilobyte_messages(world: World, text: str) -> None:
    for user in USERS:
        world.send(text, user, 4096)
        world.send(text, user, 64)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.sampled_from(["a.csv", "b.xlsx", "c.txt", "", "../../etc/passwd.csv", "d.CSV"]),
       data=st.binary(max_size=2000), user=st.sampled_from(USERS))
def test_random_attachments(world: World, name: str, data: bytes, user: str) -> None:
    world.send("", user, attachment=Attachment(name, data))
