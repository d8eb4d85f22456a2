from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "capil.catalog"
    label = "catalog"
    verbose_name = "Katalog layanan"

    def ready(self):
        from . import checks  # noqa: F401  (registers the overlay system check)
