from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "capil.accounts"
    label = "accounts"
    verbose_name = "Akun"

    def ready(self):
        from . import personal_data, selectors

        personal_data.register(
            name="accounts",
            export=selectors.accounts_personal_data,
            # The account row itself is anonymised last by services.account_close.
            retained=_(
                "Riwayat akun di log audit (kapan akun dibuat, diverifikasi, dan ditutup) disimpan karena "
                "log audit wajib utuh; isinya tidak memuat NIK atau nomor HP."
            ),
        )
