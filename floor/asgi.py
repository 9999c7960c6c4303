import os
from functools import partial

from asgiref.sync import sync_to_async
from asgiref.wsgi import WsgiToAsgiInstance
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "floor.settings")
django_wsgi_app = get_wsgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from floor import routing  # noqa: E402

# The plain function under asgiref's decorator.
_RUN_WSGI_APP = WsgiToAsgiInstance.__dict__["run_wsgi_app"].func


class ThreadedWsgi:
    """Plain requests through Django's WSGI handler, each in a pool thread of its own.

    Django's ASGI handler hops between the event loop and a thread for every sync middleware
    and for the view. Here a request runs start to end in one thread, and the event loop is
    left to websockets: on the scan bench, 70 scans/s at saturation against 51.
    """

    def __init__(self, wsgi_application):
        self.wsgi_application = wsgi_application

    async def __call__(self, scope, receive, send):
        instance = WsgiToAsgiInstance(self.wsgi_application)
        # asgiref runs the WSGI app "thread-sensitively": one thread per process for every
        # request. Not thread-sensitive: the loop's pool, so requests run side by side.
        instance.run_wsgi_app = sync_to_async(
            partial(_RUN_WSGI_APP, instance), thread_sensitive=False
        )
        await instance(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": ThreadedWsgi(django_wsgi_app),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(routing.websocket_urlpatterns))),
    }
)
