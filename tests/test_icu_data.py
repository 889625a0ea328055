"""The Linux build's smaller ICU data library (build_scripts/icu_data.py): its package reader and writer give back
Qt's 32 MB library byte for byte, and Qt computes the same with the trimmed library as with the whole one for
Indonesian and English: collation, case mapping, every time zone's names, the windows-1252 codec."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "build_scripts"))
import icu_data  # noqa: E402

QT_LIB = Path(str(__import__("PySide6").__file__)).parent / "Qt" / "lib"
LIBRARY = next(iter(sorted(QT_LIB.glob("libicudata.so.*"))), None)
pytestmark = pytest.mark.skipif(LIBRARY is None, reason="PySide6 ships its own ICU only in its Linux wheels")


def test_the_package_reads_and_writes_back_byte_for_byte() -> None:
    assert LIBRARY is not None
    symbol, package = icu_data.read_symbol(LIBRARY.read_bytes())
    header, prefix, items = icu_data.read_package(package)
    assert symbol.startswith("icudt") and prefix == symbol.replace("_dat", "l/")
    assert len(items) > 3000 and ("coll/ucadata.icu" in dict(items))
    assert icu_data.write_package(header, prefix, items) == package


def test_the_rules_keep_root_indonesian_and_english_only() -> None:
    kept = ["root.res", "id.res", "id_ID.res", "en.res", "coll/id.res", "coll/root.res", "zone/id.res", "pool.res",
            "zone/pool.res", "coll/res_index.res", "coll/ucadata.icu", "zoneinfo64.res", "ibm-5348_P100-1997.cnv"]
    dropped = ["fr.res", "coll/zh.res", "zone/ja.res", "brkitr/cjdict.dict", "brkitr/id.res", "translit/root.res",
               "curr/id.res", "unames.icu", "gb18030.cnv", "lang/en.res", "zone/fr_CA.res", "idx.res"]
    assert [name for name in kept if not icu_data.keep(name)] == []
    assert [name for name in dropped if icu_data.keep(name)] == []


def probe(preload: Path | None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    if preload is not None:
        env["LD_PRELOAD"] = str(preload)  # the same soname: libicuuc takes this one instead of Qt's
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "icu_probe_child.py")], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_qt_computes_the_same_with_the_trimmed_library(tmp_path: Path) -> None:
    assert LIBRARY is not None
    small = icu_data.trimmed(LIBRARY, tmp_path)
    assert small.stat().st_size < LIBRARY.stat().st_size / 10
    whole, trimmed = probe(None), probe(small)
    assert whole["library"] == str(LIBRARY.resolve()) and trimmed["library"] == str(small)
    for part in ("collation", "zones", "codecs"):
        assert trimmed[part] == whole[part], part
    assert trimmed["codecs"]["windows-1252"][0] is True  # type: ignore[index]
    assert "Waktu Indonesia Barat" in trimmed["zones"]["zones id_ID"]  # type: ignore[index]


def test_a_cached_library_is_reused_and_the_cache_key_follows_the_rules(tmp_path: Path) -> None:
    assert LIBRARY is not None
    first = icu_data.trimmed(LIBRARY, tmp_path)
    stamp = first.stat().st_mtime_ns
    assert icu_data.trimmed(LIBRARY, tmp_path) == first and first.stat().st_mtime_ns == stamp
    assert first.parent.name != icu_data.cache_key(LIBRARY.read_bytes(), "another version")
