"""Move stock: one person moving stock from one bin to another, scan by scan."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from floor.ledger.models import Move
from floor.warehouse.models import Location, Lot, Product, Warehouse


class Transfer(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        UNDONE = "undone", _("Undone")

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    source = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=3, default=Decimal(0))
    destination = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    move = models.ForeignKey(Move, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor"], condition=Q(state="open"), name="one_open_transfer_per_person"),
        ]
        indexes = [models.Index(fields=["actor", "state", "-id"], name="transfer_person_latest")]

    def __str__(self):
        return f"Transfer {self.pk}"

    @property
    def step(self) -> str:
        if self.source_id is None:
            return "source"
        if self.product_id is None:
            return "item"
        return "destination"
