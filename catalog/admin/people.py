"""People, with their statements and citations on the person's page, and quotes on their own."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog.forms import QuoteForm
from catalog.models import Person, Quote

from .base import CatalogueAdmin, PublishableAdmin, text_preview
from .provenance import SHORT_TEXT, CitationInline


class PersonQuoteInline(admin.StackedInline):
    model = Quote
    form = QuoteForm
    extra = 0
    show_change_link = True
    fields = [("kind", "sort_order"), "text_zh", "text_en", "ref"]
    formfield_overrides = SHORT_TEXT
    verbose_name = _("statement")
    verbose_name_plural = _("statements (open one to link it to cases and organisations)")


@admin.register(Person)
class PersonAdmin(PublishableAdmin):
    list_display = ["name_zh", "name_en", "role", "organisation", "is_pseudonym", "status"]
    list_display_links = ["name_zh", "name_en"]
    list_filter = ["published", "is_pseudonym"]
    search_fields = ["name_zh", "name_zh_hans", "name_en", "slug", "role_zh", "role_en"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [PersonQuoteInline, CitationInline]
    fieldsets = [
        (None, {"fields": ["name_zh", "name_zh_hans", "name_en", "slug", "is_pseudonym"]}),
        (_("Role"), {"fields": ["role_zh", "role_en", "organisation"]}),
        (_("Publication"), {"fields": ["published"]}),
    ]

    @admin.display(description=_("role"), ordering="role_en")
    def role(self, obj):
        return text_preview(obj.role_en or obj.role_zh, 60)


@admin.register(Quote)
class QuoteAdmin(CatalogueAdmin):
    form = QuoteForm
    list_display = ["preview", "person", "kind"]
    list_filter = ["kind"]
    search_fields = ["text_zh", "text_en", "ref"]
    related_search_text = ("person__search_text",)
    list_select_related = ["person"]
    autocomplete_fields = ["person", "also_attributed", "companies", "cases", "sectors", "policies"]
    inlines = [CitationInline]
    fieldsets = [
        (None, {"fields": ["person", "kind", "text_zh", "text_en"]}),
        (
            _("A statement of several people"),
            {"fields": ["also_attributed", "speakers_zh", "speakers_en"]},
        ),
        (_("What it is about"), {"fields": ["companies", "cases", "sectors", "policies"]}),
        (_("Reference and order"), {"fields": ["ref", "sort_order"]}),
    ]

    @admin.display(description=_("statement"))
    def preview(self, obj):
        return text_preview(obj.text_zh, 60)
