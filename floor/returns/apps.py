from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from floor.scanning import documents


class ReturnsConfig(AppConfig):
    name = "floor.returns"
    label = "returns"

    def ready(self):
        from floor.returns.models import Return

        documents.register("return", model=Return, label=_("Return"), named=_("return %(reference)s"))
