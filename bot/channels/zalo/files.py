"""Charts and reports for Zalo (issue 17): Zalo's sendPhoto takes a URL, not bytes, so when the
bot has a public base URL (MOTCUA_PUBLIC_BASE_URL, else the Zalo webhook's scheme and host) each
file is kept in the store and served by the bot's own web server at

    <base>/tep/<random id>/<expiry, unix seconds>/<HMAC-SHA256 signature>/<file name>

valid FILE_HOURS hours. Nothing is listed: any other path, a wrong signature or an expired link
answers 404 the same way. The signing key derives from the webhook secret."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from urllib.parse import quote, urlparse

from aiohttp import web

from bot.context import AppContext
from bot.core.types import Reply
from storage import shared_files

FILE_HOURS = 24
ROUTE = "/tep/{id}/{exp}/{sig}/{name}"
MIME = {".png": "image/png",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def public_base(ctx: AppContext) -> str | None:
    """The public base URL files are served under, or None (no public web server)."""
    s = ctx.settings
    explicit = getattr(s, "public_base_url", None)
    if explicit:
        return str(explicit).rstrip("/")
    if s.zalo_webhook_url:
        url = urlparse(s.zalo_webhook_url)
        if url.scheme in ("http", "https") and url.netloc:
            return f"{url.scheme}://{url.netloc}"
    return None


def signing_key(secret: str) -> bytes:
    """The HMAC key for file links, derived from the webhook secret."""
    return hashlib.sha256(b"motcua-files\0" + secret.encode()).digest()


def sign(key: bytes, file_id: str, exp: int) -> str:
    """The link's signature over the file id and its expiry."""
    return hmac.new(key, f"{file_id}/{exp}".encode(), hashlib.sha256).hexdigest()[:32]


async def share(ctx: AppContext, key: bytes, base: str, data: bytes, filename: str) -> str:
    """Keep the file for FILE_HOURS and return its signed URL."""
    now = ctx.now()
    expires = now + timedelta(hours=FILE_HOURS)
    suffix = filename[filename.rfind("."):].lower() if "." in filename else ""
    file_id = await shared_files.put(ctx.db, filename, MIME.get(suffix, "application/octet-stream"),
                                     data, now, expires)
    exp = int(expires.timestamp())
    return f"{base}/tep/{file_id}/{exp}/{sign(key, file_id, exp)}/{quote(filename)}"


async def with_links(ctx: AppContext, key: bytes | None, replies: list[Reply]
                     ) -> tuple[list[Reply], list[tuple[str, str]]]:
    """The replies with each document turned into its caption and link, and the images to send
    by sendPhoto as (url, caption); unchanged when there is no public base URL or key."""
    base = public_base(ctx)
    if base is None or key is None:
        return replies, []
    out, photos = [], []
    for reply in replies:
        name = reply.filename or ("bieu-do.png" if reply.kind == "image" else "tep")
        if reply.kind == "image" and reply.image is not None:
            url = await share(ctx, key, base, reply.image, name)
            photos.append((url, reply.text[:2000]))
            if reply.buttons:
                out.append(Reply(text="", buttons=reply.buttons))
        elif reply.kind == "document" and reply.document is not None:
            url = await share(ctx, key, base, reply.document, name)
            caption = reply.text or name
            out.append(Reply(text=f"{caption}: tải tệp tại {url}\n(Đường dẫn dùng được trong "
                                  f"{FILE_HOURS} giờ.)", buttons=reply.buttons))
        else:
            out.append(reply)
    return out, photos


def add_file_route(app: web.Application, ctx: AppContext, key: bytes) -> None:
    """Serve the signed file links on this aiohttp application (GET only)."""

    async def serve(request: web.Request) -> web.Response:
        """The file, or the same 404 for anything wrong (nothing is listed or told apart)."""
        file_id, sig = request.match_info["id"], request.match_info["sig"]
        try:
            exp = int(request.match_info["exp"])
        except ValueError:
            raise web.HTTPNotFound() from None
        fresh = exp >= int(ctx.now().timestamp())
        if not (fresh and hmac.compare_digest(sig, sign(key, file_id, exp))):
            raise web.HTTPNotFound()
        found = await shared_files.get(ctx.db, file_id, ctx.now())
        if found is None:
            raise web.HTTPNotFound()
        filename, mime, data = found
        return web.Response(body=data, content_type=mime, headers={
            "Cache-Control": "private, max-age=3600",
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}",
            "X-Content-Type-Options": "nosniff"})

    app.router.add_get(ROUTE, serve)
