from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from floor.accounts.models import Profile
from floor.accounts.roles import Role


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
