"""What came back, for a supervisor: the items inspected over some days in one warehouse, per
return, with how each was graded and where it went; return rates per item; and the inspectors'
reasons and grades. Each part is a few grouped queries, never one per item."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.odoo.models import Operation
from floor.picking.models import Order, PickRecord
from floor.returns import grading
from floor.returns.models import Disposition, Inspection, Return
from floor.warehouse.models import Warehouse
from floor.warehouse.quantities import plain

MOST_DAYS = 92  # a quarter: more is a question for the database replica, not this page
RETURNS_PER_PAGE = 25
MOST_PRODUCTS = 30  # the rates of the items returned most; the CSV has every item


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # the last day, included
    grade: str = ""
    disposition: str = ""
    sku: str = ""
    reason: str = ""


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def items(*, warehouse: Warehouse | None, filters: Filters) -> QuerySet[Inspection]:
    """The items taken in over those days (local days) and not undone, as filtered."""
    found = Inspection.objects.filter(
        ret__warehouse=warehouse,
        undone=False,
        created_at__gte=_day_start(filters.start),
        created_at__lt=_day_start(filters.end + timedelta(days=1)),
    )
    if filters.grade:
        found = found.filter(grade=filters.grade)
    if filters.disposition:
        found = found.filter(disposition=filters.disposition)
    if filters.sku:
        found = found.filter(product__sku__iexact=filters.sku)
    if filters.reason:
        found = found.filter(reason=filters.reason)
    return found


def _name(person) -> str:
    return person.get_full_name() or person.get_username()


def grade_words(grade: str, words: dict[str, str]) -> str:
    """`words`: the warehouse's (floor.returns.grading.words_of)."""
    if not grade:
        return _("Not graded yet")
    return words.get(grade, grade)


def words(warehouse: Warehouse | None) -> dict[str, str]:
    """Every grade's words in the warehouse (none without one)."""
    return grading.words_of(warehouse) if warehouse is not None else {}


def flagged(inspection: Inspection) -> str:
    """Why a supervisor looks twice: it was not shipped on the order, or more than shipped."""
    if not inspection.extra:
        return ""
    if inspection.approved_by_id:
        return _("More than shipped: approved by %(name)s") % {"name": _name(inspection.approved_by)}
    if inspection.ret.source == Return.Source.UNKNOWN:
        return _("Unknown return: quarantined")
    return _("Not on the order: quarantined")


def reason_words(reason: str) -> str:
    return settings.RETURN_REASONS.get(reason, reason)


def where(item: Inspection) -> str:
    """Where the item went: the disposition's place, else the returns area it stays in."""
    if not item.grade:
        return ""
    if item.disposed_id is None:
        return _("kept in returns")
    return item.disposed.to_location.name


@dataclass
class Item:
    inspection: Inspection  # for what is drawn beside it (photos)
    sku: str
    product: str
    lot: str
    quantity: Decimal
    grade: str
    disposition: str
    where: str
    inspector: str
    at: datetime  # local time
    reason: str
    note: str
    flag: str


def _item(inspection: Inspection, words: dict[str, str]) -> Item:
    return Item(
        inspection=inspection,
        sku=inspection.product.sku,
        product=inspection.product.name,
        lot=inspection.lot.name if inspection.lot_id else "",
        quantity=inspection.quantity,
        grade=grade_words(inspection.grade, words),
        disposition=Disposition(inspection.disposition).label if inspection.disposition else "",
        where=where(inspection),
        inspector=_name(inspection.actor),
        at=timezone.localtime(inspection.created_at),
        reason=reason_words(inspection.reason),
        note=inspection.note,
        flag=flagged(inspection),
    )


@dataclass
class ReturnSeen:
    ret: Return
    day: date  # of its latest item shown
    expected: Decimal
    back: Decimal
    missing: Decimal  # not back yet, or never where the return is closed
    items: list[Item] = field(default_factory=list)


def _item_rows(found: QuerySet[Inspection]) -> QuerySet[Inspection]:
    return found.select_related(
        "product", "lot", "actor", "approved_by", "disposed__to_location", "ret__order"
    ).order_by("created_at", "pk")


def returns_page(
    *, warehouse: Warehouse | None, filters: Filters, page: int | str | None
) -> tuple[Page, list[ReturnSeen]]:
    """One page of the returns with items inspected in the range, latest first, each with those
    items (the filters' only) and its figures over all its lines."""
    found = items(warehouse=warehouse, filters=filters)
    latest = found.order_by().values("ret").annotate(last=Max("created_at")).order_by("-last", "-ret")
    shown = Paginator(latest, RETURNS_PER_PAGE).get_page(page)
    ids = [row["ret"] for row in shown.object_list]
    returns = Return.objects.select_related("order").prefetch_related("lines").in_bulk(ids)
    per_return, said = defaultdict(list), words(warehouse)
    for inspection in _item_rows(found.filter(ret__in=ids)).prefetch_related("photos"):
        per_return[inspection.ret_id].append(_item(inspection, said))
    seen = []
    for row in shown.object_list:
        ret = returns[row["ret"]]
        lines = list(ret.lines.all())
        seen.append(
            ReturnSeen(
                ret=ret,
                day=timezone.localtime(row["last"]).date(),
                expected=sum((line.expected for line in lines), Decimal(0)),
                back=sum((line.inspected for line in lines), Decimal(0)),
                missing=sum((max(line.expected - line.inspected, Decimal(0)) for line in lines), Decimal(0)),
                items=per_return[ret.pk],
            )
        )
    return shown, seen


def export(*, warehouse: Warehouse | None, filters: Filters):
    """One row per item, oldest first, for refunds and vendor claims."""
    said = words(warehouse)
    for inspection in _item_rows(items(warehouse=warehouse, filters=filters)).iterator(chunk_size=1000):
        item, ret = _item(inspection, said), inspection.ret
        yield {
            "return": ret.reference,
            "order": ret.order.reference if ret.order_id else "",
            "customer": ret.customer,
            "customer_reason": ret.reason,
            "at": item.at.strftime("%Y-%m-%d %H:%M"),
            "sku": item.sku,
            "product": item.product,
            "lot": item.lot,
            "quantity": plain(item.quantity),  # 1, not 1.000
            "grade": item.grade,
            "disposition": item.disposition,
            "where": item.where,
            "inspector": item.inspector,
            "reason": item.reason,
            "note": item.note,
            "flag": item.flag,
        }


# --- Rates and reasons


@dataclass
class Rate:
    sku: str
    name: str
    returned: Decimal
    shipped: Decimal

    @property
    def percent(self) -> float | None:
        return float(100 * self.returned / self.shipped) if self.shipped else None


@dataclass
class Share:
    label: str
    units: Decimal
    items: int


@dataclass
class Breakdown:
    rates: list[Rate]
    more_products: int  # returned items beyond the MOST_PRODUCTS shown
    reasons: list[Share]
    grades: list[Share]
    units: Decimal
    count: int


def shipped(*, warehouse: Warehouse | None, start: date, end: date, products: list[int]) -> dict[int, Decimal]:
    """Units picked (net of undos) for the orders that left in those days, per item. An order
    keeps no time of its leaving; its delivery for Odoo is written in the same transaction as
    it leaves (picking.delivery.ship, FLOOR-OUT-<order>) and never deleted, so that row's time is
    when it left."""
    left = Operation.objects.filter(
        warehouse=warehouse,
        kind=Operation.Kind.DELIVERY,
        reference__startswith="FLOOR-OUT-",
        created_at__gte=_day_start(start),
        created_at__lt=_day_start(end + timedelta(days=1)),
    ).values("document")
    orders = Order.objects.filter(warehouse=warehouse, reference__in=left).values("pk")
    picked = (
        PickRecord.objects.filter(
            pick__order_line__order__in=orders, pick__product__in=products, reverses=None, reversal__isnull=True
        )
        .order_by()
        .values("pick__product")
        .annotate(units=Sum("quantity"))
    )
    return {row["pick__product"]: row["units"] for row in picked}


def breakdown(*, warehouse: Warehouse | None, filters: Filters) -> Breakdown:
    """Return rates per item (units returned ÷ units shipped in the same days: a return mostly
    comes back for an earlier shipment, so over a short range it is a rough guide) and the units
    per inspector's reason and per grade."""
    found = items(warehouse=warehouse, filters=filters).order_by()
    per_product = list(
        found.values("product", "product__sku", "product__name")
        .annotate(units=Sum("quantity"))
        .order_by("-units", "product__sku")
    )
    top = per_product[:MOST_PRODUCTS]
    out = shipped(warehouse=warehouse, start=filters.start, end=filters.end, products=[row["product"] for row in top])
    rates = [
        Rate(row["product__sku"], row["product__name"], row["units"], out.get(row["product"], Decimal(0)))
        for row in top
    ]

    def shares(by: str, words) -> list[Share]:
        rows = found.values(by).annotate(units=Sum("quantity"), items=Count("pk")).order_by(by)
        return [Share(words(row[by]), row["units"], row["items"]) for row in rows]

    totals = found.aggregate(units=Sum("quantity", default=Decimal(0)), count=Count("pk"))
    said = words(warehouse)
    return Breakdown(
        rates=rates,
        more_products=len(per_product) - len(top),
        reasons=shares("reason", lambda reason: reason_words(reason) if reason else _("None: as the grade says")),
        grades=shares("grade", lambda grade: grade_words(grade, said)),
        units=totals["units"],
        count=totals["count"],
    )
