"""The supervisor's station pages (stations, carton types, print jobs) and the label preview."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client
from django.utils import translation

from floor.packing import printing
from floor.packing.models import CartonType, PrintJob, Station
from floor.warehouse.models import Location
from tests import factories
from tests.packing import label_factories as make
from tests.packing.devices import FakePrinter, FakeScale, closed_port
from tests.warehouse import scan_svg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def wh():
    return factories.warehouse()


def signed_in(wh, *roles) -> Client:
    client = Client()
    client.force_login(factories.user(roles=list(roles), wh=wh))
    return client


@pytest.fixture
def boss(wh):
    return signed_in(wh, "supervisor")


@pytest.fixture
def packer(wh):
    return signed_in(wh, "packer")


def text(response) -> str:
    return response.content.decode()


STATION = {"name": "PACK-2", "barcode": "ST-PACK-2", "printer_port": 9100, "scale_port": 4001, "active": "on"}
SUPERVISOR_PAGES = [
    ("get", "/stations/"),
    ("get", "/stations/new"),
    ("post", "/stations/new"),
    ("post", "/stations/1/test-printer"),
    ("post", "/stations/1/read-scale"),
    ("get", "/stations/cartons/"),
    ("post", "/stations/cartons/new"),
    ("post", "/stations/cartons/1/toggle"),
    ("get", "/stations/jobs/"),
]


@pytest.mark.parametrize(("method", "url"), SUPERVISOR_PAGES)
def test_a_packer_may_not_set_up_stations(packer, method, url):
    assert getattr(packer, method)(url).status_code == 403


@pytest.mark.parametrize(("method", "url"), [("get", "/stations/labels/1/"), ("post", "/stations/jobs/1/retry")])
def test_a_picker_may_not_see_labels_or_retry_them(wh, method, url):
    assert getattr(signed_in(wh, "picker"), method)(url).status_code == 403


def test_someone_signed_out_is_sent_to_sign_in(db):
    assert Client().get("/stations/").status_code == 302


def test_a_new_station_takes_the_free_pack_location_then_gets_one_of_its_own(wh, boss):
    response = boss.post("/stations/new", {**STATION, "printer_host": " 10.0.4.21 "})
    first = Station.objects.get(barcode="ST-PACK-2")
    assert response.status_code == 302 and response["Location"] == f"/stations/{first.pk}/"
    assert first.location.name == f"{wh.code}/Pack"  # the warehouse's own pack location was free
    assert (first.warehouse, first.printer_host, first.printer_port) == (wh, "10.0.4.21", 9100)

    boss.post("/stations/new", {**STATION, "name": "PACK-3", "barcode": "ST-PACK-3"})
    second = Station.objects.get(barcode="ST-PACK-3")
    assert second.location.kind == Location.Kind.PACK and second.location.name == f"{wh.code}/PACK-3"
    assert second.location != first.location
    assert "PACK-2" in text(boss.get("/stations/")) and "PACK-3" in text(boss.get("/stations/"))


def test_a_station_code_already_scanned_for_something_else_is_refused(wh, boss):
    page = text(boss.post("/stations/new", {**STATION, "barcode": f"{wh.code}-PACK"}))  # a location's code
    assert "is already in use" in page
    assert not Station.objects.exists()


def test_a_printer_host_that_is_not_a_host_is_refused(boss):
    page = text(boss.post("/stations/new", {**STATION, "printer_host": "http://x/ y"}))
    assert "A host name or an IP address" in page
    assert not Station.objects.exists()


def test_editing_a_station_keeps_its_place_and_changes_its_devices(wh, boss):
    station = make.station(wh, name="PACK-1")
    place = station.location
    boss.post(
        f"/stations/{station.pk}/",
        {**STATION, "name": "PACK-1", "barcode": station.barcode, "scale_host": "scale-1.local"},
    )
    station.refresh_from_db()
    assert (station.location, station.scale_host) == (place, "scale-1.local")


def test_another_warehouses_station_is_not_found(boss):
    theirs = make.station(factories.warehouse("OTHER"))
    assert boss.get(f"/stations/{theirs.pk}/").status_code == 404
    assert boss.post(f"/stations/{theirs.pk}/test-printer").status_code == 404


def test_test_printer_sends_a_test_label_and_says_so(wh, boss):
    with FakePrinter() as printer:
        station = make.station(wh, name="PACK-1", printer_host=printer.host, printer_port=printer.port)
        page = text(boss.post(f"/stations/{station.pk}/test-printer", headers={"HX-Request": "true"}))
        [label] = printer.received
    assert "Test label sent to PACK-1." in page and "✔" in page
    assert label.startswith(b"^XA") and b"Station PACK-1" in label
    assert PrintJob.objects.get().state == PrintJob.State.SENT


def test_test_printer_against_a_printer_that_refuses_says_why(wh, boss):
    port = closed_port()
    station = make.station(wh, name="PACK-1", printer_host="127.0.0.1", printer_port=port)
    page = text(boss.post(f"/stations/{station.pk}/test-printer", headers={"HX-Request": "true"}))
    assert f"Label failed: Connection refused (127.0.0.1:{port})" in page and "✖" in page


def test_read_scale_shows_the_weight_or_the_problem(wh, boss):
    with FakeScale(weight="7.250") as scale:
        station = make.station(wh, name="PACK-1", scale_host=scale.host, scale_port=scale.port)
        page = text(boss.post(f"/stations/{station.pk}/read-scale", headers={"HX-Request": "true"}))
    assert "The scale reads 7.250 kg." in page

    station.scale_port = closed_port()
    station.save()
    page = text(boss.post(f"/stations/{station.pk}/read-scale", headers={"HX-Request": "true"}))
    assert "Scale at PACK-1 does not answer — type the weight" in page


def test_without_htmx_a_device_check_comes_back_as_a_message_on_the_station_page(wh, boss):
    station = make.station(wh, name="PACK-1")
    response = boss.post(f"/stations/{station.pk}/read-scale", follow=True)
    assert "PACK-1 has no scale — type the weight" in text(response)


CARTON = {"code": "M", "name": "Medium box", "length_cm": "40", "width_cm": "30", "height_cm": "30"}


def test_a_carton_type_is_added_edited_and_taken_out_of_use(wh, boss):
    response = boss.post("/stations/cartons/new", {**CARTON, "max_weight_kg": "15", "tare_kg": "0.4", "active": "on"})
    assert response.status_code == 302
    box = CartonType.objects.get(warehouse=wh, code="M")
    boss.post(
        f"/stations/cartons/{box.pk}/",
        {**CARTON, "name": "Medium", "max_weight_kg": "18", "tare_kg": "0.4", "active": "on"},
    )
    box.refresh_from_db()
    assert (box.name, str(box.max_weight_kg)) == ("Medium", "18.000")

    boss.post(f"/stations/cartons/{box.pk}/toggle")
    box.refresh_from_db()
    assert not box.active
    assert "out of use" in text(boss.get("/stations/cartons/"))


def test_a_carton_type_code_is_once_per_warehouse_and_sizes_are_positive(wh, boss):
    make.carton_type(wh, code="M")
    page = text(boss.post("/stations/cartons/new", {**CARTON, "max_weight_kg": "15", "tare_kg": "0"}))
    assert "already has a carton type M" in page
    page = text(
        boss.post(
            "/stations/cartons/new", {**CARTON, "code": "Z", "length_cm": "0", "max_weight_kg": "15", "tare_kg": "-1"}
        )
    )
    assert page.count("Ensure this value is greater than or equal to") == 2
    assert not CartonType.objects.filter(code="Z").exists()


def test_the_job_list_shows_failed_labels_with_a_retry_that_sends_once_the_printer_is_up(
    wh, boss, django_capture_on_commit_callbacks
):
    port = closed_port()
    carton = make.closed_carton(make.station(wh, printer_host="127.0.0.1", printer_port=port))
    with django_capture_on_commit_callbacks(execute=True):
        job = printing.print_carton_label(carton=carton)

    page = text(boss.get("/stations/jobs/"))
    assert "Label failed: Connection refused" in page and f'hx-post="/stations/jobs/{job.pk}/retry"' in page

    with FakePrinter(port=port) as printer:
        with django_capture_on_commit_callbacks(execute=True):
            answer = text(boss.post(f"/stations/jobs/{job.pk}/retry", headers={"HX-Request": "true"}))
        assert "Sending…" in answer and f'hx-get="/stations/jobs/{job.pk}/"' in answer  # asks again
        assert printer.received == [job.zpl.encode()]
    assert "Label sent" in text(boss.get(f"/stations/jobs/{job.pk}/"))
    assert "Sent · 1" in text(boss.get("/stations/jobs/?state=sent"))


def test_a_packer_retries_a_label_of_their_warehouse_only(wh, packer):
    carton = make.closed_carton(make.station(wh, printer_host="127.0.0.1", printer_port=closed_port()))
    job = PrintJob.objects.create(station=carton.station, carton=carton, zpl="^XA^XZ", state="failed", last_error="x")
    assert packer.post(f"/stations/jobs/{job.pk}/retry").status_code == 200
    theirs = make.closed_carton(make.station(factories.warehouse("OTHER"), printer_host="127.0.0.1"))
    other = PrintJob.objects.create(station=theirs.station, carton=theirs, zpl="^XA^XZ", state="failed")
    assert packer.post(f"/stations/jobs/{other.pk}/retry").status_code == 404
    assert packer.get(f"/stations/jobs/{other.pk}/").status_code == 404


def test_the_print_status_without_a_printer_points_to_the_preview(wh):
    from django.template.loader import render_to_string

    carton = make.closed_carton(make.station(wh))
    html = render_to_string("packing/_print_status.jinja", {"job": None, "carton": carton}, using="screens")
    assert "Print from the preview" in html and f"/stations/labels/{carton.pk}/" in html


def test_the_preview_draws_the_sscc_as_gs1_128_with_ai_00(wh, packer):
    order = make.order(wh, reference="OUT/7", customer="Acme <Retail> & Co", carrier="UPS")
    carton = make.closed_carton(make.station(wh), order=order, number=2, weight="4.5")
    make.closed_carton(make.station(wh), order=order, number=1)

    page = text(packer.get(f"/stations/labels/{carton.pk}/"))

    svg = scan_svg.labels_on(page)[f"00{carton.sscc}"]
    assert scan_svg.code128(svg) == f"]C100{carton.sscc}"  # FNC1 first: GS1-128, then AI (00)
    assert f"(00) {carton.sscc}" in page
    assert "Acme &lt;Retail&gt; &amp; Co" in page and "UPS" in page and "OUT/7" in page
    assert "2 of 2" in page and "4.500 kg" in page
    # Printed at 4 × 6 in: the stylesheet it links says so (no <style> in the page under the CSP).
    assert static("css/shipping-label.css") in page
    assert "size: 4in 6in" in Path(finders.find("css/shipping-label.css")).read_text()


def test_the_preview_of_another_warehouses_carton_is_not_found(packer):
    theirs = make.closed_carton(make.station(factories.warehouse("OTHER")))
    assert packer.get(f"/stations/labels/{theirs.pk}/").status_code == 404


def test_every_page_opens_for_a_supervisor(wh, boss):
    station = make.station(wh, name="PACK-1", printer_host="printer-1.local")
    box = make.carton_type(wh, code="S")
    carton = make.closed_carton(station)
    PrintJob.objects.create(station=station, carton=carton, zpl="^XA^XZ", state="queued")
    PrintJob.objects.create(station=station, zpl="^XA^XZ", state="queued")
    for url in [
        "/stations/",
        "/stations/new",
        f"/stations/{station.pk}/",
        "/stations/cartons/",
        "/stations/cartons/new",
        f"/stations/cartons/{box.pk}/",
        "/stations/jobs/?state=queued",
        f"/stations/labels/{carton.pk}/",
    ]:
        response = boss.get(url)
        assert response.status_code == 200, url
    jobs = text(boss.get("/stations/jobs/?state=queued"))
    assert "Test label" in jobs and jobs.count("Sending…") == 2


def test_a_supervisor_without_a_warehouse_is_told_so(db):
    client = Client()
    client.force_login(factories.user(roles=["supervisor"], wh=None))
    assert "You are not assigned to a warehouse" in text(client.get("/stations/"))
