"""Counts: bins to count blind. A short pick raises one on its bin; the counting flow works them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from floor.warehouse.models import Location, Lot, Product, Warehouse


class CountTask(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("To count")
        APPROVAL = "approval", _("To approve")  # two counts disagree: a supervisor decides
        DONE = "done", _("Counted")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        SHORT_PICK = "short_pick", _("Short pick")
        NEGATIVE = "negative", _("Stock would go below zero")
        NOT_COUNTED = "not_counted", _("Not counted for a while")
        VARIANCE = "variance", _("Variance on the same item elsewhere")
        ODOO = "odoo", _("Odoo's count schedule")
        DIFFERENCE = "difference", _("Floor and Odoo differ")
        PLAN = "plan", _("Count plan")
        ONE_OFF = "one_off", _("Asked for today")
        RECOUNT = "recount", _("Recount")

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RECOUNT = "recount", _("Counted again")

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="count_tasks")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="count_tasks")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    reason = models.CharField(_("why"), max_length=200)  # "Short pick: bin empty (W-00042-01)"
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.SHORT_PICK)
    # Riskier bins are handed out first (a recount before a planned count).
    priority = models.IntegerField(default=0)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The lease: who counts it, and until when without a scan; then "Get work" may hand it on.
    counter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lease_until = models.DateTimeField(null=True, blank=True)
    # A recount: of which count, and by anyone but the person who counted that one.
    recount_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="recounts")
    not_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the count found, written at Done (for accuracy): units the ledger held, units off,
    # and whether every item was within tolerance; the value of the adjustment where cost is known
    # (negative: a loss).
    counted_at = models.DateTimeField(null=True, blank=True)
    units_expected = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    units_counted = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    units_off = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    within_tolerance = models.BooleanField(null=True, blank=True)
    adjusted = models.BooleanField(default=False)  # the stock followed this count (a post, Odoo told)
    adjusted_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # A supervisor's decision on two counts that disagree: who, when and why.
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at"]
        # One open count per bin: a second short pick there adds nothing to count.
        constraints = [
            models.UniqueConstraint(fields=["location"], condition=Q(state="open"), name="count_one_open_per_bin")
        ]
        # Get work: a warehouse's open counts, riskiest then oldest first.
        indexes = [models.Index("warehouse", "state", F("priority").desc(), "created_at", name="count_task_queue")]

    def __str__(self):
        return f"{self.location} ({self.get_state_display()})"


class CounterPlace(models.Model):
    """Where a counter is: the bin they hold (a leased task), and since when they count in it."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    actor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(CountTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    bin_scanned_at = models.DateTimeField(null=True, blank=True)  # None: the bin is still to scan
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"CounterPlace {self.actor_id}"

    @property
    def step(self) -> str:
        if self.task_id is None:
            return "work"
        if self.bin_scanned_at is None:
            return "bin"
        return "items"


class CountLine(models.Model):
    """One scan (or typed quantity) of a count. `expected` is the ledger's quantity of that item
    and lot in the bin at that moment: the count is blind, so it is never shown to the counter."""

    task = models.ForeignKey(CountTask, on_delete=models.PROTECT, related_name="lines")
    counter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    expected = models.DecimalField(max_digits=14, decimal_places=3)
    counted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["task", "counter"], name="count_line_task_counter")]

    def __str__(self):
        return f"{self.quantity} {self.product_id}@{self.location_id}"


class CountPlan(models.Model):
    """A supervisor's standing order to count: a zone or aisle, some items' bins, or some bins
    today. Classes A, B and C are the plan every warehouse has without asking (settings)."""

    class Kind(models.TextChoices):
        ZONE = "zone", _("Zone or aisle")
        PRODUCT = "product", _("Items")
        ONE_OFF = "one_off", _("These bins today")

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="count_plans")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # A zone plan: the bins under a zone (a view location), or of one aisle of the warehouse.
    zone = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+", limit_choices_to={"kind": "view"}
    )
    aisle = models.CharField(_("aisle"), max_length=10, blank=True)
    products = models.ManyToManyField(Product, blank=True, related_name="+")
    bins = models.ManyToManyField(Location, blank=True, related_name="+")
    every_days = models.PositiveIntegerField(_("every (days)"), null=True, blank=True)  # None: once (one-off)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-active", "-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"
