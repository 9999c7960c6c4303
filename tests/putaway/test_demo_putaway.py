"""The demo warehouse leaves work for putaway: items at input (some with a fixed bin) and pallets."""

import uuid
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Quant
from floor.warehouse.models import Location, Product
from tests.pages import page_text

Kind = Location.Kind


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def receiver(demo, db, client):
    client.force_login(get_user_model().objects.get(username="receiver"))
    return client


def scan(client, code):
    answer = client.post("/putaway/scan", {"code": code, "key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    return page_text(answer)


def test_an_item_with_a_fixed_bin_waits_at_input_and_goes_there(receiver):
    at_input = Quant.objects.filter(location__kind=Kind.INPUT, quantity__gt=0, package=None, lot=None)
    product = Product.objects.filter(pk__in=at_input.values("product"), fixed_bin__isnull=False).first()
    assert product is not None
    answer = scan(receiver, product.gtin)
    assert f'<p class="prompt-where">{product.fixed_bin.name}</p>' in answer and "fixed bin" in answer
    assert "Put away" in scan(receiver, product.fixed_bin.barcode)
    assert not at_input.filter(product=product).exists()


def test_a_pallet_at_input_goes_away_whole(receiver):
    pallet = Quant.objects.filter(location__kind=Kind.INPUT, quantity__gt=0, package__isnull=False).first().package
    answer = scan(receiver, pallet.barcode)
    assert "Licence plate" in answer and 'class="prompt-where"' in answer
    suggested = Location.objects.get(barcode=answer.split('<p class="prompt-where">')[1].split("<")[0])
    assert f"Put away licence plate {pallet.barcode}" in scan(receiver, suggested.barcode)
    assert Quant.objects.filter(location=suggested, package=pallet, quantity__gt=0).exists()
    assert ledger_differences() == []
