"""The channel contract: what a channel needs of the core (ChatCore), what the runner needs of a
channel (Channel), what it offers the outbox delivery worker (Sender) and the errors a send may
raise."""

from __future__ import annotations

from typing import Protocol

from bot.core.types import Answer, Incoming, Reply


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


class ChatCore(Protocol):
    """What every channel needs of the core (bot.core.router.Core): one call per message."""

    async def answer(self, incoming: Incoming, max_text: int = 4096) -> Answer:
        """The replies to one message and the sender's role after it; never raises."""
        ...

    async def role_of(self, channel: str, user_id: str) -> str:
        """'admin', 'leader', 'officer' or 'citizen' for this chat account."""
        ...

    def menu(self, role: str) -> list[tuple[str, str]]:
        """The (command, description) pairs of a role's menu."""
        ...

    async def staff_chats(self, channel: str) -> list[tuple[str, str]]:
        """(chat_id, role) of every staff chat linked on this channel and every admin of it."""
        ...


class Channel(Protocol):
    """A running chat platform, as the runner sees it: started, stopped, and its Sender."""

    @property
    def sender(self) -> Sender:
        """The channel's outgoing side, for the outbox delivery worker."""
        ...

    async def start(self) -> None:
        """Connect and begin taking messages in (raises when the platform refuses)."""
        ...

    async def stop(self) -> None:
        """Stop taking messages in, finish the answers in progress, close the connections."""
        ...
