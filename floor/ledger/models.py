"""The stock ledger: append-only moves, and quants derived from them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from floor.warehouse.models import Location, Lot, Package, Product


class Move(models.Model):
    """A confirmed quantity going from one location to another. Never edited, never deleted:
    a mistake is undone by a reverse move."""

    key = models.CharField(max_length=100, help_text="Idempotency key of the post that wrote it.")
    line = models.PositiveSmallIntegerField(default=0, help_text="Position within its post.")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The package it lands in: the same as `package` unless the move packs or unpacks.
    to_package = models.ForeignKey(Package, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    from_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    to_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    device = models.CharField(max_length=64, blank=True)
    reference = models.CharField(_("document"), max_length=64, blank=True)
    reverses = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals")
    created_at = models.DateTimeField(auto_now_add=True)

    # Not stored: a move whose goods leave their package sets this, else post() lands them in
    # the package they left (to_package defaults to package).
    unpacks = False

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "line"], name="move_idempotency_key"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="move_quantity_positive"),
            models.CheckConstraint(
                condition=~Q(from_location=F("to_location")) | ~Q(package=F("to_package")), name="move_goes_somewhere"
            ),
        ]
        indexes = [models.Index(fields=["reference"]), models.Index(fields=["created_at"])]

    def __str__(self):
        return f"{self.quantity} {self.product_id} {self.from_location_id}→{self.to_location_id}"


class Quant(models.Model):
    """On hand per location, product, lot and package. Written only by `ledger.post`."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="quants")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="quants")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="quants")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, null=True, blank=True, related_name="quants")
    quantity = models.DecimalField(max_digits=14, decimal_places=3, default=0)

    class Meta:
        constraints = [
            # NULL lot/package must collide too, on SQLite and PostgreSQL alike.
            models.UniqueConstraint(
                F("location"),
                F("product"),
                Coalesce("lot", Value(0)),
                Coalesce("package", Value(0)),
                name="quant_one_row_per_stock_key",
            ),
        ]
        indexes = [models.Index(fields=["product", "location"])]

    def __str__(self):
        return f"{self.quantity} {self.product_id}@{self.location_id}"
