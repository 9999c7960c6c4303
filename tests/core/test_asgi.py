"""The ASGI application the web server runs: pages through Django's WSGI handler in a pool
thread each, websockets through Channels."""

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.testing import WebsocketCommunicator

from floor.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def request(method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
    """One HTTP request as uvicorn hands it to the application: the status and the whole body
    (the body may come in several messages, the last one with no `body` key at all)."""

    async def run():
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"127.0.0.1")],
            "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 8000),
        }
        app = ApplicationCommunicator(application, scope)
        await app.send_input({"type": "http.request", "body": body})
        start = await app.receive_output(10)
        chunks = []
        while True:
            message = await app.receive_output(10)
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                return start["status"], b"".join(chunks)

    return async_to_sync(run)()


def test_a_page_is_served():
    status, body = request("GET", "/accounts/login/")
    assert status == 200 and b'id="badge"' in body


def test_a_post_without_its_csrf_token_is_refused():
    assert request("POST", "/move/scan", b"code=X")[0] == 403


def test_a_signed_out_websocket_is_closed_by_the_consumer():
    async def run():
        ws = WebsocketCommunicator(application, "/ws/floor/", headers=[(b"origin", b"http://127.0.0.1")])
        connected, code = await ws.connect(timeout=5)
        return connected, code

    assert async_to_sync(run)() == (False, 4401)
