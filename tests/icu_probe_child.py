"""Run by tests/test_icu_data.py in a fresh process (possibly with a trimmed libicudata preloaded): prints as JSON
everything Qt computes with ICU for Indonesian and English, and which ICU data library the process loaded."""

from __future__ import annotations

import json
import os
import sys

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QBuffer, QByteArray, QCollator, QLocale, QStringDecoder, Qt, QTimeZone, QXmlStreamReader

LOCALES = ("id_ID", "id", "en_US", "en_GB", "C")
TIME_TYPES = (QTimeZone.TimeType.StandardTime, QTimeZone.TimeType.DaylightTime, QTimeZone.TimeType.GenericTime)
NAME_TYPES = (QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName, QTimeZone.NameType.OffsetName)
WORDS = ["Écrou", "ecrou", "Ecrou", "apel", "Apel", "anggur", "Anggur", "ñandu", "nanas", "zaitun", "Ä", "a", "b",
         "item 10", "item 9", "item-2", "item 2", "Çabe", "cabe", "ß", "ss", "straße", "Strasse", "日本", "한국", "ไทย",
         "Ω", "ω", "1", "10", "2", "", " ", "a-b", "ab", "a b", "İstanbul", "ıi"]


def collation() -> dict[str, object]:
    out: dict[str, object] = {}
    for name in LOCALES:
        for case in (Qt.CaseSensitivity.CaseSensitive, Qt.CaseSensitivity.CaseInsensitive):
            for numeric in (False, True):
                for punctuation in (False, True):
                    collator = QCollator(QLocale(name))
                    collator.setCaseSensitivity(case)
                    collator.setNumericMode(numeric)
                    collator.setIgnorePunctuation(punctuation)
                    key = f"{name} {case.name} {numeric} {punctuation}"
                    keys = [collator.sortKey(w) for w in WORDS]
                    order = sorted(range(len(WORDS)), key=keys.__getitem__)
                    out[key] = [order, [collator.compare(a, b) for a in WORDS for b in WORDS]]
        locale = QLocale(name)
        out[f"case {name}"] = [locale.toUpper(w) for w in WORDS] + [locale.toLower(w) for w in WORDS]
    return out


def zone_names() -> dict[str, object]:
    zones = [bytes(z.data()).decode() for z in QTimeZone.availableTimeZoneIds()]
    out: dict[str, object] = {"zones": zones}
    for name in LOCALES:
        locale = QLocale(name)
        shown = []
        for zone in zones:
            tz = QTimeZone(zone.encode())
            for kind in TIME_TYPES:
                for style in NAME_TYPES:
                    shown.append(tz.displayName(kind, style, locale))
        out[f"zones {name}"] = shown
    return out


def codecs() -> dict[str, object]:
    """windows-1252 (and the built-in ones) decoded through Qt's named-codec path (QXmlStreamReader's declaration)."""
    body = bytes(b for b in range(32, 256) if b not in b"<>&")
    out: dict[str, object] = {}
    for name in ("windows-1252", "cp1252", "Windows-1252", "ISO-8859-1", "UTF-8", "US-ASCII"):
        buffer = QBuffer()
        buffer.setData(QByteArray(b'<?xml version="1.0" encoding="' + name.encode() + b'"?><a>' + body + b"</a>"))
        buffer.open(QBuffer.OpenModeFlag.ReadOnly)
        reader = QXmlStreamReader(buffer)
        reader.readNextStartElement()
        out[name] = [QStringDecoder(name).isValid(), reader.readElementText(), reader.errorString()]
    return out


def loaded_icu_data() -> str:
    with open("/proc/self/maps", encoding="utf-8") as maps:
        return next((line.split()[-1] for line in maps if "libicudata" in line), "")


if __name__ == "__main__":
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    json.dump({"collation": collation(), "zones": zone_names(), "codecs": codecs(), "library": loaded_icu_data()},
              sys.stdout, ensure_ascii=False)
