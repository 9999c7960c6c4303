"""Goods going out: orders (an Odoo delivery), waves of orders released together, and the pick
tasks a wave is split into (one picker's path through bins, with a tote bound to each order)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from floor.warehouse.models import Location, Lot, Product, Tote, Warehouse


class Wave(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")  # built and previewed; nothing reserved yet
        RELEASED = "released", _("Released")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Mode(models.TextChoices):
        CLUSTER = "cluster", _("Cluster picking")  # one picker, several orders, a tote each
        ZONE = "zone", _("Zone picking")  # a picker per zone; an order's totes meet at packing

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="waves")
    reference = models.CharField(_("wave"), max_length=32, unique=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.CLUSTER)
    totes_per_picker = models.PositiveSmallIntegerField(_("totes per picker"), default=6)
    # Built with a zone filter: picked from that zone only.
    zone = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+", limit_choices_to={"kind": "view"}
    )
    rule = models.ForeignKey("WaveRule", on_delete=models.SET_NULL, null=True, blank=True, related_name="waves")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.reference


class WaveRule(models.Model):
    """Filters and limits saved under a name: Celery beat builds (and may release) a wave from
    them every `every_minutes`."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="wave_rules")
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    # Filters: an empty one lets every open order through.
    cutoff_within = models.PositiveIntegerField(_("carrier cutoff within (minutes)"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=64, blank=True)
    min_priority = models.PositiveSmallIntegerField(_("priority at least"), null=True, blank=True)
    zone = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+", limit_choices_to={"kind": "view"}
    )
    order_type = models.CharField(_("order type"), max_length=32, blank=True)
    # Limits: the wave stops growing at the first one reached.
    max_orders = models.PositiveIntegerField(_("orders at most"), null=True, blank=True)
    max_lines = models.PositiveIntegerField(_("lines at most"), null=True, blank=True)
    max_units = models.PositiveIntegerField(_("units at most"), null=True, blank=True)
    totes_per_picker = models.PositiveSmallIntegerField(_("totes per picker"), default=6)
    mode = models.CharField(_("mode"), max_length=10, choices=Wave.Mode.choices, default=Wave.Mode.CLUSTER)
    every_minutes = models.PositiveSmallIntegerField(_("every (minutes)"), default=30)
    release = models.BooleanField(_("release at once"), default=False)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name


class Order(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        IN_WAVE = "in_wave", _("In a wave")
        PICKED = "picked", _("Picked")
        PACKED = "packed", _("Packed")
        SHIPPED = "shipped", _("Shipped")
        CANCELLED = "cancelled", _("Cancelled")

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="orders")
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    customer = models.CharField(_("customer"), max_length=200, blank=True)
    carrier = models.CharField(_("carrier"), max_length=64, blank=True)
    # The carrier's tracking number, where Odoo has one (its delivery module): a parcel that comes
    # back with the label still on opens its return by it.
    tracking = models.CharField(_("tracking number"), max_length=128, blank=True, db_index=True)
    cutoff = models.DateTimeField(_("carrier cutoff"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=0)
    order_type = models.CharField(_("order type"), max_length=32, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    wave = models.ForeignKey(Wave, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders")
    odoo_id = models.IntegerField(null=True, blank=True, unique=True)
    # Odoo changed or cancelled this while the floor was working on it: the pull kept Floor's
    # lines and raised a SyncException; the floor shows a warning until a supervisor resolves it.
    odoo_changed = models.BooleanField(_("changed in Odoo"), default=False)
    # A supervisor let it ship with less than was ordered (at packing), and why.
    short_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    short_approval = models.CharField(_("short shipment"), max_length=200, blank=True)

    class Meta:
        ordering = ["-priority", "cutoff", "reference"]

    def __str__(self):
        return self.reference


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    ordered = models.DecimalField(_("ordered"), max_digits=12, decimal_places=3)
    picked = models.DecimalField(_("picked"), max_digits=12, decimal_places=3, default=Decimal(0))
    # Given up on in this wave (a short pick that could not be made good): a backorder in Odoo.
    short = models.DecimalField(_("short"), max_digits=12, decimal_places=3, default=Decimal(0))
    odoo_move_id = models.IntegerField(null=True, blank=True)

    def __str__(self):
        return f"{self.order_id}: {self.ordered} {self.product_id}"


class PickTask(models.Model):
    """One picker's share of a wave: the orders of a cluster (or of a zone), their picks in
    walking order, and a tote per order. Leased to one picker at a time."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a picker")
        ACTIVE = "active", _("Being picked")
        DONE = "done", _("Picked")
        CANCELLED = "cancelled", _("Cancelled")

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="tasks")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("task"), max_length=40, unique=True)
    zone = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Which task "Get work" hands out first: the wave's urgency, then the order it was split in.
    sequence = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # The lease: who works it, and until when without a scan; a supervisor may hand it over.
    picker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lease_until = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["warehouse", "state", "sequence"], name="picktask_get_work")]

    def __str__(self):
        return self.reference


class TaskTote(models.Model):
    """The tote an order's picks of a task go into. Bound by a scan before the first pick;
    freed when the order is packed (or shipped where there is no pack step)."""

    task = models.ForeignKey(PickTask, on_delete=models.CASCADE, related_name="totes")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="totes")
    position = models.PositiveSmallIntegerField(default=0)  # the order the picker binds them in
    tote = models.ForeignKey(Tote, on_delete=models.PROTECT, null=True, blank=True, related_name="bindings")
    bound_at = models.DateTimeField(null=True, blank=True)
    freed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "order"], name="tasktote_one_per_order"),
            # A tote carries one order's goods at a time.
            models.UniqueConstraint(
                fields=["tote"], condition=Q(tote__isnull=False, freed_at=None), name="tote_one_order_at_a_time"
            ),
        ]

    def __str__(self):
        return f"{self.order_id} → {self.tote_id}"


class Pick(models.Model):
    """Take `quantity` of an order line from a bin (and lot): a stop on the task's path. While
    open, what is still to pick (`quantity - picked`) is reserved on that bin's stock."""

    class State(models.TextChoices):
        OPEN = "open", _("To pick")
        PICKED = "picked", _("Picked")
        SHORT = "short", _("Short")
        CANCELLED = "cancelled", _("Cancelled")

    class ShortReason(models.TextChoices):
        EMPTY = "empty", _("Bin empty")
        DAMAGED = "damaged", _("Damaged")
        NOT_FOUND = "not_found", _("Not found")

    task = models.ForeignKey(PickTask, on_delete=models.CASCADE, related_name="picks")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="picks")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(_("to pick"), max_digits=12, decimal_places=3)
    picked = models.DecimalField(_("picked"), max_digits=12, decimal_places=3, default=Decimal(0))
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    sequence = models.PositiveIntegerField(default=0)  # walking order; a skip sends it to the end
    short_reason = models.CharField(_("reason"), max_length=12, choices=ShortReason.choices, blank=True)
    short_at = models.DateTimeField(null=True, blank=True)  # when it was given up on: the dashboard lists it
    # The tote (and order) this stop's goods go into, when read with the stop (picking/sql.py), for
    # this request only; None: `place.binding_of` asks.
    tote_binding = None

    class Meta:
        ordering = ["sequence", "pk"]
        indexes = [
            models.Index(fields=["task", "state", "sequence"], name="pick_next_stop"),
            # What is reserved on a bin's stock: open picks of that item there.
            models.Index(fields=["product", "location"], condition=Q(state="open"), name="pick_open_reserved"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="pick_quantity_positive"),
            models.CheckConstraint(condition=Q(picked__lte=models.F("quantity")), name="pick_not_over"),
        ]

    def __str__(self):
        return f"{self.quantity} {self.product_id}@{self.location_id}"


class PickRecord(models.Model):
    """What a picker put in a tote: append-only, with the ledger move's key. Undo writes a
    record that reverses it (and a reverse move)."""

    pick = models.ForeignKey(Pick, on_delete=models.PROTECT, related_name="records")
    tote = models.ForeignKey(Tote, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    key = models.CharField(max_length=100)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    device = models.CharField(max_length=64, blank=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["actor", "-id"], name="pickrecord_person_latest")]


class PickerPlace(models.Model):
    """Where one picker is in their task: the scanner flow's state, one row per person."""

    class Waiting(models.TextChoices):
        TOTE = "tote", _("a tote for an order")  # binding totes before the first stop
        BIN = "bin", _("the bin")
        ITEM = "item", _("the item")
        PUT = "put", _("the order's tote")
        SHORT = "short", _("what was found")

    actor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(PickTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    pick = models.ForeignKey(Pick, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    waiting = models.CharField(max_length=8, choices=Waiting.choices, blank=True)
    lot = models.ForeignKey(Lot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    # The person's last put in the task that still counts (what Undo takes back), kept as they
    # put and undo: each scan shows it, and looking for it among the person's records cost more
    # the longer the shift went on.
    last_put = models.ForeignKey(PickRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    # Read with the place in one statement (picking/sql.py `place`), for this request only: what the
    # screen shows of the task, (stops, stops done), and the last put Undo would take back,
    # (quantity, sku, tote, state of its stop) or None. NOT_READ: the screen asks the database.
    NOT_READ = object()
    task_progress = NOT_READ
    last_put_seen = NOT_READ
