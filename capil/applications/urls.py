from django.urls import path

from . import office, views

app_name = "applications"
urlpatterns = [
    # Citizen pages
    path("permohonan/", views.mine, name="mine"),
    path("permohonan/baru/", views.choose, name="choose"),
    path("permohonan/baru/<slug:slug>/", views.start, name="start"),
    path("permohonan/<int:pk>/", views.detail, name="detail"),
    path("permohonan/<int:pk>/formulir/", views.edit, name="edit"),
    path("permohonan/<int:pk>/berkas/", views.uploads, name="uploads"),
    path("permohonan/<int:pk>/berkas/<slug:slot>/unggah/", views.upload, name="upload"),
    path("permohonan/<int:pk>/berkas/file/<int:upload_pk>/", views.upload_file, name="upload_file"),
    path("permohonan/<int:pk>/ajukan/", views.submit, name="submit"),
    path("permohonan/<int:pk>/batalkan/", views.withdraw, name="withdraw"),
    path("permohonan/<int:pk>/dokumen/", views.document, name="document"),
    # Back office
    path("kantor/antrean/", office.queue, name="queue"),
    path("kantor/permohonan/<int:pk>/", office.office_detail, name="office_detail"),
    path("kantor/permohonan/<int:pk>/berkas/<int:upload_pk>/", office.office_viewer, name="office_viewer"),
    path("kantor/permohonan/<int:pk>/berkas/<int:upload_pk>/gambar/", office.office_file, name="office_file"),
    path("kantor/permohonan/<int:pk>/berkas/<int:upload_pk>/periksa/", office.review, name="review"),
    path("kantor/permohonan/<int:pk>/klaim/", office.claim, name="claim"),
    path("kantor/permohonan/<int:pk>/alihkan/", office.reassign, name="reassign"),
    path("kantor/permohonan/<int:pk>/tindakan/", office.act, name="act"),
    path("kantor/permohonan/<int:pk>/entri-data/", office.data_entry, name="data_entry"),
    path("kantor/tandatangan/", office.sign_batch, name="sign_batch"),
    path("kantor/sla/", office.sla, name="sla"),
    path("kantor/sla/terlambat/", office.sla_late, name="sla_late"),
]
