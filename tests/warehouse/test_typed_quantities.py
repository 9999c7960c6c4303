"""Every number a person types on a scan screen (Move stock's quantity, Receive's case quantity,
Put away's, Pick's and its short quantity, the carton's weight) is read one way,
`floor.warehouse.quantities.read_quantity`: what the ledger cannot keep exactly is refused with
a message, never rounded, never a 500 — and a good number typed after it still works."""

import html
import uuid
from decimal import Decimal

import pytest
from django.utils import translation

from floor.errors import ScanRejected
from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move
from floor.packing.cartons import MAX_WEIGHT_KG
from floor.packing.models import Carton
from floor.picking.models import Pick, PickerPlace, PickRecord
from floor.putaway.models import Putaway
from floor.receiving.models import Receipt, ReceiptLine, Receiving
from floor.transfers.models import Transfer
from floor.warehouse.models import Location
from floor.warehouse.quantities import MOST_TYPED, read_quantity
from floor.warehouse.services import add_zone, location_of_kind
from tests import factories
from tests.packing.pack_factories import carton_types, picked_order, station
from tests.pages import page_text
from tests.picking.task_factories import Stop, pick_task

GTIN = "4006381333931"
# Finer than the ledger keeps, more than a column holds, and what is no number at all.
TOO_FINE = ["0.0004", "0.0005", "0.0001"]
TOO_MUCH = ["1e9", "1000000000", "9" * 20, "1e+308"]
NO_NUMBER = ["NaN", "Infinity", "-1", "abc", "1,5"]
REFUSED = [*TOO_FINE, *TOO_MUCH, *NO_NUMBER, "0", ""]


# --- The reader


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1", "1"),
        ("2.5", "2.5"),
        ("0.001", "0.001"),
        (" 12 ", "12"),
        (".5", "0.5"),
        ("007", "7"),
        ("999999.999", "999999.999"),
    ],
)
def test_digits_with_at_most_three_decimals_are_read_exactly(typed, read):
    assert read_quantity(typed) == Decimal(read)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("", "Type a number"),
        ("   ", "Type a number"),
        ("0.0004", "Too many decimals — 3 at most (typed 0.0004)"),
        ("0.0005", "Too many decimals — 3 at most (typed 0.0005)"),
        ("1000000", "Too much — type less than 1000000 (typed 1000000)"),
        ("9" * 20, "Too much — type less than 1000000 (typed 999999999999…)"),
        ("1e9", "Type a number, in digits (typed 1e9)"),
        ("1e+308", "Type a number, in digits (typed 1e+308)"),
        ("NaN", "Type a number, in digits (typed NaN)"),
        ("-Infinity", "Type a number, in digits (typed -Infinity)"),
        ("1_000", "Type a number, in digits (typed 1_000)"),
        ("١٢", "Type a number, in digits (typed ١٢)"),
        ("+1", "Type a number, in digits (typed +1)"),
        ("1 000", "Type a number, in digits (typed 1 000)"),
        ("1\x00", "Type a number, in digits (typed 1?)"),
        ("1,5", "Use a point for decimals, not a comma (typed 1,5)"),
        ("1.000,5", "Use a point for decimals, not a comma (typed 1.000,5)"),
        ("-1", "Type more than zero (typed -1)"),
        ("0", "Type more than zero (typed 0)"),
        ("0.000", "Type more than zero (typed 0.000)"),
    ],
)
def test_anything_else_is_refused_in_the_persons_words(typed, said):
    with translation.override("en"), pytest.raises(ScanRejected) as refused:
        read_quantity(typed)
    assert refused.value.message == said


def test_zero_may_be_allowed_but_not_below_it():
    assert read_quantity("0", zero_allowed=True) == 0
    with translation.override("en"), pytest.raises(ScanRejected, match="Type zero or more"):
        read_quantity("-0.5", zero_allowed=True)


def test_the_limit_is_the_callers():
    assert read_quantity("99999.999", below=Decimal(100_000)) == Decimal("99999.999")
    with translation.override("en"), pytest.raises(ScanRejected, match="type less than 100000"):
        read_quantity("100000", below=Decimal(100_000))
    assert MOST_TYPED == 1_000_000  # the scan screens' quantities


def test_the_messages_are_spanish_for_a_spanish_person():
    with translation.override("es"), pytest.raises(ScanRejected) as refused:
        read_quantity("0.0004")
    assert refused.value.message == "Demasiados decimales — 3 como máximo (escrito 0.0004)"


def test_a_decimal_comma_is_refused_whatever_the_language():
    # The scan screens' number fields send "1.5" when a Spanish person types 1,5; a comma comes
    # only from another client, where "1,500" may mean 1.5 or 1500: refused rather than guessed.
    with translation.override("es"), pytest.raises(ScanRejected) as refused:
        read_quantity("1,5")
    assert refused.value.message == "Use un punto para los decimales, no una coma (escrito 1,5)"


# --- Every field, through its screen


class Field:
    """A scan screen at the point where a number is typed: `type` posts it, `state` is what a
    refused number must leave as it was, `finish` goes on with the good one and says what it did."""

    role = ""
    url = ""
    good = "1"
    limits: dict = {}  # what the field's reader is told

    def __init__(self, client):
        self.client = client
        self.wh = factories.warehouse()
        self.person = factories.user(roles=[self.role], wh=self.wh)
        client.force_login(self.person)

    def post(self, url, **data):
        data.setdefault("key", str(uuid.uuid4()))
        data.setdefault("device", "test")
        response = self.client.post(url, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, (url, data, response.status_code)
        return page_text(response)

    def scan(self, url, code):
        return self.post(url, code=code)

    def type(self, value):
        return self.post(self.url, quantity=value)


class MoveQuantity(Field):
    role, url, good = "picker", "/move/quantity", "2.5"

    def __init__(self, client):
        super().__init__(client)
        self.a, self.b = factories.storage_bin(self.wh, aisle="A"), factories.storage_bin(self.wh, aisle="B")
        factories.stock(self.a, factories.product(gtin=GTIN), 5)
        self.scan("/move/scan", self.a.barcode)
        self.scan("/move/scan", GTIN)

    def state(self):
        return Transfer.objects.get(actor=self.person, state=Transfer.State.OPEN).quantity

    def finish(self):
        self.scan("/move/scan", self.b.barcode)
        return Move.objects.get(to_location=self.b).quantity


class CaseQuantity(Field):
    role, url, good = "receiver", "/receive/quantity", "6"

    def __init__(self, client):
        super().__init__(client)
        receipt = Receipt.objects.create(warehouse=self.wh, reference="WH/IN/00042", vendor="Acme")
        self.line = ReceiptLine.objects.create(receipt=receipt, product=factories.product(gtin=GTIN), expected=10)
        self.scan("/receive/scan", receipt.reference)

    def state(self):
        return Receiving.objects.get(actor=self.person).next_quantity

    def finish(self):
        self.scan("/receive/scan", GTIN)
        self.line.refresh_from_db()
        return self.line.received


class PutawayQuantity(Field):
    role, url, good = "receiver", "/putaway/quantity", "5"

    def __init__(self, client):
        super().__init__(client)
        zone = add_zone(self.wh, name="Zone A")
        factories.storage_bin(self.wh, aisle="A", bay=1)
        item = factories.product(gtin=GTIN, zone=zone, volume=Decimal("0.01"))
        factories.stock(location_of_kind(self.wh, Location.Kind.INPUT), item, 12)
        self.scan("/putaway/scan", GTIN)

    def putaway(self):
        return Putaway.objects.get(actor=self.person, state=Putaway.State.OPEN)

    def state(self):
        return self.putaway().quantity

    def finish(self):
        bin_ = self.putaway().suggested
        self.scan("/putaway/scan", bin_.barcode)
        return Move.objects.get(to_location=bin_).quantity


class PickQuantity(Field):
    role, url, good = "picker", "/pick/quantity", "1"

    def __init__(self, client):
        super().__init__(client)
        a1 = factories.storage_bin(self.wh, aisle="A", bay=1)
        self.tote = factories.tote(self.wh, "T-0001")
        pick_task(self.wh, [Stop("OUT/1", a1, factories.product(gtin=GTIN), 3)])
        self.post("/pick/work")
        for code in (self.tote.barcode, a1.barcode, GTIN):
            self.scan("/pick/scan", code)

    def state(self):
        picking = PickerPlace.objects.get(actor=self.person)
        return picking.waiting, picking.quantity

    def finish(self):
        self.scan("/pick/scan", self.tote.barcode)
        return PickRecord.objects.get().quantity


class ShortQuantity(PickQuantity):
    """What was found at a short stop: zero is a number here (nothing found)."""

    url = "/pick/short"
    limits = {"zero_allowed": True}

    def type(self, value):
        return self.post(self.url, reason="damaged", quantity=value)

    def state(self):
        pick = Pick.objects.get()
        return (*super().state(), pick.state, pick.short_reason)

    def finish(self):
        assert "Put the 1 found in the tote" in self.answer
        super().finish()
        pick = Pick.objects.get()
        return pick.picked, pick.state


class CartonWeight(Field):
    role, url, good = "packer", "/pack/weight", "1.5"
    limits = {"below": MAX_WEIGHT_KG}

    def __init__(self, client):
        super().__init__(client)
        item = factories.product(gtin=GTIN, weight=Decimal("0.1"), volume=Decimal("0.0005"))
        tote = factories.tote(self.wh, "T-0001")
        station(self.wh, "PACK-1")
        cartons = carton_types(self.wh)
        picked_order(self.wh, [Stop("OUT/1", factories.storage_bin(self.wh), item, 1)], tote)
        self.scan("/pack/scan", "PACK-1")
        self.scan("/pack/scan", tote.barcode)
        self.post("/pack/carton", carton_type=cartons["S"].pk)
        self.scan("/pack/scan", GTIN)
        self.post("/pack/close-carton")

    def state(self):
        carton = Carton.objects.get()
        return carton.state, carton.weight_kg

    def finish(self):
        carton = Carton.objects.get()
        assert carton.state == "closed"
        return carton.weight_kg


FIELDS = {
    "move": MoveQuantity,
    "case": CaseQuantity,
    "putaway": PutawayQuantity,
    "pick": PickQuantity,
    "short": ShortQuantity,
    "weight": CartonWeight,
}
AFTER = {"move": "2.5", "case": "6", "putaway": "5", "pick": "1", "short": (1, "short"), "weight": "1.5"}


def refusal(value, **limits) -> str:
    with pytest.raises(ScanRejected) as refused:
        read_quantity(value, **limits)
    return refused.value.message


@pytest.mark.django_db
@pytest.mark.parametrize("name", FIELDS)
def test_a_number_the_ledger_cannot_keep_is_refused_on_screen_and_a_good_one_then_works(client, name):
    field = FIELDS[name](client)
    before, moves = field.state(), Move.objects.count()
    refused = [value for value in REFUSED if not (name == "short" and value == "0")]
    for value in refused:
        answer = field.type(value)
        assert "feedback-error" in answer and refusal(value, **field.limits) in html.unescape(answer), value
        assert field.state() == before and Move.objects.count() == moves, value

    field.answer = field.type(field.good)

    assert "feedback-error" not in field.answer
    done = field.finish()
    assert done == (AFTER[name] if isinstance(AFTER[name], tuple) else Decimal(AFTER[name]))
    assert ledger_differences() == []


@pytest.mark.django_db
def test_a_short_pick_with_nothing_found_is_typed_as_zero(client):
    field = ShortQuantity(client)
    answer = field.type("0")
    assert "short (damaged)" in answer and Pick.objects.get().state == "short"
    assert not PickRecord.objects.exists() and ledger_differences() == []
