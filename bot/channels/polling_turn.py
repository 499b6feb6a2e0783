"""Long polling taken by one `motcua run` process at a time (storage.poll_lock).

The process holding a bot's polling lock polls; the others stand by, trying the lock again
every few seconds (a killed holder frees it at once on PostgreSQL), while they deliver pushes,
run the scheduled jobs and, in webhook mode, take updates like every other process.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable

from storage.poll_lock import PollLock
from storage.store import Store

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


def lock_name(channel: str, token: str) -> str:
    """The polling lock's name for one bot: the channel and a digest of its token."""
    return f"poll:{channel}:{hashlib.sha256(token.encode()).hexdigest()[:16]}"


class PollingTurn:
    """Runs start_polling while this process holds the bot's polling lock, stop_polling when
    the lock is lost or the turn stops."""

    def __init__(
        self,
        db: Store,
        label: str,
        name: str,
        start_polling: Callable[[], Awaitable[None]],
        stop_polling: Callable[[], Awaitable[None]],
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.label = label  # "Telegram", "Zalo": for the log
        self.lock = PollLock(db, name)
        self._start_polling = start_polling
        self._stop_polling = stop_polling
        self.retry_seconds = retry_seconds
        self.polling = False
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Take the lock and poll now if free, else stand by; then watch in the background."""
        await self._step(first=True)
        self._task = asyncio.create_task(self._watch(), name=f"poll-turn-{self.label}")

    async def stop(self) -> None:
        """Stop polling (if this process polls) and give the lock up."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        try:
            if self.polling:
                self.polling = False
                await self._stop_polling()
        finally:
            await self.lock.release()

    async def _watch(self) -> None:
        """Every retry_seconds: take the lock when free, or check it is still held."""
        while True:
            await asyncio.sleep(self.retry_seconds)
            try:
                await self._step(first=False)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s: the polling lock could not be checked", self.label)

    async def _step(self, *, first: bool) -> None:
        """One look at the lock: start polling when newly held, stop when lost."""
        if self.polling:
            if not await self.lock.still_held():
                log.warning("%s: the polling lock was lost; polling stops, standing by",
                            self.label)
                self.polling = False
                await self._stop_polling()
            return
        if await self.lock.try_acquire():
            self.polling = True
            try:
                await self._start_polling()
            except BaseException:
                self.polling = False
                await self.lock.release()
                raise
            if not first:
                log.info("%s: this process took over long polling", self.label)
        elif first:
            log.info("%s: another process long-polls; standing by (trying every %.0f s)",
                     self.label, self.retry_seconds)
