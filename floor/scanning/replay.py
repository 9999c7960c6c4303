from django.db import IntegrityError, transaction

from floor.scanning.models import ScanLog


def first_time(*, key: str, actor, flow: str, raw: str, outcome: str = "handled") -> bool:
    """Record a scan's device key; False when that key was handled before (a double submit,
    or a queue replayed after reconnecting), so the caller changes nothing."""
    if not key:
        return True
    try:
        with transaction.atomic():
            ScanLog.objects.create(key=key[:100], actor=actor, flow=flow, raw=raw[:200], outcome=outcome)
    except IntegrityError:
        return False
    return True
