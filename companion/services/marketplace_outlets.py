"""Which outlets' stock the marketplaces are told ("Stok online diambil dari: semua outlet / outlet terpilih").

Stored in the shop setting `marketplace_outlets` (outlet ids, comma-separated; "" = every outlet, the total), which
the online-stock planning reads. Not one of the settings typed into a box (services/settings.EDITABLE): the ids are
checked against the outlets in use here.
"""

from __future__ import annotations

from collections.abc import Sequence

from companion.domain.errors import UserError
from companion.domain.ids import new_id
from companion.domain.settings_keys import MARKETPLACE_OUTLETS, outlet_ids
from companion.i18n import N_
from companion.services.change import Change
from companion.services.stock_push import queue_stock_push
from companion.store import outlets as outlet_store
from companion.store import settings as settings_store
from companion.store.database import Database
from companion.store.mapped_products import mapped_product_ids


def choose_marketplace_outlets(db: Database, chosen: Sequence[str]) -> Change:
    """The marketplaces are told the stock of `chosen` outlets together; an empty list means every outlet. Every
    mapped listing is told its new number at the next sync (nothing is queued when the choice did not change)."""
    ids = outlet_ids(",".join(chosen))
    with db.write():
        open_ids = {o.id for o in outlet_store.listed(db, include_archived=False)}
        if any(i not in open_ids for i in ids):
            raise UserError(N_("One of the chosen outlets is archived or gone: look at the list again and choose."))
        if set(ids) == open_ids:
            ids = []  # every outlet ticked: the total, also for outlets added later
        if outlet_ids(settings_store.get(db, MARKETPLACE_OUTLETS)) == ids:
            return Change()
        settings_store.put(db, MARKETPLACE_OUTLETS, ",".join(ids))
        queue_stock_push(db, mapped_product_ids(db), f"marketplace_outlets:{new_id()}")  # every listing told again
    return Change(settings=True, sync=True)
