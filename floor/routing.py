from django.urls import path

from floor import consumers

websocket_urlpatterns = [
    path("ws/floor/", consumers.FloorConsumer.as_asgi()),
]
