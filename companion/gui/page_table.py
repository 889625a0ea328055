"""The main window's pages in menu order: (key, label msgid, module, class). Plain data in its own module, so a page
(or its guide) can ask which pages exist without importing the window that imports every page."""

from __future__ import annotations

from companion.i18n import N_

PAGES: list[tuple[str, str, str, str]] = [
    ("home", N_("Home"), "companion.gui.pages.home", "HomePage"),
    ("inbox", N_("Inbox"), "companion.gui.pages.inbox", "InboxPage"),
    ("counter", N_("Counter"), "companion.gui.pages.counter", "CounterPage"),
    ("customers", N_("Customers"), "companion.gui.pages.customers", "CustomersPage"),
    ("orders", N_("Online Orders"), "companion.gui.pages.online_orders", "OnlineOrdersPage"),
    ("products", N_("Products & Stock"), "companion.gui.pages.products", "ProductsPage"),
    ("plan", N_("Production plan"), "companion.gui.pages.plan", "PlanPage"),
    ("reports", N_("Reports"), "companion.gui.pages.reports", "ReportsPage"),
    ("settings", N_("Settings"), "companion.gui.pages.settings", "SettingsPage"),
]
