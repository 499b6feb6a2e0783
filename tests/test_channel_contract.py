"""The one channel contract: the core answers once per message with the role after it, and
tells a channel its staff chats; the runner runs the channels it is given."""

from __future__ import annotations

import asyncio

from bot.channels.base import Channel, ChatCore, Sender
from bot.context import AppContext
from bot.core.registry import Request, Router, Routes
from bot.core.router import ERROR, Core
from bot.core.types import Reply
from bot.runner import run_bot
from storage import staff as staff_store
from storage.units import ensure_unit
from tests.core_helpers import UNIT, msg
from tests.telegram_helpers import StandInCore


async def test_answer_gives_the_role_after_the_message(ctx: AppContext, core: Core) -> None:
    """/dangky makes a citizen an officer: the answer says so; other messages keep the role."""
    unit = await ensure_unit(ctx.db, UNIT)
    _, code, _ = await staff_store.invite(ctx.db, unit_id=unit, name="Lê Thị Thu Trang",
                                          role="officer", officer_code="cb03", now=ctx.now())
    plain = await core.answer(msg("/start", user="newbie"))
    assert plain.role == "citizen"
    joined = await core.answer(msg(f"/dangky {code}", user="newbie"))
    assert "Đăng ký thành công" in joined.replies[0].text
    assert joined.role == "officer"
    assert (await core.answer(msg("/quahan", user="leader"))).role == "leader"
    assert (await core.answer(msg("/dangky SAI-MA", user="other"))).role == "citizen"


async def test_a_failed_message_still_tells_the_role_after_it(ctx: AppContext) -> None:
    """A handler that links the sender to a staff record, then fails: the apology, and the
    role the store now holds (asked again, as the menus need it)."""
    router = Router()

    @router.command("hong")
    async def hong(req: Request) -> list[Reply]:
        """Make the sender an officer, then fail."""
        unit = await ensure_unit(req.ctx.db, UNIT)
        member = await staff_store.create_staff(req.ctx.db, unit_id=unit, name="Cán Bộ Hỏng",
                                                role="officer", officer_code="CB77",
                                                now=req.ctx.now())
        await staff_store.link(req.ctx.db, member.id, "test", "hong", "hong", req.ctx.now())
        raise RuntimeError("hỏng")

    answer = await Core(ctx, routes=Routes([router])).answer(msg("/hong", user="hong"))
    assert [r.text for r in answer.replies] == [ERROR]
    assert answer.role == "officer"


async def test_staff_chats_are_linked_staff_and_the_channels_admins(
    ctx: AppContext, core: Core
) -> None:
    """Staff linked on the channel with their role, and the admins of MOTCUA_ADMIN_IDS that
    name this channel or no channel (an admin who is also staff is shown as admin)."""
    ctx.settings = ctx.settings.model_copy(
        update={"admin_ids": ["123", "test:456", "zalo:abc", "zalo:789", "test:leader"]})
    chats = dict(await core.staff_chats("test"))
    assert chats == {"officer": "officer", "officer2": "officer", "leader": "admin",
                     "admin": "admin", "123": "admin", "456": "admin"}
    assert dict(await core.staff_chats("zalo")) == {"123": "admin", "abc": "admin",
                                                   "789": "admin"}


class _Sender:
    """A sender that keeps what it is given."""

    name = "thu"
    max_text = 100

    def __init__(self) -> None:
        """Nothing sent yet."""
        self.sent: list[tuple[str, Reply]] = []

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Keep the reply."""
        self.sent.append((chat_id, reply))


class _Channel:
    """A channel that records its life cycle."""

    def __init__(self) -> None:
        """Not started."""
        self.sender: Sender = _Sender()
        self.events: list[str] = []

    async def start(self) -> None:
        """Record the start."""
        self.events.append("start")

    async def stop(self) -> None:
        """Record the stop."""
        self.events.append("stop")


async def test_run_bot_runs_the_channels_it_is_given(ctx: AppContext) -> None:
    """No token needed: the given channels start, the services run, `stop` stops them all."""
    first, second = _Channel(), _Channel()
    channels: list[Channel] = [first, second]
    core: ChatCore = StandInCore()
    stop = asyncio.Event()
    task = asyncio.create_task(run_bot(ctx, core=core, channels=channels, stop=stop))
    for _ in range(200):
        if second.events:
            break
        await asyncio.sleep(0.01)
    assert first.events == second.events == ["start"]
    stop.set()
    await asyncio.wait_for(task, 20)
    assert first.events == second.events == ["start", "stop"]
