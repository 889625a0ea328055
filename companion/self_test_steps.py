"""The self-test's steps, in order: each checks one thing a packaged app can lose (a data file, a catalog, Babel's
locale data, a keyring backend, a module imported by name, a Qt plugin) and says what it found in one line."""

from __future__ import annotations

import importlib
import shutil
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion import i18n
from companion.i18n import N_, tr
from companion.self_test_trial import FAILED, OK, WARNING, Outcome, Trial
from companion.store.location import db_path

if TYPE_CHECKING:
    pass

PROBE = "Cash"  # a msgid every build has (the counter's payment button)
# keyring backends the build must carry for each platform, with the library each one loads (Linux: our own Secret
# Service backend on jeepney, store/secret_service.py)
PLATFORM_BACKENDS = {"linux": ("companion.store.secret_service", "jeepney.io.blocking"),
                     "win32": ("keyring.backends.Windows", "win32ctypes.pywin32.win32cred"),
                     "darwin": ("keyring.backends.macOS", "keyring.backends.macOS.api")}


def data_folder(trial: Trial) -> Outcome:
    """A new data folder migrated to the latest schema (or a copy of a shop's data, to test its migration)."""
    from companion.store import backup
    from companion.store.database import open_database
    from companion.store.migrations import current_version, latest_version

    trial.folder.mkdir(parents=True, exist_ok=True)
    path = db_path(trial.folder)
    if trial.copy_from is not None:
        source = db_path(trial.copy_from)
        if not source.exists():
            return FAILED, tr("there is no shop data in {folder}", folder=trial.copy_from)
        for suffix in ("", "-wal"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{path}{suffix}")
        if not backup.quick_check(path):
            return FAILED, tr("the copy of the shop's data is damaged; restore the newest backup (companion restore)")
    trial.db = open_database(path)
    have, want = current_version(trial.db), latest_version()
    if have != want:
        return FAILED, tr("migrated to version {have}, expected {want}", have=have, want=want)
    where = tr("a copy of {folder}", folder=trial.copy_from) if trial.copy_from else tr("a new temporary folder")
    return OK, tr("{where} migrated to data version {version}", where=where, version=have)


def translations(_trial: Trial) -> Outcome:
    """Both catalogs load from the bundle and actually translate."""
    shown = {}
    report_in = i18n.language()
    for lang in i18n.LANGUAGES:
        if not i18n.catalog(lang):
            return FAILED, tr("no messages found for language {lang}", lang=lang)
        i18n.set_language(lang)
        shown[lang] = tr(PROBE)
    i18n.set_language(report_in)
    if shown["id"] == PROBE or not shown["en"]:
        return FAILED, tr("\"{msgid}\" is not translated into Indonesian", msgid=PROBE)
    return OK, tr("{n} messages; \"{msgid}\" is \"{id}\" in Indonesian and \"{en}\" in English",
                  n=len(i18n.catalog("id")), msgid=PROBE, id=shown["id"], en=shown["en"])


def locale_data(_trial: Trial) -> Outcome:
    """Babel's Indonesian and English data and the time zone database are bundled (rupiah, dates, WIB/WITA/WIT)."""
    from babel.dates import format_date

    from companion.domain.clock import shop_zone
    from companion.domain.money import format_rupiah

    money = format_rupiah(15_000, "id")
    if money != "Rp15.000":
        return FAILED, tr("rupiah shown as {text}, expected Rp15.000", text=money)
    day = date(2026, 8, 17)
    dates = [format_date(day, "d MMMM y", locale=i18n.babel_locale(lang)) for lang in i18n.LANGUAGES]
    noon = datetime(day.year, day.month, day.day, 12)
    offsets = [shop_zone(z).utcoffset(noon) for z in ("WIB", "WITA", "WIT")]
    if [o.total_seconds() / 3600 if o is not None else None for o in offsets] != [7, 8, 9]:
        return FAILED, tr("the time zones WIB, WITA and WIT are missing or wrong")
    return OK, tr("{money}; {dates}; WIB, WITA, WIT found", money=money, dates=" / ".join(dates))


def password_store(_trial: Trial) -> Outcome:
    """The keyring finds its backends (entry points survive freezing), this platform's backend imports, and the
    chosen backend can keep secrets; on a machine without one (a server, CI) that is a warning."""
    from companion.store import secrets

    registered = {e.name for e in metadata.entry_points(group="keyring.backends")}
    if not registered:
        return FAILED, tr("no keyring backends are registered (the package data is missing)")
    for module in PLATFORM_BACKENDS.get(sys.platform, ()):
        importlib.import_module(module)
    usable, name = secrets.backend_status()
    if usable:
        return _round_trip(name)
    return WARNING, tr("{name}: this computer has no safe password store, so no online shop can be linked here "
                       "(fine for practice mode)", name=name)


def _round_trip(name: str) -> Outcome:
    """Store, read back and forget a throwaway secret: a locked or refusing store is found here, not when a shop
    is being linked. A warning, since the person may only need to unlock it."""
    from companion.domain.errors import UserError
    from companion.domain.ids import new_id
    from companion.store import secrets

    probe = new_id()
    try:
        secrets.set_secret("self-test", "probe", probe)
        back = secrets.get_secret("self-test", "probe")
        secrets.delete_secret("self-test", "probe")
    except UserError as exc:
        return WARNING, f"{name}: {exc.message()}"
    if back != probe:
        return WARNING, tr("{name} did not give back the test password it was given", name=name)
    return OK, tr("{name} stored, read back and forgot a test password", name=name)


def connectors(_trial: Trial) -> Outcome:
    """Every connector module imports (the app loads some by name, which a bundler cannot see)."""
    import pkgutil

    import companion.connectors as package

    names = [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    for name in names:
        importlib.import_module(name)
    from companion.connectors import registry

    platforms = registry.names()
    if len(platforms) < 3:
        return FAILED, tr("only {n} connector modules found", n=len(names))
    return OK, tr("{n} modules imported ({platforms})", n=len(names), platforms=", ".join(sorted(platforms)))


def practice_marketplace(trial: Trial) -> Outcome:
    """The practice marketplace starts on 127.0.0.1, answers a signed call through each channel's real connector,
    stops."""
    from companion.connectors import registry
    from companion.connectors.factory import build_connector, practice_credentials
    from companion.practice.server import PracticeMarketplace

    market = PracticeMarketplace(trial.folder / "practice", port=0).start()
    try:
        creds = practice_credentials(market.credentials(), market.base_urls)
        listings = sum(len(build_connector(c).list_listings()) for c in creds.values())
        port = market.port
    finally:
        market.stop()
    if not creds:
        return FAILED, tr("the practice marketplace serves no channel")
    platforms = ", ".join(tr(registry.get(name).label) for name in creds)
    return OK, tr("answered a signed call from each of {platforms} on port {port} ({n} listings) and stopped",
                  platforms=platforms, port=port, n=listings)


def practice_sale(trial: Trial) -> Outcome:
    """One counter sale through the real service, read back, with the stock it took."""
    from companion.domain.ids import new_id
    from companion.domain.money import format_rupiah
    from companion.domain.product import ProductInput
    from companion.domain.sale import LineInput, PaymentMethod
    from companion.services.products import add_product
    from companion.services.sales import record_sale
    from companion.store import sales as sale_store
    from companion.store import stock as stock_store

    db = trial.database()
    sku = f"SELFTEST-{new_id()[:8]}"
    product_id, _ = add_product(db, ProductInput(sku=sku, name="Kopi uji", sell_price=15_000), 5)
    result = record_sale(db, [LineInput(product_id, 2, 15_000)], PaymentMethod.CASH, amount_paid=50_000)
    saved = sale_store.get(db, result.sale_id)
    left = stock_store.on_hand(db, product_id)
    if saved is None or saved.total != 30_000 or len(saved.lines) != 1 or left != 3:
        return FAILED, tr("the sale read back differs from the sale recorded")
    return OK, tr("sale {number} of {total} saved and read back; stock 5 → {left}", number=saved.number,
                  total=format_rupiah(saved.total), left=left)


def label_sheet(trial: Trial) -> Outcome:
    """Two practice labels (real PDFs) on one A4 sheet through PDFium: the packaged app carries its native library."""
    from companion.practice.label_pdf import Label, label_pdf
    from companion.services.label_sheets import LabelSource, SheetLayout, compose

    sources = []
    for n in (1, 2):
        path = trial.folder / f"self-test-label-{n}.pdf"
        path.write_bytes(label_pdf(Label("Kurir Uji", f"UJI000{n}", f"UJI-{n}", "Pembeli Uji", "Bandung")))
        sources.append(LabelSource(f"order-{n}", f"UJI-{n}", path))
    sheet = compose(sources, SheetLayout.A4)
    if sheet.pages != 1 or sheet.labels != 2 or not sheet.pdf.startswith(b"%PDF"):
        return FAILED, tr("the label sheet came out wrong: {pages} pages, {labels} labels", pages=sheet.pages,
                          labels=sheet.labels)
    return OK, tr("two labels put on one A4 page ({size} bytes)", size=len(sheet.pdf))


def receipt_printer(trial: Trial) -> Outcome:
    """A sale's receipt with a logo and a QR code laid out by python-escpos (its Dummy printer) and sent to a file
    printer, read back: the packaged app carries escpos with its printer database, Pillow and libusb."""
    from dataclasses import replace

    import libusb_package
    from PIL import Image

    from companion.domain.ids import new_id
    from companion.domain.print_doc import Logo, QrCode
    from companion.domain.product import ProductInput
    from companion.domain.sale import LineInput, PaymentMethod
    from companion.printing import Kind, PrinterConfig, send
    from companion.services.products import add_product
    from companion.services.receipts import sale_receipt
    from companion.services.sales import record_sale

    db = trial.database()
    product_id, _ = add_product(db, ProductInput(sku=f"SELFTEST-P-{new_id()[-8:]}", name="Kopi Gayo uji",
                                                 sell_price=25_000), 3)
    sale = record_sale(db, [LineInput(product_id, 1, 25_000)], PaymentMethod.CASH, amount_paid=50_000)
    logo = trial.folder / "self-test-logo.png"
    Image.new("L", (240, 80), 0).save(logo)
    qr_text = f"SELFTEST-{sale.sale_id[:8]}"
    doc = sale_receipt(db, sale.sale_id, open_drawer=True)
    doc = replace(doc, items=(Logo(), *doc.items, QrCode(qr_text)))
    paper = trial.folder / "self-test-printer.bin"
    send(PrinterConfig(Kind.FILE, str(paper), paper_mm=58, cut=True, drawer=True, logo=str(logo)), doc)
    data = paper.read_bytes()
    found = {N_("the sale's text"): b"Kopi Gayo uji" in data and b"25.000" in data,
             N_("the drawer kick"): b"\x1bp" in data, N_("the logo"): b"\x1dv0" in data,
             N_("the QR code"): b"\x1d(k" in data and qr_text.encode() in data, N_("the cut"): b"\x1dV" in data}
    missing = [tr(what) for what, there in found.items() if not there]
    if missing:
        return FAILED, tr("the printed bytes lack {missing}", missing=", ".join(missing))
    if not _libusb_loads(libusb_package.get_library_path()):
        return FAILED, tr("the USB printer library (libusb) does not load")
    return OK, tr("{size} bytes of ESC/POS at 58 mm with the text, logo, QR code, drawer kick and cut; the USB "
                  "library loads", size=len(data))


def _libusb_loads(path: Path | None) -> bool:
    """libusb_package's own libusb is in the bundle where the package looks, and loads (no device is opened)."""
    import ctypes

    if path is None:
        return False
    try:
        return hasattr(ctypes.CDLL(str(path)), "libusb_init")
    except OSError:
        return False


def _practice_qris() -> str:
    """A static QRIS of a practice shop (not a real merchant), built and checked by the app's own QRIS code."""
    from companion.domain import qris

    national = qris.join_tlv([("00", "ID.CO.QRIS.WWW"), ("02", "ID1020000000001"), ("03", "UMI")])
    body = qris.join_tlv([("00", "01"), ("01", "11"), ("51", national), ("52", "5411"), ("53", "360"),
                          ("58", "ID"), ("59", "TOKO UJI"), ("60", "BANDUNG")]) + "6304"
    return body + qris.crc16(body)


def qris_code(trial: Trial) -> Outcome:
    """The QRIS for one sale's amount, drawn by segno, saved as a photo (JPEG) and read back by zxing-cpp through
    Pillow, as the app draws the code on screen and reads the shop's sticker photo."""
    import segno
    import zxingcpp
    from PIL import Image

    from companion.domain import qris
    from companion.domain.money import format_rupiah

    payload = qris.with_amount(_practice_qris(), 30_000)
    drawn = trial.folder / "self-test-qris.png"
    segno.make(payload, error="m", micro=False).save(str(drawn), scale=6, border=4)
    photo = trial.folder / "self-test-qris.jpg"
    with Image.open(drawn) as picture:
        picture.convert("RGB").save(photo, quality=85)
    with Image.open(photo) as picture:
        texts = [code.text for code in zxingcpp.read_barcodes(picture.convert("L"),
                                                               formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))]
    if texts != [payload]:
        return FAILED, tr("the QRIS code read back from the photo differs from the one drawn")
    facts = qris.read_qris(texts[0])  # checks the CRC again
    if facts.amount != "30000" or not facts.dynamic:
        return FAILED, tr("the QRIS code read back lacks the sale's amount")
    return OK, tr("{amount} for {merchant}: drawn by segno, read back from a JPEG by zxing-cpp, CRC {crc} checked",
                  amount=format_rupiah(30_000), merchant=facts.merchant_name, crc=payload[-4:])


def _tls_listener() -> tuple[Any, list[bytes]]:
    """A one-connection listener on 127.0.0.1 that answers PostgreSQL's SSLRequest with "S" (go ahead with TLS) and
    keeps the first bytes the client sends next: a TLS ClientHello shows libpq's OpenSSL ran."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(10)
    seen: list[bytes] = []

    def serve() -> None:
        try:
            conn, _ = server.accept()
            with conn:
                conn.settimeout(10)
                seen.append(conn.recv(8))
                conn.sendall(b"S")
                seen.append(conn.recv(5))
        except OSError:
            pass
        finally:
            server.close()

    threading.Thread(target=serve, daemon=True).start()
    return server, seen


def shop_hub(_trial: Trial) -> Outcome:
    """The hub's PostgreSQL client loads (psycopg's binary part, libpq, the OpenSSL it shares with Python on
    Windows) and starts a verify-full TLS handshake; a hub that answers badly is one HubError sentence.

    The handshake probe trusts the system's roots (sslrootcert=system) rather than a CA file: under Wine 8 libpq's
    own stat() of any file fails ("unrecognized win32 error code: 127"), so a file-based probe could not run in CI's
    Windows check; the app's connections (hub/connection.py) pass a CA file, which real Windows reads."""
    import hashlib
    import ssl

    import psycopg

    from companion.domain.hub_records import HubAddress
    from companion.hub.connection import connect
    from companion.hub.errors import HubError

    if psycopg.pq.__impl__ != "binary":
        return FAILED, tr("the hub client runs without its binary part ({impl})", impl=psycopg.pq.__impl__)
    hashlib.sha256(b"companion").hexdigest()  # _hashlib: Python's side of the shared OpenSSL
    server, seen = _tls_listener()
    try:
        psycopg.connect(host="127.0.0.1", port=server.getsockname()[1], dbname="companion", user="probe",
                        password="probe", sslmode="verify-full", sslrootcert="system", sslcertmode="disable",
                        connect_timeout=3)
    except psycopg.Error:
        pass
    else:
        return FAILED, tr("a listener that is no PostgreSQL server was accepted as the hub")
    if len(seen) < 2 or not seen[1].startswith(b"\x16\x03"):
        return FAILED, tr("the hub client did not start a TLS handshake")
    server, _seen = _tls_listener()
    try:
        connect(HubAddress("127.0.0.1", server.getsockname()[1], "companion"), "probe", "probe", timeout=3)
    except HubError:
        pass
    else:
        return FAILED, tr("a listener that is no PostgreSQL server was accepted as the hub")
    version = psycopg.pq.version()
    return OK, tr("libpq {libpq} started a TLS handshake; Python's TLS: {python_ssl}",
                  libpq=f"{version // 10000}.{version % 100}", python_ssl=ssl.OPENSSL_VERSION)


def steps() -> Iterator[tuple[str, Callable[[Any], Outcome]]]:
    """(step name msgid, step) in the order they run: data first, the window last (it needs the most)."""
    yield N_("Data folder"), data_folder
    yield N_("Translations"), translations
    yield N_("Money, dates and time zones"), locale_data
    yield N_("Password store"), password_store
    yield N_("Connectors"), connectors
    yield N_("Practice marketplace"), practice_marketplace
    yield N_("Practice sale"), practice_sale
    yield N_("Label sheet"), label_sheet
    yield N_("Receipt printer"), receipt_printer
    yield N_("QRIS code"), qris_code
    yield N_("Shop hub client"), shop_hub
    from companion.gui.self_test_fonts import fonts_and_pdf
    from companion.gui.self_test_text import text_and_sorting  # Qt stays in gui/
    from companion.gui.self_test_window import app_start, main_window

    yield N_("Fonts and PDF"), fonts_and_pdf
    yield N_("Text and sorting"), text_and_sorting
    yield N_("Main window"), main_window
    yield N_("App start"), app_start
