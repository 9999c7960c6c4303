"""Values as Odoo sends them, in the shapes Floor keeps."""

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from django.utils import timezone


def odoo_id(value) -> int | None:
    """The id of a many2one as Odoo sends it ([7, "WH/Stock"] or False)."""
    return value[0] if isinstance(value, list | tuple) and value else None


def label(value) -> str:
    return str(value[1]) if isinstance(value, list | tuple) and len(value) > 1 else ""


def text(value, length: int) -> str:
    return str(value or "").strip()[:length]


def moment(value) -> datetime | None:
    """An Odoo datetime ("2026-11-22 10:00:00", UTC) as an aware datetime."""
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace(" ", "T"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def odoo_datetime(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def local_date(value) -> date | None:
    when = moment(value)
    return timezone.localtime(when).date() if when else None


def quantity(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.001"))


def shown(amount: Decimal) -> str:
    return format(amount.normalize(), "f")


def digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()
