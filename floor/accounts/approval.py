"""A supervisor's approval on someone else's scanner: their badge scanned on this device, then
their PIN. The flows that ask for one (receiving: over tolerance or not on the receipt; packing: a
short shipment) keep their own state while it waits; what is asked and checked is here."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext as _

from floor.accounts import services as accounts
from floor.accounts.models import Profile
from floor.accounts.roles import Role, has_role
from floor.errors import ScanRejected
from floor.scanning.parser import Kind, Scan


def supervisor_from_badge(scan: Scan, *, warehouse_id: int | None, why: str) -> AbstractBaseUser:
    """The supervisor whose badge was scanned to approve `why`, in this warehouse, else refused.
    A supervisor who is doing the work may approve it: it is on record as theirs."""
    if scan.kind != Kind.BADGE:
        raise ScanRejected(
            _("%(why)s — a supervisor must scan their badge (or scan CANCEL)") % {"why": why}, sound="supervisor"
        )
    profile = Profile.objects.select_related("user").filter(badge=scan.badge).first()
    if profile is None or not has_role(profile.user, Role.SUPERVISOR) or profile.warehouse_id != warehouse_id:
        raise ScanRejected(
            _("That badge cannot approve here — a supervisor of this warehouse must"), sound="supervisor"
        )
    return profile.user


def ask_pin(supervisor: AbstractBaseUser) -> str:
    """What the screen says once the badge is taken. `supervisor`: from `supervisor_from_badge`
    (its profile already read)."""
    return _("%(name)s: type your PIN to approve") % {"name": supervisor.get_full_name() or supervisor.profile.badge}


def pin_approves(approver_id: int, pin: str) -> AbstractBaseUser | None:
    """The supervisor, when `pin` is theirs; None when it is not. Wrong PINs count with wrong
    PINs at sign-in (`approval_pin_ok`), so a locked supervisor is refused with `ScanRejected`."""
    profile = Profile.objects.select_related("user").get(user_id=approver_id)
    return profile.user if accounts.approval_pin_ok(profile, pin) else None


def wrong_pin() -> str:
    """Said (not refused: the flow keeps that the badge is forgotten) after a wrong PIN."""
    return _("Wrong PIN — the supervisor must scan their badge again")


def record(supervisor: AbstractBaseUser, what: str) -> dict:
    """Who approved what, as it is kept with the document and sent to Odoo."""
    return {"by": supervisor.pk, "name": supervisor.get_full_name() or supervisor.get_username(), "what": what}
