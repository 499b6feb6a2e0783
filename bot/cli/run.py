"""`motcua run` (serve the bot) and `motcua check` (settings, store and token, in Vietnamese)."""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from pydantic import SecretStr

from bot.cli.argparse_vi import scrub
from bot.cli.common import CommandError, SubCommands, holding_store, run, with_context
from bot.config import UNIT_MISSING, Settings, SettingsError, load_settings
from bot.context import AppContext
from bot.logging_setup import RedactFilter, secrets_of, setup_logging

OK, BAD, WARN, SKIP = "✓", "✗", "!", "-"


def register(sub: SubCommands) -> None:
    """Add the run and check sub-commands."""
    p = sub.add_parser(
        "run",
        help="chạy bot (Telegram/Zalo nếu có token, nếu không thì trò chuyện trong terminal)",
    )
    p.set_defaults(func=_run)
    p = sub.add_parser("check", help="kiểm tra cấu hình, kho dữ liệu và token (getMe)")
    p.set_defaults(func=_check)


def _secret(secret: SecretStr | None) -> str:
    """The value of an optional SecretStr setting, stripped ('' when unset)."""
    return "" if secret is None else secret.get_secret_value().strip()


def _has(secret: SecretStr | None) -> bool:
    """Whether an optional SecretStr setting holds a non-empty value."""
    return bool(_secret(secret))


def _run(args: argparse.Namespace) -> int:
    """Serve until SIGTERM/SIGINT; exit code 1 when a channel cannot start."""
    from bot.runner import RunError, run_bot

    settings = load_settings()
    if settings.unit is None:
        raise CommandError(UNIT_MISSING, exit_code=2)
    console = not _has(settings.telegram_token) and not _has(settings.zalo_token)
    level = settings.log_level
    if console and level == "INFO":
        level = "WARNING"  # the terminal chat is the output; keep log lines out of its way
    setup_logging(level, secrets_of(settings))

    async def body(ctx: AppContext) -> None:
        await run_bot(ctx)

    try:
        if settings.store_is_file:
            with holding_store(  # for its lifetime: no restore under it
                settings.store_path, "motcua run",
                busy="Không chạy được bot: kho {store} đang được {holder} dùng.",
                failed="Không chạy được bot",
            ):
                run(with_context(body, settings))
        else:  # PostgreSQL: several processes may serve one database
            run(with_context(body, settings))
    except RunError as exc:
        raise CommandError(f"Không chạy được bot: {exc}", exit_code=1) from None
    return 0


# ---- motcua check -----------------------------------------------------------------------------


class Report:
    """The lines of a check report and whether any of them is a failure."""

    def __init__(self, out: TextIO, secrets: list[str] | None = None) -> None:
        """Write the report to `out` as it goes, never showing one of `secrets`."""
        self.out = out
        self.redact = RedactFilter(secrets or [])
        self.failures = 0
        self.warnings = 0

    def line(self, mark: str, text: str) -> None:
        """Print one report line (✓ good, ✗ failure, ! warning, - skipped)."""
        if mark == BAD:
            self.failures += 1
        elif mark == WARN:
            self.warnings += 1
        print(f"{mark} {scrub(self.redact.redact(text))}", file=self.out, flush=True)


def _check(args: argparse.Namespace) -> int:
    """Validate the settings, the store and the tokens; exit 0 when nothing failed, else 1."""
    setup_logging("ERROR")
    report = Report(sys.stdout)
    print("Kiểm tra motcua-bot", file=report.out)
    try:
        settings = load_settings()
    except SettingsError as exc:
        report.line(BAD, str(exc))
        return _verdict(report)
    setup_logging("ERROR", secrets_of(settings))
    report.redact = RedactFilter(secrets_of(settings))
    report.line(OK, f"Cấu hình hợp lệ (múi giờ {settings.timezone}).")
    _check_unit(settings, report)
    _check_settings(settings, report)
    run(_check_store(settings, report))
    run(_check_telegram(settings, report))
    run(_check_zalo(settings, report))
    return _verdict(report)


def _verdict(report: Report) -> int:
    """Print the last line and return the exit code."""
    if report.failures:
        print(f"Kết quả: có {report.failures} lỗi cần sửa trước khi chạy bot.", file=report.out)
        return 1
    extra = f" ({report.warnings} lưu ý)" if report.warnings else ""
    print(f"Kết quả: sẵn sàng chạy «motcua run»{extra}.", file=report.out)
    return 0


def _check_unit(settings: Settings, report: Report) -> None:
    """MOTCUA_UNIT: set, and the commune name the Word report's header will carry."""
    from bot.stats.report_docx import place_of

    if settings.unit is None:
        report.line(BAD, UNIT_MISSING)
        return
    _, authority = place_of(settings.unit)
    if "……" in authority:
        report.line(
            WARN,
            f"Đơn vị «{settings.unit}»: tên không có xã/phường/thị trấn nên đầu báo cáo Word sẽ "
            "để trống tên UBND; hãy ghi đủ tên, ví dụ «… xã An Lão».",
        )
        return
    report.line(OK, f"Đơn vị «{settings.unit}»; đầu báo cáo Word ghi «{authority}».")


def _check_settings(settings: Settings, report: Report) -> None:
    """Settings that parse but cannot work together."""
    if settings.admin_ids:
        report.line(OK, f"Có {len(settings.admin_ids)} quản trị viên trong MOTCUA_ADMIN_IDS.")
    else:
        report.line(
            WARN,
            "Chưa có quản trị viên trong MOTCUA_ADMIN_IDS (có thể mời bằng "
            "«motcua staff invite --role admin»).",
        )
    _check_contact(settings, report)
    if not _has(settings.telegram_token) and not _has(settings.zalo_token):
        report.line(
            WARN,
            "Chưa đặt MOTCUA_TELEGRAM_TOKEN hay MOTCUA_ZALO_TOKEN: «motcua run» sẽ mở "
            "trò chuyện trong terminal.",
        )
    if settings.fixed_now is not None:
        report.line(
            WARN,
            f"MOTCUA_NOW giữ đồng hồ của bot cố định ở {settings.fixed_now:%H:%M %d/%m/%Y} "
            "(chỉ dùng để kiểm thử): nhắc việc và báo cáo quý chỉ chạy một lần lúc khởi động.",
        )


def _check_contact(settings: Settings, report: Report) -> None:
    """The center's contact shown to citizens (hotline, address, hours): each set or missing."""
    from bot.core.contact import CONTACT_SETTINGS

    for field, label in CONTACT_SETTINGS:
        value = getattr(settings, field)
        if value:
            report.line(OK, f"{label} cho công dân: {value}")
        else:
            report.line(WARN, f"Chưa đặt MOTCUA_{field.upper()} ({label.lower()} cho công dân).")


async def _check_store(settings: Settings, report: Report) -> None:
    """The store on its engine: reachable, a motcua store, its schema version and counts."""
    if settings.store_is_file:
        await _check_sqlite(settings, report)
    else:
        await _check_pg(settings, report)


async def _check_pg(settings: Settings, report: Report) -> None:
    """The PostgreSQL store: reachable, its schema version and its counts (nothing changed)."""
    from bot.cli.errors import PG_ERRORS, pg_error_text
    from storage.db import migrations
    from storage.engine import open_store, parse_url

    url = settings.store_url
    shown = parse_url(url).text
    latest = max((v for v, _, _ in migrations("postgresql")), default=0)
    try:
        db = await open_store(url, migrate=False, min_size=1, max_size=1)
    except PG_ERRORS as exc:
        report.line(BAD, f"Kho PostgreSQL {shown}: {pg_error_text(exc, url)}")
        return
    try:
        version = await db.schema_version()
        counts = await db.table_counts() if version else {}
    except PG_ERRORS as exc:
        report.line(BAD, f"Kho PostgreSQL {shown}: {pg_error_text(exc, url)}")
        return
    finally:
        await db.close()
    if version == 0:
        report.line(WARN, f"Kho PostgreSQL {shown}: cơ sở dữ liệu còn trống (lược đồ sẽ được "
                          "tạo khi chạy; nạp dữ liệu bằng «motcua import» hoặc «motcua store "
                          "copy»).")
        return
    _store_lines(report, f"Kho PostgreSQL {shown}", version, latest, counts)


def _store_lines(report: Report, name: str, version: int, latest: int,
                 counts: dict[str, int]) -> None:
    """The store's schema version against the software's, and its counts."""
    if version > latest:
        report.line(
            BAD,
            f"{name} có phiên bản lược đồ {version}, mới hơn phần mềm ({latest}): "
            "hãy cập nhật motcua-bot.",
        )
        return
    what = (
        f"{_n(counts.get('dossiers', 0))} hồ sơ, {_n(counts.get('procedures', 0))} thủ tục, "
        f"{_n(counts.get('units', 0))} đơn vị, {_n(counts.get('staff', 0))} cán bộ"
    )
    if version < latest:
        report.line(
            WARN,
            f"{name}: lược đồ phiên bản {version} (sẽ nâng lên {latest} khi chạy); {what}.",
        )
    else:
        report.line(OK, f"{name}: lược đồ phiên bản {version}; {what}.")
    if counts.get("dossiers", 0) == 0:
        report.line(WARN, "Kho chưa có hồ sơ nào: nạp tệp bằng «motcua import TỆP».")


async def _check_sqlite(settings: Settings, report: Report) -> None:
    """The SQLite store: present, an SQLite motcua store, its schema version and counts."""
    from storage.backup import is_store
    from storage.db import Database, migrations

    path = Path(settings.store_path)
    latest = max((v for v, _, _ in migrations()), default=0)
    if not path.exists():
        report.line(
            WARN,
            f"Chưa có kho dữ liệu tại {path} (sẽ được tạo khi chạy; nạp dữ liệu bằng "
            "«motcua import»).",
        )
        return
    if not is_store(path):  # checked first: Database.open leaves a thread behind on a bad file
        report.line(BAD, f"{path} không phải kho dữ liệu SQLite của motcua-bot.")
        return
    try:
        db = await Database.open(path, migrate=False)
    except (sqlite3.Error, OSError) as exc:
        report.line(BAD, f"Không mở được kho dữ liệu {path}: {exc}")
        return
    try:
        version = await db.schema_version()
        counts = await db.table_counts()
    except sqlite3.Error as exc:
        report.line(BAD, f"{path} không phải kho dữ liệu của motcua-bot ({exc}).")
        return
    finally:
        await db.close()
    _store_lines(report, f"Kho SQLite {path}", version, latest, counts)


def _n(value: int) -> str:
    """A count with Vietnamese thousands separators (1.234.567)."""
    return f"{value:,}".replace(",", ".")


async def _check_telegram(settings: Settings, report: Report) -> None:
    """The Telegram token (getMe through MOTCUA_TELEGRAM_API_URL) and the webhook settings."""
    if not _has(settings.telegram_token):
        report.line(SKIP, "Telegram: chưa đặt MOTCUA_TELEGRAM_TOKEN (bỏ qua).")
        return
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.channels.telegram import TelegramConfigError, webhook_secret

    token = _secret(settings.telegram_token)
    bot = Bot(
        token, base_url=settings.telegram_api_url, base_file_url=settings.telegram_file_api_url
    )
    try:
        await bot.initialize()  # calls getMe
        info = await bot.get_webhook_info()
    except InvalidToken:
        report.line(
            BAD,
            "Telegram từ chối MOTCUA_TELEGRAM_TOKEN (token sai hoặc đã bị thu hồi); lấy lại token "
            "từ @BotFather.",
        )
        return
    except NetworkError as exc:
        report.line(BAD, f"Không kết nối được tới Telegram ({settings.telegram_api_url}): {exc}")
        return
    except TelegramError as exc:
        report.line(BAD, f"Telegram trả lỗi: {exc}")
        return
    finally:
        try:
            await bot.shutdown()
        except Exception:
            logging.getLogger(__name__).debug("bot.shutdown failed", exc_info=True)
    report.line(OK, f"Telegram: token hợp lệ, bot @{bot.username} (id {bot.id}).")
    if settings.telegram_webhook_url:
        url = urlsplit(settings.telegram_webhook_url)
        if url.scheme != "https":
            report.line(WARN, "Telegram chỉ gửi webhook tới địa chỉ https://.")
        try:
            webhook_secret(settings)
        except TelegramConfigError as exc:
            report.line(BAD, str(exc))
        if settings.telegram_webhook_secret is None:
            report.line(
                WARN,
                "Chưa đặt MOTCUA_TELEGRAM_WEBHOOK_SECRET: bot sẽ tự tạo mã bí mật mới "
                "mỗi lần chạy.",
            )
        report.line(
            OK,
            f"Telegram: chế độ webhook, nghe tại {settings.telegram_webhook_listen}:"
            f"{settings.telegram_webhook_port}{url.path or '/'}.",
        )
    else:
        note = " (webhook đang đặt sẽ được xóa khi chạy)" if info.url else ""
        report.line(OK, f"Telegram: chế độ long polling{note}.")


async def _check_zalo(settings: Settings, report: Report) -> None:
    """The Zalo token (getMe), when one is set."""
    if not _has(settings.zalo_token):
        report.line(SKIP, "Zalo: chưa đặt MOTCUA_ZALO_TOKEN (bỏ qua).")
        return
    try:
        from bot.channels.zalo import ZaloClient, ZaloError
    except ImportError:
        report.line(WARN, "Zalo: chưa có kênh Zalo trong bản cài này.")
        return
    client = ZaloClient(_secret(settings.zalo_token), settings.zalo_api_url)
    try:
        me = await client.get_me()
    except ZaloError as exc:
        report.line(BAD, f"Zalo từ chối MOTCUA_ZALO_TOKEN hoặc không kết nối được: {exc}")
        return
    finally:
        await client.aclose()
    name = me.get("account_name") or me.get("display_name") or me.get("id") or "?"
    report.line(OK, f"Zalo: token hợp lệ, bot «{name}».")

