import asyncio
import gc
import io
import os
from concurrent.futures import ThreadPoolExecutor

from asgiref.wsgi import WsgiToAsgiInstance
from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "floor.settings")
django_wsgi_app = get_wsgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from floor import routing  # noqa: E402

# Python's full garbage collection stops every thread of the process while it walks every object
# the process holds: 30-120 ms with Django loaded, a stall every few seconds under load (scan
# bench, normal load: p95 150-230 ms with those stalls, 40-75 ms without). What start-up and the
# first requests make (modules, URL patterns, compiled templates, translations) lives as long as
# the process: frozen, the collector no longer walks it, and a full collection takes a few ms.
FREEZE_AFTER = {100, 1000}


class ThreadedWsgi:
    """Plain requests through Django's WSGI handler, as a threaded WSGI server runs them.

    A request runs start to end in a pool thread, which gathers its whole answer; the event loop
    then sends it, and is otherwise left to websockets. That is one hop between the loop and a
    thread per request: Django's ASGI handler hops for every sync middleware and for the view,
    and asgiref's WSGI adapter for every piece of the answer it sends. Floor's answers are small
    pages, so gathering them costs nothing worth a stream.
    """

    def __init__(self, wsgi_application):
        self.wsgi_application = wsgi_application
        self.executor = ThreadPoolExecutor(max_workers=settings.WEB_THREADS, thread_name_prefix="floor-http")
        self.served = 0

    async def __call__(self, scope, receive, send):
        body = io.BytesIO()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.write(message.get("body", b""))
            if not message.get("more_body"):
                break
        body.seek(0)
        # asgiref's reading of the scope into a WSGI environ (it refuses a flood of headers).
        reader = WsgiToAsgiInstance(self.wsgi_application)
        reader.scope = scope
        try:
            environ = reader.build_environ(scope, body)
        except ValueError:
            status, headers, content = 400, [(b"content-type", b"text/plain")], b"Bad Request"
        else:
            loop = asyncio.get_running_loop()
            status, headers, content = await loop.run_in_executor(self.executor, self.respond, environ)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})
        self.served += 1
        if self.served in FREEZE_AFTER:
            gc.freeze()

    def respond(self, environ) -> tuple[int, list, bytes]:
        started = []

        def start_response(status, headers, exc_info=None):
            started[:] = [status, headers]

        result = self.wsgi_application(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            # Django's request_finished: the database connection goes back to the pool.
            result.close()
        status, headers = started
        return (
            int(status.split(" ", 1)[0]),
            [(name.lower().encode("latin1"), value.encode("latin1")) for name, value in headers],
            content,
        )


gc.collect()
gc.freeze()

application = ProtocolTypeRouter(
    {
        "http": ThreadedWsgi(django_wsgi_app),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(routing.websocket_urlpatterns))),
    }
)
