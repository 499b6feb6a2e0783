"""`motcua stats` and `motcua report` through bot.cli.main.main."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document

from bot.cli.main import main
from bot.context import AppContext
from storage.db import Database
from tests.conftest import TZ
from tests.stats_helpers import D, insert_store

ROWS = [
    D("2026-01-05T08:00:00", status="result", finished="2026-01-06T08:00:00"),
    D("2026-03-05T08:00:00", channel="truc_tiep", procedure="P-FULL"),
    D("2026-04-05T08:00:00"),
]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store with two units' rows; the CLI's clock fixed at 15/04/2026 09:00."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("MOTCUA_DB_PATH", str(path))
    monkeypatch.setattr(AppContext, "now", lambda self: datetime(2026, 4, 15, 9, tzinfo=TZ))

    async def build() -> None:
        db = await Database.open(path)
        rows = [*ROWS, D("2026-02-05T08:00:00", unit=2)]
        await insert_store(db, rows, units=("Trung tâm xã Kẻ Sắt", "Trung tâm xã An Lão"))
        await db.close()

    asyncio.run(build())
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI; (exit code, stdout, stderr)."""
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_stats_quarter_json(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--quarter/--year --unit --json prints figures.md's keys."""
    code, out, _ = _run(capsys, "stats", "--quarter", "1", "--year", "2026", "--unit", "Kẻ Sắt",
                        "--json")
    assert code == 0
    data = json.loads(out)
    assert data["period"] == {"from": "2026-01-01", "to": "2026-03-31"}
    assert data["unit"] == "Trung tâm xã Kẻ Sắt"
    assert data["received"] == {"total": 2, "direct": 1, "online": 1, "postal": 0}
    assert data["fees"]["online_rate"] is None


@pytest.mark.parametrize(
    ("argv", "start", "end"),
    [
        (["--month", "3", "--year", "2026"], "2026-03-01", "2026-03-31"),
        (["--year", "2025"], "2025-01-01", "2025-12-31"),
        (["--from", "2026-01-01", "--to", "2026-03-31"], "2026-01-01", "2026-03-31"),
        (["--from", "01/02/2026", "--to", "28/02/2026"], "2026-02-01", "2026-02-28"),
        (["--period", "quý 1 2026"], "2026-01-01", "2026-03-31"),
        ([], "2026-04-01", "2026-06-30"),
    ],
)
def test_stats_period_options(
    store: Path, capsys: pytest.CaptureFixture[str], argv: list[str], start: str, end: str
) -> None:
    """Every period option selects the right range."""
    code, out, _ = _run(capsys, "stats", *argv, "--json")
    assert code == 0
    assert json.loads(out)["period"] == {"from": start, "to": end}


def test_stats_text_all_units(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The text summary for all units has per-unit lines; a running year says 'tính đến'."""
    code, out, _ = _run(capsys, "stats", "--year", "2026")
    assert code == 0
    assert "THỐNG KÊ GIẢI QUYẾT TTHC — NĂM 2026" in out
    assert "tính đến ngày 15/04/2026" in out
    assert "* Theo đơn vị:" in out and "- Trung tâm xã An Lão: tiếp nhận 01" in out
    code, out, _ = _run(capsys, "stats", "--quarter", "1", "--year", "2026", "--plain")
    assert code == 0 and "* Báo cáo chung:" in out and "Theo đơn vị" not in out


@pytest.mark.parametrize(
    ("argv", "code", "words"),
    [
        (["--month", "13", "--year", "2026"], 2, "Tháng 13 không hợp lệ"),
        (["--quarter", "3", "--year", "2026"], 2, "chưa bắt đầu"),
        (["--from", "2026-03-31", "--to", "2026-01-01"], 2, "trước ngày bắt đầu"),
        (["--from", "2026-03-31"], 2, "Cần cả --from và --to"),
        (["--quarter", "1", "--month", "2"], 2, "Chỉ chọn một kỳ"),
        (["--period", "hôm qua"], 2, "Không hiểu kỳ báo cáo"),
        (["--from", "31/02/2026", "--to", "31/03/2026"], 2, "không tồn tại"),
        (["--quarter", "1", "--year", "2026", "--unit", "Hải Dương"], 1, "Không có đơn vị"),
        (["--quarter", "1", "--year", "2026", "--unit", "xã"], 1, "khớp nhiều đơn vị"),
    ],
)
def test_stats_bad_input(
    store: Path, capsys: pytest.CaptureFixture[str], argv: list[str], code: int, words: str
) -> None:
    """Bad input: one Vietnamese line on stderr, exit code 1 or 2, no traceback."""
    got, out, err = _run(capsys, "stats", *argv)
    assert got == code and out == ""
    assert words in err and "Traceback" not in err


def test_stats_without_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    """No store yet: a clear message, exit 1, and no store is created."""
    monkeypatch.setenv("MOTCUA_DB_PATH", str(tmp_path / "none.db"))
    code, _, err = _run(capsys, "stats", "--year", "2025")
    assert code == 1 and "Không tìm thấy kho dữ liệu" in err
    assert not (tmp_path / "none.db").exists()


def test_report_writes_docx_and_chart(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`motcua report --quarter 1 --year 2026 --out … --chart …` writes both files."""
    out_docx, out_png = tmp_path / "out" / "bao-cao.docx", tmp_path / "bieu-do.png"
    code, out, _ = _run(capsys, "report", "--quarter", "1", "--year", "2026", "--unit", "1",
                        "--out", str(out_docx), "--chart", str(out_png))
    assert code == 0 and "Đã ghi báo cáo Quý I năm 2026" in out
    text = "\n".join(p.text for p in Document(io.BytesIO(out_docx.read_bytes())).paragraphs)
    assert "Tổng số hồ sơ: 02 hồ sơ." in text
    assert out_png.read_bytes()[:4] == b"\x89PNG"


def test_report_needs_out(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--out is required (argparse exits 2)."""
    with pytest.raises(SystemExit) as exc:
        main(["report", "--quarter", "1", "--year", "2026"])
    assert exc.value.code == 2
