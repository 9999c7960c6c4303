from django.apps import AppConfig


class ScanningConfig(AppConfig):
    name = "floor.scanning"
    label = "scanning"
