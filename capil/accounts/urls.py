from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.signin, name="login"),
    path("keluar/", views.signout, name="logout"),
    path("daftar/", views.register, name="register"),
    path("verifikasi/", views.verification, name="verification"),
    path("verifikasi/kirim-ulang-sms/", views.phone_code_resend, name="phone_code_resend"),
    path("verifikasi/kirim-ulang-email/", views.email_link_resend, name="email_link_resend"),
    path("verifikasi/email/<str:token>/", views.email_verify, name="email_verify"),
    path("lupa-sandi/", views.password_reset, name="password_reset"),
    path("lupa-sandi/kode/", views.password_reset_code, name="password_reset_code"),
    path("lupa-sandi/<str:uidb64>/<str:token>/", views.password_reset_link, name="password_reset_link"),
    path("profil/", views.profile, name="profile"),
    path("profil/sandi/", views.password_change, name="password_change"),
    path("profil/hp/", views.phone_change, name="phone_change"),
    path("profil/hp/konfirmasi/", views.phone_change_confirm, name="phone_change_confirm"),
    path("profil/hp/kirim-ulang/", views.phone_change_resend, name="phone_change_resend"),
    path("profil/hp/batal/", views.phone_change_cancel, name="phone_change_cancel"),
    path("profil/email/", views.email_change, name="email_change"),
    path("profil/email/kirim-ulang/", views.email_change_resend, name="email_change_resend"),
    path("profil/email/batal/", views.email_change_cancel, name="email_change_cancel"),
    path("data-saya/", views.my_data, name="my_data"),
    path("data-saya/unduh/", views.my_data_download, name="my_data_download"),
    path("data-saya/tutup-akun/", views.account_close, name="account_close"),
    path("faktor-kedua/", views.second_factor, name="second_factor"),
    path("faktor-kedua/status/", views.second_factor_status, name="second_factor_status"),
    path("staf/", views.staff_list, name="staff_list"),
    path("staf/baru/", views.staff_create, name="staff_create"),
    path("staf/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staf/<int:pk>/aktif/", views.staff_set_active, name="staff_set_active"),
    path("staf/<int:pk>/reset-faktor-kedua/", views.staff_second_factor_reset, name="staff_second_factor_reset"),
]
