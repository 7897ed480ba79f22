from django.contrib import admin

from madoguchi.municipalities.models import Municipality


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin[Municipality]):
    list_display = ("code", "name", "kana", "kind", "prefecture")
    list_filter = ("kind", "prefecture")
    search_fields = ("code", "name", "kana")
    readonly_fields = ("search_key",)
