"""Orders for the wave tests (pick tasks of the picker flow: task_factories.py)."""

import itertools
from decimal import Decimal

from floor.picking.models import Order, OrderLine

_seq = itertools.count(1)


def order(wh, *lines, reference=None, priority=0, cutoff=None, carrier="", order_type="", **fields) -> Order:
    """An open order; `lines` are (product, quantity) pairs."""
    made = Order.objects.create(
        warehouse=wh,
        reference=reference or f"OUT/{next(_seq):05d}",
        priority=priority,
        cutoff=cutoff,
        carrier=carrier,
        order_type=order_type,
        **fields,
    )
    OrderLine.objects.bulk_create(
        [OrderLine(order=made, product=product, ordered=Decimal(quantity)) for product, quantity in lines]
    )
    return made
