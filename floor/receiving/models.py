"""Receipts: goods expected at the dock (an Odoo receipt)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from floor.warehouse.models import Location, Lot, Package, Product, Warehouse


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
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

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

    class Meta:
        indexes = [models.Index(fields=["receipt", "product"], name="receiptline_product")]

    def __str__(self):
        return f"{self.receipt_id}: {self.expected} {self.product_id}"


class ReceiptScan(models.Model):
    """Goods counted in at the dock, one scan at a time; append-only. Undo writes a reversal
    (`reverses`), so what was scanned, by whom and what was taken back stays on record. Stock
    moves only when the receipt is closed."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="scans")
    line = models.ForeignKey(ReceiptLine, on_delete=models.PROTECT, related_name="scans")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    destination = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    damage = models.CharField(_("damage"), max_length=100, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    device = models.CharField(max_length=64, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approval = models.CharField(_("approved"), max_length=200, blank=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["receipt", "actor", "-id"], name="receiptscan_person_latest")]

    def __str__(self):
        return f"{self.receipt_id}: {self.quantity} × {self.product_id}"


class Receiving(models.Model):
    """One receiver's place in the work: the receipt open on their scanner, where goods go now,
    a scan that waits for one more thing (where it goes, its lot or serial, its lot's expiry, a
    supervisor, a damage reason), and the lot the item's next units get."""

    class Waiting(models.TextChoices):
        NOTHING = "", _("Nothing")
        WHERE = "where", _("Where it goes")
        LOT = "lot", _("Lot")
        SERIAL = "serial", _("Serial number")
        EXPIRY = "expiry", _("Expiry date")
        APPROVAL = "approval", _("A supervisor")

    actor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    receipt = models.ForeignKey(Receipt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    destination = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    package = models.ForeignKey(Package, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Units the next item scan stands for (a case typed in); None: the barcode says (1, or its count).
    next_quantity = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    # The next item scanned is damaged, for this reason: it goes to quarantine.
    damage = models.CharField(max_length=100, blank=True)
    closing = models.BooleanField(default=False)  # the close summary is on screen
    # The scan that waits, as far as it got.
    waiting = models.CharField(max_length=10, choices=Waiting.choices, blank=True, default="")
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    line = models.ForeignKey(ReceiptLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    lot_name = models.CharField(max_length=64, blank=True)
    expiry = models.DateField(null=True, blank=True)
    best_before = models.DateField(null=True, blank=True)  # AI 15, for a lot with no expiry
    produced = models.DateField(null=True, blank=True)  # AI 11
    quantity = models.DecimalField(max_digits=12, decimal_places=3, default=Decimal(0))
    approval = models.CharField(max_length=200, blank=True)  # what the supervisor is asked to approve
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The lot a lot-tracked item's next units get without a label of their own: the last one given
    # for it (and its dates), until another lot of an item is given or the receiver changes it.
    kept_product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kept_lot = models.CharField(max_length=64, blank=True)
    kept_expiry = models.DateField(null=True, blank=True)
    kept_best_before = models.DateField(null=True, blank=True)
    kept_produced = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not stored: what receiving.sql.session says of the row it read for this request. The
    # receipt it locked with the row (None: not locked), and the columns as read (None: not read
    # there), so that a scan which changes nothing writes nothing (sql.changed_fields).
    locked_receipt_id: int | None = None
    loaded: dict | None = None

    def __str__(self):
        return f"Receiving by {self.actor_id}"

    def forget_item(self):
        self.waiting, self.product, self.line, self.lot_name, self.expiry = "", None, None, "", None
        self.best_before, self.produced = None, None
        self.quantity, self.approval, self.approver = Decimal(0), "", None

    def forget_kept_lot(self):
        self.kept_product, self.kept_lot, self.kept_expiry = None, "", None
        self.kept_best_before, self.kept_produced = None, None
