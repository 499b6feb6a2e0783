"""What every channel offers the outbox delivery worker, and the errors a send may raise."""

from __future__ import annotations

from typing import Protocol

from bot.core.types import Reply


class DeliveryError(Exception):
    """A send failed; the subclass tells the delivery worker what to do next."""


class RetryLater(DeliveryError):
    """The platform asked us to wait (HTTP 429); retry after `seconds` (None: back off)."""

    def __init__(self, seconds: float | None, message: str = "") -> None:
        super().__init__(message or f"retry after {seconds}s")
        self.seconds = seconds


class TransientError(DeliveryError):
    """Network error, time-out or 5xx: retry with backoff; the message may have been delivered."""


class RecipientBlocked(DeliveryError):
    """The person blocked the bot or left (HTTP 403): stop pushing to this chat."""


class PermanentError(DeliveryError):
    """The platform refused this message for good (bad request): do not retry."""


class Sender(Protocol):
    """A channel's outgoing side, used by the outbox delivery worker."""

    name: str  # "telegram" | "zalo" | "console"
    max_text: int  # longest text one message may hold on this channel

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Send one reply to one chat, or raise a DeliveryError subclass."""
        ...
