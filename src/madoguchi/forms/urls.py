from django.urls import path

from madoguchi.forms import views

app_name = "forms"

_form = "<str:municipality_code>/<slug:procedure_code>/"

urlpatterns = [
    path("", views.form_list, name="list"),
    path(f"{_form}adopt/", views.form_adopt, name="adopt"),
    path(_form, views.form_detail, name="detail"),
    path(f"{_form}items/add/", views.form_item_add, name="item-add"),
    path(f"{_form}items/<str:item_code>/", views.form_item_edit, name="item-edit"),
    path(f"{_form}limit/", views.form_limit, name="limit"),
    path(f"{_form}retention/", views.form_retention, name="retention"),
    path(f"{_form}notes/", views.form_notes, name="notes"),
    path(f"{_form}preview/", views.form_preview, name="preview"),
    path(f"{_form}publish/", views.form_publish, name="publish"),
    path(f"{_form}rebase/", views.form_rebase, name="rebase"),
]
