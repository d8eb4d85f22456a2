from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "capil.notifications"
    label = "notifications"
    verbose_name = "Notifikasi"

    def ready(self):
        from capil.accounts import personal_data

        from . import (
            checks,  # noqa: F401  (registers the channel configuration check)
            selectors,
            services,
        )

        personal_data.register(
            name="notifications",
            export=selectors.notifications_personal_data,
            erase=services.notifications_personal_data_erase,
            retained=_("Catatan SMS dan email yang dikirim kepada Anda (jenis pesan, waktu, dan apakah sampai) "
                       "disimpan sebagai bukti pemberitahuan, tanpa isi pesan dan dengan alamat disamarkan."),
        )
