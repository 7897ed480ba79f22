from django.contrib import admin

from madoguchi.catalog.models import LifeEvent, Offering, Procedure


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin[Procedure]):
    list_display = ("code", "name", "category", "level", "signature_required")
    list_filter = ("category", "level")
    search_fields = ("code", "name", "kana")


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin[Offering]):
    list_display = ("municipality", "procedure", "online")
    list_filter = ("online",)
    raw_id_fields = ("municipality",)


admin.site.register(LifeEvent)
