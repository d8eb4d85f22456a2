from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/periksa-segel/", views.recheck, name="recheck"),
    path("<int:pk>/manifest.json", views.manifest, name="manifest"),
]
