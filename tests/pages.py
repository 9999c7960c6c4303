"""Reading a page as a person sees it."""

import re

_TOKEN = re.compile(r"""hx-headers='[^']*'|name="csrfmiddlewaretoken" value="[^"]*\"""")


def page_text(response) -> str:
    """The page without its CSRF tokens, whose random letters and digits may spell any short
    name or number a test looks for."""
    return _TOKEN.sub("", response.content.decode())
