"""One push attempt of one operation: claim it, make its Odoo calls, record the outcome."""

import logging

from django.conf import settings

from floor.odoo import mapping, outbox
from floor.odoo.client import OdooClient
from floor.odoo.errors import OdooAuthError, OdooError, OdooRetryableError

log = logging.getLogger(__name__)


def configured() -> bool:
    return bool(settings.ODOO_URL and settings.ODOO_DB and settings.ODOO_USER and settings.ODOO_API_KEY)


_client: OdooClient | None = None


def client() -> OdooClient:
    """One client per worker process: the version check and sign-in happen once, not per push."""
    global _client
    settings_now = (settings.ODOO_URL, settings.ODOO_DB, settings.ODOO_USER, settings.ODOO_API_KEY, settings.ODOO_API)
    if _client is None or _client.settings_key != settings_now:
        forget_client()
        _client = OdooClient.from_settings()
        _client.settings_key = settings_now
    return _client


def forget_client() -> None:
    global _client
    if _client is not None:
        _client.close()
    _client = None


def send(operation_id: int) -> None:
    # Without an Odoo to talk to, operations wait (pending) rather than burn their attempts.
    if not configured():
        return
    operation = outbox.claim(operation_id)
    if operation is None:
        return
    behind = outbox.earlier_unsent(operation)
    if behind is not None:
        outbox.wait(operation, behind=behind)
        return
    try:
        odoo_ids = mapping.push(client(), operation)
    except (OdooRetryableError, OdooAuthError) as error:
        if isinstance(error, OdooAuthError):
            forget_client()  # sign in afresh next time: the key may have been rotated
        # Odoo down or slow, or a key being rotated: worth another try later.
        log.warning("push of %s failed, will retry: %s", operation.reference, error)
        outbox.failed(operation, error=str(error), retry=True)
    except OdooError as error:
        # Odoo refused the content (a UserError, a missing record): a person must look.
        log.warning("push of %s refused by Odoo: %s", operation.reference, error)
        outbox.failed(operation, error=str(error), retry=False)
    else:
        outbox.succeeded(operation, odoo_ids=odoo_ids)
