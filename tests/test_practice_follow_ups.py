"""Practice buyers follow up ("Halo kak?") on a question nobody answered, once, and never after a reply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from companion.practice.buyers import FOLLOW_UP_AFTER_STEPS, FOLLOW_UPS, BuyerSimulator
from companion.practice.catalogue import is_buyer_question
from companion.practice.channels import registered_channels
from companion.practice.state import PracticeState


def _run(folder: Path, seed: int, steps: int) -> tuple[PracticeState, list[dict[str, Any]]]:
    state = PracticeState(folder, registered_channels())
    sim = BuyerSimulator(state, seed=seed)
    return state, [sim.step() for _ in range(steps)]


def test_unanswered_questions_get_a_follow_up_after_a_while(tmp_path: Path) -> None:
    state, actions = _run(tmp_path / "p", seed=3, steps=200)
    follow_ups = [(n, a) for n, a in enumerate(actions) if a["action"] == "follow_up"]
    assert follow_ups, "some buyer should have followed up in 200 steps"
    for n, action in follow_ups:
        assert action["text"] in FOLLOW_UPS
        assert n >= FOLLOW_UP_AFTER_STEPS  # never before the silence was long enough
    for platform in state.channel_names:
        for conv in state.conversations(platform):
            msgs = list(reversed(state.messages(platform, conv["ref"])))
            for n, m in enumerate(msgs):
                if m["text"] in FOLLOW_UPS:  # after a question (or a picture or card), never twice in a row
                    assert n > 0 and (is_buyer_question(msgs[n - 1]["text"]) or msgs[n - 1]["kind"] != "text")
    state.close()


def test_answered_buyers_do_not_follow_up(tmp_path: Path) -> None:
    state = PracticeState(tmp_path / "p", registered_channels())
    sim = BuyerSimulator(state, seed=3)
    for _ in range(200):
        action = sim.step()
        if action["action"] in ("message", "show"):  # the seller answers every question (or picture) at once
            for conv in state.conversations(action["platform"]):
                latest = state.latest_message(conv["id"])
                if latest is not None and latest["sender"] == "buyer":
                    state.add_message(action["platform"], conv["ref"], "seller", "Ready kak, silakan diorder.")
        assert action["action"] != "follow_up", action
    state.close()


def test_same_seed_same_follow_ups(tmp_path: Path) -> None:
    def trace(folder: Path) -> list[str]:
        state, actions = _run(folder, seed=21, steps=120)
        state.close()
        return [f"{a['action']}:{a['platform']}:{a.get('text', a.get('seller_sku', ''))}" for a in actions]

    first = trace(tmp_path / "a")
    assert any(line.startswith("follow_up:") for line in first)
    assert first == trace(tmp_path / "b")
