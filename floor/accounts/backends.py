from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class FloorUsers:
    """Loads the signed-in person with their profile and warehouse in one query per request."""

    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.select_related("profile__warehouse")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None


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
