"""Settings (pydantic-settings, env prefix MOTCUA_) and their Vietnamese validation errors."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.stats.periods import PeriodError, parse_day


def _parse_day(text: str) -> date:
    """Read one day written dd/mm/yyyy or yyyy-mm-dd (the chat's and the CLI's parser)."""
    try:
        return parse_day(text)
    except PeriodError as exc:  # 'Ngày … không tồn tại.' → 'ngày … không tồn tại'
        reason = str(exc).rstrip(".")
        raise ValueError(reason[:1].lower() + reason[1:]) from None


def _split(value: object) -> list[str]:
    """Split a comma/semicolon/space separated setting into its non-empty parts."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p for p in re.split(r"[,;\s]+", str(value)) if p]


class Settings(BaseSettings):
    """Every setting the bot reads; see .env.example for the meaning of each."""

    model_config = SettingsConfigDict(
        env_prefix="MOTCUA_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    db_path: Path = Path("./data/motcua.db")
    # The store's engine and address (issue 16): unset → the SQLite file db_path;
    # sqlite:///path → that file; postgresql://user:pass@host:5432/db → PostgreSQL.
    database_url: str | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    unit: str | None = None  # no default: a commune names its own center (issue 18)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    period_rule: Literal["calendar", "cutoff15"] = "calendar"
    extra_days_off: Annotated[list[date], NoDecode] = Field(default_factory=list)
    extra_working_days: Annotated[list[date], NoDecode] = Field(default_factory=list)
    admin_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Citizens' lookups
    require_second_factor: bool = False
    lookup_per_minute: int = Field(10, ge=1)
    lookup_per_day: int = Field(50, ge=1)

    # Telegram
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_api_url: str = "https://api.telegram.org/file/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = Field(8443, ge=1, le=65535)
    telegram_rate_global: float = Field(30.0, gt=0)
    telegram_rate_per_chat: float = Field(1.0, gt=0)

    # Zalo Bot Platform
    zalo_token: SecretStr | None = None
    zalo_api_url: str = "https://bot-api.zaloplatforms.com/bot"
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: SecretStr | None = None
    zalo_webhook_listen: str = "127.0.0.1"
    zalo_webhook_port: int = Field(8444, ge=1, le=65535)
    zalo_rate_global: float = Field(30.0, gt=0)
    zalo_rate_per_chat: float = Field(1.0, gt=0)

    # Several `motcua run` processes on one store (issue 16): how long a delivery worker's claim
    # on a push lasts without renewal (a killed worker's pushes return to the queue after it)
    outbox_lease_seconds: float = Field(30.0, ge=1.0, le=3600.0)

    # Scheduler
    reminder_time: time = time(7, 30)
    quarterly_time: time = time(8, 0)
    due_soon_working_days: int = Field(1, ge=0, le=30)

    # Citizens (issue 13): whom to contact (shown in /lienhe, overdue cards, `motcua check`) and
    # the largest receipt photo the bot reads.
    contact_hotline: str | None = None
    contact_address: str | None = None
    contact_hours: str | None = None
    receipt_max_bytes: int = Field(10_000_000, ge=10_000)
    # Issue 17 (leaders): the day of the month of the monthly index push (at quarterly_time;
    # the first working day on or after it)
    index_day: int = Field(25, ge=1, le=28)
    # Issue 17: where the bot's web server is reachable from the internet, for chart and report
    # links on Zalo (default: the scheme and host of MOTCUA_ZALO_WEBHOOK_URL)
    public_base_url: str | None = None
    # Import caps (issue 14, import memory): a bigger upload is refused, nothing stored
    import_max_rows: int = Field(500_000, ge=1)
    import_max_sheet_mb: int = Field(600, ge=1)

    @field_validator("unit", mode="before")
    @classmethod
    def _unit(cls, value: object) -> object:
        """An empty MOTCUA_UNIT is no unit at all."""
        if isinstance(value, str):
            value = " ".join(value.split())
            return value or None
        return value

    @field_validator("database_url", mode="before")
    @classmethod
    def _store_url(cls, value: object) -> object:
        """An empty MOTCUA_DATABASE_URL is none; else an address an engine reads."""
        if value is None:
            return None
        text = str(value).strip()
        if not text:
            return None
        from urllib.parse import urlsplit

        from storage.engine import StoreURLError, parse_url

        try:
            parsed = parse_url(text)
            if parsed.engine == "postgresql":
                parts = urlsplit(parsed.dsn or "")
                parts.port  # noqa: B018 — raises ValueError on a port that is not a number
                if not parts.path.strip("/"):
                    raise StoreURLError("thiếu tên cơ sở dữ liệu sau dấu / cuối, ví dụ "
                                        "postgresql://motcua:matkhau@127.0.0.1:5432/motcua")
        except StoreURLError as exc:
            reason = str(exc).rstrip(".")
            raise ValueError(reason[:1].lower() + reason[1:]) from None
        except ValueError:
            raise ValueError("cổng (port) trong địa chỉ PostgreSQL phải là một số") from None
        return text

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        """Refuse a timezone name the system does not know."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"không có múi giờ «{value}»") from exc
        return value

    @field_validator("extra_days_off", "extra_working_days", mode="before")
    @classmethod
    def _days(cls, value: object) -> list[date]:
        """Read a list of days (dd/mm/yyyy or yyyy-mm-dd, comma separated)."""
        if isinstance(value, list) and all(isinstance(v, date) for v in value):
            return value
        return [_parse_day(p) for p in _split(value)]

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _ids(cls, value: object) -> list[str]:
        """Read admin ids: `123`, `telegram:123` or `zalo:abc`, comma separated."""
        return _split(value)

    @property
    def store_url(self) -> str:
        """The store's address: MOTCUA_DATABASE_URL when set, else the SQLite file db_path."""
        url = (self.database_url or "").strip()
        return url if url else str(self.db_path)

    @property
    def store_is_file(self) -> bool:
        """True when the store is an SQLite file (its path is then `store_path`)."""
        from storage.engine import parse_url

        return parse_url(self.store_url).engine == "sqlite"

    @property
    def store_path(self) -> Path:
        """The SQLite file of the store (db_path, or the file MOTCUA_DATABASE_URL names)."""
        from storage.engine import parse_url

        return parse_url(self.store_url).path or self.db_path

    @property
    def tz(self) -> ZoneInfo:
        """The settings' timezone as a tzinfo."""
        return ZoneInfo(self.timezone)

    # Fixed clock (issue 14.13: tests and demonstrations): the bot's "now" stays at this moment
    # (YYYY-MM-DD HH:MM, the settings' timezone unless an offset is given); unset: the real clock.
    now: datetime | None = None

    @field_validator("now", mode="before")
    @classmethod
    def _fixed_now(cls, value: object) -> object:
        """Read MOTCUA_NOW (`YYYY-MM-DD HH:MM[:SS]`); empty means the real clock."""
        if value is None or isinstance(value, datetime):
            return value
        text = str(value).strip()
        if not text:
            return None
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"thời điểm «{text}» không đúng dạng YYYY-MM-DD HH:MM") from None

    @property
    def fixed_now(self) -> datetime | None:
        """MOTCUA_NOW as an aware datetime (in the settings' timezone when none was given)."""
        if self.now is None or self.now.tzinfo is not None:
            return self.now
        return self.now.replace(tzinfo=self.tz)


_MESSAGES = {
    "literal_error": "chỉ nhận một trong các giá trị: {expected}",
    "int_parsing": "phải là một số nguyên",
    "float_parsing": "phải là một số",
    "bool_parsing": "phải là true/false (hoặc 1/0)",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "greater_than": "phải lớn hơn {gt}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "time_parsing": "phải là giờ dạng HH:MM",
    "time_type": "phải là giờ dạng HH:MM",
    "path_type": "phải là một đường dẫn",
}


def _vietnamese(err: ErrorDetails) -> str:
    """Turn one pydantic error into a short Vietnamese explanation."""
    if err.get("type") == "value_error":
        return str(err.get("msg", "")).removeprefix("Value error, ")
    template = _MESSAGES.get(str(err.get("type")))
    if template is None:
        return "giá trị không hợp lệ"
    ctx = {k: str(v).replace(" or ", " hoặc ") for k, v in (err.get("ctx") or {}).items()}
    try:
        return template.format(**ctx)
    except KeyError:
        return template.split(":")[0]


UNIT_MISSING = (
    "Chưa đặt MOTCUA_UNIT: hãy ghi tên Trung tâm của xã/phường vào tệp .env, ví dụ "
    "MOTCUA_UNIT=Trung tâm Phục vụ hành chính công xã An Lão (hoặc nhập tệp có cột «Đơn vị»)."
)


class SettingsError(Exception):
    """A setting has a bad value; the message is one Vietnamese line for the operator."""


def load_settings(**overrides: Any) -> Settings:
    """Build the settings or raise SettingsError naming the bad setting in Vietnamese."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err.get("loc") else "?"
        msg = _vietnamese(err)
        shown = err.get("input")
        if field == "database_url" and isinstance(shown, str):
            from storage.pg.db import masked

            try:
                shown = masked(shown)  # never print the password
            except ValueError:
                shown = "…"
        raise SettingsError(
            f"Cấu hình sai: MOTCUA_{field.upper()} — {msg} (giá trị: {shown!r})."
        ) from None
