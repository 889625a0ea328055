"""Every hub problem as one sentence a shop owner can act on, with a `kind` the sync and the GUI decide by.

psycopg and OS errors are mapped here, by SQLSTATE when the server answered
(https://www.postgresql.org/docs/15/errcodes-appendix.html) and by libpq's message when it did not (refused,
timeout, certificate). The password is never part of a message or of `detail`: `scrubbed()` removes it.
"""

from __future__ import annotations

from companion.domain.errors import UserError
from companion.i18n import N_

# kind -> its default sentence (English msgid; Indonesian in resources/translations/id/hub_server.json)
MESSAGES: dict[str, str] = {
    "unreachable": N_("The hub cannot be reached just now: this laptop keeps working alone and will try again."),
    "login": N_("The hub's user name or password is wrong: check the hub address and password, or join the hub "
                "again with a new code."),
    "certificate": N_("The hub server's certificate does not match the address {host}: check the address; the "
                      "secure connection is never weakened to get past this."),
    "not_hub": N_("This database is not a shop hub: check the address, or set it up first with \"companion hub "
                  "init\"."),
    "other_shop": N_("This hub belongs to another shop: check the hub address; nothing was sent."),
    "code_used": N_("This join code has already been used: ask for a new code on a laptop that is already in the "
                    "hub."),
    "code_expired": N_("This join code has expired (or its hub was reset): ask for a new code on a laptop that is "
                       "already in the hub."),
    "code_wrong": N_("This join code is not complete or has a typo: copy the whole code again exactly, or ask for "
                     "a new one."),
    "revoked": N_("This laptop was removed from the shop's hub: ask for a new join code to connect it again; until "
                  "then it keeps working alone."),
    "full": N_("The hub's storage is full and nothing was sent: free space on the hub server or raise its plan; "
               "this laptop keeps working and will try again."),
    "read_only": N_("The hub accepts no changes just now (it is read-only) and nothing was sent: its owner must make "
                    "it writable again; this laptop keeps working."),
    "reset": N_("The hub was reset or replaced (its identity changed): this laptop keeps working alone; join the "
                "hub again to connect it."),
    "old_copy": N_("The hub holds newer changes from this laptop than the laptop itself (restored from an old "
                   "backup?): join the hub again as a new laptop; nothing is lost."),
    "lease_taken": N_("The laptop \"{device}\" already sends for this marketplace shop: take it over only when that "
                      "laptop is gone."),
    "schema_newer": N_("The hub was set up by a newer version of Seller Companion: update this app to sync again."),
    "address": N_("The hub address cannot be read: paste the whole address (it starts with postgresql://)."),
    "other": N_("The hub refused the request: try again later; this laptop keeps working alone."),
}
KINDS = frozenset(MESSAGES)

NO_TLS = N_("The hub server does not offer a secure connection: use a server with SSL turned on; the connection is "
            "never made without it.")
WEAK_SSLMODE = N_("The hub address asks for an unchecked connection (sslmode={mode}): use sslmode=verify-full.")
CA_UNREADABLE = N_("The hub's certificate file {path} cannot be read: check the path in the address.")
FULL_CONNECTIONS = N_("The hub has too many connections just now: this laptop keeps working alone and will try again.")
NOT_ALLOWED_TO_SET_UP = N_("The user in this address may not create the hub's roles: use the database's owner (on "
                           "Supabase the \"postgres\" user) or give it CREATEROLE.")
SERVER_TOO_OLD = N_("The hub server runs PostgreSQL {version}; the hub needs version 13 or newer.")


class HubError(UserError):
    """A hub problem: `kind` (one of KINDS) says what the caller does next; `detail` is the technical text for
    "Salin detail" and the support log (password removed), never shown as the sentence."""

    def __init__(self, kind: str, msgid: str | None = None, *, detail: str = "", **params: object) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown hub error kind {kind!r}")
        if kind == "certificate":
            params.setdefault("host", "")
        if kind == "lease_taken":
            params.setdefault("device", "?")
        super().__init__(msgid or MESSAGES[kind], **params)
        self.kind = kind
        self.detail = detail


def scrubbed(text: str, *secrets: str) -> str:
    """`text` with every secret replaced by ***."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


_UNREACHABLE_WORDS = (
    "connection refused", "timeout", "timed out", "could not translate host name", "name or service not known",
    "no route to host", "network is unreachable", "server closed the connection", "connection reset",
    "could not receive data", "could not send data", "the database system is", "no such host", "temporary failure",
    "terminating connection", "connection is lost", "the connection is closed", "consuming input failed",
    "eof detected", "broken pipe", "unexpectedly",
    "couldn't connect to compute node",  # Neon while a compute that scaled to zero wakes up
)
_CERTIFICATE_WORDS = ("certificate", "ssl", "tls", "sslmode")


def from_exception(exc: BaseException, *, host: str = "", secrets: tuple[str, ...] = ()) -> HubError:
    """The HubError for a psycopg or OS error (already-mapped HubErrors pass through)."""
    if isinstance(exc, HubError):
        return exc
    sqlstate = getattr(exc, "sqlstate", None) or ""
    text = str(exc)
    state = f"[{sqlstate}] " if sqlstate else ""
    detail = scrubbed(f"{type(exc).__name__}: {state}{text}".strip(), *secrets)
    low = text.lower()
    kind, msgid, params = _classify(sqlstate, low)
    if kind == "certificate":
        params.setdefault("host", host)
    return HubError(kind, msgid, detail=detail, **params)


def _classify(sqlstate: str, low: str) -> tuple[str, str | None, dict[str, object]]:
    """(kind, msgid or None for the kind's own sentence, params) from a SQLSTATE and libpq's lowered message."""
    by_state = _by_sqlstate(sqlstate, low)
    if by_state:
        return by_state
    if "not permitted to log in" in low:
        return "revoked", None, {}
    if "tenant or user not found" in low:  # Supabase's pooler: a user name without its ".<project ref>"
        return "login", None, {}
    if "database" in low and "does not exist" in low:
        return "not_hub", None, {}
    if "password authentication failed" in low or "no password supplied" in low or "password" in low:
        return "login", None, {}
    if "does not support ssl" in low or "no encryption" in low or "hostssl" in low:
        return "certificate", NO_TLS, {}
    if "certificate" in low:
        return "certificate", None, {}
    if any(word in low for word in _UNREACHABLE_WORDS):
        return "unreachable", None, {}  # before "ssl": "SSL SYSCALL error: EOF detected" is a cut line
    if any(word in low for word in _CERTIFICATE_WORDS):
        return "certificate", None, {}
    return ("unreachable" if not sqlstate else "other"), None, {}


def _by_sqlstate(sqlstate: str, low: str) -> tuple[str, str | None, dict[str, object]] | None:
    if not sqlstate:
        return None
    if sqlstate == "28000" and "not permitted to log in" in low:
        return "revoked", None, {}
    if sqlstate in ("28P01", "28000"):
        return "login", None, {}
    if sqlstate == "25006":
        return "read_only", None, {}
    if sqlstate == "53300":
        return "unreachable", FULL_CONNECTIONS, {}
    if sqlstate.startswith("53"):
        return "full", None, {}
    if sqlstate in ("3D000", "3F000", "42P01", "42883"):
        return "not_hub", None, {}
    if sqlstate.startswith("08") or sqlstate in ("57P01", "57P02", "57P03", "57P05", "57014", "25P03"):
        return "unreachable", None, {}
    hub_states = {"CH001": "code_used", "CH002": "code_expired", "CH003": "code_wrong", "CH004": "revoked",
                  "CH005": "old_copy", "CH006": "schema_newer"}
    if sqlstate in hub_states:
        return hub_states[sqlstate], None, {}
    if sqlstate == "23505" and "device_seq" in low:
        return "old_copy", None, {}
    return "other", None, {}
