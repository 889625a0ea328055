"""Our own Secret Service backend (store/secret_service.py) against a real one: a private D-Bus session bus with
gnome-keyring on it, unlocked with a test password. Secrets go in, come back, are overwritten and forgotten through the
store's secret functions; keyring's own SecretService backend (secretstorage, as earlier versions of the app used)
sees the same items; a locked store and a missing one each give their plain sentence.

The bus starts no services by itself (no activation), so nothing on the developer's desktop is reached and no
unlock dialog can appear: an unlock request is refused at once, as when the person closes the dialog.
./dev test installs dbus-daemon and gnome-keyring (ensure_debs).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection
from keyring.backend import KeyringBackend
from keyring.backends import SecretService, fail

from companion.domain.errors import UserError
from companion.store import secrets
from companion.store.secret_service import BUS_NAME, SERVICE_PATH, service_answers

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Secret Service is Linux's")

OURS = "companion.store.secret_service.SecretServiceKeyring"
LOGIN = "/org/freedesktop/secrets/collection/login"
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: ./dev test installs it (dbus-daemon, gnome-keyring)")
    return path


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """Socket paths must stay under 108 bytes, which pytest's tmp_path does not promise."""
    folder = Path(tempfile.mkdtemp(prefix="ss-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def session_bus(short_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private session bus for this test alone; its address is in DBUS_SESSION_BUS_ADDRESS while the test runs."""
    config = short_dir / "bus.conf"
    (short_dir / "bus").mkdir()
    config.write_text(BUS_CONFIG.format(folder=short_dir / "bus"), encoding="utf-8")
    bus = subprocess.Popen([_program("dbus-daemon"), "--nofork", "--print-address=1", f"--config-file={config}"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert bus.stdout is not None
    address = bus.stdout.readline().strip()
    if not address:
        bus.kill()
        pytest.fail("dbus-daemon did not start")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    bus.terminate()
    bus.wait()


@pytest.fixture
def gnome_keyring(session_bus: str, short_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    """gnome-keyring on the private bus, its login keyring created and unlocked with a password on stdin."""
    home = short_dir / "home"
    runtime = short_dir / "run"
    runtime.mkdir(mode=0o700)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
           "XDG_RUNTIME_DIR": str(runtime), "DBUS_SESSION_BUS_ADDRESS": session_bus}
    daemon = subprocess.Popen([_program("gnome-keyring-daemon"), "--foreground", "--unlock", "--components=secrets"],
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    assert daemon.stdin is not None
    daemon.stdin.write(b"test password")
    daemon.stdin.close()
    for _ in range(200):  # it owns its bus name within a few hundred milliseconds
        if service_answers() or daemon.poll() is not None:
            break
        time.sleep(0.05)
    if not service_answers():
        daemon.kill()
        pytest.fail("gnome-keyring-daemon did not come up on the private bus")
    yield daemon
    daemon.terminate()
    daemon.wait()


def _lock_login_keyring() -> None:
    """What the desktop does after a while or at a screen lock: the login collection locks."""
    service = DBusAddress(SERVICE_PATH, bus_name=BUS_NAME, interface="org.freedesktop.Secret.Service")
    with open_dbus_connection(bus="SESSION") as conn:
        locked, _prompt = conn.send_and_get_reply(new_method_call(service, "Lock", "ao", ([LOGIN],))).body
    assert locked == [LOGIN]


@pytest.mark.parametrize("chosen", [fail.Keyring, SecretService.Keyring],
                         ids=["packaged app: keyring found nothing", "keyring chose secretstorage"])
def test_secrets_go_in_come_back_change_and_go_away(gnome_keyring: subprocess.Popen[bytes],
                                                    chosen: type[KeyringBackend]) -> None:
    keyring.set_keyring(chosen())
    assert secrets.backend_status() == (True, OURS)
    secrets.set_secret("shopee:42", "credentials", '{"token": "first"}')
    assert secrets.get_secret("shopee:42", "credentials") == '{"token": "first"}'
    assert secrets.get_secret("shopee:42", "other") is None
    secrets.set_secret("shopee:42", "credentials", "kedua: Rp15.000 ü")
    assert secrets.get_secret("shopee:42", "credentials") == "kedua: Rp15.000 ü"
    secrets.delete_secret("shopee:42", "credentials")
    assert secrets.get_secret("shopee:42", "credentials") is None
    secrets.delete_secret("shopee:42", "credentials")  # forgetting twice is not an error
    assert gnome_keyring.poll() is None


def test_items_are_shared_with_keyrings_own_secret_service_backend(gnome_keyring: subprocess.Popen[bytes]) -> None:
    """A secret an earlier version saved through secretstorage is found, overwritten in place, and forgotten."""
    keyring.set_keyring(fail.Keyring())
    earlier = SecretService.Keyring()
    earlier.set_password(secrets.SERVICE, "lazada:7:credentials", "saved by the earlier version")
    assert secrets.get_secret("lazada:7", "credentials") == "saved by the earlier version"
    secrets.set_secret("lazada:7", "credentials", "saved now")
    assert earlier.get_password(secrets.SERVICE, "lazada:7:credentials") == "saved now"
    collection = earlier.get_preferred_collection()
    found = list(collection.search_items({"service": secrets.SERVICE, "username": "lazada:7:credentials"}))
    assert len(found) == 1  # replaced, not a second item beside the first
    assert found[0].get_label() == f"Password for 'lazada:7:credentials' on '{secrets.SERVICE}'"
    secrets.delete_secret("lazada:7", "credentials")
    assert earlier.get_password(secrets.SERVICE, "lazada:7:credentials") is None


def test_a_locked_store_that_stays_locked_is_said_plainly(gnome_keyring: subprocess.Popen[bytes]) -> None:
    keyring.set_keyring(fail.Keyring())
    secrets.set_secret("tiktok:9", "credentials", "kept-before-locking")
    _lock_login_keyring()
    for attempt in (lambda: secrets.get_secret("tiktok:9", "credentials"),
                    lambda: secrets.set_secret("tiktok:9", "credentials", "new-value"),
                    lambda: secrets.delete_secret("tiktok:9", "credentials")):
        with pytest.raises(UserError) as caught:
            attempt()
        assert caught.value.msgid == secrets.LOCKED
        assert "kept-before-locking" not in str(caught.value) and "new-value" not in str(caught.value)
    assert gnome_keyring.poll() is None


def test_a_bus_without_a_secret_service_leaves_no_safe_store(session_bus: str) -> None:
    keyring.set_keyring(fail.Keyring())
    assert not service_answers()
    assert secrets.backend_status() == (False, "keyring.backends.fail.Keyring")
    with pytest.raises(UserError) as caught:
        secrets.set_secret("shopee:42", "credentials", "nowhere-to-go")
    assert caught.value.msgid.startswith("This computer has no safe place for passwords")
    assert "GNOME Keyring" in caught.value.msgid  # what to do on Linux, not "sign in to Windows"
    assert secrets.get_secret("shopee:42", "credentials") is None


@pytest.mark.parametrize("address", [None, "unix:path=/nonexistent/bus", "tcp:host=localhost,port=1"])
def test_no_session_bus_at_all_leaves_no_safe_store(address: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if address is None:
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    else:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    keyring.set_keyring(fail.Keyring())
    assert secrets.backend_status() == (False, "keyring.backends.fail.Keyring")


def test_a_usable_backend_chosen_by_keyring_is_kept(gnome_keyring: subprocess.Popen[bytes],
                                                      memory_keyring: KeyringBackend) -> None:
    """Windows, macOS, KWallet, or the tests' memory keyring: a safe choice of keyring's own stays, store or not."""
    secrets.set_secret("shopee:42", "credentials", "in memory")
    kind = type(memory_keyring)
    assert secrets.backend_status() == (True, f"{kind.__module__}.{kind.__name__}")
    assert SecretService.Keyring().get_password(secrets.SERVICE, "shopee:42:credentials") is None
