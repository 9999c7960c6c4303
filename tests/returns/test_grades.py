"""A supervisor edits the warehouse's return grades: the words on the buttons, where one tap
sends the item, their order, which are in use."""

import pytest
from django.test import Client

from floor.home import work_for
from floor.ledger.models import Move
from floor.returns import grading, services
from floor.returns.models import Inspection, ReturnGrade
from floor.warehouse.models import Location
from floor.warehouse.services import virtual_location
from tests import factories
from tests.pages import page_text
from tests.returns.conftest import MUG, grade, on_hand, scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(floor):
    boss = Client()
    boss.force_login(factories.user(roles=["supervisor"], wh=floor.wh))
    return boss


def table(wh, *, change=None, add=None, delete=()):
    """The page's form as the supervisor sends it back: every grade as it is but for `change`
    (code → fields), the ones in `delete` ticked, and `add` in the empty row."""
    rows = grading.table_of(wh)
    data = {"form-TOTAL_FORMS": len(rows) + 1, "form-INITIAL_FORMS": len(rows)}
    for i, row in enumerate(rows):
        fields = {"id": row.pk, "words": row.words, "disposition": row.disposition, "position": row.position}
        fields |= {"active": row.active, "DELETE": row.code in delete, **(change or {}).get(row.code, {})}
        data |= {f"form-{i}-{name}": value for name, value in fields.items() if value is not False}
    new = {"position": max(row.position for row in rows) + 1, "active": True, **(add or {})}
    data |= {f"form-{len(rows)}-{name}": value for name, value in new.items() if value is not False}
    return {name: "on" if value is True else value for name, value in data.items()}


def save(boss, wh, **edits):
    return boss.post("/inspect/grades/", table(wh, **edits), follow=True)


def item_in(floor):
    scan(floor.client, "WH/RET/00001")
    return page_text(scan(floor.client, MUG))


def test_a_warehouse_starts_from_the_usual_grades(floor):
    assert grading.grades_of(floor.wh) == {
        "A": ("A · resealable", "restock"),
        "B": ("B · opened", "restock"),
        "C": ("C · damaged", "quarantine"),
        "D": ("D · defective", "scrap"),
    }
    grading.grades_of(floor.wh)  # read again: nothing added twice
    assert ReturnGrade.objects.filter(warehouse=floor.wh).count() == 4


def test_c_sent_to_scrap_makes_the_next_c_tap_scrap(floor, supervisor):
    answer = page_text(save(supervisor, floor.wh, change={"C": {"disposition": "scrap"}}))
    assert "Return grades saved" in answer
    item_in(floor)
    outcome = services.grade(actor=floor.person, warehouse=floor.wh, grade="C", key="tap-c")
    item = Inspection.objects.get()
    assert (item.grade, item.disposition) == ("C", "scrap") and "Scrap" in outcome.message
    assert item.disposed.to_location == virtual_location(Location.Kind.SCRAP)
    assert on_hand(virtual_location(Location.Kind.SCRAP), floor.mug) == 1 and on_hand(floor.quarantine, floor.mug) == 0


def test_new_words_show_on_the_inspect_screen(floor, supervisor):
    save(supervisor, floor.wh, change={"A": {"words": "A · as new"}})
    answer = item_in(floor)
    assert "A · as new" in answer and "A · resealable" not in answer


def test_the_buttons_follow_the_positions(floor, supervisor):
    save(supervisor, floor.wh, change={"D": {"position": 0}})
    answer = item_in(floor)
    assert answer.index("D · defective") < answer.index("A · resealable")


def test_a_grade_out_of_use_leaves_the_buttons_and_is_refused(floor, supervisor):
    save(supervisor, floor.wh, change={"B": {"active": False}})
    assert "B · opened" not in item_in(floor)
    moves = Move.objects.count()
    assert "Choose a grade" in page_text(grade(floor.client, "B"))
    assert Inspection.objects.get().grade == "" and Move.objects.count() == moves


def test_an_item_graded_before_keeps_its_words_in_the_summary(floor, supervisor):
    item_in(floor)
    grade(floor.client, "D")
    save(supervisor, floor.wh, change={"D": {"active": False}})
    answer = page_text(floor.client.get("/inspect/review"))
    assert "D · defective" in answer


def test_the_last_grade_in_use_cannot_be_taken_out_of_use(floor, supervisor):
    off = {"active": False}
    answer = page_text(save(supervisor, floor.wh, change={"A": off, "B": off, "C": off, "D": off}))
    assert "Keep at least one grade in use" in answer
    assert ReturnGrade.objects.filter(warehouse=floor.wh, active=True).count() == 4


def test_a_grade_given_to_items_cannot_be_deleted_an_unused_one_can(floor, supervisor):
    item_in(floor)
    grade(floor.client, "D")
    answer = page_text(save(supervisor, floor.wh, delete=["D"]))
    assert "D has been given to items: take it out of use instead" in answer
    save(supervisor, floor.wh, delete=["B"])
    assert list(grading.grades_of(floor.wh)) == ["A", "C", "D"]


def test_a_new_grade_is_a_button_after_the_others(floor, supervisor):
    repair = {"code": "e2", "words": "E2 · repair", "disposition": "refurbish"}
    answer = page_text(save(supervisor, floor.wh, add=repair))
    assert "Return grades saved" in answer
    assert list(grading.grades_of(floor.wh).items())[-1] == ("E2", ("E2 · repair", "refurbish"))
    item_in(floor)
    assert "kept in returns" in page_text(grade(floor.client, "E2"))


@pytest.mark.parametrize(
    ("add", "said"),
    [
        ({"code": "c", "words": "C again", "disposition": "scrap"}, "There is a grade C already"),
        ({"code": "C-2", "words": "C two", "disposition": "scrap"}, "A code is 1 to 4 letters or digits"),
        ({"code": "LONGER", "words": "Long", "disposition": "scrap"}, "at most 4 characters"),
        ({"code": "E", "words": "   ", "disposition": "scrap"}, "This field is required"),
        ({"code": "E", "words": "E · odd", "disposition": "moon"}, "Select a valid choice"),
        ({"code": "E", "words": "E · odd", "disposition": "scrap", "position": "x"}, "Enter a whole number"),
        ({"code": "E", "words": "E · odd", "disposition": "scrap", "position": "-1"}, "greater than or equal to 0"),
        ({"code": "E", "words": "E · odd", "disposition": "scrap", "position": "99999"}, "less than or equal to"),
    ],
)
def test_a_wrong_new_grade_is_refused_and_nothing_changes(floor, supervisor, add, said):
    answer = page_text(save(supervisor, floor.wh, change={"A": {"words": "A · changed"}}, add=add))
    assert said in answer and "Nothing saved" in answer
    assert grading.grades_of(floor.wh)["A"][0] == "A · resealable" and "E" not in grading.grades_of(floor.wh)


def test_another_warehouses_table_is_untouched(floor, supervisor):
    elsewhere = factories.warehouse("W2")
    theirs = {row.code: row.pk for row in grading.table_of(elsewhere)}
    save(supervisor, floor.wh, change={"C": {"disposition": "scrap", "words": "C · broken"}})
    assert grading.grades_of(elsewhere)["C"] == ("C · damaged", "quarantine")
    # A row of theirs slipped into the form is not ours to change.
    data = table(floor.wh)
    data |= {"form-0-id": theirs["A"], "form-0-words": "Hijacked"}
    answer = supervisor.post("/inspect/grades/", data)
    assert answer.status_code == 200 and grading.grades_of(elsewhere)["A"][0] == "A · resealable"


@pytest.mark.parametrize("role", ["inspector", "picker"])
def test_inspectors_and_pickers_are_refused_the_page(floor, role):
    person = Client()
    person.force_login(factories.user(roles=[role], wh=floor.wh))
    assert person.get("/inspect/grades/").status_code == 403
    assert person.post("/inspect/grades/", table(floor.wh, change={"C": {"disposition": "scrap"}})).status_code == 403
    assert grading.grades_of(floor.wh)["C"][1] == "quarantine"


def test_a_supervisor_finds_the_page_on_home(floor):
    boss = factories.user(roles=["supervisor"], wh=floor.wh)
    assert "/inspect/grades/" in [action["url"] for action in work_for(boss, floor.wh)["actions"]]
    inspector_home = [action["url"] for action in work_for(floor.person, floor.wh)["actions"]]
    assert "/inspect/grades/" not in inspector_home


def test_the_page_shows_the_table_to_edit(floor, supervisor):
    answer = page_text(supervisor.get("/inspect/grades/"))
    assert "Grade C" in answer and 'value="C · damaged"' in answer and "Add a grade" in answer
    item_in(floor)
    grade(floor.client, "D")
    assert "Given to items: it cannot be deleted" in page_text(supervisor.get("/inspect/grades/"))
