"""Organisations, with their funding rounds, figures and citations on the same page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog.forms import CompanyForm, FundingRoundForm
from catalog.models import Company, FundingRound

from .base import PublishableAdmin
from .images import rendition_preview
from .metrics import MetricInline
from .provenance import CitationInline


class FundingRoundInline(admin.TabularInline):
    model = FundingRound
    form = FundingRoundForm
    extra = 0
    show_change_link = True
    fields = [
        "stage",
        "sequence",
        "announced_on",
        "date_precision",
        "amount_disclosed",
        "amount_min",
        "amount_max",
        "currency",
        "ref",
    ]
    verbose_name_plural = _("funding rounds (open a round to add its investors)")


@admin.register(Company)
class CompanyAdmin(PublishableAdmin):
    form = CompanyForm
    list_display = ["name_zh", "name_en", "kind", "region", "founded", "status"]
    list_display_links = ["name_zh", "name_en"]
    list_filter = ["published", "kind", "is_named_in_source", "name_en_official", "sectors"]
    search_fields = ["name_zh", "name_zh_hans", "short_name_zh", "name_en", "slug"]
    list_select_related = ["region", "parent"]
    autocomplete_fields = ["parent", "region", "sectors"]
    prepopulated_fields = {"slug": ["name_en"]}
    date_hierarchy = "founded_on"
    readonly_fields = ["logo_preview", "created", "modified"]
    protected_by = ("policies_issued",)
    inlines = [FundingRoundInline, MetricInline, CitationInline]
    fieldsets = [
        (
            _("Names"),
            {
                "fields": [
                    "name_zh",
                    "name_zh_hans",
                    "short_name_zh",
                    ("name_en", "name_en_official"),
                    "aliases",
                    "slug",
                    "is_named_in_source",
                ]
            },
        ),
        (
            _("What and where"),
            {
                "fields": [
                    "kind",
                    "parent",
                    "region",
                    "sectors",
                    ("founded_on", "founded_precision"),
                    "website",
                ]
            },
        ),
        (_("Description"), {"fields": ["description_zh", "description_en"]}),
        (
            _("Logo"),
            {
                "description": _(
                    "JPEG, PNG or WebP, at most 5 MB and 40 megapixels. A logo needs alt text "
                    "in both languages and a credit and licence line."
                ),
                "fields": [
                    "logo",
                    ("logo_alt_zh", "logo_alt_en"),
                    "logo_credit",
                    "logo_preview",
                ],
            },
        ),
        (_("Publication"), {"fields": ["published", ("created", "modified")]}),
    ]

    @admin.display(description=_("founded"), ordering="founded_on")
    def founded(self, obj):
        return obj.founded_display or "—"

    @admin.display(description=_("logo as shown on the site"))
    def logo_preview(self, obj):
        return rendition_preview(obj.logo_rendition, obj.logo_alt_en, 160)
