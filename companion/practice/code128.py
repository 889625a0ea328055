"""Code 128 barcodes for the practice marketplace's shipping labels: the bars of a text in code set B (printable
ASCII), as (x, width) modules ready to draw as filled rectangles. Written here so the practice part needs no
barcode library; the symbol widths are those of ISO/IEC 15417."""

from __future__ import annotations

# Bar/space widths of symbol values 0–106, each bar-space-bar-space-bar-space (the stop adds a final bar).
PATTERNS = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
    "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
    "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
    "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
    "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
    "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
    "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
    "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
    "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
    "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
)
START_B, STOP = 104, 106
QUIET = 10  # modules of white space either side, as the standard asks


def values(text: str) -> list[int]:
    """The symbol values of `text` in code set B with start, check and stop symbols."""
    if not text or any(not 32 <= ord(ch) <= 126 for ch in text):
        raise ValueError("code 128 set B takes printable ASCII only")
    data = [ord(ch) - 32 for ch in text]
    check = (START_B + sum(i * v for i, v in enumerate(data, start=1))) % 103
    return [START_B, *data, check, STOP]


def bars(text: str) -> tuple[list[tuple[int, int]], int]:
    """The dark bars as (start module, width in modules) and the whole width in modules, quiet zones included."""
    found: list[tuple[int, int]] = []
    x = QUIET
    for value in values(text):
        for i, width in enumerate(int(w) for w in PATTERNS[value]):
            if i % 2 == 0:
                found.append((x, width))
            x += width
    return found, x + QUIET


def decode(widths: list[int]) -> str:
    """Read back the text from alternating bar/space widths (start symbol first, stop last): the tests' check
    that what is drawn is what was meant."""
    symbols = [PATTERNS.index("".join(str(w) for w in widths[i:i + 6])) for i in range(0, len(widths) - 7, 6)]
    if symbols[0] != START_B or "".join(str(w) for w in widths[-7:]) != PATTERNS[STOP]:
        raise ValueError("not a code 128 set B symbol")
    data, check = symbols[1:-1], symbols[-1]
    if (START_B + sum(i * v for i, v in enumerate(data, start=1))) % 103 != check:
        raise ValueError("code 128 check symbol does not match")
    return "".join(chr(v + 32) for v in data)
