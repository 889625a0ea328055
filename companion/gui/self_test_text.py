"""The self-test's text step (Qt stays inside companion/gui/): what Qt does with its ICU library, which the Linux
build ships trimmed to the root, Indonesian and English data (build_scripts/icu_data.py). Sorting as people read
it (QCollator: the file dialog sorts names with it), the Indonesian time zone names, the windows-1252 codec, and
Indonesian text broken into lines on paper-narrow widths (Qt's own line breaking), with a cp1252 file read the way
the app reads product lists."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCollator, QLocale, QPointF, QStringDecoder, QTimeZone
from PySide6.QtGui import QFont, QFontMetricsF, QImage, QPainter, QTextLayout, QTextOption

from companion.gui.app import application
from companion.i18n import tr
from companion.self_test_trial import FAILED, OK, Outcome, Trial
from companion.store.tabular_files import read_rows

WORDS = ["zaitun", "Émping", "cabe 10", "Apel", "cabe 9", "anggur"]
SORTED = ["anggur", "Apel", "cabe 9", "cabe 10", "Émping", "zaitun"]  # accents and numbers as a person sorts them
ZONES = {"Asia/Jakarta": "Waktu Indonesia Barat", "Asia/Makassar": "Waktu Indonesia Tengah",
         "Asia/Jayapura": "Waktu Indonesia Timur"}
PARAGRAPH = ("Terima kasih sudah berbelanja di toko kami. Barang yang sudah dibeli dapat ditukar dalam tujuh hari "
             "dengan menunjukkan struk ini.")
CP1252_ROW = "Kopi Gayo – spesial;Rp 15.000;€"


def text_and_sorting(trial: Trial) -> Outcome:
    """Collation, zone names and the codec from the ICU Qt carries on Linux; line breaking and drawing from Qt;
    cp1252 from Python. On Windows and macOS Qt asks the system for the first three: nothing of ours to check."""
    application()  # fonts need the application object
    found: list[str] = []
    if sys.platform.startswith("linux"):
        problem, found = _icu_checks()
        if problem:
            return FAILED, problem
    lines = _broken_lines(PARAGRAPH, 220)
    if len(lines) < 3 or " ".join(line.strip() for line in lines) != PARAGRAPH:
        return FAILED, tr("Indonesian text was not broken into whole-word lines")
    path = trial.folder / "self-test-cp1252.csv"
    path.write_bytes(f"Nama;Harga;Mata uang\r\n{CP1252_ROW}\r\n".encode("cp1252"))
    rows = list(read_rows(path))
    if ";".join(str(cell) for cell in rows[-1]) != CP1252_ROW:
        return FAILED, tr("a windows-1252 product file was read wrongly")
    found.append(tr("{n} lines on a narrow page; a windows-1252 file read", n=len(lines)))
    return OK, "; ".join(found)


def _icu_checks() -> tuple[str, list[str]]:
    """(what is wrong or "", what was found) for ICU's collation, Indonesian zone names and windows-1252."""
    indonesian = QLocale("id_ID")
    collator = QCollator(indonesian)
    collator.setNumericMode(True)
    order = sorted(WORDS, key=collator.sortKey)
    if order != SORTED or collator.compare("apel", "Apel") >= 0:
        return tr("names are sorted wrongly: {order}", order=", ".join(order)), []
    for zone, name in ZONES.items():
        shown = QTimeZone(zone.encode()).displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName,
                                                     indonesian)
        if shown != name:
            return tr("the time zone {zone} is named \"{shown}\", expected \"{name}\"", zone=zone, shown=shown,
                      name=name), []
    if not QStringDecoder("windows-1252").isValid():
        return tr("Qt cannot read the windows-1252 text encoding"), []
    return "", [" < ".join(order), ", ".join(ZONES.values())]


def _broken_lines(text: str, width: float) -> list[str]:
    """`text` laid out in lines at most `width` pixels wide and drawn onto an image, as the receipt preview does."""
    font = QFont()
    font.setPointSize(10)
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    height = QFontMetricsF(font).lineSpacing()
    layout.beginLayout()
    lines: list[str] = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        line.setPosition(QPointF(0, height * len(lines)))
        lines.append(text[line.textStart():line.textStart() + line.textLength()])
    layout.endLayout()
    image = QImage(int(width), int(height * (len(lines) + 1)), QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    layout.draw(painter, QPointF(0, 0))
    painter.end()
    return lines
