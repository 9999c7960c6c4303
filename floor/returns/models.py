"""Returns: goods coming back for an order, to inspect and decide on."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from floor.picking.models import Order
from floor.warehouse.models import Product, Warehouse


class Return(models.Model):
    class State(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        INSPECTING = "inspecting", _("Inspecting")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="returns")
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, null=True, blank=True, related_name="returns")
    customer = models.CharField(_("customer"), max_length=200, blank=True)
    reason = models.CharField(_("reason given"), max_length=200, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.EXPECTED)
    odoo_id = models.IntegerField(null=True, blank=True, unique=True)
    # Odoo changed or cancelled this while the floor was working on it: the pull kept Floor's
    # lines and raised a SyncException; the floor shows a warning until a supervisor resolves it.
    odoo_changed = models.BooleanField(_("changed in Odoo"), default=False)

    class Meta:
        ordering = ["reference"]

    def __str__(self):
        return self.reference


class ReturnLine(models.Model):
    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    expected = models.DecimalField(_("expected"), max_digits=12, decimal_places=3)
    inspected = models.DecimalField(_("inspected"), max_digits=12, decimal_places=3, default=Decimal(0))
    odoo_move_id = models.IntegerField(null=True, blank=True)

    def __str__(self):
        return f"{self.ret_id}: {self.expected} {self.product_id}"
