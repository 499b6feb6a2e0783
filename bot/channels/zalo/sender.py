"""ZaloSender: the Zalo side of bot.channels.base.Sender, with Zalo's limits and error mapping."""

from __future__ import annotations

import logging

from bot.channels.base import PermanentError, RecipientBlocked, RetryLater, TransientError
from bot.channels.zalo.client import TEXT_LIMIT, ZaloApiError, ZaloClient, ZaloNetworkError
from bot.channels.zalo.files import with_links
from bot.channels.zalo.render import render
from bot.context import AppContext
from bot.core.types import Reply
from bot.push.pacing import ChannelPacer
from storage import zalo_seen

log = logging.getLogger(__name__)


def map_error(exc: Exception) -> Exception:
    """Translate a Zalo client error into the DeliveryError the delivery worker understands.

    429 → RetryLater(None) (Zalo sends no retry time: the caller backs off with jitter);
    408, 5xx and network errors → TransientError; 403 → RecipientBlocked; other → PermanentError.
    """
    if isinstance(exc, ZaloNetworkError):
        return TransientError(str(exc))
    if isinstance(exc, ZaloApiError):
        status = exc.http_status or 0
        if exc.code == 429 or status == 429:
            return RetryLater(None, str(exc))
        if exc.code == 403 or status == 403:
            return RecipientBlocked(str(exc))
        if exc.code == 408 or exc.code >= 500 or status >= 500:
            return TransientError(str(exc))
        return PermanentError(str(exc))
    return TransientError(f"{type(exc).__name__}: {exc}")


class ZaloSender:
    """Sends replies to Zalo chats: splits texts at 2,000 characters, numbers the buttons."""

    name = "zalo"
    max_text = TEXT_LIMIT

    def __init__(self, client: ZaloClient, ctx: AppContext) -> None:
        """Use `client` for the calls and ctx's store to remember the numbered choices."""
        self.client = client
        self.ctx = ctx
        # Zalo's caps, waited for before every message (answers, pushes, parts); the delivery
        # worker reads it to skip chats that must wait.
        self.pacer = ChannelPacer(ctx.settings.zalo_rate_global, ctx.settings.zalo_rate_per_chat)
        self.files_key: bytes | None = None  # set when the webhook server serves file links

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Send one reply to one chat, or raise a DeliveryError subclass."""
        await self.send_many(chat_id, [reply])

    async def send_many(self, chat_id: str, replies: list[Reply]) -> None:
        """Send a batch of replies (one answer); choices are numbered across the batch.

        Each message waits for self.pacer right before its call (the delivery worker counts
        nothing for Zalo), so every message is paced once. A reply longer than 2,000 characters
        goes as several messages; if a later part fails, the error is raised and a retry resends
        the earlier parts too (at-least-once).
        """
        replies, photos = await with_links(self.ctx, self.files_key, replies)  # issue 17
        rendered = render(replies, self.max_text)
        # The last message shown decides what a bare "1" means; no buttons forget the old ones.
        await zalo_seen.save_choices(self.ctx.db, chat_id, rendered.choices, self.ctx.now())
        for text in rendered.texts:
            await self.pacer.wait(chat_id)
            try:
                await self.client.send_message(chat_id, text)
            except (ZaloApiError, ZaloNetworkError) as exc:
                raise map_error(exc) from exc
        for url, caption in photos:
            await self.pacer.wait(chat_id)
            try:
                await self.client.send_photo(chat_id, url, caption or None)
            except (ZaloApiError, ZaloNetworkError) as exc:
                raise map_error(exc) from exc

    async def typing(self, chat_id: str) -> None:
        """Show "typing…" in the chat; failures are only logged."""
        try:
            await self.client.send_chat_action(chat_id, "typing")
        except (ZaloApiError, ZaloNetworkError) as exc:
            log.debug("zalo sendChatAction failed for %s: %s", chat_id, exc)
