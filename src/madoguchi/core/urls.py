from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from madoguchi.core import views
from madoguchi.reception import staff_auth

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/municipalities/", views.municipality_search, name="municipality-search"),
    path("staff/", views.staff_home, name="staff-home"),
    # Password, then TOTP (madoguchi.reception.staff_auth); every staff page needs both.
    path("staff/login/", staff_auth.StaffLoginView.as_view(), name="staff-login"),
    path("staff/login/code/", staff_auth.otp_verify, name="staff-otp"),
    path("staff/login/code/setup/", staff_auth.otp_setup, name="staff-otp-setup"),
    path(
        "staff/logout/", auth_views.LogoutView.as_view(next_page="core:home"), name="staff-logout"
    ),
    path("healthz", views.healthz, name="healthz"),
]

# Refused by config/settings.py when MADOGUCHI_ENV=production.
if settings.BENCH_FLOOR_ENABLED:
    from madoguchi.core.bench_floor import floor

    urlpatterns.append(path("bench/floor", floor, name="bench-floor"))
