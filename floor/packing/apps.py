from django.apps import AppConfig


class PackingConfig(AppConfig):
    name = "floor.packing"
    label = "packing"

    def ready(self):
        # Printing sends its task by name: registered in every process, a web process's too.
        from floor.packing import tasks  # noqa: F401
