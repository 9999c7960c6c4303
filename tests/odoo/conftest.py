import pytest

from floor.warehouse.models import Warehouse
from tests import factories


@pytest.fixture
def odoo(odoo_double, settings):
    """The Odoo test double, with Floor's settings pointing at it."""
    settings.ODOO_URL, settings.ODOO_DB = odoo_double.url, odoo_double.db
    settings.ODOO_USER, settings.ODOO_API_KEY = odoo_double.login, odoo_double.api_key
    return odoo_double


@pytest.fixture
def odoo_warehouse(odoo):
    """Floor's warehouse carrying the id of Odoo's (as a pull leaves it)."""
    [warehouse] = odoo.records("stock.warehouse", [], ["id"])
    wh = factories.warehouse()
    Warehouse.objects.filter(pk=wh.pk).update(odoo_id=warehouse["id"])
    wh.refresh_from_db()
    return wh
