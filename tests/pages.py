"""Reading a page as a person sees it."""

import re

_TOKEN = re.compile(r"""hx-headers='[^']*'|name="csrfmiddlewaretoken" value="[^"]*\"""")
# A code in a message sits in a span that keeps it on one line (floor/scanning/screens.py `codes`):
# no word of its own to a reader.
_CODE = re.compile(r'<span class="code">([^<]*)</span>')


def page_text(response) -> str:
    """The page without its CSRF tokens, whose random letters and digits may spell any short
    name or number a test looks for, and with its codes as a reader sees them."""
    return _CODE.sub(r"\1", _TOKEN.sub("", response.content.decode()))
