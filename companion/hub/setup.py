"""Making a hub, inviting and joining laptops, removing one: each device gets its own PostgreSQL login role.

Passwords never travel as text to the server: the client turns each new password into a SCRAM-SHA-256 verifier with
libpq's PQencryptPasswordConn (what psql's \\password does, https://www.postgresql.org/docs/15/libpq-misc.html) and
the server stores only that. Joining: `create_invite` makes a one-time login role (`chj_<16 hex>`, VALID UNTIL the
code's end) that may only EXECUTE companion_hub.join_shop; the code carries its password. `join_shop` creates the
device's own role (`chd_<device id>`), its devices row with the next receipt prefix, marks the code used and sets the
invite role NOLOGIN, all in one transaction: a code used twice is refused at login ("not permitted to log in").
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

import psycopg
from psycopg import sql

from companion.domain.clock import stamp
from companion.domain.hub_records import DeviceRow, Enrolment
from companion.hub.address import parse_url
from companion.hub.connection import address_of, connect, transaction
from companion.hub.errors import NOT_ALLOWED_TO_SET_UP, SERVER_TOO_OLD, HubError
from companion.hub.join_code import decode, encode
from companion.hub.schema import migrate

MIN_SERVER = 130000  # xid8 and pg_current_xact_id() arrived in PostgreSQL 13


def device_role(device_id: str) -> str:
    return f"chd_{uuid.UUID(device_id).hex}"


def login_suffix(host: str, login: str) -> str:
    """".<project ref>" when the hub is reached through Supabase's pooler (Supavisor), whose user names are
    "<role>.<project ref>" (https://supabase.com/docs/guides/database/connecting-to-postgres#connection-pooler);
    "" elsewhere. Our own role names hold no dot, so the suffix is whatever follows the first one."""
    if not host.lower().rstrip(".").endswith("pooler.supabase.com") or "." not in login:
        return ""
    return "." + login.split(".", 1)[1]


def verifier(conn: psycopg.Connection, password: str, role: str) -> str:
    """The SCRAM-SHA-256 verifier of a password, computed here so the server never sees the password."""
    return conn.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256").decode()


def new_password() -> str:
    return secrets.token_urlsafe(32)


def init_hub(admin_url: str, shop_name: str, device_name: str, outlet_id: str, *,
             device_id: str | None = None) -> Enrolment:
    """Set up (or bring up to date) the hub schema with the admin URL's user, make the shop if new, and enrol this
    laptop (the shop's first device gets prefix "A"). Running it again changes nothing but this laptop's password."""
    address, user, password = parse_url(admin_url)
    device = uuid.UUID(device_id).hex if device_id else uuid.uuid4().hex
    conn = connect(address, user, password)
    try:
        with transaction(conn, secrets=(password,)):
            _check_server(conn)
            migrate(conn, str(uuid.uuid4()))
            hub_id, shop_id = _shop(conn, shop_name)
            role, device_password, prefix = _enrol_owner_device(conn, shop_id, device, device_name, outlet_id)
    finally:
        conn.close()
    return Enrolment(address=address, hub_id=hub_id, shop_id=shop_id, device_id=device,
                     role=role + login_suffix(address.host, user), password=device_password, prefix=prefix,
                     device_name=device_name, outlet_id=outlet_id)


def _check_server(conn: psycopg.Connection) -> None:
    if conn.info.server_version < MIN_SERVER:
        raise HubError("other", SERVER_TOO_OLD, version=conn.info.server_version // 10000)
    row = conn.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user").fetchone()
    if not row or not row[0]:
        raise HubError("login", NOT_ALLOWED_TO_SET_UP)


def _shop(conn: psycopg.Connection, name: str) -> tuple[str, str]:
    """(hub_id, shop_id): the shop of that name, made when new."""
    conn.execute("INSERT INTO companion_hub.shops (shop_id, name) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING",
                 (uuid.uuid4(), name.strip()))
    row = conn.execute("SELECT m.hub_id, s.shop_id FROM companion_hub.meta m, companion_hub.shops s "
                       "WHERE s.name = %s", (name.strip(),)).fetchone()
    assert row is not None
    return str(row[0]), str(row[1])


def _enrol_owner_device(conn: psycopg.Connection, shop_id: str, device: str, name: str,
                        outlet_id: str) -> tuple[str, str, str]:
    """(role, password, prefix) for the setting-up laptop: a new device, or this same device with a new password."""
    role, password = device_role(device), new_password()
    known = conn.execute("SELECT prefix, shop_id, revoked_at FROM companion_hub.devices WHERE device_id = %s::uuid",
                         (device,)).fetchone()
    if known is None:
        row = conn.execute("SELECT companion_hub.add_device(%s::uuid, %s::uuid, %s, %s, %s, %s)",
                           (shop_id, device, role, verifier(conn, password, role), name, outlet_id)).fetchone()
        assert row is not None
        return role, password, str(row[0])
    if str(known[1]) != shop_id:
        raise HubError("other_shop")
    if known[2] is not None:
        raise HubError("revoked")
    conn.execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(
        sql.Identifier(role), sql.Literal(verifier(conn, password, role))))
    return role, password, str(known[0])


def create_invite(conn: psycopg.Connection, device_id: str, hours: int = 24) -> str:
    """A one-time join code, valid `hours`, made by this (live) device of the shop."""
    role, secret = f"chj_{secrets.token_hex(8)}", secrets.token_urlsafe(24)
    with transaction(conn, secrets=(secret,)):
        conn.execute("SELECT companion_hub.create_invite(%s, %s, %s, %s)",
                     (role, verifier(conn, secret, role), _sha256(secret), hours))
    address = address_of(conn)
    return encode(address, role + login_suffix(address.host, conn.info.user), secret)


def join_with_code(code: str, device_name: str, outlet_id: str, *, device_id: str | None = None,
                   timeout: float = 10) -> Enrolment:
    """Enrol this laptop with a join code: its own role and password, the shop's next receipt prefix."""
    invite = decode(code)
    device = uuid.UUID(device_id).hex if device_id else uuid.uuid4().hex
    try:
        conn = connect(invite.address, invite.role, invite.secret, timeout=timeout)
    except HubError as exc:
        raise _as_code_problem(exc) from None
    try:
        role, password = device_role(device), new_password()
        with transaction(conn, secrets=(invite.secret, password)):
            row = conn.execute("SELECT o_hub, o_shop, o_prefix "
                               "FROM companion_hub.join_shop(%s::uuid, %s, %s, %s, %s, %s)",
                               (device, role, verifier(conn, password, role), device_name, outlet_id,
                                _sha256(invite.secret))).fetchone()
    finally:
        conn.close()
    assert row is not None
    return Enrolment(address=invite.address, hub_id=str(row[0]), shop_id=str(row[1]), device_id=device,
                     role=role + login_suffix(invite.address.host, invite.role),
                     password=password, prefix=str(row[2]), device_name=device_name, outlet_id=outlet_id)


def _as_code_problem(exc: HubError) -> HubError:
    """An invite role that may no longer log in was used; one whose password fails has expired (VALID UNTIL) or
    belongs to a hub that was reset (the code's checksum already rules out a typo)."""
    if exc.kind == "revoked":
        return HubError("code_used", detail=exc.detail)
    if exc.kind == "login":
        return HubError("code_expired", detail=exc.detail)
    return exc


def revoke_device(conn: psycopg.Connection, device_id: str) -> None:
    """Remove a device: revoked_at set, its role NOLOGIN, its open sessions ended, its leases freed."""
    with transaction(conn):
        conn.execute("SELECT companion_hub.revoke_device(%s::uuid)", (device_id,))


def list_devices(conn: psycopg.Connection) -> list[DeviceRow]:
    """The shop's devices (removed ones too), first joined first, with the last change number each pushed."""
    with transaction(conn):
        rows = conn.execute(
            "SELECT d.device_id, d.name, d.prefix, d.outlet_id, d.joined_at, d.last_seen_at, d.revoked_at, "
            "(SELECT coalesce(max(c.device_seq), 0) FROM companion_hub.changes c WHERE c.device_id = d.device_id) "
            "FROM companion_hub.devices d WHERE d.shop_id = (SELECT companion_hub.shop_of(current_user)) "
            "ORDER BY d.joined_at, d.prefix").fetchall()
    return [DeviceRow(device_id=r[0].hex, name=r[1], prefix=r[2], outlet_id=r[3], joined_at=stamp(r[4]),
                      last_seen_at=stamp(r[5]) if r[5] else None, revoked_at=stamp(r[6]) if r[6] else None,
                      last_seq=int(r[7])) for r in rows]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()

