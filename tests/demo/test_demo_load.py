"""The demo's promises that need a database of their own: the same data on every run, and hands off
a database that already holds someone's products."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from floor.demo import warehouse as demo
from floor.ledger.models import Move
from floor.picking.models import OrderLine
from floor.receiving.models import ReceiptLine
from floor.warehouse.models import Product, Warehouse
from tests import factories


class _RolledBack(Exception):
    pass


def _load_and_describe(today: date) -> list:
    """Load the demo, describe it by natural keys (primary keys differ between loads), undo it."""
    try:
        with transaction.atomic():
            demo.load(today=today)
            products = [
                (p.sku, p.name, p.tracking, p.weight, p.volume, p.zone.name, sorted(b.code for b in p.barcodes.all()))
                for p in Product.objects.select_related("zone").prefetch_related("barcodes").order_by("sku")
            ]
            moves = sorted(
                (
                    m.key,
                    m.line,
                    m.product.sku,
                    m.lot.name if m.lot else "",
                    m.lot.expiry_date if m.lot else None,
                    m.quantity,
                    m.from_location.name,
                    m.to_location.name,
                )
                for m in Move.objects.select_related("product", "lot", "from_location", "to_location")
            )
            orders = sorted(
                (
                    line.order.reference,
                    line.order.customer,
                    line.order.carrier,
                    line.order.cutoff,
                    line.order.priority,
                    line.product.sku,
                    line.ordered,
                )
                for line in OrderLine.objects.select_related("order", "product")
            )
            receipts = sorted(
                (
                    line.receipt.reference,
                    line.receipt.vendor,
                    line.product.sku,
                    line.expected,
                    line.lot.name if line.lot else "",
                )
                for line in ReceiptLine.objects.select_related("receipt", "product", "lot")
            )
            raise _RolledBack([products, moves, orders, receipts])
    except _RolledBack as done:
        return done.args[0]


def test_the_demo_is_the_same_on_every_run(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    first = _load_and_describe(date(2026, 3, 2))
    assert not Product.objects.exists()  # undone
    assert first == _load_and_describe(date(2026, 3, 2))


def test_it_leaves_a_database_with_other_products_alone(db):
    factories.product(sku="ODOO-1")
    out = StringIO()
    call_command("demo", stdout=out)
    assert "already holds products" in out.getvalue()
    assert not Warehouse.objects.exists() and not Move.objects.exists()
    with pytest.raises(demo.DatabaseNotEmpty):
        demo.load()
