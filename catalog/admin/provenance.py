"""Sources and the citations that tie a record to the exact words of a source.

``CitationInline`` sits on the page of every fact-bearing record (organisation, case, figure,
funding round, investment, policy, person, quote): Django finds the one foreign key from Citation
to that record, so the same inline serves them all.
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from catalog.forms import CitationForm
from catalog.models import CITATION_TARGET_FIELDS, Citation, Source

from .base import CatalogueAdmin, text_preview

SHORT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}


def sole_source_id():
    ids = list(Source.objects.values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


class CitationInline(admin.StackedInline):
    model = Citation
    form = CitationForm
    extra = 0
    fields = [("source", "sort_order"), "quote", "quote_en", "ref"]
    autocomplete_fields = ["source"]
    formfield_overrides = SHORT_TEXT
    verbose_name = _("citation")
    verbose_name_plural = _("citations (the verbatim passages this record rests on)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "source" and "initial" not in kwargs:
            kwargs["initial"] = sole_source_id()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TargetKindFilter(admin.SimpleListFilter):
    title = _("supports")
    parameter_name = "target"

    def lookups(self, request, model_admin):
        return [
            (name, Citation._meta.get_field(name).verbose_name) for name in CITATION_TARGET_FIELDS
        ]

    def queryset(self, request, queryset):
        if self.value() in CITATION_TARGET_FIELDS:
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


@admin.register(Source)
class SourceAdmin(CatalogueAdmin):
    list_display = ["title", "publication", "author", "date_display", "language", "citation_count"]
    list_filter = ["publication", "language"]
    search_fields = ["title", "title_en", "publication", "author", "editor", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["publication", "title", "title_en", "slug", "language", "url"]}),
        (
            _("People and date"),
            {
                "fields": [
                    "author",
                    "editor",
                    ("contributors", "contributors_zh"),
                    ("published_on", "date_precision"),
                ]
            },
        ),
        (_("Note"), {"fields": ["note", "note_zh"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(citation_count=Count("citations"))
        # An aggregate drops Meta.ordering; keep it for the autocomplete's pagination.
        return queryset.order_by(*Source._meta.ordering)

    @admin.display(description=_("date"), ordering="published_on")
    def date_display(self, obj):
        return obj.date_display

    @admin.display(description=_("citations"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count


@admin.register(Citation)
class CitationAdmin(CatalogueAdmin):
    form = CitationForm
    list_display = ["ref", "quote_preview", "supports", "source"]
    list_filter = [TargetKindFilter, "source"]
    search_fields = ["quote", "quote_en", "ref"]
    related_search_text = (
        "company__search_text",
        "case__search_text",
        "policy__search_text",
        "person__search_text",
        "quote_record__search_text",
    )
    list_select_related = ["source", *CITATION_TARGET_FIELDS]
    autocomplete_fields = ["source", *CITATION_TARGET_FIELDS]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 80})}
    }
    fieldsets = [
        (None, {"fields": ["source", "quote", "quote_en"]}),
        (
            _("What it supports"),
            {
                "description": _("Choose exactly one record."),
                "fields": list(CITATION_TARGET_FIELDS),
            },
        ),
        (_("Reference and order"), {"fields": ["ref", "sort_order"]}),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "source" and "initial" not in kwargs:
            kwargs["initial"] = sole_source_id()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("quote"))
    def quote_preview(self, obj):
        return text_preview(obj.quote)

    @admin.display(description=_("supports"))
    def supports(self, obj):
        names = obj.targets()
        if not names:
            return "—"
        field = Citation._meta.get_field(names[0])
        return f"{field.verbose_name}: {getattr(obj, names[0])}"
