"""Themes: the steps of the source's argument, with their passages and supporting records."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog.models import Theme

from .base import PublishableAdmin
from .provenance import CitationInline


@admin.register(Theme)
class ThemeAdmin(PublishableAdmin):
    list_display = ["title_zh", "title_en", "sort_order", "status"]
    list_display_links = ["title_zh", "title_en"]
    list_editable = ["sort_order"]
    list_filter = ["published"]
    search_fields = ["title_zh", "title_en", "slug", "statement_zh", "statement_en"]
    autocomplete_fields = ["cases", "metrics", "people", "quotes", "policies"]
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [CitationInline]
    fieldsets = [
        (None, {"fields": ["title_zh", "title_en", "slug", "sort_order"]}),
        (_("What the source argues"), {"fields": ["statement_zh", "statement_en"]}),
        (
            _("Records that support it"),
            {"fields": ["cases", "metrics", "people", "quotes", "policies"]},
        ),
        (_("Publication"), {"fields": ["published"]}),
    ]
