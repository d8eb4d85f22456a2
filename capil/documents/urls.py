from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("verifikasi/", views.verify, name="verify"),
    path("verifikasi/unggah/", views.verify_upload, name="verify_upload"),
    path("verifikasi/<str:code>/", views.verify_code, name="verify_code"),
    path("dokumen/", views.register, name="register"),
    path("dokumen/templat/", views.templates_list, name="templates"),
    path("dokumen/templat/<slug:slug>/", views.template_edit, name="template_edit"),
    path("dokumen/templat/<slug:slug>/pratinjau/", views.template_preview, name="template_preview"),
    path("dokumen/<uuid:pk>/", views.detail, name="detail"),
    path("dokumen/<uuid:pk>/unduh/", views.download, name="download"),
    path("dokumen/<uuid:pk>/cabut/", views.revoke, name="revoke"),
]
