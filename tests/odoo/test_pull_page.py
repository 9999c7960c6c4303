"""The supervisor's page of what Odoo changed under the floor's feet, and resolving it."""

import pytest

from floor.odoo.models import SyncException
from floor.receiving.models import Receipt
from tests import factories

pytestmark = pytest.mark.django_db


def changed_receipt(wh, picking=41):
    receipt = Receipt.objects.create(
        warehouse=wh, reference="WH/IN/00041", odoo_id=picking, odoo_changed=True, state=Receipt.State.RECEIVING
    )
    exception = SyncException.objects.create(
        kind="receipt",
        warehouse=wh,
        reference=receipt.reference,
        odoo_model="stock.picking",
        odoo_id=picking,
        message="Cancelled in Odoo while receiving was under way on the floor.",
        fingerprint="f1",
    )
    return receipt, exception


def test_a_supervisor_sees_what_changed_and_resolves_it(client):
    wh = factories.warehouse()
    receipt, exception = changed_receipt(wh)
    client.force_login(factories.user(roles=["supervisor"], wh=wh))
    page = client.get("/odoo/exceptions/").content.decode()
    assert "WH/IN/00041" in page and "Cancelled in Odoo while receiving" in page
    response = client.post(f"/odoo/exceptions/{exception.pk}/resolve")
    assert response.status_code == 302
    exception.refresh_from_db()
    receipt.refresh_from_db()
    assert exception.resolved and exception.resolved_by is not None
    assert receipt.odoo_changed is False
    assert "WH/IN/00041" in client.get("/odoo/exceptions/?show=resolved").content.decode()
    assert "WH/IN/00041" not in client.get("/odoo/exceptions/").content.decode()


def test_the_warning_stays_while_another_exception_of_the_document_is_open(client):
    wh = factories.warehouse()
    receipt, exception = changed_receipt(wh)
    SyncException.objects.create(
        kind="receipt",
        warehouse=wh,
        reference=receipt.reference,
        odoo_model="stock.picking",
        odoo_id=receipt.odoo_id,
        message="Changed again",
        fingerprint="f2",
    )
    client.force_login(factories.user(roles=["supervisor"], wh=wh))
    client.post(f"/odoo/exceptions/{exception.pk}/resolve")
    receipt.refresh_from_db()
    assert receipt.odoo_changed is True


def test_only_a_supervisor_of_the_warehouse_sees_and_resolves(client):
    wh, other = factories.warehouse("WH"), factories.warehouse("W2")
    _receipt, exception = changed_receipt(wh)
    client.force_login(factories.user(roles=["picker"], wh=wh))
    assert client.get("/odoo/exceptions/").status_code == 403
    client.force_login(factories.user(roles=["supervisor"], wh=other))
    assert "WH/IN/00041" not in client.get("/odoo/exceptions/").content.decode()
    assert client.post(f"/odoo/exceptions/{exception.pk}/resolve").status_code == 404
