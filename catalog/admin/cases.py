"""Cases, with the organisations' roles, figures, citations and quotes on the case's page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog.forms import CaseForm
from catalog.models import Case, CaseCompany, Quote
from catalog.models.common import record_version

from .base import CatalogueAdmin, PublishableAdmin
from .images import rendition_preview
from .metrics import MetricInline
from .provenance import CitationInline


class CaseCompanyInline(admin.TabularInline):
    model = CaseCompany
    extra = 0
    fields = ["company", "role", "note_zh", "note_en"]
    autocomplete_fields = ["company"]
    verbose_name = _("organisation")
    verbose_name_plural = _("organisations and their roles in the case")


# Rows of the auto-created link table would be captioned "Quote_cases object (3)"; the quote
# itself is shown in the row's search box, so the caption is left empty.
Quote.cases.through.__str__ = lambda link: ""


class CaseQuoteInline(admin.TabularInline):
    model = Quote.cases.through
    extra = 0
    autocomplete_fields = ["quote"]
    verbose_name = _("quote")
    verbose_name_plural = _("quotes about this case")


@admin.register(Case)
class CaseAdmin(PublishableAdmin):
    form = CaseForm
    list_display = ["title_zh", "title_en", "case_type", "track", "years", "status"]
    list_display_links = ["title_zh", "title_en"]
    list_filter = [
        "published",
        "case_type",
        "track",
        "lever_digital",
        "lever_intelligent",
        "lever_green",
        "change_new_manufacturing",
        "change_new_services",
        "change_new_business_forms",
        "sectors",
    ]
    search_fields = ["title_zh", "title_en", "slug"]
    autocomplete_fields = ["sectors", "regions"]
    prepopulated_fields = {"slug": ["title_en"]}
    readonly_fields = ["cover_preview", "created", "modified"]
    inlines = [CaseCompanyInline, MetricInline, CitationInline, CaseQuoteInline]
    fieldsets = [
        (None, {"fields": ["title_zh", "title_en", "slug", ("case_type", "track")]}),
        (_("Summary"), {"fields": ["summary_zh", "summary_en"]}),
        (_("Period"), {"fields": [("start_year", "end_year")]}),
        (
            _("Kind of change"),
            {
                "fields": [
                    ("lever_digital", "lever_intelligent", "lever_green"),
                    (
                        "change_new_manufacturing",
                        "change_new_services",
                        "change_new_business_forms",
                    ),
                ]
            },
        ),
        (_("Sectors and regions"), {"fields": ["sectors", "regions"]}),
        (
            _("Cover image"),
            {
                "description": _(
                    "JPEG, PNG or WebP, at most 5 MB and 40 megapixels. A cover needs alt text "
                    "in both languages and a credit and licence line."
                ),
                "fields": [
                    "cover",
                    ("cover_alt_zh", "cover_alt_en"),
                    "cover_credit",
                    "cover_preview",
                ],
            },
        ),
        (_("Publication"), {"fields": ["published", ("created", "modified")]}),
    ]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Quote.cases.through:
            self.record_quote_versions(request, formset)

    def record_quote_versions(self, request, formset):
        """Links made on the case's page are saved as rows of the link table, which leaves the
        quotes' history unaware of them: write a version of each quote whose cases changed."""
        links = [
            *formset.new_objects,
            *(link for link, _fields in formset.changed_objects),
            *formset.deleted_objects,
        ]
        quote_ids = {link.quote_id for link in links}
        # A row pointed at another quote: the quote it left changed too.
        quote_ids.update(
            form.initial["quote"]
            for form in formset.initial_forms
            if "quote" in form.changed_data and form.initial.get("quote")
        )
        for quote in Quote.objects.filter(pk__in=quote_ids):
            quote._history_user = request.user
            record_version(quote)

    @admin.display(description=_("years"), ordering="start_year")
    def years(self, obj):
        years = [str(year) for year in (obj.start_year, obj.end_year) if year]
        return "–".join(dict.fromkeys(years)) or "—"

    @admin.display(description=_("cover as shown on the site"))
    def cover_preview(self, obj):
        return rendition_preview(obj.cover_rendition, obj.cover_alt_en, 320)


@admin.register(CaseCompany)
class CaseCompanyAdmin(CatalogueAdmin):
    list_display = ["case", "company", "role"]
    list_filter = ["role"]
    search_fields = ["note_zh", "note_en"]
    related_search_text = ("case__search_text", "company__search_text")
    list_select_related = ["case", "company"]
    autocomplete_fields = ["case", "company"]
    fields = ["case", "company", "role", "note_zh", "note_en"]
