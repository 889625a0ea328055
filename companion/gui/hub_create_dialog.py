"""Making a new hub on a PostgreSQL server ("Buat hub baru"), for the owner or a technician.

The address is the server's admin URL (it never leaves this laptop's memory: the hub makes this laptop its own
login, kept in the keyring). Managed hosts have traps worth one line each: Supabase's free plan pauses after 7 idle
days and its direct address is IPv6-only (its IPv4 "session pooler" address works everywhere); Neon's free
compute sleeps after 5 idle minutes and wakes on the next connection. Sources: supabase.com/docs/guides/platform/
going-into-prod#availability (free projects pause after 7 days without database activity),
supabase.com/docs/guides/database/connecting-to-postgres (the table: on the free tier the direct connection is IPv6,
the shared pooler's session mode on port 5432 is IPv4; its user name is "postgres.<project ref>"),
neon.com/docs/introduction/scale-to-zero (idle after 5 minutes, fixed on the free plan; wakes in a few hundred ms).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from companion.domain.errors import UserError
from companion.domain.field_problems import FieldProblem
from companion.domain.settings_keys import SHOP_NAME
from companion.gui.context import AppContext
from companion.gui.hub_join_dialog import HubFormDialog, default_laptop_name, name_problems, outlet_combo
from companion.i18n import N_, tr
from companion.services.change import Change
from companion.store.database import Database
from companion.sync import hub_actions

URL_KINDS = ("unreachable", "login", "certificate", "not_hub", "other_shop")  # refusals about the address box
EMPTY_URL = N_("Paste the server's address; it starts with postgresql://")
NOT_URL = N_("This is not a PostgreSQL address: it starts with postgresql:// and names the server.")
EMPTY_SHOP = N_("Type the shop's name.")
HOSTS_HINT = N_("Supabase's free plan pauses after 7 days without use: use its IPv4 \"session pooler\" address. "
                "Neon sleeps after 5 minutes without use and wakes on the next sync.")


class CreateHubDialog(HubFormDialog):
    """The admin address, the shop's name, this laptop's name and outlet; "Buat hub" makes it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("Create a new hub"), tr("Create hub"), parent)
        intro = QLabel(tr("The hub is a PostgreSQL database the shop rents or owns. This laptop becomes its first "
                          "laptop and uploads the shop's record."))
        intro.setWordWrap(True)
        self.box.addWidget(intro)
        self.url = QLineEdit()
        self.url.setMinimumHeight(38)
        self.url.setPlaceholderText("postgresql://postgres:…@host:5432/postgres")
        self.url.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)  # it holds the admin password
        self.shop = QLineEdit(ctx.setting(SHOP_NAME))
        self.name = QLineEdit(default_laptop_name())
        self.outlet = outlet_combo(ctx.db)
        self.form.addRow(tr("Server address (URL)"), self.url)
        hosts = QLabel(tr(HOSTS_HINT))
        hosts.setWordWrap(True)
        hosts.setProperty("role", "hint")
        self.form.addRow("", hosts)
        self.form.addRow(tr("Shop name"), self.shop)
        self.form.addRow(tr("This laptop's name"), self.name)
        self.form.addRow(tr("This laptop is in"), self.outlet)
        self.finish_layout([("url", self.url), ("shop", self.shop), ("name", self.name)])

    def problems(self) -> list[FieldProblem]:
        found: list[FieldProblem] = []
        url = self.url.text().strip()
        if not url:
            found.append(FieldProblem("url", UserError(EMPTY_URL)))
        elif not url.lower().startswith(("postgresql://", "postgres://")) or "@" not in url:
            found.append(FieldProblem("url", UserError(NOT_URL)))
        if not self.shop.text().strip():
            found.append(FieldProblem("shop", UserError(EMPTY_SHOP)))
        return found + name_problems(self.name.text())

    def work(self) -> Callable[[Database, Any], Change]:
        url, shop = self.url.text().strip(), self.shop.text().strip()
        name, outlet = self.name.text().strip(), str(self.outlet.currentData())
        return lambda db, _progress: hub_actions.create_hub(db, url, shop, name, outlet)

    def field_of(self, exc: BaseException) -> str:
        return "url" if getattr(exc, "kind", "") in URL_KINDS else ""
