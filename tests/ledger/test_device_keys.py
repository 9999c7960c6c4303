"""Whatever key a device sends with a scan (none, blank, one character, 95, 96, 200 or 10,000),
every flow's scan and undo answer, post once, ignore a replay of the same key, and keep the
ledger exact: a device key becomes a ledger key one way, `floor.ledger.keys`."""

import string
from decimal import Decimal

import pytest

from floor.ledger.checks import ledger_differences
from floor.ledger.keys import scan_key, undo_key
from floor.ledger.models import Move
from floor.packing.models import PackedItem
from floor.picking.models import PickRecord
from floor.putaway.models import Putaway
from floor.receiving.models import Receipt, ReceiptLine, ReceiptScan
from floor.scanning.models import ScanLog
from floor.warehouse.models import Location
from floor.warehouse.services import add_zone, location_of_kind
from tests import factories
from tests.packing.pack_factories import carton_types, picked_order, station
from tests.picking.task_factories import Stop, pick_task

pytestmark = pytest.mark.django_db

GTIN = "4006381333931"
NUT = factories.gtin13("400000000017")
LONGEST = 100  # Move.key and ScanLog.key


# --- The keys themselves


@pytest.mark.parametrize("device_key", ["", " ", "\t\n"])
def test_a_missing_or_blank_key_gets_a_fresh_ledger_key_each_time(device_key):
    keys = {scan_key("move", device_key) for _ in range(3)}
    assert len(keys) == 3 and all(key.startswith("move:") and len(key) > len("move:") for key in keys)


def test_a_short_plain_key_is_kept_as_it_came():
    # Keys posted before the one way existed stay the same: a replay of one still posts nothing.
    assert scan_key("pick", "5f0c3a4e-1b2d-4c3e-9f00-123456789abc") == "pick:5f0c3a4e-1b2d-4c3e-9f00-123456789abc"


@pytest.mark.parametrize("device_key", ["k" * 65, "k" * 95, "k" * 96, "k" * 10_000, "nul\x00key", "ключ", "\ud800"])
def test_a_long_or_unusual_key_becomes_a_digest_that_fits_and_is_the_same_each_time(device_key):
    key = scan_key("putaway", device_key)
    assert key == scan_key("putaway", device_key) and len(key) <= LONGEST
    assert key.isascii() and key.isprintable()
    assert len(undo_key(key)) <= LONGEST and undo_key(key) == undo_key(key)


def test_two_long_keys_alike_in_their_first_hundred_characters_are_two_keys():
    same_start = "k" * 100
    assert scan_key("move", same_start + "a") != scan_key("move", same_start + "b")


def test_the_undo_of_any_ledger_key_fits_and_names_its_original():
    assert undo_key("move:abc") == "undo:move:abc"
    for length in (95, 96, 100):
        assert len(undo_key("m" * length)) <= LONGEST
    assert undo_key("m" * 96) != undo_key("m" * 97)


# --- Every flow, through its screens


# What a device may send as its key: no key field at all, an empty one, one of a length, blanks,
# a NUL, another alphabet, or keys alike in their first 100 characters.
KEYS = ["missing", 0, 1, 95, 96, 200, 10_000, "blank", "nul", "non-ascii", "alike"]
KEYLESS = ("missing", 0, "blank")


def device_keys(kind):
    """A fresh key of `kind` for each request (None: no key field)."""
    for char in string.ascii_letters + string.digits:
        if kind == "missing":
            yield None
        elif kind == "blank":
            yield " "
        elif kind == "nul":
            yield f"{char}\x00"
        elif kind == "non-ascii":
            yield f"ключ-{char}"
        elif kind == "alike":
            yield "k" * LONGEST + char
        else:
            yield char * kind


def last_move() -> int:
    """The last move's id: the flow's own moves come after it."""
    return Move.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


class Flow:
    """One flow's screens driven as a scanner drives them, every request with the next key.
    `step` makes the flow's counted record (for Move stock, put away and pick, a posted move),
    `undo` takes it back, `close` (where a flow posts at its end) posts what was counted."""

    role = ""

    def __init__(self, client, kind):
        self.client, self.keys = client, device_keys(kind)
        self.wh = factories.warehouse()
        self.person = factories.user(roles=[self.role], wh=self.wh)
        client.force_login(self.person)
        self.before = last_move()
        self.last = None

    def send(self, url, **data):
        key = next(self.keys)
        if key is not None:
            data["key"] = key
        data.setdefault("device", "test")
        self.last = (url, data)
        return self._post(url, data)

    def resend(self):
        """The last request again, key and all: a double submit, or a queue replayed."""
        return self._post(*self.last)

    def _post(self, url, data):
        response = self.client.post(url, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, (url, response.status_code)
        return response.content.decode()

    def scan(self, url, code):
        return self.send(url, code=code)

    def moves(self):
        """(posts, reversals) the flow made: ledger keys, each standing for one post."""
        made = Move.objects.filter(pk__gt=self.before)
        return (
            made.filter(reverses=None).values("key").distinct().count(),
            made.exclude(reverses=None).values("key").distinct().count(),
        )

    counted = moves
    close = None


class MoveStock(Flow):
    role = "picker"

    def __init__(self, client, kind):
        super().__init__(client, kind)
        self.a, self.b = factories.storage_bin(self.wh, aisle="A"), factories.storage_bin(self.wh, aisle="B")
        factories.stock(self.a, factories.product(gtin=GTIN), 5)
        self.before = last_move()

    def step(self):
        for code in (self.a.barcode, GTIN, self.b.barcode):
            answer = self.scan("/move/scan", code)
        return answer

    def undo(self):
        return self.send("/move/undo")


class PutAway(Flow):
    role = "receiver"

    def __init__(self, client, kind):
        super().__init__(client, kind)
        self.input = location_of_kind(self.wh, Location.Kind.INPUT)
        zone = add_zone(self.wh, name="Zone A")
        factories.storage_bin(self.wh, aisle="A", bay=1)
        factories.stock(self.input, factories.product(gtin=GTIN, zone=zone, volume=Decimal("0.01")), 12)
        self.before = last_move()

    def step(self):
        self.scan("/putaway/scan", GTIN)
        suggested = Putaway.objects.get(actor=self.person, state=Putaway.State.OPEN).suggested
        return self.scan("/putaway/scan", suggested.barcode)

    def undo(self):
        return self.send("/putaway/undo")


class Pick(Flow):
    role = "picker"

    def __init__(self, client, kind):
        super().__init__(client, kind)
        self.a1 = factories.storage_bin(self.wh, aisle="A", bay=1)
        a2 = factories.storage_bin(self.wh, aisle="A", bay=2)
        bolt, nut = factories.product(gtin=GTIN, sku="BOLT"), factories.product(gtin=NUT, sku="NUT")
        self.tote = factories.tote(self.wh, "T-0001")
        pick_task(self.wh, [Stop("OUT/1", self.a1, bolt, 2), Stop("OUT/1", a2, nut, 1)])
        self.before = last_move()
        self.send("/pick/work")
        self.scan("/pick/scan", self.tote.barcode)

    def step(self):
        for code in (self.a1.barcode, GTIN, self.tote.barcode):
            answer = self.scan("/pick/scan", code)
        return answer

    def undo(self):
        return self.send("/pick/undo")

    def counted(self):
        return (
            PickRecord.objects.filter(reverses=None).count(),
            PickRecord.objects.exclude(reverses=None).count(),
        )


class Receive(Flow):
    role = "receiver"

    def __init__(self, client, kind):
        super().__init__(client, kind)
        self.receipt = Receipt.objects.create(warehouse=self.wh, reference="WH/IN/00042", vendor="Acme", odoo_id=42)
        ReceiptLine.objects.create(receipt=self.receipt, product=factories.product(gtin=GTIN), expected=10)
        self.scan("/receive/scan", self.receipt.reference)

    def step(self):
        return self.scan("/receive/scan", GTIN)

    def undo(self):
        return self.send("/receive/undo")

    def counted(self):
        return (
            ReceiptScan.objects.filter(reverses=None).count(),
            ReceiptScan.objects.exclude(reverses=None).count(),
        )

    def close(self):
        return self.send("/receive/close")


class Pack(Flow):
    role = "packer"

    def __init__(self, client, kind):
        super().__init__(client, kind)
        bolt = factories.product(gtin=GTIN, sku="BOLT", weight=Decimal("0.1"), volume=Decimal("0.0005"))
        tote = factories.tote(self.wh, "T-0001")
        station(self.wh, "PACK-1")
        cartons = carton_types(self.wh)
        picked_order(self.wh, [Stop("OUT/1", factories.storage_bin(self.wh), bolt, 2)], tote)
        self.before = last_move()
        self.scan("/pack/scan", "PACK-1")
        self.scan("/pack/scan", tote.barcode)
        self.send("/pack/carton", carton_type=cartons["S"].pk)

    def step(self):
        return self.scan("/pack/scan", GTIN)

    def undo(self):
        return self.send("/pack/undo")

    def counted(self):
        return (
            PackedItem.objects.filter(reverses=None).count(),
            PackedItem.objects.exclude(reverses=None).count(),
        )

    def close(self):
        self.scan("/pack/scan", GTIN)  # both picked units in the carton: Done needs no supervisor
        self.send("/pack/close-carton")
        self.send("/pack/weight", quantity="0.5")
        return self.send("/pack/done")


FLOWS = {"move": MoveStock, "putaway": PutAway, "pick": Pick, "receive": Receive, "pack": Pack}


def keys_fit():
    return (
        not Move.objects.filter(key__regex=r"^.{101,}$").exists()
        and not ScanLog.objects.filter(key__regex=r"^.{101,}$").exists()
    )


def named(kind) -> str:
    return f"{kind}-chars" if isinstance(kind, int) else kind


@pytest.mark.parametrize("kind", KEYS, ids=named)
@pytest.mark.parametrize("name", FLOWS)
def test_any_device_key_scans_undoes_and_posts_once(client, name, kind):
    flow = FLOWS[name](client, kind)
    keyed = kind not in KEYLESS

    flow.step()
    assert flow.counted() == (1, 0)
    if keyed:
        assert "sent twice" in flow.resend()
        assert flow.counted() == (1, 0)

    flow.undo()
    assert flow.counted() == (1, 1)
    if keyed:
        assert "sent twice" in flow.resend()
        assert flow.counted() == (1, 1)

    # Another scan after it, keyless too, counts again: a device key is never shared.
    flow.step()
    assert flow.counted() == (2, 1)
    if flow.close is not None:
        flow.close()
        assert flow.moves() == (1, 0)
        if keyed:
            assert "sent twice" in flow.resend()
            assert flow.moves() == (1, 0)
    assert ledger_differences() == [] and keys_fit()


@pytest.mark.parametrize("kind", KEYS, ids=named)
@pytest.mark.parametrize("name", ["move", "putaway", "pick"])
def test_each_move_and_its_undo_have_ledger_keys_of_their_own(client, name, kind):
    flow = FLOWS[name](client, kind)
    for _ in range(3):
        flow.step()
        flow.undo()
    made = Move.objects.filter(pk__gt=flow.before)
    assert flow.moves() == (3, 3) and made.values("key").distinct().count() == 6
    assert ledger_differences() == [] and keys_fit()
