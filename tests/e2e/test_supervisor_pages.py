"""A supervisor's pages on a 360×640 phone: every one with a list or a table fits the screen, with
nothing pushed off the right edge nor scrolled sideways inside a box, and what matters on each
(a wave's state, progress and problems, an order's cutoff, a shipping label whole) in sight."""

import datetime
import os
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from floor.accounts.services import enrol
from floor.odoo.models import Operation, StockDifference, SyncException
from floor.packing.models import PrintJob
from floor.picking import waves
from floor.picking.models import Order, OrderLine, WaveRule
from floor.picking.waves import Filters
from floor.warehouse.models import Package
from tests import factories
from tests.e2e.test_scanner_shell import BADGE, PIN, in_view, live_socket, no_horizontal_scroll, sign_in  # noqa: F401
from tests.packing.label_factories import carton_type, closed_carton, station
from tests.picking.factories import order

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e

# Every element of the page's main part, each box that scrolls sideways, and whatever lies
# beyond the screen's right edge (a cut table column, a clipped label).
OVERFLOWS = """() => {
  const edge = document.documentElement.clientWidth;
  const said = el => `${el.tagName}.${el.getAttribute('class') || ''} ${el.textContent.trim().slice(0, 40)}`;
  const found = [];
  for (const el of document.querySelectorAll('main *')) {
    const box = el.getBoundingClientRect();
    if (box.width > 1 && box.height > 1 && box.right > edge + 0.5) found.push(`past the edge: ${said(el)}`);
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    if (scrolls && el.scrollWidth > el.clientWidth + 1) found.push(`scrolls sideways: ${said(el)}`);
  }
  return found;
}"""


def fits(page, name: str):
    no_horizontal_scroll(page)
    assert page.evaluate(OVERFLOWS) == []
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/supervisor-{name}.png", full_page=True)


def across(locator):
    """Scrolled to, it lies within the screen's width: no column cut off at the right."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, (locator, box)


@pytest.fixture
def supervised(live_server):
    """A warehouse with a released wave whose orders are short and changed in Odoo, a draft wave,
    rules, stations, carton types, print jobs, Odoo operations, exceptions, differences and a
    person locked out: each page with rows, and long words where a floor has them."""
    wh = factories.warehouse()
    enrol(username="sam", roles=["supervisor"], password="floor-demo", badge=BADGE, pin=PIN, warehouse=wh)
    item = factories.product(sku="TLS-0039", name="Torque wrench 3/8 in")
    factories.stock(factories.storage_bin(wh, aisle="A", bay=1), item, 40)
    soon = timezone.make_aware(datetime.datetime(2030, 5, 17, 15, 30))
    for n, customer in enumerate(["Ferretería Hermanos Rodríguez-Castellanos S.L.", "Acme", "Bricomart"]):
        order(
            wh,
            (item, 12),
            reference=f"WH/OUT/0004{n}",
            customer=customer,
            carrier="DHL Express Worldwide",
            priority=n,
            cutoff=soon,
        )
    wave = waves.build_wave(warehouse=wh, filters=Filters())
    order(wh, (item, 30), reference="WH/OUT/00049", state=Order.State.IN_WAVE, wave=wave, cutoff=soon)  # too little
    wave = waves.release_wave(wave=wave, actor=None)
    OrderLine.objects.filter(order__reference="WH/OUT/00040").update(picked=Decimal(9), short=Decimal(3))
    Order.objects.filter(reference="WH/OUT/00041").update(odoo_changed=True)
    vaccine = factories.product(sku="VAX-0001", name="Vaccine", tracking="lot", gtin="05012345678900")
    lot = factories.lot(vaccine, "LOT-2030-05-17-A", expiry_date=datetime.date(2030, 5, 17))
    pallet = Package.objects.create(barcode="LP-000000000001")
    factories.stock(factories.storage_bin(wh, aisle="C", bay=10, level=4), vaccine, 1250, lot=lot, package=pallet)
    other = factories.product(sku="TLS-0040", name="Socket set")
    factories.stock(factories.storage_bin(wh, aisle="A", bay=2), other, 10)
    order(wh, (other, 1), reference="WH/OUT/00050", carrier="UPS Standard")
    waves.build_wave(warehouse=wh, filters=Filters(carrier="UPS Standard"))
    order(wh, (other, 2), reference="WH/OUT/00051", customer="Bricomart", carrier="DHL Express Worldwide", cutoff=soon)

    WaveRule.objects.create(
        warehouse=wh, name="Express before the 16:00 truck", carrier="DHL Express Worldwide", cutoff_within=120
    )
    bench = station(wh, name="Bench 12 by the roller door", printer_host="printer-bay-12.warehouse.example.com")
    carton_type(wh, code="EURO-L", name="Euro box large, double wall", barcode="CT-EURO-L-0001")
    carton = closed_carton(bench, order=Order.objects.get(reference="WH/OUT/00040"))
    PrintJob.objects.create(
        station=bench, carton=carton, zpl="^XA^XZ", state=PrintJob.State.FAILED, attempts=3, last_error="timed out"
    )
    Operation.objects.create(
        kind=Operation.Kind.DELIVERY,
        warehouse=wh,
        reference="FLOOR-DELIVERY-000123",
        document="WH/OUT/00040",
        state=Operation.State.FAILED,
        attempts=8,
        last_error="Odoo refused: ValidationError('You cannot validate a transfer if no quantities are "
        "reserved nor done. To force the transfer, switch in edit mode and encode the done quantities.')",
    )
    SyncException.objects.create(
        kind=SyncException.Kind.RECEIPT,
        warehouse=wh,
        reference="WH/IN/00012-BACKORDER-LONG-NAME",
        odoo_model="stock.picking",
        odoo_id=1,
        message="Cancelled in Odoo while the floor was receiving it: 14 units already received",
        fingerprint="x",
    )
    StockDifference.objects.create(
        warehouse=wh,
        location=factories.storage_bin(wh, aisle="B", bay=12),
        product=item,
        floor_quantity=Decimal("1250.5"),
        odoo_quantity=Decimal("1248"),
        cause="A move made in Odoo not yet pulled",
    )
    factories.user("pat", roles=["picker"], wh=wh, badge="BDG-0042", pin="2468", first_name="Patricia")
    device = Client()
    for _ in range(5):
        device.post("/accounts/login/", {"badge": "BDG-0042", "pin": "0000"})
    return wave, carton


def test_the_wave_list_shows_state_progress_and_short_within_the_screen(page, live_server, supervised):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/waves/")

    fits(page, "waves")
    released = page.locator("tbody tr").filter(has_text=supervised[0].reference)
    for label, what in (("State", "Released"), ("Picked", "9 / 66"), ("Short", "⚠ 3")):
        cell = released.locator(f'td[data-label="{label}"]')
        expect(cell).to_contain_text(what)
        across(cell)


def test_a_waves_orders_show_cutoff_progress_and_problems_within_the_screen(page, live_server, supervised):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/waves/{supervised[0].pk}/")

    fits(page, "wave")
    short = page.locator("tbody tr").filter(has_text="WH/OUT/00040")
    for label, what in (("Cutoff", "2030"), ("Picked", "9 / 12"), ("Problems", "⚠ short picked: 3")):
        cell = short.locator(f'td[data-label="{label}"]')
        expect(cell).to_contain_text(what)
        across(cell)
    expect(page.locator("tbody tr").filter(has_text="WH/OUT/00041").locator("td.problem")).to_contain_text(
        "changed in Odoo"
    )
    expect(page.locator("tbody tr").filter(has_text="WH/OUT/00049").locator("td.problem")).to_contain_text(
        "not enough stock"
    )


def test_the_wave_preview_opens_on_its_results_above_the_action_bar(page, live_server, supervised):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/waves/new")

    page.get_by_role("button", name="Preview", exact=True).click()

    expect(page.locator("#preview")).to_be_visible()
    in_view(page, page.locator("#preview-title"))
    in_view(page, page.locator("#preview dl.facts"))
    create = page.get_by_role("button", name="Create wave of 1 order")
    in_view(page, create)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/supervisor-preview-screen.png")
    fits(page, "preview")

    create.click()  # it still sends the filters of the form above it

    expect(page.locator(".feedback-ok")).to_contain_text("created with 1 order")


def test_the_shipping_label_preview_is_whole_on_the_phone(page, live_server, supervised):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/stations/labels/{supervised[1].pk}/")

    label = page.locator(".shipping-label")
    box = label.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert abs(box["height"] / box["width"] - 1.5) < 0.02  # still 4 × 6
    for part in (".ship-to", ".sscc-text", "figure.label svg"):
        inner = label.locator(part).bounding_box()
        assert inner["x"] >= box["x"] and inner["x"] + inner["width"] <= box["x"] + box["width"], part
        assert inner["y"] + inner["height"] <= box["y"] + box["height"], part
    fits(page, "label")


@pytest.mark.parametrize(
    "path",
    [
        "/waves/rules/",
        "/stations/",
        "/stations/cartons/",
        "/stations/jobs/?state=failed",
        "/odoo/operations/?state=failed",
        "/odoo/exceptions/",
        "/odoo/differences/",
        "/accounts/locked/",
        "/warehouse/labels/?sheet=bins",
        "/warehouse/labels/?sheet=lots",
        "/warehouse/labels/?sheet=badges",
        "/scan/lookup/?code=A-01-01",
        "/scan/lookup/?code=LP-000000000001",
        "/scan/lookup/?code=05012345678900",
    ],
)
def test_every_supervisor_page_with_rows_fits_the_screen(page, live_server, supervised, path):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}{path}")

    expect(page.locator("main")).not_to_contain_text(re.compile("Nothing here|Nothing to print"))
    fits(page, path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-"))


@pytest.mark.parametrize("path", ["/waves/", "/waves/{wave}/", "/stations/labels/{carton}/"])
def test_at_200_percent_zoom_the_wave_pages_and_the_label_still_fit(page, live_server, supervised, path):
    wave, carton = supervised
    sign_in(page, live_server)
    page.set_viewport_size({"width": 180, "height": 320})  # 360 × 640 at 200 %

    page.goto(live_server.url + path.format(wave=wave.pk, carton=carton.pk))

    assert page.evaluate("document.scrollingElement.scrollWidth") <= 180
    assert page.evaluate(OVERFLOWS) == []
