from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from floor.scanning import documents


class PickingConfig(AppConfig):
    name = "floor.picking"
    label = "picking"

    def ready(self):
        from floor.picking.models import Order

        # A carrier's tracking number opens its order too (the latest one with it).
        documents.register(
            "order", model=Order, label=_("Order"), named=_("order %(reference)s"), shared_reference="tracking"
        )
