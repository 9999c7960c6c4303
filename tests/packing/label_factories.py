"""Stations and closed cartons for the label, printer and station-page tests, made directly
with the models (the packer's flow makes them in the app)."""

import itertools
from decimal import Decimal

from floor.packing import sscc
from floor.packing.models import Carton, CartonType, Station
from floor.picking.models import Order
from floor.warehouse.models import Location, Package
from tests import factories

_seq = itertools.count(1)


def station(wh, *, name=None, barcode=None, **fields) -> Station:
    n = next(_seq)
    name = name or f"PACK-{n}"
    location = Location.objects.create(warehouse=wh, kind=Location.Kind.PACK, name=f"{wh.code}/{name}")
    return Station.objects.create(
        warehouse=wh, name=name, barcode=barcode or f"ST-{wh.code}-{n}", location=location, **fields
    )


def carton_type(wh, *, code=None, **fields) -> CartonType:
    n = next(_seq)
    values = {
        "name": f"Box {n}",
        "length_cm": Decimal("40"),
        "width_cm": Decimal("30"),
        "height_cm": Decimal("20"),
        "max_weight_kg": Decimal("20"),
    }
    return CartonType.objects.create(warehouse=wh, code=code or f"B{n}", **{**values, **fields})


def order(wh, *, reference=None, customer="Acme Retail", carrier="DHL") -> Order:
    return Order.objects.create(
        warehouse=wh, reference=reference or f"OUT/{next(_seq):05d}", customer=customer, carrier=carrier
    )


def closed_carton(at: Station, *, order=None, number=1, weight="12.345", pk=None, packer=None) -> Carton:
    """A closed carton with its weight, its SSCC and the package the SSCC names."""
    wh = at.warehouse
    carton = Carton.objects.create(
        pk=pk,
        order=order or globals()["order"](wh),
        station=at,
        carton_type=carton_type(wh),
        number=number,
        state=Carton.State.CLOSED,
        weight_kg=Decimal(weight) if weight is not None else None,
        opened_by=packer or factories.user(roles=["packer"], wh=wh),
    )
    carton.sscc = sscc.for_carton(carton)
    carton.package = Package.objects.create(barcode=carton.sscc)
    carton.save(update_fields=["sscc", "package"])
    return carton
