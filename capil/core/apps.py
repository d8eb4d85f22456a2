from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "capil.core"
    label = "core"
    verbose_name = "Capil Online"
