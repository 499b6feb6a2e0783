"""`motcua backup` and `motcua restore` through the real CLI."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from storage.db import Database


def _motcua(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOTCUA_DB_PATH": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


async def _store_with_unit(path: Path, name: str) -> None:
    db = await Database.open(path)
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO units (name, created_at) VALUES (?, 'x')", (name,))
        await conn.execute(
            "INSERT INTO procedures (unit_id, code, name, name_search, level, updated_at)"
            " VALUES (1, 'P1', 'Chứng thực', 'chung thuc', 'mot_phan', 'x')"
        )
    await db.close()


def _units(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM units ORDER BY id")]
    finally:
        conn.close()


async def test_backup_while_open_and_restore(tmp_path: Path) -> None:
    """Backup while open and restore."""
    live = tmp_path / "live.db"
    await _store_with_unit(live, "Xã Kẻ Sắt")
    holder = await Database.open(live)  # the "running bot" keeps the store open in WAL mode
    try:
        async with holder.transaction() as conn:
            await conn.execute("INSERT INTO units (name, created_at) VALUES ('Xã B', 'x')")
        out = _motcua("backup", str(tmp_path / "b.db"), db=live)
        assert out.returncode == 0, out.stderr
        assert "Đã sao lưu" in out.stdout
    finally:
        await holder.close()
    assert _units(tmp_path / "b.db") == ["Xã Kẻ Sắt", "Xã B"]

    target = tmp_path / "new.db"
    out = _motcua("restore", str(tmp_path / "b.db"), db=target)
    assert out.returncode == 0, out.stderr
    assert _units(target) == ["Xã Kẻ Sắt", "Xã B"]


async def test_restore_refuses_non_empty_store_without_force(tmp_path: Path) -> None:
    """Restore refuses non empty store without force."""
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    await _store_with_unit(a, "A")
    await _store_with_unit(b, "B")
    out = _motcua("restore", str(a), db=b)
    assert out.returncode == 1
    assert "--force" in out.stderr
    assert _units(b) == ["B"]
    out = _motcua("restore", str(a), "--force", db=b)
    assert out.returncode == 0, out.stderr
    assert _units(b) == ["A"]


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100])
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path, content: bytes) -> None:
    """Restore refuses a file that is not a backup."""
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    out = _motcua("restore", str(bad), db=tmp_path / "x.db")
    assert out.returncode == 1
    assert "không phải tệp sao lưu" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "x.db").exists()


def test_backup_without_store_says_so(tmp_path: Path) -> None:
    """Backup without store says so."""
    out = _motcua("backup", str(tmp_path / "b.db"), db=tmp_path / "missing.db")
    assert out.returncode == 1
    assert "Không tìm thấy kho dữ liệu" in out.stderr
