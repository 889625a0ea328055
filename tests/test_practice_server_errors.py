"""The practice marketplace keeps quiet when an app goes away mid-call, and logs real failures."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from companion.practice.server import PracticeMarketplace


def test_a_client_gone_mid_answer_prints_nothing_and_other_failures_are_logged(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    market = PracticeMarketplace(tmp_path / "practice").start()
    try:
        server = market._httpd
        assert server is not None
        for gone in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset")):
            try:
                raise gone
            except ConnectionError:
                server.handle_error(None, ("127.0.0.1", 5555))
        assert capsys.readouterr().err == "" and not caplog.records
        with caplog.at_level(logging.ERROR, logger="companion.practice"):
            try:
                raise ValueError("a bug in a practice handler")
            except ValueError:
                server.handle_error(None, ("127.0.0.1", 5555))
        assert capsys.readouterr().err == ""
        assert [r.exc_info[1].args[0] for r in caplog.records if r.exc_info] == ["a bug in a practice handler"]
    finally:
        market.stop()
