from django.urls import path

from madoguchi.kpis import views

app_name = "kpis"

urlpatterns = [
    # Mounted at staff/kpis/.
    path("", views.dashboard, name="dashboard"),
    path("figures/<slug:slug>.csv", views.dashboard_csv, name="dashboard-csv"),
    path("counter/", views.counter, name="counter"),
    path("counter/upload/", views.counter_upload, name="counter-upload"),
    path("counter/confirm/", views.counter_confirm, name="counter-confirm"),
    path("adoption/", views.adoption, name="adoption"),
    path("adoption/<slug:slug>.csv", views.adoption_csv, name="adoption-csv"),
]
