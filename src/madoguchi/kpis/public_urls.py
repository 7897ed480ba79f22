from django.urls import path, re_path

from madoguchi.kpis import public_views

app_name = "opendata"

urlpatterns = [
    # Mounted at opendata/. These URLs are published: keep them.
    path("", public_views.index, name="index"),
    path("catalog.csv", public_views.catalog_csv, name="catalog-csv"),
    path("catalog.json", public_views.catalog_json, name="catalog-json"),
    re_path(
        r"^(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})/(?P<name>catalog\.(?:csv|json))$",
        public_views.snapshot,
        name="snapshot",
    ),
    path("forms/<slug:procedure_code>.schema.json", public_views.form_schema, name="form-schema"),
    path("adoption/", public_views.adoption, name="adoption"),
    path("adoption/<slug:slug>.csv", public_views.adoption_csv, name="adoption-csv"),
]
