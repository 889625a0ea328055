"""Shipping labels: after a shop's commands, the label of each arranged order that has none yet is fetched from the
platform and kept with the order (`services.shipping_labels.save_label`: a PDF file in the data folder), so labels
print later without the internet.

Platforms make labels asynchronously: the first ask usually answers `NotReady` — nothing is wrong, the order is
simply asked for again next round. At most `MAX_PER_ROUND` orders are asked for per shop per round, so a big batch
does not hold up the round (the rest follow in the next ones). A label the platform refuses is logged and asked for
again next round (the order stays in the list of orders needing a label); an error that ends the shop's round
(offline, throttled, login refused) is raised to the engine.
"""

from __future__ import annotations

import logging
from functools import partial

from companion.connectors.errors import ConnectorError, NotReady, Permanent
from companion.domain.errors import UserError
from companion.services import shipping as shipping_service
from companion.services import shipping_labels
from companion.services.change import Change
from companion.store.database import Database
from companion.sync.problems import problem_for
from companion.sync.rounds import STOPPING, AccountRun

log = logging.getLogger(__name__)

MAX_PER_ROUND = 100


def fetch_labels(db: Database, run: AccountRun, limit: int = MAX_PER_ROUND) -> Change:
    """Labels of this shop's arranged orders that have none, up to `limit`."""
    change = Change()
    for order in shipping_service.orders_needing_labels(db, run.row.id)[:limit]:
        platform_id, package_id = order.platform_order_id, order.package_id
        try:
            document = run.call(partial(run.link.shipping_document, platform_id, package_id))
        except NotReady:
            continue
        except Permanent as exc:   # NotPermitted included: logged, asked again next round
            log.info("label of order %s refused: %s", order.order_id, exc.platform_code)
            continue
        except ConnectorError as exc:
            problem = problem_for(exc, run.secrets, run.row.channel)
            if problem.kind in STOPPING:
                raise
            run.note(problem)
            continue
        try:
            change |= shipping_labels.save_label(db, order.order_id, document)
        except UserError:   # not a PDF, or the order went meanwhile: asked for again next round
            log.info("label of order %s not kept", order.order_id)
    return change
