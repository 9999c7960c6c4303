from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from floor.accounts.hashers import PinHasher
from floor.warehouse.models import Warehouse


class Profile(models.Model):
    """What a person needs on a shared scanner: a badge, a PIN, a language, a warehouse."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    badge = models.CharField(_("badge"), max_length=64, unique=True, null=True, blank=True)
    pin_hash = models.CharField(max_length=128, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    def __str__(self):
        return self.badge or self.user.get_username()

    def set_pin(self, pin: str):
        hasher = PinHasher()
        self.pin_hash = hasher.encode(pin, hasher.salt())

    def check_pin(self, pin: str) -> bool:
        return self.pin_hash.startswith(f"{PinHasher.algorithm}$") and PinHasher().verify(pin, self.pin_hash)

    @property
    def initials(self) -> str:
        user = self.user
        parts = [p for p in (user.first_name, user.last_name) if p]
        return "".join(p[0] for p in parts).upper() or user.get_username()[:2].upper()


class Unlock(models.Model):
    """A supervisor lifted a person's lock (too many wrong PINs) before the cool-off ran out."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    failures = models.PositiveIntegerField()  # the wrong tries it cleared

    class Meta:
        ordering = ["-at"]
