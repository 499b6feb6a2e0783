"""The application context handed to the core, the CLI and the services: settings, store, clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.config import Settings
from bot.workdays import WorkCalendar
from storage.db import Database


@dataclass
class AppContext:
    """Everything a handler needs; `clock` returns an aware "now", so tests can fix it."""

    settings: Settings
    db: Database
    calendar: WorkCalendar
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())
    demo: bool = False  # demo mode: the console may switch the simulated person (/as)
    # Results derived from the store (leaders' summaries), keyed by the data's version, so they
    # are recomputed after every import; bounded, oldest dropped first.
    cache: dict[object, object] = field(default_factory=dict)
    cache_size: int = 64

    def remember(self, key: object, value: object) -> None:
        """Keep a derived result (dropping the oldest when the cache is full)."""
        self.cache[key] = value
        while len(self.cache) > self.cache_size:
            self.cache.pop(next(iter(self.cache)))

    def now(self) -> datetime:
        """The current time in the settings' timezone."""
        return self.clock().astimezone(self.settings.tz)

    @classmethod
    async def open(
        cls, settings: Settings, clock: Callable[[], datetime] | None = None, demo: bool = False
    ) -> AppContext:
        """Open the store named by the settings (migrating it) and build the context."""
        db = await Database.open(settings.db_path)
        ctx = cls(settings, db, WorkCalendar.from_settings(settings), demo=demo)
        if clock is not None:
            ctx.clock = clock
        return ctx

    async def close(self) -> None:
        """Close the store."""
        await self.db.close()
