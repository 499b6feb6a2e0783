"""A thin async client of the Zalo Bot Platform HTTP API (httpx).

Shapes checked against the platform's documentation, https://bot.zaloplatforms.com/docs (mirror:
bot.zapps.me/docs), and against clients used with the live platform:
- every call is `POST {api_url}{token}/{method}` with a JSON body, e.g.
  `https://bot-api.zaloplatforms.com/bot<TOKEN>/sendMessage`; every answer is `{"ok": true,
  "result": ...}` or `{"ok": false, "error_code": N, "description": "..."}`;
- `getUpdates` takes `{"timeout": seconds}` (30 by default) and no offset, unlike Telegram. The
  documentation's sample answers `result` as ONE update object `{"event_name", "message"}`; one
  SDK reads a list; with nothing before the timeout the platform answers `ok: false,
  error_code: 408`. Both shapes are accepted and 408 is an empty poll;
- `setWebhook` takes `url` (HTTPS) and `secret_token` (8–256 characters), which the platform sends
  back in the `X-Bot-Api-Secret-Token` header; `getUpdates` does not work while a webhook is set;
- `sendMessage` takes `chat_id` and `text` of 1 to 2,000 characters;
- `sendPhoto` takes `chat_id`, `photo` and an optional `caption`: `photo` is a URL the platform
  fetches itself — there is no upload of bytes, so the channel cannot send a generated PNG;
- `sendChatAction` takes `chat_id` and `action` ("typing"; "upload_photo" announced);
- no retry time comes with a 429, and the documentation states no numeric rate limit.

The young `python-zalo-bot` package (a copy of python-telegram-bot's structure) is not used: this
client is ~100 lines, async, and tolerant of the shapes the sources disagree on.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)

TEXT_LIMIT = 2000  # sendMessage/sendPhoto caption: "từ 1 đến 2000 ký tự"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
POLL_EMPTY_CODE = 408  # getUpdates with nothing before the timeout


class ZaloError(Exception):
    """A call to the Zalo Bot API failed."""


class ZaloNetworkError(ZaloError):
    """The platform could not be reached, or did not answer in time."""


class ZaloApiError(ZaloError):
    """The platform answered an error: `code` is its error_code, else the HTTP status."""

    def __init__(self, code: int, description: str = "", http_status: int | None = None) -> None:
        super().__init__(f"Zalo API error {code}: {description}")
        self.code = code
        self.description = description
        self.http_status = http_status


def updates_from_result(result: Any) -> list[dict[str, Any]]:
    """Normalise a getUpdates result or a webhook body to a list of update objects.

    Accepts one update (`{"event_name", "message"}`), a list of them, a `{"ok", "result"}`
    envelope around either (some webhook senders wrap it), or nothing.
    """
    if result is None:
        return []
    if isinstance(result, list):
        return [u for item in result for u in updates_from_result(item)]
    if isinstance(result, dict):
        if "result" in result and "message" not in result:
            return updates_from_result(result["result"])
        if "message" in result or "event_name" in result:
            return [result]
    return []


class ZaloClient:
    """Calls `{api_url}{token}/{method}`; raises ZaloApiError or ZaloNetworkError."""

    def __init__(
        self,
        token: str,
        api_url: str = "https://bot-api.zaloplatforms.com/bot",
        *,
        timeout: float = 20.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        """Build a client; `http` lets tests or the caller share one httpx client."""
        self._base = f"{api_url}{token}/"
        self._timeout = timeout
        self._http = http or httpx.AsyncClient()
        self._own_http = http is None

    async def aclose(self) -> None:
        """Close the HTTP client if this object made it."""
        if self._own_http:
            await self._http.aclose()

    async def call(self, method: str, payload: dict[str, Any] | None = None,
                   *, timeout: float | None = None) -> Any:
        """POST one method with a JSON body and return its `result`."""
        try:
            resp = await self._http.post(
                self._base + method, json=payload or {}, timeout=timeout or self._timeout
            )
        except httpx.HTTPError as exc:  # connect errors, time-outs, broken connections
            raise ZaloNetworkError(f"{method}: {type(exc).__name__}: {exc}") from exc
        try:
            body = resp.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("ok") is True:
            return body.get("result")
        if isinstance(body, dict) and body.get("error_code") is not None:
            try:
                code = int(body["error_code"])
            except (TypeError, ValueError):
                code = resp.status_code
            raise ZaloApiError(code, str(body.get("description") or ""), resp.status_code)
        code = resp.status_code if resp.status_code >= 400 else 500
        raise ZaloApiError(code, resp.text[:200], resp.status_code)

    async def download(self, url: str, max_bytes: int) -> bytes:
        """The bytes at an http(s) URL the platform sent (a photo); b"" when it is not such a URL,
        fails, or is larger than max_bytes (reading stops there)."""
        if not url.lower().startswith(("https://", "http://")):
            return b""
        data = bytearray()
        try:
            async with self._http.stream("GET", url, timeout=self._timeout) as resp:
                if resp.status_code != 200:
                    return b""
                async for chunk in resp.aiter_bytes():
                    data += chunk
                    if len(data) > max_bytes:
                        return b""
        except httpx.HTTPError as exc:
            log.warning("Zalo: photo download failed: %s", type(exc).__name__)
            return b""
        return bytes(data)

    async def get_me(self) -> dict[str, Any]:
        """The bot's own account (`id`, `account_name`, ...); checks the token."""
        return await self.call("getMe") or {}

    async def get_updates(self, timeout: int = 30) -> list[dict[str, Any]]:
        """Long-poll for updates; [] when the platform answers 408 (nothing arrived)."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": timeout}, timeout=timeout + 10.0
            )
        except ZaloApiError as exc:
            if exc.code == POLL_EMPTY_CODE:
                return []
            raise
        return updates_from_result(result)

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        """Ask the platform to POST updates to `url` with the secret in SECRET_HEADER."""
        if not 8 <= len(secret_token) <= 256:
            raise ValueError("secret_token must hold 8 to 256 characters")
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> Any:
        """Remove the webhook (getUpdates works again)."""
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict[str, Any]:
        """The current webhook (`url`, `updated_at`); url is "" when none."""
        return await self.call("getWebhookInfo") or {}

    async def send_message(self, chat_id: str, text: str) -> Any:
        """Send a text of 1 to TEXT_LIMIT characters."""
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None = None) -> Any:
        """Send a photo the platform fetches from `photo_url` (it takes no uploaded bytes)."""
        payload: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption
        return await self.call("sendPhoto", payload)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        """Show "typing…" (or another action) in the chat for a moment."""
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action})
