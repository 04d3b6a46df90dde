"""Policies, with their targets (figures) and citations on the policy's page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog.models import Policy

from .base import PublishableAdmin
from .metrics import MetricInline
from .provenance import CitationInline


class PolicyTargetInline(MetricInline):
    verbose_name = _("target")
    verbose_name_plural = _("targets the policy sets")


@admin.register(Policy)
class PolicyAdmin(PublishableAdmin):
    list_display = ["title_zh", "title_en", "level", "date", "status"]
    list_display_links = ["title_zh", "title_en"]
    list_filter = ["published", "level", "sectors"]
    search_fields = ["title_zh", "title_en", "slug", "issuer_note_zh", "issuer_note_en"]
    autocomplete_fields = ["issuers", "sectors", "regions", "cases"]
    prepopulated_fields = {"slug": ["title_en"]}
    date_hierarchy = "issued_on"
    inlines = [PolicyTargetInline, CitationInline]
    fieldsets = [
        (None, {"fields": ["title_zh", "title_en", "slug", "level"]}),
        (
            _("Issued by"),
            {
                "fields": [
                    "issuers",
                    ("issuer_note_zh", "issuer_note_en"),
                    ("issued_on", "date_precision"),
                ]
            },
        ),
        (_("Summary"), {"fields": ["summary_zh", "summary_en"]}),
        (_("Related records"), {"fields": ["sectors", "regions", "cases"]}),
        (_("Publication"), {"fields": ["published"]}),
    ]

    @admin.display(description=_("date"), ordering="issued_on")
    def date(self, obj):
        return obj.date_display or "—"
