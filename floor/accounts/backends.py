from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from floor.accounts.roles import roles_of

# Every scan is a request, and loading the person (user, profile, warehouse, roles) cost two
# queries each time. The cache keeps them between requests; any change to a person, their
# profile, their groups or their warehouse drops the entry at once (floor/accounts/signals.py).
PERSON_SECONDS = 10 * 60


def person_key(user_id) -> str:
    return f"floor:person:{user_id}"


class FloorUsers:
    """Loads the signed-in person with their profile, warehouse and roles: from the cache, or
    in two queries when they are not there."""

    def get_user(self, user_id):
        key = person_key(user_id)
        user = cache.get(key)
        if user is None:
            user = get_user_model()._default_manager.select_related("profile__warehouse").filter(pk=user_id).first()
            if user is None:
                return None
            roles_of(user)  # kept on the cached person
            cache.set(key, user, PERSON_SECONDS)
        return user if self.user_can_authenticate(user) else None


class PasswordBackend(FloorUsers, ModelBackend):
    """Username and password, for people at a desk."""


class BadgeBackend(FloorUsers, ModelBackend):
    """Badge + PIN on a shared device. The view resolves the badge to a username first,
    so that lockout (django-axes) counts failures per person."""

    def authenticate(self, request, username=None, pin=None, **kwargs):
        if username is None or pin is None:
            return None
        user = get_user_model().objects.filter(username=username).select_related("profile").first()
        if user is None or not hasattr(user, "profile"):
            return None
        if user.profile.check_pin(pin) and self.user_can_authenticate(user):
            return user
        return None
