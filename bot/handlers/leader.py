"""Leaders' commands: period summaries (/quy1…/quy4, /thang, /nam, /thongke), /baocao (docx +
chart) and the unit's late dossiers by officer (/quahan)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from bot.core.cards import officer_line
from bot.core.registry import Request, Router
from bot.core.text import fold_words
from bot.core.types import Button, Reply
from bot.handlers.common import text
from bot.handlers.scope import leader_scope
from bot.stats import periods, service
from storage.dossiers import group_by_officer, unit_overdue
from storage.staff import officer_names

router = Router()

LEADERS = {"leader", "admin"}
LIST_CAP = 300
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


BAD_PERIOD = ("Kỳ báo cáo không hợp lệ. Ví dụ: /quy1 2026, /thang 03/2026, /nam 2026 hoặc "
              "/thongke 01/01/2026 31/03/2026.")


class _BadPeriod(Exception):
    """A period argument the leader typed wrongly; the message is Vietnamese."""


def _year(arg: str | None, today: date) -> int:
    """A year argument (default: this year)."""
    if arg is None:
        return today.year
    if not re.fullmatch(r"\d{4}", arg, re.ASCII) or not 2000 <= int(arg) <= 2100:
        raise _BadPeriod(f"Năm không hợp lệ. Ví dụ đúng: {today.year}.")
    return int(arg)


def _day(arg: str) -> date:
    """A day typed dd/mm/yyyy (or d-m-yyyy, yyyy-mm-dd)."""
    try:
        return periods.parse_day(arg)
    except periods.PeriodError:
        raise _BadPeriod(
            f"Ngày «{arg[:20]}» không hợp lệ; hãy viết dạng dd/mm/yyyy, ví dụ 01/01/2026."
        ) from None


def _quarter(req: Request, n: int, year_arg: str | None) -> Any:
    """The quarter n of the given (or current) year under the settings' period rule."""
    today = req.ctx.now().date()
    return periods.quarter(_year(year_arg, today), n, rule=req.ctx.settings.period_rule)


def _month(req: Request, args: list[str]) -> Any:
    """The month typed 'mm/yyyy', 'mm yyyy' or 'mm' (default: this month)."""
    today = req.ctx.now().date()
    joined = " ".join(args)
    if not joined:
        return periods.month(today.year, today.month)
    m = re.fullmatch(r"(\d{1,2})(?:\s*[/.\-\s]\s*(\d{4}))?", joined, re.ASCII)
    if not m or not 1 <= int(m[1]) <= 12:
        raise _BadPeriod("Tháng không hợp lệ. Ví dụ: /thang 03/2026")
    return periods.month(_year(m[2], today), int(m[1]))


def _range(args: list[str]) -> Any:
    """A period between two days, inclusive."""
    if len(args) != 2:
        raise _BadPeriod("Gửi /thongke <từ ngày> <đến ngày>, ví dụ: /thongke 01/01/2026 31/03/2026")
    start, end = _day(args[0]), _day(args[1])
    if end < start:
        raise _BadPeriod("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")
    if (end - start).days > 3 * 366:
        raise _BadPeriod("Khoảng thời gian tối đa là 3 năm.")
    return periods.Period(start=start, end=end, kind="range")


def _from_words(req: Request, args: list[str]) -> Any:
    """Any period the way leaders type it: 'quy1 [năm]', 'quý 1 2026', 'thang 3/2026',
    'nam 2026', two days; else the stats helper's parse_period."""
    folded = fold_words(" ".join(args)).split()
    if not folded:
        raise _BadPeriod("Gửi /baocao quy1 [năm], ví dụ: /baocao quy1 2026")
    m = re.fullmatch(r"(?:quy|q)([1-4])", folded[0])
    if m:
        return _quarter(req, int(m[1]), folded[1] if len(folded) > 1 else None)
    if folded[0] in ("quy", "q") and len(folded) > 1 and folded[1] in ("1", "2", "3", "4"):
        return _quarter(req, int(folded[1]), folded[2] if len(folded) > 2 else None)
    if folded[0] == "thang":
        return _month(req, args[1:])
    if folded[0] == "nam":
        return periods.year_period(_year(folded[1] if len(folded) > 1 else None,
                                            req.ctx.now().date()))
    if len(args) == 2 and all(re.search(r"\d", a) for a in args):
        return _range(args)
    try:
        return periods.parse_period(" ".join(args)[:100], req.ctx.now().date(),
                                    rule=req.ctx.settings.period_rule)
    except periods.PeriodError as exc:
        raise _BadPeriod(str(exc)) from exc


def _command_for(period: Any) -> str:
    """The command text that shows this period again (for the step buttons)."""
    if period.kind == "quarter":
        return f"/quy{period.number} {period.year}"
    if period.kind == "month":
        return f"/thang {period.number:02d}/{period.year}"
    if period.kind == "year":
        return f"/nam {period.year}"
    return f"/thongke {period.start:%d/%m/%Y} {period.end:%d/%m/%Y}"


def _steps(
    period: Any, today: date, command: Callable[[Any], str]
) -> tuple[tuple[Button, ...], ...]:
    """Buttons to the previous and (when it has begun) the next period, sending command(p)."""
    prev, nxt = period.previous(), period.next()
    row = [Button(f"◀ {prev.label()}", command(prev))]
    if nxt.start <= today:
        row.append(Button(f"{nxt.label()} ▶", command(nxt)))
    return (tuple(row),)


def _nav(period: Any, today: date) -> tuple[tuple[Button, ...], ...]:
    """Buttons stepping to the previous and (when it has begun) the next period's summary."""
    return _steps(period, today, _command_for)


async def _summary(req: Request, build: Any) -> list[Reply]:
    """The stats summary of the period `build()` returns, with step buttons."""
    try:
        period = build()
    except _BadPeriod as exc:
        return text(str(exc))
    except ValueError:  # Python's own message is English and internal: never shown
        return text(BAD_PERIOD)
    unit = await leader_scope(req)
    try:
        body = await service.leader_summary(req.ctx, period, unit)
    except periods.PeriodError as exc:
        return text(str(exc))
    return [Reply(text=body, buttons=_nav(period, req.ctx.now().date()))]


def _quarter_command(n: int) -> Any:
    """The handler of /quy<n> [năm]."""

    async def handler(req: Request) -> list[Reply]:
        """The summary of quarter n of the given (or current) year."""
        year = req.args[0] if req.args else None
        return await _summary(req, lambda: _quarter(req, n, year))

    handler.__name__ = f"quy{n}"
    return handler


for _n in range(1, 5):
    router.command(
        f"quy{_n}", roles=LEADERS, help=f"[năm] — Số liệu quý {_ROMAN[_n]} (mặc định năm nay)"
    )(_quarter_command(_n))


@router.command("thang", roles=LEADERS, help="[mm/yyyy] — Số liệu một tháng (mặc định tháng này)")
async def thang(req: Request) -> list[Reply]:
    """The summary of a month."""
    return await _summary(req, lambda: _month(req, req.args))


@router.command("nam", roles=LEADERS, help="[yyyy] — Số liệu cả năm (mặc định năm nay)")
async def nam(req: Request) -> list[Reply]:
    """The summary of a year."""
    today = req.ctx.now().date()
    return await _summary(req, lambda: periods.year_period(
        _year(req.args[0] if req.args else None, today)))


@router.command("thongke", "thong_ke", roles=LEADERS,
                help="<từ ngày> <đến ngày> — Số liệu một khoảng thời gian (dd/mm/yyyy)")
async def thongke(req: Request) -> list[Reply]:
    """The summary between two days."""
    return await _summary(req, lambda: _range(req.args))


@router.command("baocao", "bao_cao", roles=LEADERS,
                help="quy1 [năm] — Báo cáo .docx kèm biểu đồ (cũng nhận: thang 3/2026, nam 2026)")
async def baocao(req: Request) -> list[Reply]:
    """The .docx report and its chart for a period."""
    try:
        period = _from_words(req, req.args)
    except _BadPeriod as exc:
        return text(str(exc))
    except ValueError:  # Python's own message is English and internal: never shown
        return text(BAD_PERIOD)
    unit = await leader_scope(req)
    try:
        empty = await service.no_data_note(req.ctx, await service.compute_figures(
            req.ctx, period, unit))
        if empty is not None:  # no report of zeros (issue 18)
            return [Reply(text=empty, buttons=_nav_report(period, req.ctx.now().date()))]
        docx, png = await service.report_files(req.ctx, period, unit)
        summary = await service.leader_summary(req.ctx, period, unit)
    except periods.PeriodError as exc:
        return text(str(exc))
    slug = fold_words(period.label()).replace(" ", "-")
    label = period.label()
    return [
        Reply(text=f"Báo cáo {label}", document=docx, filename=f"bao-cao-{slug}.docx",
              fallback=summary),
        Reply(text=f"Biểu đồ {label}", image=png, filename=f"bieu-do-{slug}.png",
              buttons=_nav_report(period, req.ctx.now().date())),
    ]


def _words_for(period: Any) -> str:
    """The /baocao arguments that designate this period ("quy1 2026", "01/01/2026 31/03/2026")."""
    return _command_for(period).removeprefix("/").removeprefix("thongke ")


def _nav_report(period: Any, today: date) -> tuple[tuple[Button, ...], ...]:
    """Buttons for the previous and (when it has begun) the next period's report."""
    return _steps(period, today, lambda p: f"/baocao {_words_for(p)}")


@router.command("quahan", "qua_han", roles=LEADERS,
                help="— Hồ sơ quá hạn của cả đơn vị, theo từng cán bộ")
async def quahan_unit(req: Request) -> list[Reply]:
    """The unit's late dossiers grouped by officer."""
    today = req.ctx.now().date()
    unit = await leader_scope(req)
    rows = await unit_overdue(req.ctx.db, unit, today, LIST_CAP + 1)
    if not rows:
        return text("Đơn vị không có hồ sơ quá hạn.")
    names = await officer_names(req.ctx.db, unit)
    shown = rows[:LIST_CAP]
    groups = group_by_officer(shown)
    lines = [f"Hồ sơ quá hạn của đơn vị: {len(shown)}{'+' if len(rows) > LIST_CAP else ''} hồ sơ, "
             f"{len(groups)} cán bộ (tính đến {today:%d/%m/%Y})."]
    for code, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        who = f"{code} — {names[code]}" if code in names else (code or "Chưa phân công")
        lines.append(f"\n{who}: {len(items)} hồ sơ")
        lines += [officer_line(d, today, req.ctx.calendar) for d in items]
    if len(rows) > LIST_CAP:
        lines.append(f"\n… danh sách chỉ hiển thị {LIST_CAP} hồ sơ đầu.")
    return text("\n".join(lines))
