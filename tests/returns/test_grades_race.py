"""Return grades read and edited at once, on PostgreSQL: a warehouse's first reads agree on one
table, and two supervisors cannot between them take every grade out of use."""

import pytest
from django.test import Client

from floor.returns import grading
from floor.returns.models import ReturnGrade
from tests import factories
from tests.counting.test_count_race import _at_once
from tests.returns.test_grades import table


@pytest.mark.django_db(transaction=True)
def test_two_first_reads_at_once_make_one_table(postgres):
    wh = factories.warehouse()
    answers = _at_once(*(lambda: grading.grades_of(wh) for _ in range(2)))
    assert [list(answer) for answer in answers] == [["A", "B", "C", "D"]] * 2
    assert ReturnGrade.objects.filter(warehouse=wh).count() == 4


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_taking_out_the_last_two_grades_leave_one_in_use(postgres):
    wh = factories.warehouse()
    grading.table_of(wh)
    ReturnGrade.objects.filter(warehouse=wh, code__in=["C", "D"]).update(active=False)
    bosses = []
    for _ in range(2):
        boss = Client()
        boss.force_login(factories.user(roles=["supervisor"], wh=wh))
        bosses.append(boss)
    # Each took the page while A and B were both in use.
    forms = [table(wh, change={"A": {"active": False}}), table(wh, change={"B": {"active": False}})]
    _at_once(*(lambda b=b, f=f: b.post("/inspect/grades/", f) for b, f in zip(bosses, forms, strict=True)))
    assert grading.grades_of(wh)
