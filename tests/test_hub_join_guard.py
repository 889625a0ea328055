"""A laptop in a working hub never asks another hub to enrol it: joining a second hub would upload this shop's whole
record into that one. It must leave first; one whose syncing stopped (removed, hub reset) may join anew."""

from __future__ import annotations

import pytest

from companion.domain.errors import UserError
from companion.domain.hub_records import Enrolment, HubAddress
from companion.services import hub as hub_service
from companion.store import hub_state
from companion.store.database import Database
from companion.sync import hub_actions


def _enrol(db: Database) -> None:
    hub_service.enrol_device(db, Enrolment(HubAddress("hub.example", 5432, "shop"), "a" * 32, "b" * 32,
                                           hub_state.identity(db).device_id, "cd_x", "pw", "A", "Kasir", "outlet-main"))


def test_joining_while_in_a_working_hub_is_refused_before_any_hub_is_asked(db: Database) -> None:
    _enrol(db)
    for attempt in (lambda: hub_actions.join_hub(db, "SC1-NOT-EVEN-A-CODE", "Kasir 2", "outlet-main"),
                    lambda: hub_actions.create_hub(db, "postgresql://x@127.0.0.1:1/x", "Toko", "Kasir", "outlet-main")):
        with pytest.raises(UserError) as refused:
            attempt()
        assert "leave it first" in refused.value.message() or "keluar dulu" in refused.value.message()
    assert hub_state.identity(db).hub_id == "a" * 32  # still in its hub, nothing changed


def test_a_laptop_whose_syncing_stopped_may_join_anew(db: Database) -> None:
    _enrol(db)
    with db.write():
        hub_state.stop(db, "revoked")
    hub_service.refuse_if_joined(db)  # no refusal: the join goes on to the hub
    with pytest.raises(UserError) as refused:  # …which here is a mistyped code, said so without any network
        hub_actions.join_hub(db, "SC1-NOT-EVEN-A-CODE", "Kasir 2", "outlet-main")
    assert "leave it first" not in refused.value.message()
