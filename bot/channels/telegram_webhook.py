"""Telegram webhook intake: checks the secret, caps the body, refuses bad JSON, answers a
replayed update_id once, and bounds the updates waiting, before anything reaches the core.

python-telegram-bot's own webhook server (tornado) accepts bodies up to 100 MB, answers 500 to
malformed JSON, logs a junk update with its whole content at CRITICAL and queues every update it
is given, replays included. This small aiohttp server puts updates on the same
`Application.update_queue` instead, so the handlers are those of polling mode.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application, ExtBot, SimpleUpdateProcessor

from bot.channels.intake import MAX_BODY, checked_body, refuse
from bot.context import AppContext
from storage import updates_seen

log = logging.getLogger("motcua.telegram")

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_WAITING = 500  # updates queued and not yet handled; above this Telegram is told to retry
SEEN_KEPT = timedelta(days=3)  # Telegram retries an update for 24 hours at most
PRUNE_EVERY = 3600.0  # seconds between two prunings of the seen ids


def parse_update(body: bytes) -> tuple[dict[str, Any] | None, str]:
    """The update object of a webhook body, or None and why it was refused (for the log)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return None, "malformed JSON"
    if not isinstance(data, dict):
        return None, "not one update object"
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return None, "no update_id"
    return data, ""


class CountingProcessor(SimpleUpdateProcessor):
    """PTB's default update processor that also counts the updates it holds (waiting for a
    free slot or running), so the webhook can refuse work beyond what may wait."""

    def __init__(self, max_concurrent_updates: int) -> None:
        """At most max_concurrent_updates run at once, like SimpleUpdateProcessor."""
        super().__init__(max_concurrent_updates)
        self.held = 0

    async def process_update(  # type: ignore[misc]  # PTB marks it final; the wait is counted too
        self, update: object, coroutine: Awaitable[Any]
    ) -> None:
        """Process one update, counted while it waits and runs."""
        self.held += 1
        try:
            await super().process_update(update, coroutine)
        finally:
            self.held -= 1


class TelegramWebhook:
    """The webhook HTTP server of one TelegramChannel."""

    def __init__(self, ctx: AppContext, application: Application, secret: str, path: str,
                 *, held: Callable[[], int] = lambda: 0, max_waiting: int = MAX_WAITING) -> None:
        """Serve POSTs at `path` for this Application, with this secret token; `held` counts
        the updates taken from the queue and not finished yet."""
        self.ctx = ctx
        self.application = application
        self.held = held
        self.secret = secret
        self.path = "/" + path.strip("/")
        self.max_waiting = max_waiting
        self._runner: web.AppRunner | None = None
        self._pruned_at = 0.0
        self.port: int | None = None

    async def start(self, listen: str, port: int) -> None:
        """Start listening on listen:port."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self.on_post)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, listen, port)
        await site.start()
        if self._runner.addresses:  # the port really bound (port 0: one the system chose)
            self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop listening (updates already queued are handled by the Application)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _refuse(self, status: int, reason: str) -> web.Response:
        """Refuse a webhook request with one WARNING line."""
        return refuse(log, "Telegram", status, reason)

    async def on_post(self, request: web.Request) -> web.Response:
        """Take one update in: 403 wrong secret, 413 too big, 400 junk, 503 too busy."""
        body, (status, reason) = await checked_body(request, SECRET_HEADER, self.secret)
        if body is None:
            return self._refuse(status, reason)
        data, problem = parse_update(body)
        if data is None:
            return self._refuse(400, problem)
        if self.application.update_queue.qsize() + self.held() >= self.max_waiting:
            return self._refuse(503, "too many updates waiting")
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception:  # a dict Telegram never sends: refused, its content not logged
            return self._refuse(400, "not an update")
        await self._maybe_prune()
        if not await updates_seen.mark_seen(self.ctx.db, CHANNEL, str(data["update_id"]),
                                            self.ctx.now()):
            log.info("Telegram webhook: update already taken in, skipped")
            return web.Response(status=200, text="ok")
        if isinstance(self.application.bot, ExtBot):
            self.application.bot.insert_callback_data(update)
        await self.application.update_queue.put(update)
        return web.Response(status=200, text="ok")

    async def _maybe_prune(self) -> None:
        """Forget seen update ids older than SEEN_KEPT, at most once per PRUNE_EVERY."""
        if self._pruned_at and time.monotonic() - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = time.monotonic()
        removed = await updates_seen.prune_seen(self.ctx.db, self.ctx.now() - SEEN_KEPT,
                                                 CHANNEL)
        if removed:
            log.info("Telegram webhook: forgot %d old update ids", removed)
