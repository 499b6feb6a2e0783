"""The core's message types: Incoming (what a person sent) and Reply (what the bot answers)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attachment:
    """A file a person sent (an admin's .xlsx/.csv import)."""

    filename: str
    data: bytes
    mime: str | None = None


@dataclass(frozen=True)
class Incoming:
    """One message from a person on a channel; text is NFC-normalised by the router."""

    channel: str  # "telegram" | "zalo" | "console"
    user_id: str  # the channel's id of the person (str even when numeric)
    chat_id: str  # where to answer (a private chat: usually equal to user_id)
    text: str = ""
    display_name: str | None = None
    attachment: Attachment | None = None
    is_button: bool = False  # True when the text comes from a pressed button


@dataclass(frozen=True)
class Button:
    """A button under a reply; pressing it sends `data` back as an Incoming text."""

    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    """One message the bot sends: plain text (channels escape it), or an image or document.

    `text` is the caption for an image or document. `buttons` are rows of buttons; a channel
    without buttons renders them as numbered text choices.
    """

    text: str = ""
    image: bytes | None = None  # PNG
    document: bytes | None = None
    filename: str | None = None  # for image/document
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)
    # What a channel that cannot carry this file shows instead (Zalo: the report's text summary).
    fallback: str | None = None

    @property
    def kind(self) -> str:
        """'image', 'document' or 'text'."""
        if self.image is not None:
            return "image"
        if self.document is not None:
            return "document"
        return "text"


@dataclass(frozen=True)
class Answer:
    """The core's answer to one message: the replies, and the sender's role after it (what a
    channel's menu should show; None when it could not be told)."""

    replies: list[Reply]
    role: str | None
