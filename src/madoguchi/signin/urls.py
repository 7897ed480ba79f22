from django.urls import URLPattern, URLResolver

app_name = "signin"

urlpatterns: list[URLPattern | URLResolver] = []
