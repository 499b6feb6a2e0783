"""Write the demo data set in the import format: CSV (Vietnamese headers) and XLSX (national)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from bot.demo.catalogue import catalogue
from bot.demo.details import details
from bot.demo.generate import AS_OF, Dossier, dossiers, iter_staff
from bot.demo.receipts import Receipt, write_receipts

UNIT = "Trung tâm Phục vụ hành chính công xã Kẻ Sắt"

_STATUS_LABEL = {
    "received": ("Đã tiếp nhận", 2),
    "processing": ("Đang xử lý", 4),
    "supplement": ("Yêu cầu bổ sung", 5),
    "payment": ("Chờ thực hiện nghĩa vụ tài chính", 6),
    "result": ("Đã có kết quả", 9),
    "returned": ("Đã trả kết quả", 10),
    "rejected": ("Từ chối tiếp nhận", 3),
    "stopped": ("Dừng xử lý", 8),
    "withdrawn": ("Rút hồ sơ", 7),
}
_CHANNEL_LABEL = {"truc_tiep": ("Trực tiếp", 1), "truc_tuyen": ("Trực tuyến", 2),
                  "buu_chinh": ("Bưu chính", 3)}
_LEVEL_LABEL = {"toan_trinh": "Toàn trình", "mot_phan": "Một phần", "khong": "Chưa cung cấp"}

# CSV: the one-stop software's Vietnamese headers; XLSX: the national sync names where they exist.
CSV_HEADER = (
    "STT", "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Chủ hồ sơ", "Số điện thoại", "Số giấy tờ",
    "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý", "Ngày trả kết quả",
    "Trạng thái", "Ngày cập nhật trạng thái", "Cán bộ xử lý", "Đơn vị tiếp nhận", "Toàn trình",
    "Số hóa đầu vào", "Số hóa đầu ra", "Lưu kho", "Tái sử dụng", "Phí, lệ phí",
    "Thanh toán trực tuyến", "Nội dung yêu cầu bổ sung",
)
XLSX_HEADER = (
    "STT", "MaHoSo", "MaTTHC", "TenTTHC", "ChuHoSo", "SoDienThoai", "SoGiayToChuHoSo",
    "KenhThucHien", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "TrangThaiHoSo",
    "Ngày cập nhật trạng thái", "Người xử lý", "Đơn vị", "Trực tuyến toàn trình",
    "Số hóa đầu vào", "Số hóa đầu ra", "Lưu kho", "Tái sử dụng dữ liệu số hóa", "Phí, lệ phí",
    "Thanh toán trực tuyến", "Nội dung yêu cầu bổ sung",
)
PROCEDURE_HEADER = ("Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Mức độ", "Thời hạn giải quyết",
                    "Phí, lệ phí", "Thành phần hồ sơ", "Cơ quan thực hiện", "Đường dẫn")


@dataclass
class DemoFiles:
    """Where write_demo put each file."""

    procedures_csv: Path
    procedures_xlsx: Path
    dossiers_csv: Path
    dossiers_xlsx: Path
    staff_csv: Path
    updates_csv: Path  # a later export: a few of the same dossiers with a new status
    receipts: list[Receipt] = field(default_factory=list)  # receipt images (bien-nhan/*.png)
    units_csv: Path | None = None  # issue 17: the other units' dossiers (--units N)


UPDATES_NAME = "ho-so-cap-nhat.csv"


def _dmy(value: datetime | None, with_time: bool = True) -> str:
    """dd/mm/yyyy[ HH:MM:SS] or ''."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y %H:%M:%S" if with_time else "%d/%m/%Y")


def _vnd(amount: int) -> str:
    """50000 → '50.000'."""
    return f"{amount:,}".replace(",", ".")


def _status_at(d: Dossier) -> datetime | None:
    """The status date, written only when it differs from the import's default."""
    return d.status_at if d.status in ("supplement", "payment") else None


def _csv_row(n: int, d: Dossier, unit: str = UNIT) -> list[str]:
    """A dossier as a CSV row (labels, dd/mm/yyyy dates, x for yes)."""
    x = lambda flag: "x" if flag else ""  # noqa: E731
    return [
        str(n), d.code, d.procedure.code, d.procedure.name, d.applicant, d.phone, d.id_number,
        _CHANNEL_LABEL[d.channel][0], _dmy(d.received), _dmy(d.due, with_time=False),
        _dmy(d.finished), _dmy(d.returned), _STATUS_LABEL[d.status][0], _dmy(_status_at(d)),
        d.officer, unit, x(d.fully_online), x(d.digitized_input), x(d.digitized_output),
        x(d.stored), x(d.reused), _vnd(d.fee), x(d.paid_online), d.supplement_note,
    ]


def _xlsx_row(n: int, d: Dossier) -> list[object]:
    """A dossier as an XLSX row (national codes, native dates, 1/0)."""
    b = lambda flag: int(flag)  # noqa: E731
    return [
        n, d.code, d.procedure.code, d.procedure.name, d.applicant, d.phone, d.id_number,
        _CHANNEL_LABEL[d.channel][1], d.received, d.due, d.finished, d.returned,
        _STATUS_LABEL[d.status][1], _status_at(d), d.officer, UNIT, b(d.fully_online),
        b(d.digitized_input), b(d.digitized_output), b(d.stored), b(d.reused), d.fee,
        b(d.paid_online), d.supplement_note or None,
    ]


def _save_xlsx(path: Path, header: tuple[str, ...], rows: list[list[object]], title: str) -> None:
    """Write one sheet (write-only mode, fixed document times so the file is reproducible)."""
    from openpyxl import Workbook  # the demo extra's (pyproject.toml): only XLSX needs it

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    stamp = datetime(2026, 7, 1, 7, 0)
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = "motcua-bot demo"
    book.save(path)


def updated(ds: list[Dossier]) -> list[Dossier]:
    """The dossiers of the later export: the newest one awaiting a supplement now has its
    result, and the newest overdue one in process has been returned (30/06/2026 afternoon)."""
    def newest(status: str, late: bool) -> Dossier:
        """The most recently received dossier of this status (with a phone number)."""
        pool = [d for d in ds if d.status == status and d.phone and (d.due < AS_OF or not late)]
        return max(pool, key=lambda d: (d.received, d.code))

    done = AS_OF - timedelta(hours=1)
    return [
        replace(newest("supplement", late=False), status="result", finished=done),
        replace(newest("processing", late=True), status="returned", finished=done,
                returned=done + timedelta(minutes=20)),
    ]


def write_demo(
    outdir: Path, xlsx: bool = True, receipts: bool = True, units: int = 1
) -> DemoFiles:
    """Write the demo data set into outdir (created if needed); returns the file paths.

    With xlsx=False only the CSV files are written (what `motcua demo` loads); with receipts a
    few receipt images (QR code or barcode of the dossier's code) go to outdir/bien-nhan;
    units > 1 adds the other units' dossiers (bot/demo/units.py) in one CSV with the unit column.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    files = DemoFiles(
        outdir / "thu-tuc.csv", outdir / "thu-tuc.xlsx", outdir / "ho-so.csv",
        outdir / "ho-so.xlsx", outdir / "can-bo.csv", outdir / UPDATES_NAME,
    )
    procs = catalogue()
    proc_rows = [
        [p.code, p.name, p.field, _LEVEL_LABEL[p.level], p.days, p.fee_text, *details(p.code)]
        for p in procs
    ]
    with files.procedures_csv.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(PROCEDURE_HEADER)
        w.writerows([[*r[:4], f"{r[4]} ngày làm việc", *r[5:]] for r in proc_rows])
    if xlsx:
        _save_xlsx(files.procedures_xlsx, PROCEDURE_HEADER, proc_rows, "Danh mục TTHC")
    ds = dossiers()
    with files.dossiers_csv.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_HEADER)
        w.writerows(_csv_row(n, d) for n, d in enumerate(ds, 1))
    if xlsx:
        rows = [_xlsx_row(n, d) for n, d in enumerate(ds, 1)]
        _save_xlsx(files.dossiers_xlsx, XLSX_HEADER, rows, "Danh sách hồ sơ")
    with files.updates_csv.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_HEADER)
        w.writerows(_csv_row(n, d) for n, d in enumerate(updated(ds), 1))
    if receipts:
        files.receipts = write_receipts(outdir / "bien-nhan", ds, UNIT)
    with files.staff_csv.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(("Mã cán bộ", "Họ và tên", "Vai trò", "Phụ trách"))
        w.writerows(iter_staff())
    if units > 1:
        from bot.demo.units import write_units

        files.units_csv = outdir / "ho-so-cac-don-vi.csv"
        write_units(files.units_csv, units, _csv_row, ds)
    return files
