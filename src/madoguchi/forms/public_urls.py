from django.urls import path

from madoguchi.forms import public_views

app_name = "forms_public"

urlpatterns = [
    path("<uuid:form_version_id>/", public_views.form_version_page, name="form-version"),
]
