"""The pull: what Odoo knows that the floor needs, brought over a little at a time.

In this order, each step needing the one before:

- **warehouses** `stock.warehouse` → Warehouse, by Odoo id, else by code. A new one gets Floor's
  standard locations (`create_warehouse`).
- **locations** `stock.location` → Location. Internal and view locations under a warehouse's view
  become storage bins and zones. The warehouse's own input, output and pack locations, while Odoo
  uses them (multi-step routes; archived otherwise), become Floor's input, output and pack. The
  vendor, customer, inventory-loss and scrap locations become Floor's virtual ones (Odoo 19 has no
  scrap location of its own, so there Floor's stays unlinked).
- **products** storable `product.product` → Product, with its barcode as a ProductBarcode: a GTIN
  (8, 12, 13 or 14 digits with a valid check digit) zero-padded to GTIN-14, anything else as is.
- **lots** `stock.lot` of known items → Lot, with the expiry when module product_expiry is there.
- **pickings** open (`confirmed`, `waiting`, `assigned`) receipts → Receipt, deliveries → Order,
  returns (incoming with `return_id`) → Return, internal transfers → InternalPicking, and their
  moves → lines.
- **count schedule** Odoo's own: a location's cyclic count come due, a quant's scheduled date come,
  or a count requested in Odoo → a count task on the Floor bin (floor/odoo/pull/schedule.py).

Incremental: per Odoo model a PullCursor holds the highest `write_date` read, and the next pull
asks `write_date >= cursor - ODOO_PULL_OVERLAP_SECONDS` (30 by default; with archived records, so
archiving reaches the floor). Records of that same second are read again, and so are the last
seconds before it: Odoo stamps `write_date` with the start of its transaction, so a long one
commits records older than the newest already read. Everything is matched by Odoo id, so reading
a record twice changes nothing. A picking also counts as changed when one of its moves is. Pages
go by id, so records leaving the domain mid-pull cannot make the pull skip others. The calls do
not grow with the records: one `search_read` per model and page, all moves of a page of pickings
in one more.

Scanned work is never overwritten. A receipt, order or return the floor has started on (its state,
or any line received / picked / inspected) keeps its lines and state when Odoo changes or cancels
it: the pull records a SyncException in words and flags the document `odoo_changed`. The same
difference is raised once, even after a person resolved it. A document with no work yet simply
follows Odoo.

Location barcodes: Odoo's when it has one. A location without one gets Floor's own, made from its
complete name (`WH/Stock/Shelf 1` → `WH-STOCK-SHELF-1`: letters, digits and dashes only, which
every scanner and keyboard layout sends unchanged), or `LOC-<odoo id>` when that is taken. Once a
location has a code it keeps it, even if renamed in Odoo, so printed labels stay good; a barcode
set later in Odoo replaces it.
"""

import uuid

from django.core.cache import cache

from floor.counting import triggers
from floor.odoo.client import OdooClient
from floor.odoo.pull.base import DEFAULT_OVERLAP_SECONDS, KINDS, LOCK_KEY, LOCK_SECONDS, PullResult
from floor.odoo.pull.catalogue import Catalogue, product_code
from floor.odoo.pull.documents import DOCUMENTS, Documents, resolve_exception
from floor.odoo.pull.places import Places, own_location_code
from floor.odoo.pull.schedule import CountSchedule
from floor.odoo.stock import StockTruth

__all__ = [
    "DEFAULT_OVERLAP_SECONDS",
    "DOCUMENTS",
    "KINDS",
    "LOCK_KEY",
    "LOCK_SECONDS",
    "PullResult",
    "own_location_code",
    "product_code",
    "pull",
    "resolve_exception",
]


def pull(*, client: OdooClient, full: bool = False, opening: bool = False) -> PullResult:
    """Bring Odoo's changes over (`full`: everything, whatever the cursors say; `opening`: take
    the opening balance of a warehouse where Floor already holds stock). One pull at a time: a pull
    started while another runs returns at once, `skipped`."""
    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, LOCK_SECONDS):
        return PullResult(skipped=True)
    try:
        result = _Pull(client, full=full, opening=opening).run()
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)
    # Odoo's moves the ledger refused ("count the bin"): counted, now that the pull has committed.
    triggers.raise_refused_counts()
    return result


class _Pull(Places, Catalogue, Documents, CountSchedule):
    """One pull, its steps in order (each module holds its steps)."""

    def run(self) -> PullResult:
        before = self.client.calls
        # Odoo 19 has no scrap location of its own (facts.json): it scraps into inventory loss.
        self._has_scrap = self.client.server_version < (19, 0)
        self._new_warehouse = False
        self.storable = ("detailed_type", "product") if self.client.server_version < (18, 0) else ("is_storable", True)
        self.pull_warehouses()
        self.pull_locations()
        self.pull_products()
        self.pull_pickings()  # may bring items the product step missed: lots come after
        self.pull_lots()
        StockTruth(self).run()  # on-hand stock, once all it refers to is here
        self.pull_count_schedule()
        self.result.calls = self.client.calls - before
        return self.result
