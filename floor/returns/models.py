"""Returns: goods coming back for an order, to inspect and decide on."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from floor.ledger.models import Move
from floor.picking.models import Order
from floor.warehouse.models import Lot, Product, Tote, Warehouse


class Return(models.Model):
    class State(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        INSPECTING = "inspecting", _("Inspecting")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        ANNOUNCED = "announced", _("Announced")  # pulled from Odoo, or an RMA
        UNANNOUNCED = "unannounced", _("Unannounced")  # a parcel opened from its order on the floor
        UNKNOWN = "unknown", _("Unknown return")  # no order at all: quarantined for a supervisor

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
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.ANNOUNCED)
    # The tote the parcel waits in at the returns dock: scanning it opens the return.
    tote = models.ForeignKey(Tote, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

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


class Disposition(models.TextChoices):
    """Where an inspected item goes. Refurbish and return to vendor stay in the returns area,
    marked, until their own flows exist."""

    RESTOCK = "restock", _("Restock")
    REFURBISH = "refurbish", _("Refurbish")
    QUARANTINE = "quarantine", _("Quarantine")
    SCRAP = "scrap", _("Scrap")
    VENDOR = "vendor", _("Return to vendor")


class ReturnGrade(models.Model):
    """A condition an inspector taps for an item, in one warehouse, and where one tap on it sends
    the item. A supervisor edits them; a grade once used is taken out of use, never deleted, so
    the items graded with it keep its words."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=4)  # what Inspection.grade keeps
    words = models.CharField(_("words"), max_length=60)
    disposition = models.CharField(_("goes to"), max_length=12, choices=Disposition.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)  # order of the buttons
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["warehouse", "code"], name="return_grade_code_once")]

    def __str__(self):
        return f"{self.warehouse_id}: {self.code}"


class Inspection(models.Model):
    """One item (or a case of them) that came back: received from the customer into the returns
    area by its scan, then graded and sent where its disposition says by one tap. Undo marks it
    undone and reverses its moves; it is never deleted."""

    ret = models.ForeignKey(Return, on_delete=models.PROTECT, related_name="inspections")
    line = models.ForeignKey(ReturnLine, on_delete=models.PROTECT, related_name="inspections")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    grade = models.CharField(_("grade"), max_length=4, blank=True)  # blank: scanned, not graded yet
    disposition = models.CharField(_("disposition"), max_length=12, choices=Disposition.choices, blank=True)
    reason = models.CharField(_("inspector's reason"), max_length=20, blank=True)  # settings.RETURN_REASONS
    note = models.CharField(_("note"), max_length=200, blank=True)
    received = models.ForeignKey(Move, on_delete=models.PROTECT, related_name="+")  # customer → returns
    disposed = models.ForeignKey(Move, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    undone = models.BooleanField(default=False)
    # Came back beyond what the order shipped (not on it, more of it, or no order at all): Odoo's
    # return wizard cannot take it, so it reaches Odoo as a line of its own on the return.
    extra = models.BooleanField(_("not shipped on the order"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    device = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["ret", "actor", "-id"], name="inspection_person_latest")]

    def __str__(self):
        return f"{self.quantity} {self.product_id} ({self.grade or '-'})"

    @property
    def not_on_order(self) -> bool:
        """Not shipped on the order at all (or no order): more of a shipped item is approved."""
        return self.extra and self.approved_by_id is None


class InspectorPlace(models.Model):
    """Where an inspector is: the return they hold open, and the item scanned but not yet graded."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    actor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ret = models.ForeignKey(Return, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    item = models.ForeignKey(Inspection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # A scan over what the order shipped waits here for a supervisor's badge and PIN.
    held_scan = models.CharField(max_length=200, blank=True)
    approval = models.CharField(max_length=200, blank=True)  # what the supervisor is asked
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"InspectorPlace {self.actor_id}"

    @property
    def step(self) -> str:
        if self.ret_id is None:
            return "return"
        if self.held_scan:
            return "approval"
        if self.item_id is None:
            return "item"
        return "grade"


class InspectionPhoto(models.Model):
    """A photo of an inspected item, taken on the handheld while it waits for its grade. What is
    stored is the picture re-encoded by Floor, upright and without the file's metadata (EXIF with
    the phone's GPS position), under a random name: never the bytes or the name that came up."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="photos")
    image = models.FileField(_("photo"), upload_to="returns/photos/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("bytes stored"))
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # SHA-256 of the file as uploaded: the same photo sent twice (a double submit) is kept once.
    digest = models.CharField(max_length=64)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspection", "digest"], name="inspection_photo_once")]

    def __str__(self):
        return f"Photo {self.pk} of inspection {self.inspection_id}"
