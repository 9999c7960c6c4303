"""Two counts of a bin that disagree, beyond tolerance, wait for a supervisor: they see both counts,
the ledger's quantity and the bin's recent moves, and approve the latest count, reject it (the
ledger stands) or order another count — recorded with who and why."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.counting import planning, results
from floor.counting.models import CountLine, CountTask
from floor.errors import ScanRejected
from floor.ledger.models import Move
from floor.warehouse.models import Lot, Product

RECENT_MOVES = 20


def waiting(warehouse):
    return (
        CountTask.objects.filter(warehouse=warehouse, state=CountTask.State.APPROVAL)
        .select_related("location", "counter")
        .order_by("counted_at", "pk")
    )


@dataclass
class ItemRow:
    product: Product
    lot: Lot | None
    counts: list[Decimal | None] = field(default_factory=list)  # oldest count first
    expected: Decimal = Decimal(0)  # the ledger's, when the latest count counted it
    now: Decimal = Decimal(0)  # the ledger's, now


@dataclass
class Review:
    task: CountTask
    counts: list[CountTask]  # oldest first; the last is the task waiting
    items: list[ItemRow]
    moves: list[Move]


def chain(task: CountTask) -> list[CountTask]:
    """The bin's counts that led here, oldest first."""
    return [*reversed(results.earlier_counts(task)), task]


def review(task: CountTask) -> Review:
    counts = chain(task)
    found = [results.of_task(count) for count in counts]
    items = sorted(set().union(*found), key=lambda item: (item[0], item[1] or 0))
    products = Product.objects.in_bulk({product for product, _lot in items})
    lots = Lot.objects.in_bulk({lot for _product, lot in items if lot})
    latest = found[-1]
    rows = [
        ItemRow(
            product=products[product],
            lot=lots.get(lot),
            counts=[count[(product, lot)].counted if (product, lot) in count else None for count in found],
            expected=latest[(product, lot)].expected if (product, lot) in latest else Decimal(0),
            now=results.on_hand(task.location_id, product, lot),
        )
        for product, lot in items
    ]
    moves = list(
        Move.objects.filter(Q(from_location=task.location_id) | Q(to_location=task.location_id))
        .select_related("product", "lot", "actor", "from_location", "to_location")
        .order_by("-created_at", "-pk")[:RECENT_MOVES]
    )
    return Review(task=task, counts=counts, items=rows, moves=moves)


@transaction.atomic
def decide(*, task_id: int, warehouse, actor, decision: str, reason: str, device: str = "") -> str:
    """The supervisor's decision, once: a second press (or a second supervisor) is told who decided."""
    task = (
        CountTask.objects.select_for_update(of=("self",))
        .select_related("location")  # not who decided: joined, it is read before the lock is waited for
        .filter(pk=task_id, warehouse=warehouse)
        .first()
    )
    if task is None:
        raise ScanRejected(_("No such count"))
    if task.state != CountTask.State.APPROVAL:
        if task.decided_by_id:
            raise ScanRejected(
                _("Already decided by %(who)s: %(decision)s")
                % {"who": _name(task.decided_by), "decision": task.get_decision_display()}
            )
        raise ScanRejected(_("This count waits for no decision"))
    if decision not in CountTask.Decision.values:
        raise ScanRejected(_("Approve, reject or count again"))
    reason = " ".join(reason.replace("\x00", "").split())[:200]
    if not reason:
        raise ScanRejected(_("Say why"))
    counts = chain(task)
    if CountLine.objects.filter(task__in=counts, counter=actor).exists():
        raise ScanRejected(_("You counted this bin — another supervisor decides"))
    if decision == CountTask.Decision.APPROVED:
        found = results.of_task(task)
        task.adjusted_value = results.adjust(
            task, found, actor_id=actor.pk, key=f"count-approved-{task.pk}", device=device
        )
        planning.variance_elsewhere(task=task, product_ids=results.off_items(found))
        said = _("%(bin)s: the latest count is taken, the stock adjusted")
    elif decision == CountTask.Decision.REJECTED:
        said = _("%(bin)s: the count is rejected, the ledger stands")
    else:
        results.recount(task, not_for_id=counts[0].counter_id)
        said = _("%(bin)s will be counted again by someone else")
    task.state = CountTask.State.DONE
    task.decision, task.decided_by, task.decided_at, task.decision_reason = decision, actor, timezone.now(), reason
    task.save()
    return said % {"bin": task.location.name}


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
