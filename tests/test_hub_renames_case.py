"""Receipt numbers are compared without letter case when two laptops picked one offline (store/hub_renames.py),
although their unique index keeps case: asked through that index by every spelling of the number's letters (not by
reading the whole sales table for every pulled sale), the answer must stay the case-blind one."""

from __future__ import annotations

from pathlib import Path

from companion.domain.product import ProductInput
from companion.domain.sale import LineInput
from companion.services.products import add_product
from companion.services.sales import record_sale
from companion.store.hub_renames import _spellings
from tests.hub_local_fleet import ChangeLog, Laptop, enrol, new_laptop, same_everywhere


def _sale_numbered(laptop: Laptop, sku: str, number: str) -> str:
    product_id, _ = add_product(laptop.db, ProductInput(sku, sku, 1_000), 5)
    sale_id = record_sale(laptop.db, [LineInput(product_id, 1, 1_000)], amount_paid=1_000).sale_id
    with laptop.db.write():  # before joining: nothing is journalled yet
        laptop.db.execute("UPDATE sales SET number = ? WHERE id = ?", (number, sale_id))
    return sale_id


def test_numbers_differing_only_in_letter_case_still_give_way_everywhere(tmp_path: Path) -> None:
    a, b = new_laptop(tmp_path, "a"), new_laptop(tmp_path, "b")
    sales = {_sale_numbered(a, "A-1", "ab-20261207-0001"), _sale_numbered(b, "B-1", "AB-20261207-0001")}
    enrol(a, "A")
    enrol(b, "B")
    ChangeLog().meet([a, b])
    for laptop in (a, b):
        rows = laptop.db.query("SELECT id, number FROM sales")
        assert {str(r[0]) for r in rows} == sales
        assert len({str(r[1]).lower() for r in rows}) == 2, [str(r[1]) for r in rows]
    same_everywhere([a, b])


def test_every_spelling_is_named_and_a_long_word_is_left_to_the_slow_question() -> None:
    assert sorted(_spellings("b-7") or []) == ["B-7", "b-7"]
    assert sorted(_spellings("Ab1") or []) == ["AB1", "Ab1", "aB1", "ab1"]
    assert _spellings("2026-0001") == ["2026-0001"]
    assert _spellings("é-1") == ["é-1"]  # NOCASE folds ASCII letters only
    assert _spellings("ABCDEFG") is None  # 128 spellings: asked with COLLATE NOCASE instead
