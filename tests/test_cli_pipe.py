"""Every `motcua` command whose output goes into a pipe closed early ends quietly (issue 14.15)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.db import Database

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "args",
    [["check"], ["demo-data", "du-lieu"], ["stats", "--quarter", "1", "--year", "2026"],
     ["--help"], ["backup", "--help"]],
    ids=["check", "demo-data", "stats", "help", "backup-help"],
)
async def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path, args: list[str]) -> None:
    """`motcua … | head -0`: the reader is gone before the first line; no traceback, and the exit
    code is 141 (as SIGPIPE gives other tools) or 0 where nothing reached the pipe."""
    await (await Database.open(tmp_path / "m.db")).close()  # an empty store for stats
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env.update(PYTHONPATH=str(ROOT), MOTCUA_DB_PATH=str(tmp_path / "m.db"))
    try:
        proc = subprocess.run([sys.executable, "-m", "bot.cli.main", *args], stdout=write_end,
                              stderr=subprocess.PIPE, env=env, cwd=tmp_path, timeout=60,
                              check=False)
    finally:
        os.close(write_end)
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception" not in err, err
    assert proc.returncode in (0, 141), err
