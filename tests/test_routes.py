"""The explicit wiring: each handler module's Router, the one list of them, a Core on any table."""

from __future__ import annotations

import importlib
import pkgutil

import bot.handlers
from bot.context import AppContext
from bot.core.registry import Request, Router, Routes
from bot.core.router import Core
from bot.core.types import Reply
from bot.handlers import ROUTERS, standard_routes
from tests.core_helpers import ask, joined


async def test_a_core_routes_by_the_table_it_is_given(ctx: AppContext) -> None:
    """A test's own handlers, and nothing else, answer through a Core built on them."""
    router = Router()

    @router.command("ping", help="[chữ] — trả lời pong")
    async def ping(req: Request) -> list[Reply]:
        """Answer pong with the arguments."""
        return [Reply(f"pong {req.text_args}".strip())]

    @router.button_prefix("p", roles={"admin"})
    async def pressed(req: Request) -> list[Reply]:
        """Answer the button's data."""
        return [Reply(f"nút {req.args[0]}")]

    core = Core(ctx, routes=Routes([router]))
    assert joined(await ask(core, "/ping a b")) == "pong a b"
    assert "Không có lệnh /tracuu." in joined(await ask(core, "/tracuu 000.00.12.H31-1"))
    assert joined(await ask(core, "p:1", is_button=True)) == "Bạn không có quyền dùng lệnh này."
    assert core.menu("citizen") == [("ping", "trả lời pong")]
    assert "/ping [chữ] — trả lời pong" in core.help_text("citizen")


def test_every_handler_module_with_a_router_is_listed() -> None:
    """No handler module's router is left out of bot.handlers.ROUTERS."""
    listed = {id(r) for r in ROUTERS}
    for info in pkgutil.iter_modules(bot.handlers.__path__):
        module = importlib.import_module(f"bot.handlers.{info.name}")
        router = getattr(module, "router", None)
        assert router is None or id(router) in listed, info.name
    assert len(listed) == len(ROUTERS)


def test_the_standard_table_keeps_the_declared_order() -> None:
    """Commands in the routers' order (the help's order); buttons by prefix."""
    routes = standard_routes()
    admin = [s.names[0] for s in routes.commands_for("admin")]
    assert admin[:6] == ["start", "huongdan", "moi", "nhanvien", "thuhoi", "__file__"]
    assert admin[-5:] == ["__text__", "__image__", "__unknown__", "lienhe", "xuhuong"]
    assert routes.button_prefixes() == ["caidat", "hs", "rate", "tt"]
    assert [s.names[0] for s in routes.specs_for("quahan")] == ["quahan", "quahan"]
    assert routes.find("quahan", "officer") is not routes.find("quahan", "leader")
    assert routes.find("moi", "citizen") is None
