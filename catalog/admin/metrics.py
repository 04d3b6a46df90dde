"""Figures: on their own, and as rows on the page of the case, organisation or policy they
describe (``MetricInline``)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog import charts
from catalog.forms import MetricForm
from catalog.models import Metric

from .base import CatalogueAdmin
from .provenance import CitationInline

SUBJECTS = ("case", "company", "policy", "region", "sector")


class MetricInline(admin.StackedInline):
    model = Metric
    form = MetricForm
    extra = 0
    show_change_link = True
    fields = [
        ("label_zh", "label_en"),
        ("kind", "qualifier"),
        ("value", "value_max", "unit_zh", "unit_en"),
        ("start_year", "end_year", "sort_order"),
        "ref",
    ]
    verbose_name = _("figure")
    verbose_name_plural = _("figures (open a figure to add its citations, period and scope)")


class SubjectFilter(admin.SimpleListFilter):
    title = _("about")
    parameter_name = "subject"

    def lookups(self, request, model_admin):
        return [(name, Metric._meta.get_field(name).verbose_name) for name in SUBJECTS]

    def queryset(self, request, queryset):
        if self.value() in SUBJECTS:
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


@admin.register(Metric)
class MetricAdmin(CatalogueAdmin):
    form = MetricForm
    list_display = ["label_zh", "label_en", "value_display", "kind", "subject", "period"]
    list_filter = [SubjectFilter, "kind", "qualifier"]
    search_fields = ["label_zh", "label_en", "ref", "period_zh", "scope_zh"]
    related_search_text = tuple(f"{name}__search_text" for name in SUBJECTS)
    list_select_related = list(SUBJECTS)
    autocomplete_fields = list(SUBJECTS)
    inlines = [CitationInline]
    fieldsets = [
        (None, {"fields": ["label_zh", "label_en", "kind"]}),
        (
            _("Value"),
            {
                "fields": [
                    ("qualifier", "value", "value_max"),
                    ("stated_zh", "stated_en"),
                    ("unit_zh", "unit_en"),
                    ("baseline", "baseline_year"),
                ]
            },
        ),
        (
            _("Period and scope"),
            {
                "fields": [
                    ("start_year", "end_year"),
                    ("period_zh", "period_en"),
                    ("scope_zh", "scope_en"),
                ]
            },
        ),
        (
            _("What the figure is about"),
            {"description": _("Choose at least one."), "fields": list(SUBJECTS)},
        ),
        (_("Reference and order"), {"fields": ["ref", "sort_order"]}),
    ]

    @admin.display(description=_("value"), ordering="value")
    def value_display(self, obj):
        """The figure as the site writes it: its stated form, or its value and unit."""
        return charts.format_value(obj)

    @admin.display(description=_("about"))
    def subject(self, obj):
        for name in SUBJECTS:
            target = getattr(obj, name)
            if target is not None:
                return target
        return "—"

    @admin.display(description=_("period"), ordering="start_year")
    def period(self, obj):
        if obj.period_en or obj.period_zh:
            return obj.period_en or obj.period_zh
        years = [str(year) for year in (obj.start_year, obj.end_year) if year]
        return "–".join(dict.fromkeys(years)) or "—"
