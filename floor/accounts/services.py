from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from floor.accounts.models import Profile
from floor.accounts.roles import Role
from floor.scanning.errors import ScanRejected


def profile_for_badge(badge: str) -> Profile | None:
    if not badge:
        return None
    return Profile.objects.select_related("user").filter(badge=badge, user__is_active=True).first()


@transaction.atomic
def enrol(
    *,
    username: str,
    roles: list[str],
    password: str,
    badge: str,
    pin: str,
    warehouse,
    first_name: str = "",
    last_name: str = "",
    language: str = "en",
):
    """Create or update a floor user with their roles, badge and PIN."""
    user, _created = get_user_model().objects.get_or_create(username=username)
    user.first_name, user.last_name = first_name, last_name
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=Role(role).value)[0] for role in roles])
    profile, _created = Profile.objects.get_or_create(user=user)
    profile.badge, profile.warehouse, profile.language = badge, warehouse, language
    profile.set_pin(pin)
    profile.save()
    return user


def approval_pin_ok(profile: Profile, pin: str) -> bool:
    """A supervisor's PIN typed at an approval on someone's scanner. Wrong PINs count as they do at
    sign-in: after LOGIN_FAILURE_LIMIT of them that supervisor cannot approve for the cool-off,
    so nobody can guess a PIN at an approval prompt. Counted in the cache, not the database: the
    flow's transaction rolls back on a rejection, the count must not."""
    key = f"floor:approval-pin-failures:{profile.user_id}"
    if (cache.get(key) or 0) >= settings.AXES_FAILURE_LIMIT:
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        raise ScanRejected(
            _("Too many wrong PINs for %(name)s — another supervisor, or wait %(n)s minutes")
            % {"name": profile.user.get_full_name() or profile.user.get_username(), "n": minutes},
            sound="supervisor",
        )
    if profile.check_pin(pin):
        cache.delete(key)
        return True
    cache.add(key, 0, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
    cache.incr(key)
    return False
