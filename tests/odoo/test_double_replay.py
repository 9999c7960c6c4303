"""The double answers the recorded Odoo calls as the real servers did.

Every flow recorded on 17.0, 18.0 and 19.0 (setup, receipt, putaway, delivery, pack, inventory, scrap, return,
errors, lots, batch, and json2 on 19) is replayed in the recorded order against one fresh double, over the
recorded transport (JSON-RPC, XML-RPC, JSON-2). Ids are mapped, digits in strings are masked; everything
else (states, quantities, field sets, wizard actions and their contexts, error classes and messages) must
match. The few calls left out are listed below with the reason. stock_truth, recorded on the demo data,
replays on its own double after that data is put in from the recorded answers (see RecordedStock).
"""

import datetime as dt

import pytest

from tests.odoo_double.fixtures import *  # noqa: F403 - the double's fixtures
from tests.odoo_double.replay import Replayer, load_calls

FLOWS = ["setup", "receipt", "putaway", "delivery", "pack", "inventory", "scrap", "return", "errors", "lots", "batch"]

# Calls made as other users (floor_nostock, floor_stockuser): the double has one user, admin (no ACLs).
OTHER_USERS = set(range(30, 47)) | {58, 65}
# Answers that list the recorded database's demo data, which the double copies only in part.
DEMO_DATA = {
    "17.0": {"setup": {33}},
    "18.0": {"setup": {31}},
    "19.0": {"setup": {31}},
}
# 17.0 returned the two batch pickings in creation order and 18.0 in reverse: the order follows
# scheduled_date, equal or not to the second. The double sorts equal dates by id desc, as 18 did.
UNSTABLE = {"17.0": {"batch": {11, 12}}}


def test_every_recorded_flow_replays_without_a_difference(odoo_double):
    replayer = Replayer(odoo_double)
    version = odoo_double.version
    for flow in FLOWS + (["json2"] if version >= "19.0" else []):
        loose = DEMO_DATA[version].get(flow, set()) | UNSTABLE.get(version, {}).get(flow, set())
        skip = OTHER_USERS if flow == "errors" else set()
        replayer.run(flow, skip=skip, loose=loose)
    assert [str(m) for m in replayer.mismatches] == []
    assert odoo_double.internal_errors == []
    # The replay did go through the flows, not around them.
    assert odoo_double.call_count(model="stock.picking", method="button_validate") >= 25
    assert odoo_double.records("stock.picking", [("state", "=", "done")], ["name"])


@pytest.mark.parametrize("flow", ["receipt", "delivery", "lots"])
def test_a_flow_replays_on_its_own_from_the_seed_data(odoo_double, flow):
    """Flows that only need the setup flow's product replay on a fresh double."""
    replayer = Replayer(odoo_double)
    creates = {
        c["seq"]
        for c in load_calls(odoo_double.version, "setup")
        if c.get("method") == "create" and c.get("model") in ("product.product", "stock.location")
    }
    replayer.run("setup", only=creates)  # the Floor Test Widget and Shelf A
    if flow == "delivery":
        replayer.run("receipt")
        replayer.run("putaway")
    if flow == "lots":
        # On a fresh database the first delivery asks about SMS; in the recording the delivery flow had answered.
        odoo_double.write("res.company", 1, {"has_received_warning_stock_sms": True})
    replayer.run(flow)
    assert [str(m) for m in replayer.mismatches] == []


# ----------------------------------------------------------------------------------------------- stock_truth
# transcript_stock_truth (recorded 2026-12-05) ran against the recorded databases' demo data: ~80 quants in
# ACC- bins, a done delivery WH/OUT/00018 (ACC-OUT-DONE) and, on 17 and 19, an open receipt ACC-IN-4 that
# is the backorder of an earlier one. RecordedStock puts that part into a fresh double, built from the
# recorded answers themselves (the quant pages, the bin list, the receipt's lines, the return wizard's
# lines), before the flow is replayed; the double's clock is set just after the flow's T.


def _answer(calls, note_start: str):
    return next(c for c in calls if (c.get("note") or "").startswith(note_start))["result"]


def _seqs(calls, *note_starts: str) -> set[int]:
    """Seqs of the calls whose note starts with one of `note_starts` (a call without a note belongs
    with the one before it, as the recorder wrote them)."""
    seqs, note = set(), ""
    for c in calls:
        note = c.get("note") or note
        if any(note.startswith(n) for n in note_starts):
            seqs.add(c["seq"])
    return seqs


class RecordedStock:
    """Demo data of the recorded database, made in the double from recorded answers; each record's recorded
    id is mapped to the double's in the replayer (products and bins are matched by name when the double
    already has them). Test scaffolding: no Odoo behaviour lives here."""

    def __init__(self, double, replayer):
        self.d, self.r = double, replayer
        self.env = double.env

    def learn(self, model, recorded_id, actual_id):
        self.r.idmap.setdefault(model, {})[recorded_id] = actual_id
        return actual_id

    def product(self, pair, tracking="none") -> int:
        recorded_id, display = pair
        known = self.r.idmap.get("product.product", {}).get(recorded_id)
        if known:
            return known
        prods = self.env["product.product"]
        found = [pid for pid, rec in prods.table.items() if prods.display(rec) == display]
        if found:
            return self.learn("product.product", recorded_id, found[0])
        code, name = display[1:].split("] ", 1) if display.startswith("[") else (None, display)
        pid = self.d.seed_product(name, default_code=code, tracking=tracking)
        return self.learn("product.product", recorded_id, pid)

    def location(self, pair) -> int:
        recorded_id, complete = pair
        known = self.r.idmap.get("stock.location", {}).get(recorded_id)
        if known:
            return known
        locs = self.env["stock.location"]
        found = [lid for lid, rec in locs.table.items() if locs.compute_complete_name(rec) == complete]
        if found:
            return self.learn("stock.location", recorded_id, found[0])
        parent_name, _, name = complete.rpartition("/")
        parents = [lid for lid, rec in locs.table.items() if locs.compute_complete_name(rec) == parent_name]
        if parents:
            parent = parents[0]
        else:  # another warehouse's view location (CHIC1 on 17)
            parent = locs.create_records([{"name": parent_name, "usage": "view", "location_id": False}], {})[0]
        return self.learn("stock.location", recorded_id, self.d.seed_location(name, parent=parent))

    def bins(self, rows):
        """The bins as listed (search_read on stock.location, order id): made in that order."""
        stock = self.d.ids["stock"]
        stock_name = self.env["stock.location"].display_name_of(stock)
        for row in rows:
            self.location([row["id"], f"{stock_name}/{row['name']}"])

    def quants(self, rows):
        """The recorded quants in id order: the same product, bin, lot, package and quantity, and their
        reserved quantity as a reservation of an open move."""
        env = self.env
        quants, moves = env["stock.quant"], env["stock.move"]
        for row in sorted(rows, key=lambda r: r["id"]):
            product = self.product(row["product_id"], "lot" if row["lot_id"] else "none")
            location = self.location(row["location_id"])
            lot = self.lot(row["lot_id"], product) if row["lot_id"] else False
            package = self.package(row["package_id"]) if row["package_id"] else False
            qid = quants.new(
                {
                    "product_id": product,
                    "location_id": location,
                    "lot_id": lot,
                    "package_id": package,
                    "quantity": row["quantity"],
                    "inventory_quantity": 0.0,
                    "inventory_diff_quantity": 0.0,
                    "inventory_quantity_set": False,
                    "in_date": env.now_str(),
                    "company_id": 1,
                    "user_id": False,
                }
            )
            self.learn("stock.quant", row["id"], qid)
            if row["reserved_quantity"]:
                mid = moves.new(
                    {
                        "product_id": product,
                        "product_uom_qty": abs(row["reserved_quantity"]),
                        "product_uom": 1,
                        "location_id": location,
                        "location_dest_id": self.d.ids["customer"],
                        "state": "assigned",
                        "company_id": 1,
                        "procure_method": "make_to_stock",
                    }
                )
                moves.new_line(mid, row["reserved_quantity"], location, lot, package)

    def lot(self, pair, product) -> int:
        return self.learn("stock.lot", pair[0], self.d.seed_lot(product, pair[1]))

    def package(self, pair) -> int:
        known = self.r.idmap.get(self.env.package_model, {}).get(pair[0])
        return known or self.learn(self.env.package_model, pair[0], self.d.seed_package(pair[1]))

    def done_delivery(self, picking, lines):
        """The delivery the returns are made of, done (its history, not its stock: no quant moves)."""
        env = self.env
        pickings, moves = env["stock.picking"], env["stock.move"]
        ids = self.d.ids
        out = env["stock.picking.type"].table[ids["out_type"]]
        pid = pickings.new(
            {
                "name": pickings.next_name(out),
                "picking_type_id": out["id"],
                "location_id": ids["stock"],
                "location_dest_id": ids["customer"],
                "partner_id": ids["customer_partner"],
                "origin": picking["origin"],
                "company_id": 1,
                "move_type": "direct",
                "state": "done",
                "date_done": env.now_str(),
                "scheduled_date": env.now_str(),
                "priority": "0",
            }
        )
        self.learn("stock.picking", picking["id"], pid)
        for line in lines:
            product = self.product(line["product_id"])
            mid = moves.new(
                {
                    "picking_id": pid,
                    "product_id": product,
                    "product_uom_qty": line["quantity"],
                    "product_uom": 1,
                    "location_id": ids["stock"],
                    "location_dest_id": ids["customer"],
                    "picking_type_id": out["id"],
                    "partner_id": ids["customer_partner"],
                    "state": "done",
                    "picked": True,
                    "company_id": 1,
                    "procure_method": "make_to_stock",
                    "date": env.now_str(),
                    **(
                        {"name": env["product.product"].table[product]["name"]} if "name" in moves.schema.fields else {}
                    ),
                }
            )
            moves.new_line(mid, line["quantity"])
            self.learn("stock.move", line["move_id"][0], mid)

    def open_receipt(self, picking, lines, parent):
        """The open receipt flow 2a validates (a backorder of `parent`, which is done), with its lines."""
        env = self.env
        pickings = env["stock.picking"]
        ids = self.d.ids
        in_type = env["stock.picking.type"].table[ids["in_type"]]
        parent_id = pickings.new(
            {
                "name": pickings.next_name(in_type),
                "picking_type_id": in_type["id"],
                "location_id": ids["supplier"],
                "location_dest_id": ids["stock"],
                "partner_id": ids["vendor"],
                "origin": picking["origin"],
                "company_id": 1,
                "state": "done",
            }
        )
        self.learn("stock.picking", parent[0], parent_id)
        products = [(self.product(line["product_id"]), line["quantity"]) for line in lines]
        pid = self.d.seed_receipt(lines=products, origin=picking["origin"])
        pickings.update(pid, {"backorder_id": parent_id})
        self.learn("stock.picking", picking["id"], pid)


# What of transcript_stock_truth is not replayed, by the recorded note the calls start with.
STOCK_TRUTH_SKIP = {
    "flow1: read_group": "read_group is not modelled",
    "flow3": "count requests (stock.request.count) and cyclic inventory dates are not modelled",
    "flow5: JSON-2 - base module version": "ir.module.module is not modelled",
    "flow5: base module version over execute_kw": "ir.module.module is not modelled",
}
STOCK_TRUTH_SKIP_19 = {
    "flow1: formatted_read_group": "formatted_read_group is not modelled (17/18's AttributeError replays)",
}
STOCK_TRUTH_REPLAYED_ANYWAY = {"flow3: pick a user to assign the count to"}  # Marc Demo is seeded
STOCK_TRUTH_LOOSE = {
    # The demo return made before the recording (WH/IN/00011, done) is not in the double.
    "flow4: after a lost answer - every return of this delivery": "lists a return the double does not have",
}
# With these, the calls left out are, by seq: 17.0 skip 8, 39-45, 47-54, 97, loose 91; 18.0 skip 8, 43-49,
# 51-58, 101, loose 20, 41, 95 (and the reserved quantity of 4 duplicated quants, see below); 19.0 skip 8,
# 9, 39-45, 47-51, 94, loose 88. Everything else replays, flow 5's plain HTTP requests included.
STOCK_TRUTH_LOOSE_18 = {
    # Three pickings read without an order: stock.picking's default order puts the receipt made at
    # 21:10:02 before the transfers made at 21:10:03; in the double all three share one second (its clock
    # stands still during a replay), so the order falls back to id desc. The same as UNSTABLE above.
    "flow2: the pickings": "order of pickings created within a second",
    # Filters on reserved_quantity = 0, which differs for the duplicated quants (see below).
    "flow2b: candidate bin quants": "reserved quantity of the duplicated quants",
}


def _duplicated_quants(rows) -> set[int]:
    """Recorded quants that share product, bin, lot and package with another one. 18.0's database has two
    such pairs (45/139: ACC-P04 in ACC-A-02-02, 48/137: ACC-P06 in ACC-A-03-02) with reservations of +1 and
    -1 kept on the quants themselves; the double keeps reservations on move lines by product, bin, lot and
    package, so both quants of a pair show the pair's sum. Their reserved_quantity is not compared."""
    keys = {}
    for row in rows:
        key = (row["product_id"][0], row["location_id"][0], str(row["lot_id"]), str(row["package_id"]))
        keys.setdefault(key, []).append(row["id"])
    return {rid for ids in keys.values() if len(ids) > 1 for rid in ids}


def test_the_stock_truth_flow_replays(odoo_double):
    d = odoo_double
    version = d.version
    calls = load_calls(version, "stock_truth")
    replayer = Replayer(d)
    t = dt.datetime.fromisoformat(
        next(
            term[2]
            for c in calls
            if (c.get("note") or "").startswith("flow2: what an app reads")
            for term in (c.get("args") or [c.get("body", {}).get("domain")])[0]
            if term[0] == "write_date"
        )
    )
    d.advance((t - dt.timedelta(hours=1) - d.now()).total_seconds())  # the demo data is older than T
    demo = RecordedStock(d, replayer)
    demo.bins(_answer(calls, "flow2c: ACC bins"))
    opening = _answer(calls, "flow1: page 1") + _answer(calls, "flow1: page 2")
    demo.quants(opening)
    wizard_lines = _answer(calls, "flow4 a: wizard lines")
    [delivery] = _answer(calls, "flow4: the done delivery")
    # 17's wizard shows what is left to return; 18/19 show 0, so the delivered quantity is not known there
    # (any will do: the flow returns 1 of the first line).
    demo.done_delivery(delivery, [dict(line, quantity=line["quantity"] or 1.0) for line in wizard_lines])
    receipts = _answer(calls, "flow2a: find an open seeded receipt")
    if receipts:  # 17 and 19; on 18 the flow makes a new receipt in Odoo
        [receipt] = receipts
        parent = next(p["backorder_id"] for p in _answer(calls, "flow2: the pickings") if p["id"] == receipt["id"])
        demo.open_receipt(receipt, _answer(calls, "flow2a: the receipt's move lines"), parent)
    else:
        create = next(c for c in calls if (c.get("note") or "").startswith("flow2a: no seeded"))
        demo.learn("res.partner", create["args"][0]["partner_id"], d.ids["vendor"])
    d.advance((t - d.now()).total_seconds() + 1)

    skip_notes = dict(STOCK_TRUTH_SKIP, **(STOCK_TRUTH_SKIP_19 if version >= "19.0" else {}))
    skip = _seqs(calls, *skip_notes) - _seqs(calls, *STOCK_TRUTH_REPLAYED_ANYWAY)
    loose = _seqs(calls, *STOCK_TRUTH_LOOSE, *(STOCK_TRUTH_LOOSE_18 if version == "18.0" else {}))
    replayer.run("stock_truth", skip=skip, loose=loose)
    duplicated = _duplicated_quants(opening)
    pages = {
        c["seq"]: c["result"] for c in calls if c["seq"] in _seqs(calls, "flow1: page", "flow1 variant: child_of page")
    }
    ignored = {
        (seq, f"result[{i}].reserved_quantity")
        for seq, rows in pages.items()
        for i, row in enumerate(rows)
        if row["id"] in duplicated
    }
    mismatches = [m for m in replayer.mismatches if (m.seq, m.what.split(":")[0]) not in ignored]
    assert not mismatches, "\n".join(str(m) for m in mismatches)
    assert d.internal_errors == []
    # The replay went through the flows: the quant pages, the tagged return and its refused repeat (the
    # recording cancelled its returns at the end), and the web routes.
    assert d.call_count(model="stock.quant", method="search_read") >= 4
    [tagged] = d.records("stock.picking", [("name", "=", f"FLOOR-RET-{version[:2]}-C")], ["state", "origin"])
    assert tagged["state"] == "cancel" and tagged["origin"].startswith("Return of WH/OUT/")
    create_returns = "create_returns" if version < "18.0" else "action_create_returns"
    assert [c.outcome for c in d.calls(model="stock.return.picking", method=create_returns)] == ["ok"] * 3 + ["error"]
    assert d.call_count(transport="http", service="web", method="version_info") == 2
    assert d.call_count(transport="http", service="web", method="version") == 1
