"""The supervisor's returns page: what came back on a day, how it was graded and where it went,
narrowed by filters; its CSV for refunds and vendor claims; return rates and reasons drawn beside
their tables; one warehouse only, supervisors only."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from floor.returns import report
from floor.returns.models import Inspection, InspectionPhoto
from floor.warehouse.models import Location
from floor.warehouse.services import virtual_location
from tests import factories
from tests.pages import page_text
from tests.returns.conftest import MUG, PHONE, TEA, grade, gs1, on_hand, post, scan
from tests.returns.factories import announced_return, jpeg

pytestmark = pytest.mark.django_db

URL, CSV = "/inspect/returns/", "/inspect/returns.csv"
FORMULA = '=HYPERLINK("http://x")'


@pytest.fixture
def inspected(floor):
    """Return WH/RET/00001 inspected today: a mug A (restock, to input), a mug B sent to the
    vendor with a reason and a note that looks like a formula (kept in returns), the phone D
    (scrapped); the tea taken in, then undone."""
    floor.ret.reason = "Changed my mind"
    floor.ret.save()
    client = floor.client
    scan(client, "WH/RET/00001")
    scan(client, MUG)
    grade(client, "A")
    scan(client, MUG)
    grade(client, "B", disposition="vendor", reason="vendor_warranty", note=FORMULA)
    scan(client, gs1(PHONE, serial="SN-1"))
    grade(client, "D")
    scan(client, gs1(TEA, lot="T-7"))
    grade(client, "B")
    post(client, "undo")
    assert Inspection.objects.filter(undone=False).count() == 3
    return floor


@pytest.fixture
def supervisor(inspected):
    client = Client()
    client.force_login(factories.user(roles=["supervisor"], wh=inspected.wh))
    return client


def item_rows(page):
    return [(i.sku, i.grade, i.disposition, i.where) for seen in page.context["returns"] for i in seen.items]


def test_a_supervisor_sees_each_item_of_the_day_graded_and_where_it_went(supervisor, inspected):
    page = supervisor.get(URL)

    assert page.status_code == 200
    [seen] = page.context["returns"]
    assert (seen.expected, seen.back, seen.missing) == (4, 3, 1)
    scrap = virtual_location(Location.Kind.SCRAP).name
    assert item_rows(page) == [
        ("MUG", "A · resealable", "Restock", inspected.input.name),
        ("MUG", "B · opened", "Return to vendor", "kept in returns"),
        ("PHONE", "D · defective", "Scrap", scrap),
    ]
    text = page_text(page)
    for words in ("WH/RET/00001", "SO-100", "Changed my mind", "Inspecting", "SN-1", "Vendor warranty", "HYPERLINK"):
        assert words in text
    assert "T-7" not in text  # the tea was undone
    assert 'class="table-wrap"' in text and "style=" not in text


def test_items_of_other_days_wait_for_their_days(supervisor, inspected):
    yesterday = timezone.localdate() - timedelta(days=1)
    Inspection.objects.filter(product=inspected.phone).update(created_at=timezone.now() - timedelta(days=1))

    assert [row[0] for row in item_rows(supervisor.get(URL))] == ["MUG", "MUG"]
    day = supervisor.get(URL, {"from": yesterday.isoformat(), "to": yesterday.isoformat()})
    assert [row[0] for row in item_rows(day)] == ["PHONE"]
    assert len(item_rows(supervisor.get(URL, {"from": yesterday.isoformat()}))) == 3  # to today


@pytest.mark.parametrize(
    ("asked", "skus"),
    [
        ({"grade": "A"}, ["MUG"]),
        ({"disposition": "scrap"}, ["PHONE"]),
        ({"sku": "phone"}, ["PHONE"]),
        ({"reason": "vendor_warranty"}, ["MUG"]),
        ({"grade": "A", "disposition": "scrap"}, []),
    ],
)
def test_filters_narrow_the_items(supervisor, asked, skus):
    page = supervisor.get(URL, asked)

    assert [row[0] for row in item_rows(page)] == skus
    assert page.context["found"].count == len(skus)


def read_csv(answer):
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def test_the_csv_has_a_row_per_item_for_refunds_and_claims(supervisor, inspected):
    header, *rows = read_csv(supervisor.get(CSV))

    assert header[:5] == ["Return", "Order", "Customer", "Customer's reason", "Inspected at"]
    assert header[5:] == [
        "SKU",
        "Item",
        "Lot or serial",
        "Quantity",
        "Grade",
        "Disposition",
        "Where it went",
        "Inspector",
        "Inspector's reason",
        "Note",
        "Flagged",
    ]
    assert [row[5] for row in rows] == ["MUG", "MUG", "PHONE"]
    vendor = rows[1]
    assert vendor[:4] == ["WH/RET/00001", "SO-100", inspected.order.customer, "Changed my mind"]
    assert vendor[8:] == [
        "1",
        "B · opened",
        "Return to vendor",
        "kept in returns",
        inspected.person.get_username(),
        "Vendor warranty",
        "'" + FORMULA,  # written as text: a spreadsheet does not run it
        "",
    ]
    assert rows[2][7] == "SN-1"
    assert [row[5] for row in read_csv(supervisor.get(CSV, {"disposition": "scrap"}))[1:]] == ["PHONE"]


def test_another_warehouse_s_returns_never_appear(supervisor, inspected):
    elsewhere = factories.warehouse("W2")
    announced_return(elsewhere, None, (inspected.mug, 1), reference="W2/RET/1")
    theirs = Client()
    theirs.force_login(factories.user(roles=["inspector"], wh=elsewhere))
    scan(theirs, "W2/RET/1")
    scan(theirs, MUG)
    grade(theirs, "A")
    assert Inspection.objects.filter(ret__warehouse=elsewhere).count() == 1

    page = supervisor.get(URL)
    assert "W2/RET/1" not in page_text(page) and len(item_rows(page)) == 3
    assert page.context["found"].rates[0].returned == 2  # the mugs of this warehouse only
    assert all(row[0] != "W2/RET/1" for row in read_csv(supervisor.get(CSV)))


@pytest.mark.parametrize("url", [URL, CSV])
@pytest.mark.parametrize("role", ["inspector", "picker"])
def test_an_inspector_or_a_picker_is_refused(inspected, url, role):
    client = Client()
    client.force_login(factories.user(roles=[role], wh=inspected.wh))

    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        ({"from": "2026-13-01"}, "From: Enter a valid date."),
        ({"to": "yesterday"}, "To: Enter a valid date."),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "The first day is after the last"),
        ({"from": "2026-01-01", "to": "2026-06-30"}, "At most 92 days at a time"),
        ({"grade": "Z"}, "Grade: Select a valid choice."),
    ],
)
def test_bad_dates_and_filters_say_what_is_wrong(supervisor, asked, said):
    page = supervisor.get(URL, asked)
    assert page.status_code == 400 and said in page_text(page)
    assert "<svg" not in page_text(page)

    answer = supervisor.get(CSV, asked)
    assert answer.status_code == 400 and said in answer.content.decode()


def test_rates_reasons_and_grades_are_drawn_with_the_figures_of_their_tables(supervisor):
    page = supervisor.get(URL)
    found, text = page.context["found"], page.content.decode()

    # Shipped today on SO-100: 3 mugs, 1 phone; back: 2 mugs, the phone.
    assert [(r.sku, r.returned, r.shipped) for r in found.rates] == [("MUG", 2, 3), ("PHONE", 1, 1)]
    for sku, percent in (("MUG", "67"), ("PHONE", "100")):
        assert f">{sku}</text>" in text and f'<th scope="row">{sku}</th>' in text
        assert f">{percent}\u00a0%</text>" in text  # the plot
        assert re.search(rf'<th scope="row">{sku}</th>.*?"Return rate">{percent}&nbsp;%', text, re.S)  # its table
    assert [(s.label, s.units) for s in found.reasons] == [("None: as the grade says", 2), ("Vendor warranty", 1)]
    assert [(s.label, s.units) for s in found.grades] == [
        ("A · resealable", 1),
        ("B · opened", 1),
        ("D · defective", 1),
    ]
    for share in (*found.reasons, *found.grades):
        assert f">{share.label}</text>" in text and f'<th scope="row">{share.label}</th>' in text
    assert f">{found.reasons[0].label}</text><rect" in text
    assert text.count("<svg") == 3
    for title in ("Return rate by item", "Units by inspector&#x27;s reason", "Units by grade"):
        assert f"{title}</title>" in text


def test_the_page_asks_the_database_a_few_questions_whatever_the_number_of_returns(
    supervisor, inspected, django_assert_max_num_queries
):
    post(inspected.client, "close")
    for n in range(5):
        announced_return(inspected.wh, None, (inspected.mug, 1), reference=f"WH/RET/9{n}")
        scan(inspected.client, f"WH/RET/9{n}")
        scan(inspected.client, MUG)
        grade(inspected.client, "A")
        post(inspected.client, "close")

    with django_assert_max_num_queries(20):
        page = supervisor.get(URL)
    assert len(page.context["returns"]) == 6


def test_supervisors_find_it_on_the_home_screen(supervisor, inspected):
    assert "Returns inspected" in supervisor.get("/").content.decode()
    assert "Returns inspected" not in inspected.client.get("/").content.decode()


def test_a_long_day_comes_in_pages_that_keep_the_filters(supervisor, inspected, monkeypatch):
    monkeypatch.setattr(report, "RETURNS_PER_PAGE", 1)
    post(inspected.client, "close")
    announced_return(inspected.wh, None, (inspected.mug, 1), reference="WH/RET/90")
    scan(inspected.client, "WH/RET/90")
    scan(inspected.client, MUG)
    grade(inspected.client, "A")

    first = supervisor.get(URL, {"grade": "A"})
    assert [seen.ret.reference for seen in first.context["returns"]] == ["WH/RET/90"]  # latest first
    assert "grade=A&amp;page=2" in first.content.decode()
    second = supervisor.get(URL, {"grade": "A", "page": "2"})
    assert [seen.ret.reference for seen in second.context["returns"]] == ["WH/RET/00001"]
    assert supervisor.get(URL, {"page": "nonsense"}).status_code == 200


# --- What a supervisor looks at twice, and what they free


def test_items_beyond_the_order_are_flagged_with_who_approved(floor):
    boss = factories.user(roles=["supervisor"], wh=floor.wh, badge="BDG-SUP", pin="4321", first_name="Ana")
    factories.product(gtin=factories.gtin13("400000000777"), sku="KETTLE")
    scan(floor.client, "WH/RET/00001")
    for _ in range(2):
        scan(floor.client, MUG)
        grade(floor.client, "A")
    scan(floor.client, MUG)  # a third: the order shipped two
    scan(floor.client, "BDG-SUP")
    post(floor.client, "approve", {"pin": "4321"})
    grade(floor.client, "A")
    scan(floor.client, factories.gtin13("400000000777"))
    grade(floor.client, "A")
    client = Client()
    client.force_login(boss)
    text = page_text(client.get(URL))
    assert "More than shipped: approved by Ana" in text and "Not on the order: quarantined" in text
    rows = list(csv.DictReader(io.StringIO(client.get(CSV).content.decode("utf-8-sig"))))
    assert [row["Flagged"] for row in rows if row["SKU"] == "KETTLE"] == ["Not on the order: quarantined"]


def test_a_supervisor_releases_an_item_left_ungraded_and_the_return_can_close(floor):
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)  # and the inspector walks away
    boss = Client()
    boss.force_login(factories.user(roles=["supervisor"], wh=floor.wh))
    item = Inspection.objects.get()
    text = page_text(boss.get(URL))
    assert "Not graded yet" in text and "Release: take it back" in text
    answer = boss.post(f"/inspect/returns/{item.pk}/release", {"query": "sku=MUG"})
    assert answer.status_code == 302 and answer["Location"] == f"{URL}?sku=MUG"
    assert "1 × MUG taken back off return WH/RET/00001" in page_text(boss.get(answer["Location"]))
    item.refresh_from_db()
    assert item.undone and on_hand(floor.returns, floor.mug) == 0
    answer = page_text(scan(floor.client, MUG))  # the inspector's screen is free again
    assert "1 × MUG in: its grade?" in answer


def test_a_release_of_a_graded_item_or_of_another_warehouse_changes_nothing(floor):
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)
    grade(floor.client, "A")
    item = Inspection.objects.get()
    elsewhere = Client()
    elsewhere.force_login(factories.user(roles=["supervisor"], wh=factories.warehouse("W2")))
    assert elsewhere.post(f"/inspect/returns/{item.pk}/release").status_code == 404
    boss = Client()
    boss.force_login(factories.user(roles=["supervisor"], wh=floor.wh))
    assert "graded or taken back meanwhile" in page_text(
        boss.get(boss.post(f"/inspect/returns/{item.pk}/release")["Location"])
    )
    item.refresh_from_db()
    assert not item.undone and on_hand(floor.input, floor.mug) == 1


def test_the_photos_of_an_item_show_beside_it_to_the_supervisor(floor):
    scan(floor.client, "WH/RET/00001")
    scan(floor.client, MUG)
    upload = SimpleUploadedFile("mug.jpg", jpeg(), content_type="image/jpeg")
    post(floor.client, "photo", {"photo": upload})
    grade(floor.client, "C")
    boss = Client()
    boss.force_login(factories.user(roles=["supervisor"], wh=floor.wh))
    page = boss.get(URL)
    [photo] = InspectionPhoto.objects.all()
    assert f'src="/inspect/photo/{photo.pk}"' in page.content.decode() and "Photo 1 of MUG" in page_text(page)
    assert boss.get(f"/inspect/photo/{photo.pk}")["Content-Type"] == "image/jpeg"
