"""Where putaway suggests taking goods, asked of the database in at most three indexed queries."""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from floor.ledger.models import Quant
from floor.putaway.models import Putaway
from floor.warehouse.models import Location, Lot, Product, Warehouse

Rule = Putaway.Rule
PICK_SEQUENCE = ("aisle", "bay", "level", "name")


def suggest_bin(
    *, warehouse: Warehouse, product: Product, lot: Lot | None, volume: Decimal
) -> tuple[Location | None, str]:
    """The bin to put `product` (`volume` m³ of it) in, and the rule that chose it: its fixed bin;
    else the first bin, in pick sequence, already holding it (the same lot, when tracked); else
    the first empty bin of its zone with room for it; else none."""
    fixed = product.fixed_bin
    if fixed is not None and _usable(fixed, warehouse):
        return fixed, Rule.FIXED

    # From the product's quants (indexed by product), not from every bin of the warehouse.
    holding = Quant.objects.filter(
        product=product,
        quantity__gt=0,
        location__warehouse=warehouse,
        location__kind=Location.Kind.STORAGE,
        location__active=True,
    )
    if product.tracking != Product.Tracking.NONE:
        holding = holding.filter(lot=lot)
    quant = (
        holding.select_related("location__parent").order_by(*(f"location__{field}" for field in PICK_SEQUENCE)).first()
    )
    if quant is not None:
        return quant.location, Rule.HOLDS

    if product.zone_id is not None:
        empty = (
            Location.objects.select_related("parent")
            .filter(parent_id=product.zone_id, warehouse=warehouse, kind=Location.Kind.STORAGE, active=True)
            .filter(Q(capacity_volume__isnull=True) | Q(capacity_volume__gte=volume))
            .exclude(Exists(Quant.objects.filter(location=OuterRef("pk"), quantity__gt=0)))
            .order_by(*PICK_SEQUENCE)
            .first()
        )
        if empty is not None:
            return empty, Rule.EMPTY
    return None, Rule.NONE


def _usable(location: Location, warehouse: Warehouse) -> bool:
    return location.warehouse_id == warehouse.pk and location.kind == Location.Kind.STORAGE and location.active
