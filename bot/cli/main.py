"""`motcua` command line: the sub-commands of bot/cli, listed here, and the one asked for run."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence

from bot import __version__
from bot.cli import backup, demo, importing, outbox, run, staff, stats, store
from bot.cli.argparse_vi import scrub, vietnamese_argparse
from bot.cli.common import CommandError
from bot.cli.errors import PG_ERRORS, pg_error_text
from bot.config import SettingsError

_OS_ERRORS = {
    errno.ENOENT: "không có tệp hay thư mục này",
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "không được phép",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
}


# Every sub-command module, in the order `motcua --help` lists them.
SUBCOMMANDS = (backup, demo, importing, outbox, run, staff, stats, store)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command of SUBCOMMANDS registered."""
    parser = argparse.ArgumentParser(
        prog="motcua",
        description="motcua-bot — chatbot của Trung tâm Phục vụ hành chính công.",
    )
    parser.add_argument("--version", action="version", version=f"motcua-bot {__version__}",
                        help="in số phiên bản rồi thoát")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")
    for module in SUBCOMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `motcua` console script; returns the process exit code.

    Output into a pipe closed early (`motcua check | head -3`) ends the command quietly, as
    SIGPIPE ends other tools: exit code 141, no traceback.
    """
    try:
        try:
            return _main(argv)
        finally:
            sys.stdout.flush()  # inside the try: a buffered line may meet the closed pipe here
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # for the exit's flush
        return 141


def _main(argv: Sequence[str] | None) -> int:
    """Parse the arguments and run the sub-command asked for."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    with vietnamese_argparse():
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
    try:  # a sub-command printing argparse's texts itself (`motcua staff`) says so
        return int(args.func(args) or 0)
    except SettingsError as exc:
        print(scrub(str(exc)), file=sys.stderr)
        return 2
    except CommandError as exc:
        print(scrub(str(exc)), file=sys.stderr)
        return exc.exit_code
    except sqlite3.DatabaseError as exc:
        print(
            f"Kho dữ liệu không dùng được ({exc}): tệp MOTCUA_DB_PATH không phải cơ sở dữ liệu "
            "SQLite của motcua-bot hoặc đã hỏng. Khôi phục bằng «motcua restore».",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        raise  # the reader went away (`| head`): not a failure to report here
    except PG_ERRORS as exc:  # after BrokenPipeError (a ConnectionError too)
        url = _pg_url()
        if url is not None:
            print(scrub(pg_error_text(exc, url)), file=sys.stderr)
            return 1
        if isinstance(exc, OSError):
            print(os_error_text(exc), file=sys.stderr)
            return 1
        return unexpected_error()
    except OSError as exc:
        print(os_error_text(exc), file=sys.stderr)
        return 1
    except NotImplementedError:  # a part of the store not yet written for its engine
        logging.getLogger("motcua.cli").debug("not implemented", exc_info=True)
        print("Lệnh này chưa làm được trên kho dữ liệu đang dùng (MOTCUA_DATABASE_URL) trong bản "
              "motcua-bot này.", file=sys.stderr)
        return 1
    except Exception:
        return unexpected_error()


def _pg_url() -> str | None:
    """The PostgreSQL store's URL of the settings, or None when the store is an SQLite file."""
    try:
        from bot.config import load_settings

        settings = load_settings()
        return None if settings.store_is_file else settings.store_url
    except Exception:
        return None


def os_error_text(exc: OSError) -> str:
    """One Vietnamese line for a file or system error, naming the file but no Python type."""
    what = _OS_ERRORS.get(exc.errno or 0, "lỗi hệ thống")
    where = f" «{exc.filename}»" if exc.filename else ""
    return f"Không thực hiện được lệnh: lỗi đọc/ghi tệp{where} ({what})."


def unexpected_error() -> int:
    """Say in Vietnamese that the command failed; the traceback only in the DEBUG log."""
    logging.getLogger("motcua.cli").debug("unexpected error", exc_info=True)
    if os.environ.get("MOTCUA_LOG_LEVEL", "").upper() == "DEBUG":
        import traceback

        traceback.print_exc()
    print(
        "Lệnh gặp lỗi ngoài dự kiến và đã dừng; dữ liệu không bị thay đổi nửa chừng. "
        "Chạy lại với MOTCUA_LOG_LEVEL=DEBUG để xem chi tiết kỹ thuật.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
