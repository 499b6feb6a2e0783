"""The importer: every accepted form, every bad row and bad file, idempotence, privacy."""

from __future__ import annotations

import csv
import sqlite3
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.cli.main import main
from bot.config import Settings
from bot.context import AppContext
from bot.import_text import summary_text
from storage.connection import Cursor
from storage.imports import ImportLimits, ImportOptions, ImportRefused, detect_kind, load_file
from storage.imports.values import (
    BadValue,
    last4,
    parse_bool,
    parse_channel,
    parse_datetime,
    parse_fee,
    parse_status,
)
from tests.conftest import TZ
from tests.import_helpers import import_dossiers, import_file

pytestmark = pytest.mark.engines

HEADER = [
    "STT", "Mã hồ sơ", "Mã TTHC", "Tên thủ tục", "Chủ hồ sơ", "SĐT", "CCCD", "Hình thức nộp",
    "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý", "Trạng thái", "Phí, lệ phí",
    "Ghi chú",
]


def row(n: int, **over: str) -> list[str]:
    """A valid dossier row (the n-th of 05/01/2026), with some cells replaced."""
    base = {
        "STT": str(n), "Mã hồ sơ": f"000.00.12.H31-260105-{n:04d}", "Mã TTHC": "1.001193",
        "Tên thủ tục": "Chứng thực bản sao", "Chủ hồ sơ": "Nguyễn Văn An", "SĐT": "0912345678",
        "CCCD": "030201001234", "Hình thức nộp": "Trực tuyến",
        "Ngày tiếp nhận": "05/01/2026 08:00", "Ngày hẹn trả": "06/01/2026",
        "Ngày kết thúc xử lý": "05/01/2026 15:00", "Trạng thái": "Đã trả kết quả",
        "Phí, lệ phí": "10.000 đ", "Ghi chú": "",
    }
    base.update(over)
    return [base[h] for h in HEADER]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, sep: str = ",",
              encoding: str = "utf-8-sig") -> Path:
    """Write a CSV file."""
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=sep)
        w.writerow(header)
        w.writerows(rows)
    return path


async def fetched(cur: Cursor) -> sqlite3.Row:
    """The next row of a query that has one."""
    found = await cur.fetchone()
    assert found is not None
    return found


async def count(ctx: AppContext, table: str) -> int:
    """Rows in a table."""
    async with ctx.db.reader.execute(f"SELECT COUNT(*) FROM {table}") as cur:
        return int((await fetched(cur))[0])


async def stored_bytes(ctx: AppContext) -> bytes:
    """Everything the store holds: the SQLite files' bytes, or every row of every PostgreSQL
    table as text (the store closed either way)."""
    if ctx.db.engine == "sqlite":
        await ctx.db.close()
        return b"".join(p.read_bytes() for p in ctx.settings.db_path.parent.glob("motcua.db*"))
    sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
    async with ctx.db.reader.execute(sql) as cur:
        tables = [str(r[0]) for r in await cur.fetchall()]
    texts = []
    for table in tables:
        async with ctx.db.reader.execute(f'SELECT t::text FROM "{table}" t') as cur:
            texts += [str(r[0]) for r in await cur.fetchall()]
    await ctx.db.close()
    return "\n".join(texts).encode()


# --- values ---------------------------------------------------------------------------------

def test_datetime_forms() -> None:
    assert parse_datetime("05/01/2026", TZ) == datetime(2026, 1, 5, 0, 0)
    assert parse_datetime("05/01/2026", TZ, time(17)) == datetime(2026, 1, 5, 17, 0)
    assert parse_datetime("5/1/2026 8:05", TZ) == datetime(2026, 1, 5, 8, 5)
    assert parse_datetime("05/01/2026 08:05:09", TZ) == datetime(2026, 1, 5, 8, 5, 9)
    assert parse_datetime("2026-01-05", TZ) == datetime(2026, 1, 5)
    assert parse_datetime("2026-01-05T08:05", TZ) == datetime(2026, 1, 5, 8, 5)
    assert parse_datetime("2026-01-05T01:00:00Z", TZ) == datetime(2026, 1, 5, 8, 0)
    assert parse_datetime("2026-01-05T08:00:00+07:00", TZ) == datetime(2026, 1, 5, 8, 0)
    assert parse_datetime(datetime(2026, 1, 5, 8, 0), TZ) == datetime(2026, 1, 5, 8, 0)
    assert parse_datetime(date(2026, 1, 5), TZ, time(17)) == datetime(2026, 1, 5, 17, 0)
    assert parse_datetime("", TZ) is None
    with pytest.raises(BadValue, match="không tồn tại"):
        parse_datetime("31/02/2026", TZ)
    with pytest.raises(BadValue, match="không đọc được"):
        parse_datetime("hôm qua", TZ)


def test_bool_fee_status_channel_forms() -> None:
    assert [parse_bool(v) for v in ("1", "true", "Có", "x", "X", True)] == [True] * 6
    assert [parse_bool(v) for v in ("0", "false", "không", "", None, False)] == [False] * 6
    with pytest.raises(BadValue):
        parse_bool("có lẽ")
    for text in ("50.000", "50000", "50,000 đ", "50.000đ", "50 000 VNĐ", 50000, 50000.0):
        assert parse_fee(text) == 50000
    assert parse_fee("") == 0
    for bad in ("-5000", "năm nghìn", -1):
        with pytest.raises(BadValue):
            parse_fee(bad)
    assert parse_status("10") == parse_status("Đã trả kết quả") == parse_status(10) == "returned"
    assert parse_status("DANG XU LY") == "processing"
    assert parse_status("8") == parse_status("Từ chối giải quyết") == "stopped"
    assert parse_status("3") == parse_status("Từ chối tiếp nhận") == "rejected"
    with pytest.raises(BadValue, match="chưa được tiếp nhận"):
        parse_status("1")
    assert parse_channel("2") == parse_channel("Trực tuyến") == "truc_tuyen"
    assert parse_channel("Dịch vụ bưu chính") == parse_channel(3.0) == "buu_chinh"
    assert last4("0912 345 678") == "5678" and last4("12") is None


# --- whole files ----------------------------------------------------------------------------

async def test_bad_rows_go_to_the_rejects_file_and_good_rows_are_stored(
    ctx: AppContext, tmp_path: Path
) -> None:
    rows = [
        row(1),
        row(2, **{"Mã hồ sơ": ""}),
        row(3, **{"Ngày tiếp nhận": "hôm nay"}),
        row(4, **{"Ngày hẹn trả": "31/02/2026"}),
        row(5, **{"Trạng thái": "Đang bay"}),
        row(6, **{"Hình thức nộp": "Bồ câu"}),
        row(7, **{"Ngày kết thúc xử lý": ""}),
        row(8, **{"Ngày hẹn trả": "04/01/2026"}),
        row(9, **{"Phí, lệ phí": "-10000"}),
        row(1, **{"Chủ hồ sơ": "Người Khác"}),
        row(10, **{"Trạng thái": "1"}),
        row(11),
    ]
    path = write_csv(tmp_path / "ho-so.csv", rows)
    s = await import_dossiers(ctx, path)
    assert (s.rows_read, s.inserted, s.rejected) == (12, 2, 10)
    assert s.rejects_path == tmp_path / "ho-so.csv.rejects.csv"
    assert await count(ctx, "dossiers") == 2
    with s.rejects_path.open(encoding="utf-8-sig") as f:
        rejects = list(csv.reader(f))
    assert rejects[0] == [*HEADER, "reason"]
    reasons = [r[-1] for r in rejects[1:]]
    masked = {"SĐT": "******5678", "CCCD": "********1234"}  # only the last 4 digits
    assert rejects[1][:-1] == row(2, **{"Mã hồ sơ": "", **masked})  # the row, numbers masked
    assert rejects[8][12] == "'-10000"  # would start a formula in a spreadsheet: neutralised
    expected = [
        "dòng 3: thiếu «Mã hồ sơ»",
        "dòng 4: ngày giờ không đọc được",
        "dòng 5: ngày không tồn tại",
        "dòng 6: trạng thái không rõ",
        "dòng 7: hình thức nộp không rõ",
        "dòng 8: trạng thái đã kết thúc nhưng thiếu",
        "dòng 9: ngày hẹn trả trước ngày tiếp nhận",
        "dòng 10: phí, lệ phí âm",
        "dòng 11: mã «000.00.12.H31-260105-0001» đã có ở dòng 2",
        "dòng 12: trạng thái «Mới đăng ký»",
    ]
    for reason, start in zip(reasons, expected, strict=True):
        assert reason.startswith(start), (reason, start)
    assert "Bị loại 10 dòng" in summary_text(s) and "Ghi chú" in summary_text(s)


async def test_strict_stores_nothing(ctx: AppContext, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row(1), row(2, **{"Ngày tiếp nhận": "x"})])
    s = await import_dossiers(ctx, path, strict=True)
    assert not s.stored and s.rejected == 1
    assert await count(ctx, "dossiers") == 0 and await count(ctx, "import_runs") == 0
    assert "KHÔNG lưu" in summary_text(s)


async def test_same_file_twice_changes_nothing(ctx: AppContext, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row(n) for n in range(1, 6)])
    first = await import_dossiers(ctx, path)
    events = await count(ctx, "status_events")
    second = await import_dossiers(ctx, path)
    assert (first.inserted, second.inserted, second.updated, second.unchanged) == (5, 0, 0, 5)
    assert second.status_changes == 0 and await count(ctx, "status_events") == events


async def test_a_status_change_records_one_event(ctx: AppContext, tmp_path: Path) -> None:
    before = row(1, **{"Trạng thái": "Đang xử lý", "Ngày kết thúc xử lý": ""})
    await import_dossiers(ctx, write_csv(tmp_path / "a.csv", [before]))
    s = await import_dossiers(ctx, write_csv(tmp_path / "b.csv", [row(1)]))
    assert (s.updated, s.status_changes) == (1, 1)
    sql = "SELECT old_status, new_status, status_at, import_run_id FROM status_events"
    async with ctx.db.reader.execute(sql + " WHERE old_status IS NOT NULL") as cur:
        rows = await cur.fetchall()
    assert [tuple(r) for r in rows] == [("processing", "returned", "2026-01-05T15:00:00", s.run_id)]


async def test_semicolons_bom_title_rows_and_nfd(ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "xuat.csv"
    nfd = unicodedata.normalize("NFD", "Trần Thị Bình")
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.write("DANH SÁCH HỒ SƠ TIẾP NHẬN;;;\n\n")
        w = csv.writer(f, delimiter=";")
        w.writerow(HEADER)
        w.writerow(row(1, **{"Chủ hồ sơ": nfd, "Mã hồ sơ": " 000.00.12.h31-260105-0001 "}))
    s = await import_dossiers(ctx, path)
    assert (s.inserted, s.header_line) == (1, 3)
    async with ctx.db.reader.execute("SELECT applicant, code FROM dossiers") as cur:
        applicant, code = await fetched(cur)
    assert applicant == "Trần Thị Bình" and code == "000.00.12.H31-260105-0001"


async def test_only_the_last_four_digits_are_stored(ctx: AppContext, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row(1)])
    await import_dossiers(ctx, path)
    data = await stored_bytes(ctx)
    assert b"5678" in data
    assert b"0912345678" not in data and b"030201001234" not in data


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rong.csv", b"", "rỗng"),
        ("trong.csv", b"\n\n  \n", "rỗng"),
        ("anh.png", b"\x89PNG\r\n\x1a\n\x00\x00", "là ảnh PNG, không phải bảng tính"),
        ("anh.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(1, 200)) * 3, "là ảnh PNG"),
        ("rac.csv", bytes(range(1, 32)) * 40 + "Mã hồ sơ".encode(), "là tệp nhị phân"),
        ("cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        ("hong.xlsx", b"not a zip", "không phải tệp Excel"),
        ("w1258.csv", unicodedata.normalize("NFD", "Mã hồ sơ,Chủ hồ sơ\n1,Ngô\n").encode(
            "cp1258", errors="ignore"), "UTF-8"),
        ("cp1252.csv", "Mã,Ghi chú\n1,café crème\n".encode("cp1252"), "cp1252"),
    ],
)
async def test_broken_files_are_refused(
    ctx: AppContext, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportRefused, match=message):
        await import_dossiers(ctx, path)
    assert await count(ctx, "dossiers") == 0 and await count(ctx, "import_runs") == 0


async def test_missing_columns_are_named(ctx: AppContext, tmp_path: Path) -> None:
    header = [h for h in HEADER if h not in ("Ngày hẹn trả", "Trạng thái")]
    path = tmp_path / "a.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(header)
    with pytest.raises(ImportRefused, match="thiếu cột bắt buộc: Ngày hẹn trả, Trạng thái"):
        await import_dossiers(ctx, path)


def _xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """Write rows into the first sheet of a new workbook."""
    book = Workbook()
    for r in rows:
        book.active.append(r)
    book.save(path)
    return path


async def test_xlsx_native_dates_and_codes(ctx: AppContext, tmp_path: Path) -> None:
    header = ["MaHoSo", "MaTTHC", "ChuHoSo", "KenhThucHien", "NgayTiepNhan", "NgayHenTra",
              "NgayKetThucXuLy", "TrangThaiHoSo", "Phí, lệ phí", "SoDienThoai"]
    data = ["000.00.12.H31-260105-0001", "1.001193", "Lê Văn C", 2, datetime(2026, 1, 5, 8, 0),
            date(2026, 1, 6), datetime(2026, 1, 5, 15, 0), 10, 10000, "0912345678"]
    s = await import_dossiers(ctx, _xlsx(tmp_path / "a.xlsx", [header, data]))
    assert s.inserted == 1
    async with ctx.db.reader.execute(
        "SELECT channel, received_at, due_at, status, fee, phone_last4 FROM dossiers"
    ) as cur:
        got = tuple(await fetched(cur))
    assert got == ("truc_tuyen", "2026-01-05T08:00:00", "2026-01-06T17:00:00", "returned", 10000,
                   "5678")


async def test_xlsx_formula_and_truncation_are_refused(ctx: AppContext, tmp_path: Path) -> None:
    formula = _xlsx(tmp_path / "f.xlsx", [HEADER, [*row(1)[:12], "=5000*2", ""]])
    with pytest.raises(ImportRefused, match=r"công thức \(ô M2\)"):
        await import_dossiers(ctx, formula)
    good = _xlsx(tmp_path / "g.xlsx", [HEADER, row(1)])
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ImportRefused, match="hỏng"):
        await import_dossiers(ctx, cut)
    assert await count(ctx, "dossiers") == 0


async def test_kind_detection(ctx: AppContext, tmp_path: Path) -> None:
    catalogue = tmp_path / "thu-tuc.csv"
    with catalogue.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Mức độ", "Thời hạn giải quyết"])
        w.writerow(["1.001193", "Chứng thực bản sao", "Chứng thực", "Một phần", "1 ngày làm việc"])
        w.writerow(["2.000635", "Cấp bản sao trích lục", "Hộ tịch", "Toàn trình", "1"])
    dossiers = write_csv(tmp_path / "ho-so.csv", [row(1)])
    assert detect_kind(catalogue) == "procedures" and detect_kind(dossiers) == "dossiers"
    with pytest.raises(ImportRefused, match="danh mục thủ tục, không phải hồ sơ"):
        await import_dossiers(ctx, catalogue)
    s = await import_file(ctx, catalogue)
    assert (s.kind, s.inserted) == ("procedures", 2)
    again = await import_file(ctx, catalogue)
    assert (again.inserted, again.unchanged) == (0, 2)
    async with ctx.db.reader.execute("SELECT name_search, days, level FROM procedures") as cur:
        first = tuple(await fetched(cur))
    assert first == ("chung thuc ban sao", 1, "mot_phan")


def test_cli_import_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    if settings.database_url:  # the PostgreSQL test database
        monkeypatch.setenv("MOTCUA_DATABASE_URL", settings.database_url)
    else:
        monkeypatch.setenv("MOTCUA_DB_PATH", str(tmp_path / "cli.db"))
    good = write_csv(tmp_path / "a.csv", [row(1), row(2, **{"Trạng thái": "?"})])
    assert main(["import", "dossiers", str(good), "--quiet"]) == 0
    assert "Thêm mới 1" in capsys.readouterr().out
    assert main(["import", "dossiers", str(good), "--strict", "--quiet"]) == 1
    missing = tmp_path / "khong-co.csv"
    assert main(["import", "dossiers", str(missing)]) == 1
    assert "Không tìm thấy tệp" in capsys.readouterr().err


async def test_big_files_parse_in_a_helper_process_with_the_same_result(
    ctx: AppContext, tmp_path: Path
) -> None:
    """The helper-process path stores exactly what the in-process path stores."""
    rows = [row(n) for n in range(1, 3001)] + [row(3001, **{"Trạng thái": "?"}), row(5)]
    path = write_csv(tmp_path / "lon.csv", rows)
    inline = await import_dossiers(ctx, path)
    async with ctx.db.reader.execute("SELECT code, row_hash FROM dossiers ORDER BY code") as cur:
        before = [tuple(r) for r in await cur.fetchall()]
    async with ctx.db.transaction() as conn:
        await conn.execute("DELETE FROM status_events")
        await conn.execute("DELETE FROM dossiers")
    in_helper = ImportLimits(parallel_min_bytes=0)
    helper = await import_dossiers(ctx, path, limits=in_helper)
    async with ctx.db.reader.execute("SELECT code, row_hash FROM dossiers ORDER BY code") as cur:
        after = [tuple(r) for r in await cur.fetchall()]
    assert before == after and len(after) == 3000
    assert (helper.inserted, helper.rejected, helper.unchanged) == (3000, 1, 1)
    assert (inline.inserted, inline.rejected, inline.unchanged) == (3000, 1, 1)
    bad = tmp_path / "hong-giua.csv"
    bad.write_bytes(path.read_bytes()[:-2000] + "Ngô".encode("cp1258", errors="ignore") * 9000)
    with pytest.raises(ImportRefused, match="UTF-8"):
        await import_dossiers(ctx, bad, limits=in_helper)
    assert await count(ctx, "dossiers") == 3000


async def test_the_import_reports_how_far_it_has_read(ctx: AppContext, tmp_path: Path) -> None:
    """The progress given in the options hears the file's total, positions up to it, the end."""
    totals: list[tuple[int, str]] = []
    positions: list[int] = []
    closed: list[bool] = []

    class Recorder:
        """A Progress that writes down what it is told."""

        def update(self, position: int) -> None:
            """Note the position."""
            positions.append(position)

        def close(self) -> None:
            """Note the end."""
            closed.append(True)

    def make(total: int, file_kind: str) -> Recorder:
        """Note the total and the kind."""
        totals.append((total, file_kind))
        return Recorder()

    path = write_csv(tmp_path / "ho-so.csv", [row(n) for n in range(1, 4501)])
    options = ImportOptions(tz_name="Asia/Ho_Chi_Minh", unit="Xã Hòa An", progress=make)
    s = await load_file(ctx.db, path, "dossiers", options)
    size = path.stat().st_size
    assert s.inserted == 4500 and totals == [(size, "csv")] and closed == [True]
    assert len(positions) >= 2 and positions == sorted(positions) and positions[-1] == size
