"""Who may open what: every URL the resolver knows, for a visitor and for each role.

The table below is the policy. A URL added without a row fails `test_every_url_has_a_row`, so a
new screen cannot ship without someone deciding who may use it. A supervisor may do any floor
work (floor.accounts.roles.has_role)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from floor.accounts.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC = "anyone"  # no sign-in needed
SIGNED_IN = "signed in"  # any role
R, P, K, C, S = Role.RECEIVER, Role.PICKER, Role.PACKER, Role.COUNTER, Role.SUPERVISOR
INSPECTOR = Role.INSPECTOR
MOVERS = {R, P, K, C}

POLICY = {
    "home": SIGNED_IN,
    "healthz": PUBLIC,
    "manifest": PUBLIC,
    "service_worker": PUBLIC,
    "set_language": PUBLIC,
    "accounts:login": PUBLIC,
    "accounts:login_password": PUBLIC,
    "accounts:logout": SIGNED_IN,  # a visitor signing out is simply sent to sign in
    "accounts:language": SIGNED_IN,
    "accounts:locked": {S},
    "accounts:unlock": {S},
    "scanning:lookup": SIGNED_IN,
    "scanning:selftest": SIGNED_IN,
    "demo:labels": SIGNED_IN,
    **{f"transfers:{name}": MOVERS for name in ("move", "scan", "quantity", "undo")},
    **{f"counting:{name}": {C} for name in ("count", "work", "scan", "quantity", "undo", "empty", "done")},
    **{f"counting:{name}": {S} for name in ("approvals", "approval", "reassign")},
    "counting:accuracy": {S},
    "counting:accuracy_csv": {S},
    **{
        f"counting:{name}": {S}
        for name in (
            "plans",
            "add_zone_plan",
            "add_item_plan",
            "count_today",
            "stop_plan",
            "make_counts_now",
            "classes",
            "queue",
        )
    },
    **{
        f"receiving:{name}": {R}
        for name in (
            "receive",
            "scan",
            "open",
            "leave",
            "quantity",
            "units",
            "change_lot",
            "expiry",
            "damaged",
            "approve",
            "undo",
            "close",
            "lines",
        )
    },
    **{
        f"returns:{name}": {INSPECTOR}
        for name in ("inspect", "scan", "grade", "photo_add", "photo", "undo", "review", "close", "approve", "unknown")
    },
    "returns:grades": {S},
    **{f"dashboard:{name}": {S} for name in ("dashboard", "panels", "act")},
    "returns:report": {S},
    "returns:report_csv": {S},
    "returns:release": {S},
    **{f"putaway:{name}": {R} for name in ("putaway", "scan", "quantity", "reason", "undo")},
    **{
        f"picking:{name}": {P}
        for name in ("pick", "work", "scan", "quantity", "short", "skip", "undo", "leave", "lines", "offline")
    },
    **{
        f"waves:{name}": {S}
        for name in ("waves", "new", "wave", "release", "cancel", "reassign", "rules", "rule_new", "rule_edit")
    },
    "waves:rule_toggle": {S},
    **{
        f"packing:{name}": {K}
        for name in (
            "pack",
            "scan",
            "carton",
            "close_carton",
            "weight",
            "quantity",
            "scale",
            "approve",
            "undo",
            "done",
            "leave",
            "lines",
        )
    },
    **{
        f"stations:{name}": {S}
        for name in (
            "stations",
            "station_new",
            "station_edit",
            "test_printer",
            "read_scale",
            "carton_types",
            "carton_type_new",
            "carton_type_edit",
            "carton_type_toggle",
            "jobs",
        )
    },
    # A packer reprints and previews the labels of their own station.
    **{f"stations:{name}": {K} for name in ("job", "retry", "label")},
    **{
        f"odoo:{name}": {S}
        for name in ("operations", "retry", "exceptions", "resolve_exception", "differences", "act_on_difference")
    },
}
ARGUMENTS = {"action": "odoo"}  # any other path argument is an id nobody has


def url_patterns(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from url_patterns(pattern.url_patterns, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def url_of(name, pattern):
    kwargs = {arg: ARGUMENTS.get(arg, 999999) for arg in pattern.pattern.converters}
    return reverse(name, kwargs=kwargs)


def test_every_url_has_a_row():
    names = {name for name, _pattern in url_patterns()}
    assert sorted(names - set(POLICY)) == [], "a URL without a row in POLICY: decide who may use it"
    assert sorted(set(POLICY) - names) == [], "a row for a URL that is gone"


def request(client, url):
    """GET, or POST where the view takes only POST (405 to a GET)."""
    answer = client.get(url)
    if answer.status_code == 405:
        answer = client.post(url)
    return answer


def sent_to_sign_in(answer) -> bool:
    return answer.status_code == 302 and answer["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", sorted(POLICY))
def test_a_visitor_signs_in_first_except_on_public_pages(client, name):
    pattern = dict(url_patterns())[name]
    answer = request(client, url_of(name, pattern))
    if POLICY[name] == PUBLIC:
        assert not sent_to_sign_in(answer) and answer.status_code < 500
    else:
        assert sent_to_sign_in(answer), f"{name} answered {answer.status_code} to a visitor"


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_reaches_what_the_table_allows_and_nothing_else(client, role):
    person = factories.user(roles=[role], wh=factories.warehouse())
    wrong = []
    for name, pattern in sorted(url_patterns()):
        allowed = POLICY[name]
        may = allowed in (PUBLIC, SIGNED_IN) or role == S or role in allowed
        client.force_login(person)  # again: the sign-out URL is on the list
        answer = request(client, url_of(name, pattern))
        if name == "accounts:logout":
            continue  # signing out is for everyone; its answer is the sign-in page
        if answer.status_code >= 500 or sent_to_sign_in(answer) or (answer.status_code == 403) == may:
            wrong.append(f"{name}: {answer.status_code}")
    assert wrong == [], f"{role}: {wrong}"


def warehouse_b_objects(wh):
    """One of everything a URL names by id, all in warehouse B."""
    from decimal import Decimal

    from floor.counting.models import CountPlan, CountTask
    from floor.odoo.models import Operation, StockDifference, SyncException
    from floor.packing.models import PrintJob
    from floor.picking.models import PickTask, Wave, WaveRule
    from floor.receiving.models import Receipt
    from tests.packing.label_factories import carton_type, closed_carton, station
    from tests.returns.factories import photo_taken

    photo = photo_taken(wh)
    wave = Wave.objects.create(warehouse=wh, reference="W-B-1")
    bench = station(wh)
    carton = closed_carton(bench)
    operation = Operation.objects.create(
        kind=Operation.Kind.INTERNAL, warehouse=wh, reference="FLOOR-B-1", state=Operation.State.FAILED
    )
    return {
        "receipt_id": Receipt.objects.create(warehouse=wh, reference="IN-B-1").pk,
        "person_id": factories.user(wh=wh).pk,
        "wave_id": wave.pk,
        "task_id": PickTask.objects.create(wave=wave, warehouse=wh, reference="W-B-1-1").pk,
        "rule_id": WaveRule.objects.create(warehouse=wh, name="B rule").pk,
        "station_id": bench.pk,
        "carton_type_id": carton_type(wh).pk,
        "job_id": PrintJob.objects.create(station=bench, carton=carton, zpl="^XA^XZ").pk,
        "carton_id": carton.pk,
        "photo_id": photo.pk,
        "operation_id": operation.pk,
        "item_id": photo.inspection_id,  # scanned, not graded yet
        "plan_id": CountPlan.objects.create(
            warehouse=wh, kind=CountPlan.Kind.ZONE, aisle="B", every_days=7, created_by=factories.user(wh=wh)
        ).pk,
        "exception_id": SyncException.objects.create(
            kind=SyncException.Kind.RECEIPT,
            warehouse=wh,
            reference="IN-B-1",
            odoo_model="stock.picking",
            odoo_id=1,
            message="changed",
            fingerprint="x",
        ).pk,
        "count_id": CountTask.objects.create(
            warehouse=wh,
            location=factories.storage_bin(wh, aisle="C"),
            reason="two counts disagree",
            state=CountTask.State.APPROVAL,
        ).pk,
        "difference_id": StockDifference.objects.create(
            warehouse=wh,
            location=factories.storage_bin(wh),
            product=factories.product(),
            floor_quantity=Decimal(1),
            odoo_quantity=Decimal(2),
        ).pk,
    }


def test_a_supervisor_of_warehouse_a_reaches_nothing_of_warehouse_b_by_its_id(client):
    ids = warehouse_b_objects(factories.warehouse("B"))
    client.force_login(factories.user(roles=["supervisor"], wh=factories.warehouse("A")))
    reached = []
    for name, pattern in sorted(url_patterns()):
        arguments = set(pattern.pattern.converters) - set(ARGUMENTS)
        if not arguments:
            continue
        url = reverse(
            name, kwargs={arg: ids[arg] if arg in ids else ARGUMENTS[arg] for arg in pattern.pattern.converters}
        )
        answer = request(client, url)
        text = answer.content.decode(errors="replace")
        # Refused: not found, forbidden, or a scan screen's error band that names nothing of B's.
        refused = answer.status_code in (403, 404) or ("feedback-error" in text and "-B-" not in text)
        if not refused:
            reached.append(f"{name}: {answer.status_code}")
    assert reached == []


SCAN_SCREENS = {
    # role, the screen to open first (GET), the scan URL
    "move": ("picker", "transfers:move", "transfers:scan"),
    "count": ("counter", "counting:count", "counting:scan"),
    "receive": ("receiver", "receiving:receive", "receiving:scan"),
    "putaway": ("receiver", "putaway:putaway", "putaway:scan"),
    "pick": ("picker", "picking:pick", "picking:scan"),
    "pack": ("packer", "packing:pack", "packing:scan"),
    "inspect": ("inspector", "returns:inspect", "returns:scan"),
}


def warehouse_b_codes():
    from floor.picking.models import Order
    from floor.receiving.models import Receipt
    from tests.packing.label_factories import station

    wh = factories.warehouse("B")
    bin_b = factories.storage_bin(wh, aisle="Q")
    factories.stock(bin_b, factories.product(name="Secret widget of B"), 7)
    factories.user(roles=["supervisor"], wh=wh, badge="BDG-B-SUP", first_name="Barbara", last_name="Bee")
    return {
        "a bin": bin_b.barcode,
        "a tote": factories.tote(wh, barcode="TOTE-B-1").barcode,
        "a receipt": Receipt.objects.create(warehouse=wh, reference="IN-B-7").reference,
        "an order": Order.objects.create(warehouse=wh, reference="OUT-B-7").reference,
        "a pack station": station(wh, barcode="ST-B-7").barcode,
        "a badge": "BDG-B-SUP",
    }, ("Secret widget of B", "Barbara", "IN-B-7", "OUT-B-7")  # what was scanned may be said back, no more


@pytest.mark.parametrize("screen", sorted(SCAN_SCREENS))
def test_a_code_of_warehouse_b_scanned_in_warehouse_a_is_refused(client, screen):
    codes, secrets = warehouse_b_codes()
    role, start, scan = SCAN_SCREENS[screen]
    client.force_login(factories.user(roles=[role], wh=factories.warehouse("A")))
    client.get(reverse(start))
    for what, code in codes.items():
        answer = client.post(reverse(scan), {"code": code, "key": f"k-{what}"}, HTTP_HX_REQUEST="true")
        text = answer.content.decode()
        assert answer.status_code < 500 and "feedback-error" in text, (what, answer.status_code)
        assert not [secret for secret in secrets if secret != code and secret in text], what


def test_the_lookup_shows_nothing_of_another_warehouse(client):
    codes, secrets = warehouse_b_codes()
    client.force_login(factories.user(roles=["receiver"], wh=factories.warehouse("A")))
    for what, code in codes.items():
        text = client.get(reverse("scanning:lookup"), {"code": code}).content.decode()
        assert not [secret for secret in secrets if secret != code and secret in text], what


def test_a_person_with_no_warehouse_looks_up_nothing(client):
    codes, secrets = warehouse_b_codes()
    client.force_login(factories.user(roles=["supervisor"], wh=None))
    for what, code in codes.items():
        text = client.get(reverse("scanning:lookup"), {"code": code}).content.decode()
        assert not [secret for secret in secrets if secret != code and secret in text], what
