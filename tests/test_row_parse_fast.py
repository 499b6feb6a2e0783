"""The dossier row parser's fast path gives exactly what the reference (slow) parse gives."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import pytest

from storage.imports.columns import match_header
from storage.imports.rows import BadRow, DossierRow, row_hash
from storage.imports.values import to_iso
from tests.conftest import TZ

TODAY = "2026-04-15T09:00:00"  # the fixed "now" the parser judges dates against

HEADER = [
    "STT", "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Chủ hồ sơ", "Số điện thoại", "Số giấy tờ",
    "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý", "Trạng thái",
    "Cán bộ xử lý", "Toàn trình", "Số hóa đầu vào", "Số hóa đầu ra", "Lưu kho", "Tái sử dụng",
    "Phí, lệ phí", "Thanh toán trực tuyến",
]
# Every column the parser knows, so rows are read without padding.
FULL_HEADER = [
    *HEADER, "Đơn vị", "Ngày trả kết quả", "Ngày cập nhật trạng thái", "Nội dung yêu cầu bổ sung",
]
ROW = [
    "1", "000.34.27.H31-260105-0000", "1.001291", "Chứng thực bản sao từ bản chính",
    "Nguyễn Văn C", "0934234785", "030215826780", "Trực tiếp", "05/01/2026 07:30:00",
    "08/01/2026 07:30:00", "05/01/2026 12:30:00", "Đã trả kết quả", "CB08", "x", "x", "x", "x",
    "", "10000", "x",
]
XLSX_ROW: list[object] = [
    1.0, "000.34.27.H31-260105-0001", "1.001194", "Chứng thực bản sao từ bản chính",
    "Nguyễn Văn H", "0912597620", "030265479012", "Trực tuyến", datetime(2026, 1, 5, 7, 33),
    datetime(2026, 1, 8, 7, 33), datetime(2026, 1, 5, 12, 33), "Đã trả kết quả", "CB07", "x",
    "x", "x", "x", "", 10000.0, "x",
]


def nfd(text: str) -> str:
    """The text decomposed, as some exports write Vietnamese."""
    return unicodedata.normalize("NFD", text)


TRICKY: list[object] = [
    "", " ", " \t", None, 0, 1, 2, 0.0, 1.0, 10000.0, 10000.5, -5, -5.0, True, False,
    "x", " X ", "có", nfd("Có"), "không", "yes", "sai", "maybe", " 1 ", "01", "²",
    "Đã trả kết quả", nfd("Đã trả kết quả"), "  Đã trả kết quả ", "DA TRA KET QUA",
    "Mới đăng ký", "Đang  xử   lý", "Rút hồ sơ", "processing", "Không rõ", "9", "10",
    "Trực tiếp", nfd("Trực tuyến"), " Bưu chính ", "truc_tuyen", "Fax",
    "05/01/2026 07:30:00", " 05/01/2026 07:30:00", "05/01/2026", "5/1/2026 7:30",
    "31/02/2026", "31/02/2026 07:30:00", "05/01/2026 25:30:00", "05/01/2026 07:60:00",
    "05/01/2026x07:30:00", "05/01/2026 ٠٧:٣٠:٠٠", "05/01/2026 0٧:30:00", "2026-01-05T07:30:00",
    "2026-01-05T07:30:00Z", "2026-01-05 07:30:00+07:00", "hôm qua", "09/01/2026 07:30:00",
    datetime(2026, 1, 5, 7, 30), datetime(2026, 1, 5, 7, 30, 0, 500000), date(2026, 1, 5),
    datetime(2026, 1, 5, 7, 30, tzinfo=UTC), time(7, 30), timedelta(hours=3),
    "10.000", "10,000 đ", "-10000", "abc", "１２３", "093 423 4785", "+84 934-234-785", "123",
    934234785.0, 30215826780, " 000.34.27 H31-260105 ", "cb 08", nfd("Nguyễn Văn C"),
    "  Nguyễn Văn C\t", "ß",
]


def outcome(parse: object, values: Sequence[object]) -> tuple[object, ...]:
    """What parsing gives: the record with its types and digest, the reasons, or the error."""
    try:
        record = parse(values)  # type: ignore[operator]
    except BadRow as bad:
        return ("bad", bad.args[0])
    except Exception as exc:  # the reference's own errors must be the same too
        return ("error", type(exc).__name__, str(exc))
    return ("ok", record, tuple(type(v) for v in record), row_hash(record))


def same(parser: DossierRow, values: Sequence[object]) -> None:
    """The fast parse and the reference parse agree on one row."""
    assert outcome(parser.parse, values) == outcome(parser._parse_slow, values), values


def mutated(base: list[object], rnd: random.Random) -> list[object]:
    """The row with a few cells replaced by tricky values, sometimes cut short or lengthened."""
    values = list(base)
    for _ in range(rnd.choice((0, 1, 1, 2, 3, 5))):
        values[rnd.randrange(len(values))] = rnd.choice(TRICKY)
    cut = rnd.random()
    if cut < 0.1:
        values = values[: rnd.randrange(len(values))]
    elif cut < 0.15:
        values += [rnd.choice(TRICKY) for _ in range(rnd.randrange(1, 4))]
    return values


def test_the_common_rows_take_the_fast_path() -> None:
    """An export's ordinary CSV and XLSX rows are read by the fast path, to the same record."""
    parser = DossierRow(match_header(HEADER, "dossiers"), TZ, TODAY)
    for values in (ROW, XLSX_ROW):
        assert parser._parse_fast(values) is not None
        same(parser, values)
    assert parser.parse(ROW) == (
        "000.34.27.H31-260105-0000", "1.001291", "Chứng thực bản sao từ bản chính",
        "Nguyễn Văn C", "4785", "6780", "truc_tiep", "2026-01-05T07:30:00",
        "2026-01-08T07:30:00", "2026-01-05T12:30:00", None, "returned", "2026-01-05T12:30:00",
        "CB08", 1, 1, 1, 1, 0, 10000, 1, None,
    )


@pytest.mark.parametrize("value", TRICKY, ids=repr)
@pytest.mark.parametrize("column", range(1, len(HEADER)))
def test_one_tricky_cell(column: int, value: object) -> None:
    """Any one cell replaced by a tricky value: the same record or the same reasons."""
    parser = DossierRow(match_header(HEADER, "dossiers"), TZ, TODAY)
    values: list[object] = list(ROW)
    values[column] = value
    same(parser, values)
    same(parser, values)  # again, now that the memos hold what the first parse learnt
    same(parser, list(ROW))


@pytest.mark.parametrize("header", [HEADER, FULL_HEADER], ids=["export", "every column"])
def test_random_rows_with_warm_memos(header: list[str]) -> None:
    """Thousands of mutated rows through one parser (memos shared): always the reference's."""
    rnd = random.Random(20260105)
    parser = DossierRow(match_header(header, "dossiers"), TZ, TODAY)
    extra = ["Phường 1", "", "", ""][: len(header) - len(HEADER)]
    bases: list[list[object]] = [[*ROW, *extra], [*XLSX_ROW, *extra]]
    for _ in range(3000):
        same(parser, mutated(rnd.choice(bases), rnd))


def test_reordered_columns_and_short_rows() -> None:
    """Columns in another order, rows shorter or longer than the header."""
    rnd = random.Random(7)
    order = list(range(len(FULL_HEADER)))
    rnd.shuffle(order)
    parser = DossierRow(match_header([FULL_HEADER[i] for i in order], "dossiers"), TZ, TODAY)
    base = [*ROW, "Phường 1", "09/01/2026 08:00:00", "", "thiếu bản sao"]
    for _ in range(1500):
        values = mutated([base[i] for i in order], rnd)
        same(parser, values)
        same(parser, values[:-1])


def test_an_empty_code_stays_missing_after_it_was_remembered() -> None:
    """A blank procedure code is refused every time, not only the first (the memo keeps '')."""
    parser = DossierRow(match_header(HEADER, "dossiers"), TZ, TODAY)
    values = list(ROW)
    values[2] = "  "
    for _ in range(2):
        with pytest.raises(BadRow) as bad:
            parser.parse(values)
        assert bad.value.args[0] == ["thiếu «Mã thủ tục»"]


def test_reasons_keep_their_order() -> None:
    """A row with many faults gives every reason, in the reference order."""
    parser = DossierRow(match_header(HEADER, "dossiers"), TZ, TODAY)
    values = list(ROW)
    values[1], values[7], values[9], values[11] = "", "Fax", "31/02/2026", "Không rõ"
    values[13], values[18] = "maybe", "-10000"
    with pytest.raises(BadRow) as bad:
        parser.parse(values)
    assert bad.value.args[0] == [
        "thiếu «Mã hồ sơ»",
        "hình thức nộp không rõ «Fax»",
        "trạng thái không rõ «Không rõ»",
        "ngày không tồn tại «31/02/2026»",
        "giá trị có/không không rõ «maybe»",
        "phí, lệ phí âm",
    ]


def test_to_iso_shortcuts() -> None:
    """The shortcuts for export dates and native datetimes give the general answer."""
    assert to_iso("05/01/2026 07:30:00", TZ) == "2026-01-05T07:30:00"
    assert to_iso("05/01/2026", TZ, time(17)) == "2026-01-05T17:00:00"
    # NFKC: fullwidth digits are ASCII ones
    assert to_iso("０５/０１/２０２６ ０７:３０:００", TZ) == "2026-01-05T07:30:00"
    for arabic_indic in ("05/01/2026 ٠٧:٣٠:٠٠", "05/01/2026 0٧:30:00", "٠٥/٠١/٢٠٢٦"):
        with pytest.raises(ValueError, match="chữ số không phải 0–9"):
            to_iso(arabic_indic, TZ)  # stored datetimes hold ASCII digits only
    assert to_iso(datetime(2026, 1, 5, 7, 30, 0, 500000), TZ) == "2026-01-05T07:30:00"
    assert to_iso(datetime(999, 1, 5, 7, 30), TZ) == "0999-01-05T07:30:00"
    with pytest.raises(ValueError, match="không tồn tại"):
        to_iso("31/02/2026 07:30:00", TZ)
    with pytest.raises(ValueError, match="giờ không hợp lệ"):
        to_iso("05/01/2026 24:00:00", TZ)
