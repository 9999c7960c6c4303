from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "floor.dashboard"
    label = "dashboard"
