import hashlib

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.accounts.models import Profile, Unlock
from floor.accounts.roles import Role
from floor.errors import ScanRejected


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
    """A supervisor's PIN typed at an approval on someone's scanner. It counts against the same
    per-person limit as sign-in (django-axes): a locked supervisor cannot approve, and wrong PINs
    here lock them as wrong PINs at sign-in do, so nobody can guess a PIN at an approval prompt."""
    username = profile.user.get_username()
    request, credentials = _approval_attempt(), {"username": username}
    if not AxesProxyHandler.is_allowed(request, credentials):
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        raise ScanRejected(
            _("Too many wrong PINs for %(name)s — another supervisor, or wait %(n)s minutes")
            % {"name": profile.user.get_full_name() or username, "n": minutes},
            sound="supervisor",
        )
    if profile.check_pin(pin):
        if settings.AXES_RESET_ON_SUCCESS:  # as a sign-in clears the wrong tries before it
            axes_reset(username=username)
        return True
    # Recorded as a failed sign-in is; the flow's transaction commits with it (a wrong PIN is an
    # outcome there, not a rejection).
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return False


def _approval_attempt() -> HttpRequest:
    # django-axes counts attempts from a request; an approval's PIN reaches a flow's service
    # without one. The device's address does not matter: the lock is per person.
    request = HttpRequest()
    request.method = "POST"
    request.META = {"HTTP_USER_AGENT": "Floor supervisor approval", "PATH_INFO": "approval"}
    return request


# --- One scanner trying many badges. Per-person lockout alone lets anyone lock the floor badge by
# badge from one device (a floor shares one address, so axes cannot lock by address): a device
# that fails with LOGIN_DEVICE_BADGE_LIMIT different badges within the cool-off is refused every
# badge until the cool-off ends. Kept in the cache: a few keys a failed attempt, no query.


def _device_key(client: str) -> str:
    return "floor:login-device:" + hashlib.sha256(client.encode()).hexdigest()[:32]


def device_throttled(*, client: str) -> bool:
    """`client`: the device's address and its name, as the view reads them."""
    return cache.get(_device_key(client) + ":throttled") is not None


def note_failed_sign_in(*, client: str, who: str) -> None:
    """A badge (or username) that did not sign in from this device: unknown, or a wrong PIN."""
    key, seconds = _device_key(client), int(settings.AXES_COOLOFF_TIME.total_seconds())
    if not cache.add(f"{key}:{hashlib.sha256(who.encode()).hexdigest()[:32]}", 1, seconds):
        return  # this badge failed here already: one person's typing counts once
    cache.add(f"{key}:badges", 0, seconds)
    try:
        badges = cache.incr(f"{key}:badges")
    except ValueError:  # the count ran out between the two calls
        badges = 1
        cache.set(f"{key}:badges", badges, seconds)
    if badges >= settings.LOGIN_DEVICE_BADGE_LIMIT:
        cache.add(f"{key}:throttled", 1, seconds)  # add: further tries do not extend it


# --- Supervisors lift a lock


@transaction.atomic
def unlock(*, person: AbstractBaseUser, by: AbstractBaseUser) -> Unlock | None:
    """Clears the person's wrong tries (sign-in and approvals), on record with who did it. None
    when they were not locked (the cool-off ran out, or another supervisor was quicker)."""
    username = person.get_username()
    failures = failures_of(username=username)
    if failures < settings.AXES_FAILURE_LIMIT:
        return None
    axes_reset(username=username)
    return Unlock.objects.create(person=person, by=by, failures=failures)


def failures_of(*, username: str) -> int:
    """The person's wrong tries within the cool-off, as django-axes counts them for its lock."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    tries = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    return tries.aggregate(n=Sum("failures_since_start"))["n"] or 0
