"""A fake Telegram Bot API server (aiohttp on 127.0.0.1:0) for offline tests and benchmarks.

Serves /bot<token>/<method> and /file/bot<token>/<path>, records every call, queues updates the
test pushes (text, documents, button presses) for getUpdates long polling, and injects faults
(429 with retry_after, 500, dropped connection, 403 for a chat, 400, delays) on demand.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import web

DEFAULT_TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"
BOT_ID = 123456789
_SEND_METHODS = {
    "sendmessage",
    "sendphoto",
    "senddocument",
    "editmessagetext",
    "sendchataction",
    "sendmediagroup",
}
_MESSAGE_METHODS = {"sendmessage", "sendphoto", "senddocument", "editmessagetext"}


@dataclass
class Call:
    """One request the bot made: the method (as sent), the token, its parameters and files."""

    method: str
    token: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)
    status: int = 200  # the HTTP status answered; 0 for a dropped connection


@dataclass
class Sent:
    """One message the bot sent (sendMessage, sendPhoto, sendDocument or editMessageText)."""

    seq: int
    method: str
    chat_id: str
    text: str  # the text, or the caption of a photo/document
    parse_mode: str | None = None
    reply_markup: dict | None = None
    filename: str | None = None
    data: bytes | None = None
    message_id: int = 0

    @property
    def plain(self) -> str:
        """The text as the person reads it (HTML entities decoded when parse_mode is HTML)."""
        return html.unescape(self.text) if (self.parse_mode or "").upper() == "HTML" else self.text

    @property
    def kind(self) -> str:
        """'text', 'photo', 'document' or 'edit'."""
        return {"sendphoto": "photo", "senddocument": "document", "editmessagetext": "edit"}.get(
            self.method.lower(), "text"
        )

    @property
    def buttons(self) -> list[list[tuple[str, str]]]:
        """The inline keyboard as rows of (label, callback_data)."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [[(b.get("text", ""), b.get("callback_data", "")) for b in row] for row in rows]


@dataclass
class Fault:
    """An injected failure: for `count` matching calls (None: forever), answer with `kind`.

    kind: "429" (with retry_after), "500", "502", "400", "403", "drop" (close the connection
    without an answer) or "delay" (sleep `delay` seconds, then answer normally).
    """

    kind: str
    method: str | None = None  # lower-case method name; None: every method but getUpdates
    chat_id: str | None = None  # only calls for this chat
    count: int | None = 1
    retry_after: int = 1
    delay: float = 0.0
    description: str | None = None

    def matches(self, method: str, chat_id: str | None) -> bool:
        """Whether this fault applies to a call of `method` for `chat_id`."""
        if self.count is not None and self.count <= 0:
            return False
        if self.method is None and method == "getupdates":
            return False
        if self.method is not None and self.method.lower() != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id


def _jsonish(value: str) -> Any:
    """Decode a form value that python-telegram-bot JSON-encoded (numbers, objects, lists)."""
    if value[:1] in "[{" or value in ("true", "false", "null") or value.lstrip("-").isdigit():
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeTelegram:
    """The fake Bot API server; `async with FakeTelegram() as tg:` starts and stops it."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "motcua_test_bot",
        extra_tokens: Iterable[str] = (),
        host: str = "127.0.0.1",
    ) -> None:
        """Prepare a server accepting `token` (and `extra_tokens`); call start() to listen."""
        self.token = token
        self.tokens = {token, *extra_tokens}
        self.bot_username = bot_username
        self.host = host
        self.port = 0
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.faults: list[Fault] = []
        self.blocked: set[str] = set()
        self.commands: dict[str, list[dict]] = {}  # scope key -> commands
        self.webhook: dict[str, Any] = {}
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, bytes)
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._file_ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._cursor: dict[str, int] = {}  # chat_id -> last seq returned by wait_for_messages
        self._changed = asyncio.Condition()
        self._closing = False
        self._runner: web.AppRunner | None = None

    # ---- life cycle -------------------------------------------------------------------------

    async def start(self) -> FakeTelegram:
        """Listen on host:0 (an OS-chosen port)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]  # the port the OS chose
        return self

    async def stop(self) -> None:
        """Wake every long poll and stop listening."""
        self._closing = True
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """The server's root URL."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """The value for MOTCUA_TELEGRAM_API_URL (the token is appended by the library)."""
        return f"{self.url}/bot"

    @property
    def file_api_url(self) -> str:
        """The value for MOTCUA_TELEGRAM_FILE_API_URL."""
        return f"{self.url}/file/bot"

    def env(self, token: str | None = None) -> dict[str, str]:
        """The MOTCUA_* variables pointing a bot process at this server."""
        return {
            "MOTCUA_TELEGRAM_TOKEN": token or self.token,
            "MOTCUA_TELEGRAM_API_URL": self.api_url,
            "MOTCUA_TELEGRAM_FILE_API_URL": self.file_api_url,
        }

    # ---- what the test pushes ---------------------------------------------------------------

    @staticmethod
    def user(user_id: int | str, first_name: str = "Người dùng") -> dict:
        """A Telegram User object for a person."""
        return {
            "id": int(user_id), "is_bot": False, "first_name": first_name, "language_code": "vi"
        }

    def _chat(self, chat_id: int | str, first_name: str) -> dict:
        """A private Chat object."""
        return {"id": int(chat_id), "type": "private", "first_name": first_name}

    def push_update(self, update: dict) -> dict:
        """Queue a raw update (update_id is filled in) for getUpdates."""
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._schedule_notify()
        return update

    def push_text(
        self, user_id: int | str, text: str, *, first_name: str = "Người dùng"
    ) -> dict:
        """Queue a private text message (bot commands get their entity, as Telegram does)."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(user_id, first_name),
            "from": self.user(user_id, first_name),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0].encode("utf-16-le")) // 2 if text.split() else 1
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.push_update({"message": message})

    def push_document(
        self,
        user_id: int | str,
        filename: str,
        data: bytes,
        *,
        mime: str | None = None,
        caption: str | None = None,
        first_name: str = "Người dùng",
    ) -> dict:
        """Queue a private message carrying a document (downloadable through getFile)."""
        file_id = f"doc{next(self._file_ids)}"
        self.files[file_id] = (f"documents/{file_id}_{filename}", data)
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": filename,
            "file_size": len(data),
        }
        if mime:
            document["mime_type"] = mime
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(user_id, first_name),
            "from": self.user(user_id, first_name),
            "document": document,
        }
        if caption:
            message["caption"] = caption
        return self.push_update({"message": message})

    def push_photo(
        self,
        user_id: int | str,
        sizes: list[tuple[int, int, bytes]],
        *,
        caption: str | None = None,
        first_name: str = "Người dùng",
    ) -> dict:
        """Queue a private photo message: one PhotoSize per (width, height, JPEG bytes), each
        downloadable through getFile, smallest first as Telegram sends them."""
        photo = []
        for width, height, data in sizes:
            file_id = f"photo{next(self._file_ids)}"
            self.files[file_id] = (f"photos/{file_id}.jpg", data)
            photo.append({"file_id": file_id, "file_unique_id": f"u{file_id}", "width": width,
                          "height": height, "file_size": len(data)})
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(user_id, first_name),
            "from": self.user(user_id, first_name),
            "photo": photo,
        }
        if caption:
            message["caption"] = caption
        return self.push_update({"message": message})

    def push_callback(
        self, user_id: int | str, data: str, *, message_id: int | None = None,
        first_name: str = "Người dùng",
    ) -> dict:
        """Queue a button press (callback query) on one of the bot's messages in this chat."""
        message = {
            "message_id": message_id or next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(user_id, first_name),
            "from": self.me(),
            "text": "…",
        }
        query = {
            "id": f"cb{next(self._file_ids)}",
            "from": self.user(user_id, first_name),
            "chat_instance": f"ci{user_id}",
            "data": data,
            "message": message,
        }
        return self.push_update({"callback_query": query})

    def text_update(self, user_id: int | str, text: str) -> dict:
        """A text-message update (not queued), e.g. to POST to a webhook."""
        update = self.push_text(user_id, text)
        self._updates.remove(update)
        return update

    async def post_webhook(self, update: dict, secret: str | None, url: str | None = None) -> int:
        """POST an update to the bot's webhook (default: the URL it set); returns the status."""
        target = url or self.webhook.get("url")
        if not target:
            raise RuntimeError("the bot has not set a webhook")
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with httpx.AsyncClient(timeout=10) as client:
            res = await client.post(target, json=update, headers=headers)
        return res.status_code

    # ---- fault knobs ------------------------------------------------------------------------

    def inject(self, kind: str, **kwargs: Any) -> Fault:
        """Add a fault (see Fault) and return it; remove it with self.faults.remove(fault)."""
        fault = Fault(kind=kind, **kwargs)
        self.faults.append(fault)
        return fault

    def block(self, chat_id: int | str) -> None:
        """Answer 403 "bot was blocked by the user" to every send to this chat."""
        self.blocked.add(str(chat_id))

    def unblock(self, chat_id: int | str) -> None:
        """Stop answering 403 for this chat."""
        self.blocked.discard(str(chat_id))

    # ---- what the test reads ----------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """Every recorded call of one method (case-insensitive)."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def messages_to(self, chat_id: int | str) -> list[Sent]:
        """Every message the bot sent to this chat, in order."""
        return [s for s in self.sent if s.chat_id == str(chat_id)]

    async def wait_for_messages(
        self, chat_id: int | str, n: int = 1, timeout: float = 10.0
    ) -> list[Sent]:
        """Wait for n messages to the chat not returned by an earlier call; return exactly those.

        Raises TimeoutError with what did arrive when fewer than n come within `timeout`.
        """
        chat = str(chat_id)

        def fresh() -> list[Sent]:
            after = self._cursor.get(chat, 0)
            return [s for s in self.sent if s.chat_id == chat and s.seq > after]

        try:
            async with asyncio.timeout(timeout):
                async with self._changed:
                    await self._changed.wait_for(lambda: len(fresh()) >= n)
        except TimeoutError:
            got = fresh()
            raise TimeoutError(
                f"chat {chat}: waited for {n} message(s), got {len(got)}: "
                f"{[s.text[:200] for s in got]}"
            ) from None
        got = fresh()[:n]
        self._cursor[chat] = got[-1].seq
        return got

    async def quiet(self, chat_id: int | str, seconds: float = 0.3) -> list[Sent]:
        """Wait `seconds` and return the unread messages to the chat (expecting none, usually)."""
        await asyncio.sleep(seconds)
        chat = str(chat_id)
        after = self._cursor.get(chat, 0)
        got = [s for s in self.sent if s.chat_id == chat and s.seq > after]
        if got:
            self._cursor[chat] = got[-1].seq
        return got

    async def wait_for_sent(self, n: int, timeout: float = 60.0) -> None:
        """Wait until the bot has sent at least n messages in all (benchmarks)."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: len(self.sent) >= n)

    async def wait_for_call(self, method: str, n: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until at least n calls of `method` were recorded; return them all."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: len(self.calls_to(method)) >= n)
        return self.calls_to(method)

    # ---- the server -------------------------------------------------------------------------

    def me(self) -> dict:
        """The bot's own User object (getMe)."""
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Một cửa",
            "username": self.bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _notify(self) -> None:
        """Wake everyone waiting on a change (long polls, waiters)."""
        async with self._changed:
            self._changed.notify_all()

    def _schedule_notify(self) -> None:
        """Notify from sync code (push_*), when a loop is running."""
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().create_task(self._notify())

    @staticmethod
    def _error(code: int, description: str, parameters: dict | None = None) -> web.Response:
        """A Bot API error answer."""
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=code)

    async def _read_params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
        """Parameters from the query, a JSON body, a form or a multipart body."""
        params: dict[str, Any] = {k: _jsonish(v) for k, v in request.query.items()}
        files: dict[str, tuple[str, bytes]] = {}
        if request.method != "POST" or not request.can_read_body:
            return params, files
        if request.content_type == "application/json":
            params.update(await request.json())
            return params, files
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = (value.filename or key, value.file.read())
            else:
                params[key] = _jsonish(str(value))
        return params, files

    async def _api(self, request: web.Request) -> web.StreamResponse:
        """Answer one Bot API method call."""
        token = request.match_info["token"]
        method_raw = request.match_info["method"]
        method = method_raw.lower()
        params, files = await self._read_params(request)
        call = Call(method_raw, token, params, files)
        self.calls.append(call)
        await self._notify()  # wait_for_call sees a long poll as soon as it starts
        if token not in self.tokens:
            call.status = 401
            await self._notify()
            return self._error(401, "Unauthorized")
        chat_id = str(params["chat_id"]) if "chat_id" in params else None
        for fault in self.faults:
            if fault.matches(method, chat_id):
                if fault.count is not None:
                    fault.count -= 1
                if fault.kind == "drop":
                    call.status = 0  # no answer at all
                    await self._notify()
                response = await self._fault(request, fault)
                if response is not None:
                    call.status = response.status
                    await self._notify()
                    return response
                break
        if method in _SEND_METHODS and chat_id in self.blocked:
            call.status = 403
            await self._notify()
            return self._error(403, "Forbidden: bot was blocked by the user")
        handler = getattr(self, f"_m_{method}", None)
        try:
            result = await handler(params, files) if handler else True
        except _ApiError as exc:
            call.status = exc.code
            await self._notify()
            return self._error(exc.code, exc.description)
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _fault(self, request: web.Request, fault: Fault) -> web.StreamResponse | None:
        """The answer for an injected fault (None: go on normally after a delay)."""
        if fault.kind == "delay":
            await asyncio.sleep(fault.delay)
            return None
        if fault.kind == "429":
            return self._error(
                429,
                fault.description or f"Too Many Requests: retry after {fault.retry_after}",
                {"retry_after": fault.retry_after},
            )
        if fault.kind in ("500", "502"):
            return self._error(int(fault.kind), fault.description or "Internal Server Error")
        if fault.kind == "400":
            return self._error(400, fault.description or "Bad Request: chat not found")
        if fault.kind == "403":
            return self._error(403, fault.description or "Forbidden: bot was blocked by the user")
        if fault.kind == "drop":
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError
        raise ValueError(f"unknown fault kind {fault.kind!r}")

    async def _file(self, request: web.Request) -> web.StreamResponse:
        """Serve a file's bytes under /file/bot<token>/<path>."""
        self.calls.append(Call("file", request.match_info["token"], {}))
        if request.match_info["token"] not in self.tokens:
            return self._error(401, "Unauthorized")
        path = request.match_info["path"]
        for file_path, data in self.files.values():
            if file_path == path:
                return web.Response(body=data, content_type="application/octet-stream")
        return self._error(404, "Not Found")

    def _message(self, chat_id: str, **extra: Any) -> dict:
        """A Message object the bot sent to a private chat."""
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": "private", "first_name": "Người dùng"},
            "from": self.me(),
            **extra,
        }

    def _record(self, method: str, params: dict, **extra: Any) -> Sent:
        """Record one sent message."""
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = _jsonish(markup)
        sent = Sent(
            seq=next(self._seq),
            method=method,
            chat_id=str(params.get("chat_id")),
            text=str(params.get("text") or params.get("caption") or ""),
            parse_mode=params.get("parse_mode"),
            reply_markup=markup if isinstance(markup, dict) else None,
            **extra,
        )
        self.sent.append(sent)
        return sent

    # Bot API methods: _m_<lower-case name>(params, files) -> result

    async def _m_getme(self, params: dict, files: dict) -> dict:
        """The bot's own account."""
        return self.me()

    async def _m_getupdates(self, params: dict, files: dict) -> list[dict]:
        """Pending updates from `offset`, long-polling up to `timeout` seconds."""
        if self.webhook.get("url"):
            raise _ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if not self._updates and timeout > 0 and not self._closing:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout), self._changed:
                    await self._changed.wait_for(lambda: bool(self._updates) or self._closing)
        return self._updates[:limit]

    async def _m_sendmessage(self, params: dict, files: dict) -> dict:
        """Record a text message (refuses empty text, and over 4096 without parse_mode)."""
        text = str(params.get("text") or "")
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096 and params.get("parse_mode") is None:
            raise _ApiError(400, "Bad Request: message is too long")
        sent = self._record("sendMessage", params)
        msg = self._message(sent.chat_id, text=text)
        sent.message_id = msg["message_id"]
        return msg

    async def _m_sendphoto(self, params: dict, files: dict) -> dict:
        """Record a photo with its bytes (refuses a caption over 1024)."""
        name, data = files.get("photo", ("photo", b""))
        if len(str(params.get("caption") or "")) > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        sent = self._record("sendPhoto", params, filename=name, data=data)
        photo = [{"file_id": f"ph{sent.seq}", "file_unique_id": f"uph{sent.seq}", "width": 800,
                  "height": 600, "file_size": len(data)}]
        msg = self._message(sent.chat_id, photo=photo, caption=params.get("caption"))
        sent.message_id = msg["message_id"]
        return msg

    async def _m_senddocument(self, params: dict, files: dict) -> dict:
        """Record a document with its file name and bytes."""
        name, data = files.get("document", (str(params.get("document", "")), b""))
        if len(str(params.get("caption") or "")) > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        sent = self._record("sendDocument", params, filename=name, data=data)
        doc = {"file_id": f"dc{sent.seq}", "file_unique_id": f"udc{sent.seq}", "file_name": name,
               "file_size": len(data)}
        msg = self._message(sent.chat_id, document=doc, caption=params.get("caption"))
        sent.message_id = msg["message_id"]
        return msg

    async def _m_editmessagetext(self, params: dict, files: dict) -> dict:
        """Record an edit of a message's text."""
        sent = self._record("editMessageText", params)
        return self._message(sent.chat_id, text=sent.text)

    async def _m_sendchataction(self, params: dict, files: dict) -> bool:
        """Accept a chat action."""
        return True

    async def _m_answercallbackquery(self, params: dict, files: dict) -> bool:
        """Accept a button acknowledgement."""
        return True

    async def _m_getfile(self, params: dict, files: dict) -> dict:
        """A pushed document's file_path for the download URL."""
        file_id = str(params.get("file_id"))
        if file_id not in self.files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        path, data = self.files[file_id]
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data),
                "file_path": path}

    @staticmethod
    def _scope_key(params: dict) -> str:
        """A stable key for a BotCommandScope: 'default' or 'chat:<id>' etc."""
        scope = params.get("scope") or {"type": "default"}
        if isinstance(scope, str):
            scope = _jsonish(scope)
        key = str(scope.get("type", "default"))
        if "chat_id" in scope:
            key += f":{scope['chat_id']}"
        return key

    async def _m_setmycommands(self, params: dict, files: dict) -> bool:
        """Store a scope's command menu (checks the names and descriptions)."""
        commands = params.get("commands") or []
        if isinstance(commands, str):
            commands = _jsonish(commands)
        for c in commands:
            if not (1 <= len(c.get("command", "")) <= 32) or not (
                1 <= len(c.get("description", "")) <= 256
            ):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands[self._scope_key(params)] = commands
        return True

    async def _m_deletemycommands(self, params: dict, files: dict) -> bool:
        """Forget a scope's command menu."""
        self.commands.pop(self._scope_key(params), None)
        return True

    async def _m_getmycommands(self, params: dict, files: dict) -> list[dict]:
        """A scope's command menu."""
        return self.commands.get(self._scope_key(params), [])

    async def _m_setwebhook(self, params: dict, files: dict) -> bool:
        """Remember the webhook URL and secret (getUpdates then answers 409)."""
        self.webhook = {"url": params.get("url"), "secret_token": params.get("secret_token"),
                        "allowed_updates": params.get("allowed_updates")}
        return True

    async def _m_deletewebhook(self, params: dict, files: dict) -> bool:
        """Forget the webhook."""
        self.webhook = {}
        return True

    async def _m_getwebhookinfo(self, params: dict, files: dict) -> dict:
        """The webhook URL and the pending update count."""
        return {"url": self.webhook.get("url") or "", "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    async def _m_close(self, params: dict, files: dict) -> bool:
        """Accept close."""
        return True

    async def _m_logout(self, params: dict, files: dict) -> bool:
        """Accept logOut."""
        return True


class _ApiError(Exception):
    """A Bot API error a method handler raises: HTTP code and description."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
