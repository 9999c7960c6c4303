"""The standing fuzz guard: whatever a scanner, a person or a careless client sends to a scan screen,
the answer is no 5xx, reflects nothing unescaped, and leaves the ledger exact.

Every scan screen is set up as the flow's own tests set it up (Move with an item in hand, Receive
with a receipt open, Putaway with an item in hand, Pick after Get work, Pack with a tote open, the
lookup); hypothesis then sends a few requests to its endpoints through Django's test client, as the
signed-in person: scans, every typed quantity, the other fields, the device key and the device
name, as htmx and as plain POSTs. Each example runs in a savepoint rolled back at its end, so every
example starts from the same screen and the database stays valid between them.

FUZZ_EXAMPLES sets the examples per screen (README, Tests): 200 by default, about a minute for all
six on PostgreSQL on 2 cores; 100,000 for a long run.
"""

import os
import string
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Quant
from floor.packing.models import CartonType
from floor.picking.models import Pick
from floor.putaway.models import Putaway
from floor.receiving.models import Receipt, ReceiptLine
from floor.scanning.parser import COMMANDS, GS
from floor.warehouse.models import Location, Package, ProductBarcode
from floor.warehouse.services import add_zone, location_of_kind
from tests import factories
from tests.packing.pack_factories import carton_types, picked_order, station
from tests.picking.task_factories import Stop, pick_task

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

WIDGET = "4006381333931"  # EAN-13, no tracking
CASE = "14006381333938"  # GTIN-14 of a case of 12 widgets
LOTTED = factories.gtin13("400000000017")  # tracked by lot
SERIAL = factories.gtin13("400000000024")  # tracked by serial
ELSEWHERE = "Z-99-99"  # a bin of another warehouse


# --- What is sent


INJECTIONS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "{{7*7}}",
    "{% debug %}",
    "${7*7}",
    "' OR 1=1 --",
    "'; DROP TABLE ledger_move; --",
    '" OR ""="',
    "<b>bold</b>",
    "javascript:alert(1)",
    "%00",
    "../../etc/passwd",
]
# Short enough, and of GS1's own characters (CSET 82 takes < > " and '), to stand as a lot or a
# serial on a label of a known item: a scan that reads, whose lot a screen may show.
LABEL_INJECTIONS = ["<b>x</b>", '"><i>x', "<i>'a'</i>", '"onfocus="x', "<svg/onload=x>", "<img/src=x>"]
CONTROLS = ["\x00", GS, "\x1e", "\x04", "\r", "\n", "\t", "\x7f", "\x85", "\u2028", "\ufeff", "\u200b", "\x1b"]
NUMBERS = [
    "1",
    "0",
    "-0",
    "-1",
    "2.5",
    "0.0004",
    "0.0005",
    "0.001",
    "1e9",
    "1E9",
    "1e+308",
    "1e-308",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "12345678901234567890",
    "999999.999",
    "1000000",
    "99999999",
    " 5 ",
    "5\x00",
    "\x005",
    "٣",
    "１２",
    "1,5",
    "1.000,5",
    "0x10",
    "1_000",
    "+5",
    "5.",
    ".5",
    "..5",
    "1 000",
    "5kg",
    "",
    " ",
]
# GS1 pieces that are wrong in every way a label can be wrong.
BAD_DATES = ["991332", "000000", "250229", "2a0101", "99", "1234567"]
HUGE_COUNTS = ["99999999", "00000000", "0", "12345678", "1", "999999999999"]


def _gtin14_bad(gtin: str) -> str:
    body = gtin.zfill(14)
    return body[:-1] + str((int(body[-1]) + 1) % 10)


@st.composite
def gs1_strings(draw, gtins):
    """Element strings and HRI that look like GS1 and are mostly wrong: bad check digits, letters
    in a GTIN, counts of 99,999,999, lots over 20 characters, impossible dates."""
    gtin = draw(
        st.sampled_from([g.zfill(14) for g in gtins])
        | st.sampled_from([_gtin14_bad(g) for g in gtins])
        | st.from_regex(r"[0-9A-Z]{14}", fullmatch=True)
        | st.text(string.digits, max_size=16)
    )
    elements = [("01", gtin)] if draw(st.booleans()) else []
    for ai, values in [
        ("37", st.sampled_from(HUGE_COUNTS) | st.text(string.digits, min_size=1, max_size=10)),
        ("30", st.sampled_from(HUGE_COUNTS)),
        ("10", st.text(string.ascii_uppercase + string.digits + "-/", max_size=30) | st.sampled_from(INJECTIONS)),
        ("21", st.text(string.ascii_uppercase + string.digits, max_size=30)),
        ("17", st.sampled_from(BAD_DATES) | st.from_regex(r"[0-9]{6}", fullmatch=True)),
        ("00", st.from_regex(r"[0-9]{17,19}", fullmatch=True)),
        ("99", st.text(max_size=10)),
    ]:
        if draw(st.booleans()):
            elements.append((ai, draw(values)))
    elements = draw(st.permutations(elements)) if draw(st.booleans()) else elements
    if draw(st.booleans()):
        body = "".join(f"({ai}){value}" for ai, value in elements)  # HRI, as printed under the bars
    else:
        separator = draw(st.sampled_from([GS, "<GS>", "^]", "", "\u241d"]))
        body = separator.join(ai + value for ai, value in elements)
    return draw(st.sampled_from(["", "]C1", "]d2", "]Q3", "]e0", "]C0", "]E0", "]"])) + body


def long_strings(inner):
    """10,000 characters and more: a piece repeated (hypothesis draws a few bytes, not 10,000)."""
    return st.builds(
        lambda piece, size: (piece * (size // len(piece) + 1))[:size],
        inner.filter(bool),
        st.sampled_from([513, 10_000, 20_001]),
    )


def mixed(known):
    """A known code with something wrong in it: a control character, an injection, blanks."""
    return st.builds(
        lambda code, junk, at: code[:at] + junk + code[at:],
        known,
        st.sampled_from(CONTROLS + INJECTIONS + [" ", "\u00a0", "é"]),
        st.integers(0, 20),
    )


def codes(known: list[str]):
    """What a scan may carry: the warehouse's own codes (so flows move on), GS1, text of every
    kind and category (control characters, NUL and GS included), injections, numbers, 10,000
    characters."""
    floor_codes = st.sampled_from(known)
    return st.one_of(
        floor_codes,
        floor_codes.map(str.lower),
        floor_codes.map(lambda code: code + "\r\n"),
        gs1_strings([WIDGET, CASE, LOTTED, SERIAL]),
        st.builds(
            "01{}{}{}".format,
            st.sampled_from([WIDGET.zfill(14), LOTTED.zfill(14), SERIAL.zfill(14)]),
            st.sampled_from(["10", "21"]),
            st.sampled_from(LABEL_INJECTIONS),
        ),
        st.sampled_from(INJECTIONS),
        st.builds(str.__add__, st.sampled_from(INJECTIONS), st.text("0123456789abcdef", min_size=6, max_size=6)),
        st.text(),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
        st.text(st.sampled_from(CONTROLS + list("0123456789<>\"'&;(){}[]%")), max_size=20),
        mixed(floor_codes),
        long_strings(floor_codes | st.text(max_size=5) | st.sampled_from(CONTROLS + INJECTIONS)),
        numbers(),
    )


def numbers():
    """Numbers of every shape, and what is not one."""
    return st.one_of(
        st.sampled_from(NUMBERS),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(repr),
        st.floats(min_value=0, max_value=2_000_000).map(lambda x: f"{x:.{len(str(x)) % 6}f}"),
        st.text(st.sampled_from("0123456789.,-+eE _ \x00٣"), max_size=12),
        st.text(max_size=12),
        long_strings(st.sampled_from(["9", "1.", "0"])),
    )


def free_text(*valid: str):
    """A field a person picks from a list (a reason), or a name (the device), as anyone may send
    it: a right value, one with something wrong in it, or anything at all."""
    return st.one_of(
        st.sampled_from(valid or ("test",)),
        mixed(st.sampled_from(valid or ("test",))),
        st.text(),
        st.sampled_from(INJECTIONS + CONTROLS),
        st.text(st.sampled_from(CONTROLS + list('ab<>"')), max_size=10),
        long_strings(st.text(max_size=4) | st.sampled_from(CONTROLS)),
    )


# A pool of keys, so that some requests replay an earlier one.
KEY_POOL = [str(uuid.UUID(int=n)) for n in range(4)]


def keys():
    return st.one_of(
        st.none(),  # no key field at all
        st.sampled_from(KEY_POOL),
        st.uuids().map(str),
        st.sampled_from(["", " ", "\x00", "k" * 95, "k" * 96, "ключ"]),
        free_text(),
    )


def devices():
    return st.one_of(st.none(), st.just(""), free_text("test", "Zebra TC52 #3"))


# --- The screens


@dataclass
class Screen:
    """A scan screen set up for fuzzing: its endpoints, each with the strategies of its fields,
    the codes the warehouse knows, and the positions an example may start from (requests sent
    first, inside the example's savepoint)."""

    name: str
    known: list[str]
    actions: dict[str, dict]  # path → {field: strategy}
    # The requests that move the flow on (the right bin, item, tote…): sent with fuzzed keys and
    # device names, they reach what a random scan seldom would — a move posted, a carton closed.
    flow: list[tuple[str, dict]] = field(default_factory=list)
    positions: list[list[tuple[str, dict]]] = field(default_factory=lambda: [[]])
    get: bool = False  # the lookup: a GET with ?code=


def _known(wh, *more: str) -> list[str]:
    own = list(Location.objects.filter(warehouse=wh).exclude(barcode=None).values_list("barcode", flat=True))
    return [*own, *more, ELSEWHERE, *COMMANDS.values(), WIDGET, CASE, LOTTED, SERIAL]


def _products(wh):
    """The items every screen knows: one untracked (with a case barcode of 12), one by lot, one
    by serial, and a bin of another warehouse."""
    zone = add_zone(wh, name="Zone A")
    widget = factories.product(gtin=WIDGET, sku="WIDGET", zone=zone, volume=Decimal("0.001"), weight=Decimal("0.1"))
    ProductBarcode.objects.create(product=widget, code=CASE, quantity=12)
    lotted = factories.product(gtin=LOTTED, sku="LOTTED", tracking="lot", zone=zone, weight=Decimal("0.2"))
    serial = factories.product(gtin=SERIAL, sku="SERIAL", tracking="serial", zone=zone, weight=Decimal("0.3"))
    factories.storage_bin(factories.warehouse("W2"), aisle="Z", bay=99, level=99)
    return widget, lotted, serial


def _lots(lotted, serial):
    return factories.lot(lotted, "L1"), factories.lot(lotted, "L2"), factories.lot(serial, "SN1")


def scan_fields(known):
    return {"code": codes(known), "key": keys(), "device": devices()}


def keyed():
    return {"key": keys(), "device": devices()}


def typed():
    return {"quantity": numbers(), "key": keys(), "device": devices()}


def _scans(path: str, *codes: str) -> list[tuple[str, dict]]:
    return [(path, {"code": code}) for code in codes]


def move_screen(client) -> Screen:
    wh = factories.warehouse()
    widget, lotted, serial = _products(wh)
    l1, l2, sn1 = _lots(lotted, serial)
    a, b = factories.storage_bin(wh, aisle="A", bay=1), factories.storage_bin(wh, aisle="B", bay=1)
    factories.stock(a, widget, 30)
    factories.stock(a, lotted, 5, lot=l1)
    factories.stock(a, lotted, 5, lot=l2)
    factories.stock(a, serial, 1, lot=sn1)
    client.force_login(factories.user(roles=["picker"], wh=wh))
    known = _known(wh, f"01{LOTTED.zfill(14)}10L1", f"01{SERIAL.zfill(14)}21SN1", "10L2")
    start = [("/move/scan", {"code": a.barcode}), ("/move/scan", {"code": WIDGET})]
    return Screen(
        "move",
        known,
        {"/move/scan": scan_fields(known), "/move/quantity": typed(), "/move/undo": keyed()},
        flow=_scans("/move/scan", a.barcode, WIDGET, CASE, b.barcode, f"01{LOTTED.zfill(14)}10L1", "CMD-UNDO")
        + [("/move/quantity", {"quantity": "2"}), ("/move/undo", {})],
        positions=[start, start + [("/move/scan", {"code": b.barcode})], [("/move/scan", {"code": a.barcode})]],
    )


def count_screen(client) -> Screen:
    from floor.counting.models import CountTask

    wh = factories.warehouse()
    widget, lotted, serial = _products(wh)
    l1, _l2, sn1 = _lots(lotted, serial)
    a, b = factories.storage_bin(wh, aisle="A", bay=1), factories.storage_bin(wh, aisle="B", bay=1)
    factories.stock(a, widget, 30)
    factories.stock(a, lotted, 5, lot=l1)
    factories.stock(a, serial, 1, lot=sn1)
    CountTask.objects.create(warehouse=wh, location=a, reason="Short pick")
    CountTask.objects.create(warehouse=wh, location=b, reason="Short pick")
    client.force_login(factories.user(roles=["counter"], wh=wh))
    client.post("/count/work", {"key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    known = _known(wh, f"01{LOTTED.zfill(14)}10L1", f"01{SERIAL.zfill(14)}21SN1", "10L2")
    at_bin = [("/count/scan", {"code": a.barcode})]
    return Screen(
        "count",
        known,
        {
            "/count/scan": scan_fields(known),
            "/count/quantity": typed(),
            "/count/undo": keyed(),
            "/count/empty": keyed(),
            "/count/done": keyed(),
            "/count/work": keyed(),
        },
        flow=_scans("/count/scan", a.barcode, WIDGET, CASE, f"01{LOTTED.zfill(14)}10L1", "CMD-UNDO", "CMD-DONE")
        + [("/count/quantity", {"quantity": "2"}), ("/count/undo", {}), ("/count/done", {}), ("/count/work", {})],
        positions=[[], at_bin, at_bin + [("/count/scan", {"code": WIDGET})]],
    )


def inspect_screen(client) -> Screen:
    from tests.returns.factories import announced_return, shipped_order

    wh = factories.warehouse()
    widget, lotted, serial = _products(wh)
    l1, _l2, sn1 = _lots(lotted, serial)
    order = shipped_order(wh, (widget, 30), (lotted, 2, l1), (serial, 1, sn1), reference="SO-1", odoo_id=77)
    announced_return(wh, order, (widget, 13), (lotted, 1), (serial, 1), reference="RET-1")
    client.force_login(factories.user(roles=["inspector"], wh=wh))
    known = _known(wh, "RET-1", "SO-1", f"01{LOTTED.zfill(14)}10L1", f"01{SERIAL.zfill(14)}21SN1", "10L2")
    grades = {"grade": free_text("A", "B", "C", "D"), "disposition": free_text("scrap", "restock", "vendor")}
    grades |= {"reason": free_text("other", ""), "note": free_text("no lid"), **keyed()}
    opened = [("/inspect/scan", {"code": "RET-1"})]
    return Screen(
        "inspect",
        known,
        {
            "/inspect/scan": scan_fields(known),
            "/inspect/grade": grades,
            "/inspect/photo": {"photo": free_text("IMG_0001.jpg"), **keyed()},  # a field, not a file
            "/inspect/undo": keyed(),
            "/inspect/close": keyed(),
        },
        flow=_scans("/inspect/scan", "RET-1", WIDGET, CASE, f"01{SERIAL.zfill(14)}21SN1", "CMD-UNDO", "CMD-CANCEL")
        + [("/inspect/grade", {"grade": "A"}), ("/inspect/grade", {"grade": "D"}), ("/inspect/undo", {})]
        + [("/inspect/close", {})],
        positions=[[], opened, opened + [("/inspect/scan", {"code": WIDGET})]],
    )


def receive_screen(client) -> Screen:
    wh = factories.warehouse()
    widget, lotted, serial = _products(wh)
    receipt = Receipt.objects.create(
        warehouse=wh, reference="WH/IN/00042", vendor="Acme", vendor_reference="PO-777", odoo_id=4242
    )
    for product, expected in [(widget, 20), (lotted, 6), (serial, 2)]:
        ReceiptLine.objects.create(receipt=receipt, product=product, expected=expected)
    Package.objects.create(barcode="376130321109103420")
    factories.user(roles=["supervisor"], wh=wh, badge="BOSS-1", pin="4321")
    client.force_login(factories.user(roles=["receiver"], wh=wh))
    known = _known(wh, "WH/IN/00042", "PO-777", "BOSS-1", "376130321109103420", f"01{LOTTED.zfill(14)}10L1")
    start = [("/receive/scan", {"code": "WH/IN/00042"})]
    return Screen(
        "receive",
        known,
        {
            "/receive/scan": scan_fields(known),
            "/receive/quantity": typed(),
            "/receive/units": typed(),
            "/receive/change-lot": keyed(),
            "/receive/expiry": {
                "expiry": free_text("2030-01-31", "2028-02-29") | numbers(),
                "skip": st.none() | free_text("1"),
                **keyed(),
            },
            "/receive/damaged": {"reason": free_text("crushed", "wet", "other"), **keyed()},
            "/receive/undo": keyed(),
            "/receive/close": keyed(),
            "/receive/leave": keyed(),
        },
        flow=_scans(
            "/receive/scan",
            WIDGET,
            CASE,
            f"01{WIDGET.zfill(14)}{GS}3799999999",
            f"01{CASE}3712",
            f"01{CASE}3799999999",
            LOTTED,
            "10L9",
            f"01{SERIAL.zfill(14)}21SN9",
            "WH-INPUT",
            "376130321109103420",
            "CMD-DONE",
        )
        + [("/receive/quantity", {"quantity": "3"}), ("/receive/damaged", {"reason": "wet"})]
        + [
            ("/receive/units", {"quantity": "2"}),
            ("/receive/change-lot", {}),
            ("/receive/expiry", {"expiry": "2030-01-31"}),
        ]
        + [("/receive/expiry", {"skip": "1"}), ("/receive/scan", {"code": "CMD-SKIP"})]
        + [("/receive/undo", {}), ("/receive/close", {})],
        positions=[
            start,
            start + [("/receive/scan", {"code": WIDGET})],
            start + [("/receive/scan", {"code": LOTTED})],
            start + [("/receive/quantity", {"quantity": "5"})],
            # a lot kept for the item's next units; a plain lot label waiting for its expiry
            start + [("/receive/scan", {"code": f"01{LOTTED.zfill(14)}10L1"})],
            start + [("/receive/scan", {"code": LOTTED}), ("/receive/scan", {"code": "B-2291"})],
        ],
    )


def putaway_screen(client) -> Screen:
    wh = factories.warehouse()
    widget, lotted, serial = _products(wh)
    l1, _l2, sn1 = _lots(lotted, serial)
    source = location_of_kind(wh, Location.Kind.INPUT)
    for bay in (1, 2, 3):
        factories.storage_bin(wh, aisle="A", bay=bay)
    factories.stock(source, widget, 12)
    factories.stock(source, lotted, 4, lot=l1)
    factories.stock(source, serial, 1, lot=sn1)
    client.force_login(factories.user(roles=["receiver"], wh=wh))
    known = _known(wh, f"01{LOTTED.zfill(14)}10L1", f"01{SERIAL.zfill(14)}21SN1")
    item_in_hand = [("/putaway/scan", {"code": WIDGET})]
    return Screen(
        "putaway",
        known,
        {
            "/putaway/scan": scan_fields(known),
            "/putaway/quantity": typed(),
            "/putaway/reason": {"reason": free_text(*Putaway.Reason.values), **keyed()},
            "/putaway/undo": keyed(),
        },
        flow=_scans("/putaway/scan", WIDGET, "A-01-01", "A-03-01", f"01{LOTTED.zfill(14)}10L1", "CMD-UNDO")
        + [("/putaway/quantity", {"quantity": "2"}), ("/putaway/reason", {"reason": "full"})]
        + [("/putaway/undo", {})],
        positions=[item_in_hand, item_in_hand + [("/putaway/scan", {"code": "A-03-01"})]],
    )


def pick_screen(client) -> Screen:
    wh = factories.warehouse()
    widget, lotted, serial = _products(wh)
    l1, _l2, sn1 = _lots(lotted, serial)
    a1, a2, a3 = (factories.storage_bin(wh, aisle="A", bay=bay) for bay in (1, 2, 3))
    factories.tote(wh, "T-0001")
    factories.tote(wh, "T-0002")
    pick_task(wh, [Stop("OUT/1", a1, widget, 5), Stop("OUT/1", a2, lotted, 2, l1), Stop("OUT/1", a3, serial, 1, sn1)])
    client.force_login(factories.user(roles=["picker"], wh=wh))
    client.post("/pick/work", {"key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    client.post("/pick/scan", {"code": "T-0001", "key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    known = _known(wh, "T-0001", "T-0002", "OUT/1", f"01{LOTTED.zfill(14)}10L1", f"01{SERIAL.zfill(14)}21SN1")
    at_bin = [("/pick/scan", {"code": a1.barcode})]
    return Screen(
        "pick",
        known,
        {
            "/pick/scan": scan_fields(known),
            "/pick/quantity": typed(),
            "/pick/short": {"reason": free_text(*Pick.ShortReason.values), **typed()},
            "/pick/skip": keyed(),
            "/pick/undo": keyed(),
            "/pick/work": keyed(),
            "/pick/leave": keyed(),
        },
        flow=_scans("/pick/scan", a1.barcode, WIDGET, "T-0001", a2.barcode, f"01{LOTTED.zfill(14)}10L1", "CMD-SKIP")
        + [("/pick/quantity", {"quantity": "2"}), ("/pick/short", {"quantity": "1", "reason": "empty"})]
        + [("/pick/skip", {}), ("/pick/undo", {})],
        positions=[[], at_bin, at_bin + [("/pick/scan", {"code": WIDGET})]],
    )


def pack_screen(client) -> Screen:
    wh = factories.warehouse()
    widget, lotted, serial = _products(wh)
    l1, _l2, sn1 = _lots(lotted, serial)
    tote = factories.tote(wh, "T-0001")
    station(wh, "PACK-1")
    cartons = carton_types(wh)
    bins = [factories.storage_bin(wh, aisle="A", bay=bay) for bay in (1, 2, 3)]
    stops = [Stop("OUT/1", bins[0], widget, 4), Stop("OUT/1", bins[1], lotted, 2, l1)]
    stops.append(Stop("OUT/1", bins[2], serial, 1, sn1))
    picked_order(wh, stops, tote)
    factories.user(roles=["supervisor"], wh=wh, badge="BOSS-1", pin="9876")
    client.force_login(factories.user(roles=["packer"], wh=wh))
    for code in ("PACK-1", "T-0001"):
        client.post("/pack/scan", {"code": code, "key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    client.post("/pack/carton", {"carton_type": cartons["S"].pk, "key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    carton_ids = [str(pk) for pk in CartonType.objects.values_list("pk", flat=True)]
    known = _known(wh, "PACK-1", "T-0001", "OUT/1", "BOSS-1", "CTN-WH-S", "L1", "SN1", f"01{LOTTED.zfill(14)}10L1")
    weighing = [("/pack/scan", {"code": WIDGET}), ("/pack/close-carton", {})]
    return Screen(
        "pack",
        known,
        {
            "/pack/scan": scan_fields(known),
            "/pack/carton": {"carton_type": st.sampled_from(carton_ids) | numbers(), **keyed()},
            "/pack/close-carton": keyed(),
            "/pack/weight": typed(),
            "/pack/quantity": typed(),
            "/pack/undo": keyed(),
            "/pack/done": keyed(),
            "/pack/scale": keyed(),
            "/pack/leave": keyed(),
        },
        flow=_scans("/pack/scan", WIDGET, CASE, f"01{LOTTED.zfill(14)}10L1", f"01{SERIAL.zfill(14)}21SN1", "CMD-DONE")
        + [("/pack/close-carton", {}), ("/pack/weight", {"quantity": "1.5"}), ("/pack/undo", {}), ("/pack/done", {})]
        + [("/pack/carton", {"carton_type": carton_ids[0]}), ("/pack/quantity", {"quantity": "2"})],
        positions=[[], weighing, weighing + [("/pack/weight", {"quantity": "1.5"})]],
    )


def lookup_screen(client) -> Screen:
    wh = factories.warehouse()
    widget, lotted, serial = _products(wh)
    factories.stock(factories.storage_bin(wh, aisle="A", bay=1), widget, 3)
    factories.tote(wh, "T-0001")
    Receipt.objects.create(warehouse=wh, reference="WH/IN/00042", vendor="Acme", vendor_reference="PO-777")
    client.force_login(factories.user(roles=["receiver"], wh=wh, badge="BDG-1"))
    known = _known(wh, "T-0001", "WH/IN/00042", "PO-777", "BDG-1")
    return Screen("lookup", known, {"/scan/lookup/": {"code": codes(known)}}, get=True)


SCREENS = {
    "move": move_screen,
    "count": count_screen,
    "inspect": inspect_screen,
    "receive": receive_screen,
    "putaway": putaway_screen,
    "pick": pick_screen,
    "pack": pack_screen,
    "lookup": lookup_screen,
}


# --- Sending, and what every answer must be


def send(client, screen: Screen, path: str, data: dict, htmx: bool) -> str:
    data = {name: value for name, value in data.items() if value is not None}
    note(f"{'GET' if screen.get else 'POST'} {path} {_shown(data)} htmx={htmx}")
    return _answer(client, screen, path, data, htmx)


def _answer(client, screen: Screen, path: str, data: dict, htmx: bool) -> str:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = (client.get if screen.get else client.post)(path, data, **headers)
    assert response.status_code < 500, (path, _shown(data), response.status_code)
    return response.content.decode()


def markup_of(client, screen: Screen) -> str:
    """The screen's own markup in the states its flow reaches — the page, each band (ok, warning,
    error: `data-sound="error"` holds a `"er`), each prompt — as htmx and as a page: what an
    answer may hold whatever was sent. Sent in a savepoint rolled back at its end."""
    pages = {path if screen.get else path.rsplit("/", 1)[0] + "/" for path in screen.actions}
    bodies = [client.get(page).content.decode() for page in pages]
    with transaction.atomic():
        for path, fields in screen.actions.items():
            for htmx in (True, False):
                bodies.append(_answer(client, screen, path, dict.fromkeys(fields, "x"), htmx))
        for path, data in screen.flow:
            for htmx in (True, False):
                bodies.append(_answer(client, screen, path, {"key": str(uuid.uuid4()), **data}, htmx))
        transaction.set_rollback(True)
    return "".join(bodies)


def _shown(data: dict) -> str:
    """The request for the failure report: a 10,000-character value as its start and length."""
    return repr({name: f"{value[:60]!r}… ({len(value)})" if len(value) > 80 else value for name, value in data.items()})


def assert_nothing_unescaped(body: str, data: dict, baseline: str) -> None:
    """What was sent with a < or a " in it is not in the answer as it was sent: only escaped.
    Pieces the screens hold anyway (a `">` of their own markup) are no reflection, and a probe of
    five characters at least cannot meet a random token (a nonce, a form's) by chance."""
    for value in data.values():
        if not isinstance(value, str) or ("<" not in value and '"' not in value):
            continue
        probes = {value, value.strip()}
        probes.update(value[i : i + 12] for i, char in enumerate(value) if char in '<"')
        for probe in probes:
            if len(probe) >= 5 and probe in body and probe not in baseline:
                raise AssertionError(f"{probe!r} (of {value!r}) is in the answer unescaped")


def assert_ledger_exact() -> None:
    assert ledger_differences() == []
    below_zero = Quant.objects.filter(quantity__lt=0).exclude(location__kind__in=Location.VIRTUAL_KINDS)
    assert not below_zero.exists(), list(below_zero.values())


@pytest.fixture
def printing_in_process():
    """Packing's labels go through a Celery task: run it here, as the packing tests do."""
    from floor.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.mark.parametrize("name", SCREENS)
def test_no_input_breaks_a_scan_screen(client, name, printing_in_process):
    screen = SCREENS[name](client)
    baseline = markup_of(client, screen)

    def request(path: str):
        fields = screen.actions[path]
        return st.tuples(st.just(path), st.fixed_dictionaries(fields), st.booleans())

    def flow_step(step):
        path, data = step
        fields = {**keyed(), **{name: st.just(value) for name, value in data.items()}}
        return st.tuples(st.just(path), st.fixed_dictionaries(fields), st.booleans())

    fuzzed = st.one_of(*(request(path) for path in screen.actions))
    moving_on = st.sampled_from(screen.flow).flatmap(flow_step) if screen.flow else fuzzed
    steps = st.lists(fuzzed | moving_on, min_size=1, max_size=5)

    @FUZZ
    @given(position=st.sampled_from(screen.positions), steps=steps)
    def fuzz(position, steps):
        with transaction.atomic():
            for path, data in position:
                send(client, screen, path, {"key": str(uuid.uuid4()), "device": "test", **data}, True)
            for path, data, htmx in steps:
                body = send(client, screen, path, data, htmx)
                assert_nothing_unescaped(body, data, baseline)
            assert_ledger_exact()
            transaction.set_rollback(True)

    fuzz()
    call_command("check_ledger")  # as an operator would, after the run
