from django.apps import AppConfig


class CountingConfig(AppConfig):
    name = "floor.counting"
    label = "counting"
