"""Officers' commands: /quahan (my overdue), /sapden [n] (due soon), /hosocuatoi (paged)."""

from __future__ import annotations

from bot.core.cards import officer_line
from bot.core.numbers import number_arg
from bot.core.registry import Request, Router
from bot.core.types import Button, Reply
from bot.handlers.common import own_unit, text
from storage.dossiers import officer_due_soon, officer_open, officer_overdue

router = Router()

PAGE = 10
LIST_CAP = 100
NO_CODE = ("Tài khoản của bạn chưa gắn mã cán bộ nên bot chưa biết hồ sơ nào do bạn xử lý. "
           "Xin quản trị viên cấp lại mã mời có mã cán bộ (ví dụ CB01).")


def _capped(header: str, lines: list[str], more: int) -> str:
    """A list message with a note when it was cut."""
    body = [header, *lines]
    if more > 0:
        body.append(f"… và {more} hồ sơ khác.")
    return "\n".join(body)


@router.command("quahan", "qua_han", roles={"officer"},
                help="— Hồ sơ quá hạn của bạn (cũ nhất trước)")
async def quahan(req: Request) -> list[Reply]:
    """This officer's overdue dossiers, oldest first."""
    if req.staff is None or not req.staff.officer_code:
        return text(NO_CODE)
    today = req.ctx.now().date()
    unit = await own_unit(req)
    rows = await officer_overdue(req.ctx.db, req.staff.officer_code, today, unit, LIST_CAP + 1)
    if not rows:
        return text("Bạn không có hồ sơ quá hạn.")
    shown = rows[:LIST_CAP]
    lines = [officer_line(d, today, req.ctx.calendar) for d in shown]
    header = f"Hồ sơ quá hạn của bạn ({len(shown)}):"
    return text(_capped(header, lines, len(rows) - len(shown)))


@router.command("sapden", "sap_den", roles={"officer", "leader"},
                help="[n] — Hồ sơ đến hạn trong n ngày làm việc tới (mặc định 2)")
async def sapden(req: Request) -> list[Reply]:
    """This officer's dossiers due within n working days."""
    if req.staff is None or not req.staff.officer_code:
        return text(NO_CODE)
    n = 2
    if req.args:
        days = number_arg(req.args[0], 2)
        if days is None or not 0 <= days <= 30:
            return text("Số ngày phải là số từ 0 đến 30, ví dụ: /sapden 3")
        n = days
    today = req.ctx.now().date()
    until = req.ctx.calendar.add_working_days(today, n)
    unit = await own_unit(req)
    rows = await officer_due_soon(req.ctx.db, req.staff.officer_code, today, until, unit,
                                  LIST_CAP + 1)
    if not rows:
        return text(f"Không có hồ sơ nào đến hạn trong {n} ngày làm việc tới "
                    f"(đến hết ngày {until:%d/%m/%Y}).")
    shown = rows[:LIST_CAP]
    lines = [officer_line(d, today, req.ctx.calendar) for d in shown]
    return text(_capped(f"Hồ sơ đến hạn đến hết ngày {until:%d/%m/%Y} ({len(shown)}):", lines,
                        len(rows) - len(shown)))


async def _page(req: Request, offset: int) -> list[Reply]:
    """One page of this officer's open dossiers with previous/next buttons."""
    if req.staff is None or not req.staff.officer_code:
        return text(NO_CODE)
    today = req.ctx.now().date()
    unit = await own_unit(req)
    rows, total = await officer_open(req.ctx.db, req.staff.officer_code, max(offset, 0), PAGE, unit)
    if total == 0:
        return text("Bạn không có hồ sơ nào đang giải quyết.")
    if not rows:
        offset = max(0, (total - 1) // PAGE * PAGE)
        rows, total = await officer_open(req.ctx.db, req.staff.officer_code, offset, PAGE, unit)
    pages = (total + PAGE - 1) // PAGE
    header = f"Hồ sơ đang giải quyết của bạn: {total} hồ sơ — trang {offset // PAGE + 1}/{pages}"
    lines = [officer_line(d, today, req.ctx.calendar) for d in rows]
    nav: list[Button] = []
    if offset > 0:
        nav.append(Button("◀ Trang trước", f"hs:{max(offset - PAGE, 0)}"))
    if offset + PAGE < total:
        nav.append(Button("Trang sau ▶", f"hs:{offset + PAGE}"))
    return [Reply(text="\n".join([header, *lines]), buttons=(tuple(nav),) if nav else ())]


@router.command("hosocuatoi", "ho_so_cua_toi", roles={"officer", "leader"},
                help="— Các hồ sơ bạn đang giải quyết (có nút chuyển trang)")
async def hosocuatoi(req: Request) -> list[Reply]:
    """The first page of this officer's open dossiers."""
    offset = 0
    page = number_arg(req.args[0], 6) if req.args else None
    if page is not None:
        offset = (max(page, 1) - 1) * PAGE
    return await _page(req, offset)


@router.button_prefix("hs", roles={"officer", "leader"})
async def hosocuatoi_page(req: Request) -> list[Reply]:
    """A page button of /hosocuatoi (data 'hs:<offset>')."""
    offset = number_arg(req.args[0] if req.args else "0", 8) or 0
    return await _page(req, offset)
