"""Process logging: one stderr handler at MOTCUA_LOG_LEVEL, secrets redacted, libraries ≥ INFO."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import IO

REDACTED = "<token>"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Libraries that log request URLs (which hold the bot token) or chatter at INFO.
_NOISY = ("httpx", "httpcore", "telegram.ext.Updater", "apscheduler", "aiohttp.access")
# The bot's own loggers: the only ones whose DEBUG lines are written. Libraries' DEBUG lines carry
# whole updates (names, texts with the 4 digits), SQL parameters and rows, request bodies:
# nothing a redaction could know to remove, so they never pass below INFO.
OWN = ("motcua", "bot", "storage")
# Libraries known to log personal data at DEBUG: held at INFO so they do not even build the lines.
_LIBRARIES = ("telegram", "httpx", "httpcore", "aiosqlite", "aiohttp", "apscheduler", "asyncio",
              "hpack", "urllib3", "openpyxl", "PIL", "matplotlib")


class BotHandler(logging.StreamHandler[IO[str]]):
    """The stderr handler setup_logging installs (replaced, not duplicated, when called again)."""


class LibraryFloor(logging.Filter):
    """Drop every record below INFO that does not come from one of the bot's own loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep INFO and above from anyone, DEBUG only from the bot's own loggers."""
        if record.levelno >= logging.INFO:
            return True
        return record.name.split(".", 1)[0] in OWN


class RedactFilter(logging.Filter):
    """Replace every secret (bot tokens, webhook secrets) in a record's rendered message."""

    def __init__(self, secrets: Iterable[str]) -> None:
        """Keep the non-trivial secrets to redact, longest first."""
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def add(self, secret: str) -> None:
        """Start redacting one more secret."""
        if secret and len(secret) >= 6 and secret not in self.secrets:
            self.secrets.append(secret)
            self.secrets.sort(key=len, reverse=True)

    def redact(self, text: str) -> str:
        """The text with every secret replaced by a placeholder."""
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once, redact it, and keep the record (never drops a line)."""
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave the record alone
            return True
        clean = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


def setup_logging(level: str = "INFO", secrets: Iterable[str] = (),
                  stream: IO[str] | None = None) -> RedactFilter:
    """Log to stderr (or `stream`) at `level`, quiet the URL-logging libraries, keep every
    library at INFO or above, and redact `secrets`."""
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old, BotHandler):
            root.removeHandler(old)
    handler = BotHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    redact = RedactFilter(secrets)
    handler.addFilter(LibraryFloor())
    handler.addFilter(redact)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(level)))
    for name in _NOISY:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    return redact


def secrets_of(settings: object) -> list[str]:
    """The secret values held by the settings (tokens and webhook secrets), as plain strings."""
    found = []
    for name in ("telegram_token", "telegram_webhook_secret", "zalo_token", "zalo_webhook_secret"):
        value = getattr(settings, name, None)
        if value is not None:
            found.append(value.get_secret_value())
    return found
