"""Receipts: goods expected at the dock (an Odoo receipt)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from floor.warehouse.models import Lot, Product, Warehouse


class Receipt(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        RECEIVING = "receiving", _("Receiving")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="receipts")
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    vendor = models.CharField(_("vendor"), max_length=200, blank=True)
    # The vendor's own document (PO or ASN) barcode, scannable to open the receipt.
    vendor_reference = models.CharField(_("PO / ASN"), max_length=64, blank=True, db_index=True)
    expected_date = models.DateField(_("expected"), null=True, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    odoo_id = models.IntegerField(null=True, blank=True, unique=True)
    # Odoo changed or cancelled this while the floor was working on it: the pull kept Floor's
    # lines and raised a SyncException; the floor shows a warning until a supervisor resolves it.
    odoo_changed = models.BooleanField(_("changed in Odoo"), default=False)

    class Meta:
        ordering = ["expected_date", "reference"]

    def __str__(self):
        return self.reference


class ReceiptLine(models.Model):
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    expected = models.DecimalField(_("expected"), max_digits=12, decimal_places=3)
    received = models.DecimalField(_("received"), max_digits=12, decimal_places=3, default=Decimal(0))
    odoo_move_id = models.IntegerField(null=True, blank=True)

    def __str__(self):
        return f"{self.receipt_id}: {self.expected} {self.product_id}"
