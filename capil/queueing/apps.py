from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "capil.queueing"
    label = "queueing"
    verbose_name = _("Antrian, loket, dan pengambilan dokumen")

    def ready(self):
        from capil.accounts import personal_data

        from . import selectors, services

        personal_data.register(
            name="queueing",
            export=selectors.queueing_personal_data,
            erase=services.queueing_personal_data_erase,
            retained=_("Catatan serah terima KTP-el dan KIA (siapa menerima dan kapan) disimpan sebagai bukti "
                       "penyerahan dokumen kependudukan."),
        )
        from django.apps import apps as registry

        if registry.is_installed("capil.applications"):
            from capil.applications.signals import application_state_changed

            application_state_changed.connect(_forget_status_page, dispatch_uid="queueing-status-page")


def _forget_status_page(sender, tracking_number: str, **kwargs) -> None:
    """The public status page of an application that changed state is no longer true: drop its cached copies."""
    from django.conf import settings
    from django.core.cache import cache

    from .views import status_cache_key

    cache.delete_many([status_cache_key(tracking_number, code) for code, _name in settings.LANGUAGES])
