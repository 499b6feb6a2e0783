"""`motcua backup FILE` and `motcua restore FILE [--force]`."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from bot.commands.common import CommandError
from bot.config import load_settings
from storage.backup import backup, has_data, is_store, restore


def register(sub: argparse._SubParsersAction) -> None:
    """Add the backup and restore sub-commands."""
    p = sub.add_parser("backup", help="sao lưu kho dữ liệu (an toàn khi bot đang chạy)")
    p.add_argument("file", type=Path, help="tệp sao lưu sẽ ghi")
    p.set_defaults(func=_backup)
    p = sub.add_parser("restore", help="khôi phục kho dữ liệu từ tệp sao lưu")
    p.add_argument("file", type=Path, help="tệp sao lưu")
    p.add_argument("--force", action="store_true", help="ghi đè cả khi kho đang có dữ liệu")
    p.set_defaults(func=_restore)


def _backup(args: argparse.Namespace) -> int:
    """Back up the store named by MOTCUA_DB_PATH into args.file."""
    settings = load_settings()
    if not is_store(settings.db_path):
        raise CommandError(f"Không tìm thấy kho dữ liệu tại {settings.db_path}.")
    try:
        pages = backup(settings.db_path, args.file)
    except (sqlite3.Error, OSError) as exc:
        raise CommandError(f"Sao lưu thất bại: {exc}") from exc
    print(f"Đã sao lưu {settings.db_path} → {args.file} ({pages} trang).")
    return 0


def _restore(args: argparse.Namespace) -> int:
    """Restore args.file into the store, refusing to overwrite data without --force."""
    settings = load_settings()
    if not args.file.exists() or not is_store(args.file):
        raise CommandError(f"{args.file} không phải tệp sao lưu của motcua-bot.")
    if has_data(settings.db_path) and not args.force:
        raise CommandError(
            f"Kho {settings.db_path} đang có dữ liệu; thêm --force để ghi đè "
            "(nên sao lưu kho hiện tại trước)."
        )
    try:
        pages = restore(args.file, settings.db_path)
    except (sqlite3.Error, OSError) as exc:
        raise CommandError(f"Khôi phục thất bại: {exc}") from exc
    print(f"Đã khôi phục {args.file} → {settings.db_path} ({pages} trang).")
    return 0
