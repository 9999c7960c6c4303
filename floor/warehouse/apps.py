from django.apps import AppConfig


class WarehouseConfig(AppConfig):
    name = "floor.warehouse"
    label = "warehouse"
