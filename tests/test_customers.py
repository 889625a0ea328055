"""Customers: added, found, edited and hidden; WhatsApp links built from numbers as Indonesian shops type them."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from companion.domain.errors import NotFound, UserError
from companion.domain.field_problems import FieldProblems
from companion.domain.whatsapp import chat_link, wa_number
from companion.i18n import set_language
from companion.services.credit import customer_lines
from companion.services.customers import add_customer, delete_customer, edit_customer
from companion.services.sample_customers import fill_sample_customers
from companion.services.sample_shop import fill_sample_shop
from companion.store import customers as customer_store
from companion.store.database import Database

PHONES = ["0812-3456-7890", "0812 3456 7890", "081234567890", "+62 812 3456 7890", "+62-812-3456-7890",
          "62812.3456.7890", "6281234567890", "812-3456-7890", "8123 4567 890", "(0812) 3456 7890",
          " 0812.3456.7890 "]


@pytest.mark.parametrize("typed", PHONES)
def test_indonesian_numbers_as_people_type_them(typed: str) -> None:
    assert wa_number(typed) == "6281234567890"
    assert chat_link(typed, "") == "https://wa.me/6281234567890"


def test_other_countries_written_with_a_plus_are_kept() -> None:
    assert wa_number("+60 12-345 6789") == "60123456789"
    assert wa_number("0060 12 345 6789") == "60123456789"


@pytest.mark.parametrize("typed", ["abc", "0812-34", "12345678", "+62 0812 3456 7890", "0812345678901234",
                                   "0812-3456-789O", "٠٨١٢٣٤٥٦٧٨٩٠", "+", "62", "tel:0812"])
def test_what_is_not_a_phone_is_refused_in_one_sentence(typed: str) -> None:
    with pytest.raises(UserError) as caught:
        wa_number(typed)
    text = caught.value.message()
    assert text.count(".") == 1 and text.endswith(".") and "0812-3456-7890" in text


def test_an_empty_phone_says_to_add_one() -> None:
    with pytest.raises(UserError, match="nomor WhatsApp"):
        chat_link("  ", "halo")


def test_the_message_is_url_encoded_and_comes_back_whole() -> None:
    text = "Halo Bu Ani 🙏\nKasbon: Rp150.000 & jatuh tempo 5/12 #1 ?+="
    link = chat_link("0812 3456 7890", text)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/6281234567890")
    assert " " not in link and "\n" not in link and "&" not in parts.query.removeprefix("text=")
    assert parse_qs(parts.query)["text"] == [text]
    assert unquote(parts.query.removeprefix("text=")) == text


def test_add_search_get_edit(db: Database) -> None:
    ani, _ = add_customer(db, "  Bu   Ani ", "0812-3456-7890", "warung sebelah")
    budi, change = add_customer(db, "Pak Budi")
    assert change.customers == {budi}
    row = customer_store.get(db, ani)
    assert row is not None and (row.name, row.phone, row.notes, row.owed) == ("Bu Ani", "0812-3456-7890",
                                                                              "warung sebelah", 0)
    assert [c.name for c in customer_store.search(db, "")] == ["Bu Ani", "Pak Budi"]
    assert [c.id for c in customer_store.search(db, "bud")] == [budi]
    assert [c.id for c in customer_store.search(db, "3456 7890")] == [ani]
    assert [c.id for c in customer_store.search(db, "+62 812 3456")] == [ani]
    assert [c.id for c in customer_store.search(db, "50%")] == []
    assert customer_store.search(db, "", limit=1)[0].name == "Bu Ani"
    edit_customer(db, budi, "Pak Budi Santoso", "+62 813 1111 2222", "bayar tiap Jumat")
    row = customer_store.get(db, budi)
    assert row is not None and row.phone == "+62 813 1111 2222"


def test_form_problems_come_all_at_once(db: Database) -> None:
    add_customer(db, "Bu Ani")
    with pytest.raises(FieldProblems) as caught:
        add_customer(db, "bu ani", "12", "x" * 600)
    assert caught.value.fields() == ["name", "phone", "notes"]
    with pytest.raises(FieldProblems) as caught:
        add_customer(db, "   ")
    assert caught.value.fields() == ["name"]
    assert customer_store.count(db) == 1


def test_the_same_name_is_allowed_for_the_customer_being_edited(db: Database) -> None:
    ani, _ = add_customer(db, "Bu Ani")
    edit_customer(db, ani, "BU ANI", "0812 3456 7890")
    row = customer_store.get(db, ani)
    assert row is not None and row.name == "BU ANI"


def test_delete_hides_the_customer(db: Database) -> None:
    ani, _ = add_customer(db, "Bu Ani")
    delete_customer(db, ani)
    assert customer_store.search(db, "") == []
    row = customer_store.get(db, ani)
    assert row is not None and row.deleted
    with pytest.raises(NotFound):
        delete_customer(db, ani)
    with pytest.raises(NotFound):
        edit_customer(db, ani, "Bu Ani")
    again, _ = add_customer(db, "Bu Ani")  # the name is free again
    assert again != ani


def test_sentences_read_in_english_too(db: Database) -> None:
    set_language("en")
    with pytest.raises(UserError, match="is not a phone number WhatsApp can open"):
        wa_number("hello")


def test_the_sample_customers_show_each_kind_of_kasbon(db: Database) -> None:
    fill_sample_shop(db)
    change = fill_sample_customers(db)
    lines = {line.customer.name: line for line in customer_lines(db)}
    assert set(change.customers) == {line.customer.id for line in lines.values()}
    ani, budi = lines["Bu Ani"], lines["Pak Budi Santoso"]
    assert ani.state is not None and ani.state.overdue and ani.state.days_late == 5
    assert budi.state is not None and not budi.state.overdue
    assert lines["Mbak Sari"].customer.owed == 0 and lines["Pak Joko (bengkel)"].state is None
    assert list(lines) == ["Bu Ani", "Pak Budi Santoso", "Mbak Sari", "Pak Joko (bengkel)"]
