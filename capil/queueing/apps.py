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
