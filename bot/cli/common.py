"""What the sub-commands share: opening the context, running a coroutine, command errors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from bot.config import Settings, load_settings
from bot.context import AppContext

T = TypeVar("T")


class CommandError(Exception):
    """A sub-command failed for a reason the operator can fix; message in Vietnamese."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def run(coro: Awaitable[T]) -> T:
    """Run a coroutine to completion on a fresh event loop."""
    return asyncio.run(coro)  # type: ignore[arg-type]


async def with_context(
    body: Callable[[AppContext], Awaitable[T]],
    settings: Settings | None = None,
    demo: bool = False,
    clock: Callable[[], datetime] | None = None,
) -> T:
    """Open the store from the settings, run body(ctx), and always close the store."""
    ctx = await AppContext.open(settings or load_settings(), clock=clock, demo=demo)
    try:
        return await body(ctx)
    finally:
        await ctx.close()
