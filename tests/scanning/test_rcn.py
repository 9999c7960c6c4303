"""A store's price and weight labels: restricted circulation numbers (RCNs).

GS1 General Specifications 2.1.11 and Figure 1.4.2-1: GS1 prefixes 02 and 20–29 (UPC-A number
system 2) are restricted circulation numbers within a geographic region; the GS1 Member
Organisation of the region says which digits are the item and which a price, weight or count.
Prefixes 04 and 040–049 (UPC number system 4) are a company's own, read as the company stored them.
The region rules below are the Member Organisations' published ones:
- GS1 Sweden (prefix 23: 8-digit item, 4-digit weight in grams; 20: 4-digit price, 2 decimals);
- GS1 UK (prefix 20: 7-digit item, price check digit, 4-digit price in pence);
- GS1 Germany, "GTIN in der Anwendung" (28: 4-digit item, price check digit, 5-digit weight in
  grams; 25: a count), the price check digit by General Specifications 7.9 (the check digit of
  four- and five-digit price and weight fields).
The item of an RCN is its number with the variable part zeroed (check digits recomputed), the
convention of store systems and of Odoo's barcode nomenclatures.
"""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from floor.errors import ScanRejected
from floor.scanning.parser import RCN_REGIONS, Kind, parse
from floor.warehouse.models import RCN_REGION_CHOICES
from tests import factories as f
from tests.pages import page_text

pytestmark = pytest.mark.django_db

SE_WEIGHT = "2302148210869"  # item 021482, 1.086 kg
SE_WEIGHT_ITEM = "2302148200006"
SE_PRICE = "2012345625501"  # item 123456, 25.50
GB_PRICE = "2012345602991"  # item 12345, price check digit 6, £2.99
DE_WEIGHT = "2812347012503"  # item 1234, price check digit 7, 1.250 kg
DE_COUNT = "2500019000124"  # item 0001, 12 pieces
US_RANDOM_WEIGHT = "212345002995"  # UPC-A number system 2


def in_region(region, code="WR"):
    warehouse = f.warehouse(code)
    warehouse.rcn_region = region
    warehouse.save()
    return warehouse


@pytest.mark.parametrize(
    "code", [SE_WEIGHT, GB_PRICE, US_RANDOM_WEIGHT, f"]E0{SE_WEIGHT}", f"]C101{SE_WEIGHT.zfill(14)}"]
)
def test_without_a_region_rule_a_store_label_is_refused_plainly(code):
    # 2.1.11: an RCN's meaning is its region's; without the region's rule it has none Floor can use.
    with pytest.raises(ScanRejected, match="A store's price or weight label — no region rule is set"):
        parse(code)
    with pytest.raises(ScanRejected, match="no region rule is set"):
        parse(code, warehouse=f.warehouse("NONE"))


def test_a_number_stored_as_an_items_barcode_is_that_item_and_never_a_global_gtin():
    # Figure 1.4.2-1: prefixes 02 and 20–29 are restricted circulation numbers; a company that
    # numbers its own items in them (Odoo's internal barcodes 20…) stored that number as the item's
    # barcode: Floor's own code, before any region's rule, and read as no GTIN.
    product = f.product(gtin=SE_WEIGHT)
    for warehouse in (None, in_region("se")):
        scan = parse(SE_WEIGHT, warehouse=warehouse)
        assert (scan.kind, scan.product_id, scan.gtin, scan.measure, scan.quantity) == (
            Kind.PRODUCT,
            product.pk,
            None,
            None,
            1,
        )


def test_a_label_stored_nowhere_is_refused_without_a_region_rule():
    with pytest.raises(ScanRejected, match="no region rule is set"):
        parse(SE_WEIGHT)


def test_a_swedish_weight_label_reads_as_its_item_and_weight():
    # GS1 Sweden, prefix 23: 23 IIIIII WWWW C, the weight in grams.
    product = f.product(gtin=SE_WEIGHT_ITEM)
    scan = parse(SE_WEIGHT, warehouse=in_region("se"))
    assert (scan.kind, scan.product_id, scan.gtin, scan.rcn) == (
        Kind.PRODUCT,
        product.pk,
        "0" + SE_WEIGHT_ITEM,
        SE_WEIGHT,
    )
    assert (scan.measure, scan.measure_unit, scan.quantity) == (Decimal("1.086"), "kg", 1)


def test_an_item_not_stored_is_still_read_as_the_item_and_never_as_the_label():
    # 2.1.11: the item is the number without its variable part, stored or not.
    scan = parse(SE_WEIGHT, warehouse=in_region("se"))
    assert (scan.product_id, scan.gtin, scan.measure) == (None, "0" + SE_WEIGHT_ITEM, Decimal("1.086"))


def test_a_swedish_price_label_reads_as_its_item_and_price():
    # GS1 Sweden, prefix 20: 20 IIIIII PPPP C, the price with 2 decimals.
    scan = parse(SE_PRICE, warehouse=in_region("se"))
    assert (scan.gtin, scan.price, scan.currency, scan.measure) == ("02012345600003", Decimal("25.50"), "SEK", None)


def test_a_british_price_label_checks_its_price_check_digit():
    # GS1 UK, prefix 20: 20 IIIII V PPPP C, V the price check digit (7.9).
    scan = parse(GB_PRICE, warehouse=in_region("gb"))
    assert (scan.gtin, scan.price, scan.currency) == ("02012345000001", Decimal("2.99"), "GBP")


def test_a_german_weight_label_reads_its_weight():
    # GS1 Germany, prefix 28: 28 IIII V WWWWW C, the weight in grams.
    scan = parse(DE_WEIGHT, warehouse=in_region("de"))
    assert (scan.gtin, scan.measure, scan.measure_unit) == ("02812340000002", Decimal("1.250"), "kg")


def test_a_german_label_with_a_wrong_price_check_digit_is_a_bad_check_digit():
    wrong = "2812348012502"  # the same weight under price check digit 8 (7 is right)
    with pytest.raises(ScanRejected, match="Bad barcode check digit"):
        parse(wrong, warehouse=in_region("de"))


def test_a_german_count_label_counts_its_pieces():
    # GS1 Germany, prefix 25: 25 IIII V NNNNN C, a count of pieces.
    product = f.product(gtin="2500010000000")
    scan = parse(DE_COUNT, warehouse=in_region("de"))
    assert (scan.product_id, scan.quantity) == (product.pk, 12)


def test_a_prefix_the_regions_rule_does_not_cover_is_refused():
    # GS1 Sweden's rules cover 20–25; a label starting 26 has no Swedish meaning.
    with pytest.raises(ScanRejected, match="No SE rule for store labels starting 26"):
        parse("2612345012501", warehouse=in_region("se"))
    with pytest.raises(ScanRejected, match="No SE rule for store labels starting 02"):
        parse(US_RANDOM_WEIGHT, warehouse=in_region("se", "WR2"))


def test_the_setting_gives_the_rule_to_a_warehouse_without_its_own(settings):
    # 2.1.11: one rule per region; GS1 UK's rules know prefix 20 only.
    settings.GS1_RCN_REGION = "se"
    assert parse(SE_WEIGHT).measure == Decimal("1.086")
    assert parse(SE_WEIGHT, warehouse=f.warehouse("W2")).measure == Decimal("1.086")
    # The warehouse's own region wins: under GS1 UK's rule, 23 is no store label prefix.
    with pytest.raises(ScanRejected, match="No GB rule"):
        parse(SE_WEIGHT, warehouse=in_region("gb"))


def test_a_store_label_inside_a_gs1_label_is_read_by_the_same_rule():
    # 2.1.11 applies to the GTIN, wherever it is carried: here AI 01 (3.3.2).
    scan = parse(f"]C1010{SE_WEIGHT}10L1", warehouse=in_region("se"))
    assert (scan.kind, scan.gtin, scan.rcn, scan.measure, scan.lot) == (
        Kind.GS1,
        "0" + SE_WEIGHT_ITEM,
        SE_WEIGHT,
        Decimal("1.086"),
        "L1",
    )


@pytest.mark.parametrize("code", ["0412345678903", "412345678903"])
def test_a_companys_own_restricted_number_is_read_as_the_company_stored_it(code):
    # Figure 1.4.2-1: 04 / 040–049 are RCNs within a company: its own numbers, stored as it uses them.
    product = f.product(gtin="0412345678903")
    scan = parse(code)
    assert (scan.product_id, scan.rcn, scan.gtin) == (product.pk, None, "00412345678903")


def test_the_lookup_page_reads_a_store_label_by_the_persons_warehouse(client):
    # 2.1.11: the rule is the region's, so the person's warehouse says which.
    warehouse = in_region("se")
    client.force_login(f.user(wh=warehouse))
    page = page_text(client.get(reverse("scanning:lookup"), {"code": SE_WEIGHT}))
    assert "02302148200006" in page and SE_WEIGHT in page and "1.086 kg" in page

    client.force_login(f.user(wh=f.warehouse("NORULE")))
    page = page_text(client.get(reverse("scanning:lookup"), {"code": SE_WEIGHT}))
    assert "no region rule is set" in page


def test_the_command_sets_a_warehouses_region(capsys):
    # The regions are those whose Member Organisation rules biip implements (biip.rcn.RcnRegion).
    warehouse = f.warehouse("CMD")
    call_command("rcn_region", "CMD", "SE")
    warehouse.refresh_from_db()
    assert warehouse.rcn_region == "se"
    assert parse(SE_WEIGHT, warehouse=warehouse).measure == Decimal("1.086")
    with pytest.raises(CommandError, match="No rule for region us"):
        call_command("rcn_region", "CMD", "us")
    call_command("rcn_region", "CMD", "-")
    warehouse.refresh_from_db()
    assert warehouse.rcn_region == ""


def test_the_regions_a_warehouse_can_choose_are_biips():
    # A region Floor offers must be one biip has the Member Organisation's rule for.
    assert {value for value, _label in RCN_REGION_CHOICES} == set(RCN_REGIONS)
