"""Best before (AI 15) and production date (AI 11), read by the parser beside the expiry (AI 17).

GS1 General Specifications 3.4 (dates, YYMMDD): AI 11 production date, AI 15 best before date,
AI 17 expiration date; for 15 and 17 a day of 00 means the last day of the month. 7.12: the
century of YY (within 49 years ahead or 50 behind the current year). GS1 Digital Link URI Syntax:
the same AIs as query string parameters.
"""

from datetime import date

import pytest

from floor.errors import ScanRejected
from floor.scanning.parser import parse

pytestmark = pytest.mark.django_db

GS = "\x1d"
GTIN = "09506000134352"


def test_it_reads_best_before_and_production_date():
    # 3.4: AI 15 best before, AI 11 production date, each YYMMDD.
    scan = parse(f"]C101{GTIN}15270331{GS}11260101{GS}10L1")
    assert (scan.best_before, scan.produced, scan.expiry, scan.lot) == (date(2027, 3, 31), date(2026, 1, 1), None, "L1")


def test_best_before_and_expiry_are_kept_apart():
    # 3.4: AI 15 and AI 17 are different dates and may both be on one label.
    scan = parse(f"]C101{GTIN}15270331{GS}17270430")
    assert (scan.best_before, scan.expiry) == (date(2027, 3, 31), date(2027, 4, 30))


def test_a_best_before_day_of_00_is_the_end_of_the_month():
    # 3.4: DD 00 in AI 15 is the last day of the month (2028 is a leap year).
    assert parse(f"]C101{GTIN}15280200").best_before == date(2028, 2, 29)


def test_the_century_follows_the_sliding_window():
    # 7.12: 99 is more than 50 years ahead of the 2020s, so 1999.
    assert parse(f"]C101{GTIN}11990101").produced == date(1999, 1, 1)


@pytest.mark.parametrize(
    "raw",
    [
        f"https://id.gs1.org/01/{GTIN}?15=270331&11=260101",
        f"HTTPS://ID.GS1.ORG/01/{GTIN}?11=260101&15=270331",
        f"(01){GTIN}(15)270331(11)260101",
    ],
)
def test_it_reads_them_from_a_digital_link_and_from_a_typed_label(raw):
    # A Digital Link query string and the human readable form (AIs in parentheses) carry the same AIs.
    scan = parse(raw)
    assert (scan.best_before, scan.produced) == (date(2027, 3, 31), date(2026, 1, 1))


def test_a_label_without_them_has_none():
    # 3.4: no AI 15 or 11, no dates.
    scan = parse(f"]C101{GTIN}17270331")
    assert (scan.best_before, scan.produced, scan.expiry) == (None, None, date(2027, 3, 31))


@pytest.mark.parametrize("ai", ["15", "11"])
def test_an_impossible_date_is_an_unreadable_label(ai):
    # 3.4: 30 February is no date: the label was misread.
    with pytest.raises(ScanRejected, match="Unreadable GS1 label"):
        parse(f"]C101{GTIN}{ai}270230")
