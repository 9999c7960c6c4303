from django.apps import AppConfig


class OdooConfig(AppConfig):
    name = "floor.odoo"
    label = "odoo"
    verbose_name = "Odoo sync"

    def ready(self):
        # The outbox sends its tasks by name: registered in every process, a web process's too,
        # they run in it where Celery runs in-process and keep their queue where it does not.
        from floor.odoo import tasks  # noqa: F401
