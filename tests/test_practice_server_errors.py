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


def test_stop_knocks_instead_of_waiting_for_the_idle_wake(tmp_path: Path) -> None:
    """The server thread sleeps IDLE_WAKE_S between connections (it woke every 0.1 s: ~0.1 s of CPU a minute in
    practice mode); stop() ends its wait by connecting, so it neither hangs nor waits the interval out, even
    while a client holds a keep-alive connection open."""
    import socket
    import time

    from companion.practice.server import IDLE_WAKE_S

    assert IDLE_WAKE_S >= 5
    market = PracticeMarketplace(tmp_path / "practice").start()
    thread = market._thread
    assert thread is not None and thread.is_alive()
    held = socket.create_connection((market.host, market.port))
    time.sleep(0.3)  # accepted: the server thread is back in its wait
    started = time.monotonic()
    market.stop()
    took = time.monotonic() - started
    held.close()
    assert not thread.is_alive() and took < IDLE_WAKE_S / 2
