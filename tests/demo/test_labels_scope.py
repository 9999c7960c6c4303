"""Label sheets print the person's own warehouse's codes, and nobody else's."""

import pytest
from django.urls import reverse

from floor.demo.labels import SHEETS
from floor.receiving.models import Receipt
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("demo:labels")


@pytest.fixture
def first(db):
    """The first warehouse, with a bin, a tote, a receipt and a badge of its own."""
    wh = factories.warehouse("WH1")
    factories.storage_bin(wh, aisle="Q", bay=7, level=1)
    factories.tote(wh, "TOTE-WH1")
    Receipt.objects.create(warehouse=wh, reference="WH1/IN/00001")
    factories.user(roles=["picker"], wh=wh, badge="BADGE-WH1", first_name="Wanda", last_name="One")
    return wh


@pytest.mark.parametrize("sheet", sorted(SHEETS))
def test_a_person_with_no_warehouse_gets_no_sheet_but_a_message(client, first, sheet):
    client.force_login(factories.user(roles=["supervisor"], wh=None))
    response = client.get(URL, {"sheet": sheet})
    page = response.content.decode()
    for code in ("WH1-INPUT", "Q-07-01", "TOTE-WH1", "WH1/IN/00001", "BADGE-WH1", "Wanda"):
        assert code not in page
    assert "data-code" not in page
    assert response.status_code == 200 and "not assigned to a warehouse" in page


def test_a_person_of_another_warehouse_gets_its_own_codes_only(client, first):
    other = factories.warehouse("WH2")
    client.force_login(factories.user(roles=["supervisor"], wh=other))
    bins = client.get(URL, {"sheet": "bins"}).content.decode()
    assert "WH2-INPUT" in bins and "WH1-INPUT" not in bins and "Q-07-01" not in bins
    for sheet, code in [("totes", "TOTE-WH1"), ("documents", "WH1/IN/00001"), ("badges", "BADGE-WH1")]:
        assert code not in client.get(URL, {"sheet": sheet}).content.decode()
