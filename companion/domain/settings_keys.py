"""Every shop setting the app keeps, declared once: its key, type, default and the check a value must pass.

The settings table holds text; store/settings.py reads and writes only what is declared here, as the declared type
(a value that is missing, unreadable or fails its check reads as the default), and services/settings.py refuses what
a person typed with the setting's own sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from companion.domain.clock import SHOP_ZONES
from companion.domain.qris import is_static
from companion.i18n import LANGUAGES, N_

T = TypeVar("T", str, int, bool)
MAX_SHOP_NAME = 80
MAX_THRESHOLD = 100_000


def _any(_value: object) -> bool:
    return True


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting: `kind` is str, int or bool (stored as text, bool as "1"/"0")."""

    key: str
    kind: type[T]
    default: T
    check: Callable[[T], bool] = field(default=_any, compare=False)
    problem: str = ""  # msgid a person reads when what they typed fails the check
    required: str = ""  # msgid for a blank value when one is required (blank then fails the check too)

    def parse(self, text: str | None) -> T:
        """The stored text as the declared type; the default when missing, unreadable or failing the check."""
        if text is None:
            return self.default
        try:
            return self.read(text)
        except ValueError:
            return self.default

    def read(self, text: str) -> T:
        """`text` as the declared type; ValueError when it is not one or fails the check."""
        value: Any = text  # Any: one body serves the three kinds
        if self.kind is bool:
            if text.strip() not in ("0", "1"):
                raise ValueError(f"{self.key} is 0 or 1, not {text!r}")
            value = text.strip() == "1"
        elif self.kind is int:
            value = int(text.strip())
        if self.required and not text.strip():
            raise ValueError(f"{self.key} is required")
        if not self.check(value):
            raise ValueError(f"{self.key} cannot be {text!r}")
        return value

    def text(self, value: T) -> str:
        """What the settings table stores for `value`."""
        if self.kind is bool:
            return "1" if value else "0"
        return str(value)

    def accepts(self, value: object) -> bool:
        """`value` has the declared type (a bool is not an int here) and passes the check."""
        typed: Any = value
        if self.required and not str(value).strip():
            return False
        return type(value) is self.kind and self.check(typed)

    def problem_with(self, text: str) -> str:
        """The msgid of what is wrong with typed `text` ("" when it reads and passes): blank, or the check."""
        if self.required and not text.strip():
            return self.required
        try:
            self.read(text)
        except ValueError:
            return self.problem
        return ""


@dataclass(frozen=True)
class SettingFamily(Generic[T]):
    """Settings that share a prefix and a type, one per page or channel (e.g. guide_done_home)."""

    prefix: str
    kind: type[T]
    default: T

    def of(self, name: str) -> Setting[T]:
        return Setting(self.prefix + name, self.kind, self.default)


SHOP_NAME = Setting("shop_name", str, "", check=lambda v: len(v) <= MAX_SHOP_NAME,
                    problem=N_("The shop name is too long: use at most 80 characters."),
                    required=N_("Type the shop's name first: it shows at the top of the app and on the daily recap."))
LANGUAGE = Setting("language", str, "id", check=lambda v: v in LANGUAGES,
                   problem=N_("Choose the language Indonesian or English."))
TIME_ZONE = Setting("time_zone", str, "WIB", check=lambda v: v in SHOP_ZONES,
                    problem=N_("Choose the shop's time zone: WIB, WITA or WIT."))
LOW_STOCK_THRESHOLD = Setting("low_stock_threshold", int, 5, check=lambda v: 0 <= v <= MAX_THRESHOLD,
                              problem=N_("The low-stock limit must be a whole number from 0 to 100.000."))
LAST_AUTO_BACKUP = Setting("last_auto_backup", str, "")  # ISO time of the last automatic backup
LAST_ORDER_FILE = Setting("last_order_file", str, "")  # UTC stamp of the last seller-centre order file imported
PRACTICE_DECLINED = Setting("practice_declined", bool, False)  # the owner chose not to start in practice mode
WELCOME_DONE = Setting("welcome_done", bool, False)
WELCOME_START = Setting("welcome_start", str, "", check=lambda v: v in ("", "practice", "export", "import", "link"))
ALERT_SOUND = Setting("alert_sound", bool, False)  # the tray alert also plays a sound
CHAT_SHIPPING_ESTIMATE = Setting("chat_shipping_estimate", str, "")  # fills {estimasi_kirim} in quick replies
MAX_OWNER_DISCOUNT_LIMIT = 100
# a discount above this percent of the sale asks for the owner's PIN (0: every discount asks)
OWNER_DISCOUNT_LIMIT = Setting("owner_discount_limit", int, 10, check=lambda v: 0 <= v <= MAX_OWNER_DISCOUNT_LIMIT,
                               problem=N_("The discount limit must be a whole percent from 0 to 100."))
# the shop's static QRIS payload ("" = none set); services/qris.py checks it with domain/qris.py before storing
QRIS_STATIC = Setting("qris_static", str, "", check=lambda v: v == "" or is_static(v),
                      problem=N_("This is not the shop's static QRIS code: paste the text read from the QRIS sticker."))
# per cashier id: wrong PIN tries and the wait they started (domain.pins.PinWait text), kept across restarts
PIN_WAIT = SettingFamily("pin_wait_", str, "")
# the shift close asks for counted QRIS and transfer too, not only the cash (the owner's choice)
SHIFT_COUNT_NON_CASH = Setting("shift_count_non_cash", bool, False)
# the outlets whose stock the marketplaces are told, as comma-separated outlet ids ("" = every outlet: the total)
MARKETPLACE_OUTLETS = Setting("marketplace_outlets", str, "", check=lambda v: len(v) <= 2000)
GUIDE_DONE = SettingFamily("guide_done_", bool, False)  # per page key: its guide was dismissed
CHAT_HOLIDAY = SettingFamily("chat_holiday_", bool, False)  # per channel: chats arrive in holiday mode
# per shop (account id): its usual ShipChoice as JSON text (domain.fulfilment.ShipChoice.to_json), "" = none yet
USUAL_SHIP_CHOICE = SettingFamily("usual_ship_choice_", str, "")

DECLARED: dict[str, Setting[Any]] = {s.key: s for s in (
    SHOP_NAME, LANGUAGE, TIME_ZONE, LOW_STOCK_THRESHOLD, LAST_AUTO_BACKUP, PRACTICE_DECLINED, WELCOME_DONE,
    WELCOME_START, ALERT_SOUND, CHAT_SHIPPING_ESTIMATE, LAST_ORDER_FILE, OWNER_DISCOUNT_LIMIT, QRIS_STATIC,
    SHIFT_COUNT_NON_CASH, MARKETPLACE_OUTLETS)}
FAMILIES: tuple[SettingFamily[Any], ...] = (GUIDE_DONE, CHAT_HOLIDAY, USUAL_SHIP_CHOICE, PIN_WAIT)


# The counter's thermal printer (services/printer_setup.py turns these into a printing.PrinterConfig; "" kind = none:
# receipts go through the system print dialog) and what every receipt shows besides the shop's name.
PRINTER_KINDS = ("", "serial", "network", "usb", "installed", "file")
PRINTER_KIND = Setting("printer_kind", str, "", check=lambda v: v in PRINTER_KINDS,
                       problem=N_("Choose how the printer is connected."))
PRINTER_TARGET = Setting("printer_target", str, "", check=lambda v: len(v) <= 200,
                         problem=N_("The printer's port or address is too long: use at most 200 characters."))
PRINTER_PAPER_MM = Setting("printer_paper_mm", int, 58, check=lambda v: v in (58, 80),
                           problem=N_("Choose the paper width: 58 mm or 80 mm."))
PRINTER_BAUD = Setting("printer_baud", int, 9600, check=lambda v: v in (9600, 19200, 38400, 57600, 115200),
                       problem=N_("Choose the port speed the printer uses (usually 9600)."))
PRINTER_CUT = Setting("printer_cut", bool, True)  # cut the paper after each receipt
PRINTER_DRAWER = Setting("printer_drawer", bool, False)  # a cash drawer on the printer opens for cash sales
MAX_RECEIPT_LINE = 120
RECEIPT_ADDRESS = Setting("receipt_address", str, "", check=lambda v: len(v) <= MAX_RECEIPT_LINE,
                          problem=N_("The address is too long for a receipt: use at most 120 characters."))
RECEIPT_PHONE = Setting("receipt_phone", str, "", check=lambda v: len(v) <= 40,
                        problem=N_("The phone number is too long: use at most 40 characters."))
RECEIPT_FOOTER = Setting("receipt_footer", str, "", check=lambda v: len(v) <= 2 * MAX_RECEIPT_LINE,
                         problem=N_("The footer is too long for a receipt: use at most 240 characters."))
RECEIPT_LOGO = Setting("receipt_logo", str, "")  # file name of the logo copied into the data folder ("" = none)
PRINTER_SETTINGS: tuple[Setting[Any], ...] = (
    PRINTER_KIND, PRINTER_TARGET, PRINTER_PAPER_MM, PRINTER_BAUD, PRINTER_CUT, PRINTER_DRAWER, RECEIPT_ADDRESS,
    RECEIPT_PHONE, RECEIPT_FOOTER, RECEIPT_LOGO)
DECLARED.update({s.key: s for s in PRINTER_SETTINGS})


def declared(setting: Setting[Any]) -> bool:
    """Whether `setting` is one listed here (or a member of a family), with the same type and default."""
    if DECLARED.get(setting.key) == setting:
        return True
    return any(setting.key.startswith(f.prefix) and f.of(setting.key.removeprefix(f.prefix)) == setting
               for f in FAMILIES)


def find(key: str) -> Setting[Any]:
    """The declared setting stored under `key`; KeyError for a key nobody declared."""
    if key in DECLARED:
        return DECLARED[key]
    family = next((f for f in FAMILIES if key.startswith(f.prefix) and len(key) > len(f.prefix)), None)
    if family is None:
        raise KeyError(f"not a declared setting: {key!r}")
    return family.of(key.removeprefix(family.prefix))


def outlet_ids(text: str) -> list[str]:
    """The outlet ids of a MARKETPLACE_OUTLETS value, in order, blanks and repeats left out ([] = every outlet)."""
    found: list[str] = []
    for part in text.split(","):
        if part.strip() and part.strip() not in found:
            found.append(part.strip())
    return found
