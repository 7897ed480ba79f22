from django.urls import path

from madoguchi.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.index, name="index"),
    path("templates/", views.templates, name="templates"),
    path("templates/<str:code>/", views.template_edit, name="template-edit"),
    path("send/", views.send, name="send"),
    path("send/confirm/", views.send_confirmed, name="send-confirmed"),
]
