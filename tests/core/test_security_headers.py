"""What every page tells the browser: run only our own scripts, use the camera and nothing else,
keep to HTTPS where the site has it, and keep the CSRF cookie from scripts."""

import runpy

import pytest

import floor.settings
from tests import factories

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";") if part.strip())
    return {name: sources for name, *sources in directives}


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/move/", "/manifest.webmanifest", "/sw.js"])
def test_pages_run_only_scripts_from_this_origin(client, path):
    client.force_login(factories.user(roles=["receiver"]))
    csp = policy(client.get(path))

    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other host
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["style-src"]
    assert csp["connect-src"] == ["'self'"]  # htmx and the websocket, to this origin only
    assert csp["worker-src"] == ["'self'"] and csp["manifest-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]


def test_a_scan_answer_carries_the_policy_too(client):
    client.force_login(factories.user(roles=["receiver"]))
    response = client.post("/move/scan", {"code": "NOTHING", "key": "k-1"}, headers={"HX-Request": "true"})
    assert response.status_code < 500
    assert policy(response)["script-src"] == ["'self'"]


def test_the_camera_is_for_this_origin_and_nothing_else_is_for_anyone(client):
    features = dict(
        part.strip().split("=", 1) for part in client.get("/accounts/login/")["Permissions-Policy"].split(",")
    )

    assert features.pop("camera") == "(self)"
    assert {"geolocation", "microphone", "payment", "usb"} <= set(features)
    assert set(features.values()) == {"()"}


@pytest.mark.parametrize(("secure_cookies", "hsts"), [("1", "max-age=31536000; includeSubDomains"), ("0", None)])
def test_browsers_are_told_to_keep_to_https_only_where_the_site_has_it(
    monkeypatch, settings, client, secure_cookies, hsts
):
    monkeypatch.setenv("SECURE_COOKIES", secure_cookies)
    loaded = runpy.run_path(floor.settings.__file__)  # the settings as a server so set up reads them
    for name in ("SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS"):
        setattr(settings, name, loaded.get(name, 0))

    response = client.get("/accounts/login/", secure=True)

    assert response.headers.get("Strict-Transport-Security") == hsts


def test_no_script_can_read_the_csrf_cookie(client):
    response = client.get("/accounts/login/")

    assert response.cookies["csrftoken"]["httponly"] is True
    # The token reaches htmx through the page instead (base.html's hx-headers).
    assert f'"X-CSRFToken": "{response.context["csrf_token"]}"' in response.content.decode()
