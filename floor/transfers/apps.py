from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "floor.transfers"
    label = "transfers"
