from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "capil.documents"
    label = "documents"
    verbose_name = "Dokumen keluaran dan TTE"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
