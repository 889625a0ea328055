"""How libpq's and the server's answers become one HubError kind each (no server needed: psycopg's own errors,
made with the texts libpq 15–18 prints), and the login names Supabase's pooler needs."""

from __future__ import annotations

import pytest
from psycopg import OperationalError
from psycopg import errors as pg

from companion.hub.errors import HubError, from_exception
from companion.hub.setup import login_suffix


@pytest.mark.parametrize(("text", "kind"), [
    ('connection to server at "10.0.0.5", port 5432 failed: Connection refused', "unreachable"),
    ("connection timeout expired", "unreachable"),
    ('could not translate host name "hub.example.com" to address: Name or service not known', "unreachable"),
    ("SSL SYSCALL error: EOF detected", "unreachable"),
    ("server closed the connection unexpectedly", "unreachable"),
    ("consuming input failed: server closed the connection unexpectedly", "unreachable"),
    ('server certificate for "localhost" does not match host name "127.0.0.1"', "certificate"),
    ("SSL error: certificate verify failed", "certificate"),
    ("server does not support SSL, but SSL was required", "certificate"),
    ('FATAL:  password authentication failed for user "chd_1"', "login"),
    ("fe_sendauth: no password supplied", "login"),
    ('FATAL:  role "chd_1" is not permitted to log in', "revoked"),
    ('FATAL:  database "shop" does not exist', "not_hub"),
    ("FATAL:  the database system is starting up", "unreachable"),
    ("FATAL:  Tenant or user not found", "login"),
    ("ERROR:  Couldn't connect to compute node", "unreachable"),
])
def test_libpq_messages_without_a_sqlstate(text: str, kind: str) -> None:
    assert from_exception(OperationalError(f"connection failed: {text}"), host="h").kind == kind


@pytest.mark.parametrize(("error", "kind"), [
    (pg.DiskFull, "full"),
    (pg.OutOfMemory, "full"),
    (pg.TooManyConnections, "unreachable"),
    (pg.ReadOnlySqlTransaction, "read_only"),
    (pg.InvalidPassword, "login"),
    (pg.InvalidCatalogName, "not_hub"),
    (pg.UndefinedTable, "not_hub"),
    (pg.AdminShutdown, "unreachable"),
    (pg.InsufficientPrivilege, "other"),
])
def test_server_answers_by_sqlstate(error: type[pg.Error], kind: str) -> None:
    assert from_exception(error("whatever the server said")).kind == kind


def test_the_password_never_reaches_a_message_or_detail() -> None:
    problem = from_exception(OperationalError("connection failed: weird text with Pw-123 inside"), host="h",
                             secrets=("Pw-123",))
    assert "Pw-123" not in problem.message() + problem.detail + repr(problem)
    assert "***" in problem.detail


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        HubError("nonsense")


def test_lease_taken_names_the_holder_in_both_languages() -> None:
    assert '"Kasir depan"' in HubError("lease_taken", device="Kasir depan").message()


@pytest.mark.parametrize(("host", "login", "suffix"), [
    ("aws-0-ap-southeast-1.pooler.supabase.com", "postgres.abcdefgh", ".abcdefgh"),
    ("aws-0-ap-southeast-1.pooler.supabase.com", "chj_0123456789abcdef.abcdefgh", ".abcdefgh"),
    ("db.abcdefgh.supabase.co", "postgres", ""),
    ("hub.example.com", "john.doe", ""),  # a dot in a self-hosted user name is just a name
    ("ep-cool-1.ap-southeast-1.aws.neon.tech", "neondb_owner", ""),
])
def test_supabase_pooler_login_names_keep_the_project_ref(host: str, login: str, suffix: str) -> None:
    assert login_suffix(host, login) == suffix
