"""Online backup and restore of the store with SQLite's backup API (safe while the bot runs)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def backup(source: Path, target: Path) -> int:
    """Copy the live store at source into target page by page; returns the pages copied."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=10)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=1024)
        pages = dst.execute("PRAGMA page_count").fetchone()[0]
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"integrity_check: {check}")
    finally:
        dst.close()
        src.close()
    return int(pages)


def is_store(path: Path) -> bool:
    """True when path is an SQLite file holding a motcua schema_version table."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
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
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT (SELECT COUNT(*) FROM dossiers) + (SELECT COUNT(*) FROM procedures)"
        ).fetchone()
    except sqlite3.DatabaseError:
        return True
    finally:
        conn.close()
    return bool(row and row[0])


def restore(backup_file: Path, target: Path) -> int:
    """Copy a backup file into the store at target (the caller checks overwrite rules)."""
    for suffix in ("-wal", "-shm"):
        side = target.with_name(target.name + suffix)
        if side.exists():
            side.unlink()
    return backup(backup_file, target)
