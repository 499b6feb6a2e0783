"""AppContext declares every field it carries (issue 15: no service gains a field at run time)."""

from __future__ import annotations

import dataclasses

import pytest

from bot.context import AppContext


async def test_an_undeclared_field_is_refused(ctx: AppContext) -> None:
    with pytest.raises(AttributeError):
        ctx.outbox_wakeup = lambda: None  # type: ignore[attr-defined]  # the typo it catches
    assert not hasattr(ctx, "outbox_wakeup")


async def test_declared_fields_can_be_set(ctx: AppContext) -> None:
    """The services set the delivery worker's wake; tests set the clock."""
    ctx.outbox_wake = lambda: None
    assert callable(ctx.outbox_wake)
    assert {f.name for f in dataclasses.fields(AppContext)} >= {
        "settings", "db", "calendar", "clock", "demo", "cache", "cache_size", "outbox_wake"}
