"""The store's lock file (STORE.lock): a running bot holds it, so no restore replaces the store."""

from __future__ import annotations

import errno
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path


class LockError(Exception):
    """The lock file cannot be opened (e.g. a read-only folder); the message is Vietnamese."""


class StoreBusy(LockError):
    """Another process holds the store's lock; `holder` names it in Vietnamese."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


def lock_path(db_path: Path) -> Path:
    """The lock file beside the store (after resolving links, so every name shares one lock)."""
    real = Path(db_path).resolve()
    return real.with_name(real.name + ".lock")


@contextmanager
def hold_store(db_path: Path, command: str) -> Iterator[None]:
    """Hold the store's lock for the block, or raise StoreBusy naming the process holding it.

    An `fcntl.flock` on STORE.lock: the kernel drops it when the holder exits, even on SIGKILL,
    so a stale lock cannot outlive its process. The file stays; it names the holder while held.
    """
    path = lock_path(db_path)
    fd, writable = _open(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreBusy(_describe(path)) from None
        if writable:
            since = datetime.now().astimezone().isoformat(timespec="seconds")
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps({"pid": os.getpid(), "command": command, "since": since})
                      .encode(), 0)
        try:
            yield
        finally:
            if writable:
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the lock


def _open(path: Path) -> tuple[int, bool]:
    """Open (or create) the lock file; read-only when it belongs to another user (flock needs
    no write access). Returns the descriptor and whether the holder's name can be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o644), True
        except PermissionError:
            return os.open(path, os.O_RDONLY), False
    except OSError as exc:
        code = errno.errorcode.get(exc.errno or 0, "?")
        raise LockError(f"không mở được tệp khóa {path} ({code})") from None


def _describe(path: Path) -> str:
    """Who holds the lock, as the holder wrote it: «motcua run» (PID 12, từ 08:40 02/12/2026)."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        since = datetime.fromisoformat(info["since"])
        return f"«{info['command']}» (PID {int(info['pid'])}, từ {since:%H:%M %d/%m/%Y})"
    except (OSError, ValueError, KeyError, TypeError):
        return "một tiến trình motcua khác"
