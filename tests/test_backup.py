"""`motcua backup` and `motcua restore` through the real CLI, and the store's lock."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import main
from storage.backup import megabytes
from storage.db import Database
from storage.store_lock import hold_store
from tests.fakes.fake_telegram import FakeTelegram
from tests.telegram_helpers import BotProcess, run_motcua


def _motcua(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOTCUA_DB_PATH": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli.main", *args],
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
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    out = _motcua("restore", str(bad), db=tmp_path / "x.db")
    assert out.returncode == 1
    assert "không phải tệp sao lưu" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "x.db").exists()


def test_backup_without_store_says_so(tmp_path: Path) -> None:
    out = _motcua("backup", str(tmp_path / "b.db"), db=tmp_path / "missing.db")
    assert out.returncode == 1
    assert "Không tìm thấy kho dữ liệu" in out.stderr


# ---- issue 14.1: never touch the source; atomic, sized, locked ---------------------------------


def _cli(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    """Run `motcua ARGS` in-process with MOTCUA_DB_PATH=db: (exit code, stdout, stderr)."""
    os.environ["MOTCUA_DB_PATH"] = str(db)  # the autouse _clean_env fixture removes it again
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _digest(path: Path) -> str:
    """The sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _names(folder: Path) -> set[str]:
    """The names of the files in a folder."""
    return {p.name for p in folder.iterdir()}


@pytest.fixture
async def live(tmp_path: Path) -> Path:
    """A closed store `live.db` holding one unit, in the test's working folder."""
    path = tmp_path / "live.db"
    await _store_with_unit(path, "Xã Kẻ Sắt")
    return path


def _other_name(live: Path, form: str) -> str:
    """Another name of the live store: relative, ./relative, absolute, symlink, hard link."""
    if form == "symlink":
        (live.parent / "link.db").symlink_to(live)
        return "link.db"
    if form == "hardlink":
        os.link(live, live.parent / "hard.db")
        return "hard.db"
    return {"relative": "live.db", "dot": "./live.db", "absolute": str(live)}[form]


FORMS = ["relative", "dot", "absolute", "symlink", "hardlink"]


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("form", FORMS)
def test_backup_onto_the_store_itself_is_refused(
    live: Path, capsys: pytest.CaptureFixture[str], form: str, force: bool
) -> None:
    """`motcua backup` onto the live store under any of its names is refused; the store stays."""
    before = _digest(live)
    name = _other_name(live, form)
    code, out, err = _cli(capsys, Path("live.db"), "backup", name, *(["--force"] * force))
    assert code == 1 and out == ""
    assert "chính là kho dữ liệu đang dùng" in err and "Traceback" not in err
    assert _digest(live) == before and _units(live) == ["Xã Kẻ Sắt"]


@pytest.mark.parametrize("side", ["live.db-wal", "live.db-shm", "live.db.lock"])
def test_backup_onto_a_side_file_of_the_store_is_refused(
    live: Path, capsys: pytest.CaptureFixture[str], side: str
) -> None:
    """The store's -wal, -shm and lock file are refused as targets too."""
    code, _, err = _cli(capsys, live, "backup", side, "--force")
    assert code == 1 and "tệp đi kèm" in err
    assert not (live.parent / side).exists()


@pytest.mark.parametrize("form", FORMS)
def test_restore_of_the_store_onto_itself_is_refused(
    live: Path, capsys: pytest.CaptureFixture[str], form: str
) -> None:
    """`motcua restore --force` of the live store into itself is refused; the store stays."""
    before = _digest(live)
    name = _other_name(live, form)
    code, _, err = _cli(capsys, Path("live.db"), "restore", "--force", name)
    assert code == 1 and "chính là kho dữ liệu đang dùng" in err
    assert _digest(live) == before and _units(live) == ["Xã Kẻ Sắt"]
    assert not (live.parent / "live.db-wal").exists()


def test_backup_refuses_to_overwrite_without_force(
    live: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An existing file is kept unless --force; with it, it is replaced by the backup."""
    target = live.parent / "b.db"
    target.write_bytes(b"keep me")
    code, _, err = _cli(capsys, live, "backup", str(target))
    assert code == 1 and "--force" in err
    assert target.read_bytes() == b"keep me"
    code, out, _ = _cli(capsys, live, "backup", str(target), "--force")
    assert code == 0 and "Đã sao lưu" in out
    assert _units(target) == ["Xã Kẻ Sắt"]


def test_backup_reports_megabytes_and_leaves_one_file(
    live: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The size is in MB (not pages); the folder holds the backup alone, no temporary file, and
    the store's folder is as it was (no -wal/-shm left beside a closed store)."""
    before, names = _digest(live), _names(live.parent)
    out_dir = live.parent / "sao-luu"
    code, out, _ = _cli(capsys, live, "backup", str(out_dir / "b.db"))
    assert code == 0
    size = (out_dir / "b.db").stat().st_size
    assert f"({megabytes(size)})" in out and re.search(r"\(\d+,\d\d MB\)", out)
    assert "trang" not in out
    assert _names(out_dir) == {"b.db"}
    assert _names(live.parent) == names | {"sao-luu"} and _digest(live) == before
    conn = sqlite3.connect(out_dir / "b.db")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
    finally:
        conn.close()


def test_backup_into_a_folder_or_an_impossible_path_says_why(
    live: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder as target, or a path under a file, gets one Vietnamese line; nothing changes."""
    before = _digest(live)
    code, _, err = _cli(capsys, live, "backup", str(live.parent))
    assert code == 1 and "là một thư mục" in err
    (live.parent / "tep").write_text("x")
    code, _, err = _cli(capsys, live, "backup", str(live.parent / "tep" / "b.db"))
    assert code == 1 and "Sao lưu thất bại (một phần của đường dẫn không phải thư mục)" in err
    assert "Error" not in err and _digest(live) == before


def test_megabytes_in_vietnamese() -> None:
    """Sizes read the Vietnamese way: decimal comma, dot between thousands."""
    assert megabytes(1_310_720) == "1,25 MB"
    assert megabytes(1_048_576 * 1234) == "1.234,00 MB"


async def test_restore_leaves_nothing_beside_the_backup_or_the_store(
    live: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A WAL-mode backup file (as earlier versions wrote) gets no -wal/-shm beside it; the
    store's stale -wal/-shm are gone after the restore, which opens with the backup's data."""
    old = live.parent / "cu" / "old.db"
    old.parent.mkdir()
    await _store_with_unit(old, "Xã Cũ")  # Database.open leaves it in WAL mode
    with open(old, "rb") as f:
        assert f.read(20)[18:20] == b"\x02\x02"  # the header's WAL mark
    (live.parent / "live.db-wal").write_bytes(b"\0" * 4096)  # a killed bot's leftovers
    (live.parent / "live.db-shm").write_bytes(b"\0" * 32768)
    code, out, err = _cli(capsys, live, "restore", "--force", str(old))
    assert code == 0, err
    assert "MB)" in out and "trang" not in out
    assert _names(old.parent) == {"old.db"}
    assert _names(live.parent) == {"live.db", "live.db.lock", "cu"}
    assert _units(live) == ["Xã Cũ"]


def test_restore_through_a_symlinked_store_path(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """MOTCUA_DB_PATH a symlink: the restore replaces the file it points to; the link stays."""
    backup_file = tmp_path / "b.db"
    assert _cli(capsys, live, "backup", str(backup_file))[0] == 0
    conn = sqlite3.connect(live)
    conn.execute("INSERT INTO units (name, created_at) VALUES ('Xã Mới', 'x')")
    conn.commit()
    conn.close()
    link = tmp_path / "store-link.db"
    link.symlink_to(live)
    code, _, err = _cli(capsys, link, "restore", "--force", str(backup_file))
    assert code == 0, err
    assert link.is_symlink() and _units(live) == ["Xã Kẻ Sắt"]


async def test_restore_refused_while_motcua_run_holds_the_store(live: Path, tmp_path: Path) -> None:
    """A real `motcua run` holds the store: restore and a second run are refused naming it (PID);
    once it stopped, the restore goes through."""
    backup_file = tmp_path / "b.db"
    assert _motcua("backup", str(backup_file), db=live).returncode == 0
    async with FakeTelegram() as fake:
        env = {**fake.env(), "MOTCUA_DB_PATH": str(live)}
        bot = BotProcess(env, tmp_path)
        await bot.start(lambda: fake.wait_for_call("getUpdates", 1, timeout=30))
        try:
            conn = sqlite3.connect(live)
            conn.execute("INSERT INTO units (name, created_at) VALUES ('Ghi sau', 'x')")
            conn.commit()
            conn.close()
            code, out, err = await run_motcua(["restore", "--force", str(backup_file)], env,
                                              tmp_path)
            assert code == 1 and out == ""
            assert bot.proc is not None
            assert f"đang được «motcua run» (PID {bot.proc.pid}, từ " in err
            assert "dừng bot" in err and "Traceback" not in err
            assert _units(live) == ["Xã Kẻ Sắt", "Ghi sau"]  # the bot's later write is kept
            code, _, err = await run_motcua(["run"], env, tmp_path)
            assert code == 1 and f"(PID {bot.proc.pid}," in err
        finally:
            assert await bot.stop() == 0, bot.stderr()
        code, out, err = await run_motcua(["restore", "--force", str(backup_file)], env, tmp_path)
    assert code == 0, err
    assert _units(live) == ["Xã Kẻ Sắt"]
    assert not {"live.db-wal", "live.db-shm"} & _names(live.parent)


def test_demo_refused_while_a_bot_holds_its_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`motcua demo` (which loads or resets its store) refuses while the store is held."""
    db = tmp_path / "demo.db"
    with hold_store(db, "motcua run"):
        code, _, err = _cli(capsys, db, "demo", "--no-chat")
    assert code == 1
    assert f"đang được «motcua run» (PID {os.getpid()}, từ " in err
    assert not db.exists()


def test_run_where_no_lock_file_can_be_made_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store path under a file: `motcua run` says in one line that the lock file cannot be
    opened, with no traceback."""
    (tmp_path / "tep").write_text("x")
    code, _, err = _cli(capsys, tmp_path / "tep" / "m.db", "run")
    assert code == 1
    assert err.startswith("Không chạy được bot: không mở được tệp khóa ") and "Traceback" not in err


async def test_backup_and_restore_on_postgresql_point_to_pg_dump(tmp_path: Path) -> None:
    url = "postgresql://motcua:khongdung@127.0.0.1:5432/motcua"
    for command, tool in (("backup", "pg_dump"), ("restore", "pg_restore")):
        code, _, err = await run_motcua(
            [command, str(tmp_path / "x.db")], {"MOTCUA_DATABASE_URL": url}, tmp_path)
        assert code == 2
        assert tool in err and "docs/deploy.md" in err and "khongdung" not in err
    assert not (tmp_path / "x.db").exists()
