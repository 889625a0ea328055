"""Text as the bytes every thermal printer prints the same: plain ASCII.

Cheap 58 mm printers differ in which code pages they know, and escpos's automatic code-page switching (ESC t n)
prints rubbish on the ones that ignore the switch. Indonesian needs no accents, so letters with marks lose them
(é → e), a few signs get their ASCII look-alike (× → x, – → -, “ ” → "), and anything else becomes "?". Never
an error: a product named in another script still prints its numbers and the receipt goes out.
"""

from __future__ import annotations

import unicodedata

_LOOK_ALIKES = str.maketrans({
    "×": "x", "÷": "/", "–": "-", "—": "-", "−": "-", "‘": "'", "’": "'", "‚": ",", "“": '"', "”": '"',
    "„": '"', "…": "...", "•": "*", "·": ".", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "°": "o", "ß": "ss",
    "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "€": "EUR", "£": "GBP", "©": "(c)", "®": "(R)",
    "™": "TM", "\u2044": "/", "\t": " ",
})


def ascii_text(text: str) -> str:
    """`text` in printable ASCII (newlines kept), same meaning as far as a receipt goes."""
    folded = unicodedata.normalize("NFKD", text.translate(_LOOK_ALIKES)).translate(_LOOK_ALIKES)
    out = []
    for ch in folded:
        if unicodedata.combining(ch):
            continue
        if ch == "\n" or " " <= ch <= "~":
            out.append(ch)
        else:
            out.append("?")
    return "".join(out)
