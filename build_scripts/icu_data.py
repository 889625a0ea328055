"""A smaller ICU data library for the Linux app: Qt's libicudata.so.73 (32 MB) rebuilt with only the parts Qt uses.

QtCore calls ICU for four things only (its imported symbols, `objdump -T libQt6Core.so.6 | grep _73`): collation
(QCollator, ucol_*), time zone names (QTimeZone::displayName, ucal_*), text codecs beyond the built-in ones
(QStringConverter, ucnv_*) and locale-aware case mapping (u_strToUpper/Lower, whose tables live in libicuuc, not
here). No break iterators (Qt breaks lines itself), no transliteration, number spelling, units, currencies or
display names. So the data keeps: the locale tree's root, English and Indonesian bundles with the pool they share,
their collation and zone-name bundles, the root collation tables (ucadata.icu), the supplemental files the calendar
and time zones read, the converter alias table and windows-1252 (the one legacy file encoding the app reads);
everything else goes (CJK/Thai/Khmer/Lao/Burmese dictionaries, 700 other locales, 200 conversion tables...).

The library holds one exported symbol, `icudt73_dat`: an ICU "common data" package (a header, a table of contents
of item names sorted by name with offsets relative to the table, then the items, each on a 16-byte boundary). It
is read here straight from the ELF file, rewritten without the dropped items, and wrapped into a new shared
library with the same soname and symbol by the GNU assembler (`.incbin`) and linker (binutils, already a build
dependency). No ICU tool and no compiler are needed. Results are cached by the input's hash and KEEP_VERSION.

    .venv/bin/python build_scripts/icu_data.py LIBICUDATA OUT_DIR     (prints what it kept)
"""

from __future__ import annotations

import hashlib
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

KEEP_VERSION = "2"  # bump when the rules below change, so a cached library is rebuilt
LOCALES = ("root", "en", "en_US", "en_US_POSIX", "en_001", "en_ID", "id", "id_ID")
LOCALE_TREES = ("", "coll", "zone")  # the locale tree itself, collation, time zone names
TREE_FILES = ("res_index.res", "pool.res")  # each tree's list of locales and the key/string pool its bundles share
# Supplemental data read by ICU's calendar, time zone and locale code that ucal_open/ucal_getTimeZoneDisplayName
# and ucol_open reach; the converter alias table; windows-1252 (ibm-5348); the root collation tables.
TOP_FILES = ("supplementalData.res", "metadata.res", "likelySubtags.res", "keyTypeData.res", "zoneinfo64.res",
             "timezoneTypes.res", "metaZones.res", "windowsZones.res", "numberingSystems.res", "icuver.res",
             "icustd.res", "cnvalias.icu", "ibm-5348_P100-1997.cnv")
OTHER_FILES = ("coll/ucadata.icu",)
_LOCALE_FILE = re.compile(r"(?P<tree>(?:[a-z]+/)?)(?P<locale>[a-z]{2,3}(?:_[A-Za-z0-9]+)*|root)\.res")


def keep(name: str) -> bool:
    """Whether the bundle keeps an item, by its name inside the package ("coll/id.res", "zoneinfo64.res")."""
    if name in TOP_FILES or name in OTHER_FILES:
        return True
    tree, _, base = name.rpartition("/")
    if tree not in LOCALE_TREES:
        return False
    if base in TREE_FILES:
        return True
    found = _LOCALE_FILE.fullmatch(name)
    return found is not None and found["locale"] in LOCALES


# --- the package format (ICU's common data, "CmnD"; see ICU's udata.cpp and tools/toolutil/package.cpp) ---

def read_package(data: bytes) -> tuple[bytes, str, list[tuple[str, bytes]]]:
    """(header, name prefix such as "icudt73l/", [(item name without the prefix, item bytes)]) of a package."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", data, 0)
    if (magic1, magic2) != (0xDA, 0x27) or data[12:16] != b"CmnD" or data[8] != 0:
        raise ValueError("not a little-endian ICU common data package")
    toc = header_size
    (count,) = struct.unpack_from("<I", data, toc)
    entries = [struct.unpack_from("<II", data, toc + 4 + 8 * i) for i in range(count)]
    ends = [offset for _name, offset in entries[1:]] + [len(data) - toc]
    items = []
    for (name_at, data_at), end in zip(entries, ends, strict=True):
        name = data[toc + name_at:data.index(b"\0", toc + name_at)].decode("ascii")
        items.append((name, data[toc + data_at:toc + end]))
    prefix = items[0][0].split("/", 1)[0] + "/"
    if not all(name.startswith(prefix) for name, _ in items):
        raise ValueError("the package's item names do not share one prefix")
    return data[:header_size], prefix, [(name[len(prefix):], body) for name, body in items]


def write_package(header: bytes, prefix: str, items: list[tuple[str, bytes]]) -> bytes:
    """A package with these items (kept in name order: ICU finds them by binary search)."""
    items = sorted(items, key=lambda item: (prefix + item[0]).encode("ascii"))
    names = b"".join((prefix + name).encode("ascii") + b"\0" for name, _ in items)
    table_size = 4 + 8 * len(items)
    first = _align(len(header) + table_size + len(names)) - len(header)
    offsets, name_at, data_at = [], table_size, first
    for name, body in items:
        offsets.append((name_at, data_at))
        name_at += len(prefix + name) + 1
        data_at = _align(len(header) + data_at + len(body)) - len(header)
    out = bytearray(header)
    out += struct.pack("<I", len(items)) + b"".join(struct.pack("<II", *pair) for pair in offsets) + names
    for (_name, body), (_n, at) in zip(items, offsets, strict=True):
        out += PAD * (len(header) + at - len(out))
        out += body
    out += PAD * (_align(len(out)) - len(out))
    return bytes(out)


PAD = b"\xaa"  # what ICU's own packager fills the gaps with


def _align(n: int) -> int:
    return (n + 15) & ~15


# --- the shared library (ELF, 64-bit little-endian as PySide6's Linux wheels ship it) ---

def read_symbol(library: bytes) -> tuple[str, bytes]:
    """(name, bytes) of the one icudt*_dat object the library exports."""
    if library[:4] != b"\x7fELF" or library[4] != 2 or library[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF library")
    shoff, = struct.unpack_from("<Q", library, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", library, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", library, shoff + i * shentsize) for i in range(shnum)]
    for _name, kind, _flags, _addr, offset, size, link, _info, _alignment, entsize in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strings = sections[link][4]
        for at in range(offset, offset + size, entsize):
            st_name, _st_info, _other, shndx, value, st_size = struct.unpack_from("<IBBHQQ", library, at)
            name = library[strings + st_name:library.index(b"\0", strings + st_name)].decode("ascii")
            if re.fullmatch(r"icudt\d+_dat", name) and shndx:
                where = sections[shndx]
                start = value - where[3] + where[4]
                return name, library[start:start + st_size]
    raise ValueError("no icudt*_dat symbol in the library")


def wrap(symbol: str, package: bytes, soname: str, out: Path) -> None:
    """A shared library exporting `symbol` as the package, 16-byte aligned, read-only, no code, no dependencies."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "data.dat").write_bytes(package)
        (work / "data.s").write_text(
            f'\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n{symbol}:\n'
            f'\t.incbin "data.dat"\n\t.size {symbol}, . - {symbol}\n\t.section .note.GNU-stack,"",@progbits\n',
            encoding="ascii")
        subprocess.run(["as", "-o", "data.o", "data.s"], cwd=work, check=True)
        subprocess.run(["ld", "-shared", "-soname", soname, "-z", "noexecstack", "--strip-debug", "-o", "lib.so",
                        "data.o"], cwd=work, check=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / "lib.so", out)


def cache_key(library: bytes, version: str = KEEP_VERSION) -> str:
    """The folder name a trimmed library is kept under: the input's hash with the rules' version."""
    return hashlib.sha256(library + version.encode()).hexdigest()[:16]


def trimmed(library: Path, cache: Path, rule: Callable[[str], bool] = keep) -> Path:
    """The trimmed copy of `library` (same file name), built once per input and KEEP_VERSION under `cache`."""
    raw = library.read_bytes()
    out = cache / cache_key(raw) / library.name
    if out.exists():
        return out
    symbol, package = read_symbol(raw)
    header, prefix, items = read_package(package)
    kept = [item for item in items if rule(item[0])]
    for needed in ("res_index.res", "root.res", "pool.res", "coll/ucadata.icu", "zoneinfo64.res"):
        if not any(name == needed for name, _ in kept):
            raise SystemExit(f"ICU data: {needed} is not in {library}; the trimming rules need a look")
    wrap(symbol, write_package(header, prefix, kept), library.name, out)
    read_package(read_symbol(out.read_bytes())[1])  # reads back, or the build stops here
    return out


def main(argv: list[str]) -> int:
    source, folder = Path(argv[0]), Path(argv[1])
    symbol, package = read_symbol(source.read_bytes())
    _header, _prefix, items = read_package(package)
    out = trimmed(source, folder)
    kept = [(name, len(body)) for name, body in items if keep(name)]
    for name, size in kept:
        print(f"{size:>9} {name}")
    print(f"{symbol}: kept {len(kept)} of {len(items)} items, {sum(s for _, s in kept)} of {len(package)} bytes; "
          f"{out} is {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
