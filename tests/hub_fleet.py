"""The parent's side of tests/hub_laptop.py: laptops as processes, driven by JSON commands, killed and restarted.

`LaptopProcess(folder).start()` spawns `python tests/hub_laptop.py FOLDER`; `.call("sell", count=…)` sends one
command and returns its answer (raising LaptopFailed on an error answer, unless `check=False`); `.kill()` sends
SIGKILL; `.start()` again opens the same folder as a restarted app would. `Fleet` holds a hub (a fresh database
on a PgCluster), the byte-counting proxy in front of it and the laptops, and makes the shop: the first laptop
creates the hub through the proxy, the others join with one-time codes (so every laptop talks through the proxy).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import psycopg

from tests.hub_checks import divergence, hub_duplicates
from tests.pg_cluster import PgCluster
from tests.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parent.parent
LAPTOP = ROOT / "tests" / "hub_laptop.py"
ANSWER_TIMEOUT = 300.0
PRODUCTS = [
    {"sku": "KOPI-01", "name": "Kopi Sachet", "price": 2_500, "stock": 5_000},
    {"sku": "TEH-01", "name": "Teh Botol", "price": 5_000, "stock": 5_000},
    {"sku": "GULA-01", "name": "Gula Pasir 1 kg", "price": 18_000, "stock": 5_000},
    {"sku": "MIE-01", "name": "Mie Instan", "price": 3_500, "stock": 5_000},
    {"sku": "SABUN-01", "name": "Sabun Mandi", "price": 4_000, "stock": 5_000},
]
SKUS = [p["sku"] for p in PRODUCTS]


class LaptopFailed(AssertionError):
    """A laptop answered with an error (its words and, for a crash, its traceback)."""

    def __init__(self, name: str, answer: dict[str, Any]) -> None:
        super().__init__(f"{name}: {answer.get('error')}\n{answer.get('trace', '')}")
        self.answer = answer
        self.kind = str(answer.get("kind", ""))


def laptop_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ, COMPANION_DATA_DIR=str(folder), QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # never the desktop's keyring: each laptop has its keyring file
    return env


class LaptopProcess:
    """One laptop: a child process on its own data folder."""

    def __init__(self, folder: Path, name: str = "") -> None:
        self.folder = folder
        self.name = name or folder.name
        self.proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.stderr_path = folder.parent / f"{folder.name}.stderr"

    def start(self, *extra: str, wait: bool = True) -> LaptopProcess:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lines = queue.Queue()
        err = self.stderr_path.open("a", encoding="utf-8")
        self.proc = subprocess.Popen([sys.executable, str(LAPTOP), str(self.folder), *extra], cwd=ROOT,
                                     env=laptop_env(self.folder), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=err, text=True, encoding="utf-8", bufsize=1)
        err.close()
        threading.Thread(target=self._read, args=(self.proc.stdout, self._lines), daemon=True).start()
        if wait and not extra:
            self.ready()
        return self

    def ready(self) -> None:
        """Wait for the serving laptop's first line ({"ready": pid}): its file is open and migrated."""
        self._next()

    @staticmethod
    def _read(stream: TextIO | None, lines: queue.Queue[str | None]) -> None:
        assert stream is not None
        for line in stream:
            lines.put(line)
        lines.put(None)

    def _next(self, timeout: float = ANSWER_TIMEOUT) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise LaptopFailed(self.name, {"error": f"no answer in {timeout:.0f} s", "trace": self.stderr()}) from None
        if line is None:
            raise LaptopFailed(self.name, {"error": "the process ended", "kind": "ended", "trace": self.stderr()})
        answer: dict[str, Any] = json.loads(line)
        return answer

    def next_line(self, timeout: float) -> dict[str, Any] | None:
        """The next line a looping laptop printed, or None when the process ended."""
        line = self._lines.get(timeout=timeout)
        return None if line is None else dict(json.loads(line))

    def call(self, cmd: str, *, check: bool = True, timeout: float = ANSWER_TIMEOUT, **fields: Any) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin is not None, "start the laptop first"
        self.proc.stdin.write(json.dumps({"cmd": cmd, **fields}) + "\n")
        self.proc.stdin.flush()
        answer = self._next(timeout)
        if check and not answer.get("ok"):
            raise LaptopFailed(self.name, answer)
        return answer

    def kill(self) -> None:
        """SIGKILL: the power cord pulled (nothing of the process runs after it)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def kill_now(self) -> None:
        """SIGKILL without waiting (from the proxy's thread, the moment the bytes passed)."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGKILL)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait(self, timeout: float = 60) -> int | None:
        return None if self.proc is None else self.proc.wait(timeout=timeout)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            with contextlib.suppress(LaptopFailed, OSError):
                self.call("exit", timeout=30)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None

    def restart(self) -> LaptopProcess:
        self.stop()
        return self.start()

    def stderr(self) -> str:
        try:
            return self.stderr_path.read_text(encoding="utf-8", errors="replace")[-4000:]
        except FileNotFoundError:
            return ""


class Fleet:
    """A hub behind a proxy and several laptops of one shop."""

    def __init__(self, work: Path, hub_port: int, admin_url_for: Any, count: int = 3) -> None:
        self.work = work
        self.proxy = TcpProxy(hub_port).start()
        self.admin_url = admin_url_for(self.proxy.port)  # every laptop reaches the hub through the proxy
        self.laptops = [LaptopProcess(work / f"laptop-{chr(ord('a') + i)}") for i in range(count)]

    def start(self, products: Iterable[dict[str, Any]] = PRODUCTS) -> Fleet:
        """Start every laptop; the first makes the catalogue and the hub, the others join and download it."""
        for laptop in self.laptops:
            laptop.start(wait=False)  # side by side: each opens and migrates its own new file
        for laptop in self.laptops:
            laptop.ready()
        first = self.laptops[0]
        first.call("products", items=list(products))
        first.call("init", url=self.admin_url, shop="Toko Uji", name=first.name)
        first.call("sync_until_quiet")
        codes = [first.call("invite")["code"] for _ in self.laptops[1:]]

        def join(laptop: LaptopProcess, code: str) -> None:
            laptop.call("join", code=code, name=laptop.name)
            laptop.call("sync_until_quiet")

        with ThreadPoolExecutor(max(1, len(codes))) as pool:
            list(pool.map(join, self.laptops[1:], codes))
        return self

    def sync_all(self, passes: int = 2) -> None:
        """Each laptop syncs until quiet, twice round the table (the second pass brings everyone the last ones)."""
        for _ in range(passes):
            for laptop in self.laptops:
                laptop.call("sync_until_quiet")

    def kill_while_looping(self, laptop: LaptopProcess, direction: str, after_bytes: int,
                           delay_s: float = 0.0) -> bool:
        """Run the laptop's rounds over and over (`--loop-sync`) and SIGKILL it once `after_bytes` more crossed the
        proxy `direction` (plus `delay_s`, to land inside the apply that follows a pull). False when the laptop went
        quiet first (nothing left to cut into: it is killed then anyway). The laptop is left stopped."""
        laptop.stop()
        fired = threading.Event()

        def kill() -> None:
            fired.set()
            threading.Timer(delay_s, laptop.kill_now).start()

        with self.proxy.watching(direction, after_bytes, kill):
            laptop.start("--loop-sync")
            while laptop.alive():
                line = laptop.next_line(timeout=ANSWER_TIMEOUT)
                if line is None:
                    break
                if line["ok"] and line["pushed"] == 0 and line["pulled"] == 0 and not fired.is_set():
                    laptop.kill_now()
                    break
        laptop.wait()
        laptop.proc = None
        return fired.is_set()

    def digests(self) -> list[dict[str, Any]]:
        return [laptop.call("digest") for laptop in self.laptops]

    def stop(self) -> None:
        for laptop in self.laptops:
            laptop.stop()
        self.proxy.stop()


class Shop:
    """A fleet on a fresh hub database, with the admin's own connection for looking at the hub."""

    def __init__(self, cluster: PgCluster, work: Path, laptops: int = 3) -> None:
        self.cluster = cluster
        self.dbname = f"hub_{uuid.uuid4().hex[:12]}"
        cluster.fresh_database(self.dbname)
        self.fleet = Fleet(work, cluster.port, self.url_through, laptops)

    def url_through(self, port: int) -> str:
        return self.cluster.url(self.cluster.admin_user, self.cluster.admin_password, self.dbname, port=port)

    @property
    def laptops(self) -> list[LaptopProcess]:
        return self.fleet.laptops

    def hub_problems(self, *, across_devices: bool = True) -> list[str]:
        with psycopg.connect(self.cluster.admin_url(self.dbname), autocommit=True) as conn:
            return hub_duplicates(conn, across_devices=across_devices)

    def converged(self, *, across_devices: bool = True) -> list[dict[str, Any]]:
        """Sync everyone until quiet, then assert the promise; returns the digests. `across_devices=False`: a
        laptop that joined again uploads its history again under its new identity (hub_state.enrol), so a row
        may then be inserted once per identity, never twice by one."""
        self.fleet.sync_all()
        answers = self.fleet.digests()
        assert divergence(answers, [lp.name for lp in self.laptops]) == []
        assert self.hub_problems(across_devices=across_devices) == []
        return answers


def week_ago() -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(days=8)


def on_all(laptops: list[LaptopProcess], cmd: str, **fields: Any) -> list[dict[str, Any]]:
    """The same command on every laptop at once (one thread each: the processes really run side by side)."""
    return each(laptops, cmd, [fields] * len(laptops))


def each(laptops: list[LaptopProcess], cmd: str, fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One command on every laptop at once, each with its own fields."""
    with ThreadPoolExecutor(len(laptops)) as pool:
        return list(pool.map(lambda pair: pair[0].call(cmd, **pair[1]), zip(laptops, fields, strict=True)))


def running_shop(pg_cluster: PgCluster, tmp_path: Path) -> Iterator[Shop]:
    """The scenario tests' fixture body (each test file: `shop = pytest.fixture()(running_shop)`): three laptops
    started on a fresh hub database, stopped afterwards whatever happened."""
    made = Shop(pg_cluster, tmp_path)
    try:
        made.fleet.start()
        yield made
    finally:
        made.fleet.stop()
