from django.apps import AppConfig


class PackingConfig(AppConfig):
    name = "floor.packing"
    label = "packing"
