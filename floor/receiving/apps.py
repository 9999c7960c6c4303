from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from floor.scanning import documents


class ReceivingConfig(AppConfig):
    name = "floor.receiving"
    label = "receiving"

    def ready(self):
        from floor.receiving.models import Receipt  # models load after the app configs

        documents.register(
            "receipt",
            model=Receipt,
            label=_("Receipt"),
            named=_("receipt %(reference)s"),
            shared_reference="vendor_reference",
            open_states=(Receipt.State.OPEN, Receipt.State.RECEIVING),
        )
