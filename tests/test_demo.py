"""The demo data set: deterministic, CSV and XLSX give identical stores, `motcua demo` loads it."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.config import Settings
from bot.context import AppContext
from bot.demo.write import write_demo
from tests.import_helpers import import_dossiers, import_procedures

CONTENT = (
    "u.name, d.code, procedure_code, procedure_name, applicant, phone_last4, id_last4, channel,"
    " received_at, due_at, finished_at, returned_at, status, status_at, officer, fully_online,"
    " digitized_input, digitized_output, stored, reused, fee, paid_online, supplement_note"
)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo files, written once for this module."""
    out = tmp_path_factory.mktemp("demo")
    write_demo(out)
    return out


def _load(db_path: Path, procedures: Path, dossiers: Path) -> None:
    """Import the two files into a new store at db_path."""

    async def go() -> None:
        ctx = await AppContext.open(Settings(db_path=db_path, _env_file=None))  # type: ignore[call-arg]
        try:
            assert (await import_procedures(ctx, procedures)).inserted == 379
            s = await import_dossiers(ctx, dossiers)
            assert s.rejected == 0 and s.inserted == s.rows_read > 9000
        finally:
            await ctx.close()

    asyncio.run(go())


def _rows(db_path: Path, sql: str) -> list[tuple]:
    """All rows of a query on a closed store."""
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def test_demo_files_are_deterministic(demo_dir: Path, tmp_path: Path) -> None:
    again = write_demo(tmp_path / "again", xlsx=False)
    for name in ("thu-tuc.csv", "ho-so.csv", "can-bo.csv"):
        assert (demo_dir / name).read_bytes() == (again.dossiers_csv.parent / name).read_bytes()


def test_csv_and_xlsx_give_identical_stores(demo_dir: Path, tmp_path: Path) -> None:
    _load(tmp_path / "csv.db", demo_dir / "thu-tuc.csv", demo_dir / "ho-so.csv")
    _load(tmp_path / "xlsx.db", demo_dir / "thu-tuc.xlsx", demo_dir / "ho-so.xlsx")
    dossiers = f"SELECT {CONTENT} FROM dossiers d JOIN units u ON u.id = d.unit_id ORDER BY d.code"
    procedures = "SELECT code, name, field, level, days, fee_text FROM procedures ORDER BY code"
    for sql in (dossiers, procedures):
        a, b = _rows(tmp_path / "csv.db", sql), _rows(tmp_path / "xlsx.db", sql)
        assert a == b and len(a) >= 379


def test_demo_shape(demo_dir: Path, tmp_path: Path) -> None:
    """Codes in the national shape, unique; statuses of every kind; 160/219 catalogue."""
    _load(tmp_path / "d.db", demo_dir / "thu-tuc.csv", demo_dir / "ho-so.csv")
    db = tmp_path / "d.db"
    codes = [r[0] for r in _rows(db, "SELECT code FROM dossiers")]
    assert len(codes) == len(set(codes))
    assert all(len(c) == 25 and c[13] == "-" and c[20] == "-" for c in codes)
    statuses = {r[0] for r in _rows(db, "SELECT DISTINCT status FROM dossiers")}
    assert statuses == {"received", "processing", "supplement", "payment", "result", "returned",
                        "rejected", "stopped", "withdrawn"}
    levels = dict(_rows(db, "SELECT level, COUNT(*) FROM procedures GROUP BY level"))
    assert levels == {"mot_phan": 160, "toan_trinh": 219}
    months = {r[0] for r in _rows(db, "SELECT DISTINCT substr(received_at, 1, 7) FROM dossiers")}
    assert {"2025-12", "2026-01", "2026-04", "2026-06"} <= months


def test_cli_demo_data_and_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["demo-data", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "ho-so.xlsx").exists()
    assert main(["demo", "--no-chat"]) == 0  # cwd is tmp_path: the store is ./data/demo.db
    out = capsys.readouterr().out
    assert "379 thủ tục" in out and "/tracuu 000.34.27.H31-" in out
    assert (tmp_path / "data" / "demo.db").exists()
    assert "/theodoi 000.34.27.H31-" in out and "ho-so-cap-nhat.csv" in out
    assert (tmp_path / "data" / "ho-so-cap-nhat.csv").exists()
    assert main(["demo", "--no-chat"]) == 0
    assert "Dùng lại kho dữ liệu mẫu" in capsys.readouterr().out
    # A store with other data is never touched by the demo.
    monkeypatch.setenv("MOTCUA_DB_PATH", str(tmp_path / "real.db"))
    other = tmp_path / "other.csv"
    other.write_text(
        "Mã thủ tục,Tên thủ tục,Mức độ\n9.999999,Thủ tục khác,Một phần\n", encoding="utf-8"
    )
    assert main(["import", "procedures", str(other), "--quiet"]) == 0
    assert main(["demo", "--no-chat"]) == 1
    assert "chỉ mở kho dữ liệu mẫu của riêng nó" in capsys.readouterr().err
    assert _rows(tmp_path / "real.db", "SELECT COUNT(*) FROM dossiers") == [(0,)]


def test_demo_updates_file_changes_statuses(demo_dir: Path) -> None:
    """ho-so-cap-nhat.csv holds dossiers of ho-so.csv, each with a new, final status."""
    import csv

    def rows(name: str) -> dict[str, str]:
        """Status by dossier code in one demo CSV."""
        with (demo_dir / name).open(encoding="utf-8-sig", newline="") as f:
            return {r["Mã hồ sơ"]: r["Trạng thái"] for r in csv.DictReader(f)}

    before, after = rows("ho-so.csv"), rows("ho-so-cap-nhat.csv")
    assert len(after) == 2 and set(after) <= set(before)
    assert sorted(before[c] for c in after) == ["Yêu cầu bổ sung", "Đang xử lý"]
    assert sorted(after.values()) == ["Đã có kết quả", "Đã trả kết quả"]


def test_the_demo_needs_no_openpyxl(tmp_path: Path) -> None:
    """openpyxl is the demo extra's: `motcua demo` writes CSV only and must run without it."""
    code = (
        "import sys; sys.modules['openpyxl'] = None\n"  # any import of it fails
        "from bot.demo.load import load_demo\n"
        "from bot.demo.write import write_demo\n"
        f"write_demo({str(tmp_path)!r}, xlsx=False, receipts=False)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    assert (tmp_path / "ho-so.csv").exists() and not (tmp_path / "ho-so.xlsx").exists()


def test_demo_data_without_openpyxl_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    assert main(["demo-data", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "openpyxl" in err and '".[demo]"' in err and "Traceback" not in err
