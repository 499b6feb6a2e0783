"""Opening the two ends of a copy from their URLs: a source must be a motcua store already;
either is first brought to the current schema (as any motcua command would)."""

from __future__ import annotations

from urllib.parse import urlsplit

from storage.backup import SameFile, check_distinct, is_store
from storage.copy.ends import End, PgEnd, SqliteEnd
from storage.copy.run import CopyRefused
from storage.engine import StoreURL, open_store, parse_url


def _pg_place(dsn: str) -> tuple[str, int, str]:
    """(host, port, database) of a PostgreSQL URL, to tell whether two URLs name one database."""
    parts = urlsplit(dsn)
    return (parts.hostname or "localhost", parts.port or 5432, parts.path.lstrip("/"))


def check_two(source: StoreURL, target: StoreURL) -> None:
    """Refuse a copy of a store into itself."""
    same = False
    if source.engine == target.engine == "sqlite":
        assert source.path is not None and target.path is not None
        try:
            check_distinct(source.path, target.path)
        except SameFile:
            same = True
    elif source.engine == target.engine:
        same = _pg_place(source.dsn or "") == _pg_place(target.dsn or "")
    if same:
        raise CopyRefused(f"Kho nguồn và kho đích là một ({source.text}): hãy chọn kho khác.")


async def open_end(url: StoreURL, *, source: bool) -> End:
    """The copy's end at url, migrated; a source that is not a motcua store is refused."""
    if url.engine == "sqlite":
        assert url.path is not None
        if source and not url.path.exists():
            raise CopyRefused(f"Không có kho nguồn tại {url.path}.")
        if source and not is_store(url.path):
            raise CopyRefused(f"{url.path} không phải kho dữ liệu SQLite của motcua-bot "
                              "(hoặc tệp đã hỏng).")
        store = await open_store(url.path)
        await store.close()
        return SqliteEnd(url.path, read_only=source)
    store = await open_store(url.dsn or "")
    await store.close()
    return await PgEnd.connect(url.dsn or "")


def parse_two(source: str, target: str) -> tuple[StoreURL, StoreURL]:
    """Both URLs parsed (StoreURLError for one no engine reads), and not the same store."""
    pair = parse_url(source), parse_url(target)
    check_two(*pair)
    return pair
