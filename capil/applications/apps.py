from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "capil.applications"
    label = "applications"
    verbose_name = _("Permohonan")
    default_auto_field = "django.db.models.BigAutoField"
