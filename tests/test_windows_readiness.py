"""What the Windows build showed, fixed and kept fixed (issue 19): output that a cp1252 pipe could not take, fonts
that Qt's offscreen platform could not find, and the self-test saying ok regardless."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EMPTY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""


def _child(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=300,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen", **(env or {})))


def test_a_piped_report_is_utf8_whatever_the_streams_started_as() -> None:
    """A Windows pipe starts in cp1252, which cannot write "→" (the frozen app ignores PYTHONIOENCODING)."""
    run = _child("import sys; sys.stdout.reconfigure(encoding='cp1252'); from companion.cli import speak_utf8;"
                 " speak_utf8(); print('Tunai → Rp15.000 × 2')")
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    assert run.stdout == "Tunai → Rp15.000 × 2\n".encode()


def test_the_self_test_fails_when_its_output_cannot_be_encoded() -> None:
    """A report line the output cannot take is written with escapes, and the self-test fails on it (exit 1)."""
    run = _child("import io, sys; from companion import i18n; i18n.set_language('en');"
                 " from companion.self_test import run_self_test; raw = io.BytesIO();"
                 " narrow = io.TextIOWrapper(raw, encoding='ascii', errors='strict', write_through=True);"
                 " code = run_self_test(out=lambda line: print(line, file=narrow));"
                 " sys.stdout.buffer.write(raw.getvalue()); raise SystemExit(code)")
    said = run.stdout.decode("ascii")
    assert run.returncode == 1, said + run.stderr.decode(errors="replace")
    assert "FAILED   Output: " in said and "could not be written" in said
    assert "\\u2192" in said or "\\xd7" in said  # the lines themselves still arrived, escaped


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fontconfig decides the fonts here")
def test_the_self_test_fails_without_any_font(tmp_path: Path) -> None:
    """No system font and no bundled font: the font step fails and the self-test exits 1 (it said ok before)."""
    config = tmp_path / "fonts.conf"
    config.write_text(EMPTY_FONTCONFIG.format(cache=tmp_path / "cache"), encoding="utf-8")
    hide_bundled = ("import companion.gui.fonts as f; from pathlib import Path;"
                    f" f.resource_path = lambda *p: Path({str(tmp_path / 'none')!r}).joinpath(*p);"
                    " from companion.cli import main; raise SystemExit(main(['--lang', 'en', '--self-test']))")
    run = _child(hide_bundled, {"FONTCONFIG_FILE": str(config)})
    out = run.stdout.decode("utf-8", errors="replace")
    assert run.returncode == 1, out
    assert "FAILED   Fonts and PDF: Qt found no font at all" in out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fontconfig decides the fonts here")
def test_the_bundled_fonts_carry_a_machine_without_fonts(tmp_path: Path) -> None:
    """The same machine with the app's own DejaVu fonts: the font step passes and a receipt PDF holds its words."""
    config = tmp_path / "fonts.conf"
    config.write_text(EMPTY_FONTCONFIG.format(cache=tmp_path / "cache"), encoding="utf-8")
    run = _child("import tempfile; from pathlib import Path; from companion import i18n; i18n.set_language('en');"
                 " from companion.self_test_trial import Trial;"
                 " from companion.gui.self_test_fonts import fonts_and_pdf;"
                 " print(fonts_and_pdf(Trial(Path(tempfile.mkdtemp()) / 'd', None)))",
                 {"FONTCONFIG_FILE": str(config)})
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    assert "('ok', '2 font families; a receipt PDF holds its words')" in run.stdout.decode()
