"""What a supervisor did about an exception from the dashboard: who, what, why and when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from floor.warehouse.models import Warehouse


class Handled(models.Model):
    """One exception dealt with: its kind and object (floor/dashboard/exceptions.py), the action
    taken ("dismiss" puts it out of the stream), by whom and why."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24)
    object_id = models.IntegerField()
    action = models.CharField(max_length=12)
    reason = models.CharField(_("why"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["warehouse", "kind", "object_id"], name="handled_exception")]

    def __str__(self):
        return f"{self.kind}:{self.object_id} {self.action}"
