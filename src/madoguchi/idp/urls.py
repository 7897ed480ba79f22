from django.urls import URLPattern, URLResolver

app_name = "idp"

urlpatterns: list[URLPattern | URLResolver] = []
