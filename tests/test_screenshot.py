"""`companion screenshot` renders every page on the sample shop; the sample shop only fills an empty shop."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from companion.domain import settings_keys
from companion.domain.clock import day_range, local_day, now_utc
from companion.domain.errors import UserError
from companion.gui.main_window import PAGES
from companion.gui.screenshot import take_screenshots
from companion.services.sample_shop import SHOP_NAME, fill_sample_shop
from companion.store import products as product_store
from companion.store import sales as sale_store
from companion.store import settings as settings_store
from companion.store import stock as stock_store
from companion.store.database import Database


def test_one_png_per_page(tmp_path: Path, data_dir: Path) -> None:
    files = take_screenshots(data_dir, tmp_path / "shots", "id")
    assert [f.name for f in files] == [f"{n:02d}-{key}-id.png" for n, (key, *_r) in enumerate(PAGES, start=1)]
    for file in files:
        image = QImage(str(file))
        assert file.stat().st_size > 1000
        assert (image.width(), image.height()) == (1200, 760)


def test_sample_shop_is_a_consistent_small_shop(db: Database) -> None:
    fill_sample_shop(db)
    assert settings_store.get(db, settings_keys.SHOP_NAME) == SHOP_NAME
    assert 20 <= product_store.count(db) <= 30
    assert any(p.variant_name == "M" for p in product_store.all_products(db))
    assert stock_store.verify_levels(db) == []
    assert all(p.on_hand >= 0 for p in product_store.all_products(db))
    zone = settings_store.get(db, settings_keys.TIME_ZONE)
    start, end = day_range(local_day(now_utc(), zone), zone)
    today = sale_store.summary(db, start, end)
    assert today.count >= 3 and today.total > 0 and today.refunds > 0
    assert db.scalar("SELECT COUNT(*) FROM sale_voids") == 1
    assert db.scalar("SELECT COUNT(*) FROM stock_movements WHERE kind = 'stocktake'") >= 1
    assert product_store.low_stock(db, 5)


def test_sample_shop_refuses_a_shop_with_data(db: Database) -> None:
    fill_sample_shop(db)
    before = db.scalar("SELECT COUNT(*) FROM stock_movements")
    with pytest.raises(UserError, match="kosong"):
        fill_sample_shop(db)
    assert db.scalar("SELECT COUNT(*) FROM stock_movements") == before
