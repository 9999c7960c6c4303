"""Put away from input, scan by scan, through the views as a scanner sends them."""

import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move, Quant
from floor.odoo.models import Operation
from floor.putaway.models import Putaway
from floor.warehouse.models import Location, Package
from floor.warehouse.services import add_zone, location_of_kind
from tests import factories
from tests.pages import page_text

pytestmark = pytest.mark.django_db

GTIN = "4006381333931"


class Floor:
    pass


@pytest.fixture
def floor(client):
    f = Floor()
    f.wh = factories.warehouse()
    f.input = location_of_kind(f.wh, Location.Kind.INPUT)
    f.zone = add_zone(f.wh, name="Zone A")
    f.a1 = factories.storage_bin(f.wh, aisle="A", bay=1)
    f.a2 = factories.storage_bin(f.wh, aisle="A", bay=2)
    f.b1 = factories.storage_bin(f.wh, aisle="B", bay=1)
    f.item = factories.product(gtin=GTIN, zone=f.zone, volume=Decimal("0.01"))
    factories.stock(f.input, f.item, 12)
    f.person = factories.user(roles=["receiver"], wh=f.wh)
    client.force_login(f.person)
    f.client = client
    return f


def scan(client, code, key=None):
    return client.post(
        "/putaway/scan", {"code": code, "key": key or str(uuid.uuid4()), "device": "test"}, HTTP_HX_REQUEST="true"
    )


def post(client, path, **data):
    data.setdefault("key", str(uuid.uuid4()))
    return client.post(f"/putaway/{path}", data, HTTP_HX_REQUEST="true")


def on_hand(location, product, package=None):
    quants = Quant.objects.filter(location=location, product=product)
    if package is not None:
        quants = quants.filter(package=package)
    return sum((q.quantity for q in quants), Decimal(0))


def text(response) -> str:
    return page_text(response)


# --- What Floor suggests, and why


def test_it_suggests_the_fixed_bin_first(floor):
    factories.stock(floor.a1, floor.item, 3)  # a bin that already holds it loses to the fixed bin
    floor.item.fixed_bin = floor.b1
    floor.item.save()
    answer = text(scan(floor.client, GTIN))
    assert f'<p class="prompt-where">{floor.b1.name}</p>' in answer
    assert f"{floor.b1.name} — fixed bin" in answer and "feedback-ok" in answer


def test_a_fixed_bin_of_another_warehouse_is_passed_over(floor):
    floor.item.fixed_bin = factories.storage_bin(factories.warehouse("WH2"), aisle="Z")
    floor.item.save()
    answer = text(scan(floor.client, GTIN))
    assert f'<p class="prompt-where">{floor.a1.name}</p>' in answer and "empty, in Zone A" in answer


def test_it_suggests_the_first_bin_in_pick_sequence_already_holding_the_item(floor):
    factories.stock(floor.b1, floor.item, 1)
    factories.stock(floor.a2, floor.item, 1)
    answer = text(scan(floor.client, GTIN))
    assert f'<p class="prompt-where">{floor.a2.name}</p>' in answer
    assert f"already holds {floor.item.sku}" in answer


def test_a_lot_goes_to_the_bin_holding_that_lot_not_another(floor):
    tracked = factories.product(tracking="lot", gtin="9501101530003", zone=floor.zone)
    l1, l2 = factories.lot(tracked, "L1"), factories.lot(tracked, "L2")
    factories.stock(floor.a1, tracked, 4, lot=l1)
    factories.stock(floor.b1, tracked, 4, lot=l2)
    factories.stock(floor.input, tracked, 6, lot=l2)
    answer = text(scan(floor.client, "]C10109501101530003" + "10L2"))
    assert f'<p class="prompt-where">{floor.b1.name}</p>' in answer
    assert f"already holds {tracked.sku} (lot L2)" in answer


def test_it_suggests_an_empty_bin_in_the_zone_with_room_skipping_full_and_small_ones(floor):
    floor.a1.capacity_volume = Decimal("0.05")  # empty, but 12 × 0.01 m³ does not fit
    floor.a1.save()
    factories.stock(floor.a2, factories.product(), 1)  # room, but not empty
    other_zone = factories.storage_bin(floor.wh, aisle="A", bay=3, zone_name="Zone B")  # empty, wrong zone
    answer = text(scan(floor.client, GTIN))
    assert f'<p class="prompt-where">{floor.b1.name}</p>' in answer
    assert "empty, in Zone A, room for it" in answer
    assert other_zone.name not in answer


def test_putting_away_less_finds_a_bin_that_less_fits(floor):
    floor.a1.capacity_volume = Decimal("0.05")
    floor.a1.save()
    scan(floor.client, GTIN)
    answer = text(post(floor.client, "quantity", quantity="5"))
    assert f'<p class="prompt-where">{floor.a1.name}</p>' in answer and "5 ×" in answer


def test_with_no_bin_to_suggest_any_storage_bin_will_do_without_a_reason(floor):
    for location in (floor.a1, floor.a2, floor.b1):
        factories.stock(location, factories.product(), 1)
    answer = text(scan(floor.client, GTIN))
    assert "no bin to suggest" in answer and "Scan any storage bin" in answer
    done = text(scan(floor.client, floor.b1.barcode))
    assert f"Put away 12 × {floor.item.sku} in {floor.b1.name}" in done
    assert Putaway.objects.get(state="done").reason == ""


# --- Confirming, and another bin with a reason


def test_the_suggested_bin_confirms_and_posts_input_to_bin_with_one_operation(floor):
    scan(floor.client, GTIN)
    done = scan(floor.client, floor.a1.barcode)
    assert f"Put away 12 × {floor.item.sku} in {floor.a1.name}" in text(done)
    assert 'data-sound="document"' in text(done) and "feedback-ok" in text(done)
    assert (on_hand(floor.input, floor.item), on_hand(floor.a1, floor.item)) == (0, 12)
    [move] = Move.objects.filter(to_location=floor.a1)
    assert (move.from_location, move.actor, move.key) == (floor.input, floor.person, move.key)
    assert move.key.startswith("putaway:")
    [operation] = Operation.objects.all()
    assert operation.kind == "internal" and operation.reference == f"FLOOR-PUTAWAY-{move.pk}"
    assert operation.payload["lines"] == [
        {
            "product": floor.item.pk,
            "lot": None,
            "package": None,
            "quantity": "12.000",
            "from": floor.input.pk,
            "to": floor.a1.pk,
        }
    ]
    putaway = Putaway.objects.get(state="done")
    assert (putaway.suggested, putaway.destination, putaway.rule) == (floor.a1, floor.a1, "empty")
    assert list(putaway.moves) == [move] and operation.document == putaway.document == move.reference
    assert "Scan an item or licence plate" in text(done)
    assert ledger_differences() == []


def test_another_storage_bin_asks_why_and_posts_once_a_reason_is_given(floor):
    scan(floor.client, GTIN)
    asked = text(scan(floor.client, floor.b1.barcode))
    assert "Why this bin?" in asked and "feedback-warning" in asked
    assert "Suggested bin full" in asked and "Closer bin" in asked
    assert Move.objects.filter(to_location=floor.b1).count() == 0  # nothing moves before the reason
    done = text(post(floor.client, "reason", reason="closer"))
    assert f"Put away 12 × {floor.item.sku} in {floor.b1.name}" in done
    assert on_hand(floor.b1, floor.item) == 12
    putaway = Putaway.objects.get(state="done")
    assert (putaway.destination, putaway.suggested, putaway.reason) == (floor.b1, floor.a1, "closer")
    assert Operation.objects.count() == 1


def test_the_suggested_bin_scanned_while_asked_why_confirms_it(floor):
    scan(floor.client, GTIN)
    scan(floor.client, floor.b1.barcode)
    scan(floor.client, floor.a1.barcode)
    assert on_hand(floor.a1, floor.item) == 12 and Putaway.objects.get(state="done").reason == ""


def test_a_reason_that_is_none_of_the_choices_is_refused(floor):
    scan(floor.client, GTIN)
    scan(floor.client, floor.b1.barcode)
    refused = text(post(floor.client, "reason", reason="because"))
    assert "Choose a reason" in refused and "feedback-error" in refused
    assert not Move.objects.filter(to_location=floor.b1).exists()


def test_a_reason_before_any_bin_is_refused(floor):
    scan(floor.client, GTIN)
    assert "Scan the bin first" in text(post(floor.client, "reason", reason="full"))


def test_the_quantity_form_puts_away_less(floor):
    scan(floor.client, GTIN)
    post(floor.client, "quantity", quantity="5")
    scan(floor.client, floor.a1.barcode)
    assert (on_hand(floor.input, floor.item), on_hand(floor.a1, floor.item)) == (7, 5)


# --- Rejections: words, the error sound, nothing changes


def rejected(response, *words):
    body = text(response)
    assert response.status_code == 200 and "feedback-error" in body and 'data-sound="error"' in body, body
    for word in words:
        assert word in body, (word, body)


def nothing_moved():
    assert not Move.objects.filter(key__startswith="putaway:").exists()
    assert not Operation.objects.exists()


def test_a_bin_of_another_warehouse_is_rejected_naming_both(floor):
    elsewhere = factories.storage_bin(factories.warehouse("WH2"), aisle="Z")
    scan(floor.client, GTIN)
    rejected(scan(floor.client, elsewhere.barcode), "another warehouse", floor.a1.name, elsewhere.barcode)
    nothing_moved()


def test_a_location_that_is_not_a_storage_bin_is_rejected(floor):
    scan(floor.client, GTIN)
    rejected(scan(floor.client, "WH-PACK"), "Not a storage bin", floor.a1.name, "(scanned WH/Pack)")
    rejected(scan(floor.client, floor.input.barcode), "where it comes from", floor.a1.name, "(scanned WH/Input)")
    rejected(scan(floor.client, GTIN), "Scan a bin", floor.a1.name, f"(scanned {floor.item.sku})")
    nothing_moved()


def test_unknown_and_malformed_codes_are_rejected(floor):
    for code in ["", "\x1b[A", "NOT-A-CODE", "4006381333932", "]C1" + "01" * 20]:
        rejected(scan(floor.client, code))
    scan(floor.client, GTIN)
    for code in ["NOT-A-CODE", "4006381333932"]:
        rejected(scan(floor.client, code))
    nothing_moved()


def test_an_item_not_waiting_at_input_is_rejected(floor):
    elsewhere = factories.product(gtin="5012345678900")
    factories.stock(floor.a1, elsewhere, 3)  # in a bin, not at input
    rejected(scan(floor.client, "5012345678900"), f"No {elsewhere.sku} waiting at input")
    rejected(scan(floor.client, floor.a1.barcode), "the input location", floor.a1.barcode)
    nothing_moved()


def test_more_than_is_there_is_refused_by_the_quantity_form(floor):
    scan(floor.client, GTIN)
    rejected(post(floor.client, "quantity", quantity="13"), "Only 12")
    for bad in ["0", "-1", "abc", "NaN", "Infinity", "1e30", "0.0001"]:
        rejected(post(floor.client, "quantity", quantity=bad))
    scan(floor.client, floor.a1.barcode)
    assert on_hand(floor.a1, floor.item) == 12


def test_a_lot_tracked_item_without_its_lot_is_refused_when_several_lots_wait(floor):
    tracked = factories.product(tracking="lot", gtin="9501101530003", zone=floor.zone)
    l1, l2 = factories.lot(tracked, "L1"), factories.lot(tracked, "L2")
    factories.stock(floor.input, tracked, 2, lot=l1)
    factories.stock(floor.input, tracked, 3, lot=l2)
    rejected(scan(floor.client, "9501101530003"), "Several of", "lot label")
    rejected(scan(floor.client, "]C10109501101530003" + "10NOPE"), "Lot NOPE")
    answer = text(scan(floor.client, "]C10109501101530003" + "10L2"))
    assert "lot L2" in answer and "<strong>3</strong>" in answer
    scan(floor.client, floor.a1.barcode)
    assert Quant.objects.get(location=floor.a1, product=tracked).lot == l2


def test_a_single_lot_at_input_needs_no_lot_label(floor):
    tracked = factories.product(tracking="lot", gtin="9501101530003", zone=floor.zone)
    factories.stock(floor.input, tracked, 2, lot=factories.lot(tracked, "L1"))
    assert "lot L1" in text(scan(floor.client, "9501101530003"))


def test_an_item_at_several_inputs_asks_for_the_input_first(floor):
    second = Location.objects.create(
        warehouse=floor.wh, kind=Location.Kind.INPUT, name="WH/Input 2", barcode="WH-INPUT-2"
    )
    factories.stock(second, floor.item, 4)
    rejected(scan(floor.client, GTIN), "several inputs", "scan the input location first")
    assert "WH/Input 2" in text(scan(floor.client, "WH-INPUT-2"))
    assert "<strong>4</strong>" in text(scan(floor.client, GTIN))
    scan(floor.client, floor.a1.barcode)
    assert (on_hand(second, floor.item), on_hand(floor.input, floor.item)) == (0, 12)


def test_commands_that_mean_nothing_here_are_rejected(floor):
    rejected(scan(floor.client, "CMD-SKIP"), "does nothing here")


# --- Licence plates


@pytest.fixture
def plate(floor):
    pallet = Package.objects.create(barcode="PLT-000001")
    small = factories.product(zone=floor.zone, volume=Decimal("0.001"))
    factories.stock(floor.input, floor.item, 40, package=pallet)
    factories.stock(floor.input, small, 10, package=pallet)
    return pallet, small


def test_a_licence_plate_moves_whole_and_stays_a_plate(floor, plate):
    pallet, small = plate
    answer = text(scan(floor.client, "PLT-000001"))
    assert "Licence plate" in answer and "50 units on 2 lines" in answer
    assert f'<p class="prompt-where">{floor.a1.name}</p>' in answer
    rejected(post(floor.client, "quantity", quantity="5"), "moves whole")
    done = text(scan(floor.client, floor.a1.barcode))
    assert f"Put away licence plate PLT-000001 in {floor.a1.name}" in done
    assert on_hand(floor.a1, floor.item, pallet) == 40 and on_hand(floor.a1, small, pallet) == 10
    assert on_hand(floor.input, floor.item) == 12  # the loose stock stays at input
    moves = Move.objects.filter(to_location=floor.a1)
    assert {(m.package_id, m.to_package_id) for m in moves} == {(pallet.pk, pallet.pk)}
    [operation] = Operation.objects.all()
    assert {line["package"] for line in operation.payload["lines"]} == {pallet.pk}
    assert len(operation.payload["lines"]) == 2
    assert ledger_differences() == []


def test_a_plate_goes_where_its_largest_item_already_is(floor, plate):
    factories.stock(floor.b1, floor.item, 1)
    assert f'<p class="prompt-where">{floor.b1.name}</p>' in text(scan(floor.client, "PLT-000001"))


def test_a_plate_needs_an_empty_bin_with_room_for_all_of_it(floor, plate):
    floor.a1.capacity_volume = Decimal("0.405")  # the largest item fits, the whole plate (0.41 m³) does not
    floor.a1.save()
    assert f'<p class="prompt-where">{floor.a2.name}</p>' in text(scan(floor.client, "PLT-000001"))


def test_a_plate_not_at_input_is_rejected(floor):
    elsewhere = Package.objects.create(barcode="PLT-000009")
    factories.stock(floor.a1, floor.item, 5, package=elsewhere)
    rejected(scan(floor.client, "PLT-000009"), "PLT-000009 is not at input")
    nothing_moved()


def test_undoing_a_plate_brings_it_back_whole(floor, plate):
    pallet, small = plate
    scan(floor.client, "PLT-000001")
    done = text(scan(floor.client, floor.a1.barcode))
    assert f"Undo: move licence plate PLT-000001 back to {floor.input.name}" in done
    assert f"Undone: licence plate PLT-000001 back to {floor.input.name}" in text(post(floor.client, "undo"))
    assert on_hand(floor.input, floor.item, pallet) == 40 and on_hand(floor.a1, small) == 0
    assert ledger_differences() == []


# --- Replays, cancel and undo


def test_a_replayed_scan_changes_nothing(floor):
    key = str(uuid.uuid4())
    scan(floor.client, GTIN)
    scan(floor.client, floor.a1.barcode, key=key)
    replay = text(scan(floor.client, floor.a1.barcode, key=key))
    assert "Already counted — that scan was sent twice" in replay and "feedback-warning" in replay
    assert Move.objects.filter(to_location=floor.a1).count() == 1 and Operation.objects.count() == 1
    assert ledger_differences() == []


def test_a_replayed_reason_and_undo_change_nothing(floor):
    scan(floor.client, GTIN)
    scan(floor.client, floor.b1.barcode)
    key = str(uuid.uuid4())
    post(floor.client, "reason", reason="full", key=key)
    assert "sent twice" in text(post(floor.client, "reason", reason="full", key=key))
    undo_key = str(uuid.uuid4())
    post(floor.client, "undo", key=undo_key)
    assert "sent twice" in text(post(floor.client, "undo", key=undo_key))
    assert Move.objects.filter(reverses__isnull=False).count() == 1
    assert on_hand(floor.input, floor.item) == 12


def test_cancel_clears_the_putaway(floor):
    scan(floor.client, GTIN)
    cancelled = text(scan(floor.client, "CMD-CANCEL"))
    assert "Cancelled — nothing was moved" in cancelled and "Scan an item or licence plate" in cancelled
    assert "Nothing to cancel" in text(scan(floor.client, "CMD-CANCEL"))
    nothing_moved()


def test_undo_before_posting_drops_the_step_it_says_it_will(floor):
    scan(floor.client, GTIN)
    asked = text(scan(floor.client, floor.b1.barcode))
    assert "Undo: choose another bin" in asked
    back = text(post(floor.client, "undo"))
    assert "Scan bin" in back and f"Undo: drop {floor.item.sku}" in back
    dropped = text(scan(floor.client, "CMD-UNDO"))
    assert "Scan an item or licence plate" in dropped
    assert "Nothing to undo" in text(post(floor.client, "undo"))
    nothing_moved()


def test_undo_after_posting_reverses_the_moves_with_an_operation(floor):
    scan(floor.client, GTIN)
    done = text(scan(floor.client, floor.a1.barcode))
    assert f"Undo: move 12 × {floor.item.sku} back to {floor.input.name}" in done
    undone = text(post(floor.client, "undo"))
    assert f"Undone: 12 × {floor.item.sku} back to {floor.input.name}" in undone
    assert (on_hand(floor.input, floor.item), on_hand(floor.a1, floor.item)) == (12, 0)
    original = Move.objects.get(to_location=floor.a1)
    reverse = Move.objects.get(reverses=original)
    assert (reverse.from_location, reverse.to_location, reverse.actor) == (floor.a1, floor.input, floor.person)
    there, back = Operation.objects.order_by("pk")
    assert back.kind == "internal" and back.payload["lines"][0]["from"] == floor.a1.pk
    assert back.created_by == floor.person
    assert Putaway.objects.get(move_key=original.key).state == "undone"
    assert ledger_differences() == []
    call_command("check_ledger")


def test_undo_by_command_barcode_works_too(floor):
    scan(floor.client, GTIN)
    scan(floor.client, floor.a1.barcode)
    assert "back to" in text(scan(floor.client, "CMD-UNDO"))
    assert on_hand(floor.input, floor.item) == 12


# --- Who may, and what it costs


def test_the_views_need_a_login(client):
    for method, path in [("get", "/putaway/"), ("post", "/putaway/scan"), ("post", "/putaway/undo")]:
        response = getattr(client, method)(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_picker_may_not_put_away(floor, client):
    client.force_login(factories.user(roles=["picker"], wh=floor.wh))
    assert client.get("/putaway/").status_code == 403
    assert scan(client, GTIN).status_code == 403
    assert post(client, "reason", reason="full").status_code == 403


def test_a_supervisor_may(floor, client):
    client.force_login(factories.user(roles=["supervisor"], wh=floor.wh))
    page = client.get("/putaway/")
    assert page.status_code == 200 and b"Scan an item or licence plate" in page.content


def test_an_account_without_a_warehouse_is_told_so(client):
    client.force_login(factories.user(roles=["receiver"]))
    assert b"no warehouse" in client.get("/putaway/").content
    rejected(scan(client, GTIN), "no warehouse")


def _destination_scan_queries(floor, django_assert_max_num_queries, *, limit):
    scan(floor.client, GTIN)
    with django_assert_max_num_queries(limit) as captured:
        scan(floor.client, floor.a1.barcode)
    return len(captured)


def test_queries_per_destination_scan_do_not_grow_with_bins_or_stock(floor, django_assert_max_num_queries):
    # Parse 1, lock (with the suggested bin) + replay check 2, ledger post 4, outbox 1, putaway
    # done + the next one opened 2, and the test's own savepoints 2. The person is cached.
    small = _destination_scan_queries(floor, django_assert_max_num_queries, limit=12)
    for n in range(40):
        location = factories.storage_bin(floor.wh, aisle="C", bay=n + 1)
        factories.stock(location, factories.product(), 1)
        factories.stock(floor.input, factories.product(), 1)
    factories.stock(floor.input, floor.item, 12)
    large = _destination_scan_queries(floor, django_assert_max_num_queries, limit=12)
    assert large == small
    assert on_hand(floor.a1, floor.item) == 24


def test_queries_per_item_scan_do_not_grow_with_bins(floor, django_assert_max_num_queries):
    def item_scan():
        scan(floor.client, "CMD-CANCEL")
        # Parse 1, lock + replay check 2, the item with its stock at input 1, the empty bin 1,
        # putaway 1, and the test's own savepoints 2.
        with django_assert_max_num_queries(8) as captured:
            scan(floor.client, GTIN)
        return len(captured)

    small = item_scan()
    for n in range(40):
        factories.storage_bin(floor.wh, aisle="C", bay=n + 1)
        factories.stock(floor.input, factories.product(), 1)
    assert item_scan() == small


def test_each_partial_stays_under_six_kilobytes(floor):
    sizes = [len(scan(floor.client, GTIN).content), len(scan(floor.client, floor.b1.barcode).content)]
    sizes.append(len(post(floor.client, "reason", reason="other").content))
    assert max(sizes) <= 6 * 1024, sizes
