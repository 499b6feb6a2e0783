"""A fake Zalo Bot Platform API on 127.0.0.1 for tests: records calls, queues updates, faults."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict, deque
from typing import Any

import httpx
from aiohttp import web

SECRET_HEADER = "X-Bot-Api-Secret-Token"


def _error(code: int, description: str, status: int | None = None) -> web.Response:
    """The platform's error envelope."""
    body = {"ok": False, "error_code": code, "description": description}
    return web.json_response(body, status=status if status is not None else code)


class FakeZalo:
    """Serves `/bot<token>/<method>` like bot-api.zaloplatforms.com, on an OS-chosen port.

    Knobs: `list_mode` (getUpdates answers a list of every pending update instead of one update
    object), `poll_408_status` (HTTP status of the 408 "nothing arrived" answer),
    `fail(method, code, times)` (the next calls answer 429/500/...), `block(chat_id)` (sends to
    that chat answer 403), `max_poll` (cap on the long poll's wait, seconds).
    """

    def __init__(self, token: str = "123456789:fake-zalo-token") -> None:
        """Set up an empty fake; call `await start()` to serve."""
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.sent: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.list_mode = False
        self.poll_408_status = 200
        self.max_poll = 30.0
        self.webhook_url = ""
        self.webhook_secret = ""
        self._updates: deque[dict[str, Any]] = deque()
        self._arrived = asyncio.Event()
        self._faults: dict[str, deque[int]] = defaultdict(deque)
        self._blocked: set[str] = set()
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.photos: dict[str, bytes] = {}  # name -> bytes served at /photos/<name>
        self.port = 0

    # --- life cycle ------------------------------------------------------------------------

    async def start(self) -> FakeZalo:
        """Serve on 127.0.0.1, port 0 (chosen by the OS)."""
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._on_call)
        app.router.add_get("/bot{token}/{method}", self._on_call)
        app.router.add_get("/photos/{name}", self._photo)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]  # the port the OS chose
        return self

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_url(self) -> str:
        """The value for MOTCUA_ZALO_API_URL."""
        return f"http://127.0.0.1:{self.port}/bot"

    def env(self) -> dict[str, str]:
        """The MOTCUA_ZALO_* variables pointing a bot process at this server (polling mode)."""
        return {"MOTCUA_ZALO_TOKEN": self.token, "MOTCUA_ZALO_API_URL": self.api_url}

    # --- knobs -------------------------------------------------------------------------------

    def fail(self, method: str, code: int, times: int = 1) -> None:
        """Make the next `times` calls of `method` answer error `code` (HTTP status too)."""
        self._faults[method].extend([code] * times)

    def block(self, chat_id: str) -> None:
        """Answer 403 to every send to chat_id (the person blocked the bot)."""
        self._blocked.add(chat_id)

    def make_update(
        self, user_id: str, text: str | None, display_name: str = "Nguyễn Văn A",
        *, message_id: str | None = None, event_name: str | None = None,
    ) -> dict[str, Any]:
        """One update in the platform's shape (a text message unless text is None)."""
        message: dict[str, Any] = {
            "from": {"id": user_id, "display_name": display_name, "is_bot": False},
            "chat": {"id": user_id, "chat_type": "PRIVATE"},
            "message_id": message_id or f"msg{next(self._ids):06d}",
            "date": int(time.time() * 1000),
        }
        if text is not None:
            message["text"] = text
        event = event_name or ("message.text.received" if text is not None
                               else "message.sticker.received")
        return {"event_name": event, "message": message}

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates."""
        self._updates.append(update)
        self._arrived.set()

    def push_text(
        self, user_id: str, text: str, display_name: str = "Nguyễn Văn A",
        *, message_id: str | None = None,
    ) -> str:
        """A person sends `text` to the bot (queued for getUpdates); returns the message_id."""
        update = self.make_update(user_id, text, display_name, message_id=message_id)
        self.push_update(update)
        return str(update["message"]["message_id"])

    def push_image(
        self, user_id: str, data: bytes, *, caption: str | None = None,
        display_name: str = "Nguyễn Văn A",
    ) -> str:
        """A person sends a photo (event message.image.received, its URL in `photo`, served by
        this fake at /photos/<name>); returns the message_id."""
        name = f"p{next(self._ids):06d}.jpg"
        self.photos[name] = data
        update = self.make_update(user_id, None, display_name,
                                  event_name="message.image.received")
        update["message"]["photo"] = f"http://127.0.0.1:{self.port}/photos/{name}"
        if caption:
            update["message"]["caption"] = caption
        self.push_update(update)
        return str(update["message"]["message_id"])

    async def _photo(self, request: web.Request) -> web.Response:
        """Serve a pushed photo's bytes (404 when unknown)."""
        data = self.photos.get(request.match_info["name"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="image/jpeg")

    async def post_webhook(
        self, update: dict[str, Any], secret: str | None = None, url: str | None = None
    ) -> int:
        """POST an update to the webhook like the platform does; returns the HTTP status."""
        headers = {SECRET_HEADER: self.webhook_secret if secret is None else secret}
        async with httpx.AsyncClient() as http:
            resp = await http.post(url or self.webhook_url, json=update, headers=headers)
        return resp.status_code

    async def wait_for_messages(
        self, chat_id: str, n: int, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Wait until at least n messages were sent to chat_id; returns them (AssertionError)."""
        deadline = time.monotonic() + timeout
        while len(self.sent[chat_id]) < n:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{len(self.sent[chat_id])} of {n} messages to {chat_id}: "
                    f"{[m.get('text') for m in self.sent[chat_id]]}"
                )
            await asyncio.sleep(0.02)
        return list(self.sent[chat_id])

    def texts(self, chat_id: str) -> list[str]:
        """The texts sent to a chat so far."""
        return [str(m.get("text") or m.get("caption") or "") for m in self.sent[chat_id]]

    def count(self, method: str) -> int:
        """How many times `method` was called."""
        return sum(1 for m, _ in self.calls if m == method)

    # --- the API -----------------------------------------------------------------------------

    async def _on_call(self, request: web.Request) -> web.Response:
        """Dispatch one API call."""
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        try:
            payload = await request.json() if request.can_read_body else {}
        except ValueError:
            payload = {}
        payload = payload or {}
        self.calls.append((method, payload))
        if self._faults[method]:
            code = self._faults[method].popleft()
            return _error(code, {429: "Too Many Requests"}.get(code, "Fault injected"))
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, f"Method {method} not found")
        return await handler(payload)

    async def _m_getMe(self, payload: dict[str, Any]) -> web.Response:
        """The bot's account."""
        return web.json_response({"ok": True, "result": {
            "id": self.token.split(":")[0], "account_name": "bot.fake", "account_type": "BASIC",
            "can_join_groups": False}})

    async def _m_getUpdates(self, payload: dict[str, Any]) -> web.Response:
        """Long poll: one update object (or a list in list_mode), or 408 after the timeout."""
        if self.webhook_url:
            return _error(409, "Conflict: webhook is set")
        wait = min(float(payload.get("timeout") or 30), self.max_poll)
        if not self._updates:
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), timeout=wait)
            except TimeoutError:
                return _error(408, "Request timeout", self.poll_408_status)
        if self.list_mode:
            batch = list(self._updates)
            self._updates.clear()
            return web.json_response({"ok": True, "result": batch})
        return web.json_response({"ok": True, "result": self._updates.popleft()})

    async def _m_setWebhook(self, payload: dict[str, Any]) -> web.Response:
        """Remember the webhook URL and secret (8–256 characters)."""
        secret = str(payload.get("secret_token") or "")
        if not payload.get("url") or not 8 <= len(secret) <= 256:
            return _error(400, "Invalid url or secret_token")
        self.webhook_url, self.webhook_secret = str(payload["url"]), secret
        return web.json_response({"ok": True, "result": {"url": self.webhook_url,
                                                         "updated_at": int(time.time() * 1000)}})

    async def _m_deleteWebhook(self, payload: dict[str, Any]) -> web.Response:
        """Forget the webhook."""
        self.webhook_url = self.webhook_secret = ""
        return web.json_response({"ok": True, "result": {"url": "", "updated_at": 0}})

    async def _m_getWebhookInfo(self, payload: dict[str, Any]) -> web.Response:
        """The webhook's URL ("" when none)."""
        return web.json_response({"ok": True, "result": {"url": self.webhook_url,
                                                         "updated_at": 0}})

    def _send_check(self, payload: dict[str, Any]) -> web.Response | None:
        """403 for a blocked chat, 400 for a missing chat id."""
        chat_id = str(payload.get("chat_id") or "")
        if not chat_id:
            return _error(400, "chat_id is required")
        if chat_id in self._blocked:
            return _error(403, "User has blocked the bot")
        return None

    def _sent_ok(self) -> web.Response:
        """The answer to a successful send."""
        return web.json_response({"ok": True, "result": {
            "message_id": f"out{next(self._ids):06d}", "date": int(time.time() * 1000)}})

    async def _m_sendMessage(self, payload: dict[str, Any]) -> web.Response:
        """Record a text; refuse an empty one or one over 2,000 characters."""
        refused = self._send_check(payload)
        if refused:
            return refused
        text = str(payload.get("text") or "")
        if not 1 <= len(text) <= 2000:
            return _error(400, "text must hold 1 to 2000 characters")
        self.sent[str(payload["chat_id"])].append({"method": "sendMessage", "text": text})
        return self._sent_ok()

    async def _m_sendPhoto(self, payload: dict[str, Any]) -> web.Response:
        """Record a photo sent by URL."""
        refused = self._send_check(payload)
        if refused:
            return refused
        if not str(payload.get("photo") or "").startswith(("http://", "https://")):
            return _error(400, "photo must be a URL")
        self.sent[str(payload["chat_id"])].append(
            {"method": "sendPhoto", "photo": payload["photo"], "caption": payload.get("caption")}
        )
        return self._sent_ok()

    async def _m_sendChatAction(self, payload: dict[str, Any]) -> web.Response:
        """Accept a chat action."""
        refused = self._send_check(payload)
        return refused or web.json_response({"ok": True})
