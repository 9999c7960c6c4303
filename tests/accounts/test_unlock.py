"""A supervisor unlocks a person of their warehouse from a screen, on record, instead of a shell."""

import pytest
from django.test import Client
from django.urls import reverse

from floor.accounts.models import Unlock
from tests import factories
from tests.pages import page_text

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LOCKED = reverse("accounts:locked")


class Floor:
    pass


@pytest.fixture
def floor(client):
    f = Floor()
    f.wh = factories.warehouse("WH1")
    f.boss = factories.user("sam", roles=["supervisor"], wh=f.wh, badge="BOSS-1", first_name="Sam", last_name="Taylor")
    f.pat = factories.user("pat", roles=["picker"], wh=f.wh, badge="BDG-0042", pin="2468", first_name="Pat")
    f.other_wh = factories.warehouse("WH2")
    f.olga = factories.user("olga", roles=["picker"], wh=f.other_wh, badge="BDG-0099", pin="1357", first_name="Olga")
    client.force_login(f.boss)
    f.client = client
    return f


def lock(settings, badge, device="scanner-1"):
    device_client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        device_client.post(LOGIN, {"badge": badge, "pin": "0000", "device": device})


def signs_in(badge, pin) -> bool:
    return Client().post(LOGIN, {"badge": badge, "pin": pin, "device": "another"}).status_code == 302


def unlock_url(person):
    return reverse("accounts:unlock", kwargs={"person_id": person.pk})


def test_a_supervisor_sees_the_locked_people_of_their_warehouse_only(floor, settings):
    lock(settings, "BDG-0042")
    lock(settings, "BDG-0099", device="scanner-2")
    factories.user("ann", wh=floor.wh, badge="BDG-0050", first_name="Ann")
    Client().post(LOGIN, {"badge": "BDG-0050", "pin": "0000"})  # one wrong PIN: not locked
    page = page_text(floor.client.get(LOCKED))
    assert "Pat" in page and f"{settings.AXES_FAILURE_LIMIT} wrong PINs" in page
    assert "Olga" not in page and "Ann" not in page
    assert unlock_url(floor.pat) in page


def test_unlock_lets_the_person_sign_in_at_once_and_is_on_record(floor, settings):
    lock(settings, "BDG-0042")
    assert not signs_in("BDG-0042", "2468")
    answer = floor.client.post(unlock_url(floor.pat), follow=True)
    assert "Pat is unlocked and can sign in" in answer.content.decode()
    assert "Pat by Sam Taylor" in answer.content.decode()  # the record, on the page
    record = Unlock.objects.get()
    assert (record.person, record.by, record.failures) == (floor.pat, floor.boss, settings.AXES_FAILURE_LIMIT)
    assert record.at is not None
    assert signs_in("BDG-0042", "2468")


def test_unlocking_someone_not_locked_changes_nothing(floor):
    answer = floor.client.post(unlock_url(floor.pat), follow=True)
    assert "Pat was not locked any more" in answer.content.decode()
    assert not Unlock.objects.exists()


def test_a_supervisor_cannot_unlock_a_person_of_another_warehouse(floor, settings):
    lock(settings, "BDG-0099")
    assert floor.client.post(unlock_url(floor.olga)).status_code == 404
    assert not signs_in("BDG-0099", "1357")
    assert not Unlock.objects.exists()


def test_a_supervisor_with_no_warehouse_sees_and_unlocks_nobody(floor, settings):
    lock(settings, "BDG-0042")
    floor.client.force_login(factories.user(roles=["supervisor"], wh=None))
    page = page_text(floor.client.get(LOCKED))
    assert "Pat" not in page and "not assigned to a warehouse" in page
    assert floor.client.post(unlock_url(floor.pat)).status_code == 404
    assert not signs_in("BDG-0042", "2468")


def test_only_a_supervisor_may_open_or_use_the_page(floor, settings, client):
    lock(settings, "BDG-0042")
    client.logout()
    assert client.get(LOCKED).url.startswith(LOGIN)
    assert client.post(unlock_url(floor.pat)).url.startswith(LOGIN)
    client.force_login(factories.user(roles=["picker", "receiver", "packer", "counter", "inspector"], wh=floor.wh))
    assert client.get(LOCKED).status_code == 403
    assert client.post(unlock_url(floor.pat)).status_code == 403
    assert client.get(unlock_url(floor.pat)).status_code in (403, 405)
    assert not signs_in("BDG-0042", "2468")


def test_the_supervisors_home_leads_to_the_page(floor):
    assert LOCKED in floor.client.get(reverse("home")).content.decode()
    floor.client.force_login(floor.pat)
    assert LOCKED not in floor.client.get(reverse("home")).content.decode()
