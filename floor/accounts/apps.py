from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "floor.accounts"
    label = "accounts"
