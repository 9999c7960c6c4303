"""Stock truth: Floor's on-hand follows Odoo's, as the last steps of every pull.

- **Opening balance.** The first pull of a warehouse reads Odoo's quants in its internal locations,
  a page at a time, and posts each into the ledger as a move from the virtual "Odoo opening
  balance" location, keyed by the quant's id: a second run posts nothing. A quant in a location
  Floor has no place for, or below zero, is reported (a SyncException), not guessed.
- **Odoo's own moves.** Every pull then reads the done move lines written since its cursor that
  touch a pulled warehouse, and posts those Floor did not make (its own carry an outbox
  operation's reference, or are the pickings its operations fill) as moves keyed by Odoo's line
  id, so each is posted once; a line edited in Odoo after it was posted is taken back and posted
  anew. Moves into or out of Odoo's virtual locations come from or go to Floor's own.
- A line of a document the floor is working on (a receipt being received, an order in a wave) is
  held, not posted: the pull has already raised the change as an exception, and the floor's own
  work will tell the truth when it is confirmed. A line that would take more than Floor holds is
  refused and reported; the reconciliation lists the bin.

Moves Odoo makes while a warehouse's quants are being read may be counted twice or missed; the
reconciliation (floor/odoo/reconcile.py) finds them.
"""

from floor.odoo.stock.base import MOVES_CURSOR, PAGE, QUANT_FIELDS
from floor.odoo.stock.moves import OdooMoves
from floor.odoo.stock.opening import Opening

__all__ = ["MOVES_CURSOR", "PAGE", "QUANT_FIELDS", "StockTruth"]


class StockTruth(Opening, OdooMoves):
    """The stock steps of one pull, in order."""

    def run(self) -> None:
        for wh in self.pull.warehouses.values():
            if wh.view_id:
                self.open_warehouse(wh)
        if not self.opening_only:
            self.follow_odoo_moves()
