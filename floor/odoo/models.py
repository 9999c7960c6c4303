"""The outbox: one row per thing Odoo must learn, written in the same transaction as the moves."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from floor.warehouse.models import Warehouse


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
