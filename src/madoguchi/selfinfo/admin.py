"""Operators register private services here (or with `manage.py selfinfo_client_create`); the
client secret is shown once, only its hash is stored. Consents are residents' data and are not
in the admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_application_model

from madoguchi.linkage.types import Category

from .models import Service
from .services import service_register


class ServiceForm(forms.ModelForm[Service]):
    categories = forms.MultipleChoiceField(
        label=_("Data categories it may ask for"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    redirect_uris = forms.CharField(
        label=_("Redirect URIs (one per line)"), widget=forms.Textarea, required=False
    )
    confidential = forms.BooleanField(
        label=_("Confidential client (has a secret)"), required=False, initial=True
    )

    class Meta:
        model = Service
        fields = ("name", "operator", "purpose", "categories", "is_active")

    def clean_redirect_uris(self) -> str:
        """Checked here, at the field, as DOT checks them (scheme, no fragment, …)."""
        value: str = self.cleaned_data.get("redirect_uris", "")
        if self.instance.pk is None:
            if not value.split():
                raise ValidationError(_("Give at least one redirect URI."))
            application = get_application_model()(
                name="check",
                client_type="confidential",
                authorization_grant_type="authorization-code",
                redirect_uris=" ".join(value.split()),
            )
            try:
                application.clean_fields(exclude=["user", "client_secret", "client_id"])
                application.clean()
            except ValidationError as error:
                raise ValidationError(error.messages) from error
        return value


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    form = ServiceForm
    list_display = ("name", "operator", "client_id", "categories", "is_active", "created_at")
    search_fields = ("name", "operator", "application__client_id")

    @admin.display(description=_("Client ID"))
    def client_id(self, obj: Service) -> str:
        return str(obj.application.client_id)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["name", "operator", "purpose", "categories", "is_active"]
        return [*fields, "redirect_uris", "confidential"] if obj is None else fields

    def save_model(self, request: HttpRequest, obj: Service, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            registered = service_register(
                name=form.cleaned_data["name"],
                operator=form.cleaned_data["operator"],
                purpose=form.cleaned_data["purpose"],
                redirect_uris=form.cleaned_data["redirect_uris"].split(),
                categories=form.cleaned_data["categories"],
                confidential=form.cleaned_data["confidential"],
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            return
        obj.pk = registered.service.pk
        messages.warning(
            request,
            _("Client ID %(id)s; client secret (shown only now): %(secret)s")
            % {"id": registered.client_id, "secret": registered.client_secret or "—"},
        )
