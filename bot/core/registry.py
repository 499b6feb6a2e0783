"""Routing declarations: each handler module's Router, and the Routes table the Core routes by."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
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
    routes: Routes  # the table the Core routes by (for the help text)

    @property
    def text_args(self) -> str:
        """The arguments joined by single spaces."""
        return " ".join(self.args)


@dataclass(frozen=True)
class CommandSpec:
    """One declared command handler."""

    names: tuple[str, ...]
    handler: Handler
    roles: frozenset[str] | None
    help: str
    menu: bool
    changes_role: bool = False  # the handler may change the sender's role (an invite redeemed)

    def allows(self, role: str) -> bool:
        """True when this role may use the command."""
        return self.roles is None or role in self.roles


@dataclass(frozen=True)
class ButtonSpec:
    """One declared button handler (button data 'prefix:...')."""

    prefix: str
    handler: Handler
    roles: frozenset[str] | None


class Router:
    """One handler module's commands and buttons, declared with its decorators (aiogram-style).

    A module writes `router = Router()` and `@router.command("tracuu", help=...)`; the one
    list of routers (bot/handlers/__init__.py) builds the Routes table from them.
    """

    def __init__(self) -> None:
        """An empty router."""
        self.commands: list[CommandSpec] = []
        self.buttons: list[ButtonSpec] = []

    def command(
        self, *names: str, roles: set[str] | None = None, help: str = "", menu: bool = True,
        changes_role: bool = False,
    ) -> Callable[[Handler], Handler]:
        """Declare `async def handler(req: Request) -> list[Reply]` under these names (no '/').

        roles None = everyone. A name may be declared twice for disjoint roles (e.g. /quahan).
        """

        def decorate(fn: Handler) -> Handler:
            """Record the handler and return it unchanged."""
            self.commands.append(CommandSpec(
                tuple(n.lower().lstrip("/") for n in names), fn,
                frozenset(roles) if roles is not None else None, help, menu, changes_role,
            ))
            return fn

        return decorate

    def button_prefix(
        self, prefix: str, roles: set[str] | None = None
    ) -> Callable[[Handler], Handler]:
        """Declare a handler for pressed buttons whose data is 'prefix:...'.

        The Request's command is the prefix and args is [the text after 'prefix:'].
        """

        def decorate(fn: Handler) -> Handler:
            """Record the button handler and return it unchanged."""
            self.buttons.append(
                ButtonSpec(prefix, fn, frozenset(roles) if roles is not None else None))
            return fn

        return decorate


class Routes:
    """The table the Core routes by, built from routers in the order given (that order is the
    order of the help and the menus)."""

    def __init__(self, routers: Iterable[Router]) -> None:
        """Index every router's commands by name and buttons by prefix."""
        self._order: list[CommandSpec] = []
        self._commands: dict[str, list[CommandSpec]] = {}
        self._buttons: dict[str, ButtonSpec] = {}
        for router in routers:
            for spec in router.commands:
                self._order.append(spec)
                for name in spec.names:
                    self._commands.setdefault(name, []).append(spec)
            for button in router.buttons:
                self._buttons[button.prefix] = button

    def specs_for(self, name: str) -> list[CommandSpec]:
        """Every handler declared under this command name."""
        return list(self._commands.get(name, ()))

    def find(self, name: str, role: str) -> CommandSpec | None:
        """The handler of this command for this role, or None (unknown or not allowed)."""
        for spec in self._commands.get(name, ()):
            if spec.allows(role):
                return spec
        return None

    def changes_role(self, name: str, role: str) -> bool:
        """Whether the command this role ran under `name` may have changed the sender's role."""
        spec = self.find(name, role)
        return spec is not None and spec.changes_role

    def button(self, prefix: str) -> ButtonSpec | None:
        """The button handler of this prefix, or None."""
        return self._buttons.get(prefix)

    def button_prefixes(self) -> list[str]:
        """Every declared button prefix, sorted."""
        return sorted(self._buttons)

    def commands_for(self, role: str) -> list[CommandSpec]:
        """The commands this role may use, in declaration order (one per handler)."""
        return [s for s in self._order if s.allows(role)]

    def all_names(self) -> list[str]:
        """Every declared command name, sorted."""
        return sorted(self._commands)

    def menu_specs(self, role: str) -> list[CommandSpec]:
        """The menu commands of this role: everyone's first, then the role's own."""
        specs = [s for s in self.commands_for(role) if s.menu]
        specs.sort(key=lambda s: 0 if s.roles is None else 1)
        return specs

    def help_text(self, role: str) -> str:
        """The help for this role: every menu command with its usage."""
        lines = [f"Các lệnh dành cho bạn ({ROLE_NAMES.get(role, role)}):"]
        for spec in self.menu_specs(role):
            lines.append(f"/{spec.names[0]} {spec.help}".rstrip())
        lines.append(
            "Bạn cũng có thể gửi thẳng mã hồ sơ (ví dụ 000.00.12.H31-260101-0001) để tra cứu.")
        return "\n".join(lines)
