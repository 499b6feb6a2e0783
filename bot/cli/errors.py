"""One Vietnamese line for a PostgreSQL store that cannot be reached or used (asyncpg's errors,
a refused connection, an unknown host), naming the database without its password."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import asyncpg

# What can go wrong talking to PostgreSQL (OSError covers refused connections, unknown hosts).
PG_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresError, asyncpg.InterfaceError, ConnectionError, TimeoutError,
    socket.gaierror,
)


def _place(url: str) -> str:
    """host:port/database of a PostgreSQL URL."""
    p = urlsplit(url)
    return f"{p.hostname or 'localhost'}:{p.port or 5432}/{p.path.lstrip('/')}"


def pg_error_text(exc: BaseException, url: str) -> str:
    """Why the PostgreSQL store at url cannot be used, in one Vietnamese line."""
    where = _place(url)
    user = urlsplit(url).username or "?"
    database = urlsplit(url).path.lstrip("/") or "?"
    if isinstance(exc, asyncpg.InvalidPasswordError):
        return (f"PostgreSQL tại {where} từ chối đăng nhập của «{user}» (sai mật khẩu): sửa "
                "MOTCUA_DATABASE_URL.")
    if isinstance(exc, asyncpg.InvalidAuthorizationSpecificationError):
        return (f"PostgreSQL tại {where} không cho «{user}» đăng nhập (chưa có người dùng này "
                "hoặc pg_hba.conf không cho phép): sửa MOTCUA_DATABASE_URL.")
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return (f"PostgreSQL tại {where} chưa có cơ sở dữ liệu «{database}»: tạo bằng "
                f"«createdb {database}» (xem docs/deploy.md) hoặc sửa MOTCUA_DATABASE_URL.")
    if isinstance(exc, asyncpg.InsufficientPrivilegeError):
        return f"«{user}» không đủ quyền trên cơ sở dữ liệu {where}."
    if isinstance(exc, socket.gaierror):
        host = urlsplit(url).hostname
        return f"Không tìm thấy máy chủ PostgreSQL «{host}»: sửa MOTCUA_DATABASE_URL."
    if isinstance(exc, ConnectionError | OSError):
        return (f"Không kết nối được tới PostgreSQL tại {where}: máy chủ chưa chạy hoặc sai "
                "địa chỉ/cổng trong MOTCUA_DATABASE_URL.")
    if isinstance(exc, TimeoutError):
        return f"PostgreSQL tại {where} không trả lời (hết thời gian chờ)."
    first = (str(exc).splitlines() or [""])[0].rstrip(".")  # one line, never a HINT block
    if isinstance(exc, asyncpg.PostgresError):
        return f"PostgreSQL tại {where} báo lỗi: {first}."
    return f"Mất kết nối tới PostgreSQL tại {where}: {first}."
