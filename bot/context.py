"""The application context handed to the core, the CLI and the services: settings, store, clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.config import Settings
from bot.workdays import WorkCalendar
from storage.engine import open_store
from storage.store import Store


def system_clock() -> datetime:
    """The real time, aware (the default clock; the scheduler's cron triggers follow only it)."""
    return datetime.now().astimezone()


@dataclass(slots=True)
class AppContext:
    """Everything a handler needs; `clock` returns an aware "now", so tests can fix it.

    Every field is declared here (slots): setting any other attribute raises AttributeError.
    """

    settings: Settings
    db: Store
    calendar: WorkCalendar
    clock: Callable[[], datetime] = field(default=system_clock)
    demo: bool = False  # demo mode: the console may switch the simulated person (/as)
    # Results derived from the store (leaders' summaries), keyed by the data's version, so they
    # are recomputed after every import; bounded, oldest dropped first.
    cache: dict[object, object] = field(default_factory=dict)
    cache_size: int = 64
    outbox_wake: Callable[[], None] | None = None  # the running delivery worker's wake (services)

    def remember(self, key: object, value: object) -> None:
        """Keep a derived result (dropping the oldest when the cache is full)."""
        self.cache[key] = value
        while len(self.cache) > self.cache_size:
            self.cache.pop(next(iter(self.cache)))

    def now(self) -> datetime:
        """The current time in the settings' timezone."""
        return self.clock().astimezone(self.settings.tz)

    def clock_is_real(self) -> bool:
        """Whether "now" is the real time (not a test's, the demo's or MOTCUA_NOW's clock)."""
        return self.clock is system_clock

    @classmethod
    async def open(
        cls, settings: Settings, clock: Callable[[], datetime] | None = None, demo: bool = False
    ) -> AppContext:
        """Open the store named by the settings (migrating it) and build the context.

        The clock is `clock`, else MOTCUA_NOW's fixed moment when set, else the real time.
        """
        fixed = settings.fixed_now
        if clock is None and fixed is not None:
            clock = lambda: fixed  # noqa: E731
        db = await open_store(settings.store_url)
        ctx = cls(settings, db, WorkCalendar.from_settings(settings), demo=demo)
        if clock is not None:
            ctx.clock = clock
        return ctx

    async def close(self) -> None:
        """Close the store."""
        await self.db.close()
