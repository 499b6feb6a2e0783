"""Receipt photos: the demo's receipt images (also rotated, scaled, JPEG) read on Telegram, Zalo
and the console through the fakes, with the real Core on the demo store."""

from __future__ import annotations

import io
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.context import AppContext
from bot.core.receipt import read_texts
from bot.core.router import Core
from bot.handlers.talk import UNREADABLE
from tests.citizen_helpers import demo_ctx, demo_files, demo_store  # noqa: F401  (fixtures)
from tests.core_helpers import msg
from tests.fakes.fake_telegram import FakeTelegram
from tests.telegram_helpers import use_fake as use_telegram
from tests.zalo_helpers import running_fake
from tests.zalo_helpers import use_fake as use_zalo

CAP = 10_000_000


def receipts(folder: Path) -> list[tuple[str, bytes]]:
    """(code, PNG bytes) of every demo receipt with a QR code, then the one with a barcode."""
    from bot.demo.receipts import KINDS

    codes = (folder / "bien-nhan" / "codes.txt").read_text().split()
    files = sorted((folder / "bien-nhan").glob("bien-nhan-*.png"))
    assert len(files) == len(codes) >= 3
    found = [(code, f.read_bytes()) for code, f in zip(codes, files, strict=True)]
    return sorted(found, key=lambda cf: KINDS[found.index(cf)] == "barcode")


def variants(png: bytes) -> dict[str, bytes]:
    """The photo as sent, rotated a quarter turn and slightly, scaled to 600 px, JPEG q=60.

    A whole receipt scaled to 600 px leaves a Code 128 of a 25-character code about 1.3 px per
    bar, below what any decoder reads: the barcode receipt is tested in the other variants.
    """
    image = Image.open(io.BytesIO(png)).convert("RGB")

    def jpeg(im: Image.Image, quality: int = 85) -> bytes:
        """JPEG bytes of an image."""
        out = io.BytesIO()
        im.save(out, format="JPEG", quality=quality)
        return out.getvalue()

    small = image.copy()
    small.thumbnail((600, 600))
    return {
        "png": png,
        "rotated90": jpeg(image.rotate(90, expand=True)),
        "tilted": jpeg(image.rotate(8, expand=True, fillcolor=(250, 250, 250))),
        "600px-jpeg60": jpeg(small, quality=60),
    }


@pytest.fixture(scope="module")
def demo_receipts(demo_files: Path) -> list[tuple[str, bytes]]:  # noqa: F811
    """The demo receipts (code, PNG)."""
    return receipts(demo_files)


def test_every_variant_decodes_to_its_code(demo_receipts: list[tuple[str, bytes]]) -> None:
    """Every receipt, as sent, rotated, scaled down and JPEG-compressed, yields its code."""
    for code, png in demo_receipts:
        for name, data in variants(png).items():
            if name == "600px-jpeg60" and code == demo_receipts[-1][0]:
                continue  # the barcode receipt (see variants)
            texts = read_texts(data, CAP)
            assert any(code in t for t in texts), (code, name, texts)


def test_unreadable_too_large_and_not_an_image() -> None:
    """No code, over the cap, or not a picture: nothing is read (the core then says so)."""
    rng = random.Random(7)
    noise = Image.frombytes("L", (400, 300), bytes(rng.randrange(256) for _ in range(120_000)))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    assert read_texts(out.getvalue(), CAP) == []
    assert read_texts(out.getvalue(), 1000) == []
    assert read_texts(b"%PDF-1.4 not an image", CAP) == []


async def test_core_answers_a_photo_with_the_card(
    demo_ctx: AppContext, demo_receipts: list[tuple[str, bytes]]  # noqa: F811
) -> None:
    """The console path: an image attachment gives the status card; a caption's 4 digits count."""
    from bot.core.types import Attachment

    core = Core(demo_ctx)
    code, png = demo_receipts[0]
    replies = await core.handle(msg(attachment=Attachment("anh.png", png, "image/png")))
    assert replies[0].text.startswith(f"📄 Hồ sơ {code}")
    bad = await core.handle(msg(attachment=Attachment("x.png", b"not an image", "image/png")))
    assert [r.text for r in bad] == [UNREADABLE]


@pytest.fixture
async def telegram(demo_ctx: AppContext) -> AsyncIterator[FakeTelegram]:  # noqa: F811
    """The fake Bot API and a polling Telegram channel with the real Core on the demo store."""
    async with FakeTelegram() as fake:
        use_telegram(demo_ctx, fake, telegram_rate_per_chat=1000.0)
        channel = TelegramChannel(demo_ctx, Core(demo_ctx), poll_timeout=1)
        await channel.start()
        try:
            yield fake
        finally:
            await channel.stop()


async def test_telegram_photo_and_image_file(
    telegram: FakeTelegram, demo_receipts: list[tuple[str, bytes]]
) -> None:
    """A photo (largest size under the cap) or an image file on Telegram gives the right card."""
    user = 7000
    for code, png in demo_receipts:
        for name, data in variants(png).items():
            if name == "600px-jpeg60" and code == demo_receipts[-1][0]:
                continue  # the barcode receipt (see variants)
            user += 1
            if name == "png":
                telegram.push_document(user, "bien-nhan.png", data, mime="image/png")
            else:
                thumb = variants(png)["600px-jpeg60"]
                telegram.push_photo(user, [(320, 240, thumb[:100]), (1280, 960, data)])
            [sent] = await telegram.wait_for_messages(user, 1)
            assert sent.text.startswith(f"📄 Hồ sơ {code}"), (name, sent.text)
    telegram.push_document(user + 1, "anh.jpg", b"\xff\xd8\xffnot really", mime="image/jpeg")
    [sent] = await telegram.wait_for_messages(user + 1, 1)
    assert sent.text == UNREADABLE


async def test_zalo_image_message(
    demo_ctx: AppContext, demo_receipts: list[tuple[str, bytes]]  # noqa: F811
) -> None:
    """An image message on Zalo (downloaded from its URL) gives the right card; too large → the
    clear answer."""
    async with running_fake() as fake:
        fake.max_poll = 0.3
        use_zalo(demo_ctx, fake)
        channel = ZaloChannel(demo_ctx, Core(demo_ctx), poll_timeout=1, retry_base=0.01)
        await channel.start()
        try:
            n = 0
            for code, png in demo_receipts[:-1]:  # the QR receipts
                for name in ("tilted", "600px-jpeg60"):
                    n += 1
                    fake.push_image(f"z{n}", variants(png)[name])
                    await fake.wait_for_messages(f"z{n}", 1)
                    assert fake.texts(f"z{n}")[0].startswith(f"📄 Hồ sơ {code}"), name
            demo_ctx.settings = demo_ctx.settings.model_copy(update={"receipt_max_bytes": 10_000})
            fake.push_image("big", demo_receipts[0][1])
            await fake.wait_for_messages("big", 1)
            assert fake.texts("big") == [UNREADABLE]
        finally:
            await channel.stop()


async def test_console_anh_sends_a_receipt_image(
    demo_ctx: AppContext, demo_files: Path, tmp_path: Path  # noqa: F811
) -> None:
    """The console's /anh FILE reads the receipt; a text file or a missing path get clear words."""
    from bot.channels.console import run_console

    first = sorted((demo_files / "bien-nhan").glob("*.png"))[0]
    (tmp_path / "ghi-chu.txt").write_text("không phải ảnh", encoding="utf-8")
    lines = [f"/anh {first}", f"/anh {tmp_path / 'ghi-chu.txt'}", "/anh /khong/co.png", "/thoat"]
    out = io.StringIO()
    await run_console(demo_ctx, Core(demo_ctx), demo=False,
                      input_stream=io.StringIO("\n".join(lines) + "\n"), output=out)
    text = out.getvalue()
    assert f"📄 Hồ sơ {receipts(demo_files)[0][0]}" in text
    assert UNREADABLE in text and "Không tìm thấy tệp" in text
