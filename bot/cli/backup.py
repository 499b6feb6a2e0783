"""`motcua backup FILE [--force]` and `motcua restore FILE [--force]`."""

from __future__ import annotations

import argparse
import errno
import sqlite3
from pathlib import Path

from bot.cli.common import CommandError, SubCommands, holding_store
from bot.config import Settings, load_settings
from storage.backup import (
    SameFile,
    backup,
    check_distinct,
    has_data,
    is_store,
    megabytes,
    restore,
)

_ERRNO = {
    errno.EACCES: "không có quyền ghi hoặc đọc",
    errno.EPERM: "không có quyền ghi hoặc đọc",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.ENOENT: "không có thư mục này",
    errno.EISDIR: "đó là một thư mục",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EEXIST: "một phần của đường dẫn không phải thư mục",
}


def register(sub: SubCommands) -> None:
    """Add the backup and restore sub-commands."""
    p = sub.add_parser("backup", help="sao lưu kho dữ liệu (an toàn khi bot đang chạy)")
    p.add_argument("file", type=Path, help="tệp sao lưu sẽ ghi")
    p.add_argument("--force", action="store_true", help="ghi đè tệp sao lưu đã có")
    p.set_defaults(func=_backup)
    p = sub.add_parser("restore", help="khôi phục kho dữ liệu từ tệp sao lưu (khi bot đã dừng)")
    p.add_argument("file", type=Path, help="tệp sao lưu")
    p.add_argument("--force", action="store_true", help="ghi đè cả khi kho đang có dữ liệu")
    p.set_defaults(func=_restore)


def _reason(exc: Exception) -> str:
    """Why a copy failed, in Vietnamese (never an exception's name)."""
    if isinstance(exc, OSError):
        code = errno.errorcode.get(exc.errno or 0, "không rõ mã")
        return _ERRNO.get(exc.errno or 0, f"lỗi hệ thống tệp {code}")
    return f"SQLite báo: {exc}"


def file_store(settings: Settings, command: str) -> Path:
    """The SQLite file of the store; on PostgreSQL a CommandError pointing to its own tools."""
    if settings.store_is_file:
        return settings.store_path
    tool = "pg_dump" if command == "backup" else "pg_restore"
    raise CommandError(
        f"«motcua {command}» chỉ dùng cho kho SQLite; kho đang dùng là PostgreSQL "
        f"(MOTCUA_DATABASE_URL): hãy dùng {tool} của PostgreSQL, ví dụ «pg_dump -Fc -f "
        "motcua.dump TÊN_CSDL» để sao lưu và «pg_restore --clean -d TÊN_CSDL motcua.dump» để "
        "khôi phục (xem docs/deploy.md).", 2)


def _backup(args: argparse.Namespace) -> int:
    """Back up the SQLite store into args.file (a new file unless --force)."""
    settings = load_settings()
    source, target = file_store(settings, "backup"), args.file
    if not is_store(source):
        raise CommandError(f"Không tìm thấy kho dữ liệu tại {source}.")
    if target.is_dir():
        raise CommandError(f"{target} là một thư mục; hãy ghi rõ tên tệp sao lưu, ví dụ "
                           f"{target / 'motcua-sao-luu.db'}.")
    try:
        check_distinct(source, target)
    except SameFile:
        raise CommandError(
            f"{target} chính là kho dữ liệu đang dùng ({source}) hoặc tệp đi kèm của nó; "
            "hãy sao lưu sang một tệp khác."
        ) from None
    if target.exists() and not args.force:
        raise CommandError(f"Tệp {target} đã có; thêm --force để ghi đè, hoặc chọn tên khác.")
    try:
        size = backup(source, target)
    except (sqlite3.Error, OSError) as exc:
        raise CommandError(
            f"Sao lưu thất bại ({_reason(exc)}); kho {source} không bị thay đổi."
        ) from None
    print(f"Đã sao lưu {source} → {target} ({megabytes(size)}).")
    return 0


def _restore(args: argparse.Namespace) -> int:
    """Restore args.file into the store, unless a bot holds it; data is kept without --force."""
    settings = load_settings()
    source, target = args.file, file_store(settings, "restore")
    if not is_store(source):
        raise CommandError(f"{source} không phải tệp sao lưu của motcua-bot.")
    try:
        check_distinct(source, target)
    except SameFile:
        raise CommandError(
            f"{source} chính là kho dữ liệu đang dùng ({target}); hãy chọn tệp sao lưu."
        ) from None
    try:
        with holding_store(
            target, "motcua restore",
            busy="Kho {store} đang được {holder} dùng; hãy dừng bot rồi khôi phục.",
            failed="Không khôi phục được",
        ):
            if has_data(target) and not args.force:
                raise CommandError(
                    f"Kho {target} đang có dữ liệu; thêm --force để ghi đè "
                    "(nên sao lưu kho hiện tại trước)."
                )
            size = restore(source, target)
    except (sqlite3.Error, OSError) as exc:
        raise CommandError(
            f"Khôi phục thất bại ({_reason(exc)}); kho {target} vẫn giữ nguyên."
        ) from None
    print(f"Đã khôi phục {source} → {target} ({megabytes(size)}).")
    return 0
