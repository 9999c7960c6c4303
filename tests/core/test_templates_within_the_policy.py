"""The pages live within the Content-Security-Policy (floor/settings.py): a browser would refuse an
inline script, an inline event handler, an inline style or anything htmx must eval, so none may
appear in a template (the Django pages and the Jinja scan screens alike)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in (ROOT / "templates").rglob("*") if p.suffix in {".html", ".jinja"})

REFUSED = {
    # A data block (type="application/json": the task the pick screen's device keeps) runs nothing.
    "an inline <script>": re.compile(r"<script\b(?![^>]*\b(?:src\s*=|type=\"application/json\"))[^>]*>", re.I),
    "an inline event handler (onclick=…)": re.compile(r"\son[a-z]+\s*=", re.I),
    "an htmx handler (hx-on), run by eval": re.compile(r"\s(?:data-)?hx-on\b", re.I),
    "an htmx trigger filter ([…]), run by eval": re.compile(r"\s(?:data-)?hx-trigger\s*=\s*(['\"])[^'\"]*\[", re.I),
    "a js: value or hx-vars, run by eval": re.compile(
        r"\s(?:data-)?hx-(?:vals|headers)\s*=\s*['\"]\s*(?:js|javascript):|\s(?:data-)?hx-vars\b", re.I
    ),
    "a javascript: address": re.compile(r"javascript:", re.I),
    "an inline <style>": re.compile(r"<style\b", re.I),
    "an inline style=": re.compile(r"\sstyle\s*=", re.I),
}
# Template comments ({# … #}, {% comment %}) reach no browser: blanked, keeping the line numbers.
COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)


def test_there_are_templates_to_read():
    assert len(TEMPLATES) > 40
    assert any(p.suffix == ".jinja" for p in TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_a_template_holds_nothing_the_policy_refuses(template):
    text = COMMENT.sub(lambda comment: "\n" * comment.group(0).count("\n"), template.read_text())
    found = [
        f"{what}, line {text.count(chr(10), 0, match.start()) + 1}: {match.group(0).strip()}"
        for what, pattern in REFUSED.items()
        for match in pattern.finditer(text)
    ]
    assert not found, found


def test_no_script_reads_the_csrf_cookie():
    # It is HttpOnly (CSRF_COOKIE_HTTPONLY): a script that read it would find nothing.
    for script in (ROOT / "static").rglob("*.js"):
        assert not re.search(r"document\.cookie|csrftoken", script.read_text()), script
