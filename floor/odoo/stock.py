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

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.counting.models import CountTask
from floor.ledger import services as ledger
from floor.ledger.models import Move, Quant
from floor.odoo import values
from floor.odoo.models import OdooMoveLine, OpeningBalance, Operation, PullCursor, SyncException
from floor.picking.models import Order, Pick
from floor.receiving.models import Receipt
from floor.returns.models import Return
from floor.warehouse.models import Location, Lot, Package, Product
from floor.warehouse.services import virtual_location

log = logging.getLogger(__name__)

PAGE = 500
MOVES_CURSOR = "stock.move.line"
QUANT_FIELDS = ["product_id", "location_id", "lot_id", "package_id", "quantity"]
LINE_FIELDS = [
    "product_id",
    "lot_id",
    "package_id",
    "result_package_id",
    "location_id",
    "location_dest_id",
    "location_usage",
    "location_dest_usage",
    "quantity_product_uom",
    "move_id",
    "picking_id",
    "reference",
    "is_inventory",
    "date",
    "write_date",
]
PICKING_FIELDS = ["name", "origin", "state"]
# Odoo's virtual locations, by usage, as Floor's own.
USAGE_KINDS = {
    "supplier": Location.Kind.VENDOR,
    "customer": Location.Kind.CUSTOMER,
    "inventory": Location.Kind.INVENTORY_LOSS,
    "production": Location.Kind.PRODUCTION,
    "transit": Location.Kind.TRANSIT,
}
OPENING_REFERENCE = "Odoo opening balance"

_id, _qty, _text, _digest = values.odoo_id, values.quantity, values.text, values.digest


def opening_key(quant_id: int) -> str:
    return f"odoo-opening:{quant_id}"


def line_key(line_id: int, revision: int) -> str:
    return f"odoo:{line_id}" if revision == 0 else f"odoo:{line_id}:{revision}"


def floor_reference(reference) -> str:
    """An adjustment's reference without the user 19 may add after it ("FLOOR-CNT-7 (Admin)")."""
    return str(reference or "").split(" (", 1)[0]


class StockTruth:
    """The stock steps of one pull (`pull` is the running `floor.odoo.pull._Pull`)."""

    def __init__(self, pull, *, opening_only: bool = False):
        self.pull = pull
        self.client = pull.client
        self.opening_only = opening_only
        self.overlap = timedelta(seconds=settings.ODOO_PULL_OVERLAP_SECONDS)
        self._virtual: dict[str, Location] = {}
        self._reported: set = set()

    def run(self) -> None:
        for wh in self.pull.warehouses.values():
            if wh.view_id:
                self.open_warehouse(wh)
        if not self.opening_only:
            self.follow_odoo_moves()

    # --- what Floor knows of Odoo's records, fetched when missing

    def _products(self, ids: set) -> dict[int, Product]:
        ids = {i for i in ids if i}
        found = {p.odoo_id: p for p in Product.objects.filter(odoo_id__in=ids)}
        missing = sorted(ids - set(found))
        if missing:  # made in Odoo after the product step read them
            field_name, _value = self.pull.storable
            rows = self.client.read(
                "product.product", missing, [*self.pull.PRODUCT_FIELDS, field_name], context={"active_test": False}
            )
            with transaction.atomic():
                self.pull._apply_products(rows)
            found.update({p.odoo_id: p for p in Product.objects.filter(odoo_id__in=missing, active=True)})
        return {odoo: product for odoo, product in found.items() if product.active}

    def _lots(self, ids: set) -> dict[int, Lot]:
        ids = {i for i in ids if i}
        found = {lot.odoo_id: lot for lot in Lot.objects.filter(odoo_id__in=ids)}
        missing = sorted(ids - set(found))
        if missing:
            rows = self.client.read("stock.lot", missing, self.pull.lot_fields())
            with transaction.atomic():
                self.pull._apply_lots(rows, expiry="expiration_date" in self.pull.lot_fields())
            found.update({lot.odoo_id: lot for lot in Lot.objects.filter(odoo_id__in=missing)})
        return found

    def _packages(self, ids: set) -> dict[int, Package]:
        """Odoo's packages as Floor's licence plates, by id, else adopted by name, else made."""
        ids = {i for i in ids if i}
        found = {p.odoo_id: p for p in Package.objects.filter(odoo_id__in=ids)}
        missing = sorted(ids - set(found))
        if missing:
            model = "stock.package" if self.client.server_version >= (19, 0) else "stock.quant.package"
            rows = self.client.read(model, missing, ["name"])
            names = {_text(row["name"], 64) or f"ODOO-PACK-{row['id']}": row["id"] for row in rows}
            by_name = {p.barcode: p for p in Package.objects.filter(barcode__in=names)}
            for name, package_id in names.items():
                package = by_name.get(name)
                if package is not None and package.odoo_id is None:
                    package.odoo_id = package_id
                    package.save(update_fields=["odoo_id"])
                elif package is not None:  # the name is another package's: Floor's plate says which
                    package = Package.objects.create(barcode=f"ODOO-PACK-{package_id}", odoo_id=package_id)
                else:
                    package = Package.objects.create(barcode=name, odoo_id=package_id)
                found[package_id] = package
        return found

    def _virtual_location(self, kind: str) -> Location:
        if kind not in self._virtual:
            self._virtual[kind] = virtual_location(kind)
        return self._virtual[kind]

    def _report(self, *, odoo_model, odoo_id, reference, message, warehouse_id=None, once=None) -> None:
        if once is not None:
            if once in self._reported:
                return
            self._reported.add(once)
        self.pull._exception(
            kind=SyncException.Kind.STOCK,
            odoo_model=odoo_model,
            odoo_id=odoo_id,
            reference=reference,
            message=message,
            warehouse_id=warehouse_id,
        )

    # --- the opening balance

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

    def _lines_domain(self, since: str, views: list[int]) -> list:
        """Done lines of storable items written since `since` that touch these warehouses."""
        field_name, value = self.pull.storable
        return [
            ("state", "=", "done"),
            ("write_date", ">=", since),
            (f"product_id.{field_name}", "=", value),
            "|",
            ("location_id", "child_of", views),
            ("location_dest_id", "child_of", views),
        ]

    def _read_lines(self, since: str, views: list[int]) -> list[dict]:
        return self.pull._read(MOVES_CURSOR, self._lines_domain(since, views), LINE_FIELDS, page=PAGE)

    def follow_odoo_moves(self) -> None:
        cursor = PullCursor.objects.filter(model=MOVES_CURSOR).first()
        views = sorted(wh.view_id for wh in self.pull.warehouses.values() if wh.view_id)
        if cursor is None or cursor.last_write_date is None or not views:
            return  # no opening balance yet: it takes Odoo's stock as it stands
        domain = self._lines_domain(values.odoo_datetime(cursor.last_write_date - self.overlap), views)
        newest, last = None, 0
        while True:
            page = self.client.search_read(
                MOVES_CURSOR, [*domain, ("id", ">", last)], LINE_FIELDS, limit=PAGE, order="id"
            )
            self._judge_page(page)
            for row in page:
                stamp = values.moment(row["write_date"])
                newest = stamp if newest is None or (stamp and stamp > newest) else newest
            if len(page) < PAGE:
                break
            last = page[-1]["id"]
        if newest and newest > cursor.last_write_date:
            cursor.last_write_date = newest
        cursor.pulled_at = timezone.now()
        cursor.save(update_fields=["last_write_date", "pulled_at"])

    @staticmethod
    def _fingerprint(row: dict) -> str:
        return _digest(
            _id(row["product_id"]),
            _id(row["lot_id"]),
            _id(row["package_id"]),
            _id(row["result_package_id"]),
            _id(row["location_id"]),
            _id(row["location_dest_id"]),
            str(_qty(row["quantity_product_uom"])),
        )

    def _judge_page(self, rows: list[dict]) -> None:
        if not rows:
            return
        seen = {line.odoo_id: line for line in OdooMoveLine.objects.filter(odoo_id__in=[r["id"] for r in rows])}
        rows = [
            row
            for row in rows
            if row["id"] not in seen
            or seen[row["id"]].state == OdooMoveLine.State.HELD
            or (
                seen[row["id"]].state != OdooMoveLine.State.COVERED
                and seen[row["id"]].fingerprint != self._fingerprint(row)
            )
        ]
        if not rows:
            return
        floor_made = self._floor_made(rows)
        in_work = self._documents_in_work({_id(row["picking_id"]) for row in rows} - {None})
        products = self._products({_id(row["product_id"]) for row in rows})
        lots = self._lots({_id(row["lot_id"]) for row in rows})
        packages = self._packages({_id(row[f]) for row in rows for f in ("package_id", "result_package_id")})
        ends = {_id(row[f]) for row in rows for f in ("location_id", "location_dest_id")}
        locations = {loc.odoo_id: loc for loc in Location.objects.filter(odoo_id__in=ends - {None})}
        balances = {
            b.warehouse_id: b
            for b in OpeningBalance.objects.filter(warehouse__in=[loc.warehouse_id for loc in locations.values()])
        }
        covered = set(
            OdooMoveLine.objects.filter(
                odoo_id__in=[r["id"] for r in rows], state=OdooMoveLine.State.COVERED
            ).values_list("odoo_id", flat=True)
        )
        for row in rows:
            line = seen.get(row["id"])
            if row["id"] in floor_made:
                if line is not None and line.state == OdooMoveLine.State.HELD:
                    line.delete()  # the floor finished the document itself: its work is the truth
                continue
            product = products.get(_id(row["product_id"]))
            if product is None:
                continue
            source = self._place(row, "location_id", "location_usage", locations, balances, covered)
            destination = self._place(row, "location_dest_id", "location_dest_usage", locations, balances, covered)
            judged = {
                "fingerprint": self._fingerprint(row),
                "reference": _text(row["reference"], 64),
                "product": product,
                "quantity": _qty(row["quantity_product_uom"]),
                "done_at": values.moment(row["date"]),
                "from_location": source,
                "to_location": destination,
                "warehouse_id": next(
                    (end.warehouse_id for end in (source, destination) if end is not None and end.warehouse_id), None
                ),
            }
            document = in_work.get(_id(row["picking_id"]))
            if document is not None:
                note = _("%(document)s was being worked on the floor when Odoo validated it") % {"document": document}
                self._record(row, line, state=OdooMoveLine.State.HELD, note=note, **judged)
                continue
            if source is None or destination is None:
                self._outside(row, product, source, destination, line, judged)
                continue
            if source.is_virtual and destination.is_virtual:
                self._record(row, line, state=OdooMoveLine.State.COVERED, **judged)
                continue
            self._post(row, line, judged, lots, packages)

    def _floor_made(self, rows: list[dict]) -> set[int]:
        """The lines Floor's own pushes made: on a picking its operation filled or created (by
        id, or by its reference as the picking's origin or name), an adjustment named after its
        reference, or a scrap whose origin is its reference."""
        picking_ids = sorted({_id(row["picking_id"]) for row in rows} - {None})
        pickings = (
            {p["id"]: p for p in self.client.read("stock.picking", picking_ids, PICKING_FIELDS)} if picking_ids else {}
        )
        loose = sorted(
            {_id(row["move_id"]) for row in rows if not row["picking_id"] and not row["is_inventory"]} - {None}
        )
        scraps = {}
        if loose:
            for scrap in self.client.search_read("stock.scrap", [("move_ids", "in", loose)], ["origin", "move_ids"]):
                scraps.update(dict.fromkeys(scrap["move_ids"], scrap["origin"]))
        names = {floor_reference(row["reference"]) for row in rows if row["is_inventory"]}
        names |= {p[field] for p in pickings.values() for field in ("origin", "name") if p[field]}
        names |= {origin for origin in scraps.values() if origin}
        references = set(Operation.objects.filter(reference__in=names).values_list("reference", flat=True))
        pushed = self.pull._pushed_by_floor(picking_ids)
        made = set()
        for row in rows:
            picking = pickings.get(_id(row["picking_id"]))
            if picking is not None:
                mine = picking["id"] in pushed or picking["origin"] in references or picking["name"] in references
            elif row["is_inventory"]:
                mine = floor_reference(row["reference"]) in references
            else:
                mine = scraps.get(_id(row["move_id"])) in references
            if mine:
                made.add(row["id"])
        return made

    @staticmethod
    def _documents_in_work(picking_ids: set) -> dict[int, str]:
        """Pickings Floor holds as a document it has started on, by Odoo id: their reference."""
        found = {}
        for model, line_work, busy in (
            (Receipt, "lines__received__gt", [Receipt.State.RECEIVING]),
            (Order, "lines__picked__gt", [Order.State.IN_WAVE, Order.State.PICKED, Order.State.PACKED]),
            (Return, "lines__inspected__gt", [Return.State.INSPECTING]),
        ):
            started = Q(state__in=busy) | Q(**{line_work: 0})
            open_states = [s for s in model.State.values if s not in ("done", "cancelled", "shipped")]
            rows = model.objects.filter(started, odoo_id__in=picking_ids, state__in=open_states)
            found.update(dict(rows.values_list("odoo_id", "reference")))
        return found

    def _place(self, row, end, usage_field, locations, balances, covered) -> Location | None:
        """Floor's location for one end of an Odoo line: its linked location (or the opening
        balance, where the warehouse's balance already holds this line), Floor's virtual one for
        Odoo's virtual ones; None for an internal location Floor has no place for."""
        location = locations.get(_id(row[end]))
        if location is not None:
            if location.warehouse_id and self._in_balance(row, balances.get(location.warehouse_id), covered):
                return self._virtual_location(Location.Kind.OPENING)
            return location
        kind = USAGE_KINDS.get(row[usage_field])
        return self._virtual_location(kind) if kind else None

    def _in_balance(self, row, balance: OpeningBalance | None, covered: set) -> bool:
        if balance is None or not balance.odoo_moves_until:
            return True  # its warehouse's opening, still to come, will read this in its quants
        if row["id"] in covered:
            return True
        until = values.moment(balance.odoo_moves_until) - self.overlap
        return values.moment(row["write_date"]) < until

    def _outside(self, row, product, source, destination, line, judged) -> None:
        place = values.label(row["location_id"] if source is None else row["location_dest_id"])
        note = _("%(location)s is not a location Floor holds") % {"location": place}
        self._record(row, line, state=OdooMoveLine.State.OUTSIDE, note=note, **judged)
        self._report(
            odoo_model="stock.move.line",
            odoo_id=row["id"],
            reference=judged["reference"],
            warehouse_id=judged["warehouse_id"],
            message=_(
                "Odoo moved %(qty)s %(item)s from %(from)s to %(to)s (%(document)s), and Floor holds no location "
                "for %(location)s: the move was not posted."
            )
            % {
                "qty": values.shown(judged["quantity"]),
                "item": product,
                "from": values.label(row["location_id"]),
                "to": values.label(row["location_dest_id"]),
                "document": judged["reference"],
                "location": place,
            },
        )

    def _post(self, row, line: OdooMoveLine | None, judged: dict, lots, packages) -> None:
        """Post the line (taking back what an earlier version of it posted), or refuse it."""
        revision = 0
        if line is not None and line.key:
            revision = int(line.key.rsplit(":", 1)[1]) + 1 if line.key.count(":") == 2 else 1
        source, destination = judged["from_location"], judged["to_location"]
        package = packages.get(_id(row["package_id"]))
        move = Move(
            product=judged["product"],
            lot=lots.get(_id(row["lot_id"])),
            package=package,
            to_package=packages.get(_id(row["result_package_id"])),
            quantity=judged["quantity"],
            from_location=source,
            to_location=destination,
            device="odoo",
            reference=judged["reference"] or _("Odoo"),
        )
        move.unpacks = package is not None and move.to_package is None
        if move.quantity <= 0 or (source == destination and move.package == move.to_package):
            self._record(row, line, state=OdooMoveLine.State.COVERED, **judged)
            return
        key = line_key(row["id"], revision)
        try:
            with transaction.atomic():
                if line is not None and line.key:
                    self._take_back(line, revision)
                ledger.post([move], key=key)
        except ledger.NotEnoughStock as short:
            note = _("Odoo took %(qty)s %(item)s from %(location)s, where Floor holds %(on_hand)s") % {
                "qty": values.shown(move.quantity),
                "item": move.product,
                "location": short.location.name,
                "on_hand": values.shown(short.on_hand),
            }
            self._record(row, line, state=OdooMoveLine.State.REFUSED, note=note, **judged)
            self._report(
                odoo_model="stock.move.line",
                odoo_id=row["id"],
                reference=judged["reference"],
                warehouse_id=judged["warehouse_id"],
                message=_("%(what)s (%(document)s): the move was not posted. Count the bin.")
                % {"what": note, "document": judged["reference"]},
            )
            return
        self._record(row, line, state=OdooMoveLine.State.POSTED, key=key, **judged)
        self.pull.result.created["odoo moves"] += 1
        self._warn_work_at(move, judged, row["id"])

    @staticmethod
    def _take_back(line: OdooMoveLine, revision: int) -> None:
        """Reverse what an earlier version of an edited line posted."""
        moved = list(Move.objects.filter(key=line.key).order_by("line"))
        if moved:
            # Keyed by revision: each edit of the line takes back what the one before posted.
            ledger.reverse(moved, actor_id=None, device="odoo", key=f"odoo:{line.odoo_id}:undo:{revision}")

    def _record(self, row, line: OdooMoveLine | None, *, state, key="", note="", **judged) -> None:
        if state != OdooMoveLine.State.POSTED and line is not None:
            key = line.key  # what an earlier version posted stands until it is taken back
        fields = {
            "state": state,
            "key": key,
            "note": note[:300],
            "fingerprint": judged["fingerprint"],
            "reference": judged["reference"],
            "product": judged["product"],
            "quantity": judged["quantity"],
            "from_location": judged.get("from_location"),
            "to_location": judged.get("to_location"),
            "warehouse_id": judged.get("warehouse_id"),
            "done_at": judged["done_at"],
        }
        if line is None:
            OdooMoveLine.objects.create(odoo_id=row["id"], **fields)
        else:
            for name, value in fields.items():
                setattr(line, name, value)
            line.save()

    def _warn_work_at(self, move: Move, judged: dict, line_id: int) -> None:
        """Odoo moved stock in or out of a bin with floor work at it: a pick of that item still to
        do there, or a count of the bin."""
        for bin_ in (move.from_location, move.to_location):
            if bin_.kind != Location.Kind.STORAGE:
                continue
            picks = Pick.objects.filter(state=Pick.State.OPEN, location=bin_, product=move.product).select_related(
                "task"
            )
            work = [pick.task.reference for pick in picks[:3]]
            if CountTask.objects.filter(location=bin_, state=CountTask.State.OPEN).exists():
                work.append(_("a count of the bin"))
            if not work:
                continue
            self._report(
                odoo_model="stock.move.line",
                odoo_id=line_id,
                reference=judged["reference"],
                warehouse_id=bin_.warehouse_id,
                once=("work", judged["reference"], bin_.pk, move.product_id),
                message=(
                    _(
                        "Odoo moved %(qty)s %(item)s out of %(bin)s (%(document)s) while the floor has work there: "
                        "%(work)s. Floor's stock follows Odoo's; check the bin."
                    )
                    if bin_ == move.from_location
                    else _(
                        "Odoo moved %(qty)s %(item)s into %(bin)s (%(document)s) while the floor has work there: "
                        "%(work)s. Floor's stock follows Odoo's; check the bin."
                    )
                )
                % {
                    "qty": values.shown(move.quantity),
                    "item": move.product,
                    "bin": bin_.name,
                    "document": judged["reference"],
                    "work": ", ".join(work),
                },
            )
