from django.urls import URLPattern, URLResolver

app_name = "forms"

urlpatterns: list[URLPattern | URLResolver] = []
