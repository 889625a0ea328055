"""The hub's schema in PostgreSQL (schema `companion_hub`), as versioned migrations.

Each migration runs once, in the setup transaction, and is recorded in companion_hub.schema_version; `migrate()` takes
a transaction-scoped advisory lock first, so two laptops running `hub init` at once apply it once. Roles are cluster
objects (shared by every database of the server), so the two group roles carry the hub id in their name:
`chub_<hub12>_device` (every device role is a member) and `chub_<hub12>_invite` (every one-time invite role).

Security (docs/HUB.md "The hub server"): row-level security is ENABLED and FORCED on every table holding shop rows;
device policies compare `shop_id` with `(SELECT companion_hub.shop_of(current_user))` (a SECURITY DEFINER lookup of the
live device row; the sub-select makes it one evaluation per query). The role that ran the setup (the owner) has its
own policy on each table, because FORCE applies the policies to the owner too
(https://www.postgresql.org/docs/15/ddl-rowsecurity.html). Every function's EXECUTE is revoked from PUBLIC (the default
grants it to everyone) and granted to the group that needs it. SECURITY DEFINER functions pin `search_path`
(https://www.postgresql.org/docs/15/sql-createfunction.html#SQL-CREATEFUNCTION-SECURITY).
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from companion.hub.errors import HubError

SCHEMA = "companion_hub"
SCHEMA_VERSION = 1
LOCK_KEY = 4_112_020  # pg_advisory_xact_lock key for migrations (any constant of ours)

BOOTSTRAP = """
CREATE SCHEMA IF NOT EXISTS companion_hub;
CREATE TABLE IF NOT EXISTS companion_hub.schema_version (
    version int PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
"""

TABLES = """
CREATE TABLE companion_hub.meta (
    id int PRIMARY KEY CHECK (id = 1),
    hub_id uuid NOT NULL,
    device_role text NOT NULL,
    invite_role text NOT NULL,
    owner_role text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE companion_hub.shops (
    shop_id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE companion_hub.devices (
    device_id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES companion_hub.shops,
    role_name text NOT NULL UNIQUE,
    name text NOT NULL,
    prefix text NOT NULL,
    outlet_id text NOT NULL,
    joined_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz,
    revoked_at timestamptz,
    UNIQUE (shop_id, prefix)
);
CREATE TABLE companion_hub.join_codes (
    role_name text PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES companion_hub.shops,
    secret_sha256 text NOT NULL,
    created_by uuid REFERENCES companion_hub.devices,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    used_by uuid,
    dropped_at timestamptz
);
CREATE TABLE companion_hub.changes (
    seq bigserial NOT NULL,
    change_id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES companion_hub.shops,
    device_id uuid NOT NULL REFERENCES companion_hub.devices,
    device_seq bigint NOT NULL,
    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    tbl text NOT NULL,
    row_id text NOT NULL,
    op text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    hlc bigint NOT NULL,
    fields text,
    payload text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (device_id, device_seq)
);
CREATE INDEX changes_pull ON companion_hub.changes (shop_id, txid, seq);
CREATE TABLE companion_hub.leases (
    shop_id uuid NOT NULL REFERENCES companion_hub.shops,
    account_key text NOT NULL,
    device_id uuid NOT NULL REFERENCES companion_hub.devices,
    renewed_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (shop_id, account_key)
);
"""

SHOP_TABLES = ("shops", "devices", "join_codes", "changes", "leases")

HELPERS = """
CREATE FUNCTION companion_hub.shop_of(p_role name) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT shop_id FROM companion_hub.devices WHERE role_name = p_role AND revoked_at IS NULL
$$;
CREATE FUNCTION companion_hub.device_of(p_role name) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT device_id FROM companion_hub.devices WHERE role_name = p_role AND revoked_at IS NULL
$$;
CREATE FUNCTION companion_hub.prefix_for(n int) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s text := '';
    k int := n + 1;  -- 0 -> A, 25 -> Z, 26 -> AA (bijective base 26)
BEGIN
    WHILE k > 0 LOOP
        k := k - 1;
        s := chr(65 + k % 26) || s;
        k := k / 26;
    END LOOP;
    RETURN s;
END
$$;
CREATE FUNCTION companion_hub.add_device(p_shop uuid, p_device uuid, p_role text, p_verifier text, p_name text,
                                         p_outlet text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_group text;
    v_prefix text;
    n int;
BEGIN
    IF p_role <> 'chd_' || replace(p_device::text, '-', '') THEN
        RAISE EXCEPTION 'device role must be chd_<device id>' USING ERRCODE = '22023';
    END IF;
    IF p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
        RAISE EXCEPTION 'a SCRAM verifier is expected, never a password' USING ERRCODE = '22023';
    END IF;
    PERFORM 1 FROM companion_hub.shops WHERE shop_id = p_shop FOR UPDATE;  -- one new device at a time per shop
    SELECT count(*) INTO n FROM companion_hub.devices WHERE shop_id = p_shop;
    LOOP
        v_prefix := companion_hub.prefix_for(n);
        EXIT WHEN NOT EXISTS (SELECT 1 FROM companion_hub.devices WHERE shop_id = p_shop AND prefix = v_prefix);
        n := n + 1;
    END LOOP;
    SELECT device_role INTO v_group FROM companion_hub.meta;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I', p_role, p_verifier, v_group);
    -- a laptop whose line dies inside a push must not hold every pull back (pulls stop at the oldest open
    -- transaction) until the server's TCP keepalive notices, hours later: its session ends after 30 idle seconds
    EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', p_role, '30s');
    INSERT INTO companion_hub.devices (device_id, shop_id, role_name, name, prefix, outlet_id)
    VALUES (p_device, p_shop, p_role, p_name, v_prefix, p_outlet);
    RETURN v_prefix;
END
$$;
"""

FUNCTIONS = """
CREATE FUNCTION companion_hub.create_invite(p_role text, p_verifier text, p_secret_sha256 text, p_hours int)
RETURNS timestamptz
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_shop uuid;
    v_device uuid;
    v_group text;
    v_expires timestamptz := now() + make_interval(hours => greatest(1, least(p_hours, 24 * 14)));
    r record;
BEGIN
    SELECT shop_id, device_id INTO v_shop, v_device FROM companion_hub.devices
    WHERE role_name = session_user AND revoked_at IS NULL;
    IF v_shop IS NULL THEN
        RAISE EXCEPTION 'only a device of this hub can invite' USING ERRCODE = 'CH004';
    END IF;
    IF p_role !~ '^chj_[0-9a-f]{16}$' OR p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
        RAISE EXCEPTION 'invite role chj_<16 hex> with a SCRAM verifier expected' USING ERRCODE = '22023';
    END IF;
    -- invite roles used or expired a week ago are dropped (their rows stay as the record)
    FOR r IN SELECT role_name FROM companion_hub.join_codes
             WHERE dropped_at IS NULL AND coalesce(used_at, expires_at) < now() - interval '7 days' LOOP
        EXECUTE format('DROP ROLE IF EXISTS %I', r.role_name);
        UPDATE companion_hub.join_codes SET dropped_at = now() WHERE role_name = r.role_name;
    END LOOP;
    SELECT invite_role INTO v_group FROM companion_hub.meta;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L VALID UNTIL %L IN ROLE %I',
                   p_role, p_verifier, v_expires, v_group);
    INSERT INTO companion_hub.join_codes (role_name, shop_id, secret_sha256, created_by, expires_at)
    VALUES (p_role, v_shop, p_secret_sha256, v_device, v_expires);
    RETURN v_expires;
END
$$;
CREATE FUNCTION companion_hub.join_shop(p_device uuid, p_role text, p_verifier text, p_name text, p_outlet text,
                                   p_secret_sha256 text, OUT o_hub uuid, OUT o_shop uuid, OUT o_prefix text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c companion_hub.join_codes;
BEGIN
    SELECT * INTO c FROM companion_hub.join_codes WHERE role_name = session_user FOR UPDATE;
    IF NOT FOUND OR c.secret_sha256 <> p_secret_sha256 THEN
        RAISE EXCEPTION 'this join code does not belong to this hub' USING ERRCODE = 'CH003';
    END IF;
    IF c.used_at IS NOT NULL THEN
        RAISE EXCEPTION 'join code already used' USING ERRCODE = 'CH001';
    END IF;
    IF c.expires_at <= now() THEN
        RAISE EXCEPTION 'join code expired' USING ERRCODE = 'CH002';
    END IF;
    o_prefix := companion_hub.add_device(c.shop_id, p_device, p_role, p_verifier, p_name, p_outlet);
    UPDATE companion_hub.join_codes SET used_at = now(), used_by = p_device WHERE role_name = c.role_name;
    EXECUTE format('ALTER ROLE %I NOLOGIN', c.role_name);
    o_shop := c.shop_id;
    SELECT hub_id INTO o_hub FROM companion_hub.meta;
END
$$;
CREATE FUNCTION companion_hub.revoke_device(p_device uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    d companion_hub.devices;
    v_owner text;
BEGIN
    SELECT * INTO d FROM companion_hub.devices WHERE device_id = p_device FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such device' USING ERRCODE = '22023';
    END IF;
    SELECT owner_role INTO v_owner FROM companion_hub.meta;
    IF NOT (pg_has_role(session_user, v_owner, 'MEMBER')
            OR EXISTS (SELECT 1 FROM companion_hub.devices WHERE role_name = session_user AND revoked_at IS NULL
                       AND shop_id = d.shop_id)) THEN
        RAISE EXCEPTION 'only a device of the same shop can remove a device' USING ERRCODE = '42501';
    END IF;
    UPDATE companion_hub.devices SET revoked_at = coalesce(revoked_at, now()) WHERE device_id = p_device;
    DELETE FROM companion_hub.leases WHERE device_id = p_device;  -- its marketplace shops can be taken at once
    EXECUTE format('ALTER ROLE %I NOLOGIN', d.role_name);
    BEGIN  -- cut its open sessions (needs pg_signal_backend or membership; the policies refuse them anyway)
        PERFORM pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE usename = d.role_name AND pid <> pg_backend_pid();
    EXCEPTION WHEN insufficient_privilege THEN
        NULL;
    END;
END
$$;
"""

FUNCTION_GRANTS = {
    "shop_of(name)": "@device@",
    "device_of(name)": "@device@",
    "prefix_for(int)": None,
    "add_device(uuid, uuid, text, text, text, text)": None,
    "create_invite(text, text, text, int)": "@device@",
    "join_shop(uuid, text, text, text, text, text)": "@invite@",
    "revoke_device(uuid)": "@device@",
}

SHOP = "(SELECT companion_hub.shop_of(current_user))"
DEVICE = "(SELECT companion_hub.device_of(current_user))"

POLICIES = f"""
CREATE POLICY device_read ON companion_hub.shops FOR SELECT TO @device@ USING (shop_id = {SHOP});
CREATE POLICY device_read ON companion_hub.devices FOR SELECT TO @device@
    USING (shop_id = {SHOP} OR role_name = current_user);
CREATE POLICY device_seen ON companion_hub.devices FOR UPDATE TO @device@
    USING (role_name = current_user AND revoked_at IS NULL) WITH CHECK (role_name = current_user);
CREATE POLICY device_read ON companion_hub.changes FOR SELECT TO @device@ USING (shop_id = {SHOP});
CREATE POLICY device_push ON companion_hub.changes FOR INSERT TO @device@
    WITH CHECK (shop_id = {SHOP} AND device_id = {DEVICE});
CREATE POLICY device_read ON companion_hub.leases FOR SELECT TO @device@ USING (shop_id = {SHOP});
CREATE POLICY device_take ON companion_hub.leases FOR INSERT TO @device@
    WITH CHECK (shop_id = {SHOP} AND device_id = {DEVICE});
CREATE POLICY device_take_over ON companion_hub.leases FOR UPDATE TO @device@
    USING (shop_id = {SHOP}) WITH CHECK (shop_id = {SHOP} AND device_id = {DEVICE});
CREATE POLICY device_release ON companion_hub.leases FOR DELETE TO @device@
    USING (shop_id = {SHOP} AND device_id = {DEVICE});
"""

GRANTS = """
GRANT USAGE ON SCHEMA companion_hub TO @device@, @invite@;
GRANT SELECT ON companion_hub.meta, companion_hub.schema_version, companion_hub.shops TO @device@;
GRANT SELECT ON companion_hub.devices TO @device@;
GRANT UPDATE (last_seen_at) ON companion_hub.devices TO @device@;
GRANT SELECT ON companion_hub.changes TO @device@;
GRANT INSERT (change_id, shop_id, device_id, device_seq, tbl, row_id, op, hlc, fields, payload)
    ON companion_hub.changes TO @device@;
GRANT USAGE ON SEQUENCE companion_hub.changes_seq_seq TO @device@;
GRANT SELECT, INSERT, UPDATE, DELETE ON companion_hub.leases TO @device@;
"""


def group_roles(hub_id: str) -> tuple[str, str]:
    """(device group, invite group) role names of one hub: cluster-wide names, so the hub id is in them."""
    short = hub_id.replace("-", "")[:12]
    return f"chub_{short}_device", f"chub_{short}_invite"


def migrate(conn: psycopg.Connection, hub_id: str) -> int:
    """Bring the schema to SCHEMA_VERSION inside the caller's transaction; returns how many migrations ran."""
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
    conn.execute(BOOTSTRAP)
    row = conn.execute("SELECT coalesce(max(version), 0) FROM companion_hub.schema_version").fetchone()
    current = int(row[0]) if row else 0
    if current > SCHEMA_VERSION:
        raise HubError("schema_newer")
    ran = 0
    for version in range(current + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[version](conn, hub_id)
        conn.execute("INSERT INTO companion_hub.schema_version (version) VALUES (%s)", (version,))
        ran += 1
    return ran


def _v1(conn: psycopg.Connection, hub_id: str) -> None:
    """Tables, the two group roles, helper and entry functions, grants and policies."""
    device, invite = group_roles(hub_id)
    conn.execute(TABLES)
    for role in (device, invite):
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    conn.execute(
        "INSERT INTO companion_hub.meta (id, hub_id, device_role, invite_role, owner_role) "
        "VALUES (1, %s, %s, %s, current_user)", (hub_id, device, invite))
    conn.execute(HELPERS)
    conn.execute(FUNCTIONS)
    names = {"@device@": sql.Identifier(device).as_string(conn), "@invite@": sql.Identifier(invite).as_string(conn)}
    for signature, group in FUNCTION_GRANTS.items():
        conn.execute(f"REVOKE ALL ON FUNCTION companion_hub.{signature} FROM PUBLIC")
        if group:
            conn.execute(f"GRANT EXECUTE ON FUNCTION companion_hub.{signature} TO {names[group]}")
    for table in SHOP_TABLES:
        conn.execute(f"ALTER TABLE companion_hub.{table} ENABLE ROW LEVEL SECURITY")
        conn.execute(f"ALTER TABLE companion_hub.{table} FORCE ROW LEVEL SECURITY")
        conn.execute(f"CREATE POLICY owner_all ON companion_hub.{table} TO CURRENT_USER USING (true) WITH CHECK (true)")
    conn.execute(_named(POLICIES, names))
    conn.execute(_named(GRANTS, names))


def _named(text: str, names: dict[str, str]) -> str:
    for token, quoted in names.items():
        text = text.replace(token, quoted)
    return text


MIGRATIONS = {1: _v1}
