from django.urls import URLPattern, URLResolver, path

from madoguchi.signin import views

app_name = "signin"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.start, name="start"),
    path("callback/", views.callback, name="callback"),
    path("logout/", views.sign_out, name="logout"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("me/", views.status, name="status"),
]
