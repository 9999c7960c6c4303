"""The demo warehouse, loaded once for this module (in a transaction rolled back at its end)."""

import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import biip
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Sum
from django.test import override_settings
from django.utils import timezone

from floor.accounts.roles import Role, roles_of
from floor.demo import warehouse as demo
from floor.ledger.models import Move, Quant
from floor.picking.models import Order, OrderLine, Pick, PickTask, Wave
from floor.receiving.models import Receipt
from floor.returns.models import Return
from floor.warehouse.models import Location, Lot, Package, Product, ProductBarcode, Tote, Warehouse
from tests.warehouse.scan_svg import gs1_check_digit_ok

Kind = Location.Kind


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    # Fast hashing here too: this runs before the function-scoped fixtures of conftest.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        out = StringIO()
        started = time.monotonic()
        call_command("demo", stdout=out)
        yield SimpleNamespace(output=out.getvalue(), seconds=time.monotonic() - started, today=timezone.localdate())
        transaction.set_rollback(True)


@pytest.fixture
def wh(loaded, db):
    return Warehouse.objects.get(code="WH")


def test_it_loads_one_warehouse_with_two_zones_and_at_least_200_bins_with_barcodes(wh):
    assert wh.name == "Main warehouse"
    zones = Location.objects.filter(warehouse=wh, kind=Kind.VIEW)
    assert sorted(zones.values_list("name", flat=True)) == ["WH/Zone A", "WH/Zone B"]
    bins = Location.objects.filter(warehouse=wh, kind=Kind.STORAGE)
    assert bins.count() >= 200
    assert not bins.filter(barcode__isnull=True).exists()
    assert set(bins.values_list("parent__kind", flat=True)) == {Kind.VIEW}
    assert bins.filter(capacity_volume__isnull=False).exists()
    assert bins.filter(barcode="A-01-01").exists()


def test_it_loads_60_totes_and_some_licence_plates(wh):
    codes = list(Tote.objects.filter(warehouse=wh).order_by("barcode").values_list("barcode", flat=True))
    assert codes == [f"T-{n:04d}" for n in range(1, 61)]
    assert Package.objects.filter(barcode__startswith="PLT-").count() >= 3


def test_it_loads_500_products_each_with_a_valid_ean13(wh):
    products = Product.objects.all()
    assert products.count() >= 500
    assert not products.filter(zone=None).exists()
    assert not products.filter(weight=0).exists() and not products.filter(volume=0).exists()
    units = ProductBarcode.objects.filter(is_gtin=True, quantity=1)
    assert units.values("product").distinct().count() == products.count()
    for barcode in ProductBarcode.objects.filter(is_gtin=True):
        assert len(barcode.code) == 14 and gs1_check_digit_ok(barcode.code), barcode.code
        assert biip.parse(barcode.code).gtin is not None, barcode.code
    assert all(code.startswith("0") for code in units.values_list("code", flat=True))  # EAN-13s
    cases = ProductBarcode.objects.filter(is_gtin=True, quantity=12)
    assert cases.exists() and all(code.startswith("1") for code in cases.values_list("code", flat=True))
    assert len(set(products.values_list("name", flat=True))) == products.count()


def test_about_a_tenth_are_lot_tracked_with_expiring_lots_and_some_serial_tracked(loaded, wh):
    total = Product.objects.count()
    lot_tracked = Product.objects.filter(tracking=Product.Tracking.LOT)
    serial_tracked = Product.objects.filter(tracking=Product.Tracking.SERIAL)
    assert 0.08 * total <= lot_tracked.count() <= 0.12 * total
    assert 0.02 * total <= serial_tracked.count() <= 0.04 * total
    lots = Lot.objects.filter(product__tracking=Product.Tracking.LOT)
    assert not lots.filter(expiry_date=None).exists()
    assert lots.filter(expiry_date__lte=loaded.today + timedelta(days=14)).exists()  # expiring soon
    assert lots.filter(expiry_date__gt=loaded.today + timedelta(days=60)).exists()
    assert Lot.objects.filter(product__tracking=Product.Tracking.SERIAL).count() >= serial_tracked.count() * 3


def test_stock_is_held_per_lot_and_one_unit_per_serial(wh):
    on_hand = Quant.objects.filter(quantity__gt=0, location__warehouse=wh)
    assert not on_hand.filter(product__tracking=Product.Tracking.NONE, lot__isnull=False).exists()
    assert not on_hand.filter(product__tracking=Product.Tracking.LOT, lot=None).exists()
    serials = on_hand.filter(product__tracking=Product.Tracking.SERIAL)
    assert serials.exists() and not serials.filter(lot=None).exists()
    assert set(serials.values_list("quantity", flat=True)) == {Decimal(1)}
    assert not Quant.objects.filter(lot__isnull=False).exclude(product=F("lot__product")).exists()


def test_most_products_are_in_bins_and_some_stock_waits_at_input(wh):
    in_bins = Quant.objects.filter(quantity__gt=0, location__kind=Kind.STORAGE, location__warehouse=wh)
    assert in_bins.values("product").distinct().count() >= 0.95 * Product.objects.count()
    per_product = defaultdict(set)
    for product_id, location_id in in_bins.filter(lot=None).values_list("product", "location"):
        per_product[product_id].add(location_id)
    assert {len(bins) for bins in per_product.values()} >= {1, 2, 3}
    at_input = Quant.objects.filter(quantity__gt=0, location__kind=Kind.INPUT, location__warehouse=wh)
    assert at_input.count() >= 5
    assert at_input.filter(package__isnull=False).exists()  # a pallet to put away whole


def test_stock_after_the_demo_equals_the_ledger(wh):
    expected = defaultdict(Decimal)
    for move in Move.objects.all():
        expected[(move.from_location_id, move.product_id, move.lot_id, move.package_id)] -= move.quantity
        expected[(move.to_location_id, move.product_id, move.lot_id, move.to_package_id)] += move.quantity
    quants = {(q.location_id, q.product_id, q.lot_id, q.package_id): q.quantity for q in Quant.objects.all()}
    assert {k: v for k, v in quants.items() if v} == {k: v for k, v in expected.items() if v}
    assert Move.objects.values("key").distinct().count() <= 10  # a few large posts, not one per move


def test_every_open_order_can_be_picked_in_full_from_the_bins(wh):
    ordered = defaultdict(Decimal)
    for line in OrderLine.objects.filter(order__warehouse=wh, order__state=Order.State.OPEN):
        ordered[line.product_id] += line.ordered
    in_bins = dict(
        Quant.objects.filter(location__kind=Kind.STORAGE, location__warehouse=wh, package=None)
        .values_list("product")
        .annotate(Sum("quantity"))
    )
    assert ordered
    for product_id, quantity in ordered.items():
        assert in_bins.get(product_id, 0) >= quantity, product_id


def test_it_opens_receipts_orders_and_returns(loaded, wh):
    today = loaded.today
    receipts = Receipt.objects.filter(warehouse=wh, state=Receipt.State.OPEN).order_by("reference")
    assert [r.reference for r in receipts] == [f"WH/IN/{n:05d}" for n in range(1, 13)]
    assert all(r.vendor and r.vendor_reference.startswith("PO-") for r in receipts)
    assert {r.expected_date for r in receipts} == {today, today + timedelta(days=1)}
    assert all(2 <= r.lines.count() <= 20 for r in receipts)
    receipt_lines = [line for r in receipts for line in r.lines.select_related("product", "lot")]
    assert any(line.product.tracking == Product.Tracking.LOT and line.lot for line in receipt_lines)
    assert all(line.lot is None or line.lot.product_id == line.product_id for line in receipt_lines)

    orders = Order.objects.filter(warehouse=wh, state__in=[Order.State.OPEN, Order.State.IN_WAVE])
    assert orders.count() == 60
    assert all(o.reference.startswith("WH/OUT/") and o.customer and o.carrier for o in orders)
    assert {timezone.localdate(o.cutoff) for o in orders} == {today}
    assert {o.priority for o in orders} == {0, 1}
    assert {o.lines.count() for o in orders} <= set(range(1, 7))

    # One wave is released, so the picker has work at once; the rest wait for a supervisor's wave.
    wave = Wave.objects.get(warehouse=wh)
    assert wave.state == Wave.State.RELEASED and wave.orders.count() == 8
    assert orders.filter(state=Order.State.OPEN).count() == 52
    assert PickTask.objects.filter(wave=wave, state=PickTask.State.OPEN).count() == 2
    for pick in Pick.objects.filter(task__wave=wave):
        assert pick.quantity <= Quant.objects.get(location=pick.location, product=pick.product, lot=pick.lot).quantity

    returns = Return.objects.filter(warehouse=wh, state=Return.State.EXPECTED).order_by("reference")
    assert [r.reference for r in returns] == [f"WH/RET/{n:05d}" for n in range(1, 7)]
    for ret in returns:
        assert ret.order and ret.reason and ret.customer == ret.order.customer
        shipped = {line.product_id: line.ordered for line in ret.order.lines.all()}
        assert ret.lines.exists()
        assert all(line.expected <= shipped[line.product_id] for line in ret.lines.all())
    # Two parcels come back with no RMA: their orders shipped, with the carrier's tracking number.
    unannounced = Order.objects.filter(warehouse=wh, state=Order.State.SHIPPED, returns=None)
    assert unannounced.count() == 2 and all(order.tracking.startswith("1Z") for order in unannounced)


def test_it_enrols_one_user_per_role_with_badge_pin_and_password(wh):
    expected = [
        ("receiver", Role.RECEIVER),
        ("picker", Role.PICKER),
        ("packer", Role.PACKER),
        ("counter", Role.COUNTER),
        ("inspector", Role.INSPECTOR),
        ("supervisor", Role.SUPERVISOR),
    ]
    for n, (username, role) in enumerate(expected, start=1):
        user = get_user_model().objects.select_related("profile").get(username=username)
        assert roles_of(user) == {role}
        assert user.first_name and user.last_name
        assert user.check_password("floor-demo")
        assert user.profile.badge == f"BDG-{n:04d}"
        assert user.profile.check_pin("1234")
        assert user.profile.warehouse == wh


def test_it_prints_the_users_and_their_badges(loaded, db):
    assert "loaded" in loaded.output
    for n, username in enumerate(["receiver", "picker", "packer", "counter", "inspector", "supervisor"], start=1):
        assert f"{username}" in loaded.output and f"BDG-{n:04d}" in loaded.output
    assert loaded.seconds < 15


def test_running_it_again_changes_nothing_and_costs_one_query(wh, django_assert_max_num_queries):
    def counts():
        return {model._meta.label: model.objects.count() for model in apps.get_models()}

    before, last_move = counts(), Move.objects.order_by("-pk").values_list("pk", flat=True).first()
    out = StringIO()
    with django_assert_max_num_queries(1):
        call_command("demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert demo.load() is None
    assert counts() == before
    assert Move.objects.order_by("-pk").values_list("pk", flat=True).first() == last_move
