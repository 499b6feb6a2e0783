"""`motcua import dossiers|procedures FILE [--unit U] [--strict]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.commands.common import CommandError, run, with_context
from bot.context import AppContext
from bot.imports import run_import
from storage.importer import ImportRefused


def register(sub: argparse._SubParsersAction) -> None:
    """Add the import sub-command."""
    p = sub.add_parser("import", help="nhập danh sách hồ sơ hoặc danh mục thủ tục (CSV/XLSX)")
    p.add_argument("kind", choices=["dossiers", "procedures"], help="dossiers | procedures")
    p.add_argument("file", type=Path, help="tệp .csv (UTF-8) hoặc .xlsx")
    p.add_argument("--unit", help="tên đơn vị (mặc định: MOTCUA_UNIT)")
    p.add_argument(
        "--strict", action="store_true", help="không lưu gì nếu có dù chỉ một dòng lỗi"
    )
    p.add_argument("--quiet", action="store_true", help="không hiện thanh tiến độ")
    p.set_defaults(func=_import)


def _import(args: argparse.Namespace) -> int:
    """Run the import and print its summary; exit 1 when the file or a strict run is refused."""

    async def body(ctx: AppContext):  # type: ignore[no-untyped-def]
        return await run_import(
            ctx,
            args.file,
            args.kind,
            unit=args.unit,
            strict=args.strict,
            progress=not args.quiet and sys.stderr.isatty(),
        )

    try:
        summary = run(with_context(body))
    except ImportRefused as exc:
        raise CommandError(str(exc)) from None
    print(summary.text())
    return 0 if summary.stored else 1
