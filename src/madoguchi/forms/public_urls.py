from django.urls import URLPattern, URLResolver

app_name = "forms_public"

urlpatterns: list[URLPattern | URLResolver] = []
