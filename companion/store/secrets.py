"""Marketplace tokens and other secrets live in the operating system's keyring, never in the shop file.

Messages raised from here name the account and the secret's name, never its value.
"""

from __future__ import annotations

import sys

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, KeyringLocked, PasswordDeleteError

from companion.domain.errors import UserError
from companion.i18n import N_
from companion.log_scrubbing import remember_secret

SERVICE = "SellerCompanion"
_UNSAFE_MODULES = ("keyring.backends.fail", "keyring.backends.null")
_UNSAFE_NAMES = ("PlaintextKeyring", "UncryptedFileKeyring", "EncryptedFileKeyring")
_KEYRING_SECRET_SERVICE = "keyring.backends.SecretService.Keyring"
LOCKED = N_("The computer's password store is locked: unlock it with your login password when asked, then try "
            "again.")


def _usable(backend: KeyringBackend) -> bool:
    kind = type(backend)
    if kind.__module__ in _UNSAFE_MODULES or kind.__name__ in _UNSAFE_NAMES:
        return False
    if kind.__name__ == "ChainerBackend":  # the chainer is only as good as what it chains
        return any(_usable(b) for b in getattr(backend, "backends", None) or [])
    return True


def _name(backend: KeyringBackend) -> str:
    kind = type(backend)
    return f"{kind.__module__}.{kind.__name__}"


def _speaks_secret_service(backend: KeyringBackend) -> bool:
    """keyring's SecretService backend, alone or first in its chainer (the one that would store the secret)."""
    if type(backend).__name__ == "ChainerBackend":
        chained = getattr(backend, "backends", None) or []
        return bool(chained) and _speaks_secret_service(chained[0])
    return _name(backend) == _KEYRING_SECRET_SERVICE


def _backend() -> KeyringBackend:
    """keyring's choice, except on Linux where our own Secret Service backend (store/secret_service.py) stands in
    for keyring's (the packaged app carries no secretstorage) and for none at all, when a Secret Service answers."""
    backend = keyring.get_keyring()
    if sys.platform.startswith("linux") and (not _usable(backend) or _speaks_secret_service(backend)):
        from companion.store.secret_service import SecretServiceKeyring, service_answers

        if service_answers():
            return SecretServiceKeyring()
    return backend


def backend_status() -> tuple[bool, str]:
    """(whether secrets can be stored safely, the name of the keyring backend they go to)."""
    backend = _backend()
    return _usable(backend), _name(backend)


def _no_safe_place() -> UserError:
    """What to do depends on the system the shop laptop runs."""
    if sys.platform.startswith("linux"):
        return UserError(N_("This computer has no safe place for passwords: start your desktop's password store "
                            "(GNOME Keyring or KWallet), sign in again and try again, or contact support."))
    if sys.platform == "darwin":
        return UserError(N_("This computer has no safe place for passwords: sign in to your Mac with your own "
                            "account and try again, or contact support."))
    return UserError(N_("This computer has no safe place for passwords: sign in to Windows with your own "
                        "account and try again, or contact support."))


def _key(account: str, name: str) -> str:
    return f"{account}:{name}"


def set_secret(account: str, name: str, value: str) -> None:
    backend = _backend()
    if not _usable(backend):
        raise _no_safe_place()
    remember_secret(value)  # from now on the log and support texts mask it
    try:
        backend.set_password(SERVICE, _key(account, name), value)
    except KeyringLocked:
        raise UserError(LOCKED) from None
    except KeyringError:
        raise UserError(N_("The password store refused to save the {name} for {account}: try again, and if it "
                           "fails again contact support."), name=name, account=account) from None


def get_secret(account: str, name: str) -> str | None:
    """The stored value, or None when nothing is stored or the keyring cannot be read; a locked store that stays
    locked is said plainly (None would read as keys lost from this computer)."""
    try:
        value = _backend().get_password(SERVICE, _key(account, name))
    except KeyringLocked:
        raise UserError(LOCKED) from None
    except KeyringError:
        return None
    remember_secret(value)
    return value


def delete_secret(account: str, name: str) -> None:
    """Forget a secret; forgetting one that is not there is not an error."""
    try:
        _backend().delete_password(SERVICE, _key(account, name))
    except PasswordDeleteError:
        return
    except KeyringLocked:
        raise UserError(LOCKED) from None
    except KeyringError:
        raise UserError(N_("The password store could not forget the {name} for {account}: try again, and if it "
                           "fails again contact support."), name=name, account=account) from None
