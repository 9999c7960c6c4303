"""One table of pick scans, run through the server (tests/picking/test_offline_verdicts.py) and
through the device's checks in Chromium (tests/e2e/test_offline_pick_verdicts.py): the same stop,
the same scan, the same verdict — accepted or refused, the words, the sound — and the step after.

The situation: a task of three stops for two orders, its totes bound in turn —
  1. A-01-01 · 2 × BOLT (not tracked) for OUT/1, into T-0001;
  2. A-01-01 · 3 × MILK (by lot, L-SOON suggested; L-LATE free there too) for OUT/2, into T-0002;
  3. B-01-01 · 4 × NUT (not tracked; case codes of 3 and of 6) for OUT/1, into T-0001.
Bins have barcodes other than their names (LOC-A0101), so a refusal that names the bin scanned
names it as the server does. A case starts from a step reached by the scans in STEPS, sent to the
server; then its scan. `device` is "same" where the device must give the server's verdict, or
None where it leaves the scan to the server (no opinion: the scan waits, checked online).
"""

from decimal import Decimal

from django.utils import timezone

from floor.warehouse.models import Location, ProductBarcode
from tests import factories
from tests.picking.task_factories import Stop, pick_task

BOLT = "4006381333931"  # an EAN-13, stored as its GTIN-14
NUT = factories.gtin13("400000000017")
MILK = factories.gtin13("400000000024")
TASK = "PT-0001"
BINS = {"A1": ("A", 1), "A2": ("A", 2), "B1": ("B", 1)}  # A2: a bin of the warehouse, not of the task


def gs1(gtin: str, **ais) -> str:
    """A GS1 element string: the GTIN, then lot (10) or count (30), each ended by GS."""
    fields = {"lot": "10", "count": "30"}
    return f"01{gtin.zfill(14)}" + "".join(f"{fields[name]}{value}\x1d" for name, value in ais.items())


def build(wh, picker=None):
    """The situation in `wh`; returns the codes the table's scans name ({A1}, {BOLT}…)."""
    bins = {}
    for name, (aisle, bay) in BINS.items():
        location = factories.storage_bin(wh, aisle=aisle, bay=bay)
        Location.objects.filter(pk=location.pk).update(barcode=f"LOC-{aisle}{bay:02d}01")
        bins[name] = f"LOC-{aisle}{bay:02d}01"
    elsewhere = factories.storage_bin(factories.warehouse("W2"), aisle="Z", bay=9)
    Location.objects.filter(pk=elsewhere.pk).update(barcode="LOC-Z0901")
    bolt = factories.product(gtin=BOLT, sku="BOLT", name="Hex bolt M8")
    nut = factories.product(gtin=NUT, sku="NUT", name="Hex nut M8")
    milk = factories.product(gtin=MILK, sku="MILK", name="Milk powder", tracking="lot")
    ProductBarcode.objects.create(product=nut, code="CASE-NUT-2.5", quantity=Decimal("2.5"))
    ProductBarcode.objects.create(product=nut, code="CASE-NUT-6", quantity=Decimal(6))
    soon = factories.lot(milk, "L-SOON", expiry_date=timezone.localdate() + timezone.timedelta(days=30))
    late = factories.lot(milk, "L-LATE", expiry_date=timezone.localdate() + timezone.timedelta(days=300))
    a1, b1 = (Location.objects.get(barcode=bins[name]) for name in ("A1", "B1"))
    factories.stock(a1, milk, 5, lot=late)
    pick_task(
        wh,
        [Stop("OUT/1", a1, bolt, 2), Stop("OUT/2", a1, milk, 3, lot=soon), Stop("OUT/1", b1, nut, 4)],
        reference=TASK,
    )
    for tote in ("T-0001", "T-0002", "T-0009"):
        factories.tote(wh, tote)
    return {**bins, "Z9": "LOC-Z0901", "BOLT": BOLT, "NUT": NUT, "MILK": MILK}


# The scans that lead to each step (after Get work), as the picker makes them.
STEPS = {
    "tote": [],
    "second tote": ["T-0001"],
    "bin": ["T-0001", "T-0002"],
    "item": ["T-0001", "T-0002", "{A1}"],
    "put": ["T-0001", "T-0002", "{A1}", "{BOLT}"],
    "milk item": ["T-0001", "T-0002", "{A1}", "{BOLT}", "T-0001"],
    "milk label": ["T-0001", "T-0002", "{A1}", "{BOLT}", "T-0001", "{MILK}"],
    "milk put": ["T-0001", "T-0002", "{A1}", "{BOLT}", "T-0001", gs1(MILK, lot="L-SOON")],
    "nut bin": ["T-0001", "T-0002", "{A1}", "{BOLT}", "T-0001", gs1(MILK, lot="L-SOON"), "T-0002"],
    "nut item": ["T-0001", "T-0002", "{A1}", "{BOLT}", "T-0001", gs1(MILK, lot="L-SOON"), "T-0002", "{B1}"],
    "nut part": [
        "T-0001",
        "T-0002",
        "{A1}",
        "{BOLT}",
        "T-0001",
        gs1(MILK, lot="L-SOON"),
        "T-0002",
        "{B1}",
        "CASE-NUT-2.5",
    ],
    "nut put": ["T-0001", "T-0002", "{A1}", "{BOLT}", "T-0001", gs1(MILK, lot="L-SOON"), "T-0002", "{B1}", "{NUT}"],
}


WAITING = {"label": "item", "part": "put"}  # a lot label is still the item step, its quantity set


def case(name, step, scan, accept, kind, text, sound, then=None, device="same"):
    """`then`: the step the picker is at after the scan ("" when the task is done); refused: where
    they were."""
    return {
        "name": name,
        "step": step,
        "scan": scan,
        "accept": accept,
        "kind": kind,
        "text": text,
        "sound": sound,
        "then": WAITING.get(step.split()[-1], step.split()[-1]) if then is None else then,
        "device": device,
    }


CASES = [
    # The bin
    case("right bin", "bin", "{A1}", True, "ok", "Bin A-01-01", "ok", then="item"),
    case("wrong bin", "bin", "{B1}", False, "error", "Wrong bin — expected A-01-01 (scanned B-01-01)", "wrong_bin"),
    # A scanner set to frame each read (STX … ETX, then the wedge's CR), as parser._unframed takes it off.
    case("right bin, framed", "bin", "\x02{A1}\x03\r", True, "ok", "Bin A-01-01", "ok", then="item"),
    case(
        "wrong bin, framed with its AIM identifier",
        "bin",
        "\x02]C0{B1}\x03",
        False,
        "error",
        "Wrong bin — expected A-01-01 (scanned B-01-01)",
        "wrong_bin",
    ),
    # A bin the device does not keep: the server names it (this warehouse's) or says its code.
    case(
        "a bin not in the task",
        "bin",
        "{A2}",
        False,
        "error",
        "Wrong bin — expected A-01-01 (scanned A-02-01)",
        "wrong_bin",
        device=None,
    ),
    case(
        "another warehouse's bin",
        "bin",
        "{Z9}",
        False,
        "error",
        "Wrong bin — expected A-01-01 (scanned LOC-Z0901)",
        "wrong_bin",
        device=None,
    ),
    case(
        "a tote at the bin step",
        "bin",
        "T-0001",
        False,
        "error",
        "Scan the bin first — expected A-01-01 (scanned tote T-0001)",
        "error",
    ),
    case(
        "an item at the bin step",
        "bin",
        "{BOLT}",
        False,
        "error",
        "Scan the bin first — expected A-01-01 (scanned BOLT)",
        "error",
    ),
    # The item
    case("right item", "item", "{BOLT}", True, "ok", "2 × BOLT", "ok", then="put"),
    case("the right item by its GTIN-14", "item", "0" + BOLT, True, "ok", "2 × BOLT", "ok", then="put"),
    # A GS1 label as printed, in brackets: the server reads it, the device does not try.
    case("a GS1 label in brackets", "item", "(01)0" + BOLT, True, "ok", "2 × BOLT", "ok", then="put", device=None),
    case("wrong item", "item", "{NUT}", False, "error", "Wrong item — expected BOLT (scanned NUT)", "wrong_item"),
    case("the bin again", "item", "{A1}", True, "ok", "Bin A-01-01", "ok"),
    case(
        "a tote at the item step",
        "item",
        "T-0002",
        False,
        "error",
        "Scan the item — expected BOLT (scanned tote T-0002)",
        "error",
    ),
    case(
        "unknown code", "item", "NOT-A-CODE", False, "error", "Not a code Floor knows: NOT-A-CODE", "error", device=None
    ),
    case(
        "a bad check digit",
        "item",
        "4006381333932",
        False,
        "error",
        "Bad barcode check digit — rescan (scanned 4006381333932)",
        "error",
        device=None,
    ),
    case("more than is left, by a case code", "nut item", "CASE-NUT-6", False, "error", "Only 4 to pick", "error"),
    case("fewer than is left, by a case code", "nut item", "CASE-NUT-2.5", True, "ok", "2.5 × NUT", "ok", then="put"),
    case("more than is left, by a GS1 count", "nut item", gs1(NUT, count=5), False, "error", "Only 4 to pick", "error"),
    # Lots
    case(
        "an item by lot, its lot still to scan",
        "milk item",
        "{MILK}",
        True,
        "warning",
        "Scan the lot label of MILK",
        "warning",
        then="item",
    ),
    case(
        "a GS1 code with the lot suggested",
        "milk item",
        gs1(MILK, lot="L-SOON"),
        True,
        "ok",
        "3 × MILK",
        "ok",
        then="put",
    ),
    case(
        "a GS1 code with another lot",
        "milk item",
        gs1(MILK, lot="L-LATE"),
        True,
        "ok",
        "3 × MILK of lot L-LATE — not the one suggested",
        "ok",
        then="put",
        device=None,  # whether that lot is free in the bin is the ledger's to say
    ),
    case("the lot label suggested", "milk label", "L-SOON", True, "ok", "3 × MILK", "ok", then="put"),
    case(
        "a bin for the lot label",
        "milk label",
        "{A1}",
        False,
        "error",
        "Scan the lot label of MILK (scanned A-01-01)",
        "error",
    ),
    # The tote
    case("right tote", "put", "T-0001", True, "ok", "2 × BOLT in T-0001", "line", then="item"),
    case(
        "wrong tote",
        "put",
        "T-0002",
        False,
        "error",
        "Wrong tote — expected T-0001 for OUT/1 (scanned T-0002)",
        "wrong_tote",
    ),
    case(
        "a tote not in the task",
        "put",
        "T-0009",
        False,
        "error",
        "Wrong tote — expected T-0001 for OUT/1 (scanned T-0009)",
        "wrong_tote",
        device=None,
    ),
    case(
        "the item again at the tote step",
        "put",
        "{BOLT}",
        False,
        "error",
        "Scan tote T-0001 for OUT/1 (scanned BOLT)",
        "error",
    ),
    case(
        "the last unit of a stop, the next in another bin",
        "milk put",
        "T-0002",
        True,
        "ok",
        "3 × MILK in T-0002",
        "line",
        then="bin",
    ),
    case(
        "a put that leaves some at the stop", "nut part", "T-0001", True, "ok", "2.5 × NUT in T-0001", "ok", then="item"
    ),
    case(
        "the last put of the task",
        "nut put",
        "T-0001",
        True,
        "ok",
        "4 × NUT in T-0001 · PT-0001 done — take the totes to packing: T-0001, T-0002",
        "document",
        then="",
    ),
    # Binding totes: which tote is free and empty is the server's to say.
    case("a free tote to bind", "tote", "T-0001", True, "ok", "Tote T-0001 for OUT/1", "ok", then="tote", device=None),
    case("a bin for a tote", "tote", "{A1}", False, "error", "Scan a tote for OUT/1 (scanned A-01-01)", "error"),
    case(
        "a tote already bound",
        "second tote",
        "T-0001",
        False,
        "error",
        "Tote T-0001 already carries OUT/1 — take another",
        "error",
    ),
    # Commands: SKIP, CANCEL, QTY, an unknown one, and UNDO of a step under way on the device;
    # DONE, PROBLEM and UNDO of a put left to the server.
    case(
        "skip", "bin", "CMD-SKIP", True, "warning", "Skipped A-01-01 — it comes back at the end", "warning", then="bin"
    ),
    case(
        "skip the last stop",
        "nut bin",
        "CMD-SKIP",
        False,
        "error",
        "This is the last stop — pick it, or report a Problem",
        "warning",
    ),
    case("skip before the totes are bound", "tote", "CMD-SKIP", False, "error", "Bind the totes first", "error"),
    case("cancel with nothing under way", "bin", "CMD-CANCEL", True, "warning", "Nothing to cancel", "warning"),
    case(
        "undo the step under way",
        "put",
        "CMD-UNDO",
        True,
        "warning",
        "Cancelled — nothing was recorded · scan the item",
        "warning",
        then="item",
    ),
    case("qty at the tote step", "put", "CMD-QTY", True, "warning", "Type the quantity, then scan the tote", "warning"),
    case("qty at the bin step", "bin", "CMD-QTY", False, "error", "QTY does nothing here", "error"),
    case("empty, a command of counting", "item", "cmd-empty", False, "error", "EMPTY does nothing here", "error"),
    case(
        "done with stops left",
        "bin",
        "CMD-DONE",
        False,
        "error",
        "3 stops left — pick them, Skip or report a Problem",
        "error",
        device=None,
    ),
    case("problem", "bin", "CMD-PROBLEM", True, "warning", "What is wrong at A-01-01?", "warning", device=None),
    case("undo with nothing put", "item", "CMD-UNDO", False, "error", "Nothing to undo", "error", device=None),
]
