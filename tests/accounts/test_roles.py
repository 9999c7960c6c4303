import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_a_returns_inspector_may_not_move_stock(client):
    client.force_login(factories.user(roles=["inspector"], wh=factories.warehouse()))
    assert client.get("/move/").status_code == 403


def test_a_picker_may_move_stock(client):
    client.force_login(factories.user(roles=["picker"], wh=factories.warehouse()))
    assert client.get("/move/").status_code == 200


def test_a_supervisor_may_do_any_floor_work(client):
    client.force_login(factories.user(roles=["supervisor"], wh=factories.warehouse()))
    assert client.get("/move/").status_code == 200


def test_the_home_screen_shows_the_work_waiting_for_a_receiver(client):
    from floor.receiving.models import Receipt

    wh = factories.warehouse()
    Receipt.objects.create(warehouse=wh, reference="WH/IN/00001")
    Receipt.objects.create(warehouse=wh, reference="WH/IN/00002", state="done")
    client.force_login(factories.user(roles=["receiver"], wh=wh))
    content = client.get("/").content.decode()
    assert "Receipts to receive" in content
    assert '<span class="count">1</span> Receipts to receive' in content
    assert "Orders to pick" not in content


def test_a_supervisor_reaches_the_odoo_sync_pages_from_home(client):
    wh = factories.warehouse()
    client.force_login(factories.user(roles=["supervisor"], wh=wh))
    home = client.get("/").content.decode()
    assert "/odoo/operations/" in home and "/odoo/exceptions/" in home
    assert "0 failed · 0 changed in Odoo" in home
    client.force_login(factories.user(roles=["picker"], wh=wh))
    assert "/odoo/operations/" not in client.get("/").content.decode()
