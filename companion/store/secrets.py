"""Marketplace tokens and other secrets live in the operating system's keyring, never in the shop file.

Messages raised from here name the account and the secret's name, never its value.
"""

from __future__ import annotations

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

from companion.domain.errors import UserError
from companion.i18n import N_
from companion.log_scrubbing import remember_secret

SERVICE = "SellerCompanion"
_UNSAFE_MODULES = ("keyring.backends.fail", "keyring.backends.null")
_UNSAFE_NAMES = ("PlaintextKeyring", "UncryptedFileKeyring", "EncryptedFileKeyring")


def _usable(backend: KeyringBackend) -> bool:
    kind = type(backend)
    if kind.__module__ in _UNSAFE_MODULES or kind.__name__ in _UNSAFE_NAMES:
        return False
    if kind.__name__ == "ChainerBackend":  # the chainer is only as good as what it chains
        return any(_usable(b) for b in getattr(backend, "backends", None) or [])
    return True


def backend_status() -> tuple[bool, str]:
    """(whether secrets can be stored safely, the keyring backend's name)."""
    backend = keyring.get_keyring()
    kind = type(backend)
    return _usable(backend), f"{kind.__module__}.{kind.__name__}"


def _key(account: str, name: str) -> str:
    return f"{account}:{name}"


def set_secret(account: str, name: str, value: str) -> None:
    if not backend_status()[0]:
        raise UserError(N_("This computer has no safe place for passwords: sign in to Windows with your own "
                           "account and try again, or contact support."))
    remember_secret(value)  # from now on the log and support texts mask it
    try:
        keyring.set_password(SERVICE, _key(account, name), value)
    except KeyringError:
        raise UserError(N_("The password store refused to save the {name} for {account}: try again, and if it "
                           "fails again contact support."), name=name, account=account) from None


def get_secret(account: str, name: str) -> str | None:
    """The stored value, or None when nothing is stored or the keyring cannot be read."""
    try:
        value = keyring.get_password(SERVICE, _key(account, name))
    except KeyringError:
        return None
    remember_secret(value)
    return value


def delete_secret(account: str, name: str) -> None:
    """Forget a secret; forgetting one that is not there is not an error."""
    try:
        keyring.delete_password(SERVICE, _key(account, name))
    except PasswordDeleteError:
        return
    except KeyringError:
        raise UserError(N_("The password store could not forget the {name} for {account}: try again, and if it "
                           "fails again contact support."), name=name, account=account) from None
