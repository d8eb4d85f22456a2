from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "capil.archive"
    verbose_name = _("Arsip")
    default_auto_field = "django.db.models.BigAutoField"
