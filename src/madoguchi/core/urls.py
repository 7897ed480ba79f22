from django.conf import settings
from django.urls import path

from madoguchi.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]

# Refused by config/settings.py when MADOGUCHI_ENV=production.
if settings.BENCH_FLOOR_ENABLED:
    from madoguchi.core.bench_floor import floor

    urlpatterns.append(path("bench/floor", floor, name="bench-floor"))
