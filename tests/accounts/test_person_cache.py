"""The signed-in person is cached between requests; a change to them shows at the next one."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_person_is_not_read_from_the_database_on_every_request(client):
    client.force_login(factories.user(roles=["picker"], wh=factories.warehouse()))
    client.get("/move/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/move/").status_code == 200
    people = [
        q["sql"] for q in queries.captured_queries if 'FROM "auth_user"' in q["sql"] or 'FROM "auth_group"' in q["sql"]
    ]
    assert not people


def test_a_role_taken_away_is_refused_at_the_next_request(client):
    person = factories.user(roles=["picker"], wh=factories.warehouse())
    client.force_login(person)
    assert client.get("/move/").status_code == 200
    person.groups.remove(Group.objects.get(name="picker"))
    assert client.get("/move/").status_code == 403


def test_a_role_given_through_the_group_counts_at_the_next_request(client):
    person = factories.user(roles=["inspector"], wh=factories.warehouse())
    client.force_login(person)
    assert client.get("/move/").status_code == 403
    Group.objects.get(name="picker").user_set.add(person)
    assert client.get("/move/").status_code == 200


def test_emptying_a_group_takes_its_role_from_everyone_in_it(client):
    person = factories.user(roles=["picker"], wh=factories.warehouse())
    client.force_login(person)
    assert client.get("/move/").status_code == 200
    Group.objects.get(name="picker").user_set.clear()
    assert client.get("/move/").status_code == 403


def test_a_deactivated_person_is_signed_out_at_the_next_request(client):
    person = factories.user(roles=["picker"], wh=factories.warehouse())
    client.force_login(person)
    assert client.get("/move/").status_code == 200
    person.is_active = False
    person.save()
    response = client.get("/move/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_person_moved_to_another_warehouse_works_there_at_the_next_request(client):
    person = factories.user(roles=["receiver"], wh=factories.warehouse("WH"))
    client.force_login(person)
    assert "Floor · WH<" in client.get("/").content.decode()
    other = factories.warehouse("DC2")
    person.profile.warehouse = other
    person.profile.save()
    assert "Floor · DC2<" in client.get("/").content.decode()


def test_a_warehouse_given_a_new_code_shows_it_at_the_next_request(client):
    wh = factories.warehouse("WH")
    client.force_login(factories.user(roles=["receiver"], wh=wh))
    assert "Floor · WH<" in client.get("/").content.decode()
    wh.code = "HD1"
    wh.save()
    assert "Floor · HD1<" in client.get("/").content.decode()
