"""Packing: stations, carton types, the cartons an order is packed into, what went in each, and
the labels sent to a station's printer."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from floor.picking.models import Order
from floor.warehouse.models import Location, Lot, Package, Product, Warehouse


class Station(models.Model):
    """A pack bench: scanned once by the packer; it remembers its printer and scale."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stations")
    name = models.CharField(_("name"), max_length=64)
    barcode = models.CharField(_("barcode"), max_length=64, unique=True)
    location = models.OneToOneField(
        Location, on_delete=models.PROTECT, related_name="station", limit_choices_to={"kind": "pack"}
    )
    # A thermal printer taking raw ZPL on TCP (usually port 9100); blank: print from the preview page.
    printer_host = models.CharField(_("printer host"), max_length=255, blank=True)
    printer_port = models.PositiveIntegerField(_("printer port"), default=9100)
    # A network scale answering MT-SICS on TCP; blank: the packer types the weight.
    scale_host = models.CharField(_("scale host"), max_length=255, blank=True)
    scale_port = models.PositiveIntegerField(_("scale port"), default=4001)
    active = models.BooleanField(default=True)

    def __str__(self):
        return self.name


class CartonType(models.Model):
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="carton_types")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    barcode = models.CharField(_("barcode"), max_length=64, unique=True, null=True, blank=True)
    length_cm = models.DecimalField(_("length (cm)"), max_digits=7, decimal_places=1)
    width_cm = models.DecimalField(_("width (cm)"), max_digits=7, decimal_places=1)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=7, decimal_places=1)
    max_weight_kg = models.DecimalField(_("maximum weight (kg)"), max_digits=8, decimal_places=3)
    tare_kg = models.DecimalField(_("empty weight (kg)"), max_digits=8, decimal_places=3, default=Decimal(0))
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["length_cm", "width_cm", "height_cm"]
        constraints = [models.UniqueConstraint(fields=["warehouse", "code"], name="cartontype_code_per_warehouse")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def volume_m3(self) -> Decimal:
        return self.length_cm * self.width_cm * self.height_cm / Decimal(1_000_000)


class Carton(models.Model):
    """One box of an order: a package in the ledger, with an SSCC and a shipping label."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="cartons")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="cartons")
    carton_type = models.ForeignKey(CartonType, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(default=1)  # 1 of n within the order
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    sscc = models.CharField(_("SSCC"), max_length=18, unique=True, null=True, blank=True)
    package = models.OneToOneField(Package, on_delete=models.PROTECT, null=True, blank=True, related_name="carton")
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=8, decimal_places=3, null=True, blank=True)
    weighed_on_scale = models.BooleanField(default=False)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="carton_number_per_order"),
            # One open carton per order at a time: items go into it.
            models.UniqueConstraint(fields=["order"], condition=Q(state="open"), name="carton_one_open_per_order"),
        ]

    def __str__(self):
        return self.sscc or f"{self.order_id}/{self.number}"


class PackedItem(models.Model):
    """An item verified into a carton: append-only; undo writes a record reversing it."""

    carton = models.ForeignKey(Carton, on_delete=models.PROTECT, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    device = models.CharField(max_length=64, blank=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal")
    created_at = models.DateTimeField(auto_now_add=True)


class CartonContent(models.Model):
    """What a carton holds of one item (and lot): the running total of its PackedItem records, so
    that a scan reads one row per item in the order's cartons, however many it took to fill them.
    Written only with the order locked (`place.lock_order`), beside the record it totals."""

    carton = models.ForeignKey(Carton, on_delete=models.PROTECT, related_name="contents")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=3)

    class Meta:
        constraints = [
            # Two, because a NULL lot is distinct from every other NULL in a plain unique index.
            models.UniqueConstraint(
                fields=["carton", "product", "lot"], condition=Q(lot__isnull=False), name="carton_content_lot"
            ),
            models.UniqueConstraint(fields=["carton", "product"], condition=Q(lot__isnull=True), name="carton_content"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="carton_content_not_negative"),
        ]


class Packing(models.Model):
    """Where one packer is: the scanner flow's state, one row per person."""

    class Waiting(models.TextChoices):
        TOTE = "tote", _("a tote")
        ITEM = "item", _("the items")
        CARTON = "carton", _("a carton type")
        WEIGHT = "weight", _("the carton's weight")
        APPROVAL = "approval", _("a supervisor")

    actor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    carton = models.ForeignKey(Carton, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    waiting = models.CharField(max_length=10, choices=Waiting.choices, blank=True)
    # Items scanned that do not belong to the order: set aside, shown until the order closes.
    set_aside = models.JSONField(default=list, blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approval = models.CharField(max_length=200, blank=True)
    # Units the next item scan packs (typed, or after QTY); None: the barcode says (1, or its count).
    next_quantity = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class PrintJob(models.Model):
    """A label on its way to a station's printer; a failed one can be sent again."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="print_jobs")
    carton = models.ForeignKey(Carton, on_delete=models.PROTECT, null=True, blank=True, related_name="print_jobs")
    zpl = models.TextField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)  # the last failure: a dashboard's exception

    class Meta:
        ordering = ["-created_at"]
