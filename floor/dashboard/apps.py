from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "floor.dashboard"
    label = "dashboard"

    def ready(self):
        from floor import events
        from floor.dashboard import drawing

        # The panels are drawn as the floor changes, before its dashboards hear of it.
        events.floor_changing.connect(drawing.prepare, dispatch_uid="dashboard-drawing")
