"""Hostile and unlucky import files (issue 14): bounded memory, caps, privacy, dates, messages."""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.config import Settings
from bot.context import AppContext
from bot.import_service import import_limits
from bot.import_text import summary_text
from bot.workdays import WorkCalendar
from storage.db import Database
from storage.imports import ImportRefused
from storage.imports.columns import match_header
from storage.imports.errors import refusal
from storage.imports.known import raw_digester
from storage.imports.parse import BATCH, CHUNK_CELLS, Chunk, parse_file
from tests.import_helpers import import_dossiers
from tests.test_importer import HEADER, count, fetched, row, write_csv

pytestmark = pytest.mark.engines

TODAY = "2026-04-15T09:00:00"  # the ctx fixture's fixed now
EXCEPTION_NAME = re.compile(r"\w*(Error|Exception)\b|Traceback")


def chunks_of(path: Path) -> list[Chunk]:
    """Every Chunk parse_file yields for a dossier file (the header dropped)."""
    items = list(parse_file(path, "dossiers", "Asia/Ho_Chi_Minh", "Đơn vị", today=TODAY))
    return [c for c in items if isinstance(c, Chunk)]


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """A streamed (write-only) workbook: the header, then the rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Hồ sơ")
    sheet.append(HEADER)
    for cells in rows:
        sheet.append(cells)
    book.save(path)
    return path


async def limited_ctx(ctx: AppContext, **caps: int) -> AppContext:
    """The test's context with some import caps lowered."""
    settings = ctx.settings.model_copy(update=caps)
    return AppContext(settings, ctx.db, WorkCalendar.from_settings(settings), clock=ctx.clock)


# --- item 3: memory bounded whatever the mix of good and bad rows ---------------------------

def test_chunks_are_bounded_in_rows_good_and_bad(tmp_path: Path) -> None:
    """Rejected rows count toward a chunk's size: 4,500 bad rows never pile up in one chunk."""
    bad = [row(n, **{"Trạng thái": "rác"}) for n in range(1, 4501)]
    path = write_csv(tmp_path / "rac.csv", [*bad, row(9999)])
    chunks = chunks_of(path)
    assert len(chunks) == 3
    assert all(len(c.records) + len(c.rejects) <= BATCH for c in chunks)
    assert sum(len(c.rejects) for c in chunks) == 4500
    assert sum(len(c.records) for c in chunks) == 1


def test_chunks_are_bounded_in_cells_of_wide_rejected_rows(tmp_path: Path) -> None:
    """A rejected row keeps only the header's cells; wide rows hand a chunk on sooner."""
    header = [*HEADER, *(f"Cột {i}" for i in range(300))]
    wide = [[*row(n, **{"Trạng thái": "rác"}), *(["x"] * 400)] for n in range(1, 2001)]
    path = write_csv(tmp_path / "rong.csv", wide, header=header)
    chunks = chunks_of(path)
    assert all(len(values) == len(header) for c in chunks for _, values, _ in c.rejects)
    assert all(sum(len(v) for _, v, _ in c.rejects) <= CHUNK_CELLS + len(header) for c in chunks)
    assert len(chunks) > 2


async def test_too_many_rows_are_refused_and_nothing_stored(
    ctx: AppContext, tmp_path: Path
) -> None:
    """Above MOTCUA_IMPORT_MAX_ROWS the file is refused, in Vietnamese, and nothing is stored."""
    small = await limited_ctx(ctx, import_max_rows=40)
    path = write_csv(tmp_path / "dai.csv", [row(n) for n in range(1, 100)])
    with pytest.raises(ImportRefused, match=r"hơn 40 dòng.*MOTCUA_IMPORT_MAX_ROWS"):
        await import_dossiers(small, path)
    assert await count(ctx, "dossiers") == 0 and await count(ctx, "import_runs") == 0
    assert not (tmp_path / "dai.csv.rejects.csv").exists()
    assert (await import_dossiers(small, write_csv(tmp_path / "ngan.csv", [row(1)]))).inserted == 1


async def test_a_sheet_bigger_than_the_cap_is_refused_before_reading(
    ctx: AppContext, tmp_path: Path
) -> None:
    """The uncompressed size of an XLSX sheet (from the zip's directory) and of a CSV is capped."""
    small = await limited_ctx(ctx, import_max_sheet_mb=1)
    # about 2 MB of sheet XML, a few hundred KB zipped
    write_xlsx(tmp_path / "lon.xlsx", [row(n) for n in range(1, 4001)])
    with pytest.raises(ImportRefused, match=r"khi giải nén khoảng \d+ MB.*MOTCUA_IMPORT_MAX_SHEET"):
        await import_dossiers(small, tmp_path / "lon.xlsx")
    big_csv = write_csv(tmp_path / "lon.csv", [row(n) for n in range(1, 6001)])
    assert big_csv.stat().st_size > 1 << 20
    with pytest.raises(ImportRefused, match="quá lớn"):
        await import_dossiers(small, big_csv)
    assert await count(ctx, "dossiers") == 0


async def test_shared_strings_past_their_share_of_the_cap_are_refused(
    ctx: AppContext, tmp_path: Path
) -> None:
    """The reader holds shared strings whole: they may use a sixth of the sheet cap."""
    small = await limited_ctx(ctx, import_max_sheet_mb=6)
    path = write_xlsx(tmp_path / "chuoi.xlsx", [row(1)])
    with zipfile.ZipFile(path, "a") as z:  # 1.2 MB of strings (no sheet points at them)
        z.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t>x</t></si>" * 70_000 + "</sst>")
    with pytest.raises(ImportRefused, match="bảng chữ dùng chung"):
        await import_dossiers(small, path)
    assert (await import_dossiers(ctx, path)).inserted == 1  # under the default cap


async def test_an_xlsx_of_junk_rows_past_the_cap_is_refused(
    ctx: AppContext, tmp_path: Path
) -> None:
    """Rows are counted as they stream, whatever the sheet declares."""
    small = await limited_ctx(ctx, import_max_rows=100)
    write_xlsx(tmp_path / "rac.xlsx", [["rác", n] for n in range(300)])
    with pytest.raises(ImportRefused, match="hơn 100 dòng"):
        await import_dossiers(small, tmp_path / "rac.xlsx")
    assert await count(ctx, "dossiers") == 0


# --- item 4: raw digests and the rejects file reveal no personal number ---------------------

def test_the_raw_digest_cannot_be_brute_forced_to_a_phone_number() -> None:
    """Every phone sharing the last 4 digits gives the same digest: trying candidates finds all."""
    columns = match_header(HEADER, "dossiers")
    digest = raw_digester("csv", HEADER, "Asia/Ho_Chi_Minh", columns)
    target = digest(row(1, **{"SĐT": "0912345678"}))
    # The attack of the issue: 35 mobile prefixes × 1,000, here 5 × 1,000 ending in the stored 4.
    prefixes = ("090", "091", "098", "032", "070")
    candidates = [f"{p}{m:03d}5678" for p in prefixes for m in range(1000)]
    hits = [c for c in candidates if digest(row(1, **{"SĐT": c})) == target]
    assert len(hits) == len(candidates)  # every candidate matches: the digest tells none apart
    assert digest(row(1, **{"SĐT": "0912345679"})) != target  # the stored 4 digits do count
    assert digest(row(1, **{"Ghi chú": "gọi 0912345678"})) == digest(row(1))  # unread column


async def test_stored_digests_are_wiped_by_migration_0010(
    settings: Settings, tmp_path: Path
) -> None:
    """Digests stored before PARSE_VERSION 2 are forgotten when the store is opened."""
    if settings.database_url:
        pytest.skip("migration 0010 is SQLite history: PostgreSQL's schema starts at 0023")
    db = await Database.open(settings.db_path)
    ctx = AppContext(settings, db, WorkCalendar.from_settings(settings))
    await import_dossiers(ctx, write_csv(tmp_path / "a.csv", [row(1), row(2)]))
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM schema_version WHERE version = 10")
    await db.close()
    db = await Database.open(settings.db_path)  # migration 0010 runs again
    async with db.reader.execute("SELECT COUNT(*) FROM dossiers WHERE raw_digest IS NULL") as c:
        assert (await fetched(c))[0] == 2
    await db.close()


async def test_the_rejects_file_masks_numbers_and_neutralises_formulas(
    ctx: AppContext, tmp_path: Path
) -> None:
    """Phone and ID keep their last 4 digits; formula-looking cells get a leading quote."""
    rows = [
        row(1, **{"Trạng thái": "0987654321", "Ghi chú": "=HYPERLINK(\"http://x\")"}),
        row(2, **{"Hình thức nộp": "rác", "Ghi chú": "gọi 091 234 5678", "Chủ hồ sơ": "@SUM(1)"}),
        row(3, **{"Hình thức nộp": "rác", "Ghi chú": "\tx", "Tên thủ tục": "+1",
                  "Ngày hẹn trả": "06.01.2026 17:00"}),
    ]
    s = await import_dossiers(ctx, write_csv(tmp_path / "a.csv", rows))
    assert s.rejected == 3 and s.rejects_path is not None
    text = s.rejects_path.read_text(encoding="utf-8-sig")
    for secret in ("0912345678", "030201001234", "0987654321", "091 234"):
        assert secret not in text
    with s.rejects_path.open(encoding="utf-8-sig") as f:
        got = list(csv.reader(f))[1:]
    assert got[0][HEADER.index("SĐT")] == "******5678"
    assert got[0][HEADER.index("CCCD")] == "********1234"
    assert got[0][HEADER.index("Ghi chú")] == "'=HYPERLINK(\"http://x\")"
    assert "«******4321»" in got[0][-1]  # a phone in a reason is masked too
    assert got[1][HEADER.index("Ghi chú")] == "gọi *** *** 5678"
    assert got[1][HEADER.index("Chủ hồ sơ")] == "'@SUM(1)"
    assert got[2][HEADER.index("Ghi chú")] == "'\tx"
    assert got[2][HEADER.index("Tên thủ tục")] == "'+1"
    assert got[2][HEADER.index("Ngày hẹn trả")] == "06.01.2026 17:00"  # a date stays readable
    assert got[0][HEADER.index("Mã hồ sơ")] == row(1)[1]  # codes are never masked


# --- item 9: a folder that cannot take the rejects file --------------------------------------

def data_folder(ctx: AppContext) -> Path:
    """Where a rejects file goes when the input's folder refuses it: the SQLite store's folder,
    or (PostgreSQL) the data folder of the settings."""
    return Path(ctx.db.path if ctx.db.engine == "sqlite" else ctx.settings.db_path).parent

async def test_rejects_go_to_the_data_folder_when_beside_the_input_is_impossible(
    ctx: AppContext, tmp_path: Path
) -> None:
    """A directory named FILE.rejects.csv (fails for root too): good rows stored, file moved."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    path = write_csv(inbox / "ho-so.csv", [row(1), row(2, **{"Trạng thái": "rác"}), row(3)])
    (inbox / "ho-so.csv.rejects.csv").mkdir()
    s = await import_dossiers(ctx, path)
    assert (s.inserted, s.rejected) == (2, 1) and await count(ctx, "dossiers") == 2
    assert s.rejects_path == data_folder(ctx) / "rejects" / "ho-so.csv.rejects.csv"
    assert s.rejects_path.is_file() and str(s.rejects_path) in summary_text(s)
    assert "không cho ghi" in summary_text(s)
    clean = await import_dossiers(ctx, write_csv(inbox / "ho-so.csv", [row(1)]))
    assert clean.rejects_path is None and not s.rejects_path.exists()  # stale one removed


async def test_a_read_only_input_folder_keeps_the_good_rows(
    ctx: AppContext, tmp_path: Path
) -> None:
    """chmod 555 on the input folder (skipped as root, who may write anyway)."""
    import os

    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    inbox = tmp_path / "ro"
    inbox.mkdir()
    path = write_csv(inbox / "a.csv", [row(1), row(2, **{"Trạng thái": "rác"})])
    inbox.chmod(0o555)
    try:
        s = await import_dossiers(ctx, path)
    finally:
        inbox.chmod(0o755)
    assert (s.inserted, s.rejected) == (1, 1) and s.rejects_path is not None
    assert s.rejects_path.parent == data_folder(ctx) / "rejects"


# --- item 12: a header of very many columns ---------------------------------------------------

async def test_a_header_of_many_columns_gives_a_short_summary(
    ctx: AppContext, tmp_path: Path
) -> None:
    """A few unknown columns are named, then "và N cột khác"; the summary stays short."""
    header = [*HEADER, *(f"Cột {i}" for i in range(100_000)), "Cột rất dài " + "x" * 5000]
    path = write_csv(tmp_path / "rong.csv", [row(1)], header=header)
    s = await import_dossiers(ctx, path)
    text = summary_text(s)
    assert s.inserted == 1 and len(text) < 1000
    assert "Ghi chú, Cột 0, Cột 1, Cột 2, Cột 3 và 99.997 cột khác" in text


# --- item 14: impossible and odd dates ---------------------------------------------------------

async def test_impossible_dates_are_rejected_and_odd_ones_flagged(
    ctx: AppContext, tmp_path: Path
) -> None:
    """Before 2000, over a year ahead, finished before received: rejected; odd ones counted."""
    rows = [
        row(1, **{"Ngày tiếp nhận": "05/01/2099 08:00", "Ngày hẹn trả": "06/01/2099"}),
        row(2, **{"Ngày tiếp nhận": "05/01/1900 08:00", "Ngày hẹn trả": "06/01/1900"}),
        row(3, **{"Ngày kết thúc xử lý": "05/01/2020 15:00"}),
        row(4, **{"Ngày tiếp nhận": "20/04/2026 08:00", "Ngày hẹn trả": "21/04/2026",
                  "Trạng thái": "Đang xử lý"}),  # 5 days ahead of the fixed today: odd
        row(5, **{"Ngày kết thúc xử lý": "05/01/2026 07:00"}),  # same day, before received
        row(6),
    ]
    s = await import_dossiers(ctx, write_csv(tmp_path / "ngay.csv", rows))
    assert (s.inserted, s.rejected, s.odd_dates) == (3, 3, 2)
    assert s.rejects_path is not None
    assert s.rejects_path is not None
    reasons = [r[-1] for r in csv.reader(s.rejects_path.open(encoding="utf-8-sig"))][1:]
    assert "ngày tiếp nhận 05/01/2099 quá một năm sau hôm nay" in reasons[0]
    assert "ngày tiếp nhận 05/01/1900 trước năm 2000" in reasons[1]
    assert "ngày kết thúc xử lý trước ngày tiếp nhận" in reasons[2]
    assert "2 dòng có ngày bất thường" in summary_text(s)


# --- item 5 (import side): digits ---------------------------------------------------------------

async def test_dates_and_numbers_are_stored_with_ascii_digits(
    ctx: AppContext, tmp_path: Path
) -> None:
    """Fullwidth digits are NFKC-normalised; Arabic-Indic ones are rejected with a reason."""
    rows = [
        row(1, **{"Ngày tiếp nhận": "０５/０１/２０２６ ０８:００", "Mã hồ sơ": "ＡＢＣ-０００１",
                  "SĐT": "０９１２３４５６７８"}),
        row(2, **{"Ngày tiếp nhận": "05/01/2026 ٠٨:٠٠"}),
        row(3, **{"SĐT": "٠٩١٢٣٤٥٦٧٨"}),
        row(4, **{"Phí, lệ phí": "１０.０００", "Trạng thái": "１０", "Hình thức nộp": "２"}),
    ]
    s = await import_dossiers(ctx, write_csv(tmp_path / "so.csv", rows))
    assert (s.inserted, s.rejected) == (2, 2)
    sql = "SELECT code, received_at, phone_last4, fee FROM dossiers ORDER BY id"
    async with ctx.db.reader.execute(sql) as cur:
        stored = list(await cur.fetchall())
    assert tuple(stored[0]) == ("ABC-0001", "2026-01-05T08:00:00", "5678", 10000)
    assert stored[1][3] == 10000
    assert all(str(v).isascii() for r in stored for v in r)
    assert s.rejects_path is not None
    reasons = [r[-1] for r in csv.reader(s.rejects_path.open(encoding="utf-8-sig"))][1:]
    assert all("chữ số không phải 0–9" in r for r in reasons)
    assert "٠٩١٢" not in "".join(reasons)  # the phone is not repeated in its reason


# --- item 15: no exception name in any import message ----------------------------------------

def _docx(path: Path) -> None:
    """A Word document (a zip without a workbook)."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")


def _no_sheet_rels(path: Path) -> None:
    """A zip that claims a workbook but lacks its parts."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook>")


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("bao-cao.xlsx", _docx, "là tài liệu Word"),
        ("hong.xlsx", _no_sheet_rels, "bị hỏng"),
        ("anh.csv", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x01\x02" * 500), "ảnh PNG"),
        ("nen.xlsx", lambda p: zipfile.ZipFile(p, "w").writestr("a.txt", "x"), "tệp nén .zip"),
    ],
)
async def test_read_errors_are_plain_vietnamese(
    ctx: AppContext, tmp_path: Path, name: str, make: object, says: str
) -> None:
    """What a file is, said plainly; never a Python exception's name."""
    path = tmp_path / name
    make(path)  # type: ignore[operator]
    with pytest.raises(ImportRefused) as refused:
        await import_dossiers(ctx, path)
    assert says in str(refused.value) and not EXCEPTION_NAME.search(str(refused.value))


def test_any_unexpected_read_error_becomes_a_vietnamese_refusal() -> None:
    """The one place errors become messages hides the exception's name and its English text."""
    for exc in (KeyError("xl/x.xml"), ValueError("bad"), RuntimeError("boom"),
                PermissionError(13, "Permission denied"), MemoryError()):
        message = str(refusal("a.xlsx", exc))
        assert "«a.xlsx»" in message and not EXCEPTION_NAME.search(message)
        assert "boom" not in message and "Permission" not in message


def test_the_cli_says_what_a_renamed_file_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`motcua import` of a .docx renamed .xlsx: one Vietnamese line, no exception name."""
    from bot.cli.main import main

    monkeypatch.setenv("MOTCUA_DB_PATH", str(tmp_path / "cli.db"))
    _docx(tmp_path / "ho-so.xlsx")
    assert main(["import", "dossiers", str(tmp_path / "ho-so.xlsx"), "--quiet"]) == 1
    said = capsys.readouterr()
    assert "là tài liệu Word (.docx)" in said.err
    assert not EXCEPTION_NAME.search(said.err + said.out)


async def test_a_big_file_refused_in_the_parser_process_says_why(
    ctx: AppContext, tmp_path: Path
) -> None:
    """The parser process's refusals (here the row cap) reach the importer as the same text."""
    small = await limited_ctx(ctx, import_max_rows=30)
    in_helper = replace(import_limits(small.settings), parallel_min_bytes=0)
    path = write_csv(tmp_path / "dai.csv", [row(n) for n in range(1, 80)])
    with pytest.raises(ImportRefused, match="hơn 30 dòng") as refused:
        await import_dossiers(small, path, limits=in_helper)
    assert not EXCEPTION_NAME.search(str(refused.value))
    assert await count(ctx, "dossiers") == 0


async def test_an_admin_in_chat_gets_plain_answers_and_a_masked_rejects_file(
    ctx: AppContext, tmp_path: Path
) -> None:
    """Through the chat core: renamed files said plainly; the rejects document is masked."""
    from bot.core.router import Core
    from bot.core.types import Attachment
    from tests.core_helpers import ask, sample_world, staff_world

    await staff_world(ctx, await sample_world(ctx))
    core = Core(ctx)
    _docx(tmp_path / "d.xlsx")
    cases = [("ho-so.xlsx", (tmp_path / "d.xlsx").read_bytes(), "là tài liệu Word"),
             ("ho-so.csv", b"\x89PNG\r\n\x1a\n" + b"\x01\x02\x03" * 300, "là ảnh PNG")]
    for name, data, says in cases:
        replies = await ask(core, "", user="admin", attachment=Attachment(name, data))
        assert says in replies[0].text and not EXCEPTION_NAME.search(replies[0].text)
    bad = write_csv(tmp_path / "b.csv", [row(1, **{"Trạng thái": "rác"})]).read_bytes()
    replies = await ask(core, "", user="admin", attachment=Attachment("b.csv", bad))
    document = next(r for r in replies if r.kind == "document")
    assert document.document is not None
    text = document.document.decode("utf-8-sig")
    assert "******5678" in text and "0912345678" not in text and "030201001234" not in text
