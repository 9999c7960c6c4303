"""The lookup page: scan anything on the home screen and see what it is and what is on it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from floor.receiving.models import Receipt, ReceiptLine
from tests import factories as f
from tests.pages import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    wh = f.warehouse()
    person = f.user(wh=wh, first_name="Ada", last_name="Lovelace")
    client.force_login(person)
    return client, wh


def lookup(client, code):
    return client.get(reverse("scanning:lookup"), {"code": code})


def test_it_asks_a_signed_out_person_to_sign_in(client):
    response = lookup(client, "A-01-01")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_shows_the_scan_box_before_anything_is_scanned(signed_in):
    client, _wh = signed_in
    response = client.get(reverse("scanning:lookup"))
    assert response.status_code == 200
    assert b"data-scan-input" in response.content
    assert b"feedback-error" not in response.content


def test_a_bin_shows_its_stock(signed_in):
    client, wh = signed_in
    location = f.storage_bin(wh)
    product = f.product(sku="SKU-BOLT", name="Bolt M6", tracking="lot")
    f.stock(location, product, 7, lot=f.lot(product, name="LOT-9"))
    response = lookup(client, location.barcode + "\r\n")
    assert response.status_code == 200
    page = page_text(response)
    assert location.name in page and "SKU-BOLT" in page and "LOT-9" in page and ">7 " in page
    assert "data-scan-input" in page


def test_an_empty_bin_says_so(signed_in):
    client, wh = signed_in
    response = lookup(client, f.storage_bin(wh).barcode)
    assert "No stock on hand." in page_text(response)


def test_an_item_shows_where_it_is_and_the_total(signed_in):
    client, wh = signed_in
    product = f.product(gtin="4006381333931")
    first, second = f.storage_bin(wh), f.storage_bin(wh)
    f.stock(first, product, 3)
    f.stock(second, product, Decimal("4.5"))
    page = page_text(lookup(client, "4006381333931"))
    assert first.name in page and second.name in page
    assert "7.500" in page


def test_a_tote_shows_its_contents(signed_in):
    client, wh = signed_in
    tote = f.tote(wh)
    f.stock(tote.location, f.product(sku="SKU-TOTED"), 2)
    assert "SKU-TOTED" in page_text(lookup(client, tote.barcode))


def test_a_document_shows_its_reference_state_and_lines(signed_in):
    client, wh = signed_in
    receipt = Receipt.objects.create(warehouse=wh, reference="WH/IN/00099")
    ReceiptLine.objects.create(receipt=receipt, product=f.product(), expected=5)
    page = page_text(lookup(client, "WH/IN/00099"))
    assert "WH/IN/00099" in page and "Open" in page and "<dd>1</dd>" in page


def test_a_badge_shows_only_the_persons_name(signed_in):
    client, wh = signed_in
    f.user(badge="B-0042", wh=wh, first_name="Grace", last_name="Hopper")
    assert "Grace Hopper" in page_text(lookup(client, "B-0042"))


def test_a_command_barcode_says_which_command(signed_in):
    client, _wh = signed_in
    assert "Command barcode: DONE" in page_text(lookup(client, "CMD-DONE"))


def test_a_rejected_code_shows_the_message_in_the_feedback_band(signed_in):
    client, _wh = signed_in
    response = lookup(client, "XYZ-404")
    assert response.status_code == 200
    page = page_text(response)
    assert "feedback-error" in page and "Not a code Floor knows: XYZ-404" in page


def test_an_unknown_gtin_is_an_unknown_item(signed_in):
    client, _wh = signed_in
    page = page_text(lookup(client, "4006381333931"))
    assert "Unknown item" in page and "04006381333931" in page


def test_a_gs1_label_shows_its_lot_and_expiry(signed_in):
    client, _wh = signed_in
    f.product(gtin="4006381333931")
    page = page_text(lookup(client, "]C10104006381333931\x1d10LOT-77\x1d17271231"))
    assert "LOT-77" in page and "GTIN" in page


def test_it_shows_a_group_separator_as_a_visible_mark(signed_in):
    client, _wh = signed_in
    page = page_text(lookup(client, "]C10104006381333931\x1d10LOT-77"))
    assert "\x1d" not in page and "&lt;GS&gt;10LOT-77" in page
