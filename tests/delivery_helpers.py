"""A stand-alone outbox delivery process for the kill/restart tests and the fan-out benchmark.

`python -m tests.delivery_helpers` reads MOTCUA_* settings from the environment, sends the outbox
through TelegramSender (plain Bot on MOTCUA_TELEGRAM_API_URL) until nothing is pending, prints
one JSON line of counters and exits 0.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.channels.telegram import TelegramSender
from bot.config import load_settings
from bot.context import AppContext
from bot.push.delivery import DeliveryWorker


def make_bot(token: str, api_url: str, pool: int = 64) -> Bot:
    """A plain Bot on this API URL with a connection pool big enough for concurrent sends."""
    request = HTTPXRequest(connection_pool_size=pool, read_timeout=10, connect_timeout=5)
    return Bot(token, base_url=api_url, request=request)


async def main() -> int:
    """Drain the outbox; print counters as JSON."""
    settings = load_settings()
    ctx = await AppContext.open(settings)
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    bot = make_bot(token, settings.telegram_api_url)
    await bot.initialize()
    concurrency = int(os.environ.get("DELIVERY_CONCURRENCY", "8"))
    worker = DeliveryWorker(
        ctx,
        {"telegram": TelegramSender(bot)},
        concurrency=concurrency,
        backoff_base=float(os.environ.get("DELIVERY_BACKOFF", "0.2")),
        backoff_cap=2.0,
    )
    started = time.monotonic()
    left = await worker.drain(timeout=float(os.environ.get("DELIVERY_TIMEOUT", "300")))
    took = time.monotonic() - started
    await bot.shutdown()
    await ctx.close()
    stats = worker.stats
    print(
        json.dumps(
            {
                "left": left,
                "seconds": took,
                "sent": stats.sent,
                "retry_later": stats.retry_later,
                "transient": stats.transient,
                "blocked": stats.blocked,
                "dead": stats.dead,
            }
        ),
        flush=True,
    )
    return 0 if left == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
