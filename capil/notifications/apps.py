from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "capil.notifications"
    label = "notifications"
    verbose_name = "Notifikasi"

    def ready(self):
        from . import checks  # noqa: F401  (registers the channel configuration check)
