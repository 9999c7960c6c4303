import asyncio
import io
import os
from concurrent.futures import ThreadPoolExecutor

from asgiref.wsgi import WsgiToAsgiInstance
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "floor.settings")
django_wsgi_app = get_wsgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from floor import routing  # noqa: E402


class ThreadedWsgi:
    """Plain requests through Django's WSGI handler, as a threaded WSGI server runs them.

    A request runs start to end in a pool thread, which gathers its whole answer; the event loop
    then sends it, and is otherwise left to websockets. That is one hop between the loop and a
    thread per request: Django's ASGI handler hops for every sync middleware and for the view,
    and asgiref's WSGI adapter for every piece of the answer it sends. Floor's answers are small
    pages, so gathering them costs nothing worth a stream.
    """

    def __init__(self, wsgi_application, threads: int):
        self.wsgi_application = wsgi_application
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="floor-http")

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


application = ProtocolTypeRouter(
    {
        "http": ThreadedWsgi(django_wsgi_app, threads=int(os.environ.get("WEB_THREADS", "6"))),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(routing.websocket_urlpatterns))),
    }
)
