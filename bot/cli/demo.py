"""`motcua demo-data OUTDIR` (write the demo files) and `motcua demo` (load them and chat)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import CommandError, SubCommands, holding_store, run
from bot.config import Settings, load_settings
from bot.context import AppContext
from bot.demo.load import DemoRefused, demo_clock, load_demo, refusal, tour
from bot.demo.write import UNIT, write_demo
from storage.dossiers_demo import store_state

DEMO_DB = Path("./data/demo.db")


def register(sub: SubCommands) -> None:
    """Add the demo-data and demo sub-commands."""
    p = sub.add_parser("demo-data", help="ghi bộ dữ liệu mẫu xã Kẻ Sắt (CSV và XLSX)")
    p.add_argument("--units", type=int, default=1, metavar="N",
                   help="thêm N−1 đơn vị mẫu khác (2–150) để thử xếp hạng")
    p.add_argument("outdir", type=Path, metavar="THƯ_MỤC", help="thư mục sẽ ghi")
    p.set_defaults(func=_demo_data)
    p = sub.add_parser(
        "demo", help="nạp dữ liệu mẫu vào kho trống và chạy bot (cửa sổ chat khi chưa có token)"
    )
    p.add_argument("--no-chat", action="store_true", help="chỉ nạp dữ liệu và in hướng dẫn")
    p.add_argument("--units", type=int, default=1, metavar="N",
                   help="nạp thêm N−1 đơn vị mẫu khác (2–150) để thử xếp hạng")
    p.set_defaults(func=_demo)


def _demo_data(args: argparse.Namespace) -> int:
    """Write the demo files and say where."""
    _check_units(args.units)
    try:
        files = write_demo(args.outdir, units=args.units)
    except OSError as exc:
        raise CommandError(f"Không ghi được vào {args.outdir}: {exc.strerror}.") from None
    except ModuleNotFoundError as exc:
        if exc.name != "openpyxl":
            raise
        raise CommandError(
            "Cần gói openpyxl để ghi các tệp XLSX mẫu: trong thư mục mã nguồn, chạy "
            'pip install -c constraints.txt -e ".[demo]" rồi thử lại.'
        ) from None
    print(f"Đã ghi dữ liệu mẫu vào {args.outdir}:")
    for name in ("procedures_csv", "procedures_xlsx", "dossiers_csv", "dossiers_xlsx", "staff_csv",
                 "updates_csv"):
        print(f"  {getattr(files, name)}")
    for receipt in files.receipts:
        print(f"  {receipt.path}  (biên nhận, mã hồ sơ {receipt.code}; thử: /anh {receipt.path})")
    print(
        f"Nạp vào kho: motcua import {files.procedures_csv} --unit \"{UNIT}\" && motcua "
        f"import {files.dossiers_csv} (danh mục thủ tục không có cột «Đơn vị»; sau đó "
        f"{files.updates_csv.name}: một lần xuất sau, vài hồ sơ đổi trạng thái)"
    )
    if files.units_csv is not None:
        from bot.demo.units import unit_name

        print(f"  {files.units_csv}\nCác đơn vị khác: với mỗi đơn vị, motcua import procedures "
              f"{files.procedures_csv} --unit \"<tên đơn vị>\" (ví dụ «{unit_name(2)}»), rồi "
              f"motcua import dossiers {files.units_csv}. Hoặc gọn hơn: motcua demo --units "
              f"{args.units}.")
    return 0


def _check_units(units: int) -> None:
    """Refuse a number of demo units outside 1–150."""
    from bot.demo.units import MAX_UNITS

    if not 1 <= units <= MAX_UNITS:
        raise CommandError(f"--units phải từ 1 đến {MAX_UNITS}.", 2)


def demo_settings() -> Settings:
    """The settings, with the store at ./data/demo.db unless MOTCUA_DB_PATH says otherwise, and
    the demo's own commune as the unit. The demo keeps its own SQLite file whatever
    MOTCUA_DATABASE_URL says (it resets and reloads its store: never a shared database)."""
    settings = load_settings()
    update: dict[str, object] = {"unit": UNIT, "database_url": None}
    if settings.database_url:
        print("«motcua demo» dùng kho SQLite riêng của nó, không dùng MOTCUA_DATABASE_URL. "
              "Để thử trên PostgreSQL: chạy demo, rồi «motcua store copy "
              f"{settings.db_path if 'db_path' in settings.model_fields_set else DEMO_DB} "
              "postgresql://…».", file=sys.stderr)
    if "db_path" not in settings.model_fields_set:
        update["db_path"] = DEMO_DB
    return settings.model_copy(update=update)


def _demo(args: argparse.Namespace) -> int:
    """Load the demo (into an empty store) and start the bot on it."""
    settings = demo_settings()
    _check_units(args.units)
    if store_state(Path(settings.db_path)) == "other":  # checked before opening: no migration
        raise CommandError(refusal(settings.db_path))

    async def body() -> None:
        ctx = await AppContext.open(settings, clock=demo_clock(), demo=True)
        try:
            print(await load_demo(ctx, args.units))
            print(await tour(ctx))
            if args.no_chat:
                return
            from bot.runner import run_bot

            await run_bot(ctx, demo=True)
        finally:
            await ctx.close()

    try:
        with holding_store(  # no reset or load under a running bot
            settings.db_path, "motcua demo",
            busy="Kho {store} đang được {holder} dùng; hãy dừng bot đó trước.",
            failed="Không chạy được demo",
        ):
            run(body())
    except DemoRefused as exc:
        raise CommandError(str(exc)) from None
    return 0
