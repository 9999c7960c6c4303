"""What a finished count found, and what follows from it. Each item's difference is its count less
the ledger's quantity at the moment it was first counted, so moves beside the counter do not show
as differences. Within tolerance the stock is adjusted at once; beyond it someone else recounts;
a recount that agrees with the ledger or with an earlier count stands, else a supervisor decides
(floor/counting/approvals.py)."""

import enum
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.counting import planning
from floor.counting.models import CountLine, CountTask
from floor.counting.raising import PRIORITY
from floor.errors import ScanRejected
from floor.ledger import services as ledger
from floor.ledger.keys import scan_key
from floor.ledger.models import Move, Quant
from floor.ledger.services import NotEnoughStock
from floor.odoo import outbox
from floor.odoo.models import Operation
from floor.warehouse.models import Location, Product
from floor.warehouse.services import virtual_location

ZERO = Decimal(0)
User = get_user_model()

Item = tuple[int, int | None]  # (product, lot)


@dataclass
class Counted:
    counted: Decimal = ZERO
    expected: Decimal = ZERO  # the ledger's, when the item was first counted (or the bin scanned)

    @property
    def difference(self) -> Decimal:
        return self.counted - self.expected


class Verdict(enum.Enum):
    ADJUSTED = "adjusted"  # within tolerance, or a recount that stands: the stock follows the count
    RECOUNT = "recount"  # beyond tolerance: someone else counts it again
    APPROVAL = "approval"  # two counts disagree: a supervisor decides


def on_hand(location_id: int, product_id: int, lot_id: int | None) -> Decimal:
    total = Quant.objects.filter(location=location_id, product=product_id, lot=lot_id, package=None).aggregate(
        total=Sum("quantity")
    )["total"]
    return total or ZERO


def tally(task: CountTask, counter_id: int, since) -> dict[Item, Counted]:
    """A count under way: per item and lot, what was counted and what the ledger held when it was
    first counted. Stock in the bin not counted at all counts as 0 against what the ledger held
    when the bin was scanned (`since`). Moves after those moments are no part of the difference:
    the ledger carries them already."""
    found: dict[Item, Counted] = _from_lines(CountLine.objects.filter(task=task, counter=counter_id))
    held = defaultdict(Decimal)
    for product_id, lot_id, quantity in (
        Quant.objects.filter(location=task.location_id, package=None)
        .exclude(quantity=0)
        .values_list("product", "lot", "quantity")
    ):
        held[(product_id, lot_id)] += quantity
    # What came in since the bin was scanned was not there then; what went out was.
    for product_id, lot_id, quantity in Move.objects.filter(
        to_location=task.location_id, to_package=None, created_at__gte=since
    ).values_list("product", "lot", "quantity"):
        held[(product_id, lot_id)] -= quantity
    for product_id, lot_id, quantity in Move.objects.filter(
        from_location=task.location_id, package=None, created_at__gte=since
    ).values_list("product", "lot", "quantity"):
        held[(product_id, lot_id)] += quantity
    for item, quantity in held.items():
        if item not in found and quantity:
            found[item] = Counted(ZERO, quantity)
    return found


def _from_lines(lines) -> dict[Item, Counted]:
    found: dict[Item, Counted] = {}
    for line in lines.order_by("pk"):
        item = (line.product_id, line.lot_id)
        if item not in found:
            found[item] = Counted(ZERO, line.expected)
        found[item].counted += line.quantity
    return found


def of_task(task: CountTask) -> dict[Item, Counted]:
    """What a finished count found (its lines, the items it did not find among them at 0)."""
    return _from_lines(CountLine.objects.filter(task=task, counter=task.counter_id))


def _costs(found: dict[Item, Counted]) -> dict[int, Decimal | None]:
    return dict(Product.objects.filter(pk__in={product for product, _lot in found}).values_list("pk", "cost"))


def _allowed(expected: Decimal) -> Decimal:
    return max(
        Decimal(str(settings.COUNT_TOLERANCE_UNITS)),
        abs(expected) * Decimal(str(settings.COUNT_TOLERANCE_PERCENT)) / 100,
    )


def within_tolerance(difference: Decimal, expected: Decimal, cost: Decimal | None) -> bool:
    """Units within the larger of the unit and percent tolerances, and, where the item's cost is
    known, its value within the value tolerance (a few units of an expensive item matter)."""
    if abs(difference) > _allowed(expected):
        return False
    return cost is None or abs(difference) * cost <= Decimal(str(settings.COUNT_TOLERANCE_VALUE))


def _all_within(found: dict[Item, Counted], costs) -> bool:
    return all(within_tolerance(c.difference, c.expected, costs.get(item[0])) for item, c in found.items())


def off_items(found: dict[Item, Counted]) -> list[int]:
    """The items a count found beyond tolerance."""
    costs = _costs(found)
    return sorted(
        {item[0] for item, c in found.items() if not within_tolerance(c.difference, c.expected, costs.get(item[0]))}
    )


def _agrees(found: dict[Item, Counted], earlier: dict[Item, Counted], costs) -> bool:
    """Two counts agree when every item's difference from the ledger is the same within tolerance:
    the same units missing (or found) both times, whatever moved in between."""
    items = found.keys() | earlier.keys()
    return all(
        within_tolerance(
            found.get(item, Counted()).difference - earlier.get(item, Counted()).difference,
            found.get(item, Counted()).expected,
            costs.get(item[0]),
        )
        for item in items
    )


def finish(task: CountTask, found: dict[Item, Counted], *, actor_id: int, key: str, device: str) -> Verdict:
    """Done: keep what was found (items held but not found as lines at 0, so the count can be
    compared later), then adjust, recount or ask a supervisor."""
    CountLine.objects.bulk_create(
        CountLine(
            task=task,
            counter_id=actor_id,
            location_id=task.location_id,
            product_id=product_id,
            lot_id=lot_id,
            quantity=ZERO,
            expected=counted.expected,
        )
        for (product_id, lot_id), counted in found.items()
        if not counted.counted  # lines are never 0, so these were held but not found
    )
    costs = _costs(found)
    task.state = CountTask.State.DONE
    task.counted_at = timezone.now()
    task.units_expected = sum((c.expected for c in found.values()), ZERO)
    task.units_counted = sum((c.counted for c in found.values()), ZERO)
    task.units_off = sum((abs(c.difference) for c in found.values()), ZERO)
    task.within_tolerance = _all_within(found, costs)
    earlier = [of_task(count) for count in earlier_counts(task)]
    if task.within_tolerance or any(_agrees(found, counts, costs) for counts in earlier):
        task.adjusted_value = adjust(task, found, actor_id=actor_id, key=key, device=device)
        verdict = Verdict.ADJUSTED
        if not task.within_tolerance:  # a variance two counts agree on: where else did it go?
            planning.variance_elsewhere(task=task, product_ids=off_items(found))
    elif earlier:
        task.state = CountTask.State.APPROVAL
        verdict = Verdict.APPROVAL
    else:
        verdict = Verdict.RECOUNT
    task.save()  # done before its recount opens: a bin has one open count
    if verdict == Verdict.RECOUNT:
        recount(task, not_for_id=actor_id)
    return verdict


def earlier_counts(task: CountTask) -> list[CountTask]:
    """The counts this one recounts, newest first, with who counted each."""
    earlier, here = [], task
    while here.recount_of_id is not None:
        here = CountTask.objects.select_related("counter").get(pk=here.recount_of_id)
        earlier.append(here)
    return earlier


def recount(task: CountTask, *, not_for_id: int) -> CountTask:
    """Someone who counted none of the bin's earlier counts counts it again: `not_for` is the first
    counter, and Get work also skips the person who counted the count recounted."""
    return CountTask.objects.create(
        warehouse_id=task.warehouse_id,
        location_id=task.location_id,
        source=CountTask.Source.RECOUNT,
        priority=PRIORITY[CountTask.Source.RECOUNT],
        reason=_("Recount: %(bin)s differs from the ledger") % {"bin": task.location.name},
        recount_of=task,
        not_for_id=not_for_id,
    )


def adjust(task: CountTask, found: dict[Item, Counted], *, actor_id: int, key: str, device: str) -> Decimal | None:
    """One post bin ↔ inventory loss for the differences, and the count to Odoo. Answers the value
    of the adjustment where the items' cost is known: units found add, units missing take away."""
    task.adjusted = True
    if not found:
        return None
    loss = virtual_location(Location.Kind.INVENTORY_LOSS)
    reference = f"COUNT-{task.pk}"
    costs, value, moves = _costs(found), None, []
    for (product_id, lot_id), counted in sorted(found.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        difference = counted.difference
        if not difference:
            continue
        if costs.get(product_id) is not None:
            value = (value or ZERO) + difference * costs[product_id]
        found_more = difference > 0
        moves.append(
            Move(
                product_id=product_id,
                lot_id=lot_id,
                quantity=abs(difference),
                from_location=loss if found_more else task.location,
                to_location=task.location if found_more else loss,
                actor_id=actor_id,
                device=device[:64],
                reference=reference,
            )
        )
    if moves:
        try:
            ledger.post(moves, key=scan_key("count", key))
        except NotEnoughStock:
            raise ScanRejected(
                _("%(bin)s holds less now than the count takes out — count it again") % {"bin": task.location.name}
            ) from None
    # Odoo is told what the bin holds now, by the floor's ledger (the count, and any move since).
    lines = [
        {
            "product": product_id,
            "lot": lot_id,
            "location": task.location_id,
            "counted": f"{on_hand(task.location_id, product_id, lot_id).normalize():f}",
        }
        for product_id, lot_id in sorted(found, key=lambda item: (item[0], item[1] or 0))
    ]
    outbox.enqueue(
        kind=Operation.Kind.ADJUSTMENT,
        warehouse=task.warehouse,
        reference=f"FLOOR-{reference}",
        payload={"lines": lines},
        document=reference,
        actor=User.objects.get(pk=actor_id),
    )
    return value.quantize(Decimal("0.01")) if value is not None else None
