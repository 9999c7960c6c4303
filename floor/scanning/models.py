from django.conf import settings
from django.db import models


class ScanLog(models.Model):
    """Every scan a flow handled, by the key the device made for it. A key seen before is a
    replay (a double submit, or a queue flushed after reconnecting): it changes nothing."""

    key = models.CharField(max_length=100, unique=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    flow = models.CharField(max_length=20)
    raw = models.CharField(max_length=200)
    outcome = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["actor", "-created_at"])]
