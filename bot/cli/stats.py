"""`motcua stats` (figures of a period as text or JSON) and `motcua report` (.docx and chart)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from bot.cli.common import CommandError, SubCommands, run, with_context
from bot.config import Settings, load_settings
from bot.context import AppContext
from bot.core.numbers import number_arg
from bot.stats.periods import (
    Period,
    PeriodError,
    check_not_future,
    current_quarter,
    date_range,
    fold,
    month,
    parse_day,
    parse_period,
    quarter,
    year_period,
)
from storage.units import list_units


def _period_options(p: argparse.ArgumentParser) -> None:
    """The options choosing the period and the unit, shared by stats and report."""
    g = p.add_argument_group("kỳ báo cáo (mặc định: quý hiện tại)")
    g.add_argument("--quarter", type=int, metavar="Q", help="quý 1–4 (với --year)")
    g.add_argument("--month", type=int, metavar="M", help="tháng 1–12 (với --year)")
    g.add_argument("--year", type=int, metavar="YYYY", help="năm (chỉ ghi năm: cả năm)")
    g.add_argument("--from", dest="date_from", metavar="NGÀY",
                   help="từ ngày (yyyy-mm-dd hoặc dd/mm/yyyy)")
    g.add_argument("--to", dest="date_to", metavar="NGÀY", help="đến ngày (cùng với --from)")
    g.add_argument("--period", metavar="KỲ", help='kỳ viết tự do: "quý 1 2026", "tháng 3/2026"…')
    p.add_argument("--unit", metavar="ĐƠN_VỊ", help="mã số hoặc tên đơn vị (mặc định: tất cả)")


def register(sub: SubCommands) -> None:
    """Add the stats and report sub-commands."""
    p = sub.add_parser("stats", help="số liệu báo cáo của một kỳ (quý, tháng, năm, khoảng ngày)")
    _period_options(p)
    p.add_argument("--json", action="store_true", help="in JSON (khóa theo figures.md)")
    p.add_argument("--plain", action="store_true",
                   help="chỉ in số liệu, không kèm so sánh, thủ tục, cán bộ, đơn vị")
    p.add_argument("--index", action="store_true",
                   help="ước tính Chỉ số phục vụ (Bộ chỉ số 766); mặc định tháng này")
    p.set_defaults(func=_stats)
    p = sub.add_parser("report", help="xuất báo cáo Word (.docx) và biểu đồ (.png) của một kỳ")
    _period_options(p)
    p.add_argument("--out", type=Path, required=True, metavar="TỆP.docx", help="tệp báo cáo")
    p.add_argument("--chart", type=Path, metavar="TỆP.png", help="ghi thêm biểu đồ PNG")
    p.set_defaults(func=_report)


def period_from_args(args: argparse.Namespace, today: date, rule: str) -> Period:
    """The period the options name (PeriodError, or CommandError for conflicting options)."""
    given = [n for n in ("quarter", "month", "date_from", "date_to", "period")
             if getattr(args, n, None) is not None]  # fmt: skip
    both = args.quarter is not None and args.month is not None
    if ("period" in given and len(given) > 1) or both:
        raise CommandError("Chỉ chọn một kỳ: --quarter, --month, --from/--to hoặc --period.", 2)
    if (args.date_from is None) != (args.date_to is None):
        raise CommandError("Cần cả --from và --to (ví dụ --from 2026-01-01 --to 2026-03-31).", 2)
    if args.date_from is not None and (args.quarter or args.month or args.year):
        raise CommandError("--from/--to không dùng cùng --quarter, --month hay --year.", 2)
    if args.period is not None:
        if args.year is not None:
            raise CommandError("--period không dùng cùng --year.", 2)
        return parse_period(args.period, today, rule)
    if args.date_from is not None:
        period = date_range(parse_day(args.date_from), parse_day(args.date_to))
    elif args.quarter is not None:
        period = quarter(args.year or today.year, args.quarter, rule)
    elif args.month is not None:
        period = month(args.year or today.year, args.month)
    elif args.year is not None:
        period = year_period(args.year)
    else:
        period = current_quarter(today, rule)
    check_not_future(period, today)
    return period


async def resolve_unit(ctx: AppContext, text: str | None) -> int | None:
    """The unit id for --unit (an id, or an exact or unique partial name); None for all."""
    if text is None:
        return None
    units = await list_units(ctx.db)
    number = number_arg(text)
    if number is not None and number in {u for u, _ in units}:
        return number
    wanted = fold(text)
    exact = [u for u, name in units if fold(name) == wanted]
    partial = [u for u, name in units if wanted in fold(name)]
    if exact or len(partial) == 1:
        return (exact or partial)[0]
    names = "; ".join(f"{u}: {n}" for u, n in units[:20]) or "kho chưa có đơn vị nào"
    if len(partial) > 1:
        raise CommandError(f"«{text}» khớp nhiều đơn vị, hãy ghi rõ hơn. Các đơn vị: {names}.")
    raise CommandError(f"Không có đơn vị «{text}». Các đơn vị: {names}.")


DEMO_STORE = Path("data/demo.db")


DEMO_NOTE = " (kho mẫu của «motcua demo»: hôm nay là ngày 30/06/2026)"


def _clock(settings: Settings) -> Callable[[], datetime] | None:
    """The demo's clock (30/06/2026 17:00) on the demo's own SQLite store, else the wall clock
    (a PostgreSQL store is asked once open: _demo_on_pg)."""
    from bot.demo.load import demo_clock
    from storage.dossiers_demo import store_state

    if not settings.store_is_file:
        return None
    return demo_clock() if store_state(settings.store_path) == "demo" else None


async def _demo_on_pg(ctx: AppContext) -> None:
    """On PostgreSQL, a store copied from the demo's keeps its mark: the demo's clock then too;
    says which store is used."""
    from bot.demo.load import demo_clock
    from storage.dossiers_demo import is_demo

    if ctx.db.engine != "postgresql":
        return
    demo = await is_demo(ctx.db)
    if demo:
        ctx.clock = demo_clock()
    print(f"Kho dữ liệu: {ctx.db.url}{DEMO_NOTE if demo else ''}", file=sys.stderr)


def _settings() -> Settings:
    """The settings, refusing when the SQLite store does not exist yet; says which is used."""
    settings = load_settings()
    if not settings.store_is_file:
        return settings
    path = settings.store_path
    if not path.exists():
        hint = "hãy nhập dữ liệu trước: motcua import TỆP"
        if DEMO_STORE.exists() and path.resolve() != DEMO_STORE.resolve():
            hint = (f"kho dữ liệu mẫu của «motcua demo» là {DEMO_STORE}: chạy "
                    f"MOTCUA_DB_PATH={DEMO_STORE} motcua …, hoặc {hint}")
        raise CommandError(f"Không tìm thấy kho dữ liệu tại {path} ({hint}).")
    demo = DEMO_NOTE if _clock(settings) else ""
    print(f"Kho dữ liệu: {path}{demo}", file=sys.stderr)
    return settings


def _stats(args: argparse.Namespace) -> int:
    """Print the figures of the period (text summary or JSON)."""
    from bot.stats.render_text import summary_text
    from bot.stats.service import compute_figures, figures_to_json, leader_summary, no_data_note

    async def body(ctx: AppContext) -> str:
        await _demo_on_pg(ctx)
        try:
            if args.index and _no_period(args):
                args.month, args.year = ctx.now().month, ctx.now().year
            period = period_from_args(args, ctx.now().date(), ctx.settings.period_rule)
        except PeriodError as exc:
            raise CommandError(str(exc), 2) from None
        unit_id = await resolve_unit(ctx, args.unit)
        if args.index:
            return await index_output(ctx, period, unit_id, args.json)
        if args.json:
            fig = await compute_figures(ctx, period, unit_id)
            note = await no_data_note(ctx, fig)
            if note is not None:  # the JSON stays whole; the note goes to stderr
                print(note, file=sys.stderr)
            return json.dumps(figures_to_json(fig), ensure_ascii=False, indent=2)
        if args.plain:
            fig = await compute_figures(ctx, period, unit_id)
            return await no_data_note(ctx, fig) or summary_text(fig)
        return await leader_summary(ctx, period, unit_id)

    settings = _settings()
    print(run(with_context(body, settings, clock=_clock(settings))))
    return 0


def _no_period(args: argparse.Namespace) -> bool:
    """True when no option chooses the period."""
    names = ("quarter", "month", "year", "date_from", "date_to", "period")
    return all(getattr(args, n, None) is None for n in names)


async def index_output(ctx: AppContext, period: Period, unit_id: int | None,
                       as_json: bool) -> str:
    """The service-index estimate of the period as text or JSON."""
    from bot.stats.index_service import compute_index
    from bot.stats.render_index import index_json, index_text

    est = await compute_index(ctx, period, None if unit_id is None else [unit_id])
    if as_json:
        return json.dumps(index_json(est), ensure_ascii=False, indent=2)
    return index_text(est)


def _report(args: argparse.Namespace) -> int:
    """Write the Word report (and the chart when asked); refuse a period without data."""
    from bot.stats.service import compute_figures, no_data_note, report_files

    async def body(ctx: AppContext) -> tuple[bytes, bytes, str]:
        await _demo_on_pg(ctx)
        try:
            period = period_from_args(args, ctx.now().date(), ctx.settings.period_rule)
        except PeriodError as exc:
            raise CommandError(str(exc), 2) from None
        unit_id = await resolve_unit(ctx, args.unit)
        note = await no_data_note(ctx, await compute_figures(ctx, period, unit_id))
        if note is not None:
            raise CommandError(note)
        docx, png = await report_files(ctx, period, unit_id)
        return docx, png, period.label()

    settings = _settings()
    docx, png, label = run(with_context(body, settings, clock=_clock(settings)))
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(docx)
        if args.chart is not None:
            args.chart.parent.mkdir(parents=True, exist_ok=True)
            args.chart.write_bytes(png)
    except OSError as exc:
        raise CommandError(f"Không ghi được tệp: {exc}") from exc
    print(f"Đã ghi báo cáo {label} vào {args.out}.")
    if args.chart is not None:
        print(f"Đã ghi biểu đồ vào {args.chart}.")
    return 0
