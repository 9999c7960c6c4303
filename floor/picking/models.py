"""Orders: goods going out (an Odoo delivery). Waves and pick tasks come with wave picking."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from floor.warehouse.models import Product, Warehouse


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
    cutoff = models.DateTimeField(_("carrier cutoff"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=0)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    odoo_id = models.IntegerField(null=True, blank=True, unique=True)
    # Odoo changed or cancelled this while the floor was working on it: the pull kept Floor's
    # lines and raised a SyncException; the floor shows a warning until a supervisor resolves it.
    odoo_changed = models.BooleanField(_("changed in Odoo"), default=False)

    class Meta:
        ordering = ["-priority", "cutoff", "reference"]

    def __str__(self):
        return self.reference


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    ordered = models.DecimalField(_("ordered"), max_digits=12, decimal_places=3)
    picked = models.DecimalField(_("picked"), max_digits=12, decimal_places=3, default=Decimal(0))
    odoo_move_id = models.IntegerField(null=True, blank=True)

    def __str__(self):
        return f"{self.order_id}: {self.ordered} {self.product_id}"
