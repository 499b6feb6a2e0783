"""The Telegram channel (python-telegram-bot 22): updates in as Incoming, Replies out as API calls.

It holds no business rules: every message and button press goes to the core, every Reply the core
returns is rendered here (HTML-escaped text, photos, documents, inline keyboards). Long polling by
default (one process at a time: bot/channels/polling_turn.py); webhook mode with a secret token
when MOTCUA_TELEGRAM_WEBHOOK_URL is set.

Facts this module relies on (python-telegram-bot 22.8):
- `Application.builder().job_queue(None)`: no PTB JobQueue; our own APScheduler runs the pushes.
- `AIORateLimiter` has no per-private-chat limit and retries nothing by default (max_retries=0);
  its `rate_limit_args` overrides max_retries per call but a 0 falls back to the default
  (`rate_limit_args or self._max_retries`), so the default stays 0 (pushes see RetryAfter and the
  outbox reschedules) and answers to a person pass INTERACTIVE_RETRIES.
- Telegram counts the 4096/1024 limits after entity parsing, so escaping does not eat the budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
import secrets
import time
import warnings
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.base import (
    ChatCore,
    DeliveryError,
    PermanentError,
    RecipientBlocked,
    RetryLater,
    TransientError,
)
from bot.channels.polling_turn import PollingTurn, lock_name
from bot.channels.telegram_webhook import CountingProcessor, TelegramWebhook
from bot.context import AppContext
from bot.core.text import split_text
from bot.core.types import Answer, Attachment, Incoming, Reply
from bot.push.backoff import backoff

log = logging.getLogger("motcua.telegram")

CHANNEL = "telegram"
MAX_TEXT = 4096  # characters of one message, after entity parsing
MAX_CAPTION = 1024  # characters of a photo/document caption
MAX_CALLBACK_DATA = 64  # bytes of a button's callback_data
MAX_DOWNLOAD = 20 * 1024 * 1024  # the Bot API's getFile limit
MAX_COMMANDS = 100  # setMyCommands accepts at most 100 commands
INTERACTIVE_RETRIES = 2  # RetryAfter retries for an answer to a person
POLL_TIMEOUT = 10  # seconds of one getUpdates long poll
CONCURRENCY = 64  # updates handled at once (one at a time per chat)
STOP_TIMEOUT = 5.0  # seconds stop() waits for the updater (polling or webhook server)
ALLOWED_UPDATES = ["message", "callback_query"]
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
SORRY = "Xin lỗi, hệ thống đang gặp sự cố khi xử lý yêu cầu. Vui lòng thử lại sau ít phút."
TOO_BIG = "Tệp quá lớn: Telegram chỉ cho bot tải về tệp đến 20 MB. Vui lòng chia nhỏ tệp."
DOWNLOAD_FAILED = "Không tải được tệp bạn gửi từ Telegram. Vui lòng gửi lại sau ít phút."


class TelegramConfigError(Exception):
    """The Telegram settings cannot work (no token, a bad webhook secret); Vietnamese message."""


# ---- rendering ------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text for parse_mode HTML: `<`, `>` and `&` escaped (quotes need no escaping)."""
    return html.escape(text, quote=False)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's buttons as an inline keyboard (a button whose data is too long is dropped)."""
    rows = []
    for row in reply.buttons:
        buttons = []
        for button in row:
            if len(button.data.encode("utf-8")) > MAX_CALLBACK_DATA:
                log.warning("button data longer than 64 bytes dropped (%r)", button.data[:20])
                continue
            buttons.append(InlineKeyboardButton(button.label[:64], callback_data=button.data))
        if buttons:
            rows.append(buttons)
    return InlineKeyboardMarkup(rows) if rows else None


async def send_reply(
    bot: Bot, chat_id: str | int, reply: Reply, *, rate_limit_args: int | None = None
) -> None:
    """Send one Reply to one chat: text chunks, or a photo/document with its caption.

    Raises telegram.error.TelegramError subclasses as python-telegram-bot does.
    """
    markup = keyboard(reply)
    extra: dict[str, Any] = {}
    if rate_limit_args is not None:
        extra["rate_limit_args"] = rate_limit_args
    if reply.kind == "text":
        await _send_text(bot, chat_id, reply.text, markup, extra)
        return
    caption = reply.text.strip()
    separate = len(caption) > MAX_CAPTION
    media_kwargs: dict[str, Any] = {
        "caption": escape(caption) if caption and not separate else None,
        "parse_mode": ParseMode.HTML,
        "reply_markup": None if separate else markup,
        **extra,
    }
    if reply.image is not None:
        await bot.send_photo(
            chat_id, photo=reply.image, filename=reply.filename or "bieu-do.png", **media_kwargs
        )
    else:
        assert reply.document is not None  # a reply not of kind "text" has an image or document
        await bot.send_document(
            chat_id, document=reply.document or b"", filename=reply.filename or "tep",
            **media_kwargs,
        )
    if separate:
        await _send_text(bot, chat_id, reply.text, markup, extra)


async def _send_text(
    bot: Bot, chat_id: str | int, text: str, markup: InlineKeyboardMarkup | None, extra: dict
) -> None:
    """Send text in chunks of at most 4096 characters; the keyboard goes under the last one."""
    chunks = [c for c in split_text(text, MAX_TEXT) if c.strip()] if text.strip() else []
    if not chunks:
        if markup is None:
            return
        chunks = ["Mời bạn chọn:"]
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        await bot.send_message(
            chat_id,
            escape(chunk),
            parse_mode=ParseMode.HTML,
            reply_markup=markup if last else None,
            **extra,
        )


def _retry_seconds(exc: RetryAfter) -> float:
    """A RetryAfter's wait in seconds (PTB 22 gives an int, or a timedelta with PTB_TIMEDELTA)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTBDeprecationWarning about the int/timedelta change
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def map_error(exc: TelegramError) -> DeliveryError:
    """The outbox's view of a Telegram error (what to do next with this message)."""
    if isinstance(exc, RetryAfter):
        return RetryLater(_retry_seconds(exc), str(exc))
    if isinstance(exc, Forbidden):
        return RecipientBlocked(str(exc))
    if isinstance(exc, BadRequest | ChatMigrated):
        return PermanentError(str(exc))
    if isinstance(exc, TimedOut | NetworkError | InvalidToken):
        return TransientError(str(exc))
    return TransientError(str(exc))


class TelegramSender:
    """The Telegram side of the outbox delivery worker (bot.channels.base.Sender)."""

    name = CHANNEL
    max_text = MAX_TEXT

    def __init__(self, bot: Bot) -> None:
        """Send through this bot (an ExtBot with the rate limiter, usually the Application's)."""
        self.bot = bot

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Send one reply, or raise RetryLater/RecipientBlocked/PermanentError/TransientError."""
        try:
            await send_reply(self.bot, chat_id, reply)
        except TelegramError as exc:
            raise map_error(exc) from exc
        except (TimeoutError, OSError) as exc:
            raise TransientError(str(exc)) from exc


# ---- menus ----------------------------------------------------------------------------------


def bot_commands(menu: list[tuple[str, str]]) -> list[BotCommand]:
    """The core's (command, description) menu as BotCommands Telegram accepts."""
    out: list[BotCommand] = []
    seen: set[str] = set()
    for command, description in menu:
        name = command.strip().lstrip("/").lower()
        if not _COMMAND_NAME.match(name) or name in seen:
            continue
        seen.add(name)
        desc = " ".join(description.split())[:256] or name
        out.append(BotCommand(name, desc))
    return out[:MAX_COMMANDS]


def webhook_secret(settings: Any) -> str:
    """The webhook secret from the settings, or a fresh random one; TelegramConfigError if bad."""
    if settings.telegram_webhook_secret is None:
        return secrets.token_urlsafe(32)
    value = settings.telegram_webhook_secret.get_secret_value()
    if not _SECRET.match(value):
        raise TelegramConfigError(
            "MOTCUA_TELEGRAM_WEBHOOK_SECRET chỉ được gồm chữ cái Latinh, chữ số, «_» và «-» "
            "(1–256 ký tự)."
        )
    return value


def addressed_elsewhere(text: str, username: str | None) -> bool:
    """True when text is a command addressed to another bot ('/tracuu@other_bot')."""
    if not text.startswith("/"):
        return False
    first = text.split(maxsplit=1)[0] if text.strip() else text
    _, at, target = first.partition("@")
    return bool(at) and target.lower() != (username or "").lower()


def _label(text: str, *, button: bool = False, document: bool = False) -> str:
    """What the log line says was asked: the command name only, never its arguments."""
    if button:
        return "button:" + re.sub(r"[^a-z0-9_]", "", text.split(":", 1)[0].lower())[:20]
    if document:
        return "document"
    if text.startswith("/"):
        name = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if text[1:].strip() else ""
        return "/" + name if _COMMAND_NAME.match(name) else "/?"
    return "text"


# ---- the channel ----------------------------------------------------------------------------


def _is_image_document(document: Any) -> bool:
    """True when a document was sent with an image MIME type (a receipt photo sent as a file)."""
    return document is not None and (document.mime_type or "").lower().startswith("image/")


class TelegramChannel:
    """The bot on Telegram: an Application with our handlers, started and stopped by the runner."""

    def __init__(
        self,
        ctx: AppContext,
        core: ChatCore,
        *,
        poll_timeout: int = POLL_TIMEOUT,
        concurrency: int = CONCURRENCY,
    ) -> None:
        """Build the Application from ctx.settings (MOTCUA_TELEGRAM_TOKEN is required)."""
        settings = ctx.settings
        token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
        if not token.strip():
            raise TelegramConfigError("Chưa đặt MOTCUA_TELEGRAM_TOKEN.")
        self.ctx = ctx
        self.core = core
        self.poll_timeout = poll_timeout
        self.stop_timeout = STOP_TIMEOUT
        self.webhook_url = settings.telegram_webhook_url or None
        self.processor = CountingProcessor(concurrency)
        self.poll_lock_name = lock_name("telegram", token.strip())
        self.turn: PollingTurn | None = None  # long polling, one process at a time
        self.secret = webhook_secret(settings) if self.webhook_url else None
        self.application: Application = (
            Application.builder()
            .token(token.strip())
            .base_url(settings.telegram_api_url)
            .base_file_url(settings.telegram_file_api_url)
            .job_queue(None)
            .rate_limiter(
                AIORateLimiter(
                    overall_max_rate=settings.telegram_rate_global,
                    overall_time_period=1,
                    max_retries=0,
                )
            )
            .concurrent_updates(self.processor)
            .get_updates_read_timeout(poll_timeout + 10)
            .post_init(self._post_init)
            .post_shutdown(self._post_shutdown)
            .build()
        )
        self.application.bot_data["motcua_channel"] = self
        self.application.add_handler(
            MessageHandler(
                (filters.TEXT | filters.COMMAND | filters.Document.ALL | filters.CAPTION
                 | filters.PHOTO)
                & ~filters.UpdateType.EDITED,
                self.on_message,
            )
        )
        self.application.add_handler(CallbackQueryHandler(self.on_button))
        self.application.add_error_handler(self._on_error)
        self.sender = TelegramSender(self.application.bot)
        self._menu_roles: dict[str, str] = {}  # chat_id -> the role whose menu it shows
        self._chat_locks: dict[str, asyncio.Lock] = {}
        self._initialized = False
        self._post_init_done = False
        self.username: str | None = None
        self.webhook: TelegramWebhook | None = None

    # -- life cycle

    async def start(self) -> None:
        """Check the token (getMe), set the menus, then poll or serve the webhook."""
        app = self.application
        self._initialized = True  # so that stop() cleans up even when initialize() fails
        await app.initialize()
        self.username = app.bot.username
        await self._post_init(app)
        assert app.updater is not None
        if self.webhook_url:
            settings = self.ctx.settings
            path = urlsplit(self.webhook_url).path.strip("/")
            assert self.secret is not None
            self.webhook = TelegramWebhook(self.ctx, app, self.secret, path,
                                           held=lambda: self.processor.held)
            await self.webhook.start(settings.telegram_webhook_listen,
                                     settings.telegram_webhook_port)
            await self._set_webhook()
            log.info(
                "Telegram: webhook mode, @%s, listening on %s:%s/%s",
                self.username, settings.telegram_webhook_listen,
                settings.telegram_webhook_port, path,
            )
        else:
            self.turn = PollingTurn(self.ctx.db, "Telegram", self.poll_lock_name,
                                    self._start_polling, self._stop_polling)
            await self.turn.start()
        await app.start()

    async def _start_polling(self) -> None:
        """Long-poll getUpdates (this process holds the polling lock)."""
        updater = self.application.updater
        assert updater is not None
        await updater.start_polling(
            timeout=self.poll_timeout,
            allowed_updates=ALLOWED_UPDATES,
            bootstrap_retries=-1,
            error_callback=self._poll_error,
        )
        log.info("Telegram: long polling, @%s", self.username)

    async def _stop_polling(self) -> None:
        """Stop long polling (the lock was lost, or the channel stops)."""
        updater = self.application.updater
        if updater is not None and updater.running:
            try:  # PTB sleeps up to 30 s between failed polls, deaf to stop(): bound it
                await asyncio.wait_for(updater.stop(), self.stop_timeout)
            except TimeoutError:
                log.warning("Telegram: the updater did not stop in %.0f s; going on",
                            self.stop_timeout)

    async def _set_webhook(self, tries: int = 3) -> None:
        """setWebhook with the secret token, retried a few times on network errors."""
        for attempt in range(tries):
            try:
                await self.application.bot.set_webhook(
                    url=self.webhook_url or "", secret_token=self.secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
                return
            except (NetworkError, TimedOut):
                if attempt + 1 == tries:
                    raise
                await asyncio.sleep(backoff(attempt, 1.0, least=1.0))  # 1 s, 2 s, …

    async def stop(self) -> None:
        """Stop receiving, let the answers in progress finish, close the HTTP clients."""
        app = self.application
        if not self._initialized:
            return
        try:
            if self.turn is not None:
                await self.turn.stop()
                self.turn = None
            if app.updater is not None and app.updater.running:
                try:  # PTB sleeps up to 30 s between failed polls, deaf to stop(): bound it
                    await asyncio.wait_for(app.updater.stop(), self.stop_timeout)
                except TimeoutError:
                    log.warning("Telegram: the updater did not stop in %.0f s; going on",
                                self.stop_timeout)
            if self.webhook is not None:
                await self.webhook.stop()
                self.webhook = None
            if app.running:
                await app.stop()
            await self._post_shutdown(app)
        finally:
            await app.shutdown()
            self._initialized = False
        log.info("Telegram: stopped")

    async def _post_init(self, app: Application) -> None:
        """After initialize(): publish the command menus (once; a failure is only logged)."""
        if self._post_init_done:
            return
        self._post_init_done = True
        try:
            await self.set_menus()
        except TelegramError as exc:
            log.warning("Telegram: could not set the command menus: %s", exc)

    async def _post_shutdown(self, app: Application) -> None:
        """Before shutdown(): forget the per-chat state."""
        self._menu_roles.clear()
        self._chat_locks.clear()

    def _poll_error(self, exc: TelegramError) -> None:
        """One log line for a failed getUpdates (the updater retries by itself)."""
        log.warning("Telegram: getUpdates failed, retrying: %s", exc)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log a handler error without the update's content (it may hold personal data)."""
        log.error("Telegram: error while handling an update", exc_info=context.error)

    # -- menus

    async def set_menus(self) -> None:
        """The citizens' menu as the default; each known staff chat gets its role's menu."""
        bot = self.application.bot
        await bot.set_my_commands(
            bot_commands(self.core.menu("citizen")), scope=BotCommandScopeDefault()
        )
        for chat_id, role in await self.core.staff_chats(CHANNEL):
            if chat_id.lstrip("-").isdigit():  # a Telegram chat id (admin ids may be others)
                await self.sync_menu(chat_id, role, force=True)

    async def sync_menu(self, chat_id: str, role: str, *, force: bool = False) -> None:
        """Show this chat its role's menu (staff: a per-chat scope; citizens: the default)."""
        if not force and self._menu_roles.get(chat_id, "citizen") == role:
            return
        bot = self.application.bot
        scope = BotCommandScopeChat(int(chat_id))
        try:
            if role == "citizen":
                await bot.delete_my_commands(scope=scope)
            else:
                await bot.set_my_commands(bot_commands(self.core.menu(role)), scope=scope)
        except TelegramError as exc:
            log.warning("Telegram: could not set a chat's menu: %s", exc)
            return
        self._menu_roles[chat_id] = role

    # -- incoming

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A text, a command or a document: to the core, and the answers back to the chat."""
        message, user, chat = update.effective_message, update.effective_user, update.effective_chat
        if message is None or user is None or chat is None:
            return
        chat_id = str(chat.id)
        text = message.text or message.caption or ""
        if addressed_elsewhere(text, self.username):
            log.debug("Telegram: a command addressed to another bot, ignored")
            return
        attachment = None
        if message.photo or _is_image_document(message.document):
            async with self._lock(chat_id):
                attachment = await self._download_photo(message)
        elif message.document is not None:
            async with self._lock(chat_id):
                attachment, problem = await self._download(message.document, chat_id)
            if problem is not None:
                await self.answer(chat_id, [Reply(problem)])
                return
        incoming = Incoming(
            channel=CHANNEL,
            user_id=str(user.id),
            chat_id=chat_id,
            text=text,
            display_name=user.full_name or None,
            attachment=attachment,
        )
        await self.serve(incoming, _label(text, document=attachment is not None))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A pressed inline button: acknowledge it, then its data goes to the core as a text."""
        query, user = update.callback_query, update.effective_user
        if query is None or user is None:
            return
        try:
            await query.answer()
        except TelegramError as exc:
            log.debug("Telegram: answerCallbackQuery failed: %s", exc)
        chat = query.message.chat if query.message is not None else None
        chat_id = str(chat.id if chat is not None else user.id)
        data = query.data or ""
        incoming = Incoming(
            channel=CHANNEL,
            user_id=str(user.id),
            chat_id=chat_id,
            text=data,
            display_name=user.full_name or None,
            is_button=True,
        )
        await self.serve(incoming, _label(data, button=True))

    async def _download(self, document: Any, chat_id: str) -> tuple[Attachment | None, str | None]:
        """The document's bytes as an Attachment, or a Vietnamese reason it could not be had."""
        if document.file_size and document.file_size > MAX_DOWNLOAD:
            return None, TOO_BIG
        bot = self.application.bot
        with contextlib.suppress(TelegramError):
            await bot.send_chat_action(chat_id, ChatAction.TYPING)
        try:
            file = await document.get_file()
            data = bytes(await file.download_as_bytearray())
        except TelegramError as exc:
            log.warning("Telegram: document download failed: %s", exc)
            return None, TOO_BIG if "too big" in str(exc).lower() else DOWNLOAD_FAILED
        name = document.file_name or "tep-gui-len"
        return Attachment(filename=name, data=data, mime=document.mime_type), None

    async def _download_photo(self, message: Any) -> Attachment:
        """A receipt photo (the largest size under MOTCUA_RECEIPT_MAX_BYTES) or image file as an
        image Attachment; empty data when it is too large or the download failed (the core then
        answers that the code could not be read)."""
        cap = self.ctx.settings.receipt_max_bytes
        if message.photo:
            fitting = [p for p in message.photo if (p.file_size or 0) <= cap]
            source = max(fitting, key=lambda p: p.width * p.height) if fitting else None
            name, mime = "anh.jpg", "image/jpeg"
        else:
            doc = message.document
            source = doc if (doc.file_size or 0) <= cap else None
            name, mime = doc.file_name or "anh", doc.mime_type or "image/*"
        data = b""
        if source is not None:
            try:
                file = await source.get_file()
                data = bytes(await file.download_as_bytearray())
            except TelegramError as exc:
                log.warning("Telegram: photo download failed: %s", exc)
        return Attachment(filename=name, data=data[: cap + 1], mime=mime)

    def _lock(self, chat_id: str) -> asyncio.Lock:
        """The lock keeping one chat's messages answered in order."""
        lock = self._chat_locks.get(chat_id)
        if lock is None:
            if len(self._chat_locks) > 10_000:
                for key, old in list(self._chat_locks.items()):
                    if not old.locked():
                        del self._chat_locks[key]
            lock = self._chat_locks[chat_id] = asyncio.Lock()
        return lock

    async def serve(self, incoming: Incoming, label: str) -> list[Reply]:
        """Run one Incoming through the core, send the answers, update the menu, log one line."""
        started = time.perf_counter()
        async with self._lock(incoming.chat_id):
            try:
                answer = await self.core.answer(incoming, MAX_TEXT)
            except Exception:  # the core promises not to raise; never leave a person unanswered
                log.exception("core.answer raised")
                answer = Answer([Reply(SORRY)], None)
            replies = answer.replies
            await self.answer(incoming.chat_id, replies)
        role = answer.role or "?"
        if answer.role is not None and incoming.chat_id == incoming.user_id:
            await self.sync_menu(incoming.chat_id, answer.role)
        log.debug(  # the core logs the INFO line per message; this one adds the sending time
            "telegram %s role=%s replies=%d %.1f ms",
            label, role, len(replies), (time.perf_counter() - started) * 1000,
        )
        return replies

    async def answer(self, chat_id: str, replies: list[Reply]) -> None:
        """Send the replies in order; a failed one is logged and the rest still go."""
        bot = self.application.bot
        for reply in replies:
            try:
                await send_reply(bot, chat_id, reply, rate_limit_args=INTERACTIVE_RETRIES)
            except Forbidden:
                log.info("Telegram: a person blocked the bot; answer dropped")
                return
            except TelegramError as exc:
                log.warning("Telegram: sending an answer failed (%s): %s", reply.kind, exc)


def build_application(ctx: AppContext, core: ChatCore) -> Application:
    """The configured Application (its TelegramChannel is in bot_data["motcua_channel"])."""
    return TelegramChannel(ctx, core).application
