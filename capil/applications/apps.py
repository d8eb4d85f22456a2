from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "capil.applications"
    label = "applications"
    verbose_name = _("Permohonan")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from capil.accounts import personal_data

        from . import selectors, services

        personal_data.register(
            name="applications",
            export=selectors.applications_personal_data,
            erase=services.applications_personal_data_erase,
            retained=_("Permohonan yang sudah diajukan, berkas persyaratannya, dokumen yang terbit dan jejak "
                       "prosesnya disimpan sesuai ketentuan arsip administrasi kependudukan; draf yang belum "
                       "diajukan dihapus."),
            closure_blockers=selectors.applications_open_for,
        )
