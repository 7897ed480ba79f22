from django.contrib.auth import views as auth_views
from django.urls import path

from madoguchi.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/municipalities/", views.municipality_search, name="municipality-search"),
    path("staff/", views.staff_home, name="staff-home"),
    path(
        "staff/login/",
        auth_views.LoginView.as_view(
            template_name="core/staff_login.html", redirect_authenticated_user=True
        ),
        name="staff-login",
    ),
    path(
        "staff/logout/", auth_views.LogoutView.as_view(next_page="core:home"), name="staff-logout"
    ),
    path("healthz", views.healthz, name="healthz"),
]
