"""/api/v1/: one module per resource, each owning its urlpatterns."""

from typing import Any

from django.urls import path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.views import APIView

from madoguchi.api import (
    applications,
    callbacks,
    forms,
    municipalities,
    procedures,
    reception,
    self_info,
)
from madoguchi.api.problems import ApiProblem


@extend_schema(exclude=True)
class NoSuchEndpoint(APIView):
    """Any other path under /api/v1/: a problem document, not Django's HTML 404 page."""

    authentication_classes = []
    permission_classes = []

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        raise ApiProblem(
            status_code=404,
            code="not-found",
            title=_("There is no such API endpoint."),
            detail=_("Check the path against the API documentation at /api/v1/docs/."),
        )


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
    *callbacks.urlpatterns,
    *reception.urlpatterns,
    *self_info.urlpatterns,
    # Last: what no pattern above matched (e.g. an application id of the wrong shape).
    re_path(r"^[\s\S]*$", NoSuchEndpoint.as_view(), name="no-such-endpoint"),
]
