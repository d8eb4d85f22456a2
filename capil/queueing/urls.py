from django.urls import path

from . import views

app_name = "queueing"
urlpatterns = [
    # Public: the waiting-room display and the KTP-el recording booking (no account).
    path("layar/", views.display, name="display"),
    path("layar/data.json", views.display_data, name="display_data"),
    path("ktp-el/", views.booking_start, name="booking_start"),
    path("ktp-el/jadwal/", views.booking_slot, name="booking_slot"),
    path("ktp-el/pernyataan/", views.booking_confirm, name="booking_confirm"),
    path("ktp-el/nomor/", views.booking_done, name="booking_done"),
    path("kelola/<str:token>/", views.booking_manage, name="booking_manage"),
    path("kelola/<str:token>/batal/", views.booking_cancel, name="booking_cancel"),
    path("kelola/<str:token>/ubah/", views.booking_reschedule, name="booking_reschedule"),
    # Staff.
    path("loket/", views.counter_list, name="counter_list"),
    path("loket/<int:pk>/", views.counter_screen, name="counter_screen"),
    path("loket/<int:pk>/<str:action>/", views.counter_action, name="counter_action"),
    path("ambil/", views.ticket_take, name="ticket_take"),
    path("tiket/<int:pk>/", views.ticket_print, name="ticket_print"),
    path("ktp-el/hadir/", views.booking_check_in, name="booking_check_in"),
    path("ktp-el/antrian/<int:pk>/", views.booking_staff_detail, name="booking_staff_detail"),
    path("pengambilan/", views.pickup_list, name="pickup_list"),
    path("pengambilan/<int:pk>/", views.pickup_hand_over, name="pickup_hand_over"),
    path("statistik/", views.statistics, name="statistics"),
    path("kuota/", views.capacity, name="capacity"),
    path("loket-layanan/", views.intake_start, name="intake_start"),
    path("loket-layanan/<int:pk>/", views.intake_detail, name="intake_detail"),
    path("loket-layanan/<int:pk>/tanda-terima/", views.intake_receipt, name="intake_receipt"),
    path("status/<str:token>/", views.application_status, name="application_status"),
]
