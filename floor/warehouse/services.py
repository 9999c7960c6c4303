from django.db import transaction

from floor.warehouse.models import Location, Tote, Warehouse

Kind = Location.Kind

# Virtual locations are shared by all warehouses, as in Odoo ("Partners/Vendors", ...).
_VIRTUAL_NAMES = {
    Kind.VENDOR: "Vendors",
    Kind.CUSTOMER: "Customers",
    Kind.INVENTORY_LOSS: "Inventory adjustment",
    Kind.SCRAP: "Scrap",
    Kind.PRODUCTION: "Production",
    Kind.TRANSIT: "In transit",
    Kind.OPENING: "Odoo opening balance",
}


def virtual_location(kind: str) -> Location:
    location = Location.objects.filter(kind=kind, warehouse=None).order_by("pk").first()
    if location is None:
        location = Location.objects.create(kind=kind, name=_VIRTUAL_NAMES[kind])
    return location


@transaction.atomic
def create_warehouse(*, code: str, name: str) -> Warehouse:
    """A warehouse with the locations every flow expects: dock, input, stock, pack, output,
    returns and quarantine (bins are added under stock zones)."""
    warehouse, _ = Warehouse.objects.get_or_create(code=code, defaults={"name": name})
    for kind, label in [
        (Kind.DOCK, "Dock"),
        (Kind.INPUT, "Input"),
        (Kind.PACK, "Pack"),
        (Kind.OUTPUT, "Output"),
        (Kind.RETURNS, "Returns"),
        (Kind.QUARANTINE, "Quarantine"),
    ]:
        Location.objects.get_or_create(
            warehouse=warehouse,
            kind=kind,
            parent=None,
            defaults={"name": f"{code}/{label}", "barcode": f"{code}-{label.upper()}"},
        )
    for kind in _VIRTUAL_NAMES:
        virtual_location(kind)
    return warehouse


def location_of_kind(warehouse: Warehouse, kind: str) -> Location:
    """The warehouse's main location of a kind (its input, its quarantine...)."""
    return Location.objects.filter(warehouse=warehouse, kind=kind).order_by("pk").first()


def add_zone(warehouse: Warehouse, *, name: str, barcode: str | None = None) -> Location:
    zone, _ = Location.objects.get_or_create(
        warehouse=warehouse, kind=Kind.VIEW, name=f"{warehouse.code}/{name}", defaults={"barcode": barcode}
    )
    return zone


def add_bin(zone: Location, *, aisle: str, bay: int, level: int, capacity_volume=None) -> Location:
    name = f"{aisle}-{bay:02d}-{level:02d}"
    location, _ = Location.objects.get_or_create(
        barcode=name,
        defaults={
            "warehouse": zone.warehouse,
            "parent": zone,
            "kind": Kind.STORAGE,
            "name": name,
            "aisle": aisle,
            "bay": bay,
            "level": level,
            "capacity_volume": capacity_volume,
        },
    )
    return location


def add_tote(warehouse: Warehouse, barcode: str) -> Tote:
    tote = Tote.objects.filter(barcode=barcode).first()
    if tote is None:
        location = Location.objects.create(warehouse=warehouse, kind=Kind.TOTE, name=f"Tote {barcode}")
        tote = Tote.objects.create(warehouse=warehouse, barcode=barcode, location=location)
    return tote
