from django.apps import AppConfig


class PickingConfig(AppConfig):
    name = "floor.picking"
    label = "picking"
