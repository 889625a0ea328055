"""`companion --self-test`: proves an installed (or frozen) app has everything it needs, without a screen and
without touching the shop's data. One line per step (ok / warning / FAILED and why), exit 0 or 1.

The steps live in companion/self_test_steps.py; this file runs them in order on a temporary data folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from companion import i18n, version_text
from companion.i18n import tr
from companion.self_test_trial import FAILED, OK, WARNING, StepSkipped, Trial


def run_self_test(copy_from: Path | None = None, out: Callable[[str], object] = print) -> int:
    """Run every step on a new temporary data folder (a copy of `copy_from`'s data when given); 0 when none failed."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything loads Qt
    from companion.self_test_steps import steps

    out, unwritable = _guarded(out)

    out(tr("Seller Companion self-test, version {version}.", version=version_text()))
    folder = Path(tempfile.mkdtemp(prefix="companion-self-test-"))
    trial = Trial(folder / "data", copy_from)
    language = i18n.language()
    counts = {OK: 0, WARNING: 0, FAILED: 0}
    try:
        for name, step in steps():
            status, reason = _run_step(trial, step)
            i18n.set_language(language)  # a step may switch language; the report stays in one
            counts[status] += 1
            out(f"{status:<8} {tr(name)}: {reason}")
    finally:
        trial.close()
        shutil.rmtree(folder, ignore_errors=True)
    if unwritable:
        counts[FAILED] += 1
        out(f"{FAILED:<8} {tr('Output')}: " + tr("{count} lines could not be written in this output's encoding",
                                                  count=len(unwritable)))
    out(tr("Self-test done: {ok} ok, {warnings} with a warning, {failed} failed.", ok=counts[OK],
           warnings=counts[WARNING], failed=counts[FAILED]))
    return 1 if counts[FAILED] else 0


def _guarded(out: Callable[[str], object]) -> tuple[Callable[[str], None], list[str]]:
    """`out` that never crashes the report: a line the output cannot encode (a Windows pipe in cp1252 before
    cli.speak_utf8) is written with escapes instead and remembered, and the self-test then fails on it."""
    unwritable: list[str] = []

    def write(text: str) -> None:
        try:
            out(text)
        except UnicodeEncodeError:
            unwritable.append(text)
            out(text.encode("ascii", "backslashreplace").decode("ascii"))
    return write, unwritable


def _run_step(trial: object, step: Callable[[object], tuple[str, str]]) -> tuple[str, str]:
    """A step that raises has failed; its reason is the error in one line (a UserError in its own words)."""
    from companion.domain.errors import UserError

    try:
        return step(trial)
    except StepSkipped as exc:
        return FAILED, str(exc)
    except UserError as exc:
        return FAILED, exc.message()
    except Exception as exc:  # the point of a self-test: any error is a finding, reported, never a crash
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return FAILED, f"{type(exc).__name__}: {first}" if first else type(exc).__name__
