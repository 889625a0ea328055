"""`companion hub …` end to end against a real PostgreSQL (tests/pg_cluster.py): two laptops as two data folders,
every step through companion.cli.main with its exit code and its words in the app's language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pg_cluster import PgCluster

from companion import cli, i18n
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store import hub_state
from companion.store.database import close_thread_databases, open_database
from companion.store.location import db_path


def run(capsys: pytest.CaptureFixture[str], folder: Path, *args: str) -> tuple[int, str, str]:
    code = cli.main(["hub", *args, "--data-dir", str(folder)])
    close_thread_databases()
    out, err = capsys.readouterr()
    return code, out, err


def shop(root: Path, name: str, product: bool = False) -> Path:
    folder = root / name
    folder.mkdir()
    db = open_database(db_path(folder))
    try:
        if product:
            pid, _ = add_product(db, ProductInput(sku="KOPI", name="Kopi Sachet", sell_price=2_500), 10)
            record_sale(db, [LineInput(pid, 1, 2_500)], PaymentMethod.CASH)
    finally:
        db.close()
    return folder


def device_id(folder: Path) -> str:
    db = open_database(db_path(folder))
    try:
        return hub_state.identity(db).device_id
    finally:
        db.close()


def test_the_hub_commands_from_init_to_leave(pg_cluster: PgCluster, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    a, b = shop(tmp_path, "a", product=True), shop(tmp_path, "b")
    code, out, _ = run(capsys, b, "status")
    assert code == 0 and "belum bergabung" in out
    code, _, err = run(capsys, b, "sync", "--once")
    assert code == 1 and "belum bergabung" in err

    url = pg_cluster.fresh_database()
    code, out, err = run(capsys, a, "init", url, "--shop-name", "Toko Uji", "--device-name", "Kasir")
    assert code == 0, err
    assert "Kasir" in out and "A-" in out and "Sinkron hub selesai" in out
    assert "hub_admin" not in out + err and pg_cluster.admin_password not in out + err
    code, _, err = run(capsys, a, "init", url)
    assert code == 1 and "sudah tergabung" in err

    code, out, err = run(capsys, a, "invite", "--hours", "2")
    assert code == 0, err
    join_code = out.splitlines()[0].strip()
    assert "2 jam" in out
    code, out, err = run(capsys, b, "join", join_code, "--device-name", "Gudang")
    assert code == 0, err
    assert "Gudang" in out and "B-" in out
    code, _, err = run(capsys, b, "join", join_code)
    assert code == 1 and err.strip()

    code, out, err = run(capsys, b, "sync", "--once")
    assert code == 0, err
    assert "2 laptop" in out
    code, out, _ = run(capsys, b, "status", "--json")
    facts = json.loads(out)
    assert facts["enrolled"] and facts["prefix"] == "B" and facts["device_name"] == "Gudang"
    assert facts["host"] == "localhost" and facts["waiting"] == 0 and facts["devices"] == 2
    assert facts["stopped"] is None and facts["last_sync"]
    code, out, _ = run(capsys, b, "status")
    assert code == 0 and "2 laptop sinkron" in out and "Gudang" in out

    code, out, _ = run(capsys, a, "devices")
    assert code == 0 and "Kasir" in out and "Gudang" in out and "laptop ini" in out
    code, _, err = run(capsys, a, "take-over", "Toko yang tidak ada")
    assert code == 1 and "Tidak ada toko online" in err
    code, _, err = run(capsys, a, "revoke", "Kasir")
    assert code == 1 and "tidak bisa mengeluarkan dirinya" in err

    code, out, err = run(capsys, a, "revoke", "Gudang")
    assert code == 0, err
    assert "Gudang" in out
    code, out, err = run(capsys, b, "sync", "--once")
    assert code == 1 and "dikeluarkan" in out
    code, out, _ = run(capsys, b, "status")
    assert "Berhenti: " in out
    code, out, err = run(capsys, a, "invite")  # a removed laptop joins again with a new code, as it was told
    assert code == 0, err
    code, out, err = run(capsys, b, "join", out.splitlines()[0].strip(), "--device-name", "Gudang baru")
    assert code == 0, err
    assert "C-" in out
    code, out, err = run(capsys, b, "sync", "--once")
    assert code == 0, err

    code, out, err = run(capsys, b, "leave")
    assert code == 0, err
    assert not hub_state.identity(open_database(db_path(b))).enrolled
    code, out, _ = run(capsys, b, "status")
    assert code == 0 and "belum bergabung" in out


def test_the_words_follow_the_lang_option(pg_cluster: PgCluster, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    a = shop(tmp_path, "a")
    code = cli.main(["--lang", "en", "hub", "sync", "--once", "--data-dir", str(a)])
    close_thread_databases()
    _, err = capsys.readouterr()
    assert code == 1 and "has not joined a hub" in err
    i18n.set_language("id")
    code, _, err = run(capsys, a, "init", "postgresql://nobody:wrong@localhost:9/none?sslmode=verify-full",
                       "--device-name", "Kasir")
    assert code == 1 and err.strip() and "wrong" not in err
    assert not hub_state.identity(open_database(db_path(a))).enrolled
    assert device_id(a)
