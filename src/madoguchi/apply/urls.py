from django.urls import URLPattern, URLResolver, path

from madoguchi.apply import linkage_views, notices_views, views

app_name = "apply"

# Fixed words come before <page_id>, so a form page cannot shadow them.
urlpatterns: list[URLPattern | URLResolver] = [
    path("start/<uuid:form_version_id>/", views.start, name="start"),
    path("mypage/", views.mypage, name="mypage"),
    path("mypage/exchanges/", linkage_views.exchanges, name="exchanges"),
    path("mypage/information/", linkage_views.information, name="information"),
    path("mypage/notices/", notices_views.inbox, name="notices"),
    path("mypage/notices/<int:notice_id>/", notices_views.notice, name="notice"),
    path("<uuid:public_id>/", views.resume, name="resume"),
    path("<uuid:public_id>/check/", views.check, name="check"),
    path("<uuid:public_id>/prefill/", linkage_views.prefill, name="prefill"),
    path("<uuid:public_id>/sign/", views.sign, name="sign"),
    path("<uuid:public_id>/submit/", views.submit, name="submit"),
    path("<uuid:public_id>/locked/", views.locked, name="locked"),
    path("<uuid:public_id>/arrival/", views.arrival, name="arrival"),
    path("<uuid:public_id>/receipt/", views.receipt, name="receipt"),
    path("<uuid:public_id>/copy.pdf", views.copy_pdf, name="copy"),
    path("<uuid:public_id>/status/", views.status, name="status"),
    path("<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<uuid:public_id>/delete/", views.delete, name="delete"),
    path("<uuid:public_id>/<slug:page_id>/", views.page, name="page"),
]
