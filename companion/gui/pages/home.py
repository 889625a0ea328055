"""Beranda: how today is going at a glance — what to do before opening, takings, the shop against each online
shop today and this week (drawn with gui/charts.py), best sellers, what runs out."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_date
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.domain.clock import day_range, now_utc, shop_zone
from companion.domain.demand import SEASON_MESSAGES
from companion.domain.money import format_quantity, format_rupiah
from companion.domain.settings_keys import LAST_ORDER_FILE, LOW_STOCK_THRESHOLD, SHOP_NAME, TIME_ZONE, WELCOME_START
from companion.gui.channel_names import channel_color
from companion.gui.charts import Bar, BarChart, ColumnChart, Series
from companion.gui.context import AppContext
from companion.gui.labels import text_label
from companion.gui.pages.base import Page
from companion.i18n import N_, babel_locale, tr
from companion.services import reports as report_service
from companion.store import accounts as account_store
from companion.store import online_orders as order_store
from companion.store import outbox as outbox_store
from companion.store import products as product_store
from companion.store import sales as sale_store
from companion.store.accounts import FILE_SHOP_REF
from companion.store.products import ProductRow
from companion.store.reviews import unanswered_low_count

BEST_SELLERS_SHOWN = 5
LOW_STOCK_SHOWN = 8
DAY_CHECK_MS = 60_000  # look every minute whether the shop day has turned

PAGE_STYLE = """
QLabel#cardTitle { font-size: 14pt; font-weight: bold; color: #333; }
QLabel#greeting { font-size: 20pt; font-weight: bold; }
QLabel#today { font-size: 13pt; color: #555; }
QLabel#refundAmount { font-size: 20pt; font-weight: bold; color: #b45309; }
QLabel#rowName, QLabel#rowValue { font-size: 12pt; }
QLabel#rowValue { font-weight: bold; }
QLabel#figure { font-size: 18pt; font-weight: bold; color: #1b7a43; }
QLabel#figure[todo="true"] { color: #8a4b00; }
QLabel#chartTitle { font-size: 12pt; font-weight: bold; color: #444; }
QLabel#soldOut { font-size: 12pt; font-weight: bold; color: #b00020; }
QPushButton[role="check"] { text-align: left; font-size: 12pt; min-height: 30px; padding: 2px 10px; border: none;
    border-radius: 4px; background: transparent; }
QPushButton[role="check"]:hover, QPushButton[role="check"]:focus { background: #eef5f0; }
QPushButton[role="check"][todo="true"] { font-weight: bold; color: #8a4b00; }
QPushButton[role="check"][todo="false"] { color: #1b7a43; }
"""
SHIP_STATUSES = ("paid", "ready_to_ship")  # paid and not yet handed to the courier
LOW_STOCK_COUNTED = 10_000

_GREETINGS = (  # (hour the greeting starts, with shop name, without)
    (0, N_("Good evening, {shop}"), N_("Good evening")),
    (4, N_("Good morning, {shop}"), N_("Good morning")),
    (11, N_("Good afternoon, {shop}"), N_("Good afternoon")),
    (15, N_("Good late afternoon, {shop}"), N_("Good late afternoon")),
    (18, N_("Good evening, {shop}"), N_("Good evening")),
)


def greeting(hour: int, shop: str) -> str:
    """Selamat pagi/siang/sore/malam, with the shop's name when it has one."""
    _start, with_name, bare = next(g for g in reversed(_GREETINGS) if hour >= g[0])
    return tr(with_name, shop=shop) if shop else tr(bare)


class _TallContent(QWidget):
    """The page's content never gets less height than its rows ask for: on a short screen it scrolls instead
    (with word-wrapped labels the scroll area sizes by height-for-width, which squeezed the card rows)."""

    def heightForWidth(self, width: int) -> int:
        return max(super().heightForWidth(width), self.sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()




class _Card(QFrame):
    """A white box with a heading; its body is thrown away and built again on every reload."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.setProperty("role", "card")
        self._outer = QVBoxLayout(self)
        self._outer.setContentsMargins(18, 14, 18, 16)
        self._outer.setSpacing(8)
        self.title = text_label(title, "cardTitle")
        self._outer.addWidget(self.title)
        self._holder = QWidget()
        self._outer.addWidget(self._holder)
        self._outer.addStretch(1)
        self.body = QVBoxLayout(self._holder)

    def clear(self) -> None:
        fresh = QWidget()
        self._outer.replaceWidget(self._holder, fresh)
        self._holder.hide()  # deleteLater waits for the event loop; hidden, it never shows twice
        self._holder.deleteLater()
        self._holder = fresh
        self.body = QVBoxLayout(fresh)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(6)

    def add(self, widget: QWidget) -> None:
        self.body.addWidget(widget)

    def add_rows(self, rows: list[tuple[QLabel, ...]]) -> None:
        """A table without lines: a name that may wrap, then right-aligned numbers that never do."""
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(0, 1)
        for n, (name, *numbers) in enumerate(rows):
            name.setWordWrap(False)  # a product name reads best on one line; the card widens instead
            grid.addWidget(name, n, 0)
            for col, number in enumerate(numbers, start=1):
                number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                number.setWordWrap(False)
                grid.addWidget(number, n, col)
        self.body.addLayout(grid)


class HomePage(Page):
    """Today's numbers in big type, in plain words, refreshed after every change."""

    title_msgid = N_("Home")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.setStyleSheet(PAGE_STYLE)
        self._day: date | None = None
        self.greeting = text_label(name="greeting")
        self.date_label = text_label(name="today")
        self.sales_card = _Card(tr("Counter sales today"))
        self.refund_card = _Card(tr("Money returned today"))
        self.best_card = _Card(tr("Best sellers today"))
        self.low_card = _Card("")
        self.check_card = _Card(tr("Before opening the shop"))
        self.dash_card = _Card(tr("The shop and the online shops"))
        self.checks: dict[str, QPushButton] = {}
        self._build()
        self._timer = self.ctx.every(self, DAY_CHECK_MS, self._check_day)
        self.reload()

    def _build(self) -> None:
        content = _TallContent()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(28, 22, 28, 22)
        layout.setSpacing(16)
        layout.addWidget(self.greeting)
        layout.addWidget(self.date_label)
        layout.addWidget(self.check_card)
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(self.sales_card, 3)
        top.addWidget(self.refund_card, 2)
        layout.addLayout(top)
        layout.addWidget(self.dash_card)
        bottom = QHBoxLayout()
        bottom.setSpacing(16)
        bottom.addWidget(self.best_card, 1)
        bottom.addWidget(self.low_card, 1)
        layout.addLayout(bottom)
        layout.addStretch(1)
        self.set_scrolling_content(content)

    def today(self) -> tuple[datetime, str]:
        """The shop's local time now and its zone code (WIB, WITA or WIT)."""
        zone = self.ctx.setting(TIME_ZONE)
        return now_utc().astimezone(shop_zone(zone)), zone

    def reload(self) -> None:
        local, zone = self.today()
        self._day = local.date()
        start, end = day_range(local.date(), zone)
        self.greeting.setText(greeting(local.hour, self.ctx.setting(SHOP_NAME).strip()))
        self.date_label.setText(format_date(local.date(), format="full", locale=babel_locale()))
        summary = sale_store.summary(self.ctx.db, start, end)
        self._fill_sales(summary)
        self._fill_dashboard(local.date(), zone)
        self._fill_best(sale_store.best_sellers(self.ctx.db, start, end, BEST_SELLERS_SHOWN))
        self._fill_low()
        self._fill_checklist(end)

    def _check_day(self) -> None:
        if self.today()[0].date() != self._day:
            self.reload()

    def _fill_sales(self, summary: sale_store.DaySummary) -> None:
        card = self.sales_card
        card.clear()
        self.total_label = text_label(format_rupiah(summary.total), role="big")
        card.add(self.total_label)
        if summary.count == 0:
            self.count_label = text_label(tr("No sales yet today"), name="rowName")
        elif summary.count == 1:
            self.count_label = text_label(tr("From 1 sale"), name="rowName")
        else:
            count = format_quantity(summary.count)
            self.count_label = text_label(tr("From {count} sales", count=count), name="rowName")
        card.add(self.count_label)
        self.refund_card.setVisible(summary.refunds > 0)
        self.refund_card.clear()
        if summary.refunds:
            self.refund_card.add(text_label(format_rupiah(summary.refunds), name="refundAmount"))
            self.refund_card.add(text_label(tr("Paid back to buyers for returned items."), role="hint"))

    def _fill_dashboard(self, today: date, zone: str) -> None:
        """Counter against each channel today and this week (Monday to Sunday), the week day by day, and the
        four numbers that say what waits: orders to ship, buyers waiting, products running low, unsent changes."""
        card = self.dash_card
        card.clear()
        monday = today - timedelta(days=today.weekday())
        week = report_service.sales_by_period(self.ctx.db, monday, monday + timedelta(days=6), "day", zone)
        now_row = next(p for p in week if p.start == today)
        channels = report_service.report_channels()
        self.today_chart = BarChart()
        self.today_chart.set_bars([Bar(report_service.channel_name(ch), now_row.takings(ch), channel_color(ch))
                                   for ch in channels])
        self.week_chart = BarChart()
        self.week_chart.set_bars([Bar(report_service.channel_name(ch), sum(p.takings(ch) for p in week),
                                      channel_color(ch)) for ch in channels])
        self.days_chart = ColumnChart(height=170)
        self.days_chart.set_data(
            [format_date(p.start, "EEE d", locale=babel_locale()) for p in week],
            [Series(report_service.channel_name(ch), channel_color(ch), [p.takings(ch) for p in week])
             for ch in channels])
        span = (f"{format_date(monday, 'd MMM', locale=babel_locale())} – "
                f"{format_date(monday + timedelta(days=6), 'd MMM', locale=babel_locale())}")
        grid = QGridLayout()
        grid.setHorizontalSpacing(28)
        grid.addWidget(text_label(tr("Today"), "chartTitle"), 0, 0)
        grid.addWidget(text_label(tr("This week ({span})", span=span), "chartTitle"), 0, 1)
        grid.addWidget(self.today_chart, 1, 0)
        grid.addWidget(self.week_chart, 1, 1)
        card.body.addLayout(grid)
        card.add(self.days_chart)
        card.body.addLayout(self._figures())

    def _figures(self) -> QGridLayout:
        from companion.gui.alerts import chat_counts

        db = self.ctx.db
        ship = len(order_store.listing(db, SHIP_STATUSES, limit=LOW_STOCK_COUNTED))
        waiting = chat_counts(db, now_utc()).waiting  # counted in the inbox indexes, no chat read
        low = len(product_store.low_stock(db, self._threshold(), LOW_STOCK_COUNTED))
        unsent = outbox_store.pending_count(db) if account_store.active(db) else 0
        self.figures: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        for col, (key, count, words) in enumerate((
                ("ship", ship, tr("online orders to ship")), ("waiting", waiting, tr("buyers waiting for an answer")),
                ("low", low, tr("products running low")), ("unsent", unsent, tr("changes not yet sent")))):
            number = text_label(format_quantity(count), "figure")
            number.setProperty("todo", "true" if count else "false")
            self.figures[key] = number
            grid.addWidget(number, 0, col)
            grid.addWidget(text_label(words, role="hint"), 1, col)
            grid.setColumnStretch(col, 1)
        return grid

    def _fill_best(self, best: list[tuple[str, str, int, int]]) -> None:
        card = self.best_card
        card.clear()
        if not best:
            card.add(text_label(tr("No sales yet today"), role="hint"))
            return
        rows: list[tuple[QLabel, ...]] = []
        for n, (_sku, name, qty, takings) in enumerate(best, start=1):
            sold = tr("{quantity} sold", quantity=format_quantity(qty))
            rows.append((text_label(f"{n}. {name}", "rowName"), text_label(sold, "rowValue"),
                         text_label(format_rupiah(takings), "rowValue")))
        card.add_rows(rows)

    def _fill_low(self) -> None:
        threshold = self._threshold()
        card = self.low_card
        card.title.setText(tr("Running low ({threshold} or fewer left)", threshold=format_quantity(threshold)))
        card.clear()
        low = product_store.low_stock(self.ctx.db, threshold, LOW_STOCK_SHOWN + 1)
        if not low:
            card.add(text_label(tr("Every product has enough stock."), role="hint"))
            return
        card.add_rows([(text_label(p.display_name, "rowName"), _stock_label(p)) for p in low[:LOW_STOCK_SHOWN]])
        if len(low) > LOW_STOCK_SHOWN:
            card.add(text_label(tr("More in Products & Stock."), role="hint"))

    def _fill_checklist(self, end_of_today: str) -> None:
        """Four lines, each what needs doing (bold) or "beres" (green), each opening the page it is about."""
        card = self.check_card
        card.clear()
        self.checks = {}
        lines = QVBoxLayout()  # one under the other, tight, so the day's numbers stay in view below
        lines.setSpacing(0)
        for key, page, todo, text in checklist(self.ctx, end_of_today, self._threshold()):
            button = QPushButton(("•  " if todo else "✓  ") + text + ("   ›" if self._can_open(page) else ""))
            button.setProperty("role", "check")
            button.setProperty("todo", "true" if todo else "false")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _checked=False, p=page, k=key: self._open(p, k))
            self.checks[key] = button
            lines.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        card.body.addLayout(lines)

    def _can_open(self, page: str) -> bool:
        """Lines open their page when this Home sits in the main window and that page exists there."""
        if not hasattr(self.window(), "open_page"):
            return False
        from companion.gui.main_window import PAGES

        return any(key == page for key, *_rest in PAGES)

    def _open(self, page: str, line: str = "") -> None:
        if self._can_open(page):
            opened = self.window().open_page(page)  # type: ignore[attr-defined]
            if line == "reviews" and hasattr(opened, "open_reviews"):
                opened.open_reviews()
            if line == "order_file" and hasattr(opened, "open_order_import"):
                opened.open_order_import()

    def _threshold(self) -> int:
        try:
            return self.ctx.setting(LOW_STOCK_THRESHOLD)
        except ValueError:
            return 5


def _stock_label(product: ProductRow) -> QLabel:
    if product.on_hand <= 0:
        return text_label(tr("Sold out"), "soldOut")
    return text_label(tr("{quantity} {unit} left", quantity=format_quantity(product.on_hand), unit=product.unit),
                  "rowValue")


def checklist(ctx: AppContext, end_of_today: str, threshold: int,
              now: datetime | None = None) -> list[tuple[str, str, bool, str]]:
    """(line key, page key, needs doing, words) for the opening checklist, read through the store."""
    from companion.gui.alerts import chat_counts

    now = now or now_utc()
    chats = chat_counts(ctx.db, now)
    ship = sum(1 for o in order_store.listing(ctx.db, SHIP_STATUSES, limit=LOW_STOCK_COUNTED)
               if o.ship_by is not None and o.ship_by < end_of_today)
    low = len(product_store.low_stock(ctx.db, threshold, LOW_STOCK_COUNTED))
    unsent = outbox_store.pending_count(ctx.db) if account_store.active(ctx.db) else -1
    return [
        ("chats", "inbox", chats.waiting > 0, _chat_words(chats.waiting, chats.overdue)),
        ("ship", "orders", ship > 0, _counted(ship, N_("Online orders to ship today: beres"),
                                               N_("1 online order to ship today"),
                                               N_("{count} online orders to ship today"))),
        ("low", "products", low > 0, _counted(low, N_("Stock: beres, every product has enough"),
                                              N_("1 product is running low"),
                                              N_("{count} products are running low"))),
        ("sync", "settings", unsent > 0, _sync_words(unsent)),
        *order_file_lines(ctx, now),
        *review_lines(ctx),
        *stock_alert_lines(ctx, now),
    ]


def order_file_lines(ctx: AppContext, now: datetime) -> list[tuple[str, str, bool, str]]:
    """A shop that takes its online orders from seller-centre files (no linked shop): today's file, opening the
    order-file import; shown once the owner chose that start or imported a file before."""
    if account_store.has_real_accounts(ctx.db):
        return []
    uses_files = ctx.setting(WELCOME_START) == "export" or any(
        account.shop_ref == FILE_SHOP_REF for account in account_store.all_accounts(ctx.db))
    if not uses_files:
        return []
    zone = ctx.setting(TIME_ZONE)
    start_of_today, _end = day_range(now.astimezone(shop_zone(zone)).date(), zone)
    done = ctx.setting(LAST_ORDER_FILE) >= start_of_today
    return [("order_file", "orders", not done,
             tr("Online orders: beres, today's order file is in") if done
             else tr("Import today's order file from the seller centres"))]


def review_lines(ctx: AppContext) -> list[tuple[str, str, bool, str]]:
    """A line only when 1–3 star reviews wait for an answer: it opens the inbox's reviews."""
    low = unanswered_low_count(ctx.db)
    if not low:
        return []
    return [("reviews", "inbox", True, _counted(low, "", N_("1 low rating (1–3 stars) not answered yet"),
                                                 N_("{count} low ratings (1–3 stars) not answered yet")))]


# A season warning is long; the checklist names the season and its day, the plan page has the figures.
SEASON_SHORT = {
    SEASON_MESSAGES["ramadan"]: N_("Ramadan begins on {day}: last year sold far more"),
    SEASON_MESSAGES["lebaran"]: N_("Lebaran is on {day}: last year sold far more"),
    SEASON_MESSAGES["11.11"]: N_("The 11.11 sale is on {day}: last year sold far more"),
    SEASON_MESSAGES["12.12"]: N_("Harbolnas 12.12 is on {day}: last year sold far more"),
}


def stock_alert_lines(ctx: AppContext, now: datetime) -> list[tuple[str, str, bool, str]]:
    """Lines only when there is something to say: products that cannot be fulfilled in time, a coming season."""
    from companion.gui.pages.plan import say
    from companion.services.planning import stock_alerts

    today = now.astimezone(shop_zone(ctx.setting(TIME_ZONE))).date()
    alerts = stock_alerts(ctx.db, today)
    lines: list[tuple[str, str, bool, str]] = []
    cannot = {a.product_id for a in alerts if a.kind == "cannot_fulfil"}
    if cannot:
        lines.append(("cannot", "plan", True, _counted(len(cannot), "", N_("1 product cannot be fulfilled in time"),
                                                       N_("{count} products cannot be fulfilled in time"))))
    seasons = [a for a in alerts if a.kind == "season"]
    if seasons:
        first = seasons[0]
        lines.append(("season", "plan", True, say(SEASON_SHORT.get(first.msgid, first.msgid), dict(first.params),
                                                  str(first.params.get("unit", "pcs")))))
    return lines


def _counted(count: int, zero: str, one: str, many: str) -> str:
    if count == 0:
        return tr(zero)
    return tr(one) if count == 1 else tr(many, count=format_quantity(count))


def _sync_words(unsent: int) -> str:
    """-1: no online shop linked, so nothing can be waiting to go."""
    if unsent < 0:
        return tr("Online shops: not linked yet")
    return _counted(unsent, N_("Online shops: beres, every change is sent"),
                    N_("1 change not yet sent to the online shops"),
                    N_("{count} changes not yet sent to the online shops"))


def _chat_words(waiting: int, overdue: int) -> str:
    if not overdue:
        return _counted(waiting, N_("Buyer chats: beres, nobody is waiting"), N_("1 buyer is waiting for an answer"),
                        N_("{count} buyers are waiting for an answer"))
    if waiting == 1:
        return tr("1 buyer is waiting for an answer, past the deadline")
    return tr("{count} buyers are waiting for an answer, {overdue} past the deadline",
              count=format_quantity(waiting), overdue=format_quantity(overdue))
