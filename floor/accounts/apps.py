from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "floor.accounts"
    label = "accounts"

    def ready(self):
        from floor.accounts import signals  # noqa: F401 — connects the receivers
