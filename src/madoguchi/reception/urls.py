from django.urls import URLPattern, URLResolver, path

from madoguchi.reception import linkage_views, views

app_name = "reception"

_app = "reception/applications/<str:receipt_number>/"

urlpatterns: list[URLPattern | URLResolver] = [
    # Mounted at staff/: the staff home, then the console under reception/.
    path("", views.staff_home, name="staff-home"),
    path("reception/", views.inbox, name="inbox"),
    path("reception/bulk/", views.bulk_status, name="bulk"),
    path(_app, views.detail, name="detail"),
    path(f"{_app}status/", views.status_change, name="status"),
    path(f"{_app}comments/", views.comment_add, name="comment"),
    path(f"{_app}assign/", views.assign, name="assign"),
    path(f"{_app}hold/", views.legal_hold, name="hold"),
    path(f"{_app}linkage/", linkage_views.inquiry, name="linkage-inquiry"),
    path(
        f"{_app}attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("reception/export/", views.export_page, name="export"),
    path("reception/export/check/", views.export_report, name="export-report"),
    path("reception/export/<slug:fmt>/", views.export_download, name="export-download"),
    path("reception/audit/", views.audit_search, name="audit"),
    path("reception/webhooks/", views.webhooks, name="webhooks"),
    path(
        "reception/webhooks/deliveries/<int:delivery_id>/resend/",
        views.webhook_resend,
        name="resend",
    ),
]
