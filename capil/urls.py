"""URLs carry no language prefix: the language is chosen once (cookie) through /i18n/setlang/."""

from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("akun/", include("capil.accounts.urls")),
    path("notifikasi/", include("capil.notifications.urls")),
    path("", include("capil.documents.urls")),
    path("antrian/", include("capil.queueing.urls")),
    path("", include("capil.core.urls")),
    path("", include("capil.catalog.urls")),
    path("", include("capil.applications.urls")),
    path("arsip/", include("capil.archive.urls")),
]
