"""The dashboard's exception stream: one of each kind, newest first, each with its action, and
nothing of another warehouse."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from floor.counting.models import CountTask
from floor.counting.raising import raise_count
from floor.dashboard.exceptions import stream
from floor.ledger.models import Quant
from floor.odoo.models import Operation, SyncException
from floor.packing.models import PrintJob, Station
from floor.picking.models import Pick
from floor.receiving.models import Receipt, Receiving
from floor.returns.models import Disposition, Inspection, Return, ReturnLine
from floor.warehouse.models import Location
from floor.warehouse.services import location_of_kind
from tests import factories
from tests.picking.task_factories import Stop, pick_task

pytestmark = pytest.mark.django_db

ORDER = [
    ("locked_out", "unlock"),
    ("short_pick", "count"),
    ("receipt_approval", "approve"),
    ("count_variance", "decide"),
    ("return_quarantine", "move"),
    ("sync", "resolve"),
    ("push_failed", "retry"),
    ("print_failed", "retry"),
]


def ago(minutes: float):
    return timezone.now() - timedelta(minutes=minutes)


def lock(settings, badge: str) -> None:
    device = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        device.post(reverse("accounts:login"), {"badge": badge, "pin": "0000", "device": f"scanner-{badge}"})


def one_of_each(wh, settings, tag: str) -> dict:
    """One exception of every kind in `wh`, each a few minutes older than the one before; the
    lockout (now) is the newest."""
    made = {}
    item = factories.product(sku=f"BOLT-{tag}")
    picker = factories.user(f"picker-{tag}", wh=wh, first_name="Pia", last_name=tag)

    # A short pick: the bin's count raised, the order shipped with a backorder.
    built = pick_task(wh, [Stop(f"OUT/{tag}", factories.storage_bin(wh), item, 4)])
    built.task.picker = picker
    built.task.save()
    pick = built.picks[0]
    Pick.objects.filter(pk=pick.pk).update(state=Pick.State.SHORT, short_reason="empty", short_at=ago(2 / 60))
    raise_count(warehouse_id=wh.pk, location_id=pick.location_id, source="short_pick", reason="Short pick")
    Operation.objects.create(
        kind=Operation.Kind.DELIVERY,
        state=Operation.State.SENT,
        warehouse=wh,
        reference=f"FLOOR-OUT-{tag}",
        document=f"OUT/{tag}",
        payload={"backorder": True},
    )
    made["short_pick"] = pick.pk
    # Picked in full: not an exception.
    Pick.objects.filter(pk=pick_task(wh, [Stop(f"OUT/{tag}b", factories.storage_bin(wh), item, 1)]).picks[0].pk).update(
        state=Pick.State.PICKED, picked=1
    )

    receiver = factories.user(f"receiver-{tag}", roles=["receiver"], wh=wh, first_name="Rex")
    receipt = Receipt.objects.create(warehouse=wh, reference=f"IN/{tag}", state=Receipt.State.RECEIVING)
    session = Receiving.objects.create(
        actor=receiver,
        warehouse=wh,
        receipt=receipt,
        waiting=Receiving.Waiting.APPROVAL,
        approval="12 × BOLT: 10 expected",
    )
    Receiving.objects.filter(pk=session.pk).update(updated_at=ago(20))
    made["receipt_approval"] = receiver.pk

    counter = factories.user(f"counter-{tag}", roles=["counter"], wh=wh, first_name="Cy")
    variance = CountTask.objects.create(
        warehouse=wh,
        location=factories.storage_bin(wh, aisle="C"),
        reason="Recount",
        state=CountTask.State.APPROVAL,
        counter=counter,
        counted_at=ago(30),
        units_counted=8,
        units_expected=10,
    )
    made["count_variance"] = variance.pk

    inspector = factories.user(f"inspector-{tag}", roles=["inspector"], wh=wh, first_name="Ida")
    quarantine = location_of_kind(wh, Location.Kind.QUARANTINE)
    for source, extra, disposition, minutes in [
        (Return.Source.UNKNOWN, True, Disposition.QUARANTINE, 40),  # the exception
        (Return.Source.ANNOUNCED, False, Disposition.QUARANTINE, 41),  # damaged, on the order: routine
        (Return.Source.UNKNOWN, True, Disposition.SCRAP, 42),
    ]:
        ret = Return.objects.create(warehouse=wh, reference=f"RET-{tag}-{minutes}", source=source)
        line = ReturnLine.objects.create(ret=ret, product=item, expected=0)
        [move] = factories.stock(quarantine, item, 2)
        inspection = Inspection.objects.create(
            ret=ret,
            line=line,
            product=item,
            quantity=2,
            grade="C",
            disposition=disposition,
            received=move,
            disposed=move,
            extra=extra,
            actor=inspector,
        )
        Inspection.objects.filter(pk=inspection.pk).update(created_at=ago(minutes))
        made.setdefault("return_quarantine", inspection.pk)

    sync = SyncException.objects.create(
        kind=SyncException.Kind.ORDER,
        warehouse=wh,
        reference=f"OUT/{tag}",
        odoo_model="stock.picking",
        odoo_id=hash(tag) % 100000,
        message="Cancelled in Odoo",
        fingerprint="f",
    )
    SyncException.objects.filter(pk=sync.pk).update(created_at=ago(50))
    made["sync"] = sync.pk
    SyncException.objects.create(
        kind="order",
        warehouse=wh,
        reference="done",
        odoo_model="stock.picking",
        message="x",
        fingerprint="g",
        resolved=True,
    )

    for state, minutes in [(Operation.State.FAILED, 60), (Operation.State.PENDING, 61)]:
        operation = Operation.objects.create(
            kind=Operation.Kind.RECEIPT,
            state=state,
            warehouse=wh,
            reference=f"FLOOR-IN-{tag}-{minutes}",
            document=f"IN/{tag}",
            last_error="Traceback…\nValidationError: lot missing",
        )
        Operation.objects.filter(pk=operation.pk).update(created_at=ago(minutes))
        made.setdefault("push_failed", operation.pk)

    pack = Location.objects.create(warehouse=wh, kind=Location.Kind.PACK, name=f"Pack {tag}", barcode=f"PK-{tag}")
    station = Station.objects.create(
        warehouse=wh, name=f"Bench {tag}", barcode=f"ST-{tag}", location=pack, printer_host="printer.test"
    )
    for state, minutes in [(PrintJob.State.FAILED, 70), (PrintJob.State.SENT, 71)]:
        job = PrintJob.objects.create(station=station, zpl="^XA^XZ", state=state, last_error="No answer from printer")
        PrintJob.objects.filter(pk=job.pk).update(created_at=ago(minutes))
        made.setdefault("print_failed", job.pk)

    locked = factories.user(f"locked-{tag}", wh=wh, badge=f"LOCK-{tag}", first_name="Lou")
    lock(settings, f"LOCK-{tag}")
    made["locked_out"] = locked.pk
    return made


@pytest.fixture
def floor(settings):
    wh, other = factories.warehouse("WH"), factories.warehouse("OT")
    return wh, one_of_each(wh, settings, "A"), one_of_each(other, settings, "B")


def test_each_kind_appears_once_newest_first_with_its_action(floor):
    wh, made, _other = floor

    found = stream(wh)

    assert [(exception.kind, exception.action) for exception in found] == ORDER
    assert [exception.object_id for exception in found] == [made[kind] for kind, _action in ORDER]
    assert [exception.when for exception in found] == sorted((exception.when for exception in found), reverse=True)


def test_each_says_what_happened_to_what_and_who(floor):
    wh, _made, _other = floor

    found = {exception.kind: exception for exception in stream(wh)}

    assert found["short_pick"].what.startswith("4 × BOLT-A short in A-")
    assert found["short_pick"].what.endswith("(bin empty) for OUT/A · count raised · backorder made")
    assert found["short_pick"].who == "Pia A"
    assert (found["receipt_approval"].what, found["receipt_approval"].reference) == ("12 × BOLT: 10 expected", "IN/A")
    assert found["count_variance"].what.endswith("disagree: counted 8, expected 10")
    assert found["return_quarantine"].what == "2 × BOLT-A in quarantine (unknown return)"
    assert found["sync"].what == "Cancelled in Odoo"
    assert found["push_failed"].what == "Receipt not sent to Odoo: ValidationError: lot missing"
    assert found["print_failed"].what == "Label not printed at Bench A: No answer from printer"
    assert (found["locked_out"].who, found["locked_out"].what) == ("Lou", "Locked out after 5 wrong PINs")


def test_a_short_pick_with_no_count_under_way_and_no_backorder_says_so(floor):
    wh, made, _other = floor
    CountTask.objects.filter(state=CountTask.State.OPEN).update(state=CountTask.State.CANCELLED)
    Operation.objects.filter(reference="FLOOR-OUT-A").update(payload={"backorder": False})

    [short] = [exception for exception in stream(wh) if exception.kind == "short_pick"]

    assert short.what.endswith("for OUT/A · no count raised")


def test_what_was_dealt_with_leaves_the_stream(floor):
    wh, made, _other = floor
    CountTask.objects.filter(pk=made["count_variance"]).update(state=CountTask.State.DONE)
    SyncException.objects.filter(pk=made["sync"]).update(resolved=True)
    Operation.objects.filter(pk=made["push_failed"]).update(state=Operation.State.PENDING)
    PrintJob.objects.filter(pk=made["print_failed"]).update(state=PrintJob.State.SENT)
    Receiving.objects.filter(actor=made["receipt_approval"]).update(waiting="")
    # The quarantined item was moved out of quarantine.
    quarantine = Inspection.objects.get(pk=made["return_quarantine"]).disposed.to_location
    Quant.objects.filter(location=quarantine).update(quantity=0)

    assert [exception.kind for exception in stream(wh)] == ["locked_out", "short_pick"]


def test_another_warehouse_never_appears(floor):
    wh, made, other_made = floor
    other = Operation.objects.get(pk=other_made["push_failed"]).warehouse

    mine, theirs = stream(wh), stream(other)

    assert {(e.kind, e.object_id) for e in mine}.isdisjoint({(e.kind, e.object_id) for e in theirs})
    assert [e.object_id for e in theirs] == [other_made[kind] for kind, _action in ORDER]


def test_the_limit_keeps_the_newest(floor):
    wh, _made, _other = floor
    assert [exception.kind for exception in stream(wh, limit=3)] == ["locked_out", "short_pick", "receipt_approval"]


def test_the_number_of_queries_does_not_grow_with_the_exceptions(floor, settings):
    wh, _made, _other = floor
    with CaptureQueriesContext(connection) as few:
        assert len(stream(wh)) == 8
    one_of_each(wh, settings, "C")
    one_of_each(wh, settings, "D")

    with CaptureQueriesContext(connection) as many:
        assert len(stream(wh)) == 24

    assert len(many) == len(few)
