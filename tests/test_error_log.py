"""The support log: secrets never reach the file (messages, arguments, tracebacks), it rotates, unexpected
exceptions on any thread land in it, and the command line answers a broken file with one sentence."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion import error_log
from companion.error_log import close_logging, install_logging, log_path
from companion.log_scrubbing import remember_secret, scrub
from companion.store.secrets import get_secret, set_secret
from tests.conftest import MemoryKeyring

KEYRING_SECRET = "kr-Shopee-AccessToken-5f2a9c"
URL_TOKEN = "urltoken7788AA"
URL_SIGN = "c0ffee5ign"
JSON_REFRESH = "json-refresh-4242"
BEARER = "eyJhbGciOi.bearer.part"
APP_SECRET = "tiktok-app-secret-99"
PASSWORD = "hunter2-rahasia"
PATTERN_SECRETS = [URL_TOKEN, URL_SIGN, JSON_REFRESH, BEARER, APP_SECRET, PASSWORD]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def clean_logging() -> Iterator[None]:
    """Each test gets its own log file and leaves the process's hooks as it found them."""
    hooks, presenters = (sys.excepthook, threading.excepthook), list(error_log._presenters)
    error_log._presenters.clear()  # no GUI dialog from an earlier test's reporter here
    yield
    close_logging()
    sys.excepthook, threading.excepthook = hooks
    error_log._presenters[:] = presenters


def leaky_text(keyring_secret: str) -> str:
    return (f"GET https://partner.shopeemobile.com/api/v2/order?partner_id=77&access_token={URL_TOKEN}"
            f"&sign={URL_SIGN}&timestamp=1 answered "
            f'{{"refresh_token": "{JSON_REFRESH}", "expire_in": 14400}} '
            f"headers {{'Authorization': 'Bearer {BEARER}'}} form app_secret={APP_SECRET}&shop_id=5 "
            f"password: {PASSWORD} keyring value {keyring_secret}")


def read_logs(data_dir: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(log_path(data_dir).parent.iterdir()))


def fail_with(text: str) -> None:
    try:
        raise ConnectionError(text)
    except ConnectionError as inner:
        raise RuntimeError(f"round failed after: {text}") from inner


def test_no_secret_reaches_the_log_file(data_dir: Path) -> None:
    set_secret("shopee-1", "access_token", KEYRING_SECRET)  # the store registers it with the scrubber
    # a shop's credentials are kept as one JSON object; its fields travel alone
    set_secret("lazada-1", "credentials", json.dumps({"app_key": "112233", "app_secret": "lz-secret-8080",
                                                      "access_token": "lz-access-5150",
                                                      "base_url": "https://api.lazada.co.id/rest"}))
    path = install_logging(data_dir)
    log = logging.getLogger("companion.sync.test")
    log.warning("token lz-access-5150 expired at https://api.lazada.co.id/rest (secret lz-secret-8080)")
    text = leaky_text(KEYRING_SECRET)
    log.warning("plain message %s", text)
    log.info(text)
    try:
        fail_with(text)
    except RuntimeError:
        log.exception("sync round failed")
    log.error("with a stack", stack_info=True, extra={"x": KEYRING_SECRET})
    logging.getLogger("urllib3.connectionpool").warning('"GET /api?access_token=%s HTTP/1.1" 200', URL_TOKEN)

    written = path.read_text(encoding="utf-8")
    for secret in [KEYRING_SECRET, *PATTERN_SECRETS, "lz-access-5150", "lz-secret-8080"]:
        assert secret not in written, secret
    assert "token *** expired at https://api.lazada.co.id/rest" in written
    # the rest of each line is kept, so the log still helps support
    assert "partner_id=77" in written and "shop_id=5" in written and '"expire_in": 14400' in written
    assert "Traceback (most recent call last)" in written and "ConnectionError" in written
    assert "The above exception was the direct cause" in written  # the chained cause is there, scrubbed
    assert "WARNING [MainThread] companion.sync.test: plain message" in written


def test_a_secret_read_from_the_keyring_is_masked_too(data_dir: Path, memory_keyring: MemoryKeyring) -> None:
    stored = "lazada-refresh-read-only-31337"
    memory_keyring.items[("SellerCompanion", "lazada-1:refresh_token")] = stored  # put there by an earlier run
    assert stored in scrub(f"value {stored}")  # unknown until the app reads it
    assert get_secret("lazada-1", "refresh_token") == stored
    path = install_logging(data_dir)
    logging.getLogger("companion").error("token was %s, quoted %r, url-encoded %s", stored, stored,
                                         "lazada-refresh-read-only-31337".replace("-", "%2D"))
    written = path.read_text(encoding="utf-8")
    assert stored not in written and "token was ***, quoted '***'" in written


def test_scrubbing_leaves_ordinary_text_alone() -> None:
    remember_secret(None)
    remember_secret("")
    remember_secret("abc")  # too short to mask without masking ordinary words
    remember_secret('{"broken json')
    remember_secret('["a list", "of words"]')
    ordinary = "Product code: A1 has sign on the box; error_code=5 design=3 abc Rp15.000 token_type=Bearer; of words"
    assert scrub(ordinary) == ordinary
    assert scrub("?code=AUTH123&state=x") == "?code=***&state=x"
    assert scrub("https://user:pa55word@host/x") == "https://user:***@host/x"
    assert scrub("Creds(app_key='A1', access_token=\"t o k\")") == "Creds(app_key='***', access_token='***')"


def test_the_log_rotates_into_numbered_files(data_dir: Path) -> None:
    path = install_logging(data_dir, max_bytes=2_000, backup_count=2)
    log = logging.getLogger("companion.rotation")
    for n in range(200):
        log.info("line %03d %s", n, "x" * 40)
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == ["companion.log", "companion.log.1", "companion.log.2"]
    assert all(p.stat().st_size <= 2_000 for p in path.parent.iterdir())
    assert "line 199" in path.read_text(encoding="utf-8")  # the newest lines are in the current file


def test_an_exception_on_another_thread_is_logged_scrubbed_and_presented(data_dir: Path) -> None:
    set_secret("tiktok-1", "app_secret", KEYRING_SECRET)
    path = install_logging(data_dir)
    presented: list[tuple[BaseException, str]] = []
    error_log.add_presenter(lambda exc, text: presented.append((exc, text)))
    worker = threading.Thread(target=fail_with, args=(leaky_text(KEYRING_SECRET),), name="sync-test")
    worker.start()
    worker.join()
    written = path.read_text(encoding="utf-8")
    assert "Unexpected error in sync-test" in written and "RuntimeError: round failed after" in written
    assert len(presented) == 1 and isinstance(presented[0][0], RuntimeError)
    for secret in [KEYRING_SECRET, *PATTERN_SECRETS]:
        assert secret not in written and secret not in presented[0][1], secret


def test_a_log_file_that_cannot_be_written_stays_quiet(data_dir: Path, capfd: pytest.CaptureFixture[str]) -> None:
    install_logging(data_dir)
    handler = error_log._handler
    assert handler is not None and handler.stream is not None
    handler.stream.close()  # as when the disk goes away under the app
    logging.getLogger("companion").error("cannot write %s", URL_TOKEN)
    captured = capfd.readouterr()
    assert URL_TOKEN not in captured.err and "Logging error" not in captured.err


def test_the_command_line_answers_a_broken_data_file_with_one_sentence(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "companion.sqlite3").write_bytes(b"this is not a database, it was cut in half" * 50)
    orders = tmp_path / "orders.csv"
    orders.write_text("Order ID,Status\n1,Completed\n", encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COMPANION_DATA_DIR": str(folder)}
    done = subprocess.run([sys.executable, "-m", "companion", "--lang", "en", "import", str(orders)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 1
    log_file = folder / "logs" / "companion.log"
    lines = done.stderr.strip().splitlines()
    assert lines == [f"Something went wrong and nothing was saved. Try again; if it keeps happening, send the log "
                     f"file to support: {log_file}"], done.stderr
    written = log_file.read_text(encoding="utf-8")
    assert "Unexpected error in companion import" in written and "DatabaseError" in written


def test_a_command_run_in_process_leaves_the_hooks_and_log_as_it_found_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from companion import cli

    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "companion.sqlite3").write_bytes(b"\x00garbage" * 300)
    hooks = sys.excepthook, threading.excepthook
    code = cli.main(["--lang", "en", "import", str(tmp_path / "missing.csv"), "--data-dir", str(folder)])
    assert code == 1
    assert capsys.readouterr().err.startswith("Something went wrong and nothing was saved.")
    assert (sys.excepthook, threading.excepthook) == hooks and error_log.current_log_path() is None
    assert "DatabaseError" in (folder / "logs" / "companion.log").read_text(encoding="utf-8")
