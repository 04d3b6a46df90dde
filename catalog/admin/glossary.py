"""The glossary that corrects the phrase conversion of the stored Chinese (catalog/chinese.py)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog import chinese
from catalog.models import GlossaryEntry

from .base import CatalogueAdmin


@admin.register(GlossaryEntry)
class GlossaryEntryAdmin(CatalogueAdmin):
    list_display = ["source", "simplified", "traditional", "converter_alone"]
    search_fields = ["source", "simplified", "traditional", "note"]
    fields = ["source", "simplified", "traditional", "note"]

    @admin.display(description=_("conversion without the entry"))
    def converter_alone(self, obj):
        return chinese.render(obj.source, chinese.HANS, entries=chinese.EMPTY)
