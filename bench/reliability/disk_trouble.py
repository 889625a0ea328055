"""Disk trouble: the data folder's disk fills up or turns read-only while the shop is writing.

Each failing write must say one sentence (what happened, what to do), leave nothing half-written and lose nothing
committed before, and the same Database must write again once the disk is back, without a restart. A backup
attempt on a full disk must fail the same way and leave no half-written file behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.reliability.scratch_disk import ScratchDisk
from bench.reliability.trials import Trial
from companion import i18n
from companion.domain.errors import UserError
from companion.domain.ids import new_id
from companion.domain.product import ProductInput
from companion.domain.sale import LineInput, PaymentMethod
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.services.stock import count_stock
from companion.store import backup, outbox
from companion.store import storage_errors as se
from companion.store.database import Database, open_database
from companion.store.location import DB_NAME, db_path
from companion.store.stock import verify_levels

AREA = "disk trouble"


@dataclass
class Tally:
    tried: int = 0
    held: int = 0
    refused: int = 0  # refused with a disk sentence
    saved: int = 0  # saved whole in spite of the trouble (a page still had room)
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, failure: str) -> None:
        self.tried += 1
        if ok:
            self.held += 1
        else:
            self.failures.append(failure)


def one_sentence(text: str, msgid: str) -> bool:
    """Translated, non-empty, one sentence ending in a full stop."""
    body = text.rstrip(".")
    return bool(text) and text != msgid and text.endswith(".") and ". " not in body and "\n" not in text


class Shop:
    """The seeded shop and what the campaign knows of it: confirmed sales, and sales that were refused."""

    def __init__(self, db: Database) -> None:
        self.products = [add_product(db, ProductInput(sku=f"DT-{i}", name=f"Barang {i}", sell_price=5_000 + i),
                                     1_000)[0] for i in range(3)]
        self.sales: set[str] = set()  # confirmed saved
        self.pending: list[str] = []  # refused: must be absent or whole, never half

    def state_ok(self, db: Database) -> tuple[bool, str]:
        """Every confirmed sale whole; each refused one whole or absent; ledger = cache; integrity ok."""
        for sale_id in [*self.sales, *self.pending]:
            head = db.scalar("SELECT line_count FROM sales WHERE id = ?", (sale_id,))
            lines = db.scalar("SELECT COUNT(*) FROM sale_lines WHERE sale_id = ?", (sale_id,))
            moves = db.scalar("SELECT COUNT(*) FROM stock_movements WHERE reference = ?", (f"sale:{sale_id}",))
            if head is None and sale_id in self.sales:
                return False, f"confirmed sale {sale_id} lost"
            if (head or 0) != lines or lines != moves:
                return False, f"sale {sale_id} half-written: head {head}, {lines} lines, {moves} movements"
        wrong = verify_levels(db)
        if wrong:
            return False, f"stock cache differs from the ledger for {len(wrong)} products"
        if db.scalar("PRAGMA integrity_check") != "ok":
            return False, "integrity_check failed"
        return True, ""


def _writes(shop: Shop, db: Database) -> list[tuple[str, Callable[[], None]]]:
    """A counter sale, a stock count and an outbox entry, each through `db` in its own transaction."""
    def sale() -> None:
        sale_id = new_id()
        try:
            record_sale(db, [LineInput(shop.products[0], 1, 5_000), LineInput(shop.products[1], 2, 5_001)],
                        PaymentMethod.QRIS, sale_id=sale_id)
        except BaseException:
            shop.pending.append(sale_id)
            raise
        shop.sales.add(sale_id)

    def count() -> None:
        count_stock(db, {p: 900 + len(shop.sales) for p in shop.products}, "opname")

    def queue() -> None:
        with db.write():
            outbox.enqueue(db, "reply", {"text": "Stok ada, kak"}, f"disk-trouble:{new_id()}")

    return [("sale", sale), ("stock count", count), ("outbox entry", queue)]


def _try_writes(shop: Shop, db: Database, msgids: tuple[str, ...], said: Tally, repeat: int) -> None:
    """Every write while the disk is in trouble: saved whole, or refused with one of `msgids` in one sentence."""
    for _ in range(repeat):
        for name, write in _writes(shop, db):
            try:
                write()
            except se.StorageUnavailable as exc:
                said.refused += 1
                said.check(exc.msgid in msgids and one_sentence(exc.message(), exc.msgid),
                           f"{name}: {exc.name} gave {exc.message()!r}")
            except Exception as exc:  # anything else reaching the person is a failure of the promise
                said.check(False, f"{name}: {type(exc).__name__}: {exc}")
            else:
                said.saved += 1
                said.check(True, "")


def _recovers(shop: Shop, db: Database, back: Tally, kept: Tally, main: Database) -> None:
    try:
        for _name, write in _writes(shop, db):
            write()
    except Exception as exc:
        back.check(False, f"after the disk came back: {type(exc).__name__}: {exc}")
    else:
        back.check(True, "")
    ok, why = shop.state_ok(main)
    kept.check(ok, why)


def _full_rounds(disk: ScratchDisk, shop: Shop, db: Database, rounds: int) -> list[Trial]:
    said, kept, back = Tally(), Tally(), Tally()
    for _ in range(rounds):
        disk.fill(db)
        try:
            _try_writes(shop, db, (se.FULL,), said, repeat=2)
            ok, why = shop.state_ok(db)
            kept.check(ok, why)
        finally:
            disk.free(db)
        _recovers(shop, db, back, kept, db)
    if said.refused == 0:
        said.failures.append("no write was refused with the disk-full sentence")
        said.held = 0
    return [
        Trial(AREA, "disk full: each write saved whole or refused in one sentence", said.tried, said.held,
              f"{said.refused} refused, {said.saved} saved whole", said.failures),
        Trial(AREA, "disk full: nothing half-written or lost (ledger, integrity)", kept.tried, kept.held,
              f"{len(shop.sales)} confirmed sales", kept.failures),
        Trial(AREA, "disk full: the same Database writes again once space returns", back.tried, back.held,
              "", back.failures),
    ]


def _read_only_rounds(disk: ScratchDisk, shop: Shop, db: Database, rounds: int) -> list[Trial]:
    said, kept, back = Tally(), Tally(), Tally()
    for _ in range(rounds):
        try:
            path = disk.protect(DB_NAME)
        except RuntimeError as exc:  # shown as a failed row, never skipped silently
            return [Trial(AREA, "read-only: could not make the disk read-only here", 0, 0, str(exc))]
        try:
            worker = Database(path)
            _try_writes(shop, worker, (se.READ_ONLY, se.CANNOT_OPEN), said, repeat=1)
            ok, why = shop.state_ok(db)
            kept.check(ok, why)
        finally:
            disk.unprotect(DB_NAME)
        _recovers(shop, worker, back, kept, db)
        worker.close()
    if said.refused == 0:
        said.failures.append("no write was refused with the read-only sentence")
        said.held = 0
    return [
        Trial(AREA, "read-only: each write refused in one sentence", said.tried, said.held,
              f"{said.refused} refused", said.failures),
        Trial(AREA, "read-only: nothing half-written or lost (ledger, integrity)", kept.tried, kept.held,
              "", kept.failures),
        Trial(AREA, "read-only: the same Database writes again once writable", back.tried, back.held,
              "reopens its handle", back.failures),
    ]


def _backup_rounds(disk: ScratchDisk, folder: Path, db: Database, rounds: int) -> Trial:
    """A backup on a full disk: one sentence, no file named like a good backup, no partial file left behind."""
    tally = Tally()
    for _ in range(rounds):
        before = set(backup.backup_dir(folder).glob("*")) if backup.backup_dir(folder).exists() else set()
        with disk.full_for_backup(db):
            try:
                made = backup.make_backup(folder)
            except UserError as exc:
                left = set(backup.backup_dir(folder).glob("*")) - before
                tally.check(not left and one_sentence(exc.message(), exc.msgid),
                            f"left {sorted(p.name for p in left)}, said {exc.message()!r}")
            except Exception as exc:
                tally.check(False, f"{type(exc).__name__}: {exc}")
            else:
                tally.check(False, f"a backup was written on a full disk: {made.name}")
        try:
            good = backup.make_backup(folder)
            tally.check(backup.quick_check(good), f"the backup after space returned fails its check: {good.name}")
        except Exception as exc:
            tally.check(False, f"backup after space returned: {type(exc).__name__}: {exc}")
    return Trial(AREA, "backup on a full disk: one sentence, no half-written file; works after", tally.tried,
                 tally.held, "", tally.failures)


def run(quick: bool, work: Path) -> list[Trial]:
    rounds = 3 if quick else 15
    i18n.set_language("id")
    with ScratchDisk(work / "disk-trouble") as disk:
        folder = disk.folder
        db = open_database(db_path(folder))
        try:
            shop = Shop(db)
            trials = _full_rounds(disk, shop, db, rounds)
            trials += _read_only_rounds(disk, shop, db, rounds)
            trials.append(_backup_rounds(disk, folder, db, max(2, rounds // 3)))
        finally:
            db.close()
    for t in trials:
        t.detail = "; ".join(x for x in (t.detail, disk.short_mechanism) if x)
    return trials
