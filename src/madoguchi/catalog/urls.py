from django.urls import path

from madoguchi.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.procedure_search, name="search"),
    path("<slug:code>/", views.procedure_detail, name="detail"),
]
