from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("layanan/<slug:slug>/", views.service_detail, name="service_detail"),
    path("layanan/<slug:slug>/standar-pelayanan/", views.standard, name="standard"),
]
