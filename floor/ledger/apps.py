from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "floor.ledger"
    label = "ledger"
