from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("madoguchi.core.urls")),
    path("", include("madoguchi.municipalities.urls")),
    path("staff/", include("madoguchi.accounts.urls")),
    path("api/v1/", include("madoguchi.api.urls")),
    path("procedures/", include("madoguchi.catalog.urls")),
    path("staff/forms/", include("madoguchi.forms.urls")),
    path("forms/", include("madoguchi.forms.public_urls")),
    path("pki/", include("madoguchi.signatures.urls")),
    path("idp/", include("madoguchi.idp.urls")),
    path("signin/", include("madoguchi.signin.urls")),
    path("apply/", include("madoguchi.apply.urls")),
    path("", include("madoguchi.selfinfo.urls")),
    path("staff/notices/", include("madoguchi.notices.urls")),
    path("staff/", include("madoguchi.reception.urls")),
    path("staff/counter/", include("madoguchi.counter.urls")),
    path("", include("madoguchi.vaccinations.urls")),
    path("", include("madoguchi.campaigns.urls")),
    path("apply/mypage/public-funds-account/", include("madoguchi.publicfunds.urls")),
    path("staff/kpis/", include("madoguchi.kpis.urls")),
    path("opendata/", include("madoguchi.kpis.public_urls")),
    path(f"{settings.ADMIN_URL}", admin.site.urls),
    # The language switch: Django's set_language (POST language + next), see docs/i18n.md.
    path("i18n/", include("django.conf.urls.i18n")),
]
