"""Odoo's own count schedule becomes count tasks on the pull: a location counted every N days come
due, a quant's scheduled date come, a count someone requested in Odoo. And items bring their cost."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from floor.counting.models import CountTask
from floor.ledger import services as ledger
from floor.ledger.models import Move
from floor.odoo.models import PullCursor
from floor.odoo.pull.schedule import SCHEDULE_CURSOR
from floor.warehouse.models import Location, Product
from tests import factories
from tests.odoo.test_pull_support import connect, pull_now

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


@pytest.fixture
def odoo(odoo_double, settings):
    double = connect(odoo_double, settings)
    double.seed_stock(double.ids["product"], 5, location=double.ids["shelf_1"])
    return double


def shelf_quant(odoo):
    [quant] = odoo.search(
        "stock.quant", [("location_id", "=", odoo.ids["shelf_1"]), ("product_id", "=", odoo.ids["product"])]
    )
    return quant


def shelf(odoo):
    return Location.objects.get(odoo_id=odoo.ids["shelf_1"])


def odoo_counts():
    return list(CountTask.objects.filter(source=CountTask.Source.ODOO))


def next_day():
    """The next pull is the first of a new day: it reads the whole due list again."""
    PullCursor.objects.filter(model=SCHEDULE_CURSOR).update(pulled_at=timezone.now() - timedelta(days=1))


def test_a_count_requested_in_odoo_becomes_a_count_naming_who_asked(odoo):
    pull_now()
    assert odoo_counts() == []
    today = timezone.localdate().isoformat()
    odoo.write("stock.quant", shelf_quant(odoo), {"inventory_date": today, "user_id": odoo.user_id("demo")})
    result = pull_now()
    [task] = odoo_counts()
    assert task.location == shelf(odoo) and task.state == CountTask.State.OPEN
    assert task.reason == f"Odoo: count asked by Marc Demo for {today}" and task.priority == 50
    assert result.created["odoo counts"] == 1
    # Read again (the pull's overlap, the next day's whole read): still one count.
    pull_now()
    next_day()
    pull_now()
    assert len(odoo_counts()) == 1


def test_a_request_counted_by_floor_is_not_raised_again_before_odoo_hears(odoo):
    pull_now()
    odoo.write("stock.quant", shelf_quant(odoo), {"user_id": odoo.user_id("demo")})
    pull_now()
    CountTask.objects.update(state=CountTask.State.DONE, counted_at=timezone.now())
    next_day()
    pull_now()  # Odoo still shows the request: Floor's count is on its way there
    assert [task.state for task in odoo_counts()] == [CountTask.State.DONE]


def test_a_cyclic_count_come_due_in_odoo_is_counted_and_moves_on_once_applied(odoo):
    odoo.advance(-40 * DAY)  # set up in Odoo 40 days ago: due 10 days ago
    odoo.write("stock.location", odoo.ids["shelf_1"], {"cyclic_inventory_frequency": 30})
    odoo.advance(40 * DAY)
    due = odoo.get("stock.location", odoo.ids["shelf_1"], ["next_inventory_date"])["next_inventory_date"]
    pull_now()
    [task] = odoo_counts()
    assert task.location == shelf(odoo) and task.reason == f"Odoo: counted every 30 days, due {due}"
    # Counted (here by someone in Odoo): Odoo's schedule moves 30 days on; nothing more is due.
    CountTask.objects.update(state=CountTask.State.DONE, counted_at=timezone.now())
    odoo.adjust(odoo.ids["product"], odoo.ids["shelf_1"], 5)
    location = odoo.get("stock.location", odoo.ids["shelf_1"], ["last_inventory_date", "next_inventory_date"])
    assert location["last_inventory_date"] == odoo.now().date().isoformat()
    assert location["next_inventory_date"] == (odoo.now().date() + timedelta(days=30)).isoformat()
    next_day()
    pull_now()
    assert len(odoo_counts()) == 1


def test_a_quants_scheduled_date_come_is_a_count(odoo):
    pull_now()
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    odoo.write("stock.quant", shelf_quant(odoo), {"inventory_date": yesterday})
    pull_now()
    [task] = odoo_counts()
    assert task.reason == f"Odoo: count scheduled for {yesterday}"


def test_odoo_annual_count_is_not_due_before_its_day(odoo):
    pull_now()
    date = odoo.get("stock.quant", shelf_quant(odoo), ["inventory_date"])["inventory_date"]
    assert date.endswith("-12-31") and date > timezone.localdate().isoformat()
    assert odoo_counts() == []


def test_quants_counted_in_odoo_right_now_and_floors_own_are_left_alone(odoo):
    pull_now()
    quant = shelf_quant(odoo)
    odoo.write("stock.quant", quant, {"user_id": odoo.uid})  # Floor's API user: its own count under way
    pull_now()
    odoo.write("stock.quant", quant, {"user_id": odoo.user_id("demo"), "inventory_quantity": 4})  # Marc counting
    pull_now()
    assert odoo.get("stock.quant", quant, ["inventory_quantity_set"])["inventory_quantity_set"]
    assert odoo_counts() == []


def test_items_bring_their_cost_from_odoo(odoo):
    odoo.write("product.product", odoo.ids["product"], {"standard_price": 12.5})
    pull_now()
    assert Product.objects.get(odoo_id=odoo.ids["product"]).cost == Decimal("12.5")
    assert Product.objects.get(odoo_id=odoo.ids["product_lot"]).cost is None  # 0 in Odoo: nobody set it


def test_a_move_made_in_odoo_that_floor_refuses_raises_a_count_on_the_bin(odoo):
    pull_now()  # Odoo's 5 on the shelf are Floor's opening balance
    where, item = shelf(odoo), Product.objects.get(odoo_id=odoo.ids["product"])
    elsewhere = factories.storage_bin(where.warehouse, aisle="Z")
    ledger.post([Move(product=item, quantity=Decimal(5), from_location=where, to_location=elsewhere)], key="gone")
    odoo.adjust(odoo.ids["product"], odoo.ids["shelf_1"], 2)  # Odoo takes 3 off the shelf Floor holds empty
    pull_now()
    [task] = CountTask.objects.filter(source=CountTask.Source.NEGATIVE)
    assert task.location == where and item.sku in task.reason
