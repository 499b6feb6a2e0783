"""The CLI of importing: `motcua import [dossiers|procedures] FILE [--unit U] [--strict]` (the kind
is guessed from the file's header row when not given); runs bot/import_service.py."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import CommandError, SubCommands, run, with_context
from bot.config import load_settings
from bot.context import AppContext
from bot.import_service import run_import
from bot.import_text import summary_text
from bot.import_unit import unit_refusal
from storage.imports import ImportRefused, ImportSummary, detect_kind

KINDS = {"dossiers": "danh sách hồ sơ", "procedures": "danh mục thủ tục"}
USAGE = "motcua import [-h] [--unit ĐƠN_VỊ] [--strict] [--quiet] [dossiers|procedures] TỆP"


def register(sub: SubCommands) -> None:
    """Add the import sub-command."""
    p = sub.add_parser(
        "import", help="nhập danh sách hồ sơ hoặc danh mục thủ tục (CSV/XLSX)", usage=USAGE,
        description="Nhập một tệp CSV/XLSX. Loại tệp (dossiers: danh sách hồ sơ, procedures: "
        "danh mục thủ tục) được nhận ra từ dòng tiêu đề; có thể ghi rõ trước tên tệp.",
    )
    p.add_argument("words", nargs="+", metavar="[LOẠI] TỆP",
                   help="dossiers hoặc procedures (không bắt buộc), rồi tệp .csv (UTF-8) "
                   "hoặc .xlsx")
    p.add_argument("--unit", metavar="ĐƠN_VỊ",
                   help="tên đơn vị (mặc định: cột «Đơn vị» của tệp, rồi MOTCUA_UNIT)")
    p.add_argument(
        "--strict", action="store_true", help="không lưu gì nếu có dù chỉ một dòng lỗi"
    )
    p.add_argument("--quiet", action="store_true", help="không hiện thanh tiến độ")
    p.set_defaults(func=_import)


def kind_and_file(words: list[str]) -> tuple[str | None, Path]:
    """(kind or None to guess, file) from the positional words, or CommandError."""
    if len(words) == 1 and words[0] not in KINDS:
        return None, Path(words[0])
    if len(words) == 2 and words[0] in KINDS:
        return words[0], Path(words[1])
    if len(words) == 1:
        raise CommandError(f"Thiếu tên tệp. Cách dùng: {USAGE}", 2)
    raise CommandError(
        f"Không hiểu «{' '.join(words)}». Cách dùng: {USAGE} "
        "(loại tệp là dossiers hoặc procedures, có thể bỏ trống).", 2)


def _import(args: argparse.Namespace) -> int:
    """Run the import and print its summary; exit 1 when the file or a strict run is refused."""
    kind, path = kind_and_file(args.words)
    settings = load_settings()
    refusal = unit_refusal(settings, path, args.unit)
    if refusal is not None:
        raise CommandError(refusal, 2)
    if kind is None:
        try:
            kind = detect_kind(path)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from None
        print(f"Tệp «{path.name}» là {KINDS[kind]} (nhận ra từ dòng tiêu đề).", file=sys.stderr)

    async def body(ctx: AppContext) -> ImportSummary:
        return await run_import(
            ctx,
            path,
            kind,
            unit=args.unit,
            strict=args.strict,
            progress=not args.quiet and sys.stderr.isatty(),
        )

    try:
        summary = run(with_context(body, settings))
    except ImportRefused as exc:
        raise CommandError(str(exc)) from None
    print(summary_text(summary))
    return 0 if summary.stored else 1
