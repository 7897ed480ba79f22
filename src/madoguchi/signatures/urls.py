from django.urls import URLPattern, URLResolver, path, re_path

from madoguchi.signatures import views

app_name = "signatures"

urlpatterns: list[URLPattern | URLResolver] = [
    path("crl/<slug:slug>.crl", views.crl, name="crl"),
    re_path(
        r"^ca/(?P<slug>[-\w]+)\.(?P<encoding>crt|pem)$", views.ca_certificate, name="ca-certificate"
    ),
    path("demo/cards/<slug:demo_key>.pem", views.demo_card_pem, name="demo-card"),
]
