from django.urls import path

from . import views

app_name = "publicfunds"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("edit/", views.edit, name="edit"),
    path("sign/", views.sign, name="sign"),
    path("remove/", views.remove, name="remove"),
]
