"""What both webhook servers share: a body read under a size cap, and a refusal logged once."""

from __future__ import annotations

import hmac
import logging

from aiohttp import web

MAX_BODY = 1024 * 1024  # bytes of one webhook POST: an update is a few kB


async def checked_body(
    request: web.Request, header: str, secret: str
) -> tuple[bytes | None, tuple[int, str]]:
    """(body, (200, "")) when the secret header matches and the body is within MAX_BODY, else
    (None, (status, reason)): 403 for a wrong or missing secret, 413 for a body too big."""
    given = request.headers.get(header, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return None, (403, f"wrong or missing {header}")
    body = await read_capped(request)
    if body is None:
        return None, (413, "body over 1 MB")
    return body, (200, "")


async def read_capped(request: web.Request, limit: int = MAX_BODY) -> bytes | None:
    """The request's body, or None when it is over `limit` bytes (announced or actual)."""
    if request.content_length is not None and request.content_length > limit:
        return None
    try:
        return await request.read()  # the app's client_max_size stops a longer body
    except web.HTTPRequestEntityTooLarge:
        return None


def refuse(log: logging.Logger, who: str, status: int, reason: str) -> web.Response:
    """One WARNING line (never the body: it may hold personal data) and a JSON refusal."""
    log.warning("%s webhook: refused a request (%s), HTTP %d", who, reason, status)
    return web.json_response({"ok": False, "description": reason}, status=status)
