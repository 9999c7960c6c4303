"""Counts: bins to count blind. A short pick raises one on its bin; the counting flow works them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from floor.warehouse.models import Location, Warehouse


class CountTask(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("To count")
        DONE = "done", _("Counted")
        CANCELLED = "cancelled", _("Cancelled")

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="count_tasks")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="count_tasks")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    reason = models.CharField(_("why"), max_length=200)  # "Short pick: bin empty (W-00042-01)"
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        # One open count per bin: a second short pick there adds nothing to count.
        constraints = [
            models.UniqueConstraint(fields=["location"], condition=Q(state="open"), name="count_one_open_per_bin")
        ]

    def __str__(self):
        return f"{self.location} ({self.get_state_display()})"
