"""Codes in a message (a bin's B-04-02, a document's WH/OUT/00012) are kept whole on screen: each in a
span that does not wrap, with its own characters (copy and paste, and a screen reader, get the
code as it is printed), and the message still escaped."""

from markupsafe import Markup

from floor.scanning.screens import codes


def test_each_code_is_held_whole_in_its_own_characters():
    said = codes("Wrong bin — expected B-04-02 (scanned B-04-12)")
    assert said == (
        'Wrong bin — expected <span class="code">B-04-02</span> (scanned <span class="code">B-04-12</span>)'
    )
    assert "\u2011" not in said  # no look-alike hyphens


def test_documents_and_decimals_are_codes_words_are_not():
    said = codes("WH/OUT/00012 packed — 1.25 kg, 2 cartons")
    assert '<span class="code">WH/OUT/00012</span>' in said and '<span class="code">1.25</span>' in said
    assert "packed —" in said and '<span class="code">kg' not in said


def test_what_was_scanned_stays_escaped():
    said = codes('Not a code Floor knows: <img src=x onerror="alert(1)"> A-1&B-2 O\'Neil')
    assert "<img" not in said and "&lt;img" in said
    assert '<span class="code">A-1</span>&amp;<span class="code">B-2</span>' in said
    assert "O&#39;Neil" in said


def test_html_is_left_as_it_is():
    assert codes(Markup('<a href="/pack/scan">B-04-02</a>')) == '<a href="/pack/scan">B-04-02</a>'
