"""What a careful person would do in Odoo for each kind of floor operation.

Every push first reads what it would change (the picking Floor made or fills, found by id or
by Floor's reference in `origin`) and stops if the work is already there, so a retry after an
answer lost in transit never creates a second picking or validates twice. The number of calls
does not grow with the number of lines: all line values go in one `write` of one2many commands.
"""

from django.utils.translation import gettext as _

from floor.odoo.client import OdooClient
from floor.odoo.mapping.common import NotMapped
from floor.odoo.mapping.inventory import push_adjustment, push_scrap
from floor.odoo.mapping.pickings import push_delivery, push_receipt
from floor.odoo.mapping.returns import push_return
from floor.odoo.mapping.transfers import push_internal
from floor.odoo.models import Operation

PUSHERS = {
    Operation.Kind.INTERNAL: push_internal,
    Operation.Kind.RECEIPT: push_receipt,
    Operation.Kind.DELIVERY: push_delivery,
    Operation.Kind.ADJUSTMENT: push_adjustment,
    Operation.Kind.RETURN: push_return,
    Operation.Kind.SCRAP: push_scrap,
}


def push(client: OdooClient, operation: Operation) -> dict:
    pusher = PUSHERS.get(operation.kind)
    if pusher is None:
        raise NotMapped(_("Floor cannot send a %(kind)s to Odoo yet") % {"kind": operation.get_kind_display()})
    return pusher(client, operation)
