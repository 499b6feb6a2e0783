"""Fan-out benchmark: reminders through the outbox and TelegramSender (or ZaloSender) to a fake
Bot API that enforces a global rate (sliding 1-second window) with 429 answers.

The fake server runs in its own process (as the platform is not in the bot's process), the
delivery worker in this one.

Prints, per scenario: achieved rate / cap (goal ≥ 0.9), 429s received after the first second
(goal 0), lost (goal 0) and duplicated (goal 0). Usage:

    python -m bench.fanout            # Telegram: 1,500 messages at 30/s, then 5,000 at 300/s
    python -m bench.fanout --quick    # Telegram: 300 at 30/s and 1,000 at 300/s
    python -m bench.fanout --zalo     # the same through ZaloSender (Zalo's default cap: 30/s)
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.base import Sender  # noqa: E402
from bot.channels.telegram import TelegramSender  # noqa: E402
from bot.channels.zalo.client import ZaloClient  # noqa: E402
from bot.channels.zalo.sender import ZaloSender  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.context import AppContext  # noqa: E402
from bot.core.types import Reply  # noqa: E402
from bot.push.delivery import DeliveryWorker  # noqa: E402
from bot.push.payload import push_item  # noqa: E402
from storage import outbox  # noqa: E402
from tests.delivery_helpers import make_bot  # noqa: E402
from tests.fakes.fake_telegram import DEFAULT_TOKEN, FakeTelegram  # noqa: E402
from tests.fakes.fake_zalo import FakeZalo  # noqa: E402


class SlidingCap:
    """Counts sends in a sliding 1-second window; remembers every send and every refusal."""

    def __init__(self, cap: int) -> None:
        """A window allowing `cap` sends per second."""
        self.cap = cap
        self.window: collections.deque[float] = collections.deque()
        self.calls: list[float] = []
        self.too_many: list[float] = []  # monotonic times of the 429 answers

    def refuse(self) -> bool:
        """Record one send now; True when it is above the cap (the server answers 429)."""
        now = time.monotonic()
        self.calls.append(now)
        while self.window and self.window[0] <= now - 1.0:
            self.window.popleft()
        if len(self.window) >= self.cap:
            self.too_many.append(now)
            return True
        self.window.append(now)
        return False


class RateLimitedZalo(FakeZalo):
    """The fake Zalo Bot API answering 429 (no retry time, as Zalo) above `cap` sends a second."""

    def __init__(self, cap: int) -> None:
        """A server with this global cap on sendMessage."""
        super().__init__()
        self.cap = SlidingCap(cap)
        self.ok_calls: list[float] = []

    async def _m_sendMessage(self, payload: dict) -> web.Response:
        """Refuse the sends above the cap; record the others."""
        if self.cap.refuse():
            body = {"ok": False, "error_code": 429, "description": "Too Many Requests"}
            return web.json_response(body, status=429)
        self.ok_calls.append(time.monotonic())
        return await super()._m_sendMessage(payload)

    async def _m_benchstats(self, payload: dict) -> web.Response:
        """What the benchmark reads back: sent texts, send times, 429 times."""
        texts = [m["text"] for sent in self.sent.values() for m in sent]
        return web.json_response({"ok": True, "result": {
            "texts": texts, "send_calls": self.cap.calls, "ok_calls": self.ok_calls,
            "too_many": self.cap.too_many,
        }})


class RateLimitedTelegram(FakeTelegram):
    """The fake Bot API answering 429 (retry_after 1) above `cap` sends in any 1-second window."""

    def __init__(self, cap: int) -> None:
        """A server with this global cap on sendMessage."""
        super().__init__()
        self.cap = SlidingCap(cap)

    async def start(self) -> RateLimitedTelegram:
        """Listen, with an extra GET /stats route for the benchmark."""
        await super().start()
        return self

    def stats(self) -> dict:
        """What the benchmark reads back: sent texts, send times, 429 times."""
        return {
            "texts": [s.text for s in self.sent if s.method == "sendMessage"],
            "send_calls": [c.at for c in self.calls if c.method == "sendMessage"],
            "ok_calls": [c.at for c in self.calls if c.method == "sendMessage" and c.status == 200],
            "too_many": self.cap.too_many,
        }

    async def _api(self, request: web.Request) -> web.StreamResponse:
        """Count sends in the last second; refuse the ones above the cap."""
        if request.match_info["method"] == "benchstats":
            return web.json_response({"ok": True, "result": self.stats()})
        if request.match_info["method"].lower() == "sendmessage" and self.cap.refuse():
            return self._error(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        return await super()._api(request)


@dataclass
class Result:
    """One scenario's figures."""

    channel: str
    messages: int
    cap: int
    seconds: float
    rate: float
    ratio: float
    too_many_total: int
    too_many_after_first_second: int
    lost: int
    duplicated: int
    worker_errors: dict


async def serve(channel: str, cap: int) -> None:
    """Run the rate-limited fake server until stdin closes; print its port first."""
    server = RateLimitedTelegram(cap) if channel == "telegram" else RateLimitedZalo(cap)
    await server.start()
    print(server.port, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await server.stop()


class Platform:
    """The bot's side of one channel in a scenario: its Sender, stats call and shutdown."""

    def __init__(self, channel: str, port: int, ctx: AppContext) -> None:
        """Clients for the fake server on `port`."""
        self.channel = channel
        if channel == "telegram":
            self.bot = make_bot(DEFAULT_TOKEN, f"http://127.0.0.1:{port}/bot", pool=16)
        else:
            self.zalo = ZaloClient(FakeZalo().token, f"http://127.0.0.1:{port}/bot")
            self.zalo_sender = ZaloSender(self.zalo, ctx)

    async def sender(self) -> Sender:
        """The channel's Sender, ready."""
        if self.channel == "telegram":
            await self.bot.initialize()
            return TelegramSender(self.bot)
        return self.zalo_sender

    async def stats(self) -> dict:
        """The server's figures."""
        if self.channel == "telegram":
            return await self.bot.do_api_request("benchstats")
        return await self.zalo.call("benchstats")

    async def close(self) -> None:
        """Close the HTTP clients."""
        if self.channel == "telegram":
            await self.bot.shutdown()
        else:
            await self.zalo.aclose()


async def scenario(channel: str, messages: int, cap: int) -> Result:
    """Send `messages` reminders to as many chats through a server capped at `cap`/s."""
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.fanout",
        "--serve",
        str(cap),
        "--channel",
        channel,
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert server.stdout is not None and server.stdin is not None
    port = int((await server.stdout.readline()).decode())
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db_path=Path(tmp) / "bench.db", _env_file=None)  # type: ignore[call-arg]
        caps = {f"{channel}_rate_global": float(cap), f"{channel}_rate_per_chat": 1.0}
        settings = settings.model_copy(update=caps)
        ctx = await AppContext.open(settings)
        items = [
            push_item(
                channel,
                str(2_000_000 + i),
                f"remind:CB{i}:2026-04-15:{channel}:{i}",
                Reply(f"Nhắc việc số {i}: 1 hồ sơ quá hạn."),
                "remind",
            )
            for i in range(messages)
        ]
        await outbox.enqueue(ctx.db, items, ctx.now())
        platform = Platform(channel, port, ctx)
        worker = DeliveryWorker(ctx, {channel: await platform.sender()}, concurrency=16)
        started = time.monotonic()
        await worker.drain(timeout=messages / cap * 3 + 60)
        wall = time.monotonic() - started
        errors = worker.stats.by_error
        stats = await platform.stats()
        await platform.close()
        await ctx.close()
    server.stdin.close()
    await server.wait()
    first, last = min(stats["send_calls"]), max(stats["ok_calls"])
    # Rate over the span between the first and the last delivered message: n-1 intervals.
    rate = (len(stats["texts"]) - 1) / max(last - first, 1e-9)
    texts = collections.Counter(stats["texts"])
    expected = {f"Nhắc việc số {i}: 1 hồ sơ quá hạn." for i in range(messages)}
    return Result(
        channel=channel,
        messages=messages,
        cap=cap,
        seconds=wall,
        rate=rate,
        ratio=rate / cap,
        too_many_total=len(stats["too_many"]),
        too_many_after_first_second=sum(1 for t in stats["too_many"] if t > first + 1.0),
        lost=len(expected - set(texts)),
        duplicated=sum(v - 1 for v in texts.values()),
        worker_errors=dict(errors),
    )


def show(r: Result) -> str:
    """One result as a Markdown table row."""
    return (
        f"| {r.channel} | {r.messages:,} | {r.cap}/s | {r.seconds:.1f} s | {r.rate:.1f}/s | "
        f"{r.ratio:.3f} | "
        f"{r.too_many_total} | {r.too_many_after_first_second} | {r.lost} | {r.duplicated} | "
        f"{', '.join(f'{k} {v}' for k, v in sorted(r.worker_errors.items())) or '—'} |"
    )


async def main(quick: bool, channel: str) -> None:
    """Run both scenarios and print a Markdown table."""
    logging.basicConfig(level=logging.WARNING)
    runs = [(300, 30), (1000, 300)] if quick else [(1500, 30), (5000, 300)]
    print(
        "| channel | messages | cap | wall time | achieved | achieved / cap | 429s "
        "| 429s after 1st s | lost | duplicated | worker retries |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for messages, cap in runs:
        print(show(await scenario(channel, messages, cap)), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs")
    parser.add_argument("--zalo", action="store_true", help="through ZaloSender")
    parser.add_argument("--serve", type=int, metavar="CAP", help=argparse.SUPPRESS)
    parser.add_argument("--channel", default="telegram", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.channel, args.serve))
    else:
        asyncio.run(main(args.quick, "zalo" if args.zalo else "telegram"))
