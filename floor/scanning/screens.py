"""The scan screens: Jinja2 templates, for the answer that every scan renders.

A scan's answer is its flow's screen (the prompt, the feedback, the line just touched). Django's
template language walks a template node by node, and on the bench that walk took 1.5–2 ms of a
6–8 ms receive or pack scan. Jinja2 compiles a template to Python once and renders the same
screen in a fraction of that. The pages around the screens (base.html, the work list, the
supervisor's pages) stay Django templates and take a screen's parts in with `{% screen %}`
(floor/scanning/templatetags/screens.py).

The screens end in .jinja, beside the Django templates in templates/. Views render them with
`using="screens"`. They translate with `_("…")`, and `|format(name=…)` for placeholders: that is
the form `makemessages` reads in any template, so the msgids are the ones the Django tags had.
Plurals are worded in the views, with ngettext.
"""

import re
from functools import lru_cache, partial

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext
from jinja2 import ChainableUndefined, Environment
from markupsafe import Markup, escape

from floor.warehouse import quantities

_translated: dict[tuple[str, str], Markup] = {}


def _translate(language: str, message: str) -> Markup:
    # Each gettext() looks the language up in the request's context-local state: asked for once
    # per screen, and each literal translated once per language and process.
    found = _translated.get((language, message))
    if found is None:
        # The template's own literal, trusted as {% translate %} trusts it: not escaped.
        found = _translated[(language, message)] = Markup(gettext(message))  # noqa: S704
    return found


@lru_cache(maxsize=1024)
def _reverse(name: str, args: tuple, prefix: str, urlconf) -> str:
    return reverse(name, args=args, urlconf=urlconf)


def _url(prefix: str, urlconf, name: str, *args) -> str:
    return _reverse(name, args, prefix, urlconf)  # the same buttons are on every screen


def words_and_addresses(request) -> dict:
    """The screens' `_("…")` and `url(name, *args)`, bound to the request's language and script
    prefix once, and no form token in an answer to htmx (a context processor of the screens'
    engine)."""
    found = {"_": partial(_translate, get_language()), "url": partial(_url, get_script_prefix(), get_urlconf())}
    if request.htmx:
        # htmx sends the page's token in a header (base.html's hx-headers), so a form swapped in
        # needs none of its own; a fresh one is masked with 32 random draws, each a system call.
        found["csrf_input"] = ""
    return found


def truncatechars(value, length: int) -> str:
    return Truncator(value).chars(length)


def short_date(value) -> str:
    """A date in the person's locale's short form (30/06/2028 in Spanish)."""
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


# A bin, tote, SKU or document code: word characters joined by hyphens, slashes or dots.
_CODE = re.compile(r"\w+(?:[-/.]\w+)+")


def codes(message) -> Markup:
    """The message, escaped, with each code in a `.code` span that does not wrap: a browser breaks
    a line after a hyphen or a slash ("B-04-" over "02"). The characters stay the code's own (a
    non-breaking hyphen would be copied and read out as another character)."""
    if hasattr(message, "__html__"):  # already HTML: its codes are its own business
        return Markup(message.__html__())  # noqa: S704
    # Escaped first: an entity (&#39;) ends in ";", which no code holds, so none is split.
    return Markup(_CODE.sub(r'<span class="code">\g<0></span>', str(escape(str(message)))))  # noqa: S704


def environment(**options) -> Environment:
    # Forgiving as Django's templates are: a missing attribute, even of a missing one, is empty.
    options.update(undefined=ChainableUndefined, keep_trailing_newline=True)
    options.pop("autoescape", None)  # always on, whatever the settings say
    env = Environment(autoescape=True, **options)
    # For a screen rendered without a request; with one, words_and_addresses binds them.
    env.globals.update(
        _=lambda message: _translate(get_language(), message),
        url=lambda name, *args: _url(get_script_prefix(), get_urlconf(), name, *args),
    )
    env.filters.update(
        qty=quantities.qty,
        plain_qty=quantities.plain,
        truncatechars=truncatechars,
        short_date=short_date,
        codes=codes,
    )
    return env
