"""The order a picker walks a task's bins in."""

from collections.abc import Sequence

from floor.warehouse.models import Location


def walk_order(bins: Sequence[Location]) -> list[int]:
    """Indexes of `bins` in walking order: a serpentine through the aisles, up one, down the next."""
    aisles = sorted({b.aisle for b in bins})
    turn = {aisle: n % 2 for n, aisle in enumerate(aisles)}

    def key(i):
        b = bins[i]
        bay = b.bay or 0
        return (b.aisle, -bay if turn[b.aisle] else bay, b.level or 0, b.pk or 0)

    return sorted(range(len(bins)), key=key)
