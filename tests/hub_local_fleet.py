"""Several laptops as separate shop files in one test, exchanging journals through a list standing for the hub's
change log (the network only: the real PostgreSQL hub is tested in the hub-proof tests). The laptops act through
the real services; pushing and pulling go through services/hub.py and store/hub_journal.py as the sync round does."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from companion.domain.hub_records import Enrolment, HubAddress, HubChange
from companion.services import hub as hub_service
from companion.store import hub_journal, hub_state
from companion.store.database import Database, open_database
from companion.store.hub_digest import digest, problems


@dataclass
class Laptop:
    name: str
    db: Database

    @property
    def device_id(self) -> str:
        return hub_state.identity(self.db).device_id


@dataclass
class ChangeLog:
    """The hub's change log: one row per change id (a repeated push adds nothing), in push order."""

    changes: list[HubChange] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def push(self, laptop: Laptop, limit: int = 10_000, *, mark: bool = True) -> int:
        waiting = hub_journal.waiting(laptop.db, limit)
        device = laptop.device_id
        for w in waiting:
            if w.change_id in self.seen:
                continue
            self.seen.add(w.change_id)
            n = len(self.changes) + 1
            self.changes.append(HubChange(w.change_id, device, w.device_seq, w.table, w.row_id, w.op, w.hlc,
                                          w.fields, w.payload, f"{n}:{n}"))
        if waiting and mark:
            hub_service.pushed(laptop.db, waiting[-1].device_seq)
        return len(waiting)

    def batch(self, laptop: Laptop, limit: int = 500) -> list[HubChange]:
        done = int(hub_state.identity(laptop.db).pull_cursor.split(":")[1])
        device = laptop.device_id
        return [c for c in self.changes[done:] if c.device_id != device][:limit]

    def pull(self, laptop: Laptop, limit: int = 500) -> int:
        got = 0
        while batch := self.batch(laptop, limit):
            hub_service.apply_pulled(laptop.db, batch)
            got += len(batch)
        return got

    def meet(self, laptops: list[Laptop]) -> None:
        """Everyone pushes and pulls until nothing moves."""
        for _ in range(3):
            for laptop in laptops:
                self.push(laptop)
            for laptop in laptops:
                self.pull(laptop)


def new_laptop(folder: Path, name: str) -> Laptop:
    return Laptop(name, open_database(folder / f"{name}.sqlite3"))


def enrol(laptop: Laptop, prefix: str) -> None:
    hub_service.enrol_device(laptop.db, Enrolment(
        HubAddress("hub.example", 5432, "shop"), "hub-1", "shop-1", secrets.token_hex(16), f"device_{prefix.lower()}",
        "not-a-real-password", prefix, f"Laptop {prefix}", "outlet-main"))


def fleet(folder: Path, count: int = 3) -> list[Laptop]:
    """`count` enrolled laptops with prefixes A, B, C…"""
    laptops = []
    for n in range(count):
        laptop = new_laptop(folder, f"laptop{n}")
        enrol(laptop, chr(ord("A") + n))
        laptops.append(laptop)
    return laptops


def same_everywhere(laptops: list[Laptop]) -> dict[str, str]:
    """The laptops' digests are equal and none has a problem; returns the digest."""
    first = digest(laptops[0].db)
    for laptop in laptops:
        assert problems(laptop.db) == [], laptop.name
        other = digest(laptop.db)
        assert {k: v for k, v in other.items() if v != first[k]} == {}, laptop.name
    return first
