from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "floor.returns"
    label = "returns"
