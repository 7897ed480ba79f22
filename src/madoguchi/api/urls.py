"""/api/v1/: one module per resource, each owning its urlpatterns."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from madoguchi.api import applications, forms, municipalities, procedures, reception

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    *municipalities.urlpatterns,
    *procedures.urlpatterns,
    *forms.urlpatterns,
    *applications.urlpatterns,
    *reception.urlpatterns,
]
