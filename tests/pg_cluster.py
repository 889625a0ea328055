"""A private PostgreSQL cluster for the hub's tests, the convergence tests' laptops and the bench.

`PgCluster().start()` runs `initdb` in a temporary folder and `pg_ctl start` on 127.0.0.1 and a free port, with TLS on
(a test CA and a server certificate whose only name is DNS:localhost, so host "localhost" passes `verify-full` and
"127.0.0.1" fails it), SCRAM passwords over TCP (TLS only: pg_hba.conf has `hostssl` lines and no `host` line) and a
superuser with a password. As root the server runs as the `postgres` OS user (PostgreSQL refuses to run as root).
`stop()` stops it (`pg_ctl stop -m fast`) and removes the folder.

pytest: the session fixture `pg_cluster` (registered in tests/conftest.py); `pg_cluster.fresh_database()` makes an
empty database per test and returns its admin URL. Outside pytest (laptop subprocesses, bench/):
`from tests.pg_cluster import PgCluster`.

Sources: initdb https://www.postgresql.org/docs/15/app-initdb.html (--pwfile, --auth-host), pg_ctl
https://www.postgresql.org/docs/15/app-pg-ctl.html, TLS https://www.postgresql.org/docs/15/ssl-tcp.html (the key file
must belong to the server's user and be 0600), libpq's verify-full https://www.postgresql.org/docs/15/libpq-ssl.html.
"""

from __future__ import annotations

import datetime
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ADMIN_USER = "hub_admin"


class PgClusterMissing(RuntimeError):
    """PostgreSQL's server programs are not installed: said in one sentence, never skipped silently."""


def find_bindir() -> Path:
    """The newest /usr/lib/postgresql/<n>/bin holding initdb (Debian's layout), else the one `pg_config` names."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise PgClusterMissing(
        "PostgreSQL's initdb was not found (no /usr/lib/postgresql/*/bin/initdb and none on PATH): install Debian's "
        "`postgresql` package (./dev test does this) and run the tests again."
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    """One throwaway PostgreSQL server: start(), fresh_database(), admin_url(), stop()."""

    host = "localhost"

    def __init__(self, folder: Path | None = None) -> None:
        self.bindir = find_bindir()
        self.folder = folder or Path(tempfile.mkdtemp(prefix="companion-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.admin_user = ADMIN_USER
        self.admin_password = secrets.token_urlsafe(18)
        self.ca_path = self.folder / "ca.pem"
        self.ca_pem = ""
        self.running = False

    # -- running ---------------------------------------------------------------------------------------------------

    def start(self) -> PgCluster:
        """initdb (the first time), certificates, configuration, then pg_ctl start; waits until it answers."""
        if not self.data.exists():
            self._make_certificates()
            self._initdb()
            self._configure()
        self.ca_pem = self.ca_path.read_text()
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.folder / "server.log"))
        self.running = True
        return self

    def stop(self, *, remove: bool = True) -> None:
        """pg_ctl stop -m fast; the folder removed unless `remove=False` (a later start() reuses it)."""
        if self.running:
            self._pg_ctl("stop", "-m", "fast", "-w", "-t", "60")
            self.running = False
        if remove:
            shutil.rmtree(self.folder, ignore_errors=True)

    def pause(self) -> None:
        """Stop the server but keep its data: a hub that is away (start() brings it back on the same port)."""
        self.stop(remove=False)

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- addresses ---------------------------------------------------------------------------------------------------

    def url(self, user: str, password: str, dbname: str = "postgres", *, host: str | None = None,
            port: int | None = None, sslmode: str = "verify-full") -> str:
        """A libpq URL on this cluster; sslrootcert = the test CA's file."""
        return (
            f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}@{host or self.host}:{port or self.port}/"
            f"{quote(dbname, safe='')}?sslmode={sslmode}&sslrootcert={quote(str(self.ca_path))}"
        )

    def admin_url(self, dbname: str = "postgres") -> str:
        return self.url(self.admin_user, self.admin_password, dbname)

    def admin_connect(self, dbname: str = "postgres") -> psycopg.Connection:
        """A superuser connection (autocommit) over TLS with verify-full."""
        return psycopg.connect(self.admin_url(dbname), autocommit=True)

    def fresh_database(self, name: str | None = None) -> str:
        """CREATE DATABASE (a new name each call unless given) and return its admin URL."""
        name = name or f"hub_{uuid.uuid4().hex[:12]}"
        with self.admin_connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.admin_url(name)

    # -- making it ---------------------------------------------------------------------------------------------------

    def _as_server_user(self, args: list[str]) -> list[str]:
        """PostgreSQL refuses to run as root: run its programs as the `postgres` OS user then."""
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *args]
        return args

    def _run(self, args: list[str]) -> None:
        done = subprocess.run(self._as_server_user(args), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}"
                               f"\n{self.log()[-3000:]}")

    def _pg_ctl(self, *args: str) -> None:
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), *args])

    def _initdb(self) -> None:
        pwfile = self.folder / "pwfile"
        pwfile.write_text(self.admin_password + "\n")
        self._hand_over()
        try:
            self._run([str(self.bindir / "initdb"), "-D", str(self.data), "-U", self.admin_user, "--pwfile",
                       str(pwfile), "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                       "--locale=C", "--no-sync"])
        finally:
            pwfile.unlink()

    def _hand_over(self) -> None:
        """As root: the folder and the key belong to `postgres` (the key must be 0600 and the server's own)."""
        os.chmod(self.folder, 0o755)
        if os.geteuid() != 0:
            return
        shutil.chown(self.folder, "postgres", "postgres")
        for path in self.folder.iterdir():
            shutil.chown(path, "postgres", "postgres")

    def _configure(self) -> None:
        conf = self.data / "postgresql.conf"
        with conf.open("a") as f:
            f.write(
                "\n# tests/pg_cluster.py\n"
                "listen_addresses = '127.0.0.1'\n"
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.folder}'\n"
                "ssl = on\n"
                f"ssl_cert_file = '{self.folder / 'server.pem'}'\n"
                f"ssl_key_file = '{self.folder / 'server.key'}'\n"
                "max_connections = 200\n"
                "fsync = off\n"  # a throwaway server: a machine crash loses nothing we keep
                "full_page_writes = off\n"
                "log_min_messages = warning\n"
                "password_encryption = 'scram-sha-256'\n"
            )
        (self.data / "pg_hba.conf").write_text(
            "# tests/pg_cluster.py: the socket in the private folder trusts; TCP only with TLS and a password\n"
            "local all all trust\n"
            "hostssl all all 127.0.0.1/32 scram-sha-256\n"
        )
        self._hand_over()

    def _make_certificates(self) -> None:
        """A test CA and a server certificate for DNS:localhost only (no IP address: 127.0.0.1 must fail verify)."""
        now = datetime.datetime.now(datetime.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Seller Companion test CA")])
        ca = (
            x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(ca_key, hashes.SHA256())
        )
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256())
        )
        self.ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        (self.folder / "server.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path = self.folder / "server.key"
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        os.chmod(key_path, 0o600)
        os.chmod(self.ca_path, 0o644)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One private PostgreSQL for the whole test session (each test makes its own database)."""
    cluster = PgCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
