from django.apps import AppConfig


class OdooConfig(AppConfig):
    name = "floor.odoo"
    label = "odoo"
    verbose_name = "Odoo sync"
