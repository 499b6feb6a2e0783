"""The catalogue answers: FTS5 over folded names, busiest first, the procedure's card."""

from __future__ import annotations

from bot.context import AppContext
from bot.core.router import Core
from tests.citizen_helpers import demo_ctx, demo_store  # noqa: F401  (fixtures)
from tests.core_helpers import ask


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
