from django.urls import URLPattern, URLResolver, path

from madoguchi.reception import views

app_name = "reception"

_app = "applications/<str:receipt_number>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.inbox, name="inbox"),
    path("bulk/", views.bulk_status, name="bulk"),
    path(_app, views.detail, name="detail"),
    path(f"{_app}status/", views.status_change, name="status"),
    path(f"{_app}comments/", views.comment_add, name="comment"),
    path(f"{_app}assign/", views.assign, name="assign"),
    path(
        f"{_app}attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("export/", views.export_page, name="export"),
    path("export/check/", views.export_report, name="export-report"),
    path("export/<slug:fmt>/", views.export_download, name="export-download"),
    path("audit/", views.audit_search, name="audit"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/deliveries/<int:delivery_id>/resend/", views.webhook_resend, name="resend"),
]
