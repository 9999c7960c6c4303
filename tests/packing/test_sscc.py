"""SSCCs: GS1's check digit, the company prefix from settings, the carton's id as serial."""

import biip
import pytest
from biip.sscc import Sscc
from hypothesis import given
from hypothesis import strategies as st

from floor.packing import sscc
from floor.packing.models import Carton

# Published examples: GS1 General Specifications (company prefix 0614141, GS1 US's demo), biip's
# documentation, and the GS1 Logistic Label Guideline.
GS1_EXAMPLES = ["106141412345678908", "376104250021234569", "340123450000000000"]


@pytest.mark.parametrize("code", GS1_EXAMPLES)
def test_gs1s_published_ssccs_are_valid(code):
    assert sscc.is_valid(code)


def test_gs1s_example_is_built_from_its_parts():
    assert sscc.build(234567890, prefix="0614141", extension=1) == "106141412345678908"


def test_a_cartons_sscc_is_the_extension_the_prefix_from_settings_and_its_id(settings):
    settings.GS1_COMPANY_PREFIX, settings.SSCC_EXTENSION_DIGIT = "0614141", 1
    assert sscc.for_carton(Carton(pk=234567890)) == "106141412345678908"
    settings.SSCC_EXTENSION_DIGIT = 0
    assert sscc.for_carton(Carton(pk=42)) == "006141410000000425"


@pytest.mark.parametrize(
    ("prefix", "serial_digits"), [("0614141", 9), ("06141412", 8), ("061414123", 7), ("0614141234", 6)]
)
def test_a_longer_prefix_leaves_fewer_digits_for_the_serial(prefix, serial_digits):
    largest = 10**serial_digits - 1
    code = sscc.build(largest, prefix=prefix, extension=0)
    assert len(code) == 18 and code[1 : 1 + len(prefix)] == prefix and sscc.is_valid(code)
    with pytest.raises(ValueError, match="does not fit"):
        sscc.build(largest + 1, prefix=prefix, extension=0)


@pytest.mark.parametrize("prefix", ["061414", "06141412345", "06141A1", "", "٠٦١٤١٤١"])
def test_a_prefix_that_is_not_7_to_10_digits_is_refused(settings, prefix):
    settings.GS1_COMPANY_PREFIX = prefix
    with pytest.raises(ValueError, match="GS1_COMPANY_PREFIX must be 7 to 10 digits"):
        sscc.for_carton(Carton(pk=1))


def test_an_extension_digit_that_is_not_one_digit_is_refused():
    with pytest.raises(ValueError, match="SSCC_EXTENSION_DIGIT"):
        sscc.build(1, prefix="0614141", extension=10)


def test_an_unsaved_carton_has_no_sscc_yet():
    with pytest.raises(ValueError, match="once it is saved"):
        sscc.for_carton(Carton())


@pytest.mark.parametrize(
    "code",
    ["106141412345678907", "10614141234567890", "1061414123456789080", "10614141234567890X", "", None],
)
def test_a_wrong_check_digit_or_length_is_not_an_sscc(code):
    assert not sscc.is_valid(code)


prefixes = st.integers(min_value=7, max_value=10).flatmap(
    lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)
)


@given(prefix=prefixes, extension=st.integers(0, 9), data=st.data())
def test_every_sscc_built_reads_back_through_biip_with_its_parts(prefix, extension, data):
    serial = data.draw(st.integers(min_value=0, max_value=10 ** (16 - len(prefix)) - 1))
    code = sscc.build(serial, prefix=prefix, extension=extension)
    assert sscc.is_valid(code)
    parsed = Sscc.parse(code)  # biip works out the check digit on its own
    assert parsed.extension_digit == extension
    assert int(parsed.payload[1 + len(prefix) :]) == serial
    assert biip.parse("00" + code).gs1_message.element_strings.get(ai="00").sscc.value == code


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_our_check_digit_is_biips(body):
    from floor.warehouse.gtin import check_digit

    assert Sscc.parse(body + check_digit(body)).check_digit == int(check_digit(body))
