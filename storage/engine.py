"""Which engine a store URL names, and opening it: `sqlite:///path` or `postgresql://…`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.store import Store


class StoreURLError(ValueError):
    """A store URL no engine reads (the message is Vietnamese, for the operator)."""


@dataclass(frozen=True)
class StoreURL:
    """A parsed store address: the engine, and the file (SQLite) or the DSN (PostgreSQL)."""

    engine: str  # "sqlite" | "postgresql"
    path: Path | None = None
    dsn: str | None = None

    @property
    def text(self) -> str:
        """The address as written (a PostgreSQL password masked)."""
        if self.engine == "sqlite":
            return f"sqlite:///{self.path}"
        from storage.pg.db import masked

        return masked(self.dsn or "")


def parse_url(url: str | Path) -> StoreURL:
    """Read a store address: a `sqlite:///path` URL or a plain path (SQLite), or a
    `postgresql://user:pass@host:port/db` (also `postgres://`) URL."""
    text = str(url).strip()
    if text.startswith(("postgresql://", "postgres://", "postgresql+asyncpg://")):
        return StoreURL("postgresql", dsn=text.replace("postgresql+asyncpg://", "postgresql://", 1))
    if text.startswith("sqlite://"):
        rest = text[len("sqlite://"):]
        if not rest.startswith("/") or rest == "/":
            raise StoreURLError(
                f"Địa chỉ kho dữ liệu «{text}» thiếu đường dẫn tệp: viết sqlite:///duong/dan.db."
            )
        return StoreURL("sqlite", path=Path(rest[1:]))
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise StoreURLError(
            f"Không hỗ trợ loại kho dữ liệu «{scheme}»: chỉ dùng sqlite:///… hoặc postgresql://…."
        )
    if not text:
        raise StoreURLError("Địa chỉ kho dữ liệu đang để trống.")
    return StoreURL("sqlite", path=Path(text))


async def open_store(url: str | Path, *, migrate: bool = True, **options: Any) -> Store:
    """Open (creating and migrating, unless migrate=False) the store a URL or path names."""
    parsed = parse_url(url)
    if parsed.engine == "postgresql":
        from storage.pg.db import PgDatabase

        return await PgDatabase.open(parsed.dsn or "", migrate=migrate, **options)
    from storage.db import Database

    assert parsed.path is not None
    return await Database.open(parsed.path, migrate=migrate, **options)
