from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "capil.audit"
    label = "audit"
    verbose_name = "Audit"
