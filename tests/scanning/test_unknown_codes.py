"""A code Floor does not know is rejected with a message that shows what was scanned."""

import pytest

from floor.errors import ScanRejected
from floor.scanning.parser import parse, readable

pytestmark = pytest.mark.django_db


def test_it_rejects_an_unknown_code_naming_it():
    with pytest.raises(ScanRejected) as rejected:
        parse("XYZ\r\n")
    assert str(rejected.value) == "Not a code Floor knows: XYZ"
    assert rejected.value.sound == "error"


def test_it_shortens_a_long_code_in_the_message():
    with pytest.raises(ScanRejected) as rejected:
        parse("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    assert str(rejected.value) == "Not a code Floor knows: ABCDEFGHIJKLMNOPQRSTUVWX…"


def test_it_shows_invisible_characters():
    with pytest.raises(ScanRejected) as rejected:
        parse("AB\u200bC\x1dD")
    assert str(rejected.value).endswith("AB<U+200B>C<GS>D")


def test_it_rejects_a_scan_longer_than_any_label_without_asking_the_database(django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(ScanRejected, match="Not a code Floor knows"):
        parse("A" * 5000)


def test_a_url_that_is_not_a_digital_link_is_unknown():
    with pytest.raises(ScanRejected, match="Not a code Floor knows: https://example.com/"):
        parse("https://example.com/about")


def test_readable_leaves_a_short_printable_code_alone():
    assert readable("A-01-02") == "A-01-02"
