"""The catalogue answers: full-text over folded names (FTS5 on SQLite, the same bm25 on
PostgreSQL), busiest first, the procedure's card — on both engines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.context import AppContext
from bot.core.router import Core
from storage.engine import open_store
from storage.normalize import fold
from storage.procedures import _hits, search
from tests.catalogue_helpers import copy_tables
from tests.catalogue_helpers import demo_catalogue_ctx as demo_ctx  # noqa: F401  (fixture)
from tests.citizen_helpers import demo_store  # noqa: F401  (fixture)
from tests.core_helpers import ask
from tests.pg_helpers import pg_test_database

pytestmark = pytest.mark.engines


async def test_busiest_relevant_procedure_comes_first(demo_ctx: AppContext) -> None:  # noqa: F811
    """"chứng thực", "khai sinh", "ket hon": the demo's busiest matching procedure is first."""
    core = Core(demo_ctx)
    cases = {
        "/thutuc chứng thực": "📋 Chứng thực bản sao từ bản chính",
        "/thutuc khai sinh": "📋 Đăng ký khai sinh\n",
        "/thutuc ket hon": "📋 Đăng ký kết hôn\n",
        "lệ phí chứng thực": "📋 Chứng thực bản sao từ bản chính",
        "làm giấy khai sinh cần gì": "📋 Đăng ký khai sinh\n",
        "đăng ký kết hôn mất bao lâu": "📋 Đăng ký kết hôn\n",
    }
    for message, head in cases.items():
        replies = await ask(core, message)
        assert replies[0].text.startswith(head), message


async def test_card_shows_documents_office_and_link(demo_ctx: AppContext) -> None:  # noqa: F811
    """The card holds level, time limit, fee, documents, office and link; others are buttons."""
    replies = await ask(Core(demo_ctx), "làm giấy khai sinh cần giấy tờ gì")
    card = replies[0].text
    for part in ("Hình thức: dịch vụ công trực tuyến một phần", "Thời hạn giải quyết: 1 ngày",
                 "Phí, lệ phí: Miễn lệ phí", "Thành phần hồ sơ:", "1. Tờ khai đăng ký khai sinh",
                 "Cơ quan thực hiện: Ủy ban nhân dân xã Kẻ Sắt", "ma_thu_tuc=1.000593"):
        assert part in card, part
    buttons = [b for row in replies[0].buttons for b in row]
    assert buttons and buttons[0].data.startswith("tt:")
    other = await ask(Core(demo_ctx), buttons[0].data, is_button=True)
    assert other[0].text.startswith("📋 Đăng ký lại khai sinh")


async def test_fts_follows_catalogue_updates(demo_ctx: AppContext) -> None:  # noqa: F811
    """A renamed procedure is found by its new name only (the triggers keep FTS in step)."""
    async with demo_ctx.db.transaction() as conn:
        await conn.execute("UPDATE procedures SET name = 'Cấp phép nuôi rồng',"
                           " name_search = 'cap phep nuoi rong' WHERE code = '1.000894'")
    core = Core(demo_ctx)
    assert (await ask(core, "/thutuc nuoi rong"))[0].text.startswith("📋 Cấp phép nuôi rồng")
    assert "Đăng ký kết hôn" not in (await ask(core, "/thutuc ket hon"))[0].text


async def test_both_engines_rank_alike(demo_store: Path) -> None:  # noqa: F811
    """Every word of the catalogue, alone, as a prefix, in pairs and with a word no procedure
    has: PostgreSQL finds the same procedures in the same order with the same bm25 as FTS5, to
    the last bit."""
    url = pg_test_database()
    lite, pg = await open_store(f"sqlite:///{demo_store}"), await open_store(url)
    try:
        await copy_tables(demo_store, url)
        names = [fold(r[0]) for r in await lite.reader.execute_fetchall(
            "SELECT name FROM procedures ORDER BY id")]
        words = sorted({w for n in names for w in re.findall(r"[0-9a-z]+", n)})
        queries = [[w] for w in words] + [[w[:2]] for w in words]
        queries += [[a, b] for a, b in zip(words, words[7:], strict=False)]
        queries += [["khai", "sinh", "zzz"], ["ket", "hon", "ket"], ["chung", "thuc", "ban"]]
        for query in queries:
            on_lite, total = await lite.read(_hits, query, True, None, 10**6)
            on_pg, pg_total = await pg.read(_hits, query, True, None, 10**6)
            assert (total, pg_total) == (len(on_lite), len(on_pg)), query
            assert [r["id"] for r in on_lite] == [r["id"] for r in on_pg], query
            for a, b in zip(on_lite, on_pg, strict=True):
                assert float(a["score"]) == float(b["score"]), query  # to the last bit
        for query in queries[:40]:
            found = [await search(s, query, limit=50, since="2026-01-01T00:00:00")
                     for s in (lite, pg)]
            assert [p.id for p in found[0][0]] == [p.id for p in found[1][0]], query
            assert found[0][1] == found[1][1], query
    finally:
        await lite.close()
        await pg.close()
