from django.apps import AppConfig


class ReceivingConfig(AppConfig):
    name = "floor.receiving"
    label = "receiving"
