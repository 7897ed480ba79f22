from django.urls import URLPattern, URLResolver, path

from madoguchi.vaccinations import views

app_name = "vaccinations"

urlpatterns: list[URLPattern | URLResolver] = [
    # Clinic
    path("staff/vaccinations/clinic/", views.clinic_home, name="clinic"),
    path("staff/vaccinations/clinic/uploads/<uuid:public_id>/", views.upload_detail, name="upload"),
    path(
        "staff/vaccinations/clinic/uploads/<uuid:public_id>/import/",
        views.upload_import,
        name="upload-import",
    ),
    path(
        "staff/vaccinations/clinic/uploads/<uuid:public_id>/discard/",
        views.upload_discard,
        name="upload-discard",
    ),
    # Staff console
    path("staff/vaccinations/", views.staff_home, name="staff-home"),
    path(
        "staff/vaccinations/residents/<uuid:subject>/", views.staff_resident, name="staff-resident"
    ),
    path(
        "staff/vaccinations/residents/<uuid:subject>/voucher/",
        views.staff_voucher,
        name="staff-voucher",
    ),
    path(
        "staff/vaccinations/residents/<uuid:subject>/records/",
        views.staff_record_add,
        name="staff-record-add",
    ),
    path(
        "staff/vaccinations/residents/<uuid:subject>/transfer/",
        views.staff_transfer_request,
        name="staff-transfer-request",
    ),
    path(
        "staff/vaccinations/records/<uuid:public_id>/correct/",
        views.staff_record_correct,
        name="staff-record-correct",
    ),
    path(
        "staff/vaccinations/records/<uuid:public_id>/void/",
        views.staff_record_void,
        name="staff-record-void",
    ),
    path("staff/vaccinations/transfers/", views.staff_transfers, name="staff-transfers"),
    path(
        "staff/vaccinations/transfers/<uuid:public_id>/",
        views.staff_transfer,
        name="staff-transfer",
    ),
    path("staff/vaccinations/counts/", views.staff_counts, name="staff-counts"),
    path("staff/vaccinations/records.csv", views.staff_export, name="staff-export"),
    # Resident
    path("vaccinations/", views.mine, name="mine"),
    path("vaccinations/certificates/<uuid:public_id>/", views.certificate, name="certificate"),
    path(
        "vaccinations/certificates/<uuid:public_id>/qr.svg",
        views.certificate_qr,
        name="certificate-qr",
    ),
    path(
        "vaccinations/certificates/<uuid:public_id>/certificate.pdf",
        views.certificate_pdf,
        name="certificate-pdf",
    ),
    # Public
    path("vaccinations/verify/", views.verify_page, name="verify"),
    path(
        "vaccinations/issuers/<str:municipality_code>/.well-known/jwks.json",
        views.jwks,
        name="jwks",
    ),
]
