"""Reviews end to end on the practice marketplace, per platform that gives apps its reviews (Shopee, Lazada): pulled
with a cursor (the second round sees only what is new or changed), a low rating counted for the tray and the opening
checklist, replies sent in the platform's batches, a reply queued while the marketplace is down sent once when it
is back, and refusals said in the platform's own words. TikTok Shop gives apps no reviews: its spec says so and its
shop gets no reviews phase."""

from __future__ import annotations

import json
import pkgutil
from dataclasses import replace
from datetime import datetime, timedelta
from importlib import import_module
from pathlib import Path

import pytest
from review_reply_child import (
    REVIEW_PLATFORMS,
    ReplyWire,
    account_ids,
    engine,
    leave,
    on_platform,
    reviewed_shop,
)
from sync_child import credentials_source, quick_connector

from companion.connectors import registry
from companion.connectors.base import Connector, Credentials
from companion.connectors.contract import Endpoint
from companion.domain.clock import now_utc, stamp
from companion.domain.errors import UserError
from companion.domain.marketplace import Capability
from companion.domain.reviews import Review, ReviewPage
from companion.practice import reviews as practice_reviews
from companion.practice.server import PracticeMarketplace
from companion.services import reviews as review_service
from companion.store import outbox, sync_state
from companion.store import reviews as review_store
from companion.store.database import Database
from companion.store.location import db_path
from companion.sync import reviews as sync_reviews
from companion.sync.engine import SyncEngine
from companion.sync.reviews import FIRST_WINDOW, OVERLAP, RECHECK, RECHECK_EVERY, REVIEWS


class Seen:
    """A connector factory that keeps what each pull_reviews was asked and returned (the connector itself runs
    unchanged)."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.pulled: list[Review] = []
        self.windows: list[tuple[datetime, datetime]] = []

    def __call__(self, credentials: Credentials) -> Connector:
        connector = quick_connector(credentials)
        if connector.channel != self.platform:
            return connector
        inner = connector.pull_reviews

        def pull(updated_from: datetime, updated_to: datetime, cursor: str | None = None) -> ReviewPage:
            page = inner(updated_from, updated_to, cursor)
            self.windows.append((updated_from, updated_to))
            self.pulled.extend(page.reviews)
            return page

        connector.pull_reviews = pull  # type: ignore[method-assign]
        return connector

    def ids(self) -> set[str]:
        got, self.pulled = {r.review_id for r in self.pulled}, []
        return got

    def window(self) -> tuple[datetime, datetime]:
        """The window the last round's pull asked for (every page of a walk asks the same)."""
        assert self.windows and len(set(self.windows)) == 1, self.windows
        found, self.windows = self.windows[0], []
        return found


def _shown(db: Database, account_id: str) -> dict[str, tuple[object, ...]]:
    """What the shop's reviews show, by platform id."""
    return {r.platform_review_id: (r.rating, r.text, r.reply_text, r.hidden, r.updated_at)
            for r in review_store.listing(db, limit=100_000) if r.account_id == account_id}


def _ours(db: Database, account_id: str, platform_review_id: str) -> review_store.ReviewRow:
    found = [r for r in review_store.listing(db, limit=100_000)
             if r.account_id == account_id and r.platform_review_id == platform_review_id]
    assert found, f"review {platform_review_id} not stored"
    return found[0]


def _documented_words(platform: str) -> list[str]:
    """Every refusal the channel's contracts write down in the platform's words (a connector may refuse before
    sending, in those words): the endpoints' documented errors and the contracts' tables of words."""
    package = import_module(f"companion.connectors.{platform}")
    found: list[str] = []
    for info in pkgutil.iter_modules(package.__path__):
        if "contract" in info.name:
            for value in vars(import_module(f"{package.__name__}.{info.name}")).values():
                if isinstance(value, Endpoint):
                    found += [e.words for e in value.errors]
                elif isinstance(value, dict):
                    found += [v for v in value.values() if isinstance(v, str)]
    return found


def _open_replies(db: Database) -> list[tuple[str, str]]:
    rows = db.query("SELECT state, last_error FROM outbox WHERE kind = ? AND state != 'sent'",
                    (review_service.REVIEW_REPLY_KIND,))
    return [(r["state"], r["last_error"]) for r in rows]


@pytest.mark.parametrize("platform", REVIEW_PLATFORMS)
def test_reviews_pulled_with_a_cursor_and_the_low_ones_counted(platform: str, data_dir: Path, db: Database,
                                                               market: PracticeMarketplace,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    refs = reviewed_shop(db, market, platform, 4)
    seen = Seen(platform)
    sync = SyncEngine(db_path(data_dir), credentials_source(market.base_urls["admin"]), seen)
    low = leave(market, platform, refs[0], 1, "Barang rusak, kardus penyok", ("https://example.com/a.jpg",), 20)
    good = leave(market, platform, refs[1], 5, "Mantap, cepat sampai", minutes_ago=20)
    meh = leave(market, platform, refs[2], 3, "Lumayan", minutes_ago=20)
    first = sync.sync_once()
    assert first.ok, [r.problem for r in first.accounts if r.problem]
    account = account_ids(db)[platform]
    assert seen.ids() == {low, good, meh}
    assert sync_state.cursor(db, account, REVIEWS)               # the walk's end is kept
    stored = _ours(db, account, low)
    assert (stored.rating, stored.text, stored.order_id is not None) == (1, "Barang rusak, kardus penyok", True)
    assert json.loads(stored.photos) if isinstance(stored.photos, str) else stored.photos
    assert review_store.unanswered_low_count(db) == 2           # 1 and 3 stars, unanswered
    assert review_store.listing(db)[0].platform_review_id in {low, meh}   # the low ones come first

    first_from, first_to = seen.window()
    assert first_to - first_from == FIRST_WINDOW               # the first pull looks 90 days back
    assert sync.sync_once().ok
    assert not seen.windows                                     # the next walk waits PULL_EVERY, not every round
    monkeypatch.setattr(sync_reviews, "PULL_EVERY", timedelta(0))

    new = leave(market, platform, refs[3], 2, "Lama sekali dikirim")
    practice_reviews.hide(market.state, platform, good)         # the buyer deletes one meanwhile
    before = _shown(db, account)
    assert sync.sync_once().ok
    assert seen.window()[0] == first_to - OVERLAP               # from the cursor, not 90 days back again
    assert new in seen.ids()
    after = _shown(db, account)
    changed = {ref for ref, shown in after.items() if before.get(ref) != shown}
    assert new in changed and changed <= {new, good}             # only what is new or changed
    assert review_store.unanswered_low_count(db) == 3
    again = _shown(db, account)
    assert sync.sync_once().ok
    assert _shown(db, account) == again                          # nothing new: nothing changes
    assert len(again) == 4


@pytest.mark.parametrize("platform", REVIEW_PLATFORMS)
def test_replies_go_in_the_platforms_batches_once(platform: str, data_dir: Path, db: Database,
                                                  market: PracticeMarketplace) -> None:
    refs = reviewed_shop(db, market, platform, 3)
    sync = engine(db_path(data_dir), market.base_urls["admin"])
    ids = [leave(market, platform, ref, rating, "Kurang puas", minutes_ago=20)
           for ref, rating in zip(refs, (1, 2, 3), strict=True)]
    assert sync.sync_once().ok
    account = account_ids(db)[platform]
    texts = {ref: f"Mohon maaf, Kak. Kami ganti barangnya ({n})." for n, ref in enumerate(ids)}
    for ref, text in texts.items():
        review_service.queue_review_reply(db, _ours(db, account, ref).id, text)
    assert _ours(db, account, ids[0]).reply_state == "waiting"   # "menunggu dikirim"
    wire = ReplyWire(platform)
    market.recorders.append(wire)
    assert sync.sync_once().ok
    assert _open_replies(db) == []
    rules = registry.get(platform).reviews
    assert rules is not None and len(wire.calls) == -(-len(ids) // rules.replies_per_call)
    for ref, text in texts.items():
        assert on_platform(market, platform, ref)["reply"] == text
        assert _ours(db, account, ref).reply_state == "sent"
    assert review_store.unanswered_low_count(db) == 0
    sync.sync_once()
    assert len(wire.calls) == -(-len(ids) // rules.replies_per_call)   # nothing sent twice


@pytest.mark.parametrize("platform", REVIEW_PLATFORMS)
def test_a_reply_queued_offline_is_sent_once_when_back(platform: str, tmp_path: Path, data_dir: Path,
                                                       db: Database) -> None:
    market = PracticeMarketplace(tmp_path / "practice").start()
    refs = reviewed_shop(db, market, platform, 1)
    ref = leave(market, platform, refs[0], 1, "Tidak sesuai foto", minutes_ago=20)
    assert engine(db_path(data_dir), market.base_urls["admin"]).sync_once().ok
    account = account_ids(db)[platform]
    sync = engine(db_path(data_dir), market.base_urls["admin"])
    market.stop()
    review_id = _ours(db, account, ref).id
    review_service.queue_review_reply(db, review_id, "Mohon maaf, Kak, kami kirim gantinya hari ini.")
    assert not sync.sync_once().ok
    assert [r["state"] for r in db.query("SELECT state FROM outbox WHERE kind = ?",
                                         (review_service.REVIEW_REPLY_KIND,))] == [outbox.WAITING]
    assert (review_store.get(db, review_id) or pytest.fail()).reply_state == "waiting"
    again = PracticeMarketplace(tmp_path / "practice").start()   # the same practice data, a new server
    try:
        wire = ReplyWire(platform)
        again.recorders.append(wire)
        back = engine(db_path(data_dir), again.base_urls["admin"])
        back.sync_once()
        back.sync_once()
        assert _open_replies(db) == []
        assert on_platform(again, platform, ref)["reply"] == "Mohon maaf, Kak, kami kirim gantinya hari ini."
        assert len(wire.calls) == 1
    finally:
        again.stop()


@pytest.mark.parametrize("platform", REVIEW_PLATFORMS)
def test_refusals_are_one_sentence_or_the_platforms_words(platform: str, data_dir: Path, db: Database,
                                                          market: PracticeMarketplace) -> None:
    refs = reviewed_shop(db, market, platform, 4)
    sync = engine(db_path(data_dir), market.base_urls["admin"])
    deleted, twice, long_, elsewhere = (leave(market, platform, ref, 1, "Jelek", minutes_ago=20) for ref in refs)
    assert sync.sync_once().ok
    account = account_ids(db)[platform]
    spec = registry.get(platform)
    rules = spec.reviews
    assert rules is not None and rules.available and rules.max_reply_length > 0

    # over the limit and empty: one sentence before anything is queued
    for text in ("x" * (rules.max_reply_length + 1), "   "):
        with pytest.raises(UserError):
            review_service.queue_review_reply(db, _ours(db, account, long_).id, text)
    assert not _open_replies(db)

    # a second reply where one is allowed: refused here once the first is sent
    review_service.queue_review_reply(db, _ours(db, account, twice).id, "Terima kasih, Kak.")
    with pytest.raises(UserError):
        review_service.queue_review_reply(db, _ours(db, account, twice).id, "Sekali lagi.")

    # deleted by the buyer after the reply was queued: failed with one sentence, nothing sent
    review_service.queue_review_reply(db, _ours(db, account, deleted).id, "Mohon maaf, Kak.")
    practice_reviews.hide(market.state, platform, deleted)

    # answered in the seller centre after our pull: the platform's one reply settles ours, nothing lost or doubled
    review_service.queue_review_reply(db, _ours(db, account, elsewhere).id, "Maaf, Kak, kami bantu.")
    practice_reviews.reply(market.state, platform, elsewhere, "Dijawab dari Seller Centre.", rules.max_reply_length)

    wire = ReplyWire(platform)
    market.recorders.append(wire)
    sync.sync_once()
    sync.sync_once()
    assert on_platform(market, platform, twice)["reply"] == "Terima kasih, Kak."
    gone = _ours(db, account, deleted)
    assert gone.reply_state == "failed" and gone.reply_problem and not on_platform(market, platform, deleted)["reply"]
    assert on_platform(market, platform, elsewhere)["reply"] == "Dijawab dari Seller Centre."
    settled = _ours(db, account, elsewhere)
    assert settled.reply_state != "waiting" and settled.reply_text == "Dijawab dari Seller Centre."
    assert not [s for s, _ in _open_replies(db) if s in (outbox.WAITING, outbox.SENDING)]

    # the platform's limit is stricter than the app was told: refused in the platform's own words
    registry.register(replace(spec, reviews=replace(rules, max_reply_length=rules.max_reply_length * 4)))
    try:
        review_service.queue_review_reply(db, _ours(db, account, long_).id, "y" * (rules.max_reply_length + 1))
        sync.sync_once()
    finally:
        registry.register(spec)
    refused = _ours(db, account, long_)
    assert refused.reply_state == "failed" and refused.reply_problem
    ours = {review_service.GONE, review_service.TOO_LONG, review_service.ALREADY_ANSWERED}
    assert refused.reply_problem not in ours                       # the platform's words, not ours
    said = wire.answers() + _documented_words(platform)
    assert any(refused.reply_problem in answer or answer in refused.reply_problem for answer in said if answer), (
        refused.reply_problem, said)
    assert (outbox.FAILED, refused.reply_problem) in _open_replies(db)
    assert not on_platform(market, platform, long_)["reply"]


@pytest.mark.parametrize("platform", REVIEW_PLATFORMS)
def test_an_answer_from_the_seller_centre_leaves_the_tray(platform: str, data_dir: Path, db: Database,
                                                          market: PracticeMarketplace) -> None:
    """The platforms' lists do not bring later changes to an older review: the unanswered low ones are read back
    by id every half hour, so one answered in the seller centre stops counting."""
    refs = reviewed_shop(db, market, platform, 2)
    sync = engine(db_path(data_dir), market.base_urls["admin"])
    answered, waiting = (leave(market, platform, ref, 2, "Kurang rapi", minutes_ago=20) for ref in refs)
    assert sync.sync_once().ok
    assert review_store.unanswered_low_count(db) == 2
    rules = registry.get(platform).reviews
    assert rules is not None
    practice_reviews.reply(market.state, platform, answered, "Maaf Kak, sudah kami bantu lewat chat.",
                           rules.max_reply_length)
    account = account_ids(db)[platform]
    long_ago = {"at": stamp(now_utc() - RECHECK_EVERY - timedelta(minutes=1))}   # the last check was a while ago
    review_service.apply_reviews(db, account, [], cursor=(RECHECK, json.dumps(long_ago)))
    assert sync.sync_once().ok
    assert review_store.unanswered_low_count(db) == 1
    assert _ours(db, account, answered).reply_text == "Maaf Kak, sudah kami bantu lewat chat."
    assert _ours(db, account, waiting).unanswered


def test_tiktok_says_its_reviews_are_not_for_apps_and_gets_no_reviews_phase(data_dir: Path, db: Database,
                                                                           market: PracticeMarketplace) -> None:
    spec = registry.get("tiktok")
    assert spec.reviews is not None and not spec.reviews.available
    assert spec.reviews.note and spec.reviews.seller_centre_url.startswith("https://")
    assert Capability.REVIEWS not in spec.capabilities
    for platform in REVIEW_PLATFORMS:
        assert Capability.REVIEWS in registry.get(platform).capabilities
    reviewed_shop(db, market, "tiktok", 1)
    paths: list[str] = []
    market.recorders.append(lambda channel, request, reply: paths.append(request.path) if channel == "tiktok" else None)
    assert engine(db_path(data_dir), market.base_urls["admin"]).sync_once().ok
    tiktok = account_ids(db)["tiktok"]
    assert sync_state.cursor(db, tiktok, REVIEWS) is None
    assert paths and not [p for p in paths if "review" in p.lower()]
    assert all(sync_state.cursor(db, account_ids(db)[p], REVIEWS) for p in REVIEW_PLATFORMS)
