from django.urls import path

from madoguchi.core import views
from madoguchi.core.env import env_bool

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]

if env_bool("BENCH_FLOOR_ENABLED", False):
    from madoguchi.core.bench_floor import floor

    urlpatterns.append(path("bench/floor", floor, name="bench-floor"))
