"""Reads for supervisors: who of their warehouse cannot sign in now."""

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Max, Sum
from django.utils import timezone

from floor.accounts.models import Unlock
from floor.warehouse.models import Warehouse


@dataclass(frozen=True, slots=True)
class Locked:
    person: AbstractBaseUser
    failures: int
    last_try: datetime
    until: datetime  # at the latest: the lock lifts itself a cool-off after the last counted try


def locked_people(*, warehouse: Warehouse | None) -> list[Locked]:
    """People of the warehouse locked by django-axes (wrong PINs at sign-in or at approvals),
    counted as axes counts them: the tries within the cool-off, per person."""
    if warehouse is None:
        return []
    cooloff = settings.AXES_COOLOFF_TIME
    tries = {
        row["username"]: row
        for row in AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cooloff)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last_try=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    }
    if not tries:
        return []
    people = (
        get_user_model()
        .objects.filter(username__in=list(tries), profile__warehouse=warehouse)
        .order_by("first_name", "last_name", "username")
    )
    return [
        Locked(
            person=person,
            failures=tries[person.get_username()]["failures"],
            last_try=tries[person.get_username()]["last_try"],
            until=tries[person.get_username()]["last_try"] + cooloff,
        )
        for person in people
    ]


def recent_unlocks(*, warehouse: Warehouse | None, limit: int = 10) -> list[Unlock]:
    """The latest unlocks of the warehouse's people: who lifted whose lock, and when."""
    if warehouse is None:
        return []
    found = Unlock.objects.filter(person__profile__warehouse=warehouse).select_related("person", "by")
    return list(found[:limit])
