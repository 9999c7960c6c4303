from floor.odoo import push


def sent(operation):
    """Push once and insist it got through."""
    push.send(operation.pk)
    operation.refresh_from_db()
    assert operation.state == "sent", operation.last_error
    return operation
