"""The opening balance: a warehouse's quants in Odoo posted into the ledger once."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.ledger import services as ledger
from floor.ledger.models import Move, Quant
from floor.odoo import values
from floor.odoo.models import OdooMoveLine, OpeningBalance, PullCursor
from floor.odoo.stock.base import (
    MOVES_CURSOR,
    OPENING_REFERENCE,
    PAGE,
    QUANT_FIELDS,
    Steps,
    _id,
    _qty,
    _text,
    opening_key,
)
from floor.warehouse.models import Location


class Opening(Steps):
    def open_warehouse(self, wh) -> None:
        balance = OpeningBalance.objects.filter(warehouse=wh.floor).first()
        if balance is not None and balance.finished_at and (balance.taken or not self.pull.opening):
            return
        if balance is None:
            balance = OpeningBalance.objects.create(warehouse=wh.floor)
            if not self.pull.opening and self._holds_stock(wh):
                self._mark_moves_in_balance(wh, balance)
                self._finish(balance, taken=False)
                self._report(
                    odoo_model="stock.warehouse",
                    odoo_id=wh.floor.odoo_id,
                    reference=wh.floor.code,
                    warehouse_id=wh.floor.pk,
                    message=_(
                        "Floor already held stock in %(warehouse)s when it first read Odoo's, so it took no "
                        "opening balance; Odoo's moves from now on are followed. Compare both with manage.py "
                        "odoo_reconcile, or add Odoo's stock to Floor's with manage.py odoo_pull --opening."
                    )
                    % {"warehouse": wh.floor.code},
                )
                return
        if not balance.odoo_moves_until or not balance.taken:
            self._mark_moves_in_balance(wh, balance)  # taken now, as Odoo's stock stands now
        domain = [("location_id", "child_of", wh.view_id), ("location_id.usage", "=", "internal")]
        last = 0
        while True:
            page = self.client.search_read(
                "stock.quant", [*domain, ("id", ">", last)], QUANT_FIELDS, limit=PAGE, order="id"
            )
            self._open_page(wh, balance, page)
            if len(page) < PAGE:
                break
            last = page[-1]["id"]
        self._finish(balance, taken=True)

    @staticmethod
    def _finish(balance: OpeningBalance, *, taken: bool) -> None:
        balance.finished_at, balance.taken = timezone.now(), taken
        balance.save(update_fields=["finished_at", "taken"])
        # Odoo's moves are followed from where they stood when the first balance was read.
        cursor, _created = PullCursor.objects.get_or_create(model=MOVES_CURSOR)
        if cursor.last_write_date is None:
            cursor.last_write_date = values.moment(balance.odoo_moves_until)
            cursor.save(update_fields=["last_write_date"])

    @staticmethod
    def _holds_stock(wh) -> bool:
        return Quant.objects.filter(location__warehouse=wh.floor).exclude(quantity=0).exists()

    def _mark_moves_in_balance(self, wh, balance: OpeningBalance) -> None:
        """Where Odoo's moves stand before its quants are read. Lines written in the last seconds
        before it are in the quants too: they are recorded as such, so no later pull posts them."""
        newest = self.client.search_read(
            "stock.move.line", [("state", "=", "done")], ["write_date"], limit=1, order="write_date desc, id desc"
        )
        until = newest[0]["write_date"] if newest else values.odoo_datetime(timezone.now())
        since = values.odoo_datetime(values.moment(until) - self.overlap)
        recent = self._read_lines(since, [wh.view_id])
        known = set(
            OdooMoveLine.objects.filter(odoo_id__in=[r["id"] for r in recent]).values_list("odoo_id", flat=True)
        )
        OdooMoveLine.objects.bulk_create(
            OdooMoveLine(
                odoo_id=row["id"],
                warehouse=wh.floor,
                state=OdooMoveLine.State.COVERED,
                fingerprint=self._fingerprint(row),
                reference=_text(row["reference"], 64),
                done_at=values.moment(row["date"]),
            )
            for row in recent
            if row["id"] not in known
        )
        balance.odoo_moves_until = until
        balance.save(update_fields=["odoo_moves_until"])

    def _open_page(self, wh, balance: OpeningBalance, rows: list[dict]) -> None:
        if not rows:
            return
        posted = set(
            Move.objects.filter(key__in=[opening_key(row["id"]) for row in rows]).values_list("key", flat=True)
        )
        rows = [row for row in rows if opening_key(row["id"]) not in posted]
        products = self._products({_id(row["product_id"]) for row in rows})
        lots = self._lots({_id(row["lot_id"]) for row in rows})
        packages = self._packages({_id(row["package_id"]) for row in rows})
        locations = {
            loc.odoo_id: loc
            for loc in Location.objects.filter(
                odoo_id__in={_id(row["location_id"]) for row in rows}, warehouse=wh.floor
            )
        }
        opening = self._virtual_location(Location.Kind.OPENING)
        brought = left_out = 0
        with transaction.atomic():
            for row in rows:
                location = locations.get(_id(row["location_id"]))
                product = products.get(_id(row["product_id"]))
                quantity = _qty(row["quantity"])
                if product is None or quantity == 0:
                    continue  # an item Floor keeps no stock of (a consumable)
                if location is None:
                    left_out += 1
                    self._report(
                        odoo_model="stock.location",
                        odoo_id=_id(row["location_id"]),
                        reference=values.label(row["location_id"]),
                        warehouse_id=wh.floor.pk,
                        once=("unlinked", _id(row["location_id"])),
                        message=_(
                            "Odoo holds stock at %(location)s, which Floor has no location for: it was not "
                            "brought in. Pull the locations again, or move the stock in Odoo."
                        )
                        % {"location": values.label(row["location_id"])},
                    )
                    continue
                if quantity < 0:
                    left_out += 1
                    self._report(
                        odoo_model="stock.quant",
                        odoo_id=row["id"],
                        reference=location.name,
                        warehouse_id=wh.floor.pk,
                        message=_(
                            "Odoo holds %(qty)s of %(item)s at %(location)s, below zero: Floor brings no "
                            "negative stock in. Count the bin."
                        )
                        % {"qty": values.shown(quantity), "item": product, "location": location.name},
                    )
                    continue
                move = Move(
                    product=product,
                    lot=lots.get(_id(row["lot_id"])),
                    package=None,
                    to_package=packages.get(_id(row["package_id"])),
                    quantity=quantity,
                    from_location=opening,
                    to_location=location,
                    device="odoo",
                    reference=OPENING_REFERENCE,
                )
                ledger.post([move], key=opening_key(row["id"]))
                brought += 1
            balance.quants += brought
            balance.left_out += left_out
            balance.save(update_fields=["quants", "left_out"])
        self.pull.result.created["opening stock"] += brought

    # --- Odoo's own moves
