"""The lookup reads only the person's own warehouse: a code of another warehouse is refused, and
a person with no warehouse sees nothing."""

import pytest
from django.urls import reverse

from floor.picking.models import Order
from floor.receiving.models import Receipt, ReceiptLine
from floor.returns.models import Return
from floor.warehouse.models import Package
from tests import factories as f
from tests.pages import page_text

pytestmark = pytest.mark.django_db


class Two:
    pass


@pytest.fixture
def two(client):
    """Warehouse A, where the person works, and warehouse B with stock, documents and people."""
    t = Two()
    t.a, t.b = f.warehouse("WHA"), f.warehouse("WHB")
    t.person = f.user(roles=["receiver"], wh=t.a)
    t.bolt = f.product(sku="SKU-SECRET", name="Secret bolt", gtin="4006381333931")
    # A fixed bay: a bin named from the factories' running number could hold "77" or "40".
    t.b_bin = f.storage_bin(t.b, bay=1)
    f.stock(t.b_bin, t.bolt, 77)
    t.b_tote = f.tote(t.b, "TOTE-B1")
    f.stock(t.b_tote.location, t.bolt, 5)
    t.b_pallet = Package.objects.create(barcode="LP-B-0001")
    f.stock(t.b_bin, t.bolt, 40, package=t.b_pallet)
    t.b_receipt = Receipt.objects.create(warehouse=t.b, reference="WHB/IN/00001")
    ReceiptLine.objects.create(receipt=t.b_receipt, product=t.bolt, expected=9)
    t.b_order = Order.objects.create(warehouse=t.b, reference="WHB/OUT/00001")
    t.b_return = Return.objects.create(warehouse=t.b, reference="WHB/RET/00001")
    t.b_boss = f.user(roles=["supervisor"], wh=t.b, badge="BOSS-B", first_name="Bea", last_name="Boss")
    client.force_login(t.person)
    t.client = client
    return t


def lookup(client, code):
    response = client.get(reverse("scanning:lookup"), {"code": code})
    assert response.status_code == 200
    return response


def refused(response, *secrets):
    page = page_text(response)
    for secret in secrets:
        assert secret not in page
    assert "feedback-error" in page and "belongs to another warehouse" in page
    for shown in ("quants", "document", "product"):
        assert response.context.get(shown) is None
    return page


def test_it_refuses_a_bin_of_another_warehouse(two):
    refused(lookup(two.client, two.b_bin.barcode), "SKU-SECRET", "77")


def test_it_refuses_a_tote_of_another_warehouse(two):
    refused(lookup(two.client, "TOTE-B1"), "SKU-SECRET")


def test_it_refuses_a_pallet_whose_stock_is_in_another_warehouse(two):
    refused(lookup(two.client, "LP-B-0001"), "SKU-SECRET", two.b_bin.name, "40")


def test_it_refuses_a_receipt_an_order_and_a_return_of_another_warehouse(two):
    for reference in ("WHB/IN/00001", "WHB/OUT/00001", "WHB/RET/00001"):
        refused(lookup(two.client, reference), "<dd>")


def test_it_refuses_a_badge_of_another_warehouse_without_the_name(two):
    refused(lookup(two.client, "BOSS-B"), "Bea", "Boss B")


def test_an_item_lists_only_the_places_in_the_persons_warehouse(two):
    mine = f.storage_bin(two.a)
    f.stock(mine, two.bolt, 3)
    page = page_text(lookup(two.client, "4006381333931"))
    assert mine.name in page and two.b_bin.name not in page and two.b_tote.location.name not in page


def test_its_own_warehouse_is_still_shown(two):
    mine = f.storage_bin(two.a)
    f.stock(mine, two.bolt, 3)
    Receipt.objects.create(warehouse=two.a, reference="WHA/IN/00001")
    assert "SKU-SECRET" in lookup(two.client, mine.barcode).content.decode()
    assert "WHA/IN/00001" in lookup(two.client, "WHA/IN/00001").content.decode()


@pytest.mark.parametrize(
    "code",
    ["bin", "TOTE-B1", "LP-B-0001", "4006381333931", "WHB/IN/00001", "WHB/OUT/00001", "WHB/RET/00001", "BOSS-B"],
)
def test_a_person_with_no_warehouse_sees_nothing(two, code):
    two.client.force_login(f.user(roles=["supervisor"], wh=None))
    response = lookup(two.client, two.b_bin.barcode if code == "bin" else code)
    page = page_text(response)
    assert "SKU-SECRET" not in page and two.b_bin.name not in page and "Bea" not in page
    assert response.context.get("quants") is None and response.context.get("document") is None
    assert "feedback-error" in page and "no warehouse" in page
