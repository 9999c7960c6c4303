"""Master data: where stock can be and what it is."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The regions whose rules for store price and weight labels biip knows (biip.rcn.RcnRegion).
RCN_REGION_CHOICES = [
    ("dk", _("Denmark")),
    ("ee", _("Estonia")),
    ("fi", _("Finland")),
    ("de", _("Germany")),
    ("gb", _("Great Britain")),
    ("lv", _("Latvia")),
    ("lt", _("Lithuania")),
    ("no", _("Norway")),
    ("se", _("Sweden")),
]


class Warehouse(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    odoo_id = models.IntegerField(null=True, blank=True, unique=True)
    # Odoo's main stock location of the warehouse: where Floor's areas Odoo does not model are.
    odoo_stock_id = models.IntegerField(null=True, blank=True)
    # The region whose rule reads a store's price and weight labels (GS1 prefixes 02, 20–29):
    # blank, the GS1_RCN_REGION setting's; with neither, such labels are refused.
    rcn_region = models.CharField(
        _("price and weight label region"), max_length=2, blank=True, default="", choices=RCN_REGION_CHOICES
    )

    def __str__(self):
        return self.code


class Location(models.Model):
    class Kind(models.TextChoices):
        VIEW = "view", _("Zone")  # groups bins; holds no stock itself
        DOCK = "dock", _("Dock")
        INPUT = "input", _("Input")
        STORAGE = "storage", _("Storage bin")
        PACK = "pack", _("Pack station")
        OUTPUT = "output", _("Output")
        RETURNS = "returns", _("Returns")
        QUARANTINE = "quarantine", _("Quarantine")
        TOTE = "tote", _("Tote")
        VENDOR = "vendor", _("Vendor")
        CUSTOMER = "customer", _("Customer")
        INVENTORY_LOSS = "inventory_loss", _("Inventory loss")
        SCRAP = "scrap", _("Scrap")
        PRODUCTION = "production", _("Production")
        TRANSIT = "transit", _("In transit")
        # Where the stock Odoo already held when Floor first read a warehouse came from.
        OPENING = "opening", _("Odoo opening balance")

    # Virtual locations give every move a source and a destination, as in Odoo; they may go negative.
    VIRTUAL_KINDS = frozenset(
        {Kind.VENDOR, Kind.CUSTOMER, Kind.INVENTORY_LOSS, Kind.SCRAP, Kind.PRODUCTION, Kind.TRANSIT, Kind.OPENING}
    )

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, null=True, blank=True, related_name="locations")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    name = models.CharField(_("name"), max_length=100)
    barcode = models.CharField(_("barcode"), max_length=64, unique=True, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Pick sequence: the order a picker walks the bins in.
    aisle = models.CharField(_("aisle"), max_length=10, blank=True)
    bay = models.PositiveSmallIntegerField(_("bay"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    capacity_volume = models.DecimalField(_("capacity (m³)"), max_digits=10, decimal_places=4, null=True, blank=True)
    active = models.BooleanField(default=True)
    odoo_id = models.IntegerField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["aisle", "bay", "level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(warehouse__isnull=False)
                | Q(kind__in=["vendor", "customer", "inventory_loss", "scrap", "production", "transit", "opening"]),
                name="location_real_has_warehouse",
            )
        ]
        # A warehouse's input, output or pack location among its thousands of bins: asked on
        # every putaway item scan.
        indexes = [models.Index(fields=["warehouse", "kind"], name="location_warehouse_kind")]

    def __str__(self):
        return self.name

    @property
    def is_virtual(self) -> bool:
        return self.kind in self.VIRTUAL_KINDS

    @property
    def zone(self):
        """The nearest enclosing zone (a view location), if any."""
        node = self.parent
        while node is not None and node.kind != self.Kind.VIEW:
            node = node.parent
        return node


class Product(models.Model):
    class Tracking(models.TextChoices):
        NONE = "none", _("Not tracked")
        LOT = "lot", _("By lot")
        SERIAL = "serial", _("By serial number")

    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    uom = models.CharField(_("unit"), max_length=20, default="Units")
    tracking = models.CharField(_("tracking"), max_length=10, choices=Tracking.choices, default=Tracking.NONE)
    weight = models.DecimalField(_("weight (kg)"), max_digits=10, decimal_places=3, default=Decimal(0))
    volume = models.DecimalField(_("volume (m³)"), max_digits=10, decimal_places=6, default=Decimal(0))
    # The zone its stock belongs in (putaway looks for a bin there).
    zone = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", limit_choices_to={"kind": "view"}
    )
    # Its own bin, where putaway always sends it (a fast mover's pick face); none for most items.
    fixed_bin = models.ForeignKey(
        Location,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "storage"},
        verbose_name=_("fixed bin"),
    )
    # Cost of one unit (Odoo's standard price) where it is pulled; None: unknown.
    cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=4, null=True, blank=True)
    active = models.BooleanField(default=True)
    odoo_id = models.IntegerField(null=True, blank=True, unique=True)
    odoo_uom_id = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["sku"]

    def __str__(self):
        return f"{self.sku} {self.name}"

    @property
    def gtin(self) -> str | None:
        for barcode in self.barcodes.all():
            if barcode.is_gtin:
                return barcode.code
        return None


class ProductBarcode(models.Model):
    """A code that identifies a product. GTINs are stored as GTIN-14 (zero-padded), so an
    EAN-13, a UPC-A and the GTIN inside a GS1-128 label all find the same row."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="barcodes")
    code = models.CharField(_("barcode"), max_length=64, unique=True)
    is_gtin = models.BooleanField(default=False)
    # Units one scan of this code stands for (a case GTIN may hold 12).
    quantity = models.DecimalField(max_digits=12, decimal_places=3, default=Decimal(1))
    odoo_id = models.IntegerField(null=True, blank=True)

    def __str__(self):
        return self.code


class Lot(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lots")
    name = models.CharField(_("lot / serial"), max_length=64)
    expiry_date = models.DateField(_("expiry"), null=True, blank=True)
    # From the lot's GS1 label: best before (AI 15), which first-expiry-first-out goes by when the
    # lot has no expiry, and when it was made (AI 11).
    best_before = models.DateField(_("best before"), null=True, blank=True)
    produced = models.DateField(_("production date"), null=True, blank=True)
    odoo_id = models.IntegerField(null=True, blank=True, unique=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "name"], name="lot_unique_per_product")]

    def __str__(self):
        return self.name


class Package(models.Model):
    """A licence plate: a pallet or carton that moves as one."""

    barcode = models.CharField(_("licence plate"), max_length=64, unique=True)
    odoo_id = models.IntegerField(null=True, blank=True, unique=True)

    def __str__(self):
        return self.barcode


class Tote(models.Model):
    """A picking tote. Totes are locations in the ledger: a pick moves stock bin → tote."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="totes")
    barcode = models.CharField(_("tote"), max_length=64, unique=True)
    location = models.OneToOneField(Location, on_delete=models.PROTECT, related_name="tote")

    def __str__(self):
        return self.barcode
