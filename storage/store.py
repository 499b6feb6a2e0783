"""What the rest of the program may ask of a store, whichever engine holds it.

`storage.db.Database` (SQLite, the embedded default) and `storage.pg.db.PgDatabase`
(PostgreSQL) both provide it; `storage.engine.open_store` opens the one a URL names.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, TypeVar

from storage.conn import Conn
from storage.dialect import Dialect

T = TypeVar("T")


class Store(Protocol):
    """An opened store: reads, short write transactions, migrations."""

    @property
    def dialect(self) -> Dialect:
        """The engine's SQL differences."""

    @property
    def engine(self) -> str:
        """"sqlite" or "postgresql"."""

    @property
    def url(self) -> str:
        """The store's address (a PostgreSQL URL without its password)."""

    @property
    def reader(self) -> Conn:
        """Statements outside any transaction, for reads."""

    @property
    def writer(self) -> Conn:
        """Statements outside any transaction, for single-statement writes."""

    async def read(self, fn: Callable[..., Coroutine[Any, Any, T]], *args: object) -> T:
        """fn(conn, *args), a storage coroutine of reads."""

    async def quick_read(self, fn: Callable[..., Coroutine[Any, Any, T]], *args: object) -> T:
        """fn(conn, *args) for a tiny indexed read, by the cheapest way the engine has."""

    async def write_in_one_hop(
        self, fn: Callable[..., Coroutine[Any, Any, T]], *args: object
    ) -> T:
        """fn(conn, *args) inside one short write transaction (rolled back on error)."""

    def transaction(self) -> AbstractAsyncContextManager[Conn]:
        """A short write transaction (rolled back on error)."""

    async def migrate(self) -> list[str]:
        """Apply the migrations the store has not recorded."""

    async def schema_version(self) -> int:
        """The highest migration applied."""

    async def is_empty(self) -> bool:
        """True when the store holds no dossier and no procedure."""

    async def table_counts(self, tables: tuple[str, ...] = ...) -> dict[str, int]:
        """Row counts of those tables that exist."""

    async def close(self) -> None:
        """Close every connection."""
