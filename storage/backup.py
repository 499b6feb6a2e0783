"""Online backup and restore of the store with SQLite's backup API (safe while the bot runs).

Neither ever touches its source: the live store is read through SQLite's own locking, a backup
file is read immutable when it has no -wal beside it, and the copy is written to a temporary
file in the target's folder, checked, and renamed over the target in one step.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SIDECARS = ("-wal", "-shm", "-journal", ".lock")


class SameFile(Exception):
    """The target of a copy is its source (or one of its source's side files)."""


def _uri(path: Path) -> str:
    """A file: URI for path (percent-encoded, so names with ? or # are safe)."""
    return Path(path).resolve().as_uri()


def _peek(path: Path) -> sqlite3.Connection:
    """Open an SQLite file to read it without leaving anything beside it.

    With a -wal beside it, someone may be writing it: read it through SQLite's locks. Without,
    read it immutable, so no -wal/-shm is created next to a file that is not ours.
    """
    if Path(f"{Path(path).resolve()}-wal").exists():  # SQLite puts it beside the real file
        return sqlite3.connect(f"{_uri(path)}?mode=ro", uri=True, timeout=10)
    return sqlite3.connect(f"{_uri(path)}?immutable=1", uri=True)


def check_distinct(source: Path, target: Path) -> None:
    """Raise SameFile when target names source (relative path, link, hard link) or a side file."""
    real_source, real_target = Path(source).resolve(), Path(target).resolve()
    if real_target in {real_source.with_name(real_source.name + s) for s in SIDECARS}:
        raise SameFile(str(target))
    if real_target == real_source or (
        real_target.exists() and real_source.exists() and os.path.samefile(source, target)
    ):
        raise SameFile(str(target))


@contextmanager
def _staged(source: sqlite3.Connection, target: Path) -> Iterator[Path]:
    """A checked copy of an open database in a temporary file beside target, removed unless it
    was renamed. The copy is a single file (rollback journal, no -wal), synced to disk."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        dst = sqlite3.connect(tmp)
        try:
            source.backup(dst)  # one step: one read transaction, no restart when the bot writes
            dst.execute("PRAGMA journal_mode=DELETE")
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity_check: {check}")
        finally:
            dst.close()
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        yield tmp
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{tmp}{suffix}").unlink()


def _install(tmp: Path, target: Path) -> int:
    """Rename the staged copy over target in one step; returns target's size in bytes."""
    os.replace(tmp, target)
    _sync_folder(target.parent)
    return target.stat().st_size


def _sync_folder(folder: Path) -> None:
    """Make a rename in folder durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def backup(source: Path, target: Path) -> int:
    """Copy the live store at source into target (replaced atomically); returns its size in bytes.

    The caller decides whether an existing target may be replaced; source is never written.
    """
    check_distinct(source, target)
    target = Path(target).resolve()
    # mode=rw, never create: reads go through SQLite's locks (consistent while the bot writes),
    # and SQLite removes the -wal/-shm it made when this last connection closes.
    src = sqlite3.connect(f"{_uri(source)}?mode=rw", uri=True, timeout=10)
    try:
        with _staged(src, target) as tmp:
            return _install(tmp, target)
    finally:
        src.close()


def restore(backup_file: Path, target: Path) -> int:
    """Replace the store at target with a copy of backup_file; returns the store's size in bytes.

    The caller holds the store's lock (no bot runs) and decides whether data may be overwritten.
    The old store's -wal/-shm go with it, so no stale log is replayed into the restored store.
    """
    check_distinct(backup_file, target)
    target = Path(target).resolve()
    src = _peek(backup_file)
    try:
        with _staged(src, target) as tmp:
            return _replace_store(tmp, target)
    finally:
        src.close()


def _replace_store(tmp: Path, target: Path) -> int:
    """Rename tmp over the store at target with the store's -wal/-shm/-journal moved aside
    first (put back if the rename fails, deleted once it succeeded); returns the size."""
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in ("-wal", "-shm", "-journal"):
            side = Path(f"{target}{suffix}")
            if side.exists():
                aside = Path(f"{tmp}{suffix}.old")
                os.replace(side, aside)
                moved.append((aside, side))
        size = _install(tmp, target)
    except BaseException:
        for aside, side in reversed(moved):
            os.replace(aside, side)
        raise
    for aside, _ in moved:
        aside.unlink(missing_ok=True)
    return size


def is_store(path: Path) -> bool:
    """True when path is an SQLite file holding a motcua schema_version table."""
    if not Path(path).is_file():
        return False
    try:
        conn = _peek(path)
        try:
            row = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return row is not None


def has_data(path: Path) -> bool:
    """True when the store at path exists and holds any dossier or procedure."""
    if not path.exists() or not is_store(path):
        return path.exists() and path.stat().st_size > 0
    conn = _peek(path)
    try:
        row = conn.execute(
            "SELECT (SELECT COUNT(*) FROM dossiers) + (SELECT COUNT(*) FROM procedures)"
        ).fetchone()
    except sqlite3.DatabaseError:
        return True
    finally:
        conn.close()
    return bool(row and row[0])


def megabytes(size: int) -> str:
    """A size in MB the Vietnamese way: 1,25 MB (1 MB = 1.048.576 byte)."""
    text = f"{size / 1_048_576:,.2f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".") + " MB"
