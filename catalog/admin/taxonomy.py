"""Reference data: the sector tree and the region tree.

Deleting a sector or region that anything still uses is refused (``protected_by``): rows that
point to them through a foreign key are protected by the database, and the many-to-many uses
listed here are checked by the admin.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from catalog.models import Region, Sector

from .base import CatalogueAdmin


class SectorLevelFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("top", _("Top-level sectors")), ("sub", _("Sub-sectors"))]

    def queryset(self, request, queryset):
        if self.value() == "top":
            return queryset.filter(parent__isnull=True)
        if self.value() == "sub":
            return queryset.filter(parent__isnull=False)
        return queryset


@admin.register(Sector)
class SectorAdmin(CatalogueAdmin):
    list_display = ["name_zh", "name_en", "kind", "parent", "sort_order", "companies_count"]
    list_editable = ["sort_order"]
    list_filter = [SectorLevelFilter, "kind"]
    search_fields = ["name_zh", "name_zh_hans", "name_en", "slug"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name_en"]}
    protected_by = ("companies", "cases", "policies", "quotes")
    fieldsets = [
        (None, {"fields": ["name_zh", "name_zh_hans", "name_en", "slug"]}),
        (
            _("Place in the tree"),
            {
                "description": _(
                    "Two levels: a top-level sector, and sub-sectors whose parent is a "
                    "top-level sector."
                ),
                "fields": ["parent", "kind", "sort_order"],
            },
        ),
        (_("Description"), {"fields": ["description_zh", "description_en"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(companies_count=Count("companies"))
        # An aggregate drops Meta.ordering; keep it for the autocomplete's pagination.
        return queryset.order_by(*Sector._meta.ordering)

    @admin.display(description=_("organisations"), ordering="companies_count")
    def companies_count(self, obj):
        return obj.companies_count


@admin.register(Region)
class RegionAdmin(CatalogueAdmin):
    list_display = ["name_zh", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name_zh", "name_zh_hans", "name_en", "slug"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name_en"]}
    protected_by = ("cases", "policies")
    fieldsets = [
        (None, {"fields": ["name_zh", "name_zh_hans", "name_en", "slug"]}),
        (
            _("Place in the tree"),
            {
                "description": _(
                    "A province sits at the top; a city under a province (or at the top); "
                    "a county or district under a city or province."
                ),
                "fields": ["level", "parent"],
            },
        ),
        (_("Description"), {"fields": ["description_zh", "description_en"]}),
    ]
