from django.contrib.auth import views as auth_views
from django.urls import path

from madoguchi.accounts import staff_auth

app_name = "accounts"

# Password, then TOTP (madoguchi.accounts.staff_auth); every staff page needs both.
urlpatterns = [
    path("login/", staff_auth.StaffLoginView.as_view(), name="staff-login"),
    path("login/code/", staff_auth.otp_verify, name="staff-otp"),
    path("login/code/setup/", staff_auth.otp_setup, name="staff-otp-setup"),
    path("logout/", auth_views.LogoutView.as_view(next_page="core:home"), name="staff-logout"),
]
