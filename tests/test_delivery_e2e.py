"""The real bot process (`motcua run`) delivers a 2,000-push fan-out through the fake Bot API,
is killed with SIGKILL mid-way, is started again, and ends with nothing lost."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter

from bot.context import AppContext
from storage import outbox
from tests.fakes.fake_telegram import FakeTelegram
from tests.telegram_helpers import BotProcess, run_motcua
from tests.test_delivery_telegram import BLOCKED, expected_texts, fan_out


async def test_bot_process_sigkill_mid_fan_out(ctx: AppContext) -> None:
    """Faults (429, 500, dropped connections, a 403 chat) and a SIGKILL: every message but the
    blocked chat's arrives; duplicates are at most the sends in flight at the kill."""
    n, chats = 2000, 400
    folder = ctx.settings.db_path.parent
    await outbox.enqueue(ctx.db, fan_out(n, chats), ctx.now())
    async with FakeTelegram() as tg:
        tg.inject("429", retry_after=1, count=2, method="sendmessage")
        tg.inject("500", count=10, method="sendmessage")
        tg.inject("drop", count=5, method="sendmessage")
        tg.block(BLOCKED)
        env = {
            **tg.env(),
            "MOTCUA_DB_PATH": str(ctx.settings.db_path),
            "MOTCUA_TELEGRAM_RATE_GLOBAL": "300",
            "MOTCUA_TELEGRAM_RATE_PER_CHAT": "20",
        }

        async def polling() -> object:
            """The bot is up once it long-polls."""
            return await tg.wait_for_call("getUpdates", 1, timeout=60)

        first = BotProcess(env, folder)
        await first.start(polling, timeout=60)
        for _ in range(1200):
            if len(tg.sent) >= n // 3:
                break
            await asyncio.sleep(0.05)
        assert first.proc is not None
        first.proc.send_signal(signal.SIGKILL)
        await first.proc.wait()
        assert first.proc.returncode == -signal.SIGKILL
        at_kill = len(tg.sent)
        assert 0 < at_kill < n, at_kill

        polls = len(tg.calls_to("getUpdates"))

        async def polling_again() -> object:
            """The restarted bot long-polls."""
            return await tg.wait_for_call("getUpdates", polls + 1, timeout=60)

        second = BotProcess(env, folder)
        await second.start(polling_again, timeout=60)
        want = expected_texts(n, chats)
        try:
            for _ in range(2400):
                if want <= {s.text for s in tg.sent}:
                    break
                await asyncio.sleep(0.05)
        finally:
            code = await second.stop()
        assert code == 0, second.stderr()[-3000:]
        got = Counter(s.text for s in tg.sent)
        assert set(got) == want  # nothing lost, nothing to the blocked chat
        duplicated = sum(v - 1 for v in got.values())
        assert duplicated <= 16, duplicated
        counts = await outbox.counts(ctx.db)
        assert (counts.pending, counts.sent, counts.dead, counts.blocked_chats) == (
            0,
            n - n // chats,
            n // chats,
            1,
        )
        rc, out, _ = await run_motcua(["outbox"], {"MOTCUA_DB_PATH": env["MOTCUA_DB_PATH"]}, folder)
        assert rc == 0 and f"Đã gửi: {n - n // chats}" in out
        print(f"\nbot killed after {at_kill} sent; duplicated {duplicated}")
