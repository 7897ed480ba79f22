from django.urls import path

from madoguchi.municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("search/municipalities/", views.municipality_search, name="search"),
]
