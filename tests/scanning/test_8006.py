"""AI 8006, ITIP: one piece of a multi-piece trade item (a sofa in three boxes).

GS1 General Specifications 3.9.6: AI (8006) holds the GTIN of the trade item (N14), the number of
this piece (N2) and the item's total number of pieces (N2); it may be qualified like a GTIN (lot
10, serial 21, consumer product variant 22; GS1 Digital Link URI Syntax gives it as a primary key,
"/8006/…"). Floor reads the item and the piece. No flow counts pieces yet, so each flow refuses a
piece of several in words (floor/scanning/flow.py); the lookup screen shows it.
"""

import uuid

import pytest
from django.urls import reverse

from floor.errors import ScanRejected
from floor.ledger.models import Move
from floor.scanning.parser import Kind, parse
from tests import factories as f
from tests.pages import page_text

pytestmark = pytest.mark.django_db

GTIN = "09506000134352"


@pytest.mark.parametrize(
    ("raw", "lot"),
    [
        (f"]C18006{GTIN}0102", None),
        (f"]d28006{GTIN}010210L9", "L9"),  # 8006 has a fixed length: no separator before the lot
        (f"https://id.gs1.org/8006/{GTIN}0102", None),
        (f"HTTPS://ID.GS1.ORG/8006/{GTIN}0102/10/L9", "L9"),
    ],
)
def test_it_reads_the_item_and_the_piece(raw, lot):
    product = f.product(gtin=GTIN)
    scan = parse(raw)
    assert (scan.kind, scan.product_id, scan.gtin, scan.piece, scan.pieces, scan.lot) == (
        Kind.GS1,
        product.pk,
        GTIN,
        1,
        2,
        lot,
    )


def test_it_reads_a_compressed_digital_link_of_a_piece():
    # https://id.gs1.org/8006/095060001343520203/10/L9, compressed by GS1's reference implementation
    scan = parse("https://id.gs1.org/EGIv2ABhUbiRTG29yw")
    assert (scan.gtin, scan.piece, scan.pieces, scan.lot) == (GTIN, 2, 3, "L9")


def test_a_piece_of_an_unknown_item_is_still_read():
    # 3.9.6: the piece names its item's GTIN whether Floor knows it or not.
    scan = parse(f"]C18006{GTIN}0303")
    assert (scan.product_id, scan.gtin, scan.piece, scan.pieces) == (None, GTIN, 3, 3)


def test_a_piece_whose_gtin_has_a_bad_check_digit_is_refused():
    # 3.9.6 and 7.9.1: the GTIN inside AI 8006 carries its own check digit.
    with pytest.raises(ScanRejected, match="Bad barcode check digit"):
        parse("]C18006095060001343530102")


@pytest.mark.parametrize("pieces", ["0002", "0302", "0100"])
def test_a_piece_number_outside_its_total_is_an_unreadable_label(pieces):
    # 3.9.6: the piece number runs from 01 to the total, which is at least 01.
    with pytest.raises(ScanRejected, match="Unreadable GS1 label"):
        parse(f"]C18006{GTIN}{pieces}")


def post(client, url, **data):
    data.setdefault("key", str(uuid.uuid4()))
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_a_flow_refuses_one_piece_of_several_in_words(client):
    # 3.9.6: one piece is not the item; a flow that counts items cannot count it.
    wh = f.warehouse()
    a, b = f.storage_bin(wh, aisle="A"), f.storage_bin(wh, aisle="B")
    f.stock(a, f.product(gtin=GTIN), 5)
    client.force_login(f.user(roles=["picker"], wh=wh))

    post(client, "/move/scan", code=a.barcode)
    page = post(client, "/move/scan", code=f"]C18006{GTIN}0103")

    assert "Piece 1 of 3 of an item — scan the item&#39;s own barcode" in page
    post(client, "/move/scan", code=b.barcode)
    assert not Move.objects.filter(reference__startswith="MOVE-").exists()


def test_a_piece_that_is_the_whole_item_is_the_item(client):
    # Piece 01 of 01: the whole item, taken as any label of it.
    wh = f.warehouse()
    a, b = f.storage_bin(wh, aisle="A"), f.storage_bin(wh, aisle="B")
    f.stock(a, f.product(gtin=GTIN), 5)
    client.force_login(f.user(roles=["picker"], wh=wh))

    for code in (a.barcode, f"]C18006{GTIN}0101", b.barcode):
        post(client, "/move/scan", code=code)

    assert Move.objects.filter(reference__startswith="MOVE-").count() == 1


def test_the_lookup_page_shows_which_piece_it_is(client):
    # 3.9.6: the piece number and the total, as the lookup page shows them.
    client.force_login(f.user(wh=f.warehouse()))
    f.product(gtin=GTIN, sku="SOFA-3")
    page = page_text(client.get(reverse("scanning:lookup"), {"code": f"]C18006{GTIN}0203"}))
    assert "SOFA-3" in page and "Piece" in page and "2 of 3" in page
