"""The FilterSets behind the list pages: one per list, each field a facet or a range.

Every filter narrows the queryset with ``pk__in`` subqueries or plain lookups, so rows are never
duplicated and the facet counts (catalog.facets) can re-apply all filters but one.
"""

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from . import models, tree_index
from .facets import Choices, Flags, Linked, Related, Tree, YesNo, faceted
from .models import MAX_YEAR, MIN_YEAR
from .models.closure import TreeMembership
from .search import MAX_QUERY_LENGTH, MAX_TERMS, NO_TERMS_MESSAGE, UNSEARCHABLE_MESSAGE, parse_query
from .search_index import matching

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,120}$")
WHOLE_NUMBER = re.compile(r"^\s*[-+]?[0-9]+\s*$")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def visible_companies(request):
    """The organisations a filter may offer: published ones, and drafts too for staff."""
    user = getattr(request, "user", None)
    if user is None:
        return models.Company.objects.published()
    return models.Company.objects.visible_to(user)


def visible_themes(request):
    """The themes a filter may offer: published ones, and drafts too for staff."""
    return models.Theme.objects.visible_to(getattr(request, "user", None))


class SlugMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Choices named by slug; a value that cannot be a slug is refused without a query.

    ``known`` (slug -> row), when the page has already fetched the rows, validates without a query.
    After validation ``found`` maps each valid slug given to its row, even when another value
    given was refused, so that the page can name the rows chosen.
    """

    known = None
    found: dict = {}

    def _invalid(self, item):
        return ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": str(item)[:50]},
        )

    def _check_values(self, value):
        values = list(dict.fromkeys(value))
        slugs = [item for item in values if isinstance(item, str) and SLUG.match(item)]
        if self.known is not None:
            self.found = {slug: self.known[slug] for slug in slugs if slug in self.known}
        elif slugs:
            rows = self.queryset.filter(**{f"{self.to_field_name}__in": slugs})
            self.found = {getattr(row, self.to_field_name): row for row in rows}
        else:
            self.found = {}
        for item in values:
            if item not in self.found:
                raise self._invalid(item)
        return [self.found[item] for item in values]


@extend_schema_field({"type": "array", "items": {"type": "string", "format": "slug"}})
class SlugMultipleFilter(django_filters.ModelMultipleChoiceFilter):
    """Rows chosen by slug, several at once (``?sector=a&sector=b``)."""

    field_class = SlugMultipleChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class YearInput(forms.NumberInput):
    """A number box for a year that shows back only a whole number: a value that is none
    (``abc``) is left out of the box, and the field's error says what was wrong."""

    def format_value(self, value):
        text = super().format_value(value)
        if text is None or not WHOLE_NUMBER.match(str(text)):
            return None
        return str(text).strip()


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        kwargs.setdefault("widget", YearInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, **kwargs)


class SearchTextField(forms.CharField):
    """The lists' search box, read as the search page reads its query (catalog.search)."""

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        query = parse_query(value)
        if query.unsearchable:
            raise ValidationError(UNSEARCHABLE_MESSAGE, code="unsearchable")
        if not query.terms:
            raise ValidationError(NO_TERMS_MESSAGE, code="no_terms")
        if query.terms_dropped:
            raise ValidationError(
                _("Use at most %(count)s words or phrases."),
                code="too_many_terms",
                params={"count": MAX_TERMS},
            )


class SearchTextFilter(django_filters.CharFilter):
    """Every term of the query (a word, or a phrase in double quotes) must occur in the row's
    normalised search text."""

    field_class = SearchTextField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        # Through the search index (any queryset of the model, its base manager's too).
        return matching(qs, parse_query(value).terms)


SORT_LABEL = _("Sort by")


def _asc(field):
    """Ascending with undated (NULL) rows last, on SQLite and PostgreSQL alike."""
    return F(field).asc(nulls_last=True)


def _desc(field):
    """Descending with undated (NULL) rows last, on SQLite and PostgreSQL alike."""
    return F(field).desc(nulls_last=True)


def sort_filter(orderings, label=SORT_LABEL):
    """A whitelisted ordering: ``orderings`` maps a parameter value to (label, order_by fields)."""

    def apply(queryset, name, value):
        return queryset.order_by(*orderings[value][1])

    sort = django_filters.ChoiceFilter(
        label=label,
        choices=[(key, text) for key, (text, _fields) in orderings.items()],
        method=apply,
        empty_label=None,
    )
    sort.orderings = orderings
    return sort


class FacetedFilterSet(django_filters.FilterSet):
    """Base of the list FilterSets.

    A filter wrapped in ``faceted(filter, kind)`` is shown with a count per option (its label is
    the facet's legend and its chips'); ``ranges`` names each range filter's two halves, with the
    legend of the one chip that removes both; ``default_sort`` orders an unsorted list.
    """

    ranges: dict[str, tuple[str, str, str]] = {}
    default_sort = "name"

    def __init__(self, *args, known=None, **kwargs):
        self.known = known or {}
        super().__init__(*args, **kwargs)

    @classmethod
    def without_unknown_sort(cls, data):
        """``data`` without any ``sort`` value the list does not offer, and the first such value
        (None when there is none). Sorting is not a filter: an unknown order is ignored, and the
        list keeps its default order."""
        orderings = cls.base_filters["sort"].orderings
        values = data.getlist("sort")
        unknown = [value for value in values if value not in orderings]
        if not unknown:
            return data, None
        data = data.copy()
        known = [value for value in values if value in orderings]
        if known:
            data.setlist("sort", known)
        else:
            del data["sort"]
        return data, unknown[0]

    @property
    def sort(self):
        """The order the list is in: the valid ``sort`` given, else the default."""
        cleaned = getattr(self.form, "cleaned_data", {})
        return cleaned.get("sort") or self.default_sort

    @property
    def shows_drafts(self):
        """Whether the visitor is staff, who see drafts (marked) as everywhere else."""
        return models.shows_drafts(getattr(self.request, "user", None))

    def chosen_rows(self, name):
        """slug -> row of the valid values given to the slug filter ``name``."""
        self.form.is_valid()
        return getattr(self.form.fields[name], "found", {})

    @property
    def form(self):
        form = super().form
        for name, mapping in self.known.items():
            if name in form.fields:
                form.fields[name].known = mapping
        return form

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = self.filters["sort"].filter(queryset, self.default_sort)
        return queryset

    def filter_without(self, queryset, excluded):
        """The queryset narrowed by every valid filter except those in ``excluded``."""
        data = getattr(self.form, "cleaned_data", {})
        for name, value in data.items():
            if name in excluded or name == "sort":
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset


def _in_tree(queryset, relation, tree_model, nodes):
    """Rows linked (by the foreign key or many-to-many field ``relation``) to any of ``nodes`` or
    to a node below them: from the stored tree pairs (catalog/tree_index.py) where they cover the
    link, the counts of the tree facets and the sector and region pages read the same pairs.
    Otherwise a many-to-many link is read from its own table: joining the rows' table in the
    subquery is ten times slower on SQLite."""
    if not nodes:
        return queryset
    code = tree_index.relation_code(queryset.model, relation)
    if code is not None:
        # The stored (row, node) pairs: a row is under each node it links to and every node
        # above it, so the chosen nodes' pairs are the rows wanted, read from the pairs' key.
        pairs = TreeMembership.rows.filter(relation=code, node__in=[node.pk for node in nodes])
        return queryset.filter(pk__in=pairs.values("member"))
    chosen = tree_model.objects.with_descendants(nodes).values("pk")
    model_field = queryset.model._meta.get_field(relation)
    if not model_field.many_to_many:
        return queryset.filter(**{f"{relation}__in": chosen})
    links = model_field.remote_field.through._base_manager.filter(
        **{f"{model_field.m2m_reverse_field_name()}__in": chosen}
    )
    return queryset.filter(pk__in=links.values(model_field.m2m_field_name()))


def _in_sectors(queryset, relation, sectors):
    return _in_tree(queryset, relation, models.Sector, sectors)


def _in_regions(queryset, relation, regions):
    return _in_tree(queryset, relation, models.Region, regions)


def _yes_no(queryset, condition, value):
    if value == "yes":
        return queryset.filter(condition)
    if value == "no":
        return queryset.exclude(condition)
    return queryset


class CompanyFilter(FacetedFilterSet):
    q = SearchTextFilter()
    sector = faceted(
        SlugMultipleFilter(
            label=_("Sector"), queryset=models.Sector.objects.all(), method="filter_sector"
        ),
        Tree("sectors", "sectors"),
    )
    kind = faceted(
        django_filters.MultipleChoiceFilter(
            label=_("Kind"), choices=models.CompanyKind.choices, distinct=False
        ),
        Choices(),
    )
    region = faceted(
        SlugMultipleFilter(
            label=_("Region"), queryset=models.Region.objects.all(), method="filter_region"
        ),
        Tree("region", "regions"),
    )
    founded_min = YearFilter(
        label=_("Founded from"), field_name="founded_on__year", lookup_expr="gte"
    )
    founded_max = YearFilter(
        label=_("Founded until"), field_name="founded_on__year", lookup_expr="lte"
    )
    funding = faceted(
        django_filters.ChoiceFilter(
            label=_("Has funding rounds"), choices=YES_NO, method="filter_funding"
        ),
        YesNo(lambda: Q(pk__in=models.FundingRound.objects.values("company"))),
    )
    sort = sort_filter(
        {
            "name": (_("Name"), ("name_en", "pk")),
            "founded": (_("Founding date, oldest first"), (_asc("founded_on"), "name_en", "pk")),
            "-founded": (
                _("Founding date, newest first"),
                (_desc("founded_on"), "name_en", "pk"),
            ),
            "newest": (_("Newest in the catalogue"), ("-created", "pk")),
            "metrics": (_("Most figures"), ("-metric_count", "name_en", "pk")),
        }
    )

    ranges = {"founded": (_("Founded"), "founded_min", "founded_max")}

    class Meta:
        model = models.Company
        fields = []

    def filter_sector(self, queryset, name, value):
        return _in_sectors(queryset, "sectors", value)

    def filter_region(self, queryset, name, value):
        return _in_regions(queryset, "region", value)

    def filter_funding(self, queryset, name, value):
        has = Exists(models.FundingRound.objects.filter(company=OuterRef("pk")))
        return _yes_no(queryset, Q(has), value)


LEVER_CHOICES = models.Lever.choices
CHANGE_CHOICES = models.ChangeKind.choices


class CaseFilter(FacetedFilterSet):
    q = SearchTextFilter()
    sector = faceted(
        SlugMultipleFilter(
            label=_("Sector"), queryset=models.Sector.objects.all(), method="filter_sector"
        ),
        Tree("sectors", "sectors"),
    )
    region = faceted(
        SlugMultipleFilter(
            label=_("Region"), queryset=models.Region.objects.all(), method="filter_region"
        ),
        Tree("regions", "regions"),
    )
    company = faceted(
        SlugMultipleFilter(
            label=_("Organisation"), queryset=visible_companies, method="filter_company"
        ),
        Related("roles__company"),
    )
    lever = faceted(
        django_filters.MultipleChoiceFilter(
            label=_("Lever"), choices=LEVER_CHOICES, method="filter_lever"
        ),
        Flags(models.LEVER_FIELDS, LEVER_CHOICES),
    )
    change = faceted(
        django_filters.MultipleChoiceFilter(
            label=_("Kind of change"), choices=CHANGE_CHOICES, method="filter_change"
        ),
        Flags(models.CHANGE_FIELDS, CHANGE_CHOICES),
    )
    track = faceted(
        django_filters.MultipleChoiceFilter(
            label=_("Track"), choices=models.Track.choices, distinct=False
        ),
        Choices(),
    )
    year_min = YearFilter(label=_("From year"), method="filter_year_min")
    year_max = YearFilter(label=_("Until year"), method="filter_year_max")
    metrics = faceted(
        django_filters.ChoiceFilter(
            label=_("Has figures"), choices=YES_NO, method="filter_metrics"
        ),
        YesNo(lambda: Q(pk__in=models.Metric.objects.values("case"))),
    )
    theme = faceted(
        SlugMultipleFilter(label=_("Theme"), queryset=visible_themes, method="filter_theme"),
        Linked(models.Theme, "cases"),
    )
    sort = sort_filter(
        {
            "name": (_("Title"), ("title_en", "pk")),
            "-year": (_("Most recent period first"), (_desc("start_year"), "title_en", "pk")),
            "year": (_("Earliest period first"), (_asc("start_year"), "title_en", "pk")),
            "newest": (_("Newest in the catalogue"), ("-created", "pk")),
            "metrics": (_("Most figures"), ("-metric_count", "title_en", "pk")),
        }
    )

    ranges = {"year": (_("Years"), "year_min", "year_max")}

    class Meta:
        model = models.Case
        fields = []

    def filter_sector(self, queryset, name, value):
        return _in_sectors(queryset, "sectors", value)

    def filter_region(self, queryset, name, value):
        return _in_regions(queryset, "regions", value)

    def filter_company(self, queryset, name, value):
        if not value:
            return queryset
        roles = models.CaseCompany.objects.filter(company__in=value)
        return queryset.filter(pk__in=roles.values("case"))

    def filter_lever(self, queryset, name, value):
        return _any_flag(queryset, models.LEVER_FIELDS, value)

    def filter_change(self, queryset, name, value):
        return _any_flag(queryset, models.CHANGE_FIELDS, value)

    def filter_year_min(self, queryset, name, value):
        # The case's period reaches the year: it ends (or, without an end, starts) then or later.
        return queryset.filter(
            Q(end_year__gte=value) | Q(end_year__isnull=True, start_year__gte=value)
        )

    def filter_year_max(self, queryset, name, value):
        return queryset.filter(start_year__lte=value)

    def filter_metrics(self, queryset, name, value):
        has = Exists(models.Metric.objects.filter(case=OuterRef("pk")))
        return _yes_no(queryset, Q(has), value)

    def filter_theme(self, queryset, name, value):
        if not value:
            return queryset
        links = models.Theme.cases.through._base_manager.filter(theme__in=value)
        return queryset.filter(pk__in=links.values("case"))


def _any_flag(queryset, fields, values):
    condition = Q()
    for value in values:
        condition |= Q(**{fields[value]: True})
    return queryset.filter(condition) if values else queryset


class PolicyFilter(FacetedFilterSet):
    q = SearchTextFilter()
    level = faceted(
        django_filters.MultipleChoiceFilter(
            label=_("Level"), choices=models.PolicyLevel.choices, distinct=False
        ),
        Choices(),
    )
    issuer = faceted(
        SlugMultipleFilter(
            label=_("Issuing body"), queryset=visible_companies, method="filter_issuer"
        ),
        Related("issuers"),
    )
    region = faceted(
        SlugMultipleFilter(
            label=_("Region"), queryset=models.Region.objects.all(), method="filter_region"
        ),
        Tree("regions", "regions"),
    )
    year_min = YearFilter(label=_("From year"), field_name="issued_on__year", lookup_expr="gte")
    year_max = YearFilter(label=_("Until year"), field_name="issued_on__year", lookup_expr="lte")
    sort = sort_filter(
        {
            "-date": (_("Newest policy first"), (_desc("issued_on"), "title_en", "pk")),
            "date": (_("Oldest policy first"), (_asc("issued_on"), "title_en", "pk")),
            "name": (_("Title"), ("title_en", "pk")),
            "newest": (_("Newest in the catalogue"), ("-created", "pk")),
        }
    )

    ranges = {"year": (_("Years"), "year_min", "year_max")}
    default_sort = "-date"

    class Meta:
        model = models.Policy
        fields = []

    def filter_issuer(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=models.Policy.objects.filter(issuers__in=value).values("pk"))

    def filter_region(self, queryset, name, value):
        return _in_regions(queryset, "regions", value)


class PersonFilter(FacetedFilterSet):
    q = SearchTextFilter()
    pseudonym = faceted(
        django_filters.ChoiceFilter(
            label=_("Name is a pseudonym"), choices=YES_NO, method="filter_pseudonym"
        ),
        YesNo(),
    )
    organisation = SlugMultipleFilter(
        label=_("Organisation"), queryset=visible_companies, field_name="organisation__slug"
    )
    sort = sort_filter(
        {
            "name": (_("Name"), ("name_en", "pk")),
            "quotes": (_("Most statements"), ("-quote_count", "name_en", "pk")),
        }
    )

    class Meta:
        model = models.Person
        fields = []

    def filter_pseudonym(self, queryset, name, value):
        return _yes_no(queryset, Q(is_pseudonym=True), value)


# The FilterSets of the list pages, whose facets the facet index holds (catalog/facet_index.py).
LIST_FILTERSETS = (CaseFilter, CompanyFilter, PolicyFilter, PersonFilter)
