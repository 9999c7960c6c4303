from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Each role is a Django group of the same name."""

    RECEIVER = "receiver", _("Receiver")
    PICKER = "picker", _("Picker")
    PACKER = "packer", _("Packer")
    COUNTER = "counter", _("Counter")
    INSPECTOR = "inspector", _("Returns inspector")
    SUPERVISOR = "supervisor", _("Supervisor")


def roles_of(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_floor_roles"):
        names = {g.name for g in user.groups.all()}
        user._floor_roles = set(Role) if user.is_superuser else {r for r in Role if r.value in names}
    return user._floor_roles


def has_role(user, *roles: str) -> bool:
    """A supervisor may do any floor work; everyone else only their own roles."""
    held = roles_of(user)
    return Role.SUPERVISOR in held or any(role in held for role in roles)
