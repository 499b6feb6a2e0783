"""Parse a big import file in a helper process while this process writes to the store.

On two cores this overlaps parsing (pure Python) with writing (SQLite), which otherwise take
turns on one interpreter lock. The helper is `python -m storage.imports.parallel FILE …`: it
streams the Header and Chunks back as length-prefixed pickles on its stdout (our own process,
so unpickling is safe). Small files are parsed in-process, where starting a process would cost
more than it saves.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import pickle
import struct
import sys
from collections.abc import AsyncGenerator, Iterator
from pathlib import Path
from typing import BinaryIO

from storage.imports.errors import refusal
from storage.imports.known import PG_SCHEMES, KnownRows
from storage.imports.limits import ImportLimits
from storage.imports.parse import Chunk, Header, parse_file
from storage.imports.read import FileRefused

_LENGTH = struct.Struct("!I")
_STORE_ENV = "MOTCUA_IMPORT_KNOWN_STORE"  # the helper's store URL (PostgreSQL), not in argv
_FROM_ENV = "env:" + _STORE_ENV


def _parse(
    path: Path, kind: str, tz_name: str, unit: str, db_path: str | None, limits: ImportLimits,
    today: str | None,
) -> Iterator[Header | Chunk]:
    """parse_file with the store's raw digests when there is a store file to read."""
    known = KnownRows.open(db_path) if kind == "dossiers" else None
    try:
        yield from parse_file(path, kind, tz_name, unit, known=known, limits=limits, today=today)
    finally:
        if known is not None:
            known.close()


async def parse_inline(
    path: Path, kind: str, tz_name: str, unit: str, db_path: str | None, limits: ImportLimits,
    today: str | None,
) -> AsyncGenerator[Header | Chunk, None]:
    """parse_file in this process, yielding to the event loop between chunks."""
    for item in _parse(path, kind, tz_name, unit, db_path, limits, today):
        yield item
        await asyncio.sleep(0)


def parse_in_helper(
    path: Path, kind: str, tz_name: str, unit: str, db_path: str | None, limits: ImportLimits,
    today: str | None,
) -> AsyncGenerator[Header | Chunk, None]:
    """parse_file in a helper process; its items arrive while we write the previous ones.

    A PostgreSQL store's URL (which may hold a password) goes to the helper in its environment,
    never on its command line (which every user of the machine may read)."""
    env = None
    if db_path and db_path.startswith(PG_SCHEMES):
        env = {**os.environ, _STORE_ENV: db_path}
        db_path = _FROM_ENV
    return helper_items([sys.executable, "-m", "storage.imports.parallel", str(path), kind,
                         tz_name, unit, db_path or "", today or "", *limits.args()], env)


async def helper_items(
    command: list[str], env: dict[str, str] | None = None
) -> AsyncGenerator[Header | Chunk, None]:
    """The items a helper process (`main` below, or a stand-in) streams on its stdout."""
    proc = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, limit=1 << 24, env=env
    )
    assert proc.stdout is not None
    try:
        while True:
            try:
                size = _LENGTH.unpack(await proc.stdout.readexactly(_LENGTH.size))[0]
                item = pickle.loads(await proc.stdout.readexactly(size))
            except asyncio.IncompleteReadError:
                code = await proc.wait()
                raise FileRefused(
                    f"Việc đọc tệp bị dừng giữa chừng (tiến trình đọc kết thúc với mã {code}, có "
                    "thể do thiếu bộ nhớ). Không lưu dòng nào; hãy thử lại hoặc chia tệp nhỏ hơn."
                ) from None
            if item == "end":
                return
            if isinstance(item, tuple):
                raise FileRefused(item[1])  # already in Vietnamese (storage/imports/errors.py)
            yield item
    finally:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
        await proc.wait()


def source(
    path: Path, kind: str, tz_name: str, unit: str, db_path: Path | str | None = None,
    limits: ImportLimits | None = None, today: str | None = None,
) -> AsyncGenerator[Header | Chunk, None]:
    """The parsed file, from a helper process when the file is big.

    db_path: the store, read (read-only) for the raw digests of stored dossiers, so rows
    unchanged since they were stored are not parsed again (storage/imports/known.py).
    limits: the caps, and the size from which a helper process parses (below it, parsing
    in-process is faster); today: the import's local now (ISO text).
    """
    limits = limits or ImportLimits()
    try:
        big = path.stat().st_size >= limits.parallel_min_bytes
    except OSError:
        big = False
    reader = parse_in_helper if big else parse_inline
    return reader(path, kind, tz_name, unit, str(db_path) if db_path else None, limits, today)


def _send(out: BinaryIO, item: object) -> None:
    """Write one length-prefixed pickle to the binary stdout."""
    send_pickled(out, pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))


def send_pickled(out: BinaryIO, data: bytes) -> None:
    """Write one item already pickled, length-prefixed, to the binary stdout."""
    out.write(_LENGTH.pack(len(data)) + data)


def main(argv: list[str]) -> int:
    """The helper process: parse FILE KIND TZ UNIT STORE TODAY LIMITS…, items on stdout."""
    path, kind, tz_name, unit, db_path, today, *limit_args = argv
    if db_path == _FROM_ENV:
        db_path = os.environ.get(_STORE_ENV, "")
    limits = ImportLimits.from_args(limit_args)
    # A short-lived process that allocates millions of small objects and frees none until the
    # end: the cyclic collector would only re-scan them again and again.
    gc.disable()
    out = sys.stdout.buffer
    try:
        for item in _parse(Path(path), kind, tz_name, unit, db_path or None, limits,
                           today or None):
            _send(out, item)
        _send(out, "end")
    except Exception as exc:  # reported to the importing process, which stores nothing
        _send(out, ("refused", str(refusal(Path(path).name, exc))))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
