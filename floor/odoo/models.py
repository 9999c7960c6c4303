"""The outbox: one row per thing Odoo must learn, written in the same transaction as the moves."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from floor.warehouse.models import Location, Lot, Package, Product, Warehouse


class Operation(models.Model):
    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        INTERNAL = "internal", _("Internal transfer")
        DELIVERY = "delivery", _("Delivery")
        ADJUSTMENT = "adjustment", _("Inventory adjustment")
        RETURN = "return", _("Return")
        SCRAP = "scrap", _("Scrap")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    # Floor's own reference, written into Odoo (e.g. a picking's origin) so a retry finds what
    # an earlier try created instead of creating it again.
    reference = models.CharField(max_length=64, unique=True)
    document = models.CharField(_("document"), max_length=64, blank=True)
    payload = models.JSONField(default=dict)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    odoo_ids = models.JSONField(default=dict, blank=True)
    # A count sets an absolute quantity, so it must reach Odoo in the order it happened on the
    # floor relative to the other operations on the same bin and item: the later one waits here.
    waiting_for = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="waiting", verbose_name=_("waiting for")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the last attempt failed: the moment `last_error` is from.
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "next_try_at"])]

    def __str__(self):
        return self.reference

    @property
    def label(self) -> str:
        """What the sync page calls it: its document (an undo says so, or it would read as the
        move it takes back), else Floor's reference."""
        document = self.document or self.reference
        if self.payload.get("undo"):
            return gettext("Undo of %(document)s") % {"document": document}
        return document


class PullCursor(models.Model):
    """How far the pull has read one Odoo model: the highest `write_date` it has seen there.

    The next pull asks for `write_date >= last_write_date`: records written in that same second
    are read again, which is harmless because every record is matched by its Odoo id.
    """

    model = models.CharField(max_length=64, unique=True)
    last_write_date = models.DateTimeField(null=True, blank=True)
    pulled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.model} ≥ {self.last_write_date}"


class SyncException(models.Model):
    """Something Odoo changed that the pull would not apply on its own, for a person to look at:
    most often a picking changed or cancelled in Odoo while the floor was already working on it."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        ORDER = "order", _("Order")
        RETURN = "return", _("Return")
        INTERNAL = "internal", _("Internal transfer")
        PRODUCT = "product", _("Item")
        LOCATION = "location", _("Location")
        WAREHOUSE = "warehouse", _("Warehouse")
        STOCK = "stock", _("Stock")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reference = models.CharField(_("document"), max_length=200)
    odoo_model = models.CharField(max_length=64)
    odoo_id = models.IntegerField(null=True, blank=True)
    message = models.TextField(_("what changed"))
    # What Odoo looked like when this was raised: the same difference is never raised twice,
    # even after a person resolved it; a new change in Odoo raises a new one.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["resolved", "-created_at"], name="syncexception_open")]
        constraints = [
            models.UniqueConstraint(fields=["odoo_model", "odoo_id", "fingerprint"], name="syncexception_once")
        ]

    def __str__(self):
        return f"{self.reference}: {self.message}"


class InternalPicking(models.Model):
    """An open internal transfer in Odoo (a putaway, a replenishment, a pick or pack step), kept
    as Odoo has it so the putaway flow can work from it. Floor does no work on it yet, so the
    pull always mirrors Odoo here."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("reference"), max_length=64)
    source = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    destination = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    scheduled_date = models.DateField(_("scheduled"), null=True, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    odoo_id = models.IntegerField(unique=True)

    class Meta:
        ordering = ["scheduled_date", "reference"]

    def __str__(self):
        return self.reference


class InternalPickingLine(models.Model):
    picking = models.ForeignKey(InternalPicking, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    source = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    destination = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    odoo_move_id = models.IntegerField(null=True, blank=True)

    def __str__(self):
        return f"{self.picking_id}: {self.quantity} {self.product_id}"


class OpeningBalance(models.Model):
    """The stock Odoo already held in a warehouse when Floor first read it, posted into the ledger
    once as moves from the virtual "Odoo opening balance" location."""

    warehouse = models.OneToOneField(Warehouse, on_delete=models.CASCADE, related_name="opening_balance")
    # The write_date of Odoo's newest done move line before the quants were read: Odoo's moves up
    # to then are in the balance, the ones after it are posted as moves.
    odoo_moves_until = models.CharField(max_length=19, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # False: Floor already held stock there, so Odoo's was not added (the reconciliation compares).
    taken = models.BooleanField(default=True)
    quants = models.PositiveIntegerField(_("quants brought in"), default=0)
    left_out = models.PositiveIntegerField(_("quants left out"), default=0)

    def __str__(self):
        return f"{self.warehouse}: {self.quants} quants"


class OdooMoveLine(models.Model):
    """A done move line of Odoo's own (not made by Floor's push), as the pull judged it. Its odoo_id
    keeps it posted once; a line edited in Odoo after it was posted is taken back and posted anew."""

    class State(models.TextChoices):
        POSTED = "posted", _("Posted")
        HELD = "held", _("Held: the floor was working on its document")
        COVERED = "covered", _("In the opening balance")
        REFUSED = "refused", _("Not posted: more than Floor holds")
        OUTSIDE = "outside", _("Not posted: a location Floor does not hold")

    odoo_id = models.IntegerField(unique=True)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices)
    # What the line said when it was judged, and the ledger key of what was posted for it.
    fingerprint = models.CharField(max_length=64)
    key = models.CharField(max_length=100, blank=True)
    reference = models.CharField(_("document"), max_length=64, blank=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(max_digits=14, decimal_places=3, default=0)
    from_location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    judged_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["product", "done_at"], name="odoomoveline_product")]

    def __str__(self):
        return f"{self.odoo_id} {self.get_state_display()}"


class Reconciliation(models.Model):
    """One comparison of Floor's stock with Odoo's."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    compared = models.PositiveIntegerField(default=0)
    # Left out this time: an operation on its way to Odoo, or an Odoo move not pulled yet.
    uncertain = models.PositiveIntegerField(default=0)
    differences = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M}: {self.differences} differences"


class StockDifference(models.Model):
    """A bin, item, lot and package where Floor's on-hand and Odoo's differ, for a supervisor."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        GONE = "gone", _("Agrees again")
        TRUSTED_ODOO = "odoo", _("Odoo trusted")
        COUNT = "count", _("Bin to count")
        TRUSTED_FLOOR = "floor", _("Floor's figure sent to Odoo")
        DISMISSED = "dismissed", _("Dismissed")

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    floor_quantity = models.DecimalField(_("Floor"), max_digits=14, decimal_places=3)
    odoo_quantity = models.DecimalField(_("Odoo"), max_digits=14, decimal_places=3)
    cause = models.CharField(_("likely cause"), max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    first_seen = models.DateTimeField(_("since"), auto_now_add=True)
    last_seen = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    operation = models.ForeignKey(Operation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    count_task = models.ForeignKey(
        "counting.CountTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-first_seen", "-pk"]
        indexes = [models.Index(fields=["warehouse", "state"], name="stockdifference_open")]

    def __str__(self):
        return f"{self.location} {self.product}: Floor {self.floor_quantity}, Odoo {self.odoo_quantity}"

    @property
    def delta(self):
        return self.floor_quantity - self.odoo_quantity
