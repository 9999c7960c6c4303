"""Reading the station's scale in MT-SICS: a steady weight, or a clear word to the packer."""

from decimal import Decimal

import pytest
from django.utils import translation

from floor.errors import ScanRejected
from floor.packing import scale
from floor.packing.scale import ScaleUnavailable
from tests import factories
from tests.packing import label_factories as make
from tests.packing.devices import FakeScale, closed_port

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_quick(monkeypatch):
    monkeypatch.setattr(scale, "PAUSE_SECONDS", 0.01)
    with translation.override("en"):
        yield


@pytest.fixture
def station():
    return make.station(factories.warehouse(), name="PACK-1")


def read(station, fake: FakeScale) -> Decimal:
    station.scale_host, station.scale_port = fake.host, fake.port
    with fake:
        return scale.read_weight(station)


def refusal(station, fake: FakeScale) -> str:
    with pytest.raises(ScaleUnavailable) as refused:
        read(station, fake)
    return str(refused.value)


def test_a_steady_weight_is_read_in_kg(station):
    fake = FakeScale(weight="12.345")
    assert read(station, fake) == Decimal("12.345")
    assert fake.commands == ["SI"]


@pytest.mark.parametrize(
    ("weight", "unit", "kg"),
    [("1234.5", "g", "1.235"), ("2.000", "lb", "0.907"), ("16.0", "oz", "0.454"), ("0.750", "KG", "0.750")],
)
def test_other_units_are_turned_into_kg(station, weight, unit, kg):
    assert read(station, FakeScale(weight=weight, unit=unit)) == Decimal(kg)


def test_a_moving_scale_is_asked_again_until_it_settles(station):
    fake = FakeScale(replies=["S D      2.104 kg", "S D      2.101 kg", "S S      2.100 kg"])
    assert read(station, fake) == Decimal("2.100")
    assert fake.commands == ["SI", "SI", "SI"]


def test_a_scale_that_keeps_moving_asks_the_packer_to_wait(station):
    assert refusal(station, FakeScale(replies=["S D      2.104 kg"])) == "Scale not steady — wait and read again"


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        ("S +", "Too heavy for the scale at PACK-1 — type the weight"),
        ("S -", "Scale at PACK-1 reads below zero — clear it and read again"),
        ("S I", "Scale at PACK-1 is busy — read again"),
        ("S S      0.000 kg", "Scale at PACK-1 shows no weight — put the carton on it"),
        ("ES", "Scale at PACK-1 answered something Floor cannot read — type the weight"),
        ("S S      1.000 t", "Scale at PACK-1 answered something Floor cannot read — type the weight"),
        ("\x00\xff garbage", "Scale at PACK-1 answered something Floor cannot read — type the weight"),
    ],
)
def test_what_the_scale_says_instead_of_a_weight_is_told_in_words(station, reply, said):
    assert refusal(station, FakeScale(replies=[reply])) == said


def test_a_scale_that_refuses_the_connection_does_not_answer(station):
    station.scale_host, station.scale_port = "127.0.0.1", closed_port()
    with pytest.raises(ScaleUnavailable, match="Scale at PACK-1 does not answer — type the weight"):
        scale.read_weight(station)


def test_a_scale_that_stays_silent_does_not_answer_within_the_timeout(station, settings):
    settings.STATION_TIMEOUT_SECONDS = 0.2
    assert refusal(station, FakeScale(silent=True)) == "Scale at PACK-1 does not answer — type the weight"


def test_a_station_without_a_scale_asks_for_the_weight_to_be_typed(station):
    station.scale_host = ""
    with pytest.raises(ScaleUnavailable, match="PACK-1 has no scale — type the weight"):
        scale.read_weight(station)


def test_a_scale_problem_is_something_the_packer_acts_on():
    assert issubclass(ScaleUnavailable, ScanRejected)
