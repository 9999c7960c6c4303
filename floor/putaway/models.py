"""Putaway: goods received at input taken to the bin Floor suggests."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from floor.ledger.models import Move
from floor.warehouse.models import Location, Lot, Package, Product, Warehouse


class Putaway(models.Model):
    """One person putting one item (all of it at an input, or less) or one licence plate away."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        UNDONE = "undone", _("Undone")

    class Rule(models.TextChoices):
        """Why Floor suggested the bin it did."""

        FIXED = "fixed", _("Fixed bin")
        HOLDS = "holds", _("Already holds it")
        EMPTY = "empty", _("Empty, with room")
        NONE = "none", _("No bin to suggest")

    class Reason(models.TextChoices):
        """Why the person took it to another bin than the suggested one."""

        FULL = "full", _("Suggested bin full")
        BLOCKED = "blocked", _("Suggested bin blocked or damaged")
        CLOSER = "closer", _("Closer bin")
        OTHER = "other", _("Other")

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    source = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Scanned first (the item was at several inputs), rather than found from the item: Undo keeps it.
    source_scanned = models.BooleanField(default=False)
    # For a licence plate: its largest item, and the units and lines on the plate.
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=3, default=Decimal(0))
    items = models.PositiveSmallIntegerField(default=0)
    suggested = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rule = models.CharField(max_length=10, choices=Rule.choices, blank=True)
    # The bin scanned: while open, another bin than the suggested one, waiting for a reason.
    destination = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=10, choices=Reason.choices, blank=True)
    # The ledger key its moves were posted with (Move.key): one post, one move per line.
    move_key = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor"], condition=Q(state="open"), name="one_open_putaway_per_person"),
        ]
        indexes = [models.Index(fields=["actor", "state", "-id"], name="putaway_person_latest")]

    def __str__(self):
        return f"Putaway {self.pk}"

    @property
    def step(self) -> str:
        if self.destination_id is not None and self.state == self.State.OPEN:
            return "reason"
        if self.product_id is not None:
            return "destination"
        if self.source_id is not None:
            return "item"
        return "start"

    @property
    def document(self) -> str:
        return f"PUTAWAY-{self.pk}"

    @property
    def moves(self):
        return Move.objects.filter(key=self.move_key).order_by("line") if self.move_key else Move.objects.none()

    @property
    def why(self) -> str:
        """The suggestion's reason, as the prompt says it."""
        if self.rule == self.Rule.FIXED:
            return gettext("fixed bin")
        if self.rule == self.Rule.HOLDS:
            if self.lot_id is not None:
                return gettext("already holds %(sku)s (lot %(lot)s)") % {"sku": self.product.sku, "lot": self.lot.name}
            return gettext("already holds %(sku)s") % {"sku": self.product.sku}
        if self.rule == self.Rule.EMPTY:
            zone = self.suggested.parent
            # Zones are named "WH/Zone B": the warehouse goes without saying.
            name = zone.name.rsplit("/", 1)[-1] if zone is not None else ""
            return gettext("empty, in %(zone)s, room for it") % {"zone": name}
        if self.rule == self.Rule.NONE:
            return gettext("no bin to suggest — scan any storage bin")
        return ""
