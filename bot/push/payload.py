"""Outbox payloads: a Reply as the plain JSON text the outbox stores, and back again."""

from __future__ import annotations

import base64
import json

from bot.core.types import Button, Reply
from storage.outbox import OutboxItem


def to_payload(reply: Reply) -> str:
    """Serialise a Reply as an outbox payload (JSON; bytes as base64)."""
    data: dict[str, object] = {"text": reply.text}
    if reply.image is not None:
        data["image_b64"] = base64.b64encode(reply.image).decode("ascii")
    if reply.document is not None:
        data["document_b64"] = base64.b64encode(reply.document).decode("ascii")
    if reply.filename is not None:
        data["filename"] = reply.filename
    if reply.buttons:
        data["buttons"] = [[[b.label, b.data] for b in row] for row in reply.buttons]
    return json.dumps(data, ensure_ascii=False)


def from_payload(text: str) -> Reply:
    """Rebuild the Reply of an outbox payload."""
    data = json.loads(text)
    buttons = tuple(
        tuple(Button(str(label), str(value)) for label, value in row)
        for row in data.get("buttons", [])
    )
    return Reply(
        text=str(data.get("text", "")),
        image=_bytes(data, "image"),
        document=_bytes(data, "document"),
        filename=data.get("filename"),
        buttons=buttons,
    )


def _bytes(data: dict, name: str) -> bytes | None:
    """The bytes stored under `<name>_b64` (base64), or None."""
    encoded = data.get(f"{name}_b64")
    return None if encoded is None else base64.b64decode(encoded)


def push_item(
    channel: str, chat_id: str, key: str, reply: Reply, kind: str = "other",
    staff_id: int | None = None,
) -> OutboxItem:
    """The outbox item that sends `reply` to one chat under the idempotency key `key`."""
    return OutboxItem(channel, chat_id, key, to_payload(reply), kind, staff_id)
