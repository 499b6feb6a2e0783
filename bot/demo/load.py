"""Load the demo data set into an empty store, add its staff, and describe a short tour."""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot.context import AppContext
from bot.demo.generate import AS_OF, iter_staff
from bot.demo.write import UNIT, UPDATES_NAME, write_demo
from bot.import_service import store_file
from storage import dossiers_demo
from storage.units import ensure_unit


class DemoRefused(Exception):
    """The store already holds other data; the message says what to do, in Vietnamese."""


def refusal(path: Path) -> str:
    """The one line refusing a store that is not the demo's own."""
    return (
        f"«motcua demo» chỉ mở kho dữ liệu mẫu của riêng nó; kho {path} đã có dữ liệu khác nên "
        "không được dùng (bỏ MOTCUA_DB_PATH để dùng kho mẫu ./data/demo.db)."
    )


def updates_path(ctx: AppContext) -> Path:
    """Where the demo keeps its later export (ho-so-cap-nhat.csv): beside its store."""
    return Path(ctx.settings.db_path).parent / UPDATES_NAME


def demo_clock(start: datetime | None = None) -> Callable[[], datetime]:
    """A clock that starts at the demo's "today" (30/06/2026 17:00) and runs on from there."""
    import time as _time

    origin = _time.monotonic()
    base = (start or AS_OF).replace(tzinfo=None)

    def now() -> datetime:
        from datetime import timedelta
        from zoneinfo import ZoneInfo

        moment = base + timedelta(seconds=_time.monotonic() - origin)
        return moment.replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

    return now


async def load_demo(ctx: AppContext, units: int = 1) -> str:
    """Load the demo into the store when it is empty and mark the store as the demo's;
    reuse a store so marked; refuse any other (DemoRefused). Returns what was done.

    units > 1 adds the other demo units (bot/demo/units.py) with the same catalogue."""
    if await dossiers_demo.is_demo(ctx.db):
        return f"Dùng lại kho dữ liệu mẫu xã Kẻ Sắt ({ctx.settings.db_path})."
    if not await ctx.db.is_empty():
        raise DemoRefused(refusal(ctx.settings.db_path))
    with tempfile.TemporaryDirectory(prefix="motcua-demo-") as tmp:
        files = write_demo(Path(tmp), xlsx=False, receipts=False, units=units)
        procs = await store_file(ctx, files.procedures_csv, "procedures", unit=UNIT)
        ds = await store_file(ctx, files.dossiers_csv, "dossiers", unit=UNIT)
        others = await _load_units(ctx, files.procedures_csv, files.units_csv, units)
        shutil.copyfile(files.updates_csv, updates_path(ctx))
    await _add_staff(ctx)
    await dossiers_demo.mark_demo(ctx.db)
    return (
        f"Đã nạp dữ liệu mẫu «{UNIT}»: {procs.inserted} thủ tục, {ds.inserted} hồ sơ "
        f"(01/10/2025 – 30/06/2026), {len(list(iter_staff()))} cán bộ.{others}"
    )


async def _load_units(ctx: AppContext, procedures: Path, dossiers_csv: Path | None,
                      units: int) -> str:
    """Import the other demo units (catalogue per unit, then their dossiers); a summary line."""
    if units < 2 or dossiers_csv is None:
        return ""
    from bot.demo.units import unit_name

    for k in range(2, units + 1):
        await store_file(ctx, procedures, "procedures", unit=unit_name(k))
    ds = await store_file(ctx, dossiers_csv, "dossiers")
    return f"\nThêm {units - 1} đơn vị mẫu khác: {ds.inserted} hồ sơ (để thử /xephang, /xuhuong)."


async def _add_staff(ctx: AppContext) -> None:
    """Add the demo's officers and leaders as staff members (not linked to any chat)."""
    try:
        from storage.staff import create_staff
    except ImportError:  # the staff tables come with the chat core
        return
    unit_id = await ensure_unit(ctx.db, UNIT)
    for code, name, role, _field in iter_staff():
        await create_staff(
            ctx.db, unit_id=unit_id, name=name, role=role, officer_code=code, now=ctx.now()
        )


def _first_update(path: Path) -> tuple[str, str] | None:
    """(code, phone's last 4) of the first dossier of the demo's later export, if present."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                return row["Mã hồ sơ"], row["Số điện thoại"][-4:]
    except (OSError, KeyError):
        return None
    return None


async def tour(ctx: AppContext) -> str:
    """A short Vietnamese tour with real demo codes and their last 4 digits."""
    samples = await dossiers_demo.tour_samples(ctx.db)
    lines = [
        "Thử ngay (dữ liệu mẫu tính đến 30/06/2026):",
        "• Người dân: gửi /tracuu kèm mã hồ sơ, hoặc chỉ gửi mã:",
    ]
    for label, code, last4 in samples:
        lines.append(f"    {label}: /tracuu {code} {last4}   (4 số cuối SĐT: {last4})")
    follow = _first_update(updates_path(ctx))
    if follow is not None:
        lines += [
            f"• Theo dõi: /theodoi {follow[0]} {follow[1]} — rồi /as admin và "
            f"/tep {updates_path(ctx)} (hoặc ở cửa sổ khác: "
            f"MOTCUA_DB_PATH={ctx.settings.db_path} motcua import {updates_path(ctx)}): "
            "tin báo hồ sơ đổi trạng thái hiện ngay tại đây.",
        ]
    lines += [
        "• /thutuc khai sinh — tìm thủ tục;  /huongdan — hướng dẫn",
        "• /as officer — đóng vai cán bộ: /quahan, /sapden, /hosocuatoi",
        "• /as leader — đóng vai lãnh đạo: /quy1 2026 (đúng số liệu báo cáo Quý I), "
        "/baocao quy1 2026, /quahan",
        "• /as admin — quản trị: /nhanvien, /moi;  /as citizen — trở lại người dân",
        "• /thoat — thoát",
    ]
    return "\n".join(lines)
