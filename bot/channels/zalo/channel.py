"""ZaloChannel: takes updates in (long polling or a webhook server), answers through the core."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from aiohttp import web

from bot.channels.base import (
    ChatCore,
    DeliveryError,
    PermanentError,
    RecipientBlocked,
    RetryLater,
)
from bot.channels.intake import MAX_BODY, checked_body, refuse
from bot.channels.polling_turn import PollingTurn, lock_name
from bot.channels.zalo.client import (
    SECRET_HEADER,
    ZaloApiError,
    ZaloClient,
    ZaloError,
    updates_from_result,
)
from bot.channels.zalo.files import add_file_route, signing_key
from bot.channels.zalo.render import chosen
from bot.channels.zalo.sender import ZaloSender
from bot.context import AppContext
from bot.core.types import Attachment, Incoming, Reply
from bot.push.backoff import backoff
from storage import zalo_seen

log = logging.getLogger(__name__)

TEXT_EVENT = "message.text.received"
IMAGE_EVENT = "message.image.received"
SEEN_KEPT = timedelta(days=30)  # message ids older than this are forgotten
PRUNE_EVERY = 3600.0  # seconds between two prunings of the seen ids
TOKEN_REFUSED = {400, 401, 403, 404}  # getMe answers that mean the token is wrong
MAX_PER_REQUEST = 20  # updates in one webhook POST (the platform sends one)
MAX_WAITING = 500  # updates being handled; above this the platform is told to retry (503)
NOT_TEXT = (
    "Xin lỗi, bot chỉ đọc được tin nhắn chữ và ảnh giấy biên nhận. Hãy gửi mã hồ sơ hoặc một "
    "lệnh, ví dụ /start."
)


def update_key(update: dict[str, Any]) -> str:
    """The id a replay of this update repeats: its message_id, else a digest of its content."""
    message = update.get("message")
    message_id = message.get("message_id") if isinstance(message, dict) else None
    if message_id is not None:
        return str(message_id)
    canonical = json.dumps(update, sort_keys=True, ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def parse_body(body: bytes) -> tuple[list[dict[str, Any]] | None, str]:
    """The updates of a webhook body, or None and why it was refused (for the log)."""
    try:
        data = json.loads(body)
        updates = updates_from_result(data)
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return None, "malformed JSON"
    if not updates and not (isinstance(data, dict) and "result" in data):
        return None, "no update"
    if len(updates) > MAX_PER_REQUEST:
        return None, f"more than {MAX_PER_REQUEST} updates"
    return updates, ""


def _display_name(sender: dict[str, Any]) -> str | None:
    """The sender's name: `from.display_name` (documented), else `first_name` or `name`."""
    for key in ("display_name", "first_name", "name"):
        value = sender.get(key)
        if value:
            return str(value)
    return None


class ZaloChannel:
    """The bot on the Zalo Bot Platform: polling by default, webhook when a URL is set."""

    def __init__(
        self,
        ctx: AppContext,
        core: ChatCore,
        *,
        poll_timeout: int = 30,
        retry_base: float = 1.0,
        answer_attempts: int = 4,
    ) -> None:
        """Build the client and sender from ctx.settings (MOTCUA_ZALO_TOKEN is required)."""
        settings = ctx.settings
        if settings.zalo_token is None or not settings.zalo_token.get_secret_value():
            raise ValueError("MOTCUA_ZALO_TOKEN is not set")
        self.ctx = ctx
        self.core = core
        self.client = ZaloClient(settings.zalo_token.get_secret_value(), settings.zalo_api_url)
        self.sender = ZaloSender(self.client, ctx)
        self.poll_timeout = poll_timeout
        self.retry_base = retry_base
        self.answer_attempts = answer_attempts
        self.webhook_secret = (
            settings.zalo_webhook_secret.get_secret_value()
            if settings.zalo_webhook_secret is not None
            else ""
        )
        self._poller: asyncio.Task[None] | None = None
        self.poll_lock_name = lock_name("zalo", settings.zalo_token.get_secret_value())
        self.turn: PollingTurn | None = None  # long polling, one process at a time
        self._me = ""
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._chat_locks: dict[str, asyncio.Lock] = {}
        self.port: int | None = None  # the webhook server's bound port once started
        self._pruned_at = 0.0
        self._closed = False

    # --- life cycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the long-polling task, or set the webhook and start its web server.

        Raises RuntimeError (Vietnamese) when the platform refuses the token or the webhook;
        an unreachable platform is only logged (polling retries with backoff).
        """
        try:
            me = await self._check_token()
            if self.ctx.settings.zalo_webhook_url:
                await self._start_webhook(self.ctx.settings.zalo_webhook_url)
                log.info("Zalo: webhook mode (%s), bot %s", self.ctx.settings.zalo_webhook_url, me)
                return
            try:
                await self.client.delete_webhook()  # getUpdates is refused while one is set
            except ZaloError as exc:
                log.warning("Zalo deleteWebhook failed (polling anyway): %s", exc)
        except BaseException:
            await self.stop()
            raise
        self._me = me
        self.turn = PollingTurn(self.ctx.db, "Zalo", self.poll_lock_name,
                                self._start_polling, self._stop_polling)
        try:
            await self.turn.start()
        except BaseException:
            self.turn = None
            await self.stop()
            raise

    async def _start_polling(self) -> None:
        """Start the long-polling task (this process holds the polling lock)."""
        self._poller = asyncio.create_task(self._poll_loop(), name="zalo-poll")
        log.info("Zalo: long polling, bot %s", self._me)

    async def _stop_polling(self) -> None:
        """Stop the long-polling task (the lock was lost, or the channel stops)."""
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None

    async def stop(self) -> None:
        """Stop polling or the web server, let answers in progress finish, close the client."""
        if self.turn is not None:
            await self.turn.stop()
            self.turn = None
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=10)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if not self._closed:
            self._closed = True
            await self.client.aclose()

    async def _check_token(self) -> str:
        """getMe: the bot's account name; RuntimeError when the platform refuses the token."""
        try:
            me = await self.client.get_me()
        except ZaloApiError as exc:
            if exc.code not in TOKEN_REFUSED:
                log.warning("Zalo getMe failed (going on): %s", exc)
                return "?"
            raise RuntimeError(
                f"Zalo từ chối MOTCUA_ZALO_TOKEN (mã lỗi {exc.code}: {exc.description}). "
                "Lấy lại token trong Zalo Bot Manager."
            ) from None
        except ZaloError as exc:
            log.warning("Zalo getMe failed (the platform is unreachable?): %s", exc)
            return "?"
        return str(me.get("account_name") or me.get("name") or me.get("id") or "?")

    # --- polling ----------------------------------------------------------------------------

    async def _poll_loop(self) -> None:
        """Long-poll getUpdates forever; back off exponentially (with jitter) on errors."""
        failures = 0
        while True:
            try:
                updates = await self.client.get_updates(timeout=self.poll_timeout)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # network, 5xx, 429, bad answer: wait and poll again
                delay = backoff(failures, self.retry_base, 60.0)
                failures += 1
                log.warning("Zalo getUpdates failed (%s); again in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            for update in updates:
                self._spawn(update)

    # --- webhook ----------------------------------------------------------------------------

    async def _start_webhook(self, url: str) -> None:
        """Serve POSTs on zalo_webhook_listen:port at the URL's path, then call setWebhook."""
        if not self.webhook_secret:
            self.webhook_secret = secrets.token_urlsafe(32)
            log.warning("MOTCUA_ZALO_WEBHOOK_SECRET not set: using a random secret for this run")
        if not self.webhook_secret.isascii() or not 8 <= len(self.webhook_secret) <= 256:
            raise RuntimeError("MOTCUA_ZALO_WEBHOOK_SECRET phải dài 8–256 ký tự ASCII.")
        path = urlparse(url).path or "/"
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(path, self._on_webhook)
        self.sender.files_key = signing_key(self.webhook_secret)  # issue 17: chart/report links
        add_file_route(app, self.ctx, self.sender.files_key)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        settings = self.ctx.settings
        site = web.TCPSite(self._runner, settings.zalo_webhook_listen, settings.zalo_webhook_port)
        await site.start()
        if self._runner.addresses:  # the port really bound (port 0: one the system chose)
            self.port = self._runner.addresses[0][1]
        try:
            await self.client.set_webhook(url, self.webhook_secret)
        except ZaloError as exc:
            raise RuntimeError(f"Zalo không nhận webhook {url}: {exc}") from None

    async def _on_webhook(self, request: web.Request) -> web.Response:
        """Check the X-Bot-Api-Secret-Token header, then take the update(s) in."""
        body, (status, reason) = await checked_body(request, SECRET_HEADER, self.webhook_secret)
        if body is None:
            return self._refuse(status, reason)
        updates, problem = parse_body(body)
        if updates is None:
            return self._refuse(400, problem)
        if len(self._tasks) + len(updates) > MAX_WAITING:
            return self._refuse(503, "too many updates waiting")
        for update in updates:
            self._spawn(update)
        return web.json_response({"ok": True})

    def _refuse(self, status: int, reason: str) -> web.Response:
        """Refuse a webhook request with one WARNING line."""
        return refuse(log, "Zalo", status, reason)

    # --- answering --------------------------------------------------------------------------

    def _spawn(self, update: dict[str, Any]) -> None:
        """Handle one update in its own task (answers in one chat stay in order)."""
        task = asyncio.create_task(self._guarded(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guarded(self, update: dict[str, Any]) -> None:
        """handle_update, logging instead of raising."""
        try:
            await self.handle_update(update)
        except Exception:
            log.exception("Zalo: failed to handle an update")

    async def handle_update(self, update: dict[str, Any]) -> None:
        """Answer one update, once: a message_id already seen is skipped."""
        message = update.get("message")
        if not isinstance(message, dict):
            return
        chat = message.get("chat") or {}
        person = message.get("from") or {}
        chat_id = str(chat.get("id") or person.get("id") or "")
        user_id = str(person.get("id") or chat_id)
        if not chat_id:
            return
        await self._maybe_prune()
        key = update_key(update)  # without a message_id, a replay repeats the same content
        if not await zalo_seen.mark_seen(self.ctx.db, key, chat_id, self.ctx.now()):
            log.info("Zalo: an update already answered, skipped")
            return
        lock = self._chat_locks.setdefault(chat_id, asyncio.Lock())
        async with lock:
            event = update.get("event_name") or (TEXT_EVENT if "text" in message else "")
            text = message.get("text")
            if event == IMAGE_EVENT:  # a receipt photo: its QR code or barcode is read
                await self.sender.typing(chat_id)
                incoming = Incoming(
                    channel="zalo", user_id=user_id, chat_id=chat_id,
                    text=str(message.get("caption") or ""), display_name=_display_name(person),
                    attachment=await self._photo(message),
                )
                answer = await self.core.answer(incoming, self.sender.max_text)
                await self.answer(chat_id, answer.replies)
                return
            if event != TEXT_EVENT or not isinstance(text, str):
                await self.answer(chat_id, [Reply(NOT_TEXT)])
                return
            choices = await zalo_seen.load_choices(self.ctx.db, chat_id, self.ctx.now())
            data = chosen(text, choices)
            incoming = Incoming(
                channel="zalo",
                user_id=user_id,
                chat_id=chat_id,
                text=data if data is not None else text,
                display_name=_display_name(person),
                is_button=data is not None,
            )
            await self.sender.typing(chat_id)
            answer = await self.core.answer(incoming, self.sender.max_text)
            await self.answer(chat_id, answer.replies)

    async def _photo(self, message: dict[str, Any]) -> Attachment:
        """The photo of an image message (its URL in `photo`, or `photo_url` / `url`), at most
        MOTCUA_RECEIPT_MAX_BYTES; empty data when missing or too large."""
        url = next((str(message[k]) for k in ("photo", "photo_url", "url") if message.get(k)), "")
        data = await self.client.download(url, self.ctx.settings.receipt_max_bytes) if url else b""
        return Attachment(filename="anh.jpg", data=data, mime="image/*")

    async def _maybe_prune(self) -> None:
        """Forget seen message ids older than SEEN_KEPT, at most once per PRUNE_EVERY."""
        if time.monotonic() - self._pruned_at < PRUNE_EVERY and self._pruned_at:
            return
        self._pruned_at = time.monotonic()
        removed = await zalo_seen.prune_seen(self.ctx.db, self.ctx.now() - SEEN_KEPT)
        if removed:
            log.info("Zalo: forgot %d old message ids", removed)

    async def answer(self, chat_id: str, replies: list[Reply]) -> None:
        """Send an answer, retrying 429 and transient errors with jittered backoff."""
        for attempt in range(self.answer_attempts):
            try:
                await self.sender.send_many(chat_id, replies)
                return
            except (RecipientBlocked, PermanentError) as exc:
                log.warning("Zalo: answer to %s refused: %s", chat_id, exc)
                return
            except DeliveryError as exc:
                if attempt + 1 == self.answer_attempts:
                    log.error("Zalo: answer to %s failed after %d tries: %s",
                              chat_id, attempt + 1, exc)
                    return
                wait = exc.seconds if isinstance(exc, RetryLater) and exc.seconds else None
                delay = wait or backoff(attempt, self.retry_base, 30.0)
                log.info("Zalo: answer to %s failed (%s); again in %.2f s", chat_id, exc, delay)
                await asyncio.sleep(delay)
