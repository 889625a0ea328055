"""QRIS on screen: the code with the amount, painted from segno's matrix, read back by zxing-cpp from a grab at
1366×768; the sticker photo (made here with segno, scaled, turned, noisy) read into Pengaturan → QRIS toko."""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import segno
import zxingcpp
from PIL import Image, ImageFilter
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QScrollArea
from pytestqt.qtbot import QtBot

from companion import i18n
from companion.domain.errors import UserError
from companion.domain.qris import read_qris, with_amount
from companion.gui.context import AppContext
from companion.gui.pages.settings import SettingsPage
from companion.gui.qris_code import MIN_MODULE, QrisCode
from companion.gui.qris_photo import NO_CODE, NOT_A_PICTURE, QR_ONLY, read_sticker_photo
from companion.gui.qris_setup import QrisSetup
from companion.i18n import tr
from companion.services.qris import save_static_payload, static_payload
from tests.layout_check import check_layout
from tests.qris_samples import PUBLISHED_DYNAMIC, PUBLISHED_STATIC, decode

SHOTS = Path("/tmp/w/shots18/qris")
STATIC = PUBLISHED_STATIC["GREEN PAW"]


@pytest.fixture
def ctx(qtbot: QtBot, data_dir: Path) -> Iterator[AppContext]:
    context = AppContext(data_dir)
    yield context
    context.close()


def _read(image: Image.Image) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(image, formats=QR_ONLY)]


def _pil(image: QImage) -> Image.Image:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    return Image.frombytes("RGB", (rgb.width(), rgb.height()), bytes(rgb.constBits())[:rgb.sizeInBytes()],
                           "raw", "RGB", rgb.bytesPerLine())


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720), (520, 420)])
def test_the_code_on_screen_reads_back_with_the_exact_amount(qtbot: QtBot, size: tuple[int, int]) -> None:
    payload = with_amount(STATIC, 87_500)
    widget = QrisCode()
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.set_payload(payload)
    widget.show()
    image = widget.grab().toImage()
    read = _read(_pil(image))
    assert read == [payload], "zxing-cpp reads exactly the payload from the painted widget"
    fields = dict(decode(read[0]))  # and the test's own decoder agrees on CRC, initiation and amount
    assert (fields["01"], fields["54"]) == ("12", "87500")
    if size[1] >= 720:
        assert widget.module_pixels() >= MIN_MODULE, "big enough for a phone across the counter"
    SHOTS.mkdir(parents=True, exist_ok=True)
    image.save(str(SHOTS / f"code-{size[0]}x{size[1]}.png"))


def test_the_caption_shows_the_amount_and_the_merchant(qtbot: QtBot) -> None:
    widget = QrisCode()
    qtbot.addWidget(widget)
    widget.set_payload(with_amount(STATIC, 15_000))
    assert widget._caption == ("Rp15.000", "GREEN PAW")
    widget.set_payload("")
    assert widget.module_pixels() == 0 and widget._caption == ("", "")


def _sticker(tmp_path: Path, payload: str, turn: float = 0.0, noise: bool = False, name: str = "s.jpg") -> Path:
    """A sticker photo: the code on a white card with a margin, scaled up, maybe turned and speckled."""
    png = tmp_path / "code.png"
    segno.make(payload, error="m").save(str(png), scale=6, border=4)
    code = Image.open(png).convert("RGB")
    card = Image.new("RGB", (code.width + 400, code.height + 600), (230, 30, 40))  # a red QRIS-like frame
    card.paste(code, (200, 300))
    card = card.resize((card.width * 2, card.height * 2), Image.Resampling.BILINEAR)
    if turn:
        card = card.rotate(turn, expand=True, fillcolor=(200, 200, 200))
    if noise:
        rng = random.Random(18)
        pixels = card.load()
        assert pixels is not None
        for _ in range(card.width * card.height // 40):
            x, y = rng.randrange(card.width), rng.randrange(card.height)
            pixels[x, y] = (rng.randrange(256),) * 3
        card = card.filter(ImageFilter.GaussianBlur(1.2))
    path = tmp_path / name
    card.save(path, quality=85)
    return path


@pytest.mark.parametrize(("turn", "noise"), [(0.0, False), (90.0, False), (12.0, True), (180.0, True)])
def test_a_sticker_photo_reads_back(tmp_path: Path, turn: float, noise: bool) -> None:
    assert read_sticker_photo(_sticker(tmp_path, STATIC, turn, noise)) == STATIC


def test_a_photo_without_a_code_or_not_a_picture_is_one_sentence(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", (800, 600), "white").save(blank)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    huge = tmp_path / "huge.png"  # a header claiming 30000×30000 pixels: refused before anything is decoded
    ihdr = struct.pack(">IIBBBBB", 30_000, 30_000, 8, 0, 0, 0, 0)
    huge.write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr
                     + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr)) + b"\x00" * 64)
    for path, msgid in ((blank, NO_CODE), (broken, NOT_A_PICTURE), (tmp_path / "missing.png", NOT_A_PICTURE),
                        (huge, NOT_A_PICTURE)):
        with pytest.raises(UserError) as caught:
            read_sticker_photo(path)
        assert caught.value.msgid == msgid


def test_setup_reads_the_photo_shows_the_merchant_and_saves(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    setup = QrisSetup(ctx)
    qtbot.addWidget(setup)
    setup.show()
    assert not setup.save_button.isEnabled() and setup.forget_button.isHidden()
    setup.read_photo(_sticker(tmp_path, STATIC, 8.0, True))
    qtbot.waitUntil(lambda: setup.text.toPlainText() == STATIC)
    assert "GREEN PAW" in setup.found.text() and "TANGSEL" in setup.found.text()
    assert "ID1021081861606" in setup.found.text() and not setup.problem.text()
    setup.save_button.click()
    assert static_payload(ctx.db) == STATIC
    assert "GREEN PAW" in setup.saved.text() and setup.text.toPlainText() == ""
    assert not setup.forget_button.isHidden()


def test_setup_refuses_a_code_from_another_sale_and_a_damaged_one(qtbot: QtBot, ctx: AppContext) -> None:
    setup = QrisSetup(ctx)
    qtbot.addWidget(setup)
    for text in (PUBLISHED_DYNAMIC[0], STATIC[:-1] + "0", "halo"):
        setup.text.setPlainText(text)
        assert setup.problem.text() and not setup.save_button.isEnabled() and not setup.found.text()
    setup.text.setPlainText(STATIC)
    assert setup.save_button.isEnabled() and not setup.problem.text()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_screenshot_of_the_setup_section(qtbot: QtBot, ctx: AppContext, lang: str) -> None:
    i18n.set_language(lang)
    try:
        save_static_payload(ctx.db, STATIC)
        page = SettingsPage(ctx)
        qtbot.addWidget(page)
        page.resize(1366, 768)
        page.show()
        page.qris.text.setPlainText(PUBLISHED_STATIC["SPIN"])
        page.qris.ensurePolished()
        area = page.findChild(QScrollArea)
        assert area is not None, "the Settings page scrolls"
        area.ensureWidgetVisible(page.qris, 0, 0)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.grab().save(str(SHOTS / f"setup-{lang}-1366x768.png"))
        page.qris.grab().save(str(SHOTS / f"setup-card-{lang}.png"))
        assert page.qris.found.text().startswith(tr("Check that this is your shop:"))
        assert check_layout(page.qris) == []
        assert read_qris(static_payload(ctx.db)).merchant_name in page.qris.saved.text()
    finally:
        i18n.set_language("id")



def test_the_qris_wins_over_another_code_in_the_same_photo(tmp_path: Path) -> None:
    link, code = tmp_path / "link.png", tmp_path / "code.png"
    segno.make("https://example.com/download-our-app").save(str(link), scale=8, border=4)
    segno.make(STATIC, error="m").save(str(code), scale=8, border=4)
    left, right = Image.open(link).convert("RGB"), Image.open(code).convert("RGB")
    card = Image.new("RGB", (left.width + right.width + 100, max(left.height, right.height) + 100), "white")
    card.paste(left, (30, 30))
    card.paste(right, (left.width + 70, 30))
    photo = tmp_path / "two.png"
    card.save(photo)
    assert read_sticker_photo(photo) == STATIC
