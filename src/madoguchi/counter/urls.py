from django.urls import URLPattern, URLResolver, path

from madoguchi.counter import views

app_name = "counter"

# Mounted at staff/counter/. Fixed words come before <page_id>, so a form page cannot shadow them.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("residents/<uuid:subject>/", views.resident, name="resident"),
    path("residents/<uuid:subject>/start/<uuid:form_version_id>/", views.start, name="start"),
    path("<uuid:public_id>/check/", views.check, name="check"),
    path("<uuid:public_id>/sign/", views.sign, name="sign"),
    path("<uuid:public_id>/paper/", views.paper, name="paper"),
    path("<uuid:public_id>/done/", views.done, name="done"),
    path("<uuid:public_id>/<slug:page_id>/", views.page, name="page"),
]
