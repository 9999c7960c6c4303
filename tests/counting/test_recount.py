"""A count beyond tolerance is recounted by someone else; a recount that agrees stands, else a
supervisor sees both counts and decides — recorded with who and why."""

from decimal import Decimal

import pytest

from floor.counting import accuracy
from floor.counting.models import CountTask
from floor.ledger import services as ledger
from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move
from floor.odoo.models import Operation
from floor.warehouse.models import Location
from floor.warehouse.services import virtual_location
from tests import factories
from tests.counting.conftest import GTIN, on_hand, post, scan, work
from tests.pages import page_text

pytestmark = pytest.mark.django_db


def counter(floor, client_class, name):
    client = client_class()
    client.force_login(factories.user(name, roles=["counter"], wh=floor.wh))
    return client


def count(client, floor, quantity) -> str:
    work(client)
    scan(client, floor.a.barcode)
    scan(client, GTIN)
    post(client, "quantity", {"quantity": str(quantity)})
    return page_text(scan(client, "CMD-DONE"))


@pytest.fixture
def two_counts(floor, client):
    """37 in the ledger; the first counter finds 30; a second counter is at hand."""
    count(floor.client, floor, 30)
    floor.second = counter(floor, type(client), "second")
    floor.supervisor = type(client)()
    floor.boss = factories.user("boss", roles=["supervisor"], wh=floor.wh)
    floor.supervisor.force_login(floor.boss)
    return floor


def recount(floor):
    return CountTask.objects.get(recount_of=floor.task)


def adjustments():
    return Operation.objects.filter(kind=Operation.Kind.ADJUSTMENT)


def test_the_first_count_keeps_what_it_found_for_accuracy(two_counts):
    first = CountTask.objects.get(pk=two_counts.task.pk)
    assert first.state == CountTask.State.DONE and first.within_tolerance is False
    assert first.units_expected == 37 and first.units_off == 7 and first.counted_at is not None
    assert first.adjusted_value is None


def test_a_recount_that_agrees_with_the_first_count_stands(two_counts):
    answer = count(two_counts.second, two_counts, 31)  # 6 short against the first's 7: within 2
    assert "thank you" in answer and "37" not in answer.replace(two_counts.a.name, "")
    assert on_hand(two_counts.a, two_counts.item) == 31
    [move] = Move.objects.filter(reference=f"COUNT-{recount(two_counts).pk}")
    assert move.quantity == 6 and move.actor.username == "second"
    assert adjustments().count() == 1 and ledger_differences() == []


def test_a_recount_that_agrees_with_the_ledger_stands(two_counts):
    assert "thank you" in count(two_counts.second, two_counts, 37)
    assert on_hand(two_counts.a, two_counts.item) == 37
    assert not Move.objects.filter(reference__startswith="COUNT-").exists()
    assert recount(two_counts).state == CountTask.State.DONE


def test_two_counts_that_disagree_wait_for_a_supervisor(two_counts):
    answer = count(two_counts.second, two_counts, 20)
    assert "a supervisor will look at it" in answer and "37" not in answer.replace(two_counts.a.name, "")
    assert recount(two_counts).state == CountTask.State.APPROVAL
    assert on_hand(two_counts.a, two_counts.item) == 37 and not adjustments().exists()
    home = page_text(two_counts.supervisor.get("/"))
    assert "Counts to approve" in home and "1 bins counted twice" in home


def test_the_supervisor_sees_both_counts_the_ledger_and_the_bins_moves(two_counts):
    count(two_counts.second, two_counts, 20)
    listed = page_text(two_counts.supervisor.get("/count/approvals/"))
    assert two_counts.a.name in listed
    page = page_text(two_counts.supervisor.get(f"/count/approvals/{recount(two_counts).pk}/"))
    assert "Count 1" in page and "Count 2" in page
    assert "<strong>30</strong>" in page and "<strong>20</strong>" in page
    assert "Ledger at the count" in page and "37" in page
    assert "Recent moves in this bin" in page and "+37" in page  # the stock that came in


def decide(floor, decision, reason="checked the shelf"):
    task = recount(floor)
    return floor.supervisor.post(f"/count/approvals/{task.pk}/", {"decision": decision, "reason": reason}, follow=True)


def test_approving_takes_the_latest_count(two_counts):
    count(two_counts.second, two_counts, 20)
    answer = page_text(decide(two_counts, "approved", "found the damaged case"))
    assert "the latest count is taken" in answer
    assert on_hand(two_counts.a, two_counts.item) == 20 and ledger_differences() == []
    [move] = Move.objects.filter(reference=f"COUNT-{recount(two_counts).pk}")
    assert move.quantity == 17 and move.actor == two_counts.boss
    assert move.to_location.kind == Location.Kind.INVENTORY_LOSS
    [operation] = adjustments()
    assert operation.payload["lines"][0]["counted"] == "20"
    task = recount(two_counts)
    assert task.state == CountTask.State.DONE and task.decision == CountTask.Decision.APPROVED
    assert task.decided_by == two_counts.boss and task.decision_reason == "found the damaged case"
    assert "found the damaged case" in page_text(two_counts.supervisor.get("/count/approvals/"))


def test_approving_after_picks_adjusts_by_the_difference_the_count_found(two_counts):
    count(two_counts.second, two_counts, 20)  # 17 fewer than the ledger's 37 then
    picked = Move(
        product=two_counts.item,
        quantity=5,
        from_location=two_counts.a,
        to_location=virtual_location(Location.Kind.CUSTOMER),
    )
    ledger.post([picked], key="picked-since")
    decide(two_counts, "approved")
    assert on_hand(two_counts.a, two_counts.item) == 15


def test_rejecting_leaves_the_ledger_as_it_is(two_counts):
    count(two_counts.second, two_counts, 20)
    assert "the ledger stands" in page_text(decide(two_counts, "rejected", "counted the wrong shelf"))
    assert on_hand(two_counts.a, two_counts.item) == 37 and not adjustments().exists()
    assert recount(two_counts).decision == CountTask.Decision.REJECTED


def test_counting_again_goes_to_someone_who_counted_neither(two_counts, client):
    count(two_counts.second, two_counts, 20)
    decide(two_counts, "recount")
    third = CountTask.objects.get(state=CountTask.State.OPEN)
    assert third.recount_of == recount(two_counts) and third.source == CountTask.Source.RECOUNT
    assert "No bins to count" in page_text(work(two_counts.client))
    assert "No bins to count" in page_text(work(two_counts.second))
    newcomer = counter(two_counts, type(client), "third")
    assert "thank you" in count(newcomer, two_counts, 21)  # agrees with the second count
    assert on_hand(two_counts.a, two_counts.item) == 21


def test_a_decision_is_taken_once(two_counts):
    count(two_counts.second, two_counts, 20)
    decide(two_counts, "approved")
    again = page_text(decide(two_counts, "rejected"))
    assert "Already decided by boss: Approved" in again
    assert on_hand(two_counts.a, two_counts.item) == 20


def test_a_decision_needs_a_reason(two_counts):
    count(two_counts.second, two_counts, 20)
    assert "Say why" in page_text(decide(two_counts, "approved", "   "))
    assert recount(two_counts).state == CountTask.State.APPROVAL


def test_a_supervisor_who_counted_the_bin_does_not_decide(two_counts, client):
    both = type(client)()
    both.force_login(factories.user("both", roles=["counter", "supervisor"], wh=two_counts.wh))
    count(both, two_counts, 20)
    task = recount(two_counts)
    answer = page_text(
        both.post(f"/count/approvals/{task.pk}/", {"decision": "approved", "reason": "mine"}, follow=True)
    )
    assert "another supervisor decides" in answer
    assert on_hand(two_counts.a, two_counts.item) == 37


def test_another_warehouses_supervisor_sees_nothing(two_counts, client):
    count(two_counts.second, two_counts, 20)
    elsewhere = type(client)()
    elsewhere.force_login(factories.user("far", roles=["supervisor"], wh=factories.warehouse("W2")))
    assert two_counts.a.name not in page_text(elsewhere.get("/count/approvals/"))
    assert elsewhere.get(f"/count/approvals/{recount(two_counts).pk}/").status_code == 404
    assert elsewhere.post(f"/count/approvals/{recount(two_counts).pk}/", {"decision": "approved"}).status_code == 404


def test_a_costly_item_is_beyond_tolerance_by_its_value(floor, settings):
    settings.COUNT_TOLERANCE_VALUE = 100
    floor.item.cost = Decimal("80")
    floor.item.save()
    assert "someone else will recount" in count(floor.client, floor, 35)  # 2 units, worth 160
    assert on_hand(floor.a, floor.item) == 37


def test_a_cheap_item_within_tolerance_adjusts_and_keeps_its_value(floor, settings):
    settings.COUNT_TOLERANCE_VALUE = 100
    floor.item.cost = Decimal("1.25")
    floor.item.save()
    assert "thank you" in count(floor.client, floor, 35)
    floor.task.refresh_from_db()
    assert floor.task.adjusted_value == Decimal("-2.50") and floor.task.within_tolerance is True


def test_the_accuracy_page_counts_what_the_counts_found(two_counts, settings):
    count(two_counts.second, two_counts, 31)  # the recount stands: 6 units adjusted
    total = accuracy.accuracy(warehouse=two_counts.wh).total
    assert (total.counts, total.right, total.recounts, total.adjustments) == (1, 0, 1, 1)
    assert total.off == 7 and total.base == 37
    page = page_text(two_counts.supervisor.get("/count/accuracy/"))
    assert "Count accuracy" in page


def test_the_home_screen_counts_no_recount_of_the_persons_own_count(two_counts):
    assert '<span class="count">0</span> Bins to count' in page_text(two_counts.client.get("/"))
    assert '<span class="count">1</span> Bins to count' in page_text(two_counts.second.get("/"))


def test_a_variance_two_counts_agree_on_has_the_items_other_bins_counted(two_counts):
    factories.stock(two_counts.b, two_counts.item, 5)
    count(two_counts.second, two_counts, 31)
    elsewhere = CountTask.objects.get(location=two_counts.b, state=CountTask.State.OPEN)
    assert elsewhere.source == CountTask.Source.VARIANCE and two_counts.a.name in elsewhere.reason


def test_an_approved_variance_has_the_items_other_bins_counted(two_counts):
    factories.stock(two_counts.b, two_counts.item, 5)
    count(two_counts.second, two_counts, 20)
    assert not CountTask.objects.filter(location=two_counts.b).exists()
    decide(two_counts, "approved")
    assert CountTask.objects.get(location=two_counts.b).source == CountTask.Source.VARIANCE
