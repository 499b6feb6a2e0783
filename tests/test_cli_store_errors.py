"""How the CLI tells a store it cannot use: a part not written for the store's engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import main


def test_a_store_function_missing_for_the_engine_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from storage import outbox

    async def not_yet(*args: object) -> object:
        raise NotImplementedError("outbox counts on this engine")

    monkeypatch.setenv("MOTCUA_DB_PATH", str(tmp_path / "s.db"))
    monkeypatch.setattr(outbox, "counts", not_yet)
    assert main(["outbox"]) == 1
    err = capsys.readouterr().err
    assert "chưa làm được trên kho dữ liệu đang dùng" in err
    assert "ngoài dự kiến" not in err and "Traceback" not in err
