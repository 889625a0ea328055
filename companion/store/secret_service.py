"""The Linux desktop's password store (GNOME Keyring, KWallet, KeePassXC: the freedesktop Secret Service) spoken
directly over D-Bus with jeepney, so the packaged app need not carry `secretstorage` and the 12 MB `cryptography`
it loads only to encrypt a secret on its way through the local session bus.

The session uses the Secret Service API's "plain" algorithm: the secret crosses the user's own session bus socket
unencrypted, as with keyring's libsecret backend; the store itself keeps it encrypted on disk. Items go in the default
collection ("login") with the attributes and label keyring's own SecretService backend uses, so secrets saved by an
earlier version of the app (through secretstorage) are found, overwritten and deleted here.
"""

from __future__ import annotations

from typing import Any

from jeepney import DBusAddress, DBusErrorResponse, MatchRule, MessageType, message_bus, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import unwrap_msg
from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import KeyringError, KeyringLocked, PasswordDeleteError, PasswordSetError

BUS_NAME = "org.freedesktop.secrets"
SERVICE_PATH = "/org/freedesktop/secrets"
SECRET = "org.freedesktop.Secret."
APPLICATION = "Python keyring library"  # keyring's SecretService.appid: the attribute its items carry
CALL_TIMEOUT_S = 10  # a store that answers nothing within this is treated as broken
PROMPT_TIMEOUT_S = 120  # time for a person to type the keyring's password in the unlock dialog
Secret = tuple[str, bytes, bytes, str]  # (session, parameters, value, content type): the API's (oayays)


def service_answers() -> bool:
    """Whether a Secret Service runs on (or can be started by) this login's session bus."""
    try:
        with open_dbus_connection(bus="SESSION") as conn:
            if unwrap_msg(conn.send_and_get_reply(message_bus.NameHasOwner(BUS_NAME), timeout=CALL_TIMEOUT_S))[0]:
                return True
            reply = conn.send_and_get_reply(message_bus.ListActivatableNames(), timeout=CALL_TIMEOUT_S)
            return BUS_NAME in unwrap_msg(reply)[0]
    except (KeyError, OSError, RuntimeError, ValueError, TimeoutError, DBusErrorResponse):
        return False  # no session bus address, nobody listening, or a bus that will not talk


class _Session:
    """One connection and one plain-algorithm session, closed together."""

    def __init__(self) -> None:
        try:
            self.conn: DBusConnection = open_dbus_connection(bus="SESSION")
        except (KeyError, OSError, RuntimeError, ValueError) as exc:
            raise KeyringError(f"no session bus: {exc}") from exc
        try:
            _output, self.path = self.call(SERVICE_PATH, "Service", "OpenSession", "sv", "plain", ("s", ""))
        except BaseException:
            self.conn.close()
            raise

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            self.call(self.path, "Session", "Close", "")
        except KeyringError:
            pass  # the service drops the session with the connection anyway
        finally:
            self.conn.close()

    def call(self, path: str, interface: str, method: str, signature: str = "", *args: Any) -> tuple[Any, ...]:
        address = DBusAddress(path, bus_name=BUS_NAME, interface=SECRET + interface)
        try:
            reply = self.conn.send_and_get_reply(new_method_call(address, method, signature or None, args),
                                                 timeout=CALL_TIMEOUT_S)
            return tuple(unwrap_msg(reply))
        except DBusErrorResponse as exc:
            raise KeyringError(f"{interface}.{method}: {exc.name}") from exc
        except (OSError, TimeoutError) as exc:
            raise KeyringError(f"{interface}.{method}: {exc}") from exc

    def prompt(self, path: str) -> tuple[bool, Any]:
        """Show the store's own dialog (unlock, create) and wait for the person: (dismissed, result value)."""
        rule = MatchRule(type=MessageType.signal, path=path, interface=SECRET + "Prompt", member="Completed")
        unwrap_msg(self.conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=CALL_TIMEOUT_S))
        with self.conn.filter(rule) as completed:
            self.call(path, "Prompt", "Prompt", "s", "")
            try:
                dismissed, (_signature, result) = self.conn.recv_until_filtered(
                    completed, timeout=PROMPT_TIMEOUT_S).body
            except TimeoutError:
                self.call(path, "Prompt", "Dismiss")
                return True, None
        return bool(dismissed), result

    def collection(self) -> str:
        """The default collection ("login"), unlocked; created (the store asks the person) when there is none."""
        (path,) = self.call(SERVICE_PATH, "Service", "ReadAlias", "s", "default")
        if path == "/":
            label = {SECRET + "Collection.Label": ("s", "Default")}
            path, prompt = self.call(SERVICE_PATH, "Service", "CreateCollection", "a{sv}s", label, "default")
            if path == "/":
                dismissed, path = self.prompt(prompt) if prompt != "/" else (True, "/")
                if dismissed or not path or path == "/":
                    raise KeyringLocked("the password store has no default collection and none was made")
        self.unlock(path)
        return str(path)

    def unlock(self, path: str) -> None:
        if not self.property(path, "Collection", "Locked"):
            return
        _unlocked, prompt = self.call(SERVICE_PATH, "Service", "Unlock", "ao", [path])
        if prompt != "/":
            self.prompt(prompt)
        if self.property(path, "Collection", "Locked"):
            raise KeyringLocked("the password store stayed locked")

    def property(self, path: str, interface: str, name: str) -> Any:
        address = DBusAddress(path, bus_name=BUS_NAME, interface="org.freedesktop.DBus.Properties")
        msg = new_method_call(address, "Get", "ss", (SECRET + interface, name))
        try:
            (_signature, value), = unwrap_msg(self.conn.send_and_get_reply(msg, timeout=CALL_TIMEOUT_S))
        except (DBusErrorResponse, OSError, TimeoutError) as exc:
            raise KeyringError(f"{interface}.{name}: {exc}") from exc
        return value

    def items(self, collection: str, service: str, username: str) -> list[str]:
        (found,) = self.call(collection, "Collection", "SearchItems", "a{ss}",
                             {"service": service, "username": username})
        return list(found)

    def secret(self, value: str) -> Secret:
        return (self.path, b"", value.encode("utf-8"), "text/plain")


class SecretServiceKeyring(KeyringBackend):
    """keyring's interface over the Secret Service, without secretstorage and cryptography."""

    @properties.classproperty
    def priority(cls) -> float:
        """Just under keyring's own SecretService backend (5): usable only when a Secret Service answers."""
        if not service_answers():
            raise RuntimeError("no Secret Service on the session bus")
        return 4.9

    def get_password(self, service: str, username: str) -> str | None:
        with _Session() as session:
            for item in session.items(session.collection(), service, username):
                (secret,) = session.call(item, "Item", "GetSecret", "o", session.path)
                return bytes(secret[2]).decode("utf-8")
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        properties_ = {SECRET + "Item.Label": ("s", f"Password for '{username}' on '{service}'"),
                       SECRET + "Item.Attributes": ("a{ss}", {"service": service, "username": username,
                                                              "application": APPLICATION})}
        with _Session() as session:
            collection = session.collection()
            item, prompt = session.call(collection, "Collection", "CreateItem", "a{sv}(oayays)b", properties_,
                                        session.secret(password), True)
            if item == "/" and (prompt == "/" or session.prompt(prompt)[0]):
                raise PasswordSetError("the password store did not save the password")

    def delete_password(self, service: str, username: str) -> None:
        with _Session() as session:
            for item in session.items(session.collection(), service, username):
                (prompt,) = session.call(item, "Item", "Delete")
                if prompt != "/" and session.prompt(prompt)[0]:
                    raise PasswordDeleteError("deleting the password was refused")
                return
        raise PasswordDeleteError("no such password")
