"""Badge + PIN login: POST the badge and the PIN, expect a redirect to the work list."""

import re

from wire import Request, Response

from scenarios import Load

NAME = "login"
# A shift start: 300 people signing in over about a minute (5/s), not the scan rate: a login
# checks a salted PBKDF2 hash of the PIN, costly by design.
NORMAL = Load(scanners=300, every=(48.0, 72.0))
SATURATION = Load(scanners=16)
LEDGER = False

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def setup(base) -> list[dict]:
    return [{"badge": user.profile.badge, "pin": base.pin} for user in base.users]


def signed_in(response: Response) -> str | None:
    if response.status != 302 or response.headers.get("location") != "/":
        return f"HTTP {response.status} to {response.headers.get('location')!r}, not 302 to '/'"
    return None


async def scanner(s, data):
    page = await s.send(Request("GET", "/accounts/login/"))
    match = TOKEN.search(page.body)
    if page.status != 200 or match is None:
        raise RuntimeError(f"login page: HTTP {page.status}, no CSRF token")
    token = match.group(1).decode()
    while True:
        # Signed out: the next shift picks up the scanner.
        s.cookies.pop("sessionid", None)
        yield Request(
            "POST",
            "/accounts/login/",
            form={"csrfmiddlewaretoken": token, "badge": data["badge"], "pin": data["pin"]},
            check=signed_in,
        )
        # Signing in rotates the CSRF secret; the new cookie's value is itself a valid token.
        token = s.cookies["csrftoken"]
