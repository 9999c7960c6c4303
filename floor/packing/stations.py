"""Pack stations and carton types: what a supervisor sets up before packing starts."""

from django.db import transaction

from floor.packing.models import CartonType, Station
from floor.warehouse.models import Location, ProductBarcode, Tote, Warehouse

PACK = Location.Kind.PACK


def free_pack_locations(warehouse: Warehouse, *, keep: Location | None = None):
    """The warehouse's pack locations no station stands on (and `keep`, the one a station has)."""
    free = Location.objects.filter(warehouse=warehouse, kind=PACK, active=True, station__isnull=True)
    if keep is not None:
        free = free | Location.objects.filter(pk=keep.pk)
    return free.order_by("name", "pk")


@transaction.atomic
def add_station(
    *, warehouse: Warehouse, name: str, barcode: str, location: Location | None = None, **devices
) -> Station:
    """A station on `location`, else on a free pack location, else on a new one of its own."""
    if location is None:
        # Two supervisors adding stations at once do not take the same free location.
        location = (
            Location.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=free_pack_locations(warehouse).values("pk"))
            .order_by("pk")
            .first()
        )
    if location is None:
        location = Location.objects.create(warehouse=warehouse, kind=PACK, name=f"{warehouse.code}/{name}")
    return Station.objects.create(warehouse=warehouse, name=name, barcode=barcode, location=location, **devices)


def barcode_in_use(code: str, *, station: Station | None = None, carton_type: CartonType | None = None) -> bool:
    """Whether a code the packer scans is already a location, tote, item, station or carton type
    (the same code for two things would make the scan ambiguous)."""
    stations = Station.objects.filter(barcode=code).exclude(pk=getattr(station, "pk", None))
    carton_types = CartonType.objects.filter(barcode=code).exclude(pk=getattr(carton_type, "pk", None))
    return (
        stations.exists()
        or carton_types.exists()
        or Location.objects.filter(barcode=code).exists()
        or Tote.objects.filter(barcode=code).exists()
        or ProductBarcode.objects.filter(code=code).exists()
    )
