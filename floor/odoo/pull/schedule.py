"""The pull's last step: Odoo's own count schedule becomes count tasks on Floor's bins.

- A location Odoo counts every N days (`cyclic_inventory_frequency`) whose `next_inventory_date`
  has come.
- A quant whose scheduled date (`inventory_date`) has come: Odoo's annual count, the location's
  cycle, or a date set by hand.
- A quant someone asked to be counted ("Request a Count": `user_id`, and the date it is for).

Dates come due without Odoo writing anything, so the first pull of each day reads the whole due
list (one call for the locations, one for the quants); every other pull reads only the quants
written since (a request writes the quant): one call. Quants someone is counting in Odoo right now
(`inventory_quantity_set`) are left to them. A bin is counted once per change in Odoo: an Odoo
count raised on it after Odoo last wrote the row covers it. Floor's own count reaches Odoo as a
counted quantity applied, which moves Odoo's dates on and clears the request.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from floor.counting.models import CountTask
from floor.counting.raising import raise_count
from floor.odoo.models import PullCursor
from floor.odoo.pull.base import Reader, _id, _label, _moment
from floor.warehouse.models import Location

SCHEDULE_CURSOR = "count schedule"
QUANT_FIELDS = ["location_id", "inventory_date", "user_id", "write_date"]
LOCATION_FIELDS = ["cyclic_inventory_frequency", "next_inventory_date", "write_date"]


class CountSchedule(Reader):
    def pull_count_schedule(self) -> None:
        views = sorted(wh.view_id for wh in self.warehouses.values() if wh.view_id)
        if not views:
            return
        today = timezone.localdate()
        cursor = PullCursor.objects.filter(model=SCHEDULE_CURSOR).first()
        whole = self.full or cursor is None or cursor.pulled_at is None or timezone.localdate(cursor.pulled_at) < today
        due = today.isoformat()
        domain = [
            ("location_id", "child_of", views),
            ("location_id.usage", "=", "internal"),
            ("inventory_quantity_set", "=", False),
            "|",
            ("user_id", "!=", False),
            ("inventory_date", "<=", due),
        ]
        if not whole and cursor.last_write_date:
            domain.insert(0, ("write_date", ">=", self._overlapped(cursor.last_write_date)))
        quants = self._read("stock.quant", domain, QUANT_FIELDS)
        locations = []
        if whole:
            locations = self._read(
                "stock.location",
                [
                    ("id", "child_of", views),
                    ("usage", "=", "internal"),
                    ("cyclic_inventory_frequency", ">", 0),
                    ("next_inventory_date", "<=", due),
                ],
                LOCATION_FIELDS,
            )
        if not (whole or quants):
            return  # nothing asked since the last pull: nothing to write
        with transaction.atomic():
            self._raise_odoo_counts(locations, quants)
            # pulled_at: today's whole read is done.
            self._advance(SCHEDULE_CURSOR, [row["write_date"] for row in quants])

    def _raise_odoo_counts(self, locations: list[dict], quants: list[dict]) -> None:
        # Floor's own counts are made in Odoo as its API user: not a request of anyone's.
        ours = self.client.uid if any(row["user_id"] for row in quants) else None
        asked = []
        for row in quants:
            user = _id(row["user_id"])
            if user and user != ours:
                reason = _("Odoo: count asked by %(user)s for %(date)s") % {
                    "user": _label(row["user_id"]),
                    "date": row["inventory_date"] or "—",
                }
            elif row["inventory_date"] and row["inventory_date"] <= timezone.localdate().isoformat():
                reason = _("Odoo: count scheduled for %(date)s") % {"date": row["inventory_date"]}
            else:
                continue
            asked.append((_id(row["location_id"]), row["write_date"], reason))
        for row in locations:
            every = row["cyclic_inventory_frequency"]
            reason = ngettext(
                "Odoo: counted every %(days)s day, due %(date)s",
                "Odoo: counted every %(days)s days, due %(date)s",
                every,
            ) % {"days": every, "date": row["next_inventory_date"]}
            asked.append((row["id"], row["write_date"], reason))
        if not asked:
            return
        bins = {
            location.odoo_id: location
            for location in Location.objects.filter(
                odoo_id__in={odoo_id for odoo_id, _when, _reason in asked}, kind=Location.Kind.STORAGE
            )
        }
        raised_since = dict(
            CountTask.objects.filter(location__in=bins.values(), source=CountTask.Source.ODOO)
            .values("location")
            .annotate(last=Max("created_at"))
            .values_list("location", "last")
        )
        for odoo_id, written, reason in asked:
            location = bins.get(odoo_id)
            if location is None:
                continue  # a place Floor has no bin for (Odoo's WH/Stock itself)
            last = raised_since.get(location.pk)
            if last is not None and last >= _moment(written):
                continue  # Odoo has written nothing since Floor took this on
            task = raise_count(
                warehouse_id=location.warehouse_id,
                location_id=location.pk,
                source=CountTask.Source.ODOO,
                reason=reason,
            )
            if task is not None:
                raised_since[location.pk] = timezone.now()
                self._count("odoo counts", created=True)
