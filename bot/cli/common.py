"""What the sub-commands share: opening the context, running a coroutine, command errors."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bot.config import Settings, load_settings
from bot.context import AppContext
from storage.store_lock import LockError, StoreBusy, hold_store

T = TypeVar("T")


class SubCommands(Protocol):
    """Where a sub-command module adds its parsers (what `add_subparsers()` returns)."""

    def add_parser(
        self, name: str, *, help: str | None = ..., usage: str | None = ...,
        description: str | None = ...,
    ) -> argparse.ArgumentParser:
        """A new sub-command's parser, called name (the keywords our modules pass)."""
        ...


class CommandError(Exception):
    """A sub-command failed for a reason the operator can fix; message in Vietnamese."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on a fresh event loop."""
    return asyncio.run(coro)


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


@contextmanager
def holding_store(db_path: Path, command: str, busy: str, failed: str) -> Iterator[None]:
    """Hold the store's lock for the block (storage.store_lock); a refusal is a CommandError.

    busy is the sentence when another process holds the store, with {store} and {holder}
    («motcua run» (PID 12, từ 08:40 02/12/2026)) filled in; failed starts the sentence when the
    lock file cannot be opened.
    """
    try:
        with hold_store(db_path, command):
            yield
    except StoreBusy as exc:
        raise CommandError(busy.format(store=db_path, holder=exc.holder)) from None
    except LockError as exc:
        raise CommandError(f"{failed}: {exc}.") from None
