"""A known day of work, done through Floor's own flows at known hours in a time zone not UTC: two
pickers on a wave (one line short, one put taken back and put again), a night-shift wave across
midnight, a receipt received and put away, counts (one off and recounted, one right first time),
returns inspected, Odoo pushes sent and refused, a label that did not print, a person locked out;
a week before, a wave picked and a bin counted. Then the supervisor's dashboard, read through the
web client and from `drawing.figures`: every figure it shows is checked against a count asked of the
database directly in SQL. The same day's work in a second warehouse changes none of them."""

# ruff: noqa: S608 — the tables' names come from the models; every value is a query parameter

import html
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt
from django.conf import settings as conf
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from floor.accounts.models import Profile
from floor.counting.models import CounterPlace, CountLine, CountTask
from floor.counting.raising import raise_count
from floor.dashboard import drawing
from floor.dashboard.models import Handled
from floor.ledger.models import Move, Quant
from floor.odoo import mapping, outbox, push
from floor.odoo.errors import OdooError
from floor.odoo.models import Operation, PullCursor, SyncException
from floor.packing import printing
from floor.packing.models import PrintJob, Station
from floor.picking import waves
from floor.picking.models import Order, Pick, PickerPlace, PickRecord, PickTask, TaskTote, Wave
from floor.putaway.models import Putaway
from floor.receiving.models import Receipt, ReceiptLine, ReceiptScan, Receiving
from floor.returns.models import Inspection, InspectorPlace, Return, ReturnLine
from floor.scanning.models import ScanLog
from floor.warehouse.models import Location, Product
from floor.warehouse.quantities import qty
from tests import factories
from tests.dashboard.test_throughput import rows_of
from tests.packing import label_factories
from tests.packing.devices import closed_port
from tests.pages import page_text
from tests.picking.factories import order
from tests.returns.factories import announced_return

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")  # an hour ahead of UTC in March: the day starts at 23:00 UTC
TODAY = date(2026, 3, 10)  # a Tuesday
YESTERDAY = TODAY - timedelta(days=1)
LAST_WEEK = TODAY - timedelta(weeks=1)
NOW = "14:20"
HX = {"HTTP_HX_REQUEST": "true"}


def at(day: date, hh_mm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hh_mm), MADRID)


class Clock:
    """The time every part of Floor reads (django.utils.timezone.now), moved by the test: each
    request a person sends takes a few seconds."""

    def __init__(self):
        self.now = at(TODAY, NOW).astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, day: date, hh_mm: str) -> None:
        self.now = at(day, hh_mm).astimezone(UTC)

    def tick(self) -> None:
        self.now += timedelta(seconds=3)


@pytest.fixture
def clock(monkeypatch, settings):
    settings.TIME_ZONE = "Europe/Madrid"
    made = Clock()
    monkeypatch.setattr(timezone, "now", made)
    # django-axes took `now` by name when it was imported: its lock runs on the same clock.
    monkeypatch.setattr("axes.attempts.now", made)
    monkeypatch.setattr("axes.handlers.proxy.now", made)
    return made


@pytest.fixture
def odoo(monkeypatch, settings):
    """An Odoo to push to: it takes each operation, or refuses those named in `refusing`."""
    settings.ODOO_URL, settings.ODOO_DB, settings.ODOO_USER, settings.ODOO_API_KEY = ("http://odoo", "db", "u", "k")
    refusing: set[int] = set()

    def answer(_client, operation):
        if operation.pk in refusing:
            raise OdooError("The location WH/Stock/A is archived")
        return {"picking": operation.pk}

    monkeypatch.setattr(push, "client", lambda: None)
    monkeypatch.setattr(mapping, "push", answer)
    return refusing


# --- Doing the day's work, as the people on the floor do it


SHIFT = timedelta(hours=10)


class Hand:
    """A person's scanner: their session in the web client, signed in afresh for each shift."""

    def __init__(self, person, clock: Clock):
        self.person, self.clock = person, clock
        self.client, self.signed_in = Client(), None

    def sign_in(self) -> Client:
        if self.signed_in is None or self.clock() - self.signed_in > SHIFT:
            self.client.force_login(self.person)
            self.signed_in = self.clock()
        return self.client

    def post(self, url: str, **data) -> str:
        self.clock.tick()
        data = {"key": str(uuid.uuid4()), "device": "test", **data}
        response = self.sign_in().post(url, data, **HX)
        assert response.status_code == 200, (url, response)
        text = page_text(response)
        assert "feedback-error" not in text, (url, data, re.findall(r'feedback-error"[^>]*>(.*?)</', text, re.S))
        return text

    def scan(self, flow: str, code: str) -> str:
        return self.post(f"/{flow}/scan", code=code)


def gtin(product) -> str:
    return product.barcodes.get().code


@dataclass
class Day:
    wh: object
    clock: Clock
    odoo: set
    hands: dict = field(default_factory=dict)

    def person(self, name: str, roles: list[str], **kw):
        made = factories.user(
            f"{name}-{self.wh.code}", roles=roles, wh=self.wh, first_name=name.title(), last_name=self.wh.code, **kw
        )
        self.hands[name] = Hand(made, self.clock)
        return made

    def hand(self, name: str) -> Hand:
        return self.hands[name]

    def at(self, day: date, hh_mm: str) -> None:
        self.clock.set(day, hh_mm)

    def bin_with(self, product, quantity):
        place = factories.storage_bin(self.wh)
        if quantity:
            factories.stock(place, product, quantity)
        return place

    def orders(self, *lines_per_order, cutoff=None) -> list:
        """Open orders as the pull brings them, each line an item of its own in a bin of its own."""
        made = []
        for lines in lines_per_order:
            items = [factories.product() for _ in lines]
            for item, quantity in zip(items, lines, strict=True):
                self.bin_with(item, quantity)
            made.append(order(self.wh, *zip(items, lines, strict=True), cutoff=cutoff))
        return made

    def release(self, *, totes_per_picker: int = 6) -> Wave:
        boss = self.hand("sam").person
        built = waves.build_wave(warehouse=self.wh, filters=waves.Filters(totes_per_picker=totes_per_picker))
        return waves.release_wave(wave=built, actor=boss)

    # Picking: the picker reads the stop off the screen and scans what it asks for.

    def get_work(self, name: str) -> PickTask:
        hand = self.hand(name)
        hand.post("/pick/work")
        place = PickerPlace.objects.get(actor=hand.person)
        for _ in TaskTote.objects.filter(task=place.task_id, tote=None):
            hand.scan("pick", factories.tote(self.wh).barcode)
        return place.task

    def _at_stop(self, hand: Hand) -> tuple[Pick, str]:
        place = PickerPlace.objects.select_related("pick__location", "pick__order_line").get(actor=hand.person)
        pick = place.pick
        tote = TaskTote.objects.get(task=pick.task_id, order=pick.order_line.order_id).tote.barcode
        if place.waiting == PickerPlace.Waiting.BIN:
            hand.scan("pick", pick.location.barcode)
        return pick, tote

    def put(self, name: str, hh_mm: str, day: date = TODAY) -> Pick:
        """The next stop picked in full into its order's tote."""
        self.at(day, hh_mm)
        hand = self.hand(name)
        pick, tote = self._at_stop(hand)
        hand.scan("pick", gtin(pick.product))
        hand.scan("pick", tote)
        return pick

    def short(self, name: str, hh_mm: str, *, found: int, day: date = TODAY) -> Pick:
        self.at(day, hh_mm)
        hand = self.hand(name)
        pick, tote = self._at_stop(hand)
        hand.post("/pick/short", reason="damaged", quantity=str(found))
        if found:
            hand.scan("pick", tote)
        return pick

    # Counting: blind, the quantity typed, then DONE.

    def count(self, name: str, hh_mm: str, *, found: int | None = None, day: date = TODAY) -> None:
        """The bin "Get work" gives: its item counted, `found` of it (None: what the ledger holds)."""
        self.at(day, hh_mm)
        hand = self.hand(name)
        hand.post("/count/work")
        task = CounterPlace.objects.select_related("task__location").get(actor=hand.person).task
        held = Quant.objects.filter(location=task.location, quantity__gt=0).get()
        hand.scan("count", task.location.barcode)
        hand.scan("count", gtin(held.product))
        hand.post("/count/quantity", quantity=str(held.quantity if found is None else found))
        hand.scan("count", "CMD-DONE")

    def ask_count(self, place, hh_mm: str, day: date = TODAY, priority: int | None = None) -> None:
        self.at(day, hh_mm)
        raise_count(
            warehouse_id=self.wh.pk,
            location_id=place.pk,
            source=CountTask.Source.ONE_OFF,
            reason="Looks wrong",
            raised_by_id=self.hand("sam").person.pk,
            priority=priority,
        )

    def locked_out(self, person, hh_mm: str, day: date = TODAY) -> None:
        """Wrong PINs at the sign-in screen until it locks."""
        self.at(day, hh_mm)
        signing_in = Client()
        for _ in range(conf.AXES_FAILURE_LIMIT):
            self.clock.tick()
            signing_in.post("/accounts/login/", {"badge": person.profile.badge, "pin": "0000", "device": "door"})
        assert signing_in.post("/accounts/login/", {"badge": person.profile.badge, "pin": "2468"}).status_code == 429

    def dismiss(self, kind: str, object_id: int, hh_mm: str, day: date = TODAY, *, why: str) -> None:
        """The supervisor puts an exception out of the stream, from the dashboard."""
        self.at(day, hh_mm)
        said = self.hand("sam").post("/dashboard/act", kind=kind, object_id=object_id, action="dismiss", reason=why)
        assert f"Dismissed: {why}" in said

    def push(self, operation: Operation, hh_mm: str, *, day: date = TODAY, refused: bool = False) -> None:
        """The push worker sends the operation to Odoo, which takes it or refuses it."""
        self.at(day, hh_mm)
        if refused:
            self.odoo.add(operation.pk)
        push.send(operation.pk)


def work_the_day(wh, clock: Clock, odoo: set) -> Day:
    d = Day(wh, clock, odoo)
    d.at(LAST_WEEK - timedelta(days=1), "18:00")
    for name, roles in [
        ("sam", ["supervisor"]),
        ("ann", ["picker"]),
        ("ben", ["picker"]),
        ("rita", ["receiver"]),
        ("carl", ["counter"]),
        ("cleo", ["counter"]),
        ("ivan", ["inspector"]),
    ]:
        d.person(name, roles)
    lou = d.person("lou", ["picker"], pin="2468")

    # A week ago: Ann picks a wave of one order, four lines; Carl counts a bin and finds it right.
    d.orders((1, 2, 1, 3))
    d.at(LAST_WEEK, "07:30")
    d.release()
    d.at(LAST_WEEK, "08:00")
    d.get_work("ann")
    for hh_mm in ("08:10", "08:40", "09:15", "15:30"):
        d.put("ann", hh_mm, LAST_WEEK)
    d.ask_count(d.bin_with(factories.product(), 5), "15:55", LAST_WEEK)
    d.count("carl", "16:00", day=LAST_WEEK)
    d.push(Operation.objects.get(warehouse=wh, kind=Operation.Kind.ADJUSTMENT), "16:05", day=LAST_WEEK)
    # Lou forgot their PIN a week ago too; the supervisor put that lock out of the stream.
    d.locked_out(lou, "16:10", LAST_WEEK)
    d.dismiss("locked_out", lou.pk, "16:15", LAST_WEEK, why="On holiday: badge left in the drawer")

    # Monday (yesterday), just after midnight: Carl counts a bin and finds it right.
    d.ask_count(d.bin_with(factories.product(), 6), "00:20", YESTERDAY)
    d.count("carl", "00:30", day=YESTERDAY)
    d.push(Operation.objects.filter(warehouse=wh, kind=Operation.Kind.ADJUSTMENT).latest("pk"), "00:35", day=YESTERDAY)

    # Yesterday evening: a night wave; a line picked and one short before midnight, one short and
    # one picked after it (before 01:00: in UTC still yesterday).
    d.at(YESTERDAY, "23:00")
    d.orders((2, 2, 2, 2))
    d.at(YESTERDAY, "23:30")
    d.release()
    d.at(YESTERDAY, "23:45")
    d.get_work("ann")
    d.put("ann", "23:50", YESTERDAY)
    d.short("ann", "23:55", found=0, day=YESTERDAY)
    d.short("ann", "00:20", found=0)
    d.put("ann", "00:40")

    # The documents Odoo announced for today (as the pull leaves them), and a bin that looks wrong.
    d.at(TODAY, "06:00")
    items = {name: factories.product(sku=f"{name.upper()}-{wh.code}") for name in ("widget", "gizmo", "sprocket")}
    first = Receipt.objects.create(warehouse=wh, reference=f"{wh.code}/IN/1", state=Receipt.State.OPEN)
    for (_name, item), expected in zip(items.items(), (10, 6, 4), strict=True):
        ReceiptLine.objects.create(receipt=first, product=item, expected=expected)
    later = Receipt.objects.create(warehouse=wh, reference=f"{wh.code}/IN/2")
    ReceiptLine.objects.create(receipt=later, product=factories.product(), expected=5)
    bolts = factories.product(sku=f"BOLT-{wh.code}")
    over = Receipt.objects.create(warehouse=wh, reference=f"{wh.code}/IN/3")
    ReceiptLine.objects.create(receipt=over, product=bolts, expected=8)
    mug, cup = factories.product(sku=f"MUG-{wh.code}"), factories.product(sku=f"CUP-{wh.code}")
    announced_return(wh, None, (mug, 2), (cup, 1), reference=f"{wh.code}/RET/1")
    announced_return(wh, None, (factories.product(), 1), reference=f"{wh.code}/RET/2")
    looks_wrong = d.bin_with(factories.product(), 37)
    d.ask_count(looks_wrong, "07:00", priority=95)  # before the bin short last night

    # The morning wave: four orders, two lines each, two orders to a picker.
    d.orders((3, 3), (3, 3), (3, 3), (3, 3), cutoff=at(TODAY, "16:00"))
    d.at(TODAY, "07:50")
    d.release(totes_per_picker=2)
    d.at(TODAY, "08:00")
    d.get_work("ann")
    d.at(TODAY, "08:01")
    d.get_work("ben")
    d.put("ann", "08:05")
    d.put("ann", "08:20")
    taken_back = d.put("ann", "09:10")
    d.at(TODAY, "09:12")
    d.hand("ann").post("/pick/undo")
    assert d.put("ann", "09:14") == taken_back

    # Rita receives the first receipt in full and closes it: one operation for Odoo.
    d.at(TODAY, "09:30")
    rita = d.hand("rita")
    rita.scan("receive", first.reference)
    rita.scan("receive", gtin(items["sprocket"]))
    rita.post("/receive/undo")  # a sprocket scanned before its count was typed: taken back
    for (_name, item), quantity in zip(items.items(), (10, 6, 4), strict=True):
        rita.post("/receive/quantity", quantity=str(quantity))
        rita.scan("receive", gtin(item))
    rita.scan("receive", "CMD-DONE")
    d.at(TODAY, "09:50")
    rita.post("/receive/close")
    d.push(Operation.objects.get(kind=Operation.Kind.RECEIPT, warehouse=wh), "09:55")

    # She puts the widgets and the gizmos away; Odoo refuses the widgets' transfer.
    for hh_mm, name in (("10:10", "widget"), ("10:20", "gizmo")):
        d.at(TODAY, hh_mm)
        rita.scan("putaway", gtin(items[name]))
        rita.scan("putaway", factories.storage_bin(wh).barcode)
    widgets, gizmos = Operation.objects.filter(kind=Operation.Kind.INTERNAL, warehouse=wh).order_by("pk")
    d.push(widgets, "10:30", refused=True)

    # Carl finds 30 where the ledger says 37; Cleo recounts and finds 20: a supervisor decides.
    d.count("carl", "11:00", found=30)
    d.count("cleo", "11:30", found=20)

    # A wave released at noon that nobody has started.
    d.at(TODAY, "11:55")
    d.orders((1, 1), cutoff=at(TODAY, "17:00"))
    d.at(TODAY, "12:00")
    d.release()

    # A parcel with no order: its item goes to quarantine for a supervisor.
    d.at(TODAY, "12:10")
    ivan = d.hand("ivan")
    ivan.post("/inspect/unknown")
    stray = factories.product(sku=f"STRAY-{wh.code}")
    ivan.scan("inspect", gtin(stray))
    ivan.post("/inspect/grade", grade="B")
    ivan.post("/inspect/close")

    # Two cartons' labels the station's printer does not take; one is printed at another station.
    d.at(TODAY, "12:30")
    station = label_factories.station(wh, printer_host="127.0.0.1", printer_port=closed_port())
    for n in (1, 2):
        shipment = label_factories.order(wh, reference=f"{wh.code}/OUT/LABEL-{n}")
        job = printing.print_carton_label(carton=label_factories.closed_carton(station, order=shipment))
        printing.send(job)
    d.dismiss("print_failed", job.pk, "12:35", why="Printed at the next station")

    # Ivan takes in the announced return: a mug to restock, a mug to quarantine; the cup is to come.
    d.at(TODAY, "13:30")
    ivan.scan("inspect", f"{wh.code}/RET/1")
    for hh_mm, grade in (("13:31", "A"), ("13:32", "C")):
        d.at(TODAY, hh_mm)
        ivan.scan("inspect", gtin(mug))
        ivan.post("/inspect/grade", grade=grade)

    # Ben picks the other half of the morning wave: one line in full, one short (found 1).
    d.put("ben", "13:40")
    short = d.short("ben", "13:45", found=1)

    d.put("ann", "13:55")  # Ann's last stop: her task is done, its totes wait at packing

    # Carl counts the bins short last night and this afternoon: all right first time.
    assert CountTask.objects.get(location=short.location, state=CountTask.State.OPEN)
    for hh_mm in ("14:00", "14:02", "14:04"):
        d.count("carl", hh_mm)

    # Ben puts his last stop but one in its tote, and takes it back out: still to do.
    d.put("ben", "14:05")
    d.at(TODAY, "14:06")
    d.hand("ben").post("/pick/undo")

    # Lou forgets their PIN again at the sign-in screen: locked out. The stray parcel's return
    # gets through to Odoo.
    d.locked_out(lou, "14:08")
    d.push(Operation.objects.get(warehouse=wh, kind=Operation.Kind.RETURN), "14:09")

    # The count plan puts a bin on today's list; the gizmos' transfer goes to Odoo at last.
    d.at(TODAY, "14:10")
    raise_count(
        warehouse_id=wh.pk,
        location_id=d.bin_with(factories.product(), 4).pk,
        source=CountTask.Source.PLAN,
        reason="Plan",
    )
    d.push(gizmos, "14:12")

    # Rita puts half the sprockets away, then starts the third receipt and scans over what it
    # expects: she waits for a supervisor.
    d.at(TODAY, "14:14")
    rita.scan("putaway", gtin(items["sprocket"]))
    rita.post("/putaway/quantity", quantity="2")
    rita.scan("putaway", factories.storage_bin(wh).barcode)
    d.at(TODAY, "14:15")
    rita.scan("receive", over.reference)
    rita.post("/receive/quantity", quantity="3")
    rita.scan("receive", gtin(bolts))
    rita.post("/receive/quantity", quantity="9")
    rita.scan("receive", gtin(bolts))

    # A push worker is sending the sprockets' transfer right now.
    d.at(TODAY, "14:19")
    assert outbox.claim(Operation.objects.filter(warehouse=wh, kind=Operation.Kind.INTERNAL).latest("pk").pk)

    d.at(TODAY, NOW)
    return d


@dataclass
class Dashboard:
    wh: object
    other: object
    figures: dict  # drawing.figures(wh), as the panels are drawn from it
    pages: list[str]  # GET /dashboard/ and GET /dashboard/panels, as the supervisor's browser gets them
    before_the_other: dict  # the figures before the other warehouse's day was worked


def comparable(wh) -> dict:
    """The warehouse's figures, worked out afresh (not from the minute's cache)."""
    cache.clear()
    figures = drawing.figures(wh)
    del figures["updated"]
    return figures


@pytest.fixture
def dashboard(clock, odoo) -> Dashboard:
    wh, other = factories.warehouse("WH"), factories.warehouse("WH2")
    day = work_the_day(wh, clock, odoo)
    before = comparable(wh)
    work_the_day(other, clock, odoo)
    clock.set(TODAY, NOW)
    cache.clear()
    boss = day.hand("sam").sign_in()
    pages = []
    for url in ("/dashboard/", "/dashboard/panels"):
        response = boss.get(url)
        assert response.status_code == 200
        pages.append(page_text(response))
    return Dashboard(wh, other, comparable(wh), pages, before)


# --- Counting directly in SQL, from the tables


def t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _param(value):
    return connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value


def rows(query: str, *params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, [_param(value) for value in params])
        return cursor.fetchall()


def one(query: str, *params) -> tuple:
    return rows(query, *params)[0]


def units(value) -> Decimal:
    return Decimal(str(value or 0))


def moment(value) -> datetime | None:
    """A timestamp as the database hands it back (SQLite: naive, or text, in UTC)."""
    if value is None:
        return None
    found = value if isinstance(value, datetime) else parse_datetime(value)
    return found if timezone.is_aware(found) else found.replace(tzinfo=UTC)


def now() -> datetime:
    return at(TODAY, NOW)


HOUR = timedelta(hours=1)
MIDNIGHT = at(TODAY, "00:00")

# A put of goods into a tote that nobody took back, and that takes nothing back itself.
NET_PUT = f"r.reverses_id IS NULL AND NOT EXISTS (SELECT 1 FROM {t(PickRecord)} u WHERE u.reverses_id = r.id)"
PUTS = (
    f"FROM {t(PickRecord)} r JOIN {t(Pick)} p ON p.id = r.pick_id JOIN {t(PickTask)} k ON k.id = p.task_id "
    f"WHERE {NET_PUT}"
)


def qty_text(value) -> str:
    return qty(Decimal(value))


def one_decimal(value) -> str:
    return floatformat(value, 0)


# --- Now: the open work, and each released wave


OPEN_WORK = [  # kind, state, as the page says it, whether units are shown
    ("receipts", "open", "Receipts to receive", True),
    ("receipts", "receiving", "Receipts being received", True),
    ("putaway", "", "Waiting at input to put away", True),
    ("waves", "released", "Waves released", False),
    ("pick_tasks", "open", "Pick tasks waiting for a picker", True),
    ("pick_tasks", "active", "Pick tasks being picked", True),
    ("packing", "", "Totes waiting at packing", False),
    ("counts", "open", "Counts to do", False),
    ("counts", "approval", "Counts to approve", False),
    ("returns", "expected", "Returns expected", True),
    ("returns", "inspecting", "Returns being inspected", True),
    ("quarantine", "", "Items in quarantine", True),
]


def open_work_in_sql(wh) -> dict[tuple[str, str], tuple[int, Decimal | None]]:
    found = {}
    for state in ("open", "receiving"):
        count, left = one(
            f"SELECT COUNT(DISTINCT r.id), SUM(CASE WHEN l.expected > l.received THEN l.expected - l.received "
            f"ELSE 0 END) FROM {t(Receipt)} r LEFT JOIN {t(ReceiptLine)} l ON l.receipt_id = r.id "
            f"WHERE r.warehouse_id = %s AND r.state = %s",
            wh.pk,
            state,
        )
        found["receipts", state] = (count, units(left))
    for kind, area in (("putaway", "input"), ("quarantine", "quarantine")):
        loose, plates, held = one(
            f"SELECT SUM(CASE WHEN q.package_id IS NULL THEN 1 ELSE 0 END), COUNT(DISTINCT q.package_id), "
            f"SUM(q.quantity) FROM {t(Quant)} q JOIN {t(Location)} l ON l.id = q.location_id "
            f"WHERE l.warehouse_id = %s AND l.kind = %s AND q.quantity > 0",
            wh.pk,
            area,
        )
        found[kind, ""] = ((loose or 0) + plates, units(held))
    (released,) = one(f"SELECT COUNT(*) FROM {t(Wave)} WHERE warehouse_id = %s AND state = 'released'", wh.pk)
    found["waves", "released"] = (released, None)
    for state in ("open", "active"):
        count, left = one(
            f"SELECT COUNT(DISTINCT k.id), SUM(CASE WHEN p.state = 'open' THEN p.quantity - p.picked ELSE 0 END) "
            f"FROM {t(PickTask)} k LEFT JOIN {t(Pick)} p ON p.task_id = k.id "
            f"WHERE k.warehouse_id = %s AND k.state = %s",
            wh.pk,
            state,
        )
        found["pick_tasks", state] = (count, units(left))
    (totes,) = one(
        f"SELECT COUNT(*) FROM {t(TaskTote)} b JOIN {t(PickTask)} k ON k.id = b.task_id "
        f"WHERE k.warehouse_id = %s AND k.state = 'done' AND b.tote_id IS NOT NULL AND b.freed_at IS NULL",
        wh.pk,
    )
    found["packing", ""] = (totes, None)
    for state in ("open", "approval"):
        (count,) = one(f"SELECT COUNT(*) FROM {t(CountTask)} WHERE warehouse_id = %s AND state = %s", wh.pk, state)
        found["counts", state] = (count, None)
    for state in ("expected", "inspecting"):
        count, left = one(
            f"SELECT COUNT(DISTINCT r.id), SUM(CASE WHEN l.expected > l.inspected THEN l.expected - l.inspected "
            f"ELSE 0 END) FROM {t(Return)} r LEFT JOIN {t(ReturnLine)} l ON l.ret_id = r.id "
            f"WHERE r.warehouse_id = %s AND r.state = %s",
            wh.pk,
            state,
        )
        found["returns", state] = (count, units(left))
    return found


def test_open_work_of_each_kind_is_what_the_database_holds(dashboard):
    counted = open_work_in_sql(dashboard.wh)
    shown = {(work.kind, work.state): (work.count, work.units) for work in dashboard.figures["work"]}
    assert shown == counted
    expected_rows = [
        [label, str(counted[kind, state][0]), qty_text(counted[kind, state][1]) if has_units else "–"]
        for kind, state, label, has_units in OPEN_WORK
    ]
    for text in dashboard.pages:
        assert rows_of(text, "Open work") == expected_rows
    # As a floor lead would count it.
    assert {key: figure[0] for key, figure in counted.items() if figure[0]} == {
        ("receipts", "open"): 1,  # the second receipt, not started
        ("receipts", "receiving"): 1,  # the third, waiting for a supervisor
        ("putaway", ""): 2,  # the sprockets left, the mug restocked
        ("waves", "released"): 2,
        ("pick_tasks", "open"): 1,  # noon's wave
        ("pick_tasks", "active"): 1,  # Ben's
        ("packing", ""): 4,  # last week's tote, the night's, Ann's two
        ("counts", "open"): 1,  # planned this afternoon
        ("counts", "approval"): 1,
        ("returns", "expected"): 1,
        ("returns", "inspecting"): 1,
        ("quarantine", ""): 2,  # a mug, the stray item
    }


@dataclass(frozen=True)
class WaveCount:
    lines: int  # its picks, cancelled ones left out
    done: int  # picked, or given up as short
    rate: float | None  # lines an hour lately; None: nothing put in a tote yet
    cutoff: datetime | None  # its orders' earliest
    finish: datetime | None  # at that rate
    late: bool


def waves_in_sql(wh) -> dict[str, WaveCount]:
    """Each released wave, against its cutoff. Its rate: the lines done that had goods put over the
    last half hour (or since its first put, if later; a minute at least), an hour."""
    found = {}
    since = now() - timedelta(minutes=30)
    for wave_id, reference in rows(
        f"SELECT id, reference FROM {t(Wave)} WHERE warehouse_id = %s AND state = 'released'",
        wh.pk,
    ):
        lines, done = one(
            f"SELECT COUNT(*), SUM(CASE WHEN p.state IN ('picked', 'short') THEN 1 ELSE 0 END) "
            f"FROM {t(Pick)} p JOIN {t(PickTask)} k ON k.id = p.task_id "
            f"WHERE k.wave_id = %s AND p.state <> 'cancelled'",
            wave_id,
        )
        (first,) = one(f"SELECT MIN(r.created_at) {PUTS} AND k.wave_id = %s", wave_id)
        (recent,) = one(
            f"SELECT COUNT(DISTINCT r.pick_id) {PUTS} AND k.wave_id = %s AND r.created_at >= %s "
            f"AND p.state IN ('picked', 'short')",
            wave_id,
            since,
        )
        (cutoff,) = one(f"SELECT MIN(cutoff) FROM {t(Order)} WHERE wave_id = %s", wave_id)
        cutoff, done, rate, finish = moment(cutoff), done or 0, None, None
        if first is not None:
            span = max(now() - max(moment(first), since), timedelta(minutes=1))
            rate = recent * 3600 / span.total_seconds()
        if rate:
            finish = now() + timedelta(hours=(lines - done) / rate)
        late = lines > done and cutoff is not None and (finish or now()) > cutoff
        found[reference] = WaveCount(lines, done, rate, cutoff, finish, late)
    return found


def hh_mm(moment_: datetime | None) -> str:
    return timezone.localtime(moment_).strftime("%H:%M") if moment_ else "–"


def test_each_wave_shows_its_lines_done_against_its_lines_as_the_database_holds_them(dashboard):
    counted = waves_in_sql(dashboard.wh)
    shown = {
        w.wave.reference: WaveCount(w.lines, w.lines_done, w.rate, w.cutoff, w.projected_finish, w.late)
        for w in dashboard.figures["waves"]
    }
    assert shown.keys() == counted.keys()
    for reference, wave in counted.items():
        assert shown[reference] == WaveCount(
            wave.lines,
            wave.done,
            pytest.approx(wave.rate) if wave.rate is not None else None,
            wave.cutoff,
            pytest.approx(wave.finish, abs=timedelta(seconds=1)) if wave.finish else None,
            wave.late,
        ), reference
    for text in dashboard.pages:
        on_page = {row[0].split()[0]: row for row in rows_of(text, "Released waves against their cutoff")}
        assert on_page == {
            reference: [
                reference + (" Late" if wave.late else ""),
                f"{wave.done} / {wave.lines}",
                one_decimal(wave.rate) if wave.rate is not None else "–",
                hh_mm(wave.finish),
                hh_mm(wave.cutoff),
            ]
            for reference, wave in counted.items()
        }
    # The morning wave: Ann's four lines and Ben's two (one of them short) of eight; in the last
    # half hour one line (Ben's last put was taken back), two an hour: done at 15:20, before its
    # 16:00 cutoff. Noon's wave: nothing picked yet, its 17:00 cutoff still to come.
    assert sorted((wave.lines, wave.done, wave.rate, hh_mm(wave.finish), wave.late) for wave in counted.values()) == [
        (2, 0, None, "–", False),
        (8, 6, 2.0, "15:20", False),
    ]


# --- People: who is on the floor, and what each did in the last hour and today


def held_in_sql(wh) -> dict[int, set[str]]:
    """What each person holds in the warehouse: a pick task on lease, the bin of a count task they
    took, the receipt open on their scanner, the return they inspect, a putaway with its item."""
    held: dict[int, set[str]] = {}
    for person, reference in rows(
        f"SELECT picker_id, reference FROM {t(PickTask)} WHERE warehouse_id = %s AND state = 'active' "
        f"AND picker_id IS NOT NULL "
        f"UNION SELECT c.actor_id, l.name FROM {t(CounterPlace)} c JOIN {t(CountTask)} k ON k.id = c.task_id "
        f"JOIN {t(Location)} l ON l.id = k.location_id WHERE c.warehouse_id = %s AND k.state = 'open' "
        f"AND k.counter_id = c.actor_id "
        f"UNION SELECT s.actor_id, r.reference FROM {t(Receiving)} s JOIN {t(Receipt)} r ON r.id = s.receipt_id "
        f"WHERE s.warehouse_id = %s AND r.state IN ('open', 'receiving') "
        f"UNION SELECT i.actor_id, r.reference FROM {t(InspectorPlace)} i JOIN {t(Return)} r ON r.id = i.ret_id "
        f"WHERE i.warehouse_id = %s "
        f"UNION SELECT p.actor_id, CASE WHEN l.name IS NULL THEN d.sku ELSE d.sku || ' · ' || l.name END "
        f"FROM {t(Putaway)} p JOIN {t(Product)} d ON d.id = p.product_id "
        f"LEFT JOIN {t(Location)} l ON l.id = p.source_id WHERE p.warehouse_id = %s AND p.state = 'open'",
        *[wh.pk] * 5,
    ):
        held.setdefault(person, set()).add(reference)
    return held


def on_the_floor_in_sql(wh) -> set[int]:
    """Who scanned in the last hour (people of the warehouse), or holds work in it."""
    scanned = rows(
        f"SELECT DISTINCT s.actor_id FROM {t(ScanLog)} s JOIN {t(Profile)} f ON f.user_id = s.actor_id "
        f"WHERE f.warehouse_id = %s AND s.created_at >= %s",
        wh.pk,
        now() - HOUR,
    )
    return {person for (person,) in scanned} | set(held_in_sql(wh))


# Per flow: what it is measured in, and the work of each person of the warehouse since a moment.
WORK_BY_PERSON = {
    "pick": (
        "lines",
        f"SELECT r.actor_id, COUNT(DISTINCT r.pick_id) {PUTS} AND k.warehouse_id = %s AND r.created_at >= %s "
        f"GROUP BY r.actor_id",
    ),
    "receive": (
        "units",
        f"SELECT r.actor_id, SUM(r.quantity) FROM {t(ReceiptScan)} r JOIN {t(Receipt)} d ON d.id = r.receipt_id "
        f"WHERE d.warehouse_id = %s AND r.created_at >= %s AND r.reverses_id IS NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {t(ReceiptScan)} u WHERE u.reverses_id = r.id) GROUP BY r.actor_id",
    ),
    "putaway": (
        "lines",
        f"SELECT actor_id, COUNT(*) FROM {t(Putaway)} WHERE warehouse_id = %s AND updated_at >= %s "
        f"AND state = 'done' GROUP BY actor_id",
    ),
    "count": (
        "scans",
        f"SELECT l.counter_id, COUNT(*) FROM {t(CountLine)} l JOIN {t(CountTask)} k ON k.id = l.task_id "
        f"WHERE k.warehouse_id = %s AND l.counted_at >= %s GROUP BY l.counter_id",
    ),
    "inspect": (
        "units",
        f"SELECT i.actor_id, SUM(i.quantity) FROM {t(Inspection)} i JOIN {t(Return)} r ON r.id = i.ret_id "
        f"WHERE r.warehouse_id = %s AND i.created_at >= %s AND NOT i.undone GROUP BY i.actor_id",
    ),
}


@dataclass(frozen=True)
class Worked:
    measure: str
    last_hour: Decimal
    today: Decimal
    today_per_hour: Decimal  # today's work over the hours since their first scan today (one at least)


def worked_in_sql(wh, person_id: int) -> dict[str, Worked]:
    (first,) = one(
        f"SELECT MIN(created_at) FROM {t(ScanLog)} WHERE actor_id = %s AND created_at >= %s",
        person_id,
        MIDNIGHT,
    )
    hours = max(Decimal((now() - (moment(first) or MIDNIGHT)).total_seconds()) / 3600, Decimal(1))
    found = {}
    for flow, (measure, query) in WORK_BY_PERSON.items():
        last_hour, today = (dict(rows(query, wh.pk, since)).get(person_id) or 0 for since in (now() - HOUR, MIDNIGHT))
        if last_hour or today:
            per_hour = (units(today) / hours).quantize(Decimal("0.1"))
            found[flow] = Worked(measure, units(last_hour), units(today), per_hour)
    return found


def last_scan_in_sql(person_id: int) -> datetime | None:
    (last,) = one(f"SELECT MAX(created_at) FROM {t(ScanLog)} WHERE actor_id = %s", person_id)
    return moment(last)


RATE = re.compile(r"([\d.,]+) · (\d+) (\w+) \((\w+)\)")


def test_each_person_on_the_floor_and_their_work_is_what_the_database_holds(dashboard, settings):
    wh = dashboard.wh
    names = dict(get_user_model().objects.values_list("pk", "first_name"))
    present, held = on_the_floor_in_sql(wh), held_in_sql(wh)
    shown = {person.person_id: person for person in dashboard.figures["people"]}
    assert set(shown) == present
    idle_after = timedelta(seconds=settings.DASHBOARD_IDLE_SECONDS)
    for text in dashboard.pages:
        assert {row[0].split()[0] for row in rows_of(text, "Who is on what")} == {names[pk] for pk in present}
    for person_id in present:
        person, worked, last = shown[person_id], worked_in_sql(wh, person_id), last_scan_in_sql(person_id)
        assert {
            rate.flow: Worked(rate.measure, rate.last_hour, rate.today, rate.today_per_hour) for rate in person.rates
        } == worked, names[person_id]
        assert {task.reference for task in person.tasks} == held.get(person_id, set())
        assert person.last_scan_at == last
        idle = person_id in held and (last is None or now() - last > idle_after)
        assert person.idle == idle
        for text in dashboard.pages:
            row = {r[0].split()[0]: r for r in rows_of(text, "Who is on what")}[names[person_id]]
            assert ("Idle" in row[0]) == idle
            assert all(reference in row[1] for reference in held.get(person_id, ())) and row[1] != ""
            assert {
                flow: (last_hour, per_hour, measure) for last_hour, per_hour, measure, flow in RATE.findall(row[2])
            } == {flow: (qty_text(w.last_hour), one_decimal(w.today_per_hour), w.measure) for flow, w in worked.items()}
            assert row[3] == (timezone.localtime(last).strftime("%H:%M") if last else "–")
    # As a floor lead would count it: Ann's pick lines today are the one after midnight and her
    # four of the morning wave (the put she took back and put again is one line), one in the last
    # hour; Ben's put taken back is no line; Rita's units are the first receipt's 20 (not the
    # sprocket she took back) and 3 of the third; Carl's Monday count is yesterday's. Ben and Ivan
    # hold work and have stopped scanning; Cleo went home; Lou never got in.
    by_name = {names[person_id]: worked_in_sql(wh, person_id) for person_id in present}
    assert {name: {flow: (w.last_hour, w.today) for flow, w in work.items()} for name, work in by_name.items()} == {
        "Ann": {"pick": (1, 5)},
        "Ben": {"pick": (2, 2)},
        "Rita": {"receive": (3, 23), "putaway": (1, 3)},
        "Carl": {"count": (3, 4)},
        "Ivan": {"inspect": (2, 3)},
    }
    assert [names[person.person_id] for person in dashboard.figures["people"] if person.idle] == ["Ben", "Ivan"]


# --- The exception stream


def exceptions_in_sql(wh, *, failures: int, cooloff: timedelta) -> set[tuple[str, int]]:
    """Today's short picks; and what is still open: a receiver waiting for a supervisor, two counts
    that disagree, a returned item held in quarantine that came with no order or not on it, an Odoo
    change not dealt with, a push Odoo refused, a label not printed, a person with `failures` wrong
    PINs within the `cooloff`. Each with when it happened: one a supervisor dismissed since is out."""
    user = connection.ops.quote_name(get_user_model()._meta.db_table)
    queries = {
        "short_pick": (
            f"SELECT p.id AS id, p.short_at AS happened FROM {t(Pick)} p JOIN {t(PickTask)} k ON k.id = p.task_id "
            f"WHERE k.warehouse_id = %s AND p.state = 'short' AND p.short_at >= %s",
            [wh.pk, MIDNIGHT],
        ),
        "receipt_approval": (
            f"SELECT actor_id AS id, updated_at AS happened FROM {t(Receiving)} "
            f"WHERE warehouse_id = %s AND waiting = 'approval'",
            [wh.pk],
        ),
        "count_variance": (
            f"SELECT id, COALESCE(counted_at, created_at) AS happened FROM {t(CountTask)} "
            f"WHERE warehouse_id = %s AND state = 'approval'",
            [wh.pk],
        ),
        "return_quarantine": (
            f"SELECT i.id AS id, i.created_at AS happened FROM {t(Inspection)} i JOIN {t(Return)} r ON r.id = i.ret_id "
            f"JOIN {t(Move)} m ON m.id = i.disposed_id WHERE r.warehouse_id = %s AND i.disposition = 'quarantine' "
            f"AND NOT i.undone AND (r.source = 'unknown' OR i.extra) AND EXISTS (SELECT 1 FROM {t(Quant)} q "
            f"WHERE q.location_id = m.to_location_id AND q.product_id = i.product_id AND q.quantity > 0)",
            [wh.pk],
        ),
        "sync": (
            f"SELECT id, created_at AS happened FROM {t(SyncException)} "
            f"WHERE (warehouse_id = %s OR warehouse_id IS NULL) AND NOT resolved",
            [wh.pk],
        ),
        "push_failed": (
            f"SELECT id, created_at AS happened FROM {t(Operation)} WHERE warehouse_id = %s AND state = 'failed'",
            [wh.pk],
        ),
        "print_failed": (
            f"SELECT j.id AS id, j.created_at AS happened FROM {t(PrintJob)} j "
            f"JOIN {t(Station)} s ON s.id = j.station_id "
            f"WHERE s.warehouse_id = %s AND j.state = 'failed'",
            [wh.pk],
        ),
        "locked_out": (
            f"SELECT u.id AS id, a.last_try AS happened FROM {user} u JOIN {t(Profile)} f ON f.user_id = u.id "
            f"JOIN (SELECT username, MAX(attempt_time) AS last_try FROM {t(AccessAttempt)} WHERE attempt_time >= %s "
            f"GROUP BY username HAVING SUM(failures_since_start) >= %s) a ON a.username = u.username "
            f"WHERE f.warehouse_id = %s",
            [now() - cooloff, failures, wh.pk],
        ),
    }
    not_dismissed = (
        f"NOT EXISTS (SELECT 1 FROM {t(Handled)} h WHERE h.warehouse_id = %s AND h.kind = %s "
        f"AND h.object_id = x.id AND h.action = 'dismiss' AND h.at >= x.happened)"
    )
    return {
        (kind, object_id)
        for kind, (query, params) in queries.items()
        for (object_id,) in rows(
            f"SELECT x.id FROM ({query}) x WHERE {not_dismissed}",
            *params,
            wh.pk,
            kind,
        )
    }


EXCEPTION = re.compile(r'data-exception="(\w+):(\d+)"')
STREAM_LENGTH = re.compile(r'<h2 id="exceptions">Exceptions <span class="small">\((\d+)\)</span></h2>')


def test_the_exception_stream_lists_what_the_database_holds(dashboard, settings):
    counted = exceptions_in_sql(dashboard.wh, failures=settings.AXES_FAILURE_LIMIT, cooloff=settings.AXES_COOLOFF_TIME)
    shorts = [pk for kind, pk in counted if kind == "short_pick"]
    locked = list(
        get_user_model()
        .objects.filter(pk__in=[pk for kind, pk in counted if kind == "locked_out"])
        .values_list("username", flat=True)
    )
    stream = dashboard.figures["stream"]
    assert len(stream) == len(counted)
    assert {(e.kind, e.object_id) for e in stream} == counted
    for text in dashboard.pages:
        assert {(kind, int(pk)) for kind, pk in EXCEPTION.findall(text)} == counted
        assert len(EXCEPTION.findall(text)) == len(counted)
        assert STREAM_LENGTH.search(text).group(1) == str(len(counted))
        # What the short and the lock say: units missing, wrong PINs within the cool-off.
        for missing, sku, place in rows(
            f"SELECT p.quantity - p.picked, d.sku, l.name FROM {t(Pick)} p JOIN {t(Product)} d ON d.id = p.product_id "
            f"JOIN {t(Location)} l ON l.id = p.location_id WHERE p.id IN ({', '.join(['%s'] * len(shorts))})",
            *shorts,
        ):
            assert f"{qty_text(missing)} × {sku} short in {place}" in text
        for (failures,) in rows(
            f"SELECT SUM(failures_since_start) FROM {t(AccessAttempt)} WHERE attempt_time >= %s "
            f"AND username IN ({', '.join(['%s'] * len(locked))}) GROUP BY username",
            now() - settings.AXES_COOLOFF_TIME,
            *locked,
        ):
            assert f"Locked out after {failures} wrong PINs" in text
    # Newest first: Ben's short and Ann's after midnight (hers before it was yesterday's), the
    # third receipt, Carl's and Cleo's counts, the stray item, the widgets' transfer, one label
    # (the other was dismissed), and Lou, locked out again today: last week's lock was dismissed,
    # not today's. No Odoo change is waiting.
    assert sorted(kind for kind, _pk in counted) == [
        "count_variance",
        "locked_out",
        "print_failed",
        "push_failed",
        "receipt_approval",
        "return_quarantine",
        "short_pick",
        "short_pick",
    ]
    assert [e.when for e in stream] == sorted((e.when for e in stream), reverse=True)


# --- Sync with Odoo


def sync_in_sql(wh) -> dict:
    by_state = dict(rows(f"SELECT state, COUNT(*) FROM {t(Operation)} WHERE warehouse_id = %s GROUP BY state", wh.pk))
    (sent,) = one(
        f"SELECT COUNT(*) FROM {t(Operation)} WHERE warehouse_id = %s AND state = 'sent' "
        f"AND sent_at > %s AND sent_at <= %s",
        wh.pk,
        now() - timedelta(minutes=10),
        now(),
    )
    oldest = rows(
        f"SELECT document, reference, created_at FROM {t(Operation)} WHERE warehouse_id = %s "
        f"AND state IN ('pending', 'sending') ORDER BY created_at, id",
        wh.pk,
    )
    erred = rows(
        f"SELECT reference, last_error FROM {t(Operation)} WHERE warehouse_id = %s AND last_error <> '' "
        f"ORDER BY CASE WHEN failed_at IS NULL THEN 1 ELSE 0 END, failed_at DESC, id DESC",
        wh.pk,
    )
    (last_pull,) = one(f"SELECT MAX(pulled_at) FROM {t(PullCursor)}")
    return {
        "last_pull": moment(last_pull),
        "by_state": {state: by_state.get(state, 0) for state in Operation.State.values},
        "pushes_per_minute": sent / 10,
        "oldest": (oldest[0][0] or oldest[0][1], moment(oldest[0][2])) if oldest else None,
        "last_error": erred[0] if erred else None,
    }


def test_sync_with_odoo_is_what_the_outbox_holds(dashboard, settings):
    counted = sync_in_sql(dashboard.wh)
    shown = dashboard.figures["sync"]
    assert shown.by_state == counted["by_state"]
    assert shown.pushes_per_minute == pytest.approx(counted["pushes_per_minute"])
    label, since = counted["oldest"]
    assert (shown.oldest_pending.label, shown.oldest_pending.since) == (label, since)
    assert shown.red == (now() - since > timedelta(seconds=settings.DASHBOARD_SYNC_RED_SECONDS))
    assert (shown.last_error.reference, shown.last_error.text) == counted["last_error"]
    assert shown.last_pull == counted["last_pull"] is None
    for text in dashboard.pages:
        panel = re.search(r'<section class="panel[^"]*" aria-labelledby="sync">(.*?)</section>', text, re.S).group(1)
        facts = {
            html.unescape(term): html.unescape(re.sub(r"<[^>]+>", "", said)).replace("\xa0", " ").strip()
            for term, said in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", panel, re.S)
        }
        for state, n in counted["by_state"].items():
            assert facts[state] == str(n)
        assert facts["Pushes a minute"] == f"{counted['pushes_per_minute']:.1f}"
        assert facts["Oldest waiting"].startswith(f"{label} · ")
        assert facts["Last error"] == "{}: {}".format(*counted["last_error"])
        assert facts["Last pull"] == "never"  # nothing was pulled from Odoo in the day
    # Sent: last week's count, Monday's, the receipt, the stray parcel's return (11 minutes ago)
    # and the gizmos (8 minutes ago: 0.1 a minute); refused: the widgets; being sent: the
    # sprockets; waiting: the stray parcel's move since 12:10, and this afternoon's three counts.
    assert counted["by_state"] == {"pending": 4, "sending": 1, "sent": 5, "failed": 1}
    assert counted["pushes_per_minute"] == 0.1
    assert hh_mm(counted["oldest"][1]) == "12:10" and shown.red


# --- Throughput and accuracy


def lines_picked_in_sql(wh, start: datetime) -> int:
    (lines,) = one(
        f"SELECT COUNT(DISTINCT r.pick_id) {PUTS} AND k.warehouse_id = %s AND r.created_at >= %s AND r.created_at < %s",
        wh.pk,
        start,
        start + HOUR,
    )
    return lines


def test_lines_picked_by_hour_today_and_a_week_ago_are_what_the_database_holds(dashboard):
    wh = dashboard.wh
    counted = {
        hour: tuple(lines_picked_in_sql(wh, at(day, f"{hour:02d}:00")) for day in (TODAY, LAST_WEEK))
        for hour in range(24)
    }
    worked = {hour for hour, lines in counted.items() if any(lines)} | {now().hour}
    hours = range(min(worked), max(worked) + 1)
    shown = dashboard.figures["throughput"]
    assert [(hour.hour, hour.today, hour.last_week) for hour in shown.hours] == [
        (hour, counted[hour][0] if hour <= now().hour else None, counted[hour][1]) for hour in hours
    ]
    assert shown.today == sum(today for today, _before in counted.values())
    assert shown.last_week == sum(before for hour, (_today, before) in counted.items() if hour <= now().hour)
    for text in dashboard.pages:
        assert rows_of(text, "Lines picked by hour") == [
            [
                f"{hour:02d}:00" + (" (so far)" if hour == now().hour else ""),
                str(counted[hour][0]) if hour <= now().hour else "–",
                str(counted[hour][1]),
            ]
            for hour in hours
        ]
    # After midnight the night wave's last line (its first was yesterday's); at 9 Ann's put taken
    # back and put again, one line; at 13 Ben's two (one short with one found) and Ann's last; at
    # 14 Ben's put taken back, none.
    assert {hour: lines for hour, lines in counted.items() if any(lines)} == {
        0: (1, 0),
        8: (2, 2),
        9: (1, 1),
        13: (3, 0),
        15: (0, 1),
    }


def accuracy_in_sql(wh) -> list[tuple[date, int, float | None, float | None]]:
    """The last eight ISO weeks, this one last: first counts done, and the share of bins right
    first time and of units right (units off against the larger of the ledger and the count)."""
    this_monday = TODAY - timedelta(days=TODAY.weekday())
    found = []
    for back in range(7, -1, -1):
        monday = this_monday - timedelta(weeks=back)
        counts, right, off, base = one(
            f"SELECT COUNT(*), SUM(CASE WHEN within_tolerance THEN 1 ELSE 0 END), SUM(units_off), "
            f"SUM(CASE WHEN COALESCE(units_expected, 0) > COALESCE(units_counted, 0) THEN COALESCE(units_expected, 0) "
            f"ELSE COALESCE(units_counted, 0) END) FROM {t(CountTask)} WHERE warehouse_id = %s AND state = 'done' "
            f"AND recount_of_id IS NULL AND counted_at >= %s AND counted_at < %s",
            wh.pk,
            at(monday, "00:00"),
            at(monday + timedelta(weeks=1), "00:00"),
        )
        right_percent = units_percent = None
        if counts:
            right_percent = 100 * (right or 0) / counts
            units_percent = 100.0 if not units(base) else float(100 * (1 - units(off) / units(base)))
        found.append((monday, counts, right_percent, units_percent))
    return found


def percent(value) -> str:
    return "–" if value is None else f"{one_decimal(value)} %"


def test_count_accuracy_by_week_is_what_the_database_holds(dashboard):
    counted = accuracy_in_sql(dashboard.wh)
    shown = dashboard.figures["accuracy_weeks"]
    assert [(monday, week.counts) for monday, week in shown] == [(monday, n) for monday, n, _r, _u in counted]
    for (_monday, week), (_, _n, right, units_right) in zip(shown, counted, strict=True):
        assert week.right_percent == (pytest.approx(right) if right is not None else None)
        assert week.units_percent == (pytest.approx(units_right) if units_right is not None else None)
    for text in dashboard.pages:
        assert [row[:4] for row in rows_of(text, "Count accuracy by week")] == [
            [
                f"W{monday.isocalendar().week:02d}{monday:%m/%d/%Y}",
                str(n),
                percent(right),
                percent(units_right),
            ]
            for monday, n, right, units_right in counted
        ]
    # Last week: one bin, right. This week: Monday's just after midnight (in UTC still Sunday),
    # right; Carl's 30 of 37 (its recount waits for a supervisor and is no first count); the three
    # bins short, found as the ledger has them: 4 of 5 right, 7 units off of 6 + 37 + 2 + 2 + 2.
    assert [(n, right) for _monday, n, right, _units in counted[-2:]] == [(1, 100.0), (5, 80.0)]
    assert counted[-1][3] == pytest.approx(100 * (1 - 7 / 49))


# --- Another warehouse


def test_another_warehouses_day_changes_none_of_the_figures(dashboard):
    assert comparable(dashboard.wh) == dashboard.before_the_other
    # Its own dashboard has a day of its own to show.
    theirs = comparable(dashboard.other)
    assert len(theirs["stream"]) == len(dashboard.figures["stream"])
    assert {w.wave.pk for w in theirs["waves"]}.isdisjoint({w.wave.pk for w in dashboard.figures["waves"]})
