"""The command registry: handlers declare their command names, roles and help with decorators."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.types import Incoming, Reply

if TYPE_CHECKING:
    from bot.context import AppContext
    from storage.staff import StaffMember

ROLES = ("citizen", "officer", "leader", "admin")
ROLE_NAMES = {"citizen": "công dân", "officer": "cán bộ", "leader": "lãnh đạo",
              "admin": "quản trị viên"}
Handler = Callable[["Request"], Awaitable[list[Reply]]]


@dataclass
class Request:
    """What a handler receives: the context, the message, who sent it, the parsed command."""

    ctx: AppContext
    incoming: Incoming
    role: str  # "citizen" | "officer" | "leader" | "admin"
    staff: StaffMember | None
    command: str
    args: list[str]
    max_text: int

    @property
    def text_args(self) -> str:
        """The arguments joined by single spaces."""
        return " ".join(self.args)


@dataclass(frozen=True)
class CommandSpec:
    """One registered command handler."""

    names: tuple[str, ...]
    handler: Handler
    roles: frozenset[str] | None
    help: str
    menu: bool

    def allows(self, role: str) -> bool:
        """True when this role may use the command."""
        return self.roles is None or role in self.roles


@dataclass(frozen=True)
class ButtonSpec:
    """One registered button handler (button data 'prefix:...')."""

    prefix: str
    handler: Handler
    roles: frozenset[str] | None


# Filled once at import time by the decorators (declarations, not runtime state).
_COMMANDS: dict[str, list[CommandSpec]] = {}
_ORDER: list[CommandSpec] = []
_BUTTONS: dict[str, ButtonSpec] = {}


def command(
    *names: str, roles: set[str] | None = None, help: str = "", menu: bool = True
) -> Callable[[Handler], Handler]:
    """Register `async def handler(req: Request) -> list[Reply]` under these names (no '/').

    roles None = everyone. A name may be registered twice for disjoint roles (e.g. /quahan).
    """

    def decorate(fn: Handler) -> Handler:
        """Record the handler and return it unchanged."""
        spec = CommandSpec(
            tuple(n.lower().lstrip("/") for n in names), fn,
            frozenset(roles) if roles is not None else None, help, menu,
        )
        for name in spec.names:
            bucket = _COMMANDS.setdefault(name, [])
            if any(s.handler is fn for s in bucket):
                continue
            bucket.append(spec)
        if not any(s.handler is fn for s in _ORDER):
            _ORDER.append(spec)
        return fn

    return decorate


def button_prefix(prefix: str, roles: set[str] | None = None) -> Callable[[Handler], Handler]:
    """Register a handler for pressed buttons whose data is 'prefix:...'.

    The Request's command is the prefix and args is [the text after 'prefix:'].
    """

    def decorate(fn: Handler) -> Handler:
        """Record the button handler and return it unchanged."""
        _BUTTONS[prefix] = ButtonSpec(prefix, fn, frozenset(roles) if roles is not None else None)
        return fn

    return decorate


def load_handlers() -> None:
    """Import every module of bot/handlers so their decorators run (idempotent)."""
    import bot.handlers

    for info in sorted(pkgutil.iter_modules(bot.handlers.__path__), key=lambda i: i.name):
        importlib.import_module(f"bot.handlers.{info.name}")


def specs_for(name: str) -> list[CommandSpec]:
    """Every handler registered under this command name."""
    return list(_COMMANDS.get(name, ()))


def find(name: str, role: str) -> CommandSpec | None:
    """The handler of this command for this role, or None (unknown or not allowed)."""
    for spec in _COMMANDS.get(name, ()):
        if spec.allows(role):
            return spec
    return None


def button(prefix: str) -> ButtonSpec | None:
    """The button handler of this prefix, or None."""
    return _BUTTONS.get(prefix)


def commands_for(role: str) -> list[CommandSpec]:
    """The commands this role may use, in registration order (one per handler)."""
    return [s for s in _ORDER if s.allows(role)]


def all_names() -> list[str]:
    """Every registered command name."""
    return sorted(_COMMANDS)


def menu_specs(role: str) -> list[CommandSpec]:
    """The menu commands of this role: everyone's first, then the role's own."""
    specs = [s for s in commands_for(role) if s.menu]
    specs.sort(key=lambda s: 0 if s.roles is None else 1)
    return specs


def help_text(role: str) -> str:
    """The help for this role: every menu command with its usage."""
    lines = [f"Các lệnh dành cho bạn ({ROLE_NAMES.get(role, role)}):"]
    for spec in menu_specs(role):
        lines.append(f"/{spec.names[0]} {spec.help}".rstrip())
    lines.append("Bạn cũng có thể gửi thẳng mã hồ sơ (ví dụ 000.00.12.H31-260101-0001) để tra cứu.")
    return "\n".join(lines)
