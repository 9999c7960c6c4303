"""A supervisor's approval of a scan over the limit or not on the receipt: their badge scanned
on this device, then their PIN (floor.accounts.approval asks, checks and records it)."""

from django.db import transaction
from django.utils.translation import gettext as _

from floor.accounts import approval
from floor.errors import ScanRejected
from floor.receiving import place
from floor.receiving.counting import next_step
from floor.receiving.models import Receiving
from floor.receiving.place import Outcome, Waiting
from floor.scanning.parser import Scan


def badge(session: Receiving, scan: Scan) -> Outcome:
    session.approver = approval.supervisor_from_badge(scan, warehouse_id=session.warehouse_id, why=session.approval)
    session.save()
    return Outcome(session, approval.ask_pin(session.approver), "supervisor")


@transaction.atomic
def approve(*, actor, warehouse, pin: str, key: str, device: str = "") -> Outcome:
    session, replayed = place.begin(actor=actor, warehouse=warehouse, key=key, raw="approve")
    if replayed:
        return replayed
    if session.waiting != Waiting.APPROVAL or session.approver_id is None:
        raise ScanRejected(_("Nothing waits for a supervisor"))
    if approval.pin_approves(session.approver_id, pin) is None:
        session.approver = None
        session.save()  # kept (an outcome, not a rejection): the badge must be scanned again
        return Outcome(session, approval.wrong_pin(), "supervisor")
    session.waiting = ""
    receipt = place.lock_receipt(session)
    return next_step(session, receipt, device=device)
