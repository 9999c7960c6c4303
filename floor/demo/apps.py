from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The top of the house: the demo warehouse (`manage.py demo`) and the label sheets. It may
    import every flow; nothing imports it. No models."""

    name = "floor.demo"
    label = "demo"
