"""Plain builders for test data. Each returns saved objects."""

import itertools
from decimal import Decimal

from floor.accounts.services import enrol
from floor.ledger.models import Move
from floor.ledger.services import post
from floor.warehouse.gtin import check_digit
from floor.warehouse.models import Location, Lot, Product, ProductBarcode
from floor.warehouse.services import add_bin, add_tote, add_zone, create_warehouse, virtual_location

_seq = itertools.count(1)


def gtin13(body12: str) -> str:
    """A 12-digit body with its GS1 check digit."""
    return body12 + check_digit(body12)


def warehouse(code="WH"):
    return create_warehouse(code=code, name=f"Warehouse {code}")


def zone(wh, name="Zone A"):
    return add_zone(wh, name=name)


def storage_bin(wh=None, *, aisle="A", bay=None, level=1, zone_name="Zone A"):
    wh = wh or warehouse()
    return add_bin(zone(wh, zone_name), aisle=aisle, bay=bay or next(_seq), level=level)


def product(*, sku=None, name=None, tracking="none", gtin=None, **fields):
    n = next(_seq)
    p = Product.objects.create(sku=sku or f"SKU-{n:05d}", name=name or f"Product {n}", tracking=tracking, **fields)
    code = gtin or gtin13(f"400{n:09d}")
    ProductBarcode.objects.create(product=p, code=code.zfill(14), is_gtin=True)
    return p


def lot(prod, name=None, expiry_date=None):
    return Lot.objects.create(product=prod, name=name or f"L{next(_seq)}", expiry_date=expiry_date)


def tote(wh, barcode=None):
    return add_tote(wh, barcode or f"T{next(_seq):04d}")


def user(username=None, *, roles=("picker",), wh=None, badge=None, pin="1234", password="floor-test-pw", **kw):
    n = next(_seq)
    return enrol(
        username=username or f"user{n}",
        roles=list(roles),
        password=password,
        badge=badge or f"BADGE{n:05d}",
        pin=pin,
        warehouse=wh,
        **kw,
    )


def stock(location: Location, prod, quantity, *, lot=None, package=None, key=None):
    """Put stock on a location the only way there is: a receipt move from the vendor."""
    return post(
        [
            Move(
                product=prod,
                lot=lot,
                package=package,
                quantity=Decimal(quantity),
                from_location=virtual_location(Location.Kind.VENDOR),
                to_location=location,
            )
        ],
        key=key or f"test-stock-{next(_seq)}",
    )
