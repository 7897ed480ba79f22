"""API resource module; owns its urlpatterns, included by api/urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
