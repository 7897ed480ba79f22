from django.urls import URLPattern, URLResolver, path

from madoguchi.campaigns import views

app_name = "campaigns"

urlpatterns: list[URLPattern | URLResolver] = [
    # Resident
    path("benefits/", views.mine, name="mine"),
    path("benefits/<uuid:public_id>/", views.confirm, name="confirm"),
    path("benefits/<uuid:public_id>/sign/", views.sign, name="sign"),
    # Staff
    path("staff/campaigns/", views.staff_list, name="staff-list"),
    path("staff/campaigns/new/", views.staff_edit, name="staff-new"),
    path("staff/campaigns/<uuid:public_id>/", views.staff_detail, name="staff-detail"),
    path("staff/campaigns/<uuid:public_id>/edit/", views.staff_edit, name="staff-edit"),
    path("staff/campaigns/<uuid:public_id>/jobs/<str:kind>/", views.staff_job, name="staff-job"),
    path(
        "staff/campaigns/<uuid:public_id>/approvals/",
        views.staff_approval_request,
        name="staff-approval-request",
    ),
    path(
        "staff/campaigns/<uuid:public_id>/approvals/<int:batch_id>/confirm/",
        views.staff_approval_confirm,
        name="staff-approval-confirm",
    ),
    path(
        "staff/campaigns/<uuid:public_id>/payment-files/",
        views.staff_payment_file,
        name="staff-payment-file",
    ),
    path(
        "staff/campaigns/<uuid:public_id>/payment-files/<uuid:file_id>/",
        views.staff_payment_download,
        name="staff-payment-download",
    ),
    path("staff/campaigns/<uuid:public_id>/unpaid/", views.staff_unpaid, name="staff-unpaid"),
    path("staff/campaigns/<uuid:public_id>/flags/", views.staff_flags, name="staff-flags"),
    path(
        "staff/campaigns/<uuid:public_id>/flags/<int:entitlement_id>/",
        views.staff_flag_decide,
        name="staff-flag-decide",
    ),
    path(
        "staff/campaigns/<uuid:public_id>/approvals/<int:batch_id>/withdraw/",
        views.staff_approval_withdraw,
        name="staff-approval-withdraw",
    ),
    path(
        "staff/campaigns/<uuid:public_id>/payment-files/<uuid:file_id>/cancel/",
        views.staff_payment_cancel,
        name="staff-payment-cancel",
    ),
    path(
        "staff/campaigns/<uuid:public_id>/payment-files/<uuid:file_id>/sent/",
        views.staff_payment_sent,
        name="staff-payment-sent",
    ),
]
