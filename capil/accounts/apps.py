from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "capil.accounts"
    label = "accounts"
    verbose_name = "Akun"
