"""The outbox: one row per thing Odoo must learn, written in the same transaction as the moves."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from floor.warehouse.models import Location, Product, Warehouse


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

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "next_try_at"])]

    def __str__(self):
        return self.reference


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
