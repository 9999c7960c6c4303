from django.apps import AppConfig


class PutawayConfig(AppConfig):
    name = "floor.putaway"
    label = "putaway"
