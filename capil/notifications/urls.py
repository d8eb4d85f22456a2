from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.delivery_log, name="log"),
    path("subjek/<str:subject_type>/<str:subject_id>/", views.delivery_log, name="subject_log"),
    path("<int:pk>/", views.notification_detail, name="detail"),
    path("<int:pk>/kirim-ulang/", views.notification_resend_view, name="resend"),
    path("templat/", views.template_list, name="templates"),
    path("templat/<str:event>/<str:channel>/<str:language>/", views.template_edit, name="template_edit"),
    path("templat/<str:event>/<str:channel>/<str:language>/reset/", views.template_reset, name="template_reset"),
    path("dev/", views.dev_outbox, name="dev_outbox"),
]
