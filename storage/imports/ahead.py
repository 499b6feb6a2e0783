"""A writer one chunk behind the parser: each chunk starts once the previous one is written."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import Any

from storage.imports.write import Batch


class OneAhead:
    """Keeps at most one chunk being written, in order; subclasses say how a chunk is written
    (`_start`) and what its result adds up to (`_done`)."""

    pending: asyncio.Future[Any] | None = None

    def _start(self, records: Batch) -> Awaitable[Any]:
        """Begin writing one chunk."""
        raise NotImplementedError

    def _done(self, result: Any) -> None:
        """Take in what a written chunk returned (nothing by default)."""

    async def __aexit__(self, *exc: object) -> None:
        """Never leave the transaction with a chunk still being written."""
        if self.pending is not None:
            with contextlib.suppress(Exception):
                await self.pending
            self.pending = None

    async def write(self, records: Batch) -> None:
        """Start writing these records once the previous chunk is written (order kept)."""
        await self.finish()
        if records:
            self.pending = asyncio.ensure_future(self._start(records))

    async def finish(self) -> None:
        """Wait for the chunk being written and take in its result."""
        if self.pending is None:
            return
        pending, self.pending = self.pending, None
        self._done(await pending)
