"""Odoo's own moves: the done move lines Floor did not make, posted once each; an edit taken back
and posted anew; a line of work under way held; one that takes more than Floor holds refused."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.counting.models import CountTask
from floor.ledger import services as ledger
from floor.ledger.models import Move
from floor.odoo import values
from floor.odoo.models import OdooMoveLine, OpeningBalance, Operation, PullCursor
from floor.odoo.stock.base import (
    LINE_FIELDS,
    MOVES_CURSOR,
    PAGE,
    PICKING_FIELDS,
    USAGE_KINDS,
    Steps,
    _digest,
    _id,
    _qty,
    _text,
    floor_reference,
    line_key,
)
from floor.picking.models import Order, Pick
from floor.receiving.models import Receipt
from floor.returns.models import Return
from floor.warehouse.models import Location


class OdooMoves(Steps):
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
